"""Atomic writes that never silently overwrite."""

from __future__ import annotations

import os
import stat

import pytest

from newsspan import files
from newsspan.files import UMASK, FileExistsRefusal, atomic_write_bytes, atomic_write_json

from .conftest import dead_pid


def _leftovers(folder):
    return [p.name for p in folder.iterdir() if p.name.endswith(".tmp")]


def test_writes_new_file_with_usual_permissions(tmp_path):
    target = tmp_path / "sub" / "a.json"
    atomic_write_json(target, {"x": "é"})
    assert target.read_text(encoding="utf-8") == '{\n  "x": "é"\n}\n'
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~UMASK
    assert _leftovers(target.parent) == []


def test_refuses_to_overwrite_and_keeps_the_old_content(tmp_path):
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    with pytest.raises(FileExistsRefusal, match="--force"):
        atomic_write_bytes(target, b"new")
    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path) == []


def test_overwrite_replaces(tmp_path):
    target = tmp_path / "a.txt"
    target.write_bytes(b"old")
    atomic_write_bytes(target, b"new", overwrite=True)
    assert target.read_bytes() == b"new"


def test_without_hard_links_it_still_refuses_and_still_writes(tmp_path, monkeypatch):
    def no_links(*_args):
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)  # a file system without hard links (vfat, some network shares)
    target = tmp_path / "a.txt"
    atomic_write_bytes(target, b"first")
    assert target.read_bytes() == b"first"
    with pytest.raises(FileExistsRefusal):
        files.atomic_write_bytes(target, b"second")
    assert target.read_bytes() == b"first"
    assert _leftovers(tmp_path) == []


def test_a_failed_write_leaves_nothing(tmp_path, monkeypatch):
    def broken_fsync(_fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", broken_fsync)
    with pytest.raises(OSError, match="No space"):
        atomic_write_bytes(tmp_path / "a.txt", b"data")
    assert list(tmp_path.iterdir()) == []


def test_many_files_are_written_all_or_none(tmp_path, monkeypatch):
    real = os.fsync
    calls = []

    def full_after_one(fd, *args, **kwargs):
        calls.append(fd)
        if len(calls) == 2:  # the second file does not fit
            raise OSError(28, "No space left on device")
        return real(fd, *args, **kwargs)

    monkeypatch.setattr(os, "fsync", full_after_one)
    with pytest.raises(OSError, match="No space") as raised:
        files.atomic_write_many({tmp_path / "seed.txt": b"text", tmp_path / "doc.json": b"{}"})
    assert raised.value.filename == str(tmp_path / "doc.json")  # the error names the file that did not fit
    assert list(tmp_path.iterdir()) == []


def test_many_files_refuse_before_writing_any(tmp_path):
    (tmp_path / "doc.json").write_bytes(b"mine")
    with pytest.raises(FileExistsRefusal, match=r"doc\.json"):
        files.atomic_write_many({tmp_path / "seed.txt": b"text", tmp_path / "doc.json": b"{}"})
    assert sorted(p.name for p in tmp_path.iterdir()) == ["doc.json"]


def test_temp_files_of_dead_writers_are_removed_by_the_next_write(tmp_path):
    dead, alive = dead_pid(), os.getpid()
    stale = tmp_path / f".a.json.{dead}-k2j4x9_q.tmp"
    kept = [tmp_path / f".a.json.{alive}-k2j4x9_q.tmp",  # a writer that may still be writing
            tmp_path / ".a.json.k2j4x9_q.tmp",  # not a temp name of this module
            tmp_path / f"a.json.{dead}-k2j4x9_q.tmp"]  # not hidden: someone's file
    for path in [stale, *kept]:
        path.write_bytes(b"half")
    atomic_write_bytes(tmp_path / "b.json", b"{}")
    assert not stale.exists() and all(path.read_bytes() == b"half" for path in kept)
    assert (tmp_path / "b.json").read_bytes() == b"{}"


def test_exchange_swaps_two_folders_in_one_step(tmp_path):
    first, second = tmp_path / "first", tmp_path / "second"
    (first / "inner").mkdir(parents=True)
    (first / "inner" / "a.txt").write_text("first", encoding="utf-8")
    second.mkdir()
    (second / "b.txt").write_text("second", encoding="utf-8")
    assert files.exchange(first, second)  # Linux with glibc >= 2.28 on ext4/tmpfs: what CI runs on
    assert (second / "inner" / "a.txt").read_text(encoding="utf-8") == "first"
    assert [p.name for p in first.iterdir()] == ["b.txt"]


def test_exchange_with_a_missing_path_raises_and_changes_nothing(tmp_path):
    present = tmp_path / "present"
    present.mkdir()
    with pytest.raises(FileNotFoundError):
        files.exchange(present, tmp_path / "missing")
    assert present.is_dir() and not (tmp_path / "missing").exists()
