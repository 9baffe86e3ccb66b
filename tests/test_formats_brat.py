"""brat standoff (and a doccano relation export) as the tools' own documentation shows them (fixtures in
tests/fixtures/formats/: an event, a relation, an equivalence, attributes and notes on them, emoji, CRLF):
what newsspan cannot carry is reported per line with its own code, never as a missing entity, never dropped."""

from __future__ import annotations

import shutil

from newsspan.formats import brat
from newsspan.formats.base import ImportOptions, read_with
from newsspan.formats.labels import LabelMap

from .conftest import REPO

FIXTURE = REPO / "tests" / "fixtures" / "formats" / "brat"
MAP = {"Organization": "ORG", "Location": "LOC", "Country": "GPE", "Person": "PERSON", "MERGE-ORG": None}


def test_events_equivalences_and_lines_on_them_are_listed_per_line(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "brat")
    options = ImportOptions(label_map=LabelMap.from_mapping(MAP, "test"))
    result = read_with(brat, tmp_path / "brat", options)
    assert result.problems == []
    [(doc, text)] = result.documents
    assert [(e["text"], e["label"], e.get("kb_id"), e.get("note")) for e in doc["entities"]] == [
        ("Sony", "ORG", "Q41187", "the electronics maker"), ("Ericsson", "ORG", None, None),
        ("Stockholm", "LOC", None, None), ("Erik Svensson", "PERSON", None, None), ("Sweden", "GPE", None, None),
        ("Ericsson", "ORG", None, None)]
    assert all(text[e["start"]:e["end"]] == e["text"] for e in doc["entities"])
    listed = {(s.where, s.reason.split(":")[0]) for s in options.skipped}
    assert listed == {
        ("line 3", "dropped by the label map (test)"),  # the MERGE-ORG trigger span
        ("line 8", "import-brat-event"),
        ("line 9", "a relation type newsspan has no place for"),
        ("line 10", "import-brat-on-event-or-relation"),  # A1 Negation E1
        ("line 11", "an attribute newsspan has no place for"),  # A2 Confidence T5
        ("line 12", "import-brat-equivalence"),
        ("line 13", "import-brat-on-event-or-relation"),  # #1 on R1
        ("line 15", "a normalization to a database newsspan does not hold (only Wikidata)"),
    }


def test_with_on_unknown_error_each_is_a_problem_with_its_own_code(tmp_path):
    shutil.copytree(FIXTURE, tmp_path / "brat")
    options = ImportOptions(label_map=LabelMap.from_mapping(MAP, "test"), on_unknown="error")
    result = read_with(brat, tmp_path / "brat", options)
    assert result.documents == []
    codes = {(p.pointer, p.code) for p in result.problems}
    assert ("line 8", "import-brat-event") in codes and ("line 12", "import-brat-equivalence") in codes
    assert ("line 10", "import-brat-on-event-or-relation") in codes
    assert ("line 13", "import-brat-on-event-or-relation") in codes
    assert not any(p.code == "import-dangling-link" for p in result.problems)


def test_doccano_relation_extraction_export_with_emoji_and_crlf(tmp_path):
    """doccano's relation-extraction shape (ids from 0, UTF-16 offsets, relation types of its own)."""
    from newsspan.formats import doccano

    options = ImportOptions()
    result = read_with(doccano, REPO / "tests" / "fixtures" / "formats" / "doccano" / "relation_extraction.jsonl",
                       options)
    assert result.problems == []
    [(doc, text)] = result.documents
    assert "\r" not in text
    assert [(e["text"], e["label"]) for e in doc["entities"]] == [
        ("Siemens", "ORG"), ("Berlin", "GPE"), ("Werner von Siemens", "PERSON")]
    assert [(d["text"], d["type"]) for d in doc["dates"]] == [("12 October 1847", "DATE")]
    assert sorted(s.label for s in options.skipped) == ["foundedAt", "foundedBy"]
