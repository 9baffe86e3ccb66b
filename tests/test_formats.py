"""Every converter: the round trip export -> import keeps everything the format carries (property
tests over random documents with astral characters, combining marks, tabs, nested spans), imports
write valid corpus roots, and the export/import commands behave as documented."""

from __future__ import annotations

import copy
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from newsspan.corpus import Corpus
from newsspan.files import FileExistsRefusal
from newsspan.formats import FORMATS, converter
from newsspan.formats.base import write_corpus
from newsspan.iob import outermost
from newsspan.model import LAYERS
from newsspan.validation import validate

from .conftest import REPO, SEED_ID, invoke
from .strategies import corpora, documents
from .strategies import write_corpus as write_source_corpus

#: Formats that carry whole documents (metadata, provenance, every attribute and link).
LOSSLESS = ("label-studio", "web-annotation", "uima-cas", "spacy")
PROPERTY = settings(max_examples=15, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])

Pair = tuple[dict[str, Any], str]


def roundtrip(name: str, docs: list[Pair], workdir: Path) -> list[Pair]:
    """Export ``docs`` with format ``name`` and read them back (failing on any import problem)."""
    module = converter(name)
    module.export(docs, workdir / "out")
    result = module.read(workdir / "out")
    assert result.problems == []
    return result.documents


def squeeze(text: str) -> str:
    return "".join(text.split())


def carried(name: str, doc: dict[str, Any]) -> dict[str, Any]:
    """What format ``name`` is documented to carry of a document (docs/formats.md)."""
    if name in LOSSLESS:
        return doc
    if name == "brat":
        return {"id": doc["id"], "dateline": doc["metadata"]["dateline"], **{layer: doc[layer] for layer in LAYERS}}
    if name == "doccano":
        view = copy.deepcopy({key: value for key, value in doc.items() if key not in LAYERS})
        view["entities"] = [{k: e[k] for k in ("id", "start", "end", "text", "label")} for e in doc["entities"]]
        view["dates"] = [{**{k: v for k, v in d.items() if k not in ("value", "mod", "note")},
                          "anchor": None if d["anchor"] == "dct" else d["anchor"]} for d in doc["dates"]]
        view["quotations"] = [{k: v for k, v in q.items() if k != "note"} for q in doc["quotations"]]
        view["claims"] = [{k: v for k, v in c.items() if k not in ("note", "checkworthy")} for c in doc["claims"]]
        if doc["claims"]:  # undecided claims (checkworthy not carried) are allowed in drafts only (§C6)
            view["annotation"] = {**view["annotation"], "status": "draft"}
        return view
    raise AssertionError(f"no projection for {name}")


def conll_view(doc: dict[str, Any], text: str) -> tuple[str, list[tuple[str, str]]]:
    """CoNLL keeps the characters (not the whitespace) and the outermost entities."""
    spans = outermost((e["start"], e["end"], e["label"]) for e in doc["entities"])
    return squeeze(text), [(squeeze(text[start:end]), label) for start, end, label in spans]


def assert_valid_corpus(docs: list[Pair], root: Path) -> None:
    write_corpus(docs, root)
    report = validate(Corpus(root))
    assert report.problems == []
    assert report.files == len(docs)


def test_every_format_name_of_the_contract_has_a_converter():
    assert set(FORMATS) == {"brat", "label-studio", "spacy", "conll", "doccano", "web-annotation", "uima-cas"}
    for name in FORMATS:
        module = converter(name)
        assert callable(module.export) and callable(module.read)


@pytest.mark.parametrize("name", [n for n in FORMATS if n != "conll"])
@PROPERTY
@given(docs=corpora(max_size=3))
def test_round_trip_keeps_what_the_format_carries(name, docs):
    with tempfile.TemporaryDirectory() as tmp:
        back = roundtrip(name, docs, Path(tmp))
        assert sorted(d["id"] for d, _ in back) == sorted(d["id"] for d, _ in docs)
        by_id = {doc["id"]: (doc, text) for doc, text in back}
        for doc, text in docs:
            back_doc, back_text = by_id[doc["id"]]
            assert back_text == text
            assert carried(name, back_doc) == carried(name, doc)
        assert_valid_corpus(back, Path(tmp) / "imported")


@PROPERTY
@given(pair=documents())
def test_conll_round_trip_keeps_characters_and_outermost_entities(pair):
    doc, text = pair
    with tempfile.TemporaryDirectory() as tmp:
        [(back_doc, back_text)] = roundtrip("conll", [pair], Path(tmp))
        assert conll_view(back_doc, back_text) == conll_view(doc, text)
        assert back_doc["metadata"]["split"] == doc["metadata"]["split"]  # from the file name
        assert all(back_doc[layer] == [] for layer in ("dates", "quotations", "claims"))
        assert_valid_corpus([(back_doc, back_text)], Path(tmp) / "imported")


@given(pair=documents())
@settings(max_examples=20, deadline=None)
def test_random_documents_pass_validation(pair):
    """The strategy itself: what it draws is a valid corpus document (other tests rely on this)."""
    with tempfile.TemporaryDirectory() as tmp:
        corpus = write_source_corpus(Path(tmp), [pair])
        assert validate(corpus).problems == []


@pytest.mark.parametrize("name", LOSSLESS)
def test_seed_document_round_trips_exactly(name, seed_document, tmp_path):
    [(doc, text)] = roundtrip(name, [seed_document], tmp_path)
    assert (doc, text) == seed_document
    assert json.dumps(doc, ensure_ascii=False) == json.dumps(seed_document[0], ensure_ascii=False)  # key order too


@pytest.mark.parametrize("name", ["brat", "doccano"])
def test_seed_document_keeps_the_carried_part(name, seed_document, tmp_path):
    [(doc, text)] = roundtrip(name, [seed_document], tmp_path)
    assert text == seed_document[1]
    assert carried(name, doc) == carried(name, seed_document[0])


def test_doccano_marks_what_it_cannot_carry_as_unknown(seed_document, tmp_path):
    assert seed_document[0]["annotation"]["status"] == "adjudicated"
    [(doc, _)] = roundtrip("doccano", [seed_document], tmp_path)
    assert all("X" in date["value"] for date in doc["dates"])  # TIMEX3 value unknown, in TimeML's X notation
    assert all(claim["checkworthy"] is None for claim in doc["claims"])
    assert doc["annotation"]["status"] == "draft"  # undecided claims make no gold document (§C6)
    assert all("kb_id" not in e and "note" not in e for e in doc["entities"])


def test_conll_keeps_documents_apart_and_files_per_split(seed_document, tmp_path):
    doc, text = seed_document
    other = copy.deepcopy(doc)
    other["id"], other["metadata"]["split"] = "second-doc", "train"
    test_doc = copy.deepcopy(doc)
    test_doc["id"], test_doc["metadata"]["split"] = "third-doc", "test"
    paths = converter("conll").export([(doc, text), (other, text), (test_doc, text)], tmp_path / "out")
    assert sorted(p.name for p in paths) == ["test.conll", "train.conll"]
    train = (tmp_path / "out" / "train.conll").read_text(encoding="utf-8")
    assert train.count("-DOCSTART- -X- O O\n") == 2
    result = converter("conll").read(tmp_path / "out")
    assert sorted(d["id"] for d, _ in result.documents) == ["test-1", "train-1", "train-2"]
    assert all(conll_view(d, t) == conll_view(doc, text) for d, t in result.documents)


def test_conll_is_read_by_spacy_convert(seed_document, tmp_path):
    """spaCy's own CoNLL-2003 NER converter reads the file and finds the outermost entities."""
    from spacy.training.converters import conll_ner_to_docs

    doc, text = seed_document
    converter("conll").export([seed_document], tmp_path)
    [sdoc] = list(conll_ner_to_docs((tmp_path / "train.conll").read_text(encoding="utf-8"), no_print=True))
    expected = [(squeeze(text[s:e]), label) for s, e, label in outermost((e["start"], e["end"], e["label"])
                                                                         for e in doc["entities"])]
    assert [(squeeze(ent.text), ent.label_) for ent in sdoc.ents] == expected


def test_nested_entities_leave_only_the_outermost_in_conll(seed_document, tmp_path):
    doc, text = copy.deepcopy(seed_document[0]), seed_document[1]
    outer = next(e for e in doc["entities"] if e["text"] == "Ministry of Foreign Affairs")
    start = text.index("Foreign Affairs", outer["start"])
    doc["entities"].append({"id": "e99", "start": start, "end": start + 15, "text": "Foreign Affairs", "label": "ORG"})
    converter("conll").export([(doc, text)], tmp_path)
    lines = (tmp_path / "train.conll").read_text(encoding="utf-8").split("\n")
    at = lines.index("Ministry B-ORG")
    assert lines[at:at + 4] == ["Ministry B-ORG", "of I-ORG", "Foreign I-ORG", "Affairs I-ORG"]


# --- writing an imported corpus root -------------------------------------------------------------

def test_write_corpus_never_overwrites_other_content_without_force(seed_document, tmp_path):
    doc, text = seed_document
    write_corpus([seed_document], tmp_path)
    assert write_corpus([seed_document], tmp_path)  # identical files: nothing to overwrite
    changed = copy.deepcopy(doc)
    changed["entities"] = changed["entities"][:3]
    extra = copy.deepcopy(doc)
    extra["id"] = "another-doc"
    with pytest.raises(FileExistsRefusal, match=SEED_ID):
        write_corpus([(extra, text), (changed, text)], tmp_path)
    assert not Corpus(tmp_path).annotation_path("another-doc").exists()  # all or nothing
    assert json.loads(Corpus(tmp_path).annotation_path(SEED_ID).read_text(encoding="utf-8")) == doc
    write_corpus([(extra, text), (changed, text)], tmp_path, force=True)
    assert len(json.loads(Corpus(tmp_path).annotation_path(SEED_ID).read_text(encoding="utf-8"))["entities"]) == 3
    assert not list(tmp_path.rglob("*.tmp"))


# --- the commands ----------------------------------------------------------------------------------

def run(*args: str):
    return invoke(list(args))


@pytest.mark.parametrize("name", list(FORMATS))
def test_export_then_import_gives_a_corpus_root_that_validates(name, tmp_path):
    exported = run("export", "--format", name, "--out", str(tmp_path / "out"), "--root", str(REPO), "--json")
    assert exported.exit_code == 0, exported.output
    assert json.loads(exported.stdout)["documents"] == 1
    imported = run("import", "--format", name, str(tmp_path / "out"), "--out", str(tmp_path / "root"), "--json")
    assert imported.exit_code == 0, imported.output
    assert json.loads(imported.stdout)["ok"] is True
    checked = run("validate", "--root", str(tmp_path / "root"), "--json")
    assert checked.exit_code == 0 and json.loads(checked.stdout)["files"] == 1


def test_import_refuses_to_overwrite_changed_annotations_unless_forced(tmp_path):
    assert run("export", "--format", "brat", "--out", str(tmp_path / "out"), "--root", str(REPO)).exit_code == 0
    assert run("import", "--format", "brat", str(tmp_path / "out"), "--out", str(tmp_path / "root")).exit_code == 0
    target = Corpus(tmp_path / "root").annotation_path(SEED_ID)
    # a span edited since the import (an edited provenance block, which brat lacks, would simply be kept)
    edited = json.loads(target.read_text(encoding="utf-8"))
    edited["entities"][0]["label"] = "LOC" if edited["entities"][0]["label"] != "LOC" else "ORG"
    target.write_text(json.dumps(edited, ensure_ascii=False, indent=2), encoding="utf-8")
    before = target.read_bytes()
    again = invoke(["import", "--format", "brat", str(tmp_path / "out"), "--out", str(tmp_path / "root")])
    assert again.exit_code == 1
    assert "refusing to overwrite" in again.output and target.read_bytes() == before
    forced = run("import", "--format", "brat", str(tmp_path / "out"), "--out", str(tmp_path / "root"), "--force")
    assert forced.exit_code == 0 and target.read_bytes() != before


def test_import_reports_unmappable_spans_and_writes_nothing(tmp_path):
    assert run("export", "--format", "doccano", "--out", str(tmp_path / "out"), "--root", str(REPO)).exit_code == 0
    path = tmp_path / "out" / "corpus.jsonl"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["entities"][2]["end_offset"] += 1  # "Kassym-Jomart Tokayev" + the following space
    record["entities"][3]["label"] = "PERSONA"
    path.write_text(json.dumps(record) + "\n", encoding="utf-8")
    result = run("import", "--format", "doccano", str(path), "--out", str(tmp_path / "root"), "--json",
                 "--on-unknown", "error")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert {(e["file"], e["pointer"], e["code"]) for e in errors} == {
        (str(path), "line 1 /entities/3", "import-unknown-label"),
        (str(path), "line 1 /entities/2", "span-whitespace"),
    }
    assert "Traceback" not in result.output
    assert not (tmp_path / "root").exists()
    skipping = run("import", "--format", "doccano", str(path), "--out", str(tmp_path / "root"), "--json")
    assert skipping.exit_code == 1 and not (tmp_path / "root").exists()  # the bad offset still blocks the file
    report = json.loads(skipping.stdout)
    assert {e["code"] for e in report["errors"]} == {"span-whitespace"}
    assert report["skipped_count"] == 2
    assert [(row["label"], row["where"]) for row in report["skipped"]] == [("PERSONA", "line 1 /entities/3"),
                                                                          ("status", "/annotation/status")]


def test_export_refuses_invalid_corpus_and_non_empty_out(corpus_copy, tmp_path):
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "keep.txt").write_text("mine", encoding="utf-8")
    busy = run("export", "--format", "brat", "--out", str(tmp_path / "busy"), "--root", str(corpus_copy.root))
    assert busy.exit_code == 1 and (tmp_path / "busy" / "keep.txt").read_text(encoding="utf-8") == "mine"
    path = corpus_copy.annotation_path(SEED_ID)
    path.write_text(path.read_text(encoding="utf-8").replace('"start": 8,', '"start": 9,', 1), encoding="utf-8")
    invalid = run("export", "--format", "brat", "--out", str(tmp_path / "new"), "--root", str(corpus_copy.root),
                  "--json")
    assert invalid.exit_code == 1
    assert json.loads(invalid.stdout)["ok"] is False and not (tmp_path / "new").exists()


def test_usage_errors_exit_2(tmp_path):
    assert run("export", "--format", "excel", "--out", str(tmp_path), "--root", str(REPO)).exit_code == 2
    predictions = run("export", "--format", "brat", "--predictions", "--out", str(tmp_path), "--root", str(REPO))
    assert predictions.exit_code == 2
    assert run("import", "--format", "brat", str(tmp_path / "missing"), "--out", str(tmp_path / "root")).exit_code == 2
    assert run("import", "--format", "brat").exit_code == 2


def test_label_studio_predictions_from_the_command(tmp_path):
    done = run("export", "--format", "label-studio", "--predictions", "--out", str(tmp_path), "--root", str(REPO))
    assert done.exit_code == 0, done.output
    [task] = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    assert "annotations" not in task and task["predictions"][0]["result"]


@pytest.mark.parametrize("name", ["brat", "web-annotation", "uima-cas"])
def test_file_named_formats_keep_any_valid_document_id(name, seed_document, tmp_path):
    doc, text = copy.deepcopy(seed_document[0]), seed_document[1]
    doc["id"] = "00-"  # valid (schema pattern), though not what a slug of a file name looks like
    [(back, _)] = roundtrip(name, [(doc, text)], tmp_path)
    assert back["id"] == "00-"
