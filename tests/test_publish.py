"""``newsspan publish``: only ``--dry-run`` here (no network); the checks that guard a real upload."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from .conftest import invoke


@pytest.fixture
def built(seed_dataset: Path) -> Path:
    return seed_dataset


@pytest.fixture
def dist(built: Path, tmp_path: Path) -> Path:
    """A copy of the build to tamper with."""
    return Path(shutil.copytree(built, tmp_path / "newsspan"))


def dry_run(dist: Path, *extra: str, option: str = "--out") -> object:
    return invoke(["publish", "--repo-id", "someone/newsspan", option, str(dist), "--dry-run", *extra],
                  env={"HF_HUB_OFFLINE": "1", "COLUMNS": "200"})


def said(result: object) -> str:
    """The command's output with rich's line wrapping undone."""
    return " ".join(result.output.split())  # type: ignore[attr-defined]


def test_dry_run_lists_every_file_with_its_size(built: Path) -> None:
    result = dry_run(built, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    on_disk = {p.relative_to(built).as_posix(): p.stat().st_size for p in built.rglob("*") if p.is_file()}
    assert on_disk.pop(".newsspan-build")  # the marker says who wrote the folder: it is not uploaded
    assert {f["path"]: f["size"] for f in report["files"]} == on_disk
    assert {"README.md", "croissant.json", "SHA256SUMS"} <= set(on_disk)
    assert report["dry_run"] is True and report["url"] is None


def test_the_old_option_name_dist_still_works_and_is_hidden(built: Path) -> None:
    old, new = dry_run(built, "--json", option="--dist"), dry_run(built, "--json")
    assert old.exit_code == 0, old.output
    assert json.loads(old.stdout) == json.loads(new.stdout)
    assert "--dist" not in invoke(["publish", "--help"], env={"COLUMNS": "200"}).output


def test_dry_run_table_for_people(built: Path) -> None:
    result = dry_run(built)
    assert result.exit_code == 0, result.output
    assert "would upload" in said(result) and "huggingface.co/datasets/someone/newsspan" in said(result)
    assert "data/ner/train-00000-of-00001.parquet" in said(result)


@pytest.mark.parametrize("repo_id", ["newsspan", "a/b/c", "owner/", "-x/name", "owner/na me"])
def test_malformed_repo_id_is_a_usage_error(built: Path, repo_id: str) -> None:
    result = invoke(["publish", "--repo-id", repo_id, "--out", str(built), "--dry-run"])
    assert result.exit_code == 2
    assert "OWNER/NAME" in said(result)


def test_a_changed_file_is_refused(dist: Path) -> None:
    card = dist / "README.md"
    card.write_text(card.read_text(encoding="utf-8") + "\nedited by hand\n", encoding="utf-8")
    result = dry_run(dist)
    assert result.exit_code == 1
    assert "README.md changed" in said(result) and "SHA256SUMS" in said(result)


def test_a_missing_or_extra_file_is_refused(dist: Path) -> None:
    (dist / "data" / "spans" / "train-00000-of-00001.parquet").unlink()
    (dist / "notes.txt").write_text("scratch", encoding="utf-8")
    result = dry_run(dist)
    assert result.exit_code == 1
    assert "train-00000-of-00001.parquet missing" in said(result) and "notes.txt unlisted" in said(result)


def test_a_loading_script_is_refused(dist: Path) -> None:
    (dist / "newsspan.py").write_text("import datasets\n", encoding="utf-8")
    result = dry_run(dist)
    assert result.exit_code == 1 and "newsspan.py" in said(result)


def test_a_folder_that_is_not_a_build_is_refused(tmp_path: Path) -> None:
    (tmp_path / "README.md").write_text("# hello\n", encoding="utf-8")
    result = dry_run(tmp_path)
    assert result.exit_code == 1 and "newsspan build" in said(result)
    assert dry_run(tmp_path / "missing").exit_code == 1


def test_old_option_name_dist_still_works_but_is_not_advertised(built: Path) -> None:
    """Issue 14 item 6: --out everywhere; --dist stays as a hidden alias of publish --out and stats --out."""
    old = invoke(["publish", "--repo-id", "someone/newsspan", "--dist", str(built), "--dry-run", "--json"],
                        env={"HF_HUB_OFFLINE": "1"})
    assert old.exit_code == 0, old.output
    assert json.loads(old.stdout)["files"] == json.loads(dry_run(built, "--json").stdout)["files"]
    stats_old = invoke(["stats", "--dist", str(built), "--json"])
    assert stats_old.exit_code == 0 and json.loads(stats_old.stdout) == json.loads(
        invoke(["stats", "--out", str(built), "--json"]).stdout)
    for command in ("publish", "stats"):
        help_text = invoke([command, "--help"], env={"COLUMNS": "200"}).output
        assert "--out" in help_text and "--dist" not in help_text
