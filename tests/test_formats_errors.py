"""Imports of edited or foreign files: every span that cannot be mapped is a problem naming the file,
the line or JSON pointer, a code and what was expected and found; nothing is dropped silently."""

from __future__ import annotations

import copy
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from newsspan.corpus import new_document
from newsspan.formats import brat, converter, label_studio
from newsspan.formats.base import ImportOptions, read_with
from newsspan.validation import Problem


def codes(problems: list[Problem]) -> set[tuple[str, str]]:
    return {(p.pointer, p.code) for p in problems}


def read(name: str, src: Path, on_unknown: str = "error"):
    """Read under ``--on-unknown error`` (these tests look at problems), or ``skip``."""
    return read_with(converter(name), src, ImportOptions(on_unknown=on_unknown))


def small_document(text: str = "Kazakhstan and Pakistan met.\nTokayev spoke.") -> tuple[dict[str, Any], str]:
    doc = new_document("small-doc", "small-doc.txt", text)
    for n, name in enumerate(("Kazakhstan", "Pakistan", "Tokayev"), 1):
        start = text.index(name)
        doc["entities"].append(
            {
                "id": f"e{n}",
                "start": start,
                "end": start + len(name),
                "text": name,
                "label": "PERSON" if name == "Tokayev" else "GPE",
            }
        )
    return doc, text


# --- brat ------------------------------------------------------------------------------------------


def test_brat_span_across_a_line_break_becomes_fragments_and_comes_back_whole(tmp_path):
    doc, text = small_document()
    start = text.index("met.")
    end = text.index(" spoke")
    doc["quotations"].append(
        {
            "id": "q1",
            "start": start,
            "end": end,
            "text": text[start:end],
            "form": "indirect",
            "source": None,
            "cue": None,
            "speaker": "e3",
            "note": "two\tlines\nof note \\ here",
        }
    )
    brat.export([(doc, text)], tmp_path)
    ann = (tmp_path / "small-doc.ann").read_text(encoding="utf-8").splitlines()
    quotation = next(line for line in ann if "\tQuotation " in line)
    assert quotation.split("\t")[1] == f"Quotation {start} {start + 4};{start + 5} {start + 12}"
    assert all(line[0] in "TARN#" for line in ann)  # the note's tab and line break stayed escaped on one line
    [(back, _)] = brat.read(tmp_path).documents
    assert back["quotations"] == doc["quotations"]


def test_brat_reports_offsets_that_do_not_match_the_text_by_line(tmp_path):
    doc, text = small_document()
    brat.export([(doc, text)], tmp_path)
    path = tmp_path / "small-doc.ann"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[1] = lines[1].replace("GPE 15 23", "GPE 16 24")  # Pakistan, shifted by one
    lines.append("T9\tPLANET 0 3\tKaz")
    lines.append("T10\tGPE 0 3;15 18\tKaz Pak")  # a real discontinuous span: text lies between
    lines.append("R9\tSpeaker Arg1:T1 Arg2:T77")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = read("brat", tmp_path)
    assert result.documents == []
    assert codes(result.problems) == {
        ("line 2", "import-text-mismatch"),
        ("line 4", "import-unknown-label"),
        ("line 5", "import-unmapped-span"),
        ("line 6", "import-malformed"),
    }
    mismatch = next(p for p in result.problems if p.pointer == "line 2")
    assert mismatch.file == str(path) and "'akistan '" in mismatch.message and "'Pakistan'" in mismatch.message


def test_brat_generated_conf_declares_every_type_attribute_and_relation_used(tmp_path, seed_document):
    brat.export([seed_document], tmp_path)
    conf = (tmp_path / "annotation.conf").read_text(encoding="utf-8")
    rows = [line.strip() for line in conf.splitlines() if line.strip() and not line.startswith(("#", "["))]
    declared = {row.split("\t")[0].lstrip("!") for row in rows}
    used = set()
    for line in (tmp_path / f"{seed_document[0]['id']}.ann").read_text(encoding="utf-8").splitlines():
        kind, body = line.split("\t")[:2]
        if kind[0] in "TAR":
            used.add(body.split()[0])
    assert used <= declared
    for value in {d["value"] for d in seed_document[0]["dates"]}:
        assert value in conf


# --- Label Studio ----------------------------------------------------------------------------------


def _label_studio_export(tmp_path: Path) -> tuple[Path, list[dict[str, Any]]]:
    doc, text = small_document("😀 Kazakhstan and Pakistan met.\nTokayev spoke.")
    label_studio.export([(doc, text)], tmp_path)
    path = tmp_path / "tasks.json"
    return path, json.loads(path.read_text(encoding="utf-8"))


def test_label_studio_reports_offsets_out_of_range_and_wrong_text(tmp_path):
    path, tasks = _label_studio_export(tmp_path)
    result = tasks[0]["annotations"][0]["result"]
    result[0]["value"]["end"] = 10_000  # past the end of the text
    result[1]["value"]["text"] = "Pakistani"
    result.append({"from_id": "e3", "to_id": "e2", "type": "relation", "labels": ["speaker"]})
    path.write_text(json.dumps(tasks), encoding="utf-8")
    problems = label_studio.read(path).problems
    assert codes(problems) == {
        ("/0/annotations/0/result/0/value", "import-offset"),
        ("/0/annotations/0/result/1/value", "import-text-mismatch"),
        ("/0/annotations/0/result/3/labels", "import-unknown-label"),
    }  # entities have no speaker
    assert all(p.file == str(path) for p in problems)


def test_label_studio_utf16_offsets_are_reported_with_a_hint_not_shifted(tmp_path):
    """A task whose offsets count UTF-16 units (a JavaScript tool) is refused with a hint, never read shifted."""
    path, tasks = _label_studio_export(tmp_path)
    text = tasks[0]["data"]["text"]
    for region in tasks[0]["annotations"][0]["result"]:
        if region.get("value", {}).get("text"):
            for key in ("start", "end"):
                region["value"][key] = len(text[:region["value"][key]].encode("utf-16-le")) // 2
    path.write_text(json.dumps(tasks), encoding="utf-8")
    result = label_studio.read(path)
    assert not result.documents
    assert {p.code for p in result.problems} == {"import-text-mismatch"}
    assert all("UTF-16 code units" in p.message for p in result.problems)


def test_label_studio_reads_the_last_kept_annotation_and_foreign_region_ids(tmp_path):
    path, tasks = _label_studio_export(tmp_path)
    task = tasks[0]
    kept = copy.deepcopy(task["annotations"][0])
    for region in kept["result"]:
        region["id"] = "Xy" + region["id"]  # Label Studio's own random ids
    kept["result"] = kept["result"][:2]
    cancelled = {"result": [], "was_cancelled": True}
    task["annotations"] = [task["annotations"][0], kept, cancelled]
    path.write_text(json.dumps(tasks), encoding="utf-8")
    [(doc, _)] = label_studio.read(path).documents
    assert [(e["id"], e["text"]) for e in doc["entities"]] == [("e1", "Kazakhstan"), ("e2", "Pakistan")]


def test_label_studio_config_declares_every_control_the_tasks_use(tmp_path, seed_document):
    label_studio.export([seed_document], tmp_path, as_predictions=True)
    config = ET.parse(tmp_path / "labeling_config.xml").getroot()
    controls = {el.get("name"): el for el in config.iter() if el.get("toName") == "text"}
    relations = {el.get("value") for el in config.iter("Relation")}
    [task] = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    for region in task["predictions"][0]["result"]:
        if region["type"] == "relation":
            assert region["labels"][0] in relations
            continue
        control = controls[region["from_name"]]
        assert control.tag.lower() == region["type"]
        if region["type"] in ("labels", "choices"):
            allowed = {child.get("value") for child in control}
            assert set(region["value"][region["type"]]) <= allowed
        else:
            assert control.get("perRegion") == "true"


# --- doccano, CoNLL --------------------------------------------------------------------------------


def test_doccano_reports_bad_lines_labels_and_links(tmp_path):
    path = tmp_path / "export.jsonl"
    good = {
        "text": "Kazakhstan met Pakistan.",
        "entities": [
            {"id": 1, "label": "GPE", "start_offset": 0, "end_offset": 10},
            {"id": 2, "label": "GPE", "start_offset": 15, "end_offset": 23},
            {"id": 3, "label": "GPE", "start_offset": 5, "end_offset": 18},
        ],  # crosses both
        "relations": [{"id": 1, "from_id": 2, "to_id": 9, "type": "speaker"}],
    }
    plain = {"text": "Astana today.", "label": [[0, 6, "GPE"]]}
    path.write_text(json.dumps(good) + "\n{not json\n" + json.dumps(plain) + "\n", encoding="utf-8")
    result = read("doccano", path)
    assert [d["entities"] for d, _ in result.documents] == [
        [{"id": "e1", "start": 0, "end": 6, "text": "Astana", "label": "GPE"}]
    ]
    assert codes(result.problems) == {
        ("line 1 /relations/0", "import-dangling-link"),
        ("line 1 /entities/1", "entity-crossing"),
        ("line 1 /entities/2", "entity-crossing"),
        ("line 2", "import-unreadable"),
    }


def test_conll_reports_broken_iob2_by_line(tmp_path):
    path = tmp_path / "train.conll"
    path.write_text("-DOCSTART- -X- O O\n\nAstana B-GPE\nis O\nnice I-GPE\nLuna B-MOON\nlonely\n", encoding="utf-8")
    result = read("conll", path)
    assert result.documents == []
    assert codes(result.problems) == {
        ("line 5", "import-malformed"),
        ("line 6", "import-unknown-label"),
        ("line 7", "import-malformed"),
    }


# --- Web Annotation, UIMA CAS ----------------------------------------------------------------------


def test_web_annotation_reanchors_by_unique_quote_and_reports_lost_quotes(tmp_path):
    doc, text = small_document()
    converter("web-annotation").export([(doc, text)], tmp_path)
    (tmp_path / "small-doc.txt").write_text("Breaking: " + text, encoding="utf-8")  # the text moved by 10
    [(moved, _)] = read("web-annotation", tmp_path).documents
    shifted = [(e["start"] - 10, e["text"]) for e in moved["entities"]]
    assert shifted == [(e["start"], e["text"]) for e in doc["entities"]]
    (tmp_path / "small-doc.txt").write_text(text.replace("Pakistan", "Pakistán"), encoding="utf-8")
    result = read("web-annotation", tmp_path)
    assert result.documents == []
    assert codes(result.problems) == {("/first/items/1/target", "import-text-mismatch")}


def test_uima_reads_spans_made_in_inception_and_reports_unreadable_xmi(tmp_path):
    from cassis import Cas

    from newsspan.formats import uima_cas

    text = "Tokayev visited Astana."
    ts = uima_cas.typesystem()
    cas = Cas(typesystem=ts)
    cas.sofa_string = text
    person = ts.get_type(uima_cas.TYPE["entities"])(begin=0, end=7, label="PERSON")  # no newsspanId: new span
    cas.add(person)
    cas.add(ts.get_type(uima_cas.TYPE["quotations"])(begin=8, end=22, form="indirect", speaker=person))
    cas.add(ts.get_type(uima_cas.TYPE["entities"])(begin=16, end=22))  # no label yet
    (tmp_path / "new-doc.xmi").write_text(cas.to_xmi(), encoding="utf-8")
    (tmp_path / "broken.xmi").write_text("<xmi:XMI", encoding="utf-8")
    result = read("uima-cas", tmp_path)
    assert result.documents == []
    assert {(Path(p.file).name, p.code) for p in result.problems} == {
        ("broken.xmi", "import-unreadable"),
        ("new-doc.xmi", "import-malformed"),
    }
    (tmp_path / "broken.xmi").unlink()
    cas.remove(next(fs for fs in cas.select(uima_cas.TYPE["entities"]) if fs.begin == 16))
    (tmp_path / "new-doc.xmi").write_text(cas.to_xmi(), encoding="utf-8")
    [(doc, _)] = read("uima-cas", tmp_path).documents
    assert doc["id"] == "new-doc" and doc["entities"][0]["id"] == "e1"
    assert doc["quotations"][0]["speaker"] == "e1" and doc["quotations"][0]["text"] == "visited Astana"


@pytest.mark.parametrize("name", ["brat", "label-studio", "doccano", "web-annotation", "uima-cas", "conll"])
def test_empty_source_is_a_problem_not_an_empty_corpus(name, tmp_path):
    result = read(name, tmp_path)
    assert result.documents == [] and [p.code for p in result.problems] == ["import-no-input"]


@pytest.mark.parametrize("name", ["brat", "label-studio", "spacy", "doccano", "web-annotation", "uima-cas", "conll"])
def test_missing_source_file_in_missing_folder_is_a_problem_not_a_traceback(name, tmp_path):
    missing = tmp_path / "no-such-folder" / "corpus.file"
    result = read(name, missing)
    assert result.documents == []
    assert [(p.file, p.code) for p in result.problems] == [(str(missing), "import-unreadable")]


def test_import_back_into_the_original_root_keeps_the_received_seed_bytes(corpus_copy, cli, tmp_path):
    """Round trip into the corpus it came from: the seed (17 trailing blank lines) is not rewritten."""
    root = corpus_copy.root
    seed = root / "seeds" / "000_6260d41548216105.txt"
    received = seed.read_bytes()
    exported = cli("export", "--format", "label-studio", "--root", root, "--out", tmp_path / "ls")
    assert exported.exit_code == 0, exported.output
    imported = cli("import", "--format", "label-studio", tmp_path / "ls" / "tasks.json", "--out", root)
    assert imported.exit_code == 0, imported.output
    assert seed.read_bytes() == received


def test_unknown_timex_placeholders_cover_every_schema_type_and_pass_validation():
    from newsspan.formats.base import UNKNOWN_TIMEX_VALUE
    from newsspan.schema import timex_types
    from newsspan.validation.rules import timex_expectation as _timex_expectation

    assert set(UNKNOWN_TIMEX_VALUE) == set(timex_types())
    for kind, value in UNKNOWN_TIMEX_VALUE.items():
        assert _timex_expectation(kind, value) is None, (kind, value)


def test_label_studio_link_to_a_rejected_region_is_no_follow_on_problem(tmp_path, seed_document):
    """A speaker relation to a region with a wrong text: the region's problem is reported, not a dangling link
    as well (that one would ask to fix the relation); a relation to an id no region has stays a problem."""
    label_studio.export([seed_document], tmp_path)
    path = tmp_path / "tasks.json"
    tasks = json.loads(path.read_text(encoding="utf-8"))
    result = tasks[0]["annotations"][0]["result"]
    speaker = next(r for r in result if r.get("type") == "relation" and r.get("labels") == ["speaker"])
    index, region = next((k, r) for k, r in enumerate(result) if r.get("id") == speaker["to_id"])
    region["value"]["text"] = region["value"]["text"] + "x"
    result.append({**speaker, "to_id": "no-such-region"})
    path.write_text(json.dumps(tasks), encoding="utf-8")
    problems = label_studio.read(path).problems
    assert codes(problems) == {
        (f"/0/annotations/0/result/{index}/value", "import-text-mismatch"),
        (f"/0/annotations/0/result/{len(result) - 1}/to_id", "import-dangling-link"),
    }
