"""Runs over files: where the cache goes (or that none is written), and load_valid."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest
from typer.testing import CliRunner

from newsspan.cli import app
from newsspan.corpus import Corpus
from newsspan.validation import load_valid, validate
from newsspan.validation.cache import CACHE_DIR, CACHE_DIR_ENV, DB_NAME

from .conftest import SEED_ID, invoke, mutated, write_annotation


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file under the folders with the SHA-256 of its bytes (a change anywhere shows)."""
    found = {}
    for folder in folders:
        for dirpath, _, names in os.walk(folder):
            for name in names:
                path = Path(dirpath) / name
                found[str(path)] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def test_cache_dir_puts_the_cache_outside_the_root(corpus_copy, tmp_path, monkeypatch):
    monkeypatch.delenv(CACHE_DIR_ENV)
    elsewhere = tmp_path / "elsewhere"
    stats: dict[str, int] = {}
    assert validate(corpus_copy, use_cache=True, cache_dir=elsewhere).ok
    assert validate(corpus_copy, use_cache=True, cache_dir=elsewhere, stats=stats).ok
    assert stats == {"checked": 0, "skipped": 1}
    assert (elsewhere / DB_NAME).is_file()
    assert not (corpus_copy.root / CACHE_DIR).exists()


def test_the_environment_variable_moves_the_cache_of_every_command(corpus_copy, tmp_path, monkeypatch):
    monkeypatch.setenv(CACHE_DIR_ENV, str(tmp_path / "env-cache"))
    result = CliRunner().invoke(app, ["validate", "--root", str(corpus_copy.root), "--json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "env-cache" / DB_NAME).is_file()
    assert not (corpus_copy.root / CACHE_DIR).exists()


def test_without_the_variable_the_cache_is_in_the_root(corpus_copy, monkeypatch):
    monkeypatch.delenv(CACHE_DIR_ENV)
    assert validate(corpus_copy, use_cache=True).ok
    assert (corpus_copy.root / CACHE_DIR / DB_NAME).is_file()
    assert validate(corpus_copy).ok  # no use_cache: nothing more is written
    before = snapshot(corpus_copy.root)
    assert validate(corpus_copy).ok
    assert snapshot(corpus_copy.root) == before


def test_build_check_writes_nothing_at_all(corpus_copy, tmp_path_factory, monkeypatch):
    monkeypatch.delenv(CACHE_DIR_ENV)  # the default place, the corpus root, is where a cache would appear
    out = tmp_path_factory.mktemp("out") / "dist"
    built = invoke(["build", "--root", str(corpus_copy.root), "--out", str(out), "--no-load", "--json"])
    assert built.exit_code == 0, built.output
    for path in (corpus_copy.root / CACHE_DIR).glob("*"):
        path.unlink()
    (corpus_copy.root / CACHE_DIR).rmdir()
    before = snapshot(corpus_copy.root, out)
    checked = invoke(["build", "--root", str(corpus_copy.root), "--out", str(out), "--check", "--json"])
    assert checked.exit_code == 0, checked.output
    assert json.loads(checked.stdout)["differences"] == []
    assert snapshot(corpus_copy.root, out) == before
    assert CACHE_DIR not in os.listdir(corpus_copy.root)


def test_load_valid_yields_valid_documents_and_collects_the_problems_of_the_others(corpus_copy, seed_document):
    doc, text = mutated(seed_document[0]), seed_document[1]
    doc["id"] = "broken-copy"
    doc["entities"][0]["text"] = "not the text"
    write_annotation(corpus_copy, doc)
    problems: list = []
    loaded = list(load_valid(corpus_copy, problems=problems))
    assert [(d["id"], t) for d, t in loaded] == [(SEED_ID, text)]
    assert loaded[0][0] == seed_document[0]
    assert [(Path(p.file).name, p.code) for p in problems] == [("broken-copy.json", "span-text-mismatch")]


@pytest.mark.parametrize("paths", [[], ["annotations"]])
def test_load_valid_takes_files_or_folders(corpus_copy, seed_document, paths):
    named = [corpus_copy.root / p for p in paths]
    assert list(load_valid(Corpus(corpus_copy.root), named)) == [seed_document]


def test_the_compact_listing_is_the_listing(tmp_path):
    """validate's whole-corpus listing (names held in one string) names the same files, in the same order."""
    from newsspan.validation import annotation_files
    from newsspan.validation.runner import listed_files

    folder = tmp_path / "annotations"
    folder.mkdir()
    for name in ("b.json", "a.json", "é-ü.json", "z.json.bak", "notes.txt"):
        (folder / name).write_text("{}", encoding="utf-8")
    (folder / "d.json").mkdir()  # a folder named *.json is listed (and reported as not a file)
    corpus = Corpus(tmp_path)
    listed, expected = listed_files(corpus), annotation_files(corpus)
    assert len(expected) == 4
    assert list(listed) == expected and len(listed) == len(expected)
    assert [listed[i] for i in range(-len(listed), len(listed))] == expected + expected
    assert listed[1:3] == expected[1:3] and listed[::-1] == expected[::-1]
    assert listed_files(corpus, [folder / "a.json"]) == [str(folder / "a.json")]
    assert listed_files(corpus, listed) is listed
    assert list(listed_files(Corpus(tmp_path / "absent"))) == []
