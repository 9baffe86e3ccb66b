"""BatchWriter: atomic writes synced in batches keep atomic_write_bytes' guarantees, file by file."""

from __future__ import annotations

import errno
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from newsspan import files
from newsspan.files import BatchWriter, FileExistsRefusal, atomic_write_bytes


def _data(n: int) -> bytes:
    return (f"file {n}\n" * (n * 37 % 5000 + 1)).encode()


def _names(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_every_file_is_written_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    with BatchWriter(batch=4) as writer:
        for n in range(61):
            writer.write(tmp_path / "out" / f"{n}.json", _data(n))
    assert _names(tmp_path / "out") == sorted(f"{n}.json" for n in range(61))  # no temp file left either
    for n in range(61):
        assert (tmp_path / "out" / f"{n}.json").read_bytes() == _data(n)
    atomic_write_bytes(tmp_path / "plain.json", b"{}")
    mode = stat.S_IMODE((tmp_path / "plain.json").stat().st_mode)
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").iterdir()} == {mode}


def test_files_appear_a_batch_at_a_time_and_the_rest_at_close(tmp_path: Path) -> None:
    writer = BatchWriter(batch=3)
    for n in range(2):
        writer.write(tmp_path / f"{n}.json", _data(n))
    assert not any(name.endswith(".json") for name in _names(tmp_path))  # written, not yet synced: not visible
    writer.write(tmp_path / "2.json", _data(2))
    writer.write(tmp_path / "3.json", _data(3))
    assert [n for n in _names(tmp_path) if not n.startswith(".")] == ["0.json", "1.json", "2.json"]
    writer.close()
    assert _names(tmp_path) == ["0.json", "1.json", "2.json", "3.json"]


def test_one_file_system_sync_per_batch(tmp_path: Path, monkeypatch) -> None:
    if files._SYNCFS is None:
        pytest.skip("syncfs is Linux's")
    calls: list[int] = []
    real = files._SYNCFS
    monkeypatch.setattr(files, "_SYNCFS", lambda fd: calls.append(fd) or real(fd))
    with BatchWriter(batch=4) as writer:
        for n in range(10):
            writer.write(tmp_path / f"{n}.json", _data(n))
    assert len(calls) == 3
    assert len(_names(tmp_path)) == 10


def test_an_existing_file_is_refused_at_once_and_kept(tmp_path: Path) -> None:
    (tmp_path / "3.json").write_bytes(b"gold")
    with pytest.raises(FileExistsRefusal, match=r"3\.json"), BatchWriter() as writer:
        for n in range(6):
            writer.write(tmp_path / f"{n}.json", _data(n))
    assert (tmp_path / "3.json").read_bytes() == b"gold"
    assert _names(tmp_path) == ["0.json", "1.json", "2.json", "3.json"]  # those given before are placed, no temp


def test_a_file_that_appears_before_its_batch_is_placed_is_not_overwritten(tmp_path: Path) -> None:
    writer = BatchWriter(batch=10)
    writer.write(tmp_path / "0.json", b"ours")
    writer.write(tmp_path / "1.json", b"ours")
    (tmp_path / "1.json").write_bytes(b"someone else's")
    with pytest.raises(FileExistsRefusal, match=r"1\.json"):
        writer.close()
    assert (tmp_path / "1.json").read_bytes() == b"someone else's"
    assert _names(tmp_path) == ["0.json", "1.json"]


def test_overwrite_replaces(tmp_path: Path) -> None:
    (tmp_path / "1.json").write_bytes(b"old")
    with BatchWriter(overwrite=True) as writer:
        writer.write(tmp_path / "1.json", b"new")
    assert _names(tmp_path) == ["1.json"]
    assert (tmp_path / "1.json").read_bytes() == b"new"


def test_a_write_that_fails_is_raised_at_once_naming_its_file(tmp_path: Path) -> None:
    """A target whose folder is a file cannot be written: write() raises; the file given before is placed."""
    (tmp_path / "blocked").write_bytes(b"a file, not a folder")
    with pytest.raises(OSError, match="blocked"), BatchWriter() as writer:
        writer.write(tmp_path / "ok.json", b"1")
        writer.write(tmp_path / "blocked" / "x.json", b"2")
    assert (tmp_path / "ok.json").read_bytes() == b"1"
    assert _names(tmp_path) == ["blocked", "ok.json"]


def test_a_sync_that_fails_drops_its_file_and_the_rest_of_its_batch(tmp_path: Path, monkeypatch) -> None:
    """Disk full when a file is synced: the files before it are placed; it and those after it never appear."""
    full: set[int] = set()
    real_write, real_fsync = files._write_unsynced, os.fsync

    def write(path: Path, data: bytes) -> tuple[int, str]:
        fd, tmp = real_write(path, data)
        if path.name == "full.json":
            full.add(fd)
        return fd, tmp

    def fsync(fd: int) -> None:  # the fault is injected, the writes are real
        if fd in full:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(files, "_write_unsynced", write)
    monkeypatch.setattr(os, "fsync", fsync)
    with pytest.raises(OSError, match=r"full\.json") as raised, BatchWriter(batch=5) as writer:
        for name in ("0.json", "1.json", "full.json", "3.json", "4.json", "5.json"):
            writer.write(tmp_path / name, b"x")
    assert raised.value.errno == errno.ENOSPC
    assert _names(tmp_path) == ["0.json", "1.json"]


def test_a_killed_writer_leaves_only_temp_files_which_the_next_write_removes(tmp_path: Path) -> None:
    program = ("import os, sys; from pathlib import Path; from newsspan.files import BatchWriter\n"
               "writer = BatchWriter(batch=10)\n"
               "for n in range(3): writer.write(Path(sys.argv[1]) / f'{n}.json', b'x')\n"
               "os._exit(0)\n")
    subprocess.run([sys.executable, "-c", program, str(tmp_path)], check=True)
    left = _names(tmp_path)
    assert len(left) == 3 and all(files.TEMP_PATTERN.match(name) for name in left)
    with BatchWriter() as writer:
        writer.write(tmp_path / "new.json", b"y")
    assert _names(tmp_path) == ["new.json"]


def _open_descriptors() -> int:
    return len(os.listdir("/proc/self/fd"))


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="counts descriptors through Linux's /proc")
def test_no_descriptor_stays_open_after_a_batch_placed_or_dropped(tmp_path: Path, monkeypatch) -> None:
    before = _open_descriptors()
    with BatchWriter(batch=4) as writer:
        for n in range(10):
            writer.write(tmp_path / f"{n}.json", _data(n))
    assert _open_descriptors() == before
    (tmp_path / "late.json").touch()
    writer = BatchWriter(batch=10)
    for name in ("a.json", "late2.json", "b.json"):
        writer.write(tmp_path / name, b"x")
    (tmp_path / "late2.json").touch()  # appears before its batch is placed: refused, the batch's rest dropped
    with pytest.raises(FileExistsRefusal):
        writer.close()
    assert _open_descriptors() == before
    assert not [name for name in _names(tmp_path) if name.endswith(".tmp")]


def test_the_callers_error_is_raised_even_when_placing_the_files_fails(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="bad document") as raised, BatchWriter() as writer:
        writer.write(tmp_path / "0.json", b"x")
        (tmp_path / "0.json").write_bytes(b"someone else's")  # placing 0.json will be refused
        raise ValueError("bad document")
    assert any("0.json" in note for note in raised.value.__notes__)
    assert (tmp_path / "0.json").read_bytes() == b"someone else's"
