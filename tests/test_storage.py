"""Corpora and builds on fsspec file systems (``memory://``, ``file://``): the same problems and the same
bytes as on local paths, and the same refusals to overwrite what newsspan did not build."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from newsspan import storage
from newsspan.corpus import Corpus
from newsspan.dataset.build import build_dataset
from newsspan.dataset.features import MARKER
from newsspan.validation import validate
from newsspan.validation.cache import CACHE_DIR_ENV

fsspec = pytest.importorskip("fsspec")


def to_memory(corpus: Corpus) -> str:
    """A copy of the corpus root (seeds, annotations, docs) in fsspec's in-memory file system; its URL."""
    url = f"memory://corpus-{uuid.uuid4().hex[:8]}"
    fs = fsspec.filesystem("memory")
    for file in corpus.root.rglob("*"):
        if file.is_file():
            fs.pipe(f"{url}/{file.relative_to(corpus.root).as_posix()}", file.read_bytes())
    return url


def memory_folder(url: str) -> dict[str, bytes]:
    fs, path = storage.filesystem(url)
    return {name[len(path) + 1:]: fs.cat_file(name) for name in fs.find(path)}


def local_folder(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("given", "expected"), [
    ("s3://bucket/news", "s3://bucket/news"), (Path("s3://bucket/news"), "s3://bucket/news"),
    (Path("memory://c/annotations"), "memory://c/annotations"), (Path("file:///tmp/c"), "file:///tmp/c"),
    ("corpus/annotations", "corpus/annotations"), (Path("/tmp/a:b/c"), "/tmp/a:b/c"),
])
def test_a_location_keeps_its_url_through_pathlib(given: Any, expected: str) -> None:
    assert storage.location(given) == expected
    assert storage.is_url(given) == ("://" in expected)


def test_validate_reads_a_corpus_on_memory_and_reports_the_local_problems(corpus_copy: Corpus, cli: Any,
                                                                         tmp_path: Path, monkeypatch: Any) -> None:
    (corpus_copy.annotations_dir / "broken.json").write_text('{"id": "broken"}', encoding="utf-8")
    url = to_memory(corpus_copy)
    local, remote = validate(corpus_copy), validate(Corpus(Path(url)))
    assert local.problems and remote.files == local.files
    assert [(Path(p.file).name, p.pointer, p.code) for p in remote.problems] == \
        [(Path(p.file).name, p.pointer, p.code) for p in local.problems]
    assert all(p.file.startswith(f"{url}/annotations/") for p in remote.problems)
    monkeypatch.delenv(CACHE_DIR_ENV)  # the cache would go to the root: not for a URL root
    work = tmp_path / "cwd"
    work.mkdir()
    monkeypatch.chdir(work)
    done = cli("validate", "--root", url, "--json")
    assert done.exit_code == 1 and f"{url}/annotations/broken.json" in done.stdout
    assert list(work.iterdir()) == []  # nothing written here (a folded "memory:/..." path)


def test_build_from_and_to_memory_writes_the_local_bytes(corpus_copy: Corpus, cli: Any, tmp_path: Path) -> None:
    url = to_memory(corpus_copy)
    local = tmp_path / "local"
    build_dataset(corpus_copy, [], local)
    out = f"memory://out-{uuid.uuid4().hex[:8]}/newsspan"
    done = cli("build", "--root", url, "--out", out, "--json", "--no-load")
    assert done.exit_code == 0, done.output
    assert memory_folder(out) == local_folder(local)
    again = cli("build", "--root", url, "--out", out, "--no-load")  # an earlier build is replaced
    assert again.exit_code == 0, again.output
    assert memory_folder(out) == local_folder(local)
    fs, _ = storage.filesystem(out)
    fs.pipe(f"{out}/notes.txt", b"mine")
    refused = cli("build", "--root", url, "--out", out, "--no-load")
    assert refused.exit_code == 1 and "holds files the build did not write (notes.txt)" in refused.output
    assert fs.cat_file(f"{out}/notes.txt") == b"mine"


def test_build_refuses_a_remote_folder_it_did_not_build(corpus_copy: Corpus, cli: Any) -> None:
    out = f"memory://foreign-{uuid.uuid4().hex[:8]}"
    fs, _ = storage.filesystem(out)
    fs.pipe(f"{out}/paper.tex", b"draft")
    done = cli("build", "--root", corpus_copy.root, "--out", out, "--no-load", "--force")
    assert done.exit_code == 1 and f"has no {MARKER} marker" in done.output
    assert memory_folder(out) == {"paper.tex": b"draft"}
    check = cli("build", "--root", corpus_copy.root, "--out", out, "--check")
    assert check.exit_code == 2 and "--check: expected a local --out folder" in check.output


def test_file_urls_read_and_write_like_local_paths(corpus_copy: Corpus, tmp_path: Path) -> None:
    local, remote = tmp_path / "local", tmp_path / "remote"
    build_dataset(corpus_copy, [], local)
    result = build_dataset(Corpus(Path(corpus_copy.root.as_uri())), [], Path(remote.as_uri()))
    assert result.summary()["out"] == remote.as_uri()
    assert local_folder(remote) == local_folder(local)
