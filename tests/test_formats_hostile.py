"""Imports of files whose values have the wrong JSON type where a list or a name is expected (found by fuzzing
each value of an export): every such value is a problem naming the file and the JSON pointer or line, the
command exits 1 with valid ``--json`` output, and no traceback escapes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspan.corpus import new_document
from newsspan.formats import converter


def small_document(text: str = "Kazakhstan and Pakistan met.\nTokayev spoke.") -> tuple[dict[str, Any], str]:
    """A document with three entities (e1 Kazakhstan, e2 Pakistan, e3 Tokayev)."""
    doc = new_document("small-doc", "small-doc.txt", text)
    for n, name in enumerate(("Kazakhstan", "Pakistan", "Tokayev"), 1):
        start = text.index(name)
        doc["entities"].append({"id": f"e{n}", "start": start, "end": start + len(name), "text": name,
                                "label": "PERSON" if name == "Tokayev" else "GPE"})
    return doc, text


def exported(name: str, folder: Path) -> Path:
    """The small document exported to format ``name`` in ``folder``; the folder."""
    converter(name).export([small_document()], folder)
    return folder


def import_report(cli: Any, name: str, src: Path, out: Path) -> dict[str, Any]:
    """The report of ``newsspan import --json``; asserts exit 1, no traceback and nothing written."""
    result = cli("import", "--format", name, src, "--out", out, "--json")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert not report["ok"] and not out.exists()
    return report


def places(report: dict[str, Any]) -> set[tuple[str, str]]:
    """(file, pointer) of every problem of a report."""
    return {(e["file"], e["pointer"]) for e in report["errors"]}


def test_label_studio_values_of_the_wrong_type_are_problems(cli, tmp_path):
    path = exported("label-studio", tmp_path / "ls") / "tasks.json"
    tasks = json.loads(path.read_text(encoding="utf-8"))
    annotated, = tasks
    results = annotated["annotations"][0]["result"]
    results[0]["from_name"] = ["entities"]  # a list where a control name belongs
    results[1]["to_name"] = {"text": 1}
    results.append({"id": results[2]["id"], "type": "choices", "from_name": {}, "value": {"choices": ["x"]}})
    text = {"text": annotated["data"]["text"]}
    tasks += [{"data": text, "annotations": True}, {"data": text, "predictions": 5}]  # values where lists belong
    path.write_text(json.dumps(tasks), encoding="utf-8")
    report = import_report(cli, "label-studio", path, tmp_path / "out")
    assert places(report) == {
        (str(path), "/0/annotations/0/result/0/from_name"),
        (str(path), "/1/annotations"),
        (str(path), "/2/predictions"),
    }
    assert [(s["where"], s["label"]) for s in report["skipped"]] == [("/0/annotations/0/result/3/from_name", "{}")]


def test_doccano_values_of_the_wrong_type_are_problems(cli, tmp_path):
    path = exported("doccano", tmp_path / "dc") / "corpus.jsonl"
    record = json.loads(path.read_text(encoding="utf-8"))
    del record["newsspan"]  # each line its own document (named after the line)
    relation = {"id": 1, "from_id": record["entities"][0]["id"], "to_id": record["entities"][1]["id"], "type": []}
    lines = [{**record, "entities": True}, {**record, "relations": 5}, {**record, "relations": [relation]},
             {"text": record["text"], "label": "GPE"}]
    path.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    report = import_report(cli, "doccano", path, tmp_path / "out")
    assert places(report) == {(str(path), "line 1 /entities"), (str(path), "line 2 /relations"),
                              (str(path), "line 3 /relations/0/type"), (str(path), "line 4 /label")}


def test_web_annotation_values_of_the_wrong_type_are_problems(cli, tmp_path):
    folder = exported("web-annotation", tmp_path / "wa")
    path = folder / "small-doc.jsonld"
    collection = json.loads(path.read_text(encoding="utf-8"))
    items = collection["first"]["items"]
    for selector in items[0]["target"]["selector"]:
        selector["type"] = [selector["type"]]  # a list where a type name belongs
    items[1]["target"]["selector"] = [{"type": "TextQuoteSelector", "exact": True}]
    path.write_text(json.dumps(collection), encoding="utf-8")
    report = import_report(cli, "web-annotation", path, tmp_path / "out")
    assert places(report) == {(str(path), "/first/items/0/target"), (str(path), "/first/items/1/target")}
    for item in items:
        item["target"]["source"] = {"file": "small-doc.txt"}  # an object where a file name belongs
    path.write_text(json.dumps(collection), encoding="utf-8")
    report = import_report(cli, "web-annotation", path, tmp_path / "out")
    assert places(report) == {(str(path), "/first/items")}


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a JSON value (the first two items of each list), the root first."""
    found = [prefix]
    if isinstance(obj, dict):
        for key, value in obj.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(obj, list):
        for k, value in enumerate(obj[:2]):
            found += _paths(value, (*prefix, k))
    return found


def _replaced(obj: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(obj))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    parent[path[-1]] = value
    return copy


JSON_VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70), st.floats(),
                        st.text(max_size=3), st.lists(st.integers(), max_size=2),
                        st.dictionaries(st.text(max_size=2), st.integers(), max_size=2))


@pytest.mark.parametrize("name, file", [("label-studio", "tasks.json"), ("web-annotation", "small-doc.jsonld"),
                                        ("doccano", "corpus.jsonl")])
def test_any_value_anywhere_is_a_problem_or_a_document_never_an_exception(name, file, tmp_path_factory):
    """Property: an export with one value replaced (any JSON type, NaN, huge integers) reads as documents and
    problems; each problem names the source file."""
    folder = exported(name, tmp_path_factory.mktemp(name))
    path = folder / file
    original = json.loads(path.read_text(encoding="utf-8"))
    places_in = _paths(original)

    @settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(place=st.sampled_from(places_in), value=JSON_VALUES)
    def check(place: tuple[Any, ...], value: Any) -> None:
        path.write_text(json.dumps(_replaced(original, place, value)), encoding="utf-8")
        result = converter(name).read(path)
        assert all(problem.file == str(path) for problem in result.problems)

    check()
