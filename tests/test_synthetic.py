"""The synthetic corpus generator (scripts/make_synthetic_corpus.py): valid, realistic, deterministic."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from newsspan.corpus import Corpus
from newsspan.files import dump_json
from newsspan.model import LAYERS
from newsspan.schema import claim_types, entity_labels, quotation_forms, timex_types
from newsspan.text import canonical_text
from newsspan.validation import validate

from .conftest import load_synthetic_generator

REPO = Path(__file__).resolve().parents[1]
DOCS = 40


def _load_generator():
    return load_synthetic_generator()


gen = _load_generator()


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Corpus:
    root = tmp_path_factory.mktemp("synthetic")
    assert gen.main([str(DOCS), "--out", str(root), "--seed", "7", "--jobs", "2"]) == 0
    return Corpus(root)


def _files(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_every_generated_document_validates(synthetic):
    report = validate(synthetic)
    assert report.files == DOCS
    assert report.problems == []


def test_documents_have_the_requested_size_and_all_four_layers(synthetic):
    for doc, text in synthetic.iter_documents():
        assert 2000 <= len(text) <= 11000, doc["id"]
        spans = sum(len(doc[layer]) for layer in LAYERS)
        assert 40 <= spans <= 170, (doc["id"], spans)
        assert all(doc[layer] for layer in LAYERS), doc["id"]


def test_every_label_of_the_schema_occurs(synthetic):
    seen: Counter[str] = Counter()
    for doc, _ in synthetic.iter_documents():
        seen.update(f"entities:{e['label']}" for e in doc["entities"])
        seen.update(f"dates:{d['type']}" for d in doc["dates"])
        seen.update(f"quotations:{q['form']}" for q in doc["quotations"])
        seen.update(f"claims:{c['type']}" for c in doc["claims"])
    expected = ({f"entities:{x}" for x in entity_labels()} | {f"dates:{x}" for x in timex_types()}
                | {f"quotations:{x}" for x in quotation_forms()} | {f"claims:{x}" for x in claim_types()})
    assert expected <= set(seen)


def test_hard_cases_are_present(synthetic):
    nested = attributed = quoted_claims = anchored = with_points = 0
    text_all = ""
    for doc, text in synthetic.iter_documents():
        text_all += text
        ents = [(e["start"], e["end"]) for e in doc["entities"]]
        nested += sum(1 for a in ents for b in ents if a != b and a[0] <= b[0] and b[1] <= a[1])
        attributed += sum(1 for q in doc["quotations"] if q["speaker"] and q["source"] and q["cue"])
        speakers = {q["id"]: q["speaker"] for q in doc["quotations"]}
        quoted_claims += sum(1 for c in doc["claims"]
                             if c.get("quotation") and c["claimant"] == speakers[c["quotation"]])
        anchored += sum(1 for d in doc["dates"] if d["anchor"] not in (None, "dct"))
        with_points += sum(1 for d in doc["dates"] if "begin_point" in d and "end_point" in d)
    assert min(nested, attributed, quoted_claims, anchored, with_points) > 0
    for char in "“”’–éŁ":
        assert char in text_all
    assert any(ord(c) > 0xFFFF for c in text_all), "no emoji (astral characters) in the text"


def test_some_seeds_are_received_with_crlf_or_bom(synthetic):
    raw = [p.read_bytes() for p in synthetic.seeds_dir.iterdir()]
    odd = [data for data in raw if b"\r\n" in data or data.startswith(b"\xef\xbb\xbf")]
    assert odd, "expected a few seeds with CRLF line ends or a BOM"
    assert all("\r" not in canonical_text(data) and not canonical_text(data).startswith("\ufeff") for data in odd)


def test_annotation_files_are_in_the_repository_json_style(synthetic):
    for path in list(synthetic.annotations_dir.iterdir())[:10]:
        doc, _ = synthetic.load(path)
        assert path.read_bytes() == dump_json(doc).encode("utf-8")


def test_output_depends_only_on_the_seed_not_on_the_workers(tmp_path):
    one, two, other = tmp_path / "one", tmp_path / "two", tmp_path / "other"
    gen.generate(12, one, seed=3, jobs=1)
    for folder in ("seeds", "annotations"):
        (two / folder).mkdir(parents=True)
    gen.write_range(str(two), 3, 6, 12)  # the second half first, in another call
    gen.write_range(str(two), 3, 0, 6)
    gen.generate(12, other, seed=4, jobs=1)
    assert _files(one) == _files(two)
    assert _files(one) != _files(other)


def test_refuses_to_write_over_an_existing_corpus(tmp_path, capsys):
    assert gen.main(["2", "--out", str(tmp_path), "--jobs", "1"]) == 0
    before = _files(tmp_path)
    assert gen.main(["2", "--out", str(tmp_path), "--jobs", "1"]) == 1
    assert "refusing to overwrite" in capsys.readouterr().err
    assert _files(tmp_path) == before
