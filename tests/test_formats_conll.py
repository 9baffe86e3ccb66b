"""CoNLL dialects as the corpora ship them (fixtures in tests/fixtures/formats/conll/): IOB1 with 4 columns
and -DOCSTART- (CoNLL-2003), IOB2 with 2 tab-separated columns and blank-line documents (WNUT-17), BIOES and
BILOU; and re-alignment of a CoNLL file onto the seeds of the corpus it is imported into."""

from __future__ import annotations

import json

import pytest

from newsspan.corpus import Corpus
from newsspan.formats import conll
from newsspan.formats.base import ImportOptions, read_with
from newsspan.formats.labels import LabelMap
from newsspan.validation import validate

from .conftest import REPO, SEED_ID, invoke

FIXTURES = REPO / "tests" / "fixtures" / "formats" / "conll"


def entities(result) -> list[list[tuple[str, str]]]:
    return [[(e["text"], e["label"]) for e in doc["entities"]] for doc, _ in result.documents]


def test_conll2003_iob1_four_columns_and_docstart(tmp_path):
    options = ImportOptions(label_map=LabelMap.load("conll2003"))
    result = read_with(conll, FIXTURES / "eng.train.conll", options)
    assert result.problems == []
    assert entities(result) == [
        [("Kazakhstan", "LOC"), ("Pakistan", "LOC"), ("Kassym-Jomart Tokayev", "PERSON"), ("Commission", "ORG")],
        [("Islamabad", "LOC"), ("Lahore", "LOC"), ("Karachi", "LOC")],  # B-LOC splits two adjacent LOCs (IOB1)
    ]
    assert [(s.where, s.label, s.text) for s in options.skipped] == [("line 17", "MISC", "European")]
    assert conll.detect_scheme(["I-LOC", "O", "I-LOC", "B-LOC"]) == "IOB1"


def test_wnut_two_columns_blank_line_documents(tmp_path):
    result = read_with(conll, FIXTURES / "wnut17.conll", ImportOptions(label_map=LabelMap.load("wnut17")))
    assert result.problems == []
    assert entities(result) == [[("Empire State Building", "LOC")], [("AHFA", "ORG"), ("Sony Bravia", "ORG")]]
    assert result.documents[0][1].endswith("Building 😀")


@pytest.mark.parametrize("name", ["bioes.conll", "bilou.conll"])
def test_bioes_and_bilou(name):
    options = ImportOptions(label_map=LabelMap.load("ontonotes" if name == "bioes.conll" else "conll2003"))
    result = read_with(conll, FIXTURES / name, options)
    assert result.problems == []
    [(doc, _)] = result.documents
    found = [(e["text"], e["label"]) for e in doc["entities"]] + [(d["text"], d["type"]) for d in doc["dates"]]
    expected = {"bioes.conll": [("Angela Merkel", "PER"), ("Berlin", "LOC"), ("Monday", "DATE")],
                "bilou.conll": [("Angela Merkel", "PERSON"), ("Berlin", "LOC"), ("Siemens", "ORG")]}[name]
    if name == "bioes.conll":  # ontonotes does not name PER: it is skipped and listed
        expected = [("Berlin", "LOC"), ("Monday", "DATE")]
        assert [s.label for s in options.skipped] == ["PER"]
    assert found == expected


def test_broken_bioes_is_reported_by_line(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_text("Angela B-PER\nvisited O\nBerlin E-LOC\n", encoding="utf-8")
    result = read_with(conll, path, ImportOptions(label_map=LabelMap.load("conll2003"), on_unknown="error"))
    assert {(p.pointer, p.code) for p in result.problems} == {("line 1", "import-malformed"),
                                                              ("line 3", "import-malformed")}


def test_predictions_in_conll_come_back_onto_the_seed_of_the_working_corpus(corpus_copy, tmp_path):
    """Export the working corpus to CoNLL, change a tag as a model would, import back with --force."""
    root = corpus_copy.root
    before, text = corpus_copy.load(corpus_copy.annotation_path(SEED_ID))
    assert invoke(["export", "--format", "conll", "--out", str(tmp_path / "out"),
                               "--root", str(root)]).exit_code == 0
    [path] = (tmp_path / "out").glob("*.conll")
    lines = path.read_text(encoding="utf-8").split("\n")
    first = next(i for i, line in enumerate(lines) if line.endswith(" B-GPE"))
    lines[first] = lines[first].replace(" B-GPE", " B-ORG")
    path.write_text("\n".join(lines), encoding="utf-8")
    refused = invoke(["import", "--format", "conll", str(path), "--out", str(root)])
    assert refused.exit_code == 1 and "refusing to overwrite" in refused.output
    done = invoke(["import", "--format", "conll", str(path), "--out", str(root), "--force", "--json"])
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["documents"] == [SEED_ID]
    after, after_text = Corpus(root).load(Corpus(root).annotation_path(SEED_ID))
    assert after_text == text and after["seed"] == before["seed"] and after["metadata"] == before["metadata"]
    outer = sorted(conll.outermost((e["start"], e["end"], e["label"]) for e in before["entities"]))
    back = sorted((e["start"], e["end"], e["label"]) for e in after["entities"])
    assert [span[:2] for span in back] == [span[:2] for span in outer]  # on the seed's own offsets
    assert [(a[2], b[2]) for a, b in zip(outer, back, strict=True) if a != b] == [("GPE", "ORG")]
    assert len(after["quotations"]) == len(before["quotations"]) and len(after["dates"]) == len(before["dates"])
    assert validate(Corpus(root)).problems == []
