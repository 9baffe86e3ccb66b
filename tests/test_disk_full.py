"""A full disk during ``add``, ``import`` and ``build`` (issue 10, items 3 and 4): one clear line, exit 1, no
traceback, nothing half-written, the corpus unchanged, and the same command succeeds once there is room.

The full disk is a file-size limit (``RLIMIT_FSIZE`` set in the child before it starts; SIGXFSZ ignored, so a
write past the limit fails with EFBIG as a write to a full disk fails with ENOSPC). The last tests fill a real
small disk (a tmpfs mounted for the test, as root): the kernel's own ENOSPC. Real processes, real files.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import REPO, copy_corpus, invoke


def newsspan(*args: str | Path, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """``python -m newsspan ARGS`` in a child process whose files may not grow past ``limit`` bytes."""

    def full_disk() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit raises OSError (EFBIG)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
           "PYTHONDONTWRITEBYTECODE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "newsspan", *map(str, args)], capture_output=True, text=True,
                          env=env, preexec_fn=full_disk if limit else None, check=False, timeout=600)


def one_line(done: subprocess.CompletedProcess[str], *named: Path, cause: str = "File too large") -> str:
    """The one line a failed run printed on stderr (exit 1, no traceback), which names ``named`` and the cause."""
    assert done.returncode == 1, done.stdout + done.stderr
    assert "Traceback" not in done.stdout + done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), done.stderr
    assert cause in lines[0] and all(str(path) in lines[0] for path in named), lines[0]
    return lines[0]


def tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under ``folder``, hidden ones and temp files included."""
    return {p.relative_to(folder).as_posix(): None if p.is_dir() else p.read_bytes() for p in sorted(folder.rglob("*"))}


def validated(root: Path) -> int:
    """How many annotation files ``validate`` checked in ``root``; it must pass."""
    result = invoke(["validate", "--root", root, "--json", "--no-cache"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)["files"]


@pytest.mark.parametrize("what", ["the seed", "the annotation"])
def test_add_on_a_full_disk_writes_neither_file(tmp_path: Path, what: str) -> None:
    root = copy_corpus(tmp_path / "corpus").root
    article = tmp_path / "article.txt"
    if what == "the seed":  # ~54 kB: the seed does not fit
        article.write_text("A sentence of the article.\n" * 2000, encoding="utf-8")
        limit, named = 20_000, root / "seeds" / "article.txt"
    else:  # the seed fits, the draft annotation (~900 bytes) does not: the seed must not stay alone
        article.write_text("ASTANA: Leaders met.\n", encoding="utf-8")
        limit, named = 300, root / "annotations" / "article-one.json"
    before = tree(root)
    args = ("add", article, "--id", "article-one", "--root", root)
    one_line(newsspan(*args, limit=limit), named)
    assert tree(root) == before  # no seed, no annotation, no temp file
    assert newsspan(*args).returncode == 0
    assert validated(root) == 2 and (root / "seeds" / "article.txt").read_bytes() == article.read_bytes()


def test_import_on_a_full_disk_writes_no_document(tmp_path: Path) -> None:
    source = copy_corpus(tmp_path / "source").root
    small = tmp_path / "kyiv-talks.txt"
    small.write_text("KYIV, 4 March 2026 — Ministers met again.\n", encoding="utf-8")
    assert invoke(["add", small, "--id", "kyiv-talks", "--root", source]).exit_code == 0
    exported = tmp_path / "label-studio"
    assert invoke(["export", "--format", "label-studio", "--root", source, "--out", exported]).exit_code == 0
    root = tmp_path / "corpus"  # a corpus with a document of its own, which the import must leave alone
    third = tmp_path / "third.txt"
    third.write_text("ALMATY: A third article.\n", encoding="utf-8")
    assert invoke(["add", third, "--id", "third-article", "--root", root]).exit_code == 0
    before = tree(root)
    sizes = sorted(len(p.read_bytes()) for p in [*source.rglob("*.json"), *source.rglob("*.txt")])
    limit = sizes[-1] - 1  # every file fits but the largest annotation: the small document alone would fit
    assert sizes[0] < limit
    args = ("import", "--format", "label-studio", exported, "--out", root)
    line = one_line(newsspan(*args, limit=limit), root / "annotations" / "islamabadpost-214638.json")
    assert f"nothing was imported into {root}" in line
    assert tree(root) == before  # no file of either document, no temp file
    assert newsspan(*args).returncode == 0
    assert validated(root) == 3


@pytest.mark.slow
def test_build_on_a_full_disk_keeps_the_earlier_build(tmp_path: Path, seed_dataset: Path) -> None:
    root = copy_corpus(tmp_path / "corpus").root
    out = tmp_path / "dist"
    shutil.copytree(seed_dataset, out)
    (out / "README.md").write_text("# an earlier build\n", encoding="utf-8")
    before, corpus = tree(tmp_path), tree(root)
    args = ("build", "--root", root, "--out", out, "--no-load")
    line = one_line(newsspan(*args, limit=20_000), out)  # the documents shard is ~50 kB
    assert "no room to write the build" in line and "nothing was changed" in line
    assert tree(tmp_path) == before  # the earlier build, the corpus, and no staging folder
    assert newsspan(*args).returncode == 0
    assert tree(out) == tree(seed_dataset) and tree(root) == corpus
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "dist"]


# --- a real full disk: a small tmpfs (ENOSPC from the kernel, not a file-size limit) ----------------------------

@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 1 MiB tmpfs mounted at ``tmp_path/disk`` for the test (needs root with CAP_SYS_ADMIN, as CI runs)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=1m,mode=0755", "tmpfs", str(disk)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.strip()}")  # not root: the limit tests above
    try:
        yield disk
    finally:
        subprocess.run(["umount", "--lazy", str(disk)], check=False)


def fill(disk: Path, leave: int) -> Path:
    """Fill ``disk`` up to ``leave`` free bytes with one file (removed to make room again)."""
    free = shutil.disk_usage(disk).free
    filler = disk / "filler"
    with open(filler, "wb") as handle:
        handle.write(b"\0" * max(0, free - leave))
    return filler


@pytest.mark.slow
def test_build_onto_a_full_disk_keeps_the_earlier_build(tmp_path: Path, seed_dataset: Path,
                                                          small_disk: Path) -> None:
    root = copy_corpus(tmp_path / "corpus").root
    out = small_disk / "dist"
    shutil.copytree(seed_dataset, out)
    (out / "README.md").write_text("# an earlier build\n", encoding="utf-8")
    filler = fill(small_disk, leave=64 * 1024)  # the new build (~220 kB) cannot be written next to the earlier one
    before = tree(small_disk)
    args = ("build", "--root", root, "--out", out, "--no-load")
    line = one_line(newsspan(*args), out, cause="No space left on device")
    assert "no room to write the build" in line and "nothing was changed" in line
    assert tree(small_disk) == before  # the earlier build, and no staging folder
    filler.unlink()
    assert newsspan(*args).returncode == 0
    assert tree(out) == tree(seed_dataset)
    assert sorted(p.name for p in small_disk.iterdir()) == ["dist"]


def test_suggest_onto_a_full_disk_leaves_only_whole_files(tmp_path: Path, small_disk: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(REPO / "tests" / "fixtures" / "suggest", root, ignore=shutil.ignore_patterns("*.py"))
    clean = tmp_path / "clean"
    assert newsspan("suggest", "--root", root, "--out", clean).returncode == 0
    expected = tree(clean)
    out = small_disk / "suggestions"
    filler = fill(small_disk, leave=sorted(map(len, expected.values()))[1] + 4096)  # room for one or two files
    one_line(newsspan("suggest", "--root", root, "--out", out), out, cause="No space left on device")
    left = tree(out) if out.exists() else {}
    assert len(left) < len(expected) and all(expected[name] == data for name, data in left.items())  # whole, no temp
    filler.unlink()
    assert newsspan("suggest", "--root", root, "--out", out, "--skip-existing").returncode == 0
    assert tree(out) == expected
