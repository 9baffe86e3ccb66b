"""``build --out`` never destroys what newsspan did not write, survives kills and a full disk,
and ``build --check`` writes nothing (issue 10 items 2-4, issue 9 item 6). Real processes, real files."""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from newsspan.dataset.target import restore_moved_aside

from .conftest import REPO, dead_pid, invoke, load_synthetic_generator

MARKER = ".newsspan-build"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    """A writable copy of the repository's corpus root."""
    root = tmp_path / "corpus"
    for folder in ("seeds", "annotations"):
        shutil.copytree(REPO / folder, root / folder)
    return root


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def build(root: Path, out: Path | str, *extra: str):
    return invoke(["build", "--root", str(root), "--out", str(out), "--no-load", *extra])


def said(result) -> str:
    return " ".join(result.output.split())


def test_a_build_is_marked_and_an_earlier_build_is_replaced(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert build(root, out).exit_code == 0
    assert (out / MARKER).is_file() and MARKER not in (out / "SHA256SUMS").read_text(encoding="utf-8")
    first = snapshot(out)
    again = build(root, out)
    assert again.exit_code == 0, again.output
    assert snapshot(out) == first
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize("where", ["root", "parent", "annotations", "seeds", "inside-annotations"])
def test_never_builds_over_the_corpus(root: Path, where: str, force: list[str]) -> None:
    out = {"root": root, "parent": root.parent, "annotations": root / "annotations", "seeds": root / "seeds",
           "inside-annotations": root / "annotations" / "dist"}[where]
    before = snapshot(root.parent)
    result = build(root, out, *force)
    assert result.exit_code == 1, result.output
    assert "refusing" in said(result) and "Traceback" not in result.output
    assert snapshot(root.parent) == before


def test_build_out_dot_in_the_corpus_root_is_refused(root: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(root)
    before = snapshot(root)
    result = invoke(["build", "--out", ".", "--no-load", "--force"])
    assert result.exit_code == 1 and "corpus root" in said(result)
    assert snapshot(root) == before


def test_a_folder_with_a_card_and_checksums_but_no_marker_is_kept(root: Path, tmp_path: Path) -> None:
    """Seen: a folder holding README.md, SHA256SUMS and src/ was deleted."""
    out = tmp_path / "project"
    (out / "src").mkdir(parents=True)
    for name, text in (("README.md", "# mine\n"), ("SHA256SUMS", ""), ("src/main.py", "print(1)\n")):
        (out / name).write_text(text, encoding="utf-8")
    before = snapshot(out)
    for force in ([], ["--force"]):
        result = build(root, out, *force)
        assert result.exit_code == 1 and MARKER in said(result)
    assert snapshot(out) == before


@pytest.mark.parametrize("kind", ["file", "symlink"])
def test_out_that_is_not_a_directory_is_refused(root: Path, tmp_path: Path, kind: str) -> None:
    out = tmp_path / "out"
    if kind == "file":
        out.write_text("keep", encoding="utf-8")
    else:
        target = tmp_path / "elsewhere"
        assert build(root, target).exit_code == 0
        out.symlink_to(target, target_is_directory=True)
    before = snapshot(tmp_path)
    result = build(root, out, "--force")
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert snapshot(tmp_path) == before and (out.is_symlink() or out.read_text(encoding="utf-8") == "keep")


def test_out_under_a_regular_file_is_a_clear_error(root: Path, tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    result = build(root, tmp_path / "file" / "dist")
    assert result.exit_code == 1 and "Traceback" not in result.output and "file" in said(result)


def test_out_in_a_symlink_loop_is_a_clear_error(root: Path, tmp_path: Path) -> None:
    """Path.resolve() raised RuntimeError (a traceback) on a loop; now one line naming the folder."""
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    result = build(root, tmp_path / "a" / "dist")
    assert result.exit_code == 1 and (result.exception is None or isinstance(result.exception, SystemExit))
    assert str(tmp_path / "a" / "dist") in said(result)


def test_files_added_to_a_build_need_force(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert build(root, out).exit_code == 0
    (out / "my-notes.txt").write_text("notes", encoding="utf-8")
    refused = build(root, out)
    assert refused.exit_code == 1 and "my-notes.txt" in said(refused) and "--force" in said(refused)
    assert (out / "my-notes.txt").is_file()
    assert build(root, out, "--force").exit_code == 0
    assert not (out / "my-notes.txt").exists() and (out / MARKER).is_file()


def test_check_writes_nothing(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert build(root, out).exit_code == 0
    shutil.rmtree(root / ".newsspan-cache", ignore_errors=True)
    before = snapshot(tmp_path)
    result = invoke(["build", "--root", str(root), "--out", str(out), "--check", "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["differences"] == []
    assert snapshot(tmp_path) == before and not (root / ".newsspan-cache").exists()


def _run_build(root: Path, out: Path, **kwargs) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "PYTHONDONTWRITEBYTECODE": "1"}
    return subprocess.Popen([sys.executable, "-m", "newsspan", "build", "--root", str(root), "--out", str(out),
                             "--no-load", "--shard-rows", "200"], env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, **kwargs)


@pytest.mark.slow
def test_staging_left_by_a_killed_build_is_removed_by_the_next(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    load_synthetic_generator().generate(150, root)
    out = tmp_path / "dist"
    process = _run_build(root, out)
    deadline = time.monotonic() + 120
    staging: list[Path] = []
    while time.monotonic() < deadline and not staging:  # wait until the build writes parquet in its staging folder
        staging = [p for p in tmp_path.glob(".dist.build-*") if (p / "data").is_dir()]
        time.sleep(0.05)
    assert staging, "the build never started writing"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert staging[0].is_dir() and not out.exists()
    done = _run_build(root, out)
    _, err = done.communicate(timeout=300)
    assert done.returncode == 0, err
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist.")]
    assert (out / MARKER).is_file() and (out / "SHA256SUMS").is_file()


def _moved_aside(root: Path, tmp_path: Path, pid: int) -> Path:
    """A whole earlier build of ``root`` left at ``.dist.old-PID`` (as a killed two-rename replacement leaves it)."""
    built = tmp_path / "built"
    assert invoke(["build", "--root", root, "--out", built, "--no-load"]).exit_code == 0
    return built.rename(tmp_path / f".dist.old-{pid}")


def test_a_build_moved_aside_by_a_killed_build_is_put_back(root: Path, tmp_path: Path) -> None:
    aside = _moved_aside(root, tmp_path, dead_pid())
    card = (aside / "README.md").read_bytes()
    checked = invoke(["build", "--root", root, "--out", tmp_path / "dist", "--check"])
    assert checked.exit_code != 0  # --check writes nothing: it finds no build to compare with
    assert aside.is_dir() and not (tmp_path / "dist").exists()
    (root / "annotations" / "broken.json").write_text("[", encoding="utf-8")
    failed = invoke(["build", "--root", root, "--out", tmp_path / "dist", "--no-load"])
    assert failed.exit_code != 0
    assert (tmp_path / "dist" / "README.md").read_bytes() == card and not aside.exists()


@pytest.mark.parametrize("case", ["its process is alive", "it is half removed", "out exists"])
def test_a_folder_aside_is_put_back_only_when_whole_and_abandoned(root: Path, tmp_path: Path, case: str) -> None:
    aside = _moved_aside(root, tmp_path, os.getpid() if case == "its process is alive" else dead_pid())
    if case == "it is half removed":
        (aside / "croissant.json").unlink()
    if case == "out exists":
        (tmp_path / "dist").mkdir()
    assert restore_moved_aside(tmp_path / "dist") is None
    assert aside.is_dir()


def _limit_file_size(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.slow
def test_disk_full_during_build_is_a_clear_error_and_changes_nothing(root: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    assert build(root, out).exit_code == 0
    before = snapshot(out)
    process = _run_build(root, out, preexec_fn=_limit_file_size(20_000))  # the documents shard is ~50 kB
    stdout, stderr = process.communicate(timeout=300)
    assert process.returncode == 1, stdout + stderr
    assert "Traceback" not in stdout + stderr
    assert "no room to write the build" in " ".join((stdout + stderr).split())
    assert snapshot(out) == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".dist.")]


def test_only_marked_or_empty_staging_of_dead_builds_is_removed(root: Path, tmp_path: Path) -> None:
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                          check=True).stdout.strip()
    marked, empty, foreign, alive = (tmp_path / f".dist.build-{dead}-a", tmp_path / f".dist.build-{dead}-b",
                                     tmp_path / f".dist.build-{dead}-c", tmp_path / f".dist.build-{os.getpid()}-d")
    for folder in (marked, empty, foreign, alive):
        folder.mkdir()
    (marked / MARKER).write_text("x", encoding="utf-8")
    (alive / MARKER).write_text("x", encoding="utf-8")
    (foreign / "keep.txt").write_text("not ours", encoding="utf-8")
    assert build(root, tmp_path / "dist").exit_code == 0
    assert not marked.exists() and not empty.exists()
    assert (foreign / "keep.txt").is_file() and alive.is_dir()  # not ours, or its build may still be running
