"""Atomic writes that never silently overwrite."""

from __future__ import annotations

import os
import stat

import pytest

from newsspan import files
from newsspan.files import UMASK, FileExistsRefusal, atomic_write_bytes, atomic_write_json


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
