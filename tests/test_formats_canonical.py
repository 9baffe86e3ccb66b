"""Imports of texts that are not canonical (CRLF, a BOM, trailing whitespace): offsets are read on the
text as the tool stored it and mapped through the canonical-text rule, as ``newsspan add`` does; and a
document is checked whole before any file of it is written. Also: Web Annotation targets given as IRIs
(`--source-map`)."""

from __future__ import annotations

import json
from pathlib import Path

from newsspan.corpus import Corpus, new_document
from newsspan.formats import converter
from newsspan.formats.base import ImportResult, unwritable_problems
from newsspan.text import canonical_text

from .conftest import invoke

RAW = "\ufeffKazakhstan and Pakistan met.\r\n\r\nTokayev spoke 😀 in Astana.\r\n  \r\n"
NAMES = ("Kazakhstan", "Pakistan", "Tokayev", "Astana")


def raw_spans(raw: str = RAW) -> list[tuple[int, int, str]]:
    """Where each name is in the raw text (what the tool counted)."""
    return [(raw.index(name), raw.index(name) + len(name), name) for name in NAMES]


def assert_names_read_back(root: Path) -> None:
    """The imported corpus holds the canonical text and every name at its place in it."""
    corpus = Corpus(root)
    [path] = corpus.annotation_files()
    doc, text = corpus.load(path)
    assert text == canonical_text(RAW.encode("utf-8"))
    assert [(text[e["start"]:e["end"]], e["text"]) for e in doc["entities"]] == [(n, n) for n in NAMES]
    seed = corpus.seed_path(doc["seed"]["file"]).read_bytes()
    assert b"\r" not in seed and not seed.startswith(b"\xef\xbb\xbf")


def import_ok(fmt: str, src: Path, out: Path) -> None:
    result = invoke(["import", "--format", fmt, str(src), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["ok"] is True
    assert_names_read_back(out)


def test_label_studio_text_with_bom_crlf_and_trailing_whitespace(tmp_path):
    results = [{"id": f"r{n}", "from_name": "entity", "to_name": "text", "type": "labels",
                "value": {"start": start, "end": end, "text": name, "labels": ["GPE"]}}
               for n, (start, end, name) in enumerate(raw_spans())]
    tasks = [{"id": 7, "data": {"text": RAW}, "annotations": [{"id": 1, "completed_by": 1, "result": results,
                                                                "was_cancelled": False}], "predictions": []}]
    (tmp_path / "export.json").write_text(json.dumps(tasks), encoding="utf-8")
    import_ok("label-studio", tmp_path / "export.json", tmp_path / "root")


def test_doccano_text_with_crlf(tmp_path):
    units = [(len(RAW[:s].encode("utf-16-le")) // 2, len(RAW[:e].encode("utf-16-le")) // 2) for s, e, _ in raw_spans()]
    record = {"id": 3, "text": RAW, "label": [[s, e, "GPE"] for s, e in units], "Comments": []}
    (tmp_path / "all.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    import_ok("doccano", tmp_path / "all.jsonl", tmp_path / "root")


def test_spacy_docbin_whose_text_has_crlf_keeps_every_later_span_in_place(tmp_path):
    import spacy
    from spacy.tokens import DocBin

    nlp = spacy.blank("en")
    sdoc = nlp.make_doc(RAW)
    sdoc.ents = [sdoc.char_span(s, e, label="GPE", alignment_mode="expand") for s, e, _ in raw_spans()]
    DocBin(docs=[sdoc]).to_disk(tmp_path / "ner.spacy")
    import_ok("spacy", tmp_path / "ner.spacy", tmp_path / "root")


def test_uima_sofa_with_crlf(tmp_path):
    from cassis import Cas

    from newsspan.formats.uima_cas import TYPE, typesystem

    ts = typesystem()
    cas = Cas(typesystem=ts)
    cas.sofa_string = RAW
    for start, end, _ in raw_spans():
        cas.add(ts.get_type(TYPE["entities"])(begin=start, end=end, label="GPE"))
    (tmp_path / "doc.xmi").write_text(cas.to_xmi(), encoding="utf-8")
    import_ok("uima-cas", tmp_path / "doc.xmi", tmp_path / "root")


def test_a_span_only_in_dropped_characters_is_reported(tmp_path):
    tasks = [{"id": 1, "data": {"text": "Astana.  \r\n"}, "annotations": [{"result": [
        {"id": "a", "from_name": "entity", "to_name": "text", "type": "labels",
         "value": {"start": 8, "end": 9, "text": " ", "labels": ["GPE"]}}]}]}]
    (tmp_path / "t.json").write_text(json.dumps(tasks), encoding="utf-8")
    problems = converter("label-studio").read(tmp_path / "t.json").problems
    assert [(p.pointer, p.code) for p in problems] == [("/0/annotations/0/result/0/value", "import-offset")]


def test_a_document_whose_text_is_not_canonical_is_refused_before_writing():
    doc = new_document("doc-a", "doc-a.txt", "Astana.")
    bad = ImportResult(documents=[(doc, "Astana.  ")])
    problems = unwritable_problems(bad)
    assert [(p.code, p.pointer) for p in problems] == [("import-text-not-canonical", "/seed")]
    good = ImportResult(documents=[(doc, "Astana.")])
    assert unwritable_problems(good) == []


# --- W3C Web Annotation targets given as IRIs ------------------------------------------------------


def test_web_annotation_iri_targets_need_and_use_a_source_map(tmp_path):
    import shutil

    from .conftest import REPO

    src = tmp_path / "wa"
    shutil.copytree(REPO / "tests" / "fixtures" / "formats" / "web_annotation", src)
    text_file = src / "merkel-tokayev.txt"
    page = src / "merkel-tokayev.jsonld"
    iri = "http://example.org/news/merkel-tokayev"
    missing = invoke(["import", "--format", "web-annotation", str(page), "--out", str(tmp_path / "a"),
                                  "--json"])
    assert missing.exit_code == 1 and not (tmp_path / "a").exists()
    [problem] = json.loads(missing.stdout)["errors"]
    assert problem["code"] == "import-unreadable" and f"--source-map {iri}=FILE" in problem["message"]
    done = invoke(["import", "--format", "web-annotation", str(page), "--out", str(tmp_path / "b"),
                               "--source-map", f"{iri}={text_file}", "--label-map", "conll2003", "--json"])
    assert done.exit_code == 0, done.output
    corpus = Corpus(tmp_path / "b")
    [path] = corpus.annotation_files()
    doc, text = corpus.load(path)
    assert [(text[e["start"]:e["end"]], e["label"]) for e in doc["entities"]] == [
        ("Angela Merkel", "PERSON"), ("Kassym-Jomart Tokayev", "PERSON"), ("Berlin", "LOC")]
    bad = invoke(["import", "--format", "web-annotation", str(page), "--out", str(tmp_path / "c"),
                              "--source-map", "no-equals-sign"])
    assert bad.exit_code == 2 and "IRI=FILE" in bad.output
