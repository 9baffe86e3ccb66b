"""Label Studio exports as Label Studio writes them (fixtures in tests/fixtures/formats/label_studio/):
names from the labeling config or inferred, several annotators -> agreement sets, the legacy
``completions`` key, predictions -> suggestions with provenance and confidence, and back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from newsspan.corpus import Corpus, new_document
from newsspan.formats import label_studio
from newsspan.formats.base import ImportOptions, read_with
from newsspan.formats.labels import LabelMap

from .conftest import REPO, invoke

FIXTURES = REPO / "tests" / "fixtures" / "formats" / "label_studio"


def copy_fixture(name: str, tmp_path: Path) -> Path:
    shutil.copytree(FIXTURES / name, tmp_path / name)
    return tmp_path / name


def load(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_two_annotators_become_agreement_sets_and_predictions_suggestions(tmp_path):
    src = copy_fixture("with_config", tmp_path)
    out = tmp_path / "root"
    result = invoke(["import", "--format", "label-studio", str(src), "--out", str(out),
                                 "--label-map", "conll2003", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    task1, task2 = "project-3-at-2024-05-02-12-00-1f2e3d4c-1", "project-3-at-2024-05-02-12-00-1f2e3d4c-2"
    assert report["documents"] == [task2]  # one annotator: the corpus document
    assert report["sets"] == {"agreement/annotator-1": [task1], "agreement/annotator-2": [task1],
                              "suggestions/bert-ner-2-1": [task1]}
    text = (out / "seeds" / f"{task1}.txt").read_text(encoding="utf-8").rstrip("\n")
    assert "\r" not in text and text.startswith("🇩🇪 Angela Merkel")
    first = load(out / "agreement" / "annotator-1" / f"{task1}.json")
    second = load(out / "agreement" / "annotator-2" / f"{task1}.json")
    assert [(e["text"], e["label"]) for e in first["entities"]] == [
        ("Angela Merkel", "PERSON"), ("Siemens", "ORG"), ("Berlin", "LOC")]
    assert [(d["text"], d["type"]) for d in first["dates"]] == [("Monday", "DATE")]
    assert [(e["text"], e["label"]) for e in second["entities"]] == [
        ("Angela Merkel", "PERSON"), ("Siemens", "ORG"), ("Berlin", "GPE"), ("Bundestag", "ORG")]
    for doc in (first, second):
        assert all(text[e["start"]:e["end"]] == e["text"] for e in doc["entities"])
    suggested = load(out / "suggestions" / "bert-ner-2-1" / f"{task1}.json")
    assert [(e["text"], e["provenance"], e["confidence"]) for e in suggested["entities"]] == [
        ("Angela Merkel", {"kind": "model", "name": "bert-ner", "version": "2.1"}, 0.98),
        ("Berlin", {"kind": "model", "name": "bert-ner", "version": "2.1"}, 0.87)]
    skipped = {(s["label"], s["text"], s["reason"].split(" (")[0]) for s in report["skipped"]}
    assert skipped == {("MISC", "Germans", "dropped by the label map"),
                       ("sentiment", "{'choices': ['Positive']}", "a choices result newsspan has no place for")}
    assert report["skipped_count"] == 2
    agreed = invoke(["agree", str(out / "agreement" / "annotator-1"),
                                 str(out / "agreement" / "annotator-2"), "--root", str(out), "--json"])
    assert agreed.exit_code == 0, agreed.output


def test_legacy_completions_inferred_names_and_a_map_file(tmp_path):
    src = copy_fixture("inferred", tmp_path)
    mapping = tmp_path / "map.yaml"
    mapping.write_text("Person: PERSON\nCity: GPE\n", encoding="utf-8")
    result = invoke(["import", "--format", "label-studio", str(src), "--out", str(tmp_path / "root"),
                                 "--label-map", str(mapping), "--json"])
    assert result.exit_code == 0, result.output
    corpus = Corpus(tmp_path / "root")
    [path] = corpus.annotation_files()
    doc, text = corpus.load(path)
    assert [(e["text"], e["label"]) for e in doc["entities"]] == [
        ("Kassym-Jomart Tokayev", "PERSON"), ("Shehbaz Sharif", "PERSON"), ("Islamabad", "GPE")]
    assert text.endswith("🇵🇰.")


def test_a_control_the_config_does_not_declare_is_reported(tmp_path):
    src = copy_fixture("with_config", tmp_path)
    export = next(src.glob("*.json"))
    tasks = load(export)
    tasks[1]["annotations"][0]["result"][0]["from_name"] = "ner"
    export.write_text(json.dumps(tasks), encoding="utf-8")
    result = read_with(label_studio, src, ImportOptions(label_map=LabelMap.load("conll2003")))
    assert [(p.pointer, p.code) for p in result.problems] == [("/1/annotations/0/result/0/from_name",
                                                               "import-unknown-label")]
    assert "label" in result.problems[0].message


def test_export_predictions_by_provenance_and_read_them_back(tmp_path):
    text = "Angela Merkel 😀 visited Berlin and Siemens on Monday."
    doc = new_document("prov-doc", "prov-doc.txt", text)
    spans = [("Angela Merkel", "PERSON", {"kind": "human", "name": "ann", "version": None}, None),
             ("Berlin", "GPE", {"kind": "model", "name": "bert-ner", "version": "2.1"}, 0.9),
             ("Siemens", "ORG", {"kind": "rule", "name": "gazetteer", "version": "1"}, 1.0)]
    for n, (surface, label, provenance, confidence) in enumerate(spans, 1):
        start = text.index(surface)
        doc["entities"].append({"id": f"e{n}", "start": start, "end": start + len(surface), "text": surface,
                                "label": label, "provenance": provenance,
                                **({"confidence": confidence} if confidence is not None else {})})
    label_studio.export([(doc, text)], tmp_path / "ls", as_predictions=True)
    [task] = load(tmp_path / "ls" / "tasks.json")
    assert [r["value"]["text"] for r in task["annotations"][0]["result"]] == ["Angela Merkel"]
    predictions = {p["model_version"]: p for p in task["predictions"]}
    assert set(predictions) == {"bert-ner@2.1", "rule:gazetteer@1"}
    assert predictions["bert-ner@2.1"]["score"] == 0.9
    assert [(r["value"]["text"], r["score"]) for r in predictions["bert-ner@2.1"]["result"]] == [("Berlin", 0.9)]
    back = label_studio.read(tmp_path / "ls")
    assert back.problems == []
    [(annotated, _)] = back.documents
    assert [e["text"] for e in annotated["entities"]] == ["Angela Merkel"]
    [(model_doc, _)] = back.sets["suggestions/bert-ner-2-1"]
    [(rule_doc, _)] = back.sets["suggestions/rule-gazetteer-1"]
    assert [(e["text"], e["provenance"], e["confidence"]) for e in model_doc["entities"]] == [
        ("Berlin", spans[1][2], 0.9)]
    assert [(e["text"], e["provenance"]) for e in rule_doc["entities"]] == [("Siemens", spans[2][2])]
