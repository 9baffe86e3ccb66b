"""benchmarks/suggest_compare.py: the same suggestions from two versions of the rules, or where they differ."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from .conftest import REPO, load_script

DEV = REPO / "tests" / "fixtures" / "suggest"


def _script():
    return load_script("suggest_compare", "benchmarks")


@pytest.fixture(scope="module")
def head_src(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The committed src/ and schema/ of HEAD, unpacked apart from the working tree."""
    return _script().baseline_source("HEAD", tmp_path_factory.mktemp("head"))


def _write(folder: Path, name: str, doc: dict) -> None:
    folder.mkdir(exist_ok=True)
    (folder / name).write_text(json.dumps(doc, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _doc(day: str, confidence: float = 0.6) -> dict:
    return {"id": "a", "annotation": {"status": "draft", "created": day, "modified": day},
            "entities": [{"id": "e1", "start": 0, "end": 3, "label": "ORG", "confidence": 0.9}],
            "dates": [], "quotations": [],
            "claims": [{"id": "c1", "start": 5, "end": 30, "confidence": 0.5},
                       {"id": "c2", "start": 31, "end": 60, "confidence": confidence}]}


def test_files_that_differ_only_in_the_day_of_the_run_are_the_same(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    _write(old, "a.json", _doc("2026-11-29"))
    _write(new, "a.json", _doc("2026-11-30"))
    assert _script().compare(old, new) == {"documents": 1, "same": 1, "different": []}


def test_a_changed_span_is_named_by_layer_and_index(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    _write(old, "a.json", _doc("2026-11-29"))
    _write(new, "a.json", _doc("2026-11-30", confidence=0.7))
    _write(new, "b.json", _doc("2026-11-30"))
    found = _script().compare(old, new)
    assert found["documents"] == 2 and found["same"] == 0
    where = {item["file"]: item["where"] for item in found["different"]}
    assert where["a.json"].startswith("claims[1]: ")
    assert where["b.json"] == "only in the candidate"


def test_a_layout_change_alone_is_a_difference(tmp_path: Path) -> None:
    old, new = tmp_path / "old", tmp_path / "new"
    _write(old, "a.json", _doc("2026-11-29"))
    new.mkdir()
    (new / "a.json").write_text(json.dumps(_doc("2026-11-29")) + "\n", encoding="utf-8")  # same values, one line
    found = _script().compare(old, new)
    assert found["same"] == 0 and found["different"][0]["where"] == "the header or the layout"


def test_the_same_rules_give_the_same_suggestions(head_src: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _script().main(["HEAD", "--candidate", str(head_src), "--root", str(DEV), "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is True
    result = report["roots"][str(DEV)]
    assert result["documents"] == len(list((DEV / "annotations").glob("*.json"))) > 0
    assert result["same"] == result["documents"] and result["different"] == []


def test_a_changed_rule_is_caught(head_src: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    changed = tmp_path / "changed"
    subprocess.run(["cp", "-r", str(head_src.parent), str(changed)], check=True)
    claims = changed / "src" / "newsspan" / "suggest" / "claims.py"
    source = claims.read_text(encoding="utf-8")
    assert "0.6 if worthy else 0.5" in source
    claims.write_text(source.replace("0.6 if worthy else 0.5", "0.6 if worthy else 0.45"), encoding="utf-8")
    assert _script().main(["HEAD", "--candidate", str(changed / "src"), "--root", str(DEV), "--json"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert report["ok"] is False
    different = report["roots"][str(DEV)]["different"]
    assert different and all(item["where"].startswith("claims[") for item in different)
    assert all('"confidence": 0.5' in item["where"] and '"confidence": 0.45' in item["where"] for item in different)
