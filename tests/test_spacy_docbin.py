"""spaCy DocBin converter: exact text, aligned spans in every layer, lossless round trip, clear errors."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import spacy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.tokens import Doc, DocBin

from newsspan.files import FileExistsRefusal
from newsspan.formats import converter, spacy_docbin
from newsspan.formats.base import ImportOptions, read_with
from newsspan.model import LAYERS
from newsspan.validation import validate

from .conftest import mutated
from .strategies import documents, write_corpus


def _roundtrip(doc: dict[str, Any], text: str, tmp_path: Path) -> tuple[dict[str, Any], str]:
    [path] = spacy_docbin.export([(doc, text)], tmp_path, name="rt", overwrite=True)
    result = spacy_docbin.read(path)
    assert result.problems == []
    [back] = result.documents
    return back


def test_registered_under_its_format_name():
    assert converter("spacy") is spacy_docbin


def test_seed_doc_has_exact_text_and_every_layer(seed_document):
    doc, text = seed_document
    sdoc = spacy_docbin.to_spacy(doc, text)
    assert sdoc.text == text
    for layer in LAYERS:
        got = [(s.start_char, s.end_char, s.id_) for s in sdoc.spans[layer]]
        assert got == [(item["start"], item["end"], item["id"]) for item in doc[layer]]
    labels = {s.id_: s.label_ for s in sdoc.spans["dates"]}
    assert labels == {d["id"]: d["type"] for d in doc["dates"]}
    sources = {s.id_: s.text for s in sdoc.spans["quotations.source"]}
    assert sources == {q["id"]: q["source"]["text"] for q in doc["quotations"] if q["source"]}


def test_ents_are_the_outermost_entities(seed_document):
    doc, text = seed_document
    doc = mutated(doc)
    outer = doc["entities"][4]  # "Ministry of Foreign Affairs"
    inner_start = text.index("Foreign Affairs", outer["start"])
    doc["entities"].append({"id": "e99", "start": inner_start, "end": inner_start + 15,
                            "text": "Foreign Affairs", "label": "ORG"})
    sdoc = spacy_docbin.to_spacy(doc, text)
    ents = {(e.start_char, e.end_char) for e in sdoc.ents}
    assert (outer["start"], outer["end"]) in ents
    assert (inner_start, inner_start + 15) not in ents
    assert len(sdoc.spans["entities"]) == len(doc["entities"])
    offsets = {(e["start"], e["end"]) for e in doc["entities"]}
    contained = {(s, e) for s, e in offsets if any(a <= s and e <= b and (a, b) != (s, e) for a, b in offsets)}
    assert ents == offsets - contained


def test_seed_round_trip_is_lossless_and_validates(seed_document, tmp_path):
    doc, text = seed_document
    back_doc, back_text = _roundtrip(doc, text, tmp_path)
    assert back_text == text
    assert back_doc == doc
    assert list(back_doc["claims"][0]) == list(doc["claims"][0])  # key order kept: files diff cleanly
    corpus = write_corpus(tmp_path / "imported", [(back_doc, back_text)])
    assert validate(corpus).problems == []


def test_tokens_split_at_span_boundaries_inside_words(seed_document):
    doc, text = seed_document
    sdoc = spacy_docbin.to_spacy(doc, text)
    pakistan = next(e for e in doc["entities"] if text[e["end"]:e["end"] + 2] == "’s")
    tokens = {(t.idx, t.idx + len(t)) for t in sdoc}
    assert (pakistan["start"], pakistan["end"]) in tokens  # "Pakistan’s" split before ’s


def test_export_refuses_to_overwrite(seed_document, tmp_path):
    spacy_docbin.export([seed_document], tmp_path)
    with pytest.raises(FileExistsRefusal, match=r"corpus\.spacy"):
        spacy_docbin.export([seed_document], tmp_path)
    assert spacy_docbin.export([seed_document], tmp_path, overwrite=True) == [tmp_path / "corpus.spacy"]


def test_foreign_docbin_imports_its_entities_as_a_draft(tmp_path):
    nlp = spacy.blank("en")
    sdoc = nlp("Tokayev flew to Islamabad.")
    sdoc.ents = [sdoc.char_span(0, 7, label="PERSON"), sdoc.char_span(16, 25, label="GPE", kb_id="Q1362")]
    DocBin(docs=[sdoc]).to_disk(tmp_path / "Foreign Data.spacy")
    result = spacy_docbin.read(tmp_path)
    assert result.problems == []
    [(doc, text)] = result.documents
    assert doc["id"] == "foreign-data-1"
    assert doc["annotation"]["status"] == "draft"
    assert [(e["text"], e["label"], e.get("kb_id")) for e in doc["entities"]] == [
        ("Tokayev", "PERSON", None), ("Islamabad", "GPE", "Q1362")]
    assert validate(write_corpus(tmp_path / "root", [(doc, text)])).problems == []


def test_unknown_label_in_foreign_docbin_is_reported(tmp_path):
    sdoc = spacy.blank("en")("Tokayev earned 5 dollars.")
    sdoc.ents = [sdoc.char_span(0, 7, label="PERSON"), sdoc.char_span(15, 24, label="MONEY")]
    DocBin(docs=[sdoc]).to_disk(tmp_path / "x.spacy")
    result = read_with(spacy_docbin, tmp_path / "x.spacy", ImportOptions(on_unknown="error"))
    assert result.documents == []
    [problem] = result.problems
    assert (problem.pointer, problem.code) == ("/docs/0/ents/1", "import-unknown-label")
    assert "'MONEY'" in problem.message and "PERSON" in problem.message
    skipping = ImportOptions()
    [(doc, _)] = read_with(spacy_docbin, tmp_path / "x.spacy", skipping).documents
    assert [e["text"] for e in doc["entities"]] == ["Tokayev"]
    assert [(s.where, s.label, s.text) for s in skipping.skipped] == [("/docs/0/ents/1", "MONEY", "5 dollars")]


def test_span_without_attributes_and_changed_text_are_reported(seed_document, tmp_path):
    doc, text = seed_document
    sdoc = spacy_docbin.to_spacy(doc, text)
    sdoc.spans["dates"] = [*sdoc.spans["dates"], sdoc.char_span(0, 6, label="DATE", span_id="d77")]
    changed = Doc(sdoc.vocab, words=[t.text.upper() for t in sdoc], spaces=[bool(t.whitespace_) for t in sdoc])
    changed.user_data = copy.deepcopy(sdoc.user_data)
    DocBin(docs=[sdoc, changed], store_user_data=True).to_disk(tmp_path / "bad.spacy")
    result = spacy_docbin.read(tmp_path / "bad.spacy")
    assert result.documents == []
    codes = sorted((p.pointer, p.code) for p in result.problems)
    assert ("/docs/0/spans/dates/4", "import-unmapped-span") in codes
    assert ("/docs/1/text", "import-text-mismatch") in codes
    assert all(p.file == str(tmp_path / "bad.spacy") for p in result.problems)


def test_docbin_edited_into_an_invalid_document_is_reported_at_its_place(seed_document, tmp_path):
    doc, text = seed_document
    sdoc = spacy_docbin.to_spacy(doc, text)
    stored = sdoc.user_data["newsspan"]
    stored["attributes"]["q1"]["speaker"] = "e404"
    tokayev = doc["entities"][2]  # "Kassym-Jomart Tokayev", after "Kazakhstan President "
    crossing = sdoc.char_span(doc["entities"][1]["start"], tokayev["start"] + 6, label="ORG", span_id="e77")
    assert crossing.text == "Kazakhstan President Kassym"
    stored["attributes"]["e77"] = {}
    sdoc.spans["entities"] = [*sdoc.spans["entities"], crossing]
    DocBin(docs=[sdoc], store_user_data=True).to_disk(tmp_path / "edited.spacy")
    result = spacy_docbin.read(tmp_path / "edited.spacy")
    assert result.documents == []
    assert {(p.pointer, p.code) for p in result.problems} == {
        ("/docs/0/spans/quotations/0", "dangling-reference"),  # speaker e404 (and no follow-on claimant-mismatch)
        ("/docs/0/spans/entities/2", "entity-crossing"),  # Tokayev crosses the added span
    }
    assert any("(as /quotations/0/speaker)" in p.message for p in result.problems)


def test_unreadable_file_is_a_problem_not_a_traceback(tmp_path):
    (tmp_path / "broken.spacy").write_bytes(b"not msgpack at all")
    result = spacy_docbin.read(tmp_path / "broken.spacy")
    assert result.documents == []
    assert [p.code for p in result.problems] == ["import-unreadable"]
    assert [p.code for p in spacy_docbin.read(tmp_path / "empty-dir-does-not-exist").problems] == ["import-unreadable"]


# --- property: random documents round-trip exactly ---------------------------------------

@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_documents_round_trip(tmp_path, data):
    doc, text = data.draw(documents())
    for claim in doc["claims"]:  # 'quotation' may also be absent: absent and null must stay apart
        if data.draw(st.booleans()):
            del claim["quotation"]
    sdoc = spacy_docbin.to_spacy(doc, text)
    assert sdoc.text == text
    assert all(not t.text.isspace() or t.is_space for t in sdoc)
    back_doc, back_text = _roundtrip(doc, text, tmp_path)
    assert (back_doc, back_text) == (doc, text)
