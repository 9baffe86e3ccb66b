"""Label maps: other tools' label names become newsspan layers and labels; a null target drops a span and
lists it; an unknown label is skipped and listed (or an error with ``--on-unknown error``); round trips
through renamed labels come back equal under the inverse map (property tests)."""

from __future__ import annotations

import json
import re
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspan.corpus import Corpus
from newsspan.formats import converter
from newsspan.formats.base import ImportOptions, read_with
from newsspan.formats.labels import PRESETS, LabelMap, LabelMapError
from newsspan.schema import entity_labels

from .conftest import invoke
from .strategies import corpora

PROPERTY = settings(max_examples=12, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
TEXT = "Angela Merkel met Siemens staff in Berlin on Monday; the Germans cheered 😀 at the Bundestag."


def doccano_line(text: str, spans: list[tuple[str, str]]) -> str:
    """A doccano sequence-labelling line (``label`` shape) over ``text`` naming each (surface, label)."""
    label = []
    for surface, name in spans:
        start = len(text[:text.index(surface)].encode("utf-16-le")) // 2
        label.append([start, start + len(surface.encode("utf-16-le")) // 2, name])
    return json.dumps({"id": 1, "text": text, "label": label, "Comments": []}) + "\n"


# --- loading maps -----------------------------------------------------------------------------------


def test_presets_load_and_cover_the_common_schemes():
    assert {"conll2003", "ontonotes", "wikiann", "spacy-en"} <= set(PRESETS)
    onto = LabelMap.load("ontonotes")
    assert onto.resolve("DATE") == (True, ("dates", "DATE"))
    assert onto.resolve("CARDINAL") == (True, None)
    assert LabelMap.load("conll2003").resolve("PER") == (True, ("entities", "PERSON"))
    assert LabelMap.load("conll2003").resolve("MISC") == (True, None)
    assert len([k for k in PRESETS["ontonotes"]]) == 18


def test_yaml_and_json_maps_route_drop_and_rename(tmp_path):
    (tmp_path / "map.yaml").write_text("PER: PERSON\nMISC: null\nDate: dates/DATE\nclaim: claims/prediction\n",
                                       encoding="utf-8")
    (tmp_path / "map.json").write_text(json.dumps({"PER": "PERSON", "MISC": None, "Date": "dates/DATE"}),
                                       encoding="utf-8")
    for name in ("map.yaml", "map.json"):
        loaded = LabelMap.load(str(tmp_path / name))
        assert loaded.resolve("PER") == (True, ("entities", "PERSON"))
        assert loaded.resolve("MISC") == (True, None)
        assert loaded.resolve("Date") == (True, ("dates", "DATE"))
        assert loaded.resolve("GPE") == (False, ("entities", "GPE"))  # not named: keeps its own name
        assert loaded.resolve("Planet") == (False, None)  # unknown


def test_a_bad_map_names_every_bad_entry(tmp_path):
    (tmp_path / "bad.yaml").write_text("PER: PERSONA\nyes: ORG\nDate: times/DATE\nOK: ORG\n", encoding="utf-8")
    with pytest.raises(LabelMapError) as caught:
        LabelMap.load(str(tmp_path / "bad.yaml"))
    message = str(caught.value)
    assert "3 bad entries" in message and "/PER" in message and "'PERSONA'" in message
    assert "/True" in message and "quote" in message and "'times'" in message
    result = invoke(["import", "--format", "doccano", str(tmp_path / "bad.yaml"), "--out",
                                 str(tmp_path / "root"), "--label-map", str(tmp_path / "bad.yaml")])
    assert result.exit_code == 2 and "PERSONA" in result.output and "Traceback" not in result.output


# --- importing with maps ------------------------------------------------------------------------------


def test_conll2003_labels_with_the_preset_misc_dropped_and_listed(tmp_path):
    src = tmp_path / "wikiann.jsonl"
    src.write_text(doccano_line(TEXT, [("Angela Merkel", "PER"), ("Siemens", "ORG"), ("Berlin", "LOC"),
                                       ("Germans", "MISC"), ("Monday", "DATE")]), encoding="utf-8")
    result = invoke(["import", "--format", "doccano", str(src), "--out", str(tmp_path / "root"),
                                 "--label-map", "conll2003", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["skipped_count"] == 1
    assert report["skipped"][0] | {"reason": ""} == {"file": str(src), "where": "line 1 /label/3", "label": "MISC",
                                                     "text": "Germans", "reason": ""}
    doc, _ = Corpus(tmp_path / "root").load(Corpus(tmp_path / "root").annotation_files()[0])
    assert [(e["text"], e["label"]) for e in doc["entities"]] == [
        ("Angela Merkel", "PERSON"), ("Siemens", "ORG"), ("Berlin", "LOC")]
    assert [(d["text"], d["type"], d["value"]) for d in doc["dates"]] == [("Monday", "DATE", "XXXX-XX-XX")]


def test_unknown_labels_are_skipped_and_listed_or_an_error(tmp_path):
    src = tmp_path / "wnut.jsonl"
    src.write_text(doccano_line(TEXT, [("Angela Merkel", "person"), ("Bundestag", "building")]), encoding="utf-8")
    skip = invoke(["import", "--format", "doccano", str(src), "--out", str(tmp_path / "a"),
                               "--label-map", "wnut17"])
    assert skip.exit_code == 0, skip.output
    assert "building" in skip.output and "Bundestag" in skip.output and "1 span(s) not imported" in skip.output
    error = invoke(["import", "--format", "doccano", str(src), "--out", str(tmp_path / "b"),
                                "--label-map", "wnut17", "--on-unknown", "error", "--json"])
    assert error.exit_code == 1 and not (tmp_path / "b").exists()
    [problem] = json.loads(error.stdout)["errors"]
    assert (problem["pointer"], problem["code"]) == ("line 1 /label/1", "import-unknown-label")
    assert "'building'" in problem["message"] and "'Bundestag'" in problem["message"]
    usage = invoke(["import", "--format", "doccano", str(src), "--out", str(tmp_path / "c"),
                                "--on-unknown", "maybe"])
    assert usage.exit_code == 2


def test_relations_of_a_skipped_span_are_listed_not_errors(tmp_path):
    text = "Tokayev said: “We agree.”"
    record = {"text": text,
              "entities": [{"id": 1, "label": "Politician", "start_offset": 0, "end_offset": 7},
                           {"id": 2, "label": "quotation:direct", "start_offset": 14, "end_offset": 25}],
              "relations": [{"id": 1, "from_id": 2, "to_id": 1, "type": "speaker"}]}
    (tmp_path / "rel.jsonl").write_text(json.dumps(record) + "\n", encoding="utf-8")
    options = ImportOptions()
    result = read_with(converter("doccano"), tmp_path / "rel.jsonl", options)
    assert result.problems == []
    [(doc, _)] = result.documents
    assert doc["quotations"][0]["speaker"] is None
    assert [(s.label, s.reason) for s in options.skipped] == [
        ("Politician", "unknown label (not in the label map or the schema)"), ("speaker", "attached to skipped span 1")]


@pytest.mark.parametrize("name", ["brat", "label-studio", "web-annotation", "spacy"])
def test_every_label_reading_format_uses_the_map(name, tmp_path):
    """Foreign label names in each format's own shape come in under the map (PER -> PERSON, LOC -> LOC)."""
    src = tmp_path / "src"
    src.mkdir()
    spans = [(TEXT.index(s), TEXT.index(s) + len(s), s, label) for s, label in
             (("Angela Merkel", "PER"), ("Berlin", "LOC"), ("Germans", "MISC"))]
    if name == "brat":
        (src / "d.txt").write_text(TEXT, encoding="utf-8")
        (src / "d.ann").write_text("".join(f"T{n}\t{label} {a} {b}\t{s}\n" for n, (a, b, s, label) in
                                           enumerate(spans, 1)), encoding="utf-8")
    elif name == "label-studio":
        results = [{"id": f"r{n}", "from_name": "entity", "to_name": "text", "type": "labels",
                    "value": {"start": a, "end": b, "text": s, "labels": [label]}} for n, (a, b, s, label) in
                   enumerate(spans)]
        (src / "export.json").write_text(json.dumps([{"id": 1, "data": {"text": TEXT},
                                                      "annotations": [{"id": 1, "result": results}]}]))
    elif name == "web-annotation":
        (src / "d.txt").write_text(TEXT, encoding="utf-8")
        items = [{"id": f"urn:x:{n}", "type": "Annotation", "motivation": "tagging",
                  "body": {"type": "TextualBody", "purpose": "tagging", "value": label},
                  "target": {"source": "d.txt", "selector": {"type": "TextPositionSelector", "start": a, "end": b}}}
                 for n, (a, b, s, label) in enumerate(spans)]
        (src / "d.jsonld").write_text(json.dumps({"@context": "http://www.w3.org/ns/anno.jsonld",
                                                  "type": "AnnotationPage", "items": items}))
    else:
        import spacy
        from spacy.tokens import DocBin

        sdoc = spacy.blank("en").make_doc(TEXT)
        sdoc.ents = [sdoc.char_span(a, b, label=label) for a, b, _, label in spans]
        DocBin(docs=[sdoc]).to_disk(src / "d.spacy")
    options = ImportOptions(label_map=LabelMap.load("conll2003"))
    result = read_with(converter(name), src, options)
    assert result.problems == []
    [(doc, _)] = result.documents
    assert [(e["text"], e["label"]) for e in doc["entities"]] == [("Angela Merkel", "PERSON"), ("Berlin", "LOC")]
    assert [(s.label, s.text) for s in options.skipped] == [("MISC", "Germans")]


# --- round trips under label maps (property tests) --------------------------------------------------

FOREIGN = {label: f"x-{label.lower()}" for label in entity_labels()}


def rename_in_export(name: str, out: Path, renaming: dict[str, str]) -> None:
    """Rewrite every entity label of an export with ``renaming`` (what another tool's scheme would hold)."""
    if name == "doccano":
        path = out / "corpus.jsonl"
        records = [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]
        for record in records:
            for entity in record["entities"]:
                entity["label"] = renaming.get(entity["label"], entity["label"])
        path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    elif name == "brat":
        for path in out.glob("*.ann"):
            lines = path.read_text(encoding="utf-8").split("\n")
            path.write_text("\n".join(re.sub(r"^(T\d+\t)(\S+)", lambda m: m[1] + renaming.get(m[2], m[2]), line)
                                      for line in lines), encoding="utf-8")
    else:
        path = out / "tasks.json"
        tasks = json.loads(path.read_text(encoding="utf-8"))
        for task in tasks:
            for region in task["annotations"][0]["result"]:
                if region.get("from_name") == "entity":
                    region["value"]["labels"] = [renaming[region["value"]["labels"][0]]]
        path.write_text(json.dumps(tasks), encoding="utf-8")


def spans_of(doc: dict[str, Any]) -> list[tuple[int, int, str]]:
    return sorted((e["start"], e["end"], e["label"]) for e in doc["entities"])


@pytest.mark.parametrize("name", ["doccano", "brat", "label-studio"])
@PROPERTY
@given(docs=corpora(max_size=2), dropped=st.sampled_from(entity_labels()))
def test_round_trip_through_foreign_labels_comes_back_under_the_inverse_map(name, docs, dropped):
    inverse = {foreign: label for label, foreign in FOREIGN.items()}
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "out"
        converter(name).export(docs, out)
        rename_in_export(name, out, FOREIGN)
        exact = read_with(converter(name), out, ImportOptions(label_map=LabelMap.from_mapping(inverse, "test")))
        assert exact.problems == []
        by_id = {doc["id"]: doc for doc, _ in exact.documents}
        for doc, _ in docs:
            assert spans_of(by_id[doc["id"]]) == spans_of(doc)
        dropping = ImportOptions(label_map=LabelMap.from_mapping({**inverse, FOREIGN[dropped]: None}, "test"))
        less = read_with(converter(name), out, dropping)
        assert less.problems == []
        by_id = {doc["id"]: doc for doc, _ in less.documents}
        for doc, _ in docs:
            assert spans_of(by_id[doc["id"]]) == [s for s in spans_of(doc) if s[2] != dropped]
        assert len(dropping.skipped_spans()) == sum(e["label"] == dropped for doc, _ in docs for e in doc["entities"])
