"""WriteBehind: atomic writes in worker threads keep atomic_write_bytes' guarantees, file by file."""

from __future__ import annotations

import errno
import stat
import threading
from pathlib import Path

import pytest

from newsspan.files import FileExistsRefusal, WriteBehind, atomic_write_bytes


def _data(n: int) -> bytes:
    return (f"file {n}\n" * (n * 37 % 5000 + 1)).encode()


def test_every_file_is_written_whole_with_the_usual_permissions(tmp_path: Path) -> None:
    with WriteBehind(backlog=4) as writer:
        for n in range(60):
            writer.write(tmp_path / "out" / f"{n}.json", _data(n))
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(f"{n}.json" for n in range(60))
    for n in range(60):
        assert (tmp_path / "out" / f"{n}.json").read_bytes() == _data(n)
    atomic_write_bytes(tmp_path / "plain.json", b"{}")
    mode = stat.S_IMODE((tmp_path / "plain.json").stat().st_mode)
    assert {stat.S_IMODE(p.stat().st_mode) for p in (tmp_path / "out").iterdir()} == {mode}


def test_an_existing_file_is_refused_at_once_and_kept(tmp_path: Path) -> None:
    (tmp_path / "3.json").write_bytes(b"gold")
    with pytest.raises(FileExistsRefusal, match=r"3\.json"), WriteBehind() as writer:
        for n in range(6):
            writer.write(tmp_path / f"{n}.json", _data(n))
    assert (tmp_path / "3.json").read_bytes() == b"gold"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.json", "1.json", "2.json", "3.json"]
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_overwrite_replaces(tmp_path: Path) -> None:
    (tmp_path / "1.json").write_bytes(b"old")
    with WriteBehind(overwrite=True) as writer:
        writer.write(tmp_path / "1.json", b"new")
    assert (tmp_path / "1.json").read_bytes() == b"new"


def test_a_failed_write_is_raised_naming_its_file_and_leaves_no_temp_file(tmp_path: Path) -> None:
    """A target whose folder is a file cannot be written: the error reaches the caller by close()."""
    (tmp_path / "blocked").write_bytes(b"a file, not a folder")
    writer = WriteBehind()
    writer.write(tmp_path / "ok.json", b"1")
    writer.write(tmp_path / "blocked" / "x.json", b"2")
    with pytest.raises(OSError, match="blocked"):
        writer.close()
    assert (tmp_path / "ok.json").read_bytes() == b"1"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_failure_raised_by_write_drops_the_writes_not_yet_started(tmp_path: Path, monkeypatch) -> None:
    """Disk full on one file: the files queued behind it are not written (no gaps filled in later)."""
    from newsspan import files

    fail_now, second_started, release = threading.Event(), threading.Event(), threading.Event()
    real = files.atomic_write_bytes

    def faulty(path: Path, data: bytes, **options: object) -> None:  # the fault is injected, the writes are real
        if path.name == "full.json":
            fail_now.wait(5)
            raise OSError(errno.ENOSPC, "No space left on device", str(path))
        if path.name == "0.json":
            second_started.set()
            release.wait(5)
        real(path, data, **options)

    monkeypatch.setattr(files, "atomic_write_bytes", faulty)
    writer = WriteBehind(workers=1)
    writer.write(tmp_path / "full.json", b"x")
    for n in range(5):
        writer.write(tmp_path / f"{n}.json", _data(n))  # queued behind the failing write
    fail_now.set()
    assert second_started.wait(5)  # the failing write is done; 0.json is being written, 1-4 wait
    threading.Timer(0.3, release.set).start()
    with pytest.raises(OSError, match=r"full\.json"):
        writer.write(tmp_path / "last.json", b"z")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["0.json"]
