"""Safe file writing: atomic (temp file + rename) and never silently overwriting."""

from __future__ import annotations

import errno
import json
import os
import re
import sys
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

#: errno values that mean "no room to write" (disk full, quota, RLIMIT_FSIZE).
NO_SPACE = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG})


class FileExistsRefusal(FileExistsError):
    """Raised instead of overwriting a file the caller did not ask to replace."""


def _read_umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


#: The process umask, read once at import (reading it means setting it, which is not thread-safe).
UMASK = _read_umask()


def _refusal(path: Path) -> FileExistsRefusal:
    return FileExistsRefusal(f"{path}: already exists; refusing to overwrite (use --force to replace it)")


def atomic_write_bytes(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and an atomic rename.

    Refuses to replace an existing file unless ``overwrite`` is true. Readers never see a
    half-written file; a crash leaves at most a hidden temp file behind (see :func:`temp_name`),
    which the next write into that folder removes.
    """
    atomic_write_many({Path(path): data}, overwrite=overwrite)


def atomic_write_many(files: Mapping[Path, bytes], *, overwrite: bool = False) -> None:
    """Write several files all or nothing: every temp file is written and synced, then all are moved into place.

    A write that fails (disk full, size limit) leaves none of them: the temp files are removed before the
    error is raised. Without ``overwrite``, nothing is written when any target exists, and a target that
    appears meanwhile undoes the files this call already placed. A kill during the final moves leaves the
    first files in place: order ``files`` so that a prefix is consistent (a seed before its annotation).
    """
    paths = [Path(p) for p in files]
    if not overwrite and (existing := [p for p in paths if os.path.lexists(p)]):
        raise _refusal(existing[0])
    temps: list[str] = []
    placed: list[Path] = []
    try:
        for path, data in zip(paths, files.values(), strict=True):
            with naming(path):
                temps.append(_write_temp(path, data))
        for path, tmp in zip(paths, temps, strict=True):
            with naming(path):
                _publish(tmp, path, overwrite=overwrite)
            placed.append(path)
    except BaseException:
        if not overwrite:  # the files placed were new: take them back
            for path in placed:
                path.unlink(missing_ok=True)
        raise
    finally:
        for tmp in temps:
            with suppress(FileNotFoundError):  # gone once renamed into place (a link leaves it)
                os.unlink(tmp)


@contextmanager
def naming(path: Path | str) -> Iterator[None]:
    """An ``OSError`` raised inside without a file name (ENOSPC or EFBIG from a write, pyarrow's I/O errors)
    is re-raised naming ``path``, so the message can say which file could not be written."""
    try:
        yield
    except FileExistsRefusal:
        raise
    except OSError as exc:
        if exc.filename is not None:
            raise
        raise OSError(exc.errno, exc.strerror or str(exc), str(path)) from exc


#: Temp files of atomic writes: ``.<name>.<pid>-<random>.tmp`` (hidden, never ``*.json``: no reader takes them).
TEMP_PATTERN = re.compile(r"^\..+\.(?P<pid>[0-9]+)-[A-Za-z0-9_]+\.tmp$")
_swept: set[str] = set()


def temp_name(path: Path) -> str:
    """The prefix of the temp files of ``path`` written by this process (its pid: a dead writer is recognised)."""
    return f".{path.name}.{os.getpid()}-"


def process_alive(pid: int) -> bool:
    """Whether a process ``pid`` exists on this machine (one of another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


#: ``renameat2`` flag: swap two paths in one step (Linux 3.15+, glibc 2.28+; ext4, xfs, btrfs, tmpfs, ...).
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100
#: What ``renameat2`` answers when the kernel, the C library or the file system cannot exchange.
_NO_EXCHANGE = frozenset({errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV})


def _libc_function(name: str) -> Any:
    """The C library's function ``name`` (errno kept for ``ctypes.get_errno``), or None where there is none."""
    import ctypes

    try:
        return getattr(ctypes.CDLL(None, use_errno=True), name)
    except (AttributeError, OSError):
        return None


def exchange(first: Path, second: Path) -> bool:
    """Swap two existing paths atomically (``renameat2(RENAME_EXCHANGE)``): at every instant each name holds one
    of the two. False, with nothing changed, where the system cannot (not Linux, an old C library or kernel, a
    file system without it); other failures raise :class:`OSError`."""
    import ctypes

    renameat2 = _libc_function("renameat2")
    if renameat2 is None:
        return False
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in _NO_EXCHANGE:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def remove_stale_temps(folder: Path) -> list[Path]:
    """Remove the temp files in ``folder`` left by writers that were killed (their process is gone).

    Only files named like this module's temp files are touched, and only once per folder and process.
    """
    key = os.path.abspath(folder)
    if key in _swept:
        return []
    _swept.add(key)
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        match = TEMP_PATTERN.match(entry.name)
        if match and entry.is_file(follow_symlinks=False) and not process_alive(int(match["pid"])):
            try:
                os.unlink(entry.path)
            except FileNotFoundError:  # another process removed it first
                continue
            removed.append(Path(entry.path))
    return removed


def _write_temp(path: Path, data: bytes) -> str:
    """A synced temp file holding ``data`` next to ``path`` (its folder made if missing); returns its name.

    Stale temp files of the folder are removed first (:func:`remove_stale_temps`).
    """
    fd, tmp = _write_unsynced(path, data)
    try:
        os.fsync(fd)
    except BaseException:
        os.unlink(tmp)
        raise
    finally:
        os.close(fd)
    return tmp


def _create_temp(path: Path) -> tuple[int, str]:
    """A new, empty temp file for ``path`` (``<folder>/<temp_name(path)><random>.tmp``, mode 0600), open for writing."""
    return tempfile.mkstemp(dir=path.parent, prefix=temp_name(path), suffix=".tmp")


def _publish(tmp: str, path: Path, *, overwrite: bool) -> None:
    """Move the temp file ``tmp`` to ``path`` (replacing it only with ``overwrite``)."""
    if overwrite:
        os.replace(tmp, path)
    else:
        _publish_new(tmp, path)


def _publish_new(tmp: str, path: Path) -> None:
    """Move ``tmp`` to ``path`` unless ``path`` appeared meanwhile (no silent overwrite)."""
    try:
        os.link(tmp, path)  # atomic and fails if path exists
    except FileExistsError:
        raise _refusal(path) from None
    except OSError:  # a file system without hard links: claim the name exclusively, then replace it
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666 & ~UMASK))
        except FileExistsError:
            raise _refusal(path) from None
        os.replace(tmp, path)


class BatchWriter:
    """Atomic writes synced in batches (group commit): each file keeps the guarantees of
    :func:`atomic_write_bytes` (complete and synced before it is visible, never replacing a file without
    ``overwrite``), at a fraction of the cost of one sync per file.

    :meth:`write` refuses an existing target at once and writes the file's temp file (unsynced); every ``batch``
    files, and at :meth:`close`, the waiting temp files are synced together (their file system is synced once,
    :func:`sync_file_systems`, then each file is), and then moved into place in the order given. So at
    most ``batch`` files are written but not yet visible. A write that fails (disk full...) raises at once, naming
    its file; a sync or move that fails raises, naming its file, after the files before it are placed, and that
    file and the rest of its batch are dropped (their temp files removed). When the caller fails inside the
    ``with`` block, the files it gave before are placed and its error is raised. A kill leaves at most temp files,
    which the next write into the folder removes (:func:`remove_stale_temps`). Use it as a context manager::

        with BatchWriter() as writer:
            for path, data in files:
                writer.write(path, data)
    """

    def __init__(self, *, overwrite: bool = False, batch: int = 64):
        self.overwrite, self.batch = overwrite, batch
        self._waiting: list[tuple[int, str, Path]] = []  # (open descriptor, temp file, target) not yet synced

    def write(self, path: Path, data: bytes) -> None:
        """Write ``data`` for ``path`` (refused now if ``path`` exists and ``overwrite`` is false); it is visible
        once its batch is synced."""
        path = Path(path)
        if not self.overwrite and os.path.lexists(path):
            raise _refusal(path)
        with naming(path):
            fd, tmp = _write_unsynced(path, data)
        self._waiting.append((fd, tmp, path))
        if len(self._waiting) >= self.batch:
            self.flush()

    def flush(self) -> None:
        """Sync the waiting files and move them into place, in order; a file that cannot be synced or placed is
        raised, and it and the files after it are dropped."""
        waiting, self._waiting = self._waiting, []
        try:
            sync_file_systems([fd for fd, _, _ in waiting])
            for fd, tmp, path in waiting:
                with naming(path):
                    os.fsync(fd)
                    _publish(tmp, path, overwrite=self.overwrite)
        finally:
            for fd, tmp, _ in waiting:  # each on its own: one failing close cannot leave the others open
                with suppress(OSError):  # a sync error is fsync's to report, and it did (or the file was placed)
                    os.close(fd)
                with suppress(OSError):  # a placed file's temp name (a link leaves it), or a dropped file
                    os.unlink(tmp)

    def close(self) -> None:
        """Sync and place every file still waiting."""
        self.flush()

    def __enter__(self) -> BatchWriter:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: object) -> None:
        if kind is None:
            self.close()
            return
        try:  # the caller failed: the files it gave are placed, and its error is the one raised
            self.close()
        except OSError as failed:
            if error is not None:
                error.add_note(f"and placing the files written before failed: {failed}")


def _write_unsynced(path: Path, data: bytes) -> tuple[int, str]:
    """A temp file holding ``data`` next to ``path`` (its folder made if missing; stale temp files of the folder
    removed first, :func:`remove_stale_temps`), not yet synced: its open descriptor and name. Nothing is left when
    the write fails."""
    remove_stale_temps(path.parent)
    try:
        fd, tmp = _create_temp(path)
    except FileNotFoundError:  # no folder yet
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = _create_temp(path)
    try:
        os.fchmod(fd, 0o666 & ~UMASK)  # mkstemp makes 0600; give the file the usual permissions
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    except BaseException:
        os.close(fd)
        os.unlink(tmp)
        raise
    return fd, tmp


#: Linux's ``syncfs`` (write all of a file system's dirty data and metadata to disk, and wait), or None.
_SYNCFS = _libc_function("syncfs") if sys.platform.startswith("linux") else None


def sync_file_systems(fds: list[int]) -> None:
    """Write the dirty data of the file systems holding ``fds`` to disk at once, one ``syncfs`` each (Linux;
    elsewhere nothing), so that the ``fsync`` of each file that follows finds it written: a batch of files costs a
    few journal commits, not one each. A hint: errors are left to each file's ``fsync`` to report."""
    if _SYNCFS is None:
        return
    devices = {}
    for fd in fds:
        devices.setdefault(os.fstat(fd).st_dev, fd)
    for fd in devices.values():
        _SYNCFS(fd)


def atomic_write_text(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write UTF-8 ``text`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def dump_json(obj: Any) -> str:
    """The repository's JSON style: 2-space indent, UTF-8 characters kept, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def atomic_write_json(path: Path, obj: Any, *, overwrite: bool = False) -> None:
    """Write ``obj`` as JSON atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_text(path, dump_json(obj), overwrite=overwrite)


def _orjson_safe(obj: Any) -> bool:
    """True when orjson writes ``obj`` exactly as :func:`dump_json` does: no float in exponent form below
    1e-4 (orjson writes ``1e-7``, json ``1e-07``), no NaN or infinity, string keys only."""
    if isinstance(obj, float):
        return obj == obj and abs(obj) != float("inf") and (obj == 0 or abs(obj) >= 1e-4)
    if isinstance(obj, dict):
        return all(isinstance(k, str) and _orjson_safe(v) for k, v in obj.items())
    if isinstance(obj, (list, tuple)):
        return all(_orjson_safe(v) for v in obj)
    return True


def dump_json_bytes(obj: Any, *, checked: Any = None) -> bytes:
    """:func:`dump_json` as UTF-8 bytes, ten times faster (orjson), byte for byte the same output.

    ``checked`` is the part of ``obj`` that may hold values orjson writes differently (floats in exponent
    form, NaN, non-string keys); it is inspected first and the standard library writes ``obj`` when it does.
    Without ``checked``, all of ``obj`` is inspected. Values orjson refuses (lone surrogates, integers
    beyond 64 bits) fall back to the standard library too.
    """
    import orjson

    if _orjson_safe(obj if checked is None else checked):
        try:
            return orjson.dumps(obj, option=orjson.OPT_INDENT_2) + b"\n"
        except TypeError:
            pass
    return dump_json(obj).encode("utf-8")
