"""Offset units on the wire: code points (brat, Label Studio, Web Annotation) or UTF-16 code units
(doccano, UIMA XMI), checked against an independent count on texts with astral characters, and
Label Studio's own converter (label-studio-sdk) reading an export."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.corpus import new_document
from newsspan.formats import converter

TEXT = "😀 Pakistan and 𝔘\u0301 Kazakhstan 👍🏽 met in “Astana”.\nTokayev\tsaid so."
NAMES = ("Pakistan", "Kazakhstan", "Astana", "Tokayev")


def utf16(text: str, offset: int) -> int:
    """UTF-16 code units before code point ``offset`` (what JavaScript and Java count)."""
    return len(text[:offset].encode("utf-16-le")) // 2


def astral_document(text: str = TEXT) -> tuple[dict[str, Any], str]:
    doc = new_document("astral-doc", "astral-doc.txt", text)
    for n, name in enumerate(NAMES, 1):
        start = text.index(name)
        doc["entities"].append({"id": f"e{n}", "start": start, "end": start + len(name), "text": name, "label": "GPE"})
    return doc, text


def test_label_studio_counts_code_points(tmp_path):
    doc, text = astral_document()
    converter("label-studio").export([(doc, text)], tmp_path)
    [task] = json.loads((tmp_path / "tasks.json").read_text(encoding="utf-8"))
    regions = {r["value"]["text"]: r["value"] for r in task["annotations"][0]["result"] if r["type"] == "labels"}
    for entity in doc["entities"]:
        value = regions[entity["text"]]
        assert task["data"]["text"][value["start"]:value["end"]] == entity["text"]
        assert value["start"] < utf16(text, entity["start"])  # astral characters precede every name


def test_label_studio_sdk_converter_reads_the_export_with_every_span_text_intact(tmp_path):
    """Label Studio's own converter slices the task text with the region offsets (its CoNLL export)."""
    from label_studio_sdk.converter import Converter

    text = "👩‍🔬 Angela Merkel said 😀 that Kazakhstan 🇰🇿 and Pakistan met in Astana on Monday\nTokayev agreed."
    doc = new_document("astral-doc", "astral-doc.txt", text)
    for n, name in enumerate(("Angela Merkel", "Kazakhstan", "Pakistan", "Astana", "Tokayev"), 1):
        start = text.index(name)
        doc["entities"].append({"id": f"e{n}", "start": start, "end": start + len(name), "text": name,
                                "label": "PERSON" if n in (1, 5) else "GPE"})
    converter("label-studio").export([(doc, text)], tmp_path / "ls")
    tasks = json.loads((tmp_path / "ls" / "tasks.json").read_text(encoding="utf-8"))
    tasks[0]["id"] = 1  # Label Studio gives every task an id
    (tmp_path / "ls" / "tasks.json").write_text(json.dumps(tasks), encoding="utf-8")
    ls = Converter(str(tmp_path / "ls" / "labeling_config.xml"), project_dir=str(tmp_path))
    ls.convert(str(tmp_path / "ls" / "tasks.json"), str(tmp_path / "out"), "CONLL2003", is_dir=False)
    rows = [line.split() for line in (tmp_path / "out" / "result.conll").read_text(encoding="utf-8").splitlines()]
    spans: list[list[str]] = []
    for row in rows:
        if len(row) == 4 and row[3].startswith("B-"):
            spans.append([row[0]])
        elif len(row) == 4 and row[3].startswith("I-"):
            spans[-1].append(row[0])
    assert [" ".join(tokens) for tokens in spans] == [e["text"] for e in doc["entities"]]


def test_uima_xmi_counts_utf16_code_units_and_cassis_converts_back(tmp_path):
    doc, text = astral_document()
    converter("uima-cas").export([(doc, text)], tmp_path)
    root = ET.parse(tmp_path / "astral-doc.xmi").getroot()
    entities = [el for el in root if el.tag.endswith("NewsspanEntity")]
    found = sorted((int(el.get("begin")), int(el.get("end"))) for el in entities)
    assert found == sorted((utf16(text, e["start"]), utf16(text, e["end"])) for e in doc["entities"])
    [(back, back_text)] = converter("uima-cas").read(tmp_path).documents
    assert back_text == text and back["entities"] == doc["entities"]


@pytest.mark.parametrize("name", ["brat", "web-annotation"])
def test_text_file_formats_count_code_points(name, tmp_path):
    doc, text = astral_document()
    converter(name).export([(doc, text)], tmp_path)
    on_disk = (tmp_path / "astral-doc.txt").read_text(encoding="utf-8")
    if name == "brat":
        rows = [line.split("\t") for line in (tmp_path / "astral-doc.ann").read_text(encoding="utf-8").splitlines()]
        spans = [(int(r[1].split()[1]), int(r[1].split()[2]), r[2]) for r in rows if r[0].startswith("T")]
    else:
        items = json.loads((tmp_path / "astral-doc.jsonld").read_text(encoding="utf-8"))["first"]["items"]
        spans = [(i["target"]["selector"][0]["start"], i["target"]["selector"][0]["end"],
                  i["target"]["selector"][1]["exact"]) for i in items]
    assert sorted(spans) == sorted((e["start"], e["end"], e["text"]) for e in doc["entities"])
    assert all(on_disk[start:end] == covered for start, end, covered in spans)


def test_doccano_counts_utf16_code_units(tmp_path):
    doc, text = astral_document()
    converter("doccano").export([(doc, text)], tmp_path)
    record = json.loads((tmp_path / "corpus.jsonl").read_text(encoding="utf-8"))
    units = record["text"].encode("utf-16-le")
    assert [units[2 * e["start_offset"]:2 * e["end_offset"]].decode("utf-16-le")
            for e in record["entities"]] == list(NAMES)
    [(back, _)] = converter("doccano").read(tmp_path).documents
    assert back["entities"] == doc["entities"]


def test_web_annotation_quote_selector_has_prefix_and_suffix(tmp_path):
    doc, text = astral_document()
    converter("web-annotation").export([(doc, text)], tmp_path)
    items = json.loads((tmp_path / "astral-doc.jsonld").read_text(encoding="utf-8"))["first"]["items"]
    quote = next(i for i in items if i["target"]["selector"][1]["exact"] == "Kazakhstan")["target"]["selector"][1]
    assert quote["prefix"].endswith("𝔘\u0301 ") and quote["suffix"].startswith(" 👍🏽 met")


@given(st.text(alphabet="a😀𝔘\u0301 é", min_size=1, max_size=30).filter(lambda t: t.strip() == t and "a" in t))
@settings(max_examples=40, deadline=None)
@pytest.mark.parametrize("name", ["label-studio", "doccano"])
def test_browser_tool_offsets_round_trip_on_any_astral_text(name, text):
    """Every 'a' as an entity: exported offsets read back to the same code points."""
    import tempfile

    doc = new_document("astral-doc", "astral-doc.txt", text)
    doc["entities"] = [{"id": f"e{n}", "start": i, "end": i + 1, "text": "a", "label": "ORG"}
                       for n, i in enumerate((i for i, ch in enumerate(text) if ch == "a"), 1)]
    with tempfile.TemporaryDirectory() as tmp:
        converter(name).export([(doc, text)], Path(tmp))
        [(back, _)] = converter(name).read(Path(tmp)).documents
    assert back["entities"] == doc["entities"]
