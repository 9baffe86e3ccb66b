"""Faults of the environment end every command with one clear line and exit 1, never a traceback.

Run as real processes: a file-size limit (RLIMIT_FSIZE, what a full disk looks like to a writer),
an output path that cannot be a folder, and a terminal that only takes ASCII.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from newsspan.corpus import Corpus

from .conftest import SEED_ID

FILE_LIMIT = 20_000  # bytes: smaller than the dataset's parquet shards, larger than any source or annotation file


def newsspan(*args: str | Path, limit: int | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m newsspan ARGS`` in a child process (with a file-size limit in bytes, if given)."""

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.run(
        [sys.executable, "-m", "newsspan", *map(str, args)],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "COLUMNS": "200", **env},
        preexec_fn=limit_file_size if limit else None,
        check=False,
    )


def one_error_line(done: subprocess.CompletedProcess[str]) -> str:
    """The error line of a failed run, after checking there is exactly one and no traceback."""
    assert done.returncode == 1, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr + done.stdout
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    assert len(errors) == 1, done.stderr
    return errors[0]


@pytest.mark.parametrize("as_json", [False, True])
def test_a_full_disk_during_build_names_the_folder_and_leaves_nothing(corpus_copy: Corpus, tmp_path: Path,
                                                                      as_json: bool) -> None:
    out = tmp_path / "dist"
    done = newsspan("build", "--root", corpus_copy.root, "--out", out, "--no-load", *(["--json"] if as_json else []),
                    limit=FILE_LIMIT)
    line = one_error_line(done)
    assert "File too large" in line and str(tmp_path) in line
    assert not out.exists() and not [p for p in tmp_path.iterdir() if p.name.startswith(".dist")]  # no staging
    if as_json:
        assert json.loads(done.stdout)["errors"][0]["message"] == line.removeprefix("error: ")


def test_a_full_disk_during_add_names_the_seed_and_writes_neither_file(tmp_path: Path) -> None:
    article = tmp_path / "big.txt"
    article.write_text("A sentence of the article.\n" * 2000, encoding="utf-8")  # ~54 kB, over the limit
    root = tmp_path / "corpus"
    line = one_error_line(newsspan("add", article, "--id", "big-one", "--root", root, limit=FILE_LIMIT))
    assert "File too large" in line and str(root / "seeds" / "big.txt") in line
    assert not list(root.rglob("*.txt")) and not list(root.rglob("*.json"))


def test_a_full_disk_during_import_is_one_line(corpus_copy: Corpus, tmp_path: Path) -> None:
    exported = newsspan("export", "--format", "label-studio", "--root", corpus_copy.root, "--out", tmp_path / "ls")
    assert exported.returncode == 0, exported.stderr
    done = newsspan("import", "--format", "label-studio", tmp_path / "ls", "--out", tmp_path / "new", limit=4_000)
    assert "File too large" in one_error_line(done)


@pytest.mark.parametrize("command", ["build", "review", "export", "train"])
def test_an_output_folder_under_a_regular_file_is_one_line(corpus_copy: Corpus, tmp_path: Path,
                                                           command: str) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    extra = {"build": ["--no-load"], "export": ["--format", "conll"], "train": ["--max-steps", "1"]}.get(command, [])
    done = newsspan(command, "--root", corpus_copy.root, "--out", blocker / "out", *extra)
    assert str(blocker) in one_error_line(done)


def test_an_ascii_terminal_gets_the_same_json_and_readable_tables(corpus_copy: Corpus) -> None:
    path = corpus_copy.annotation_path(SEED_ID)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entities"][0]["text"] = "Café “quoted” – ✓"  # echoed in the error message
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    utf8 = newsspan("validate", "--root", corpus_copy.root, "--json", "--no-cache", PYTHONIOENCODING="utf-8")
    ascii_ = newsspan("validate", "--root", corpus_copy.root, "--json", "--no-cache", PYTHONIOENCODING="ascii")
    assert ascii_.returncode == utf8.returncode == 1
    assert ascii_.stdout.isascii() and json.loads(ascii_.stdout) == json.loads(utf8.stdout)
    human = newsspan("validate", "--root", corpus_copy.root, "--no-cache", PYTHONIOENCODING="ascii")
    assert human.returncode == 1 and "Traceback" not in human.stderr
    assert "span-text-mismatch" in human.stdout and "Caf\\xe9" in human.stdout
    fine = newsspan("validate", "--root", Path(__file__).parents[1], "--no-cache", PYTHONIOENCODING="ascii")
    assert fine.returncode == 0 and "Traceback" not in fine.stderr and "file(s) valid" in fine.stdout
