"""A ``sitecustomize`` for fault-injection tests: the real ``newsspan`` process kills itself with SIGKILL
right after its N-th write step (no hook in newsspan's code, no mock of what is tested).

The tests copy this file as ``sitecustomize.py`` into a folder put first on ``PYTHONPATH`` of a child
process; Python imports it at start-up. It wraps the ``os`` functions every write goes through
(``os.open`` for writing -- ``tempfile.mkstemp`` and ``Path.touch`` use it --, ``open``/``io.open`` in a
write mode, ``fsync``, ``link``, ``rename``, ``replace``, ``unlink``, ``mkdir``, ``rmdir``) and counts the calls
on paths under ``$NEWSSPAN_FAULT_UNDER``:

- ``NEWSSPAN_FAULT_LOG``: a file that gets one line per write step, ``kind<TAB>path`` (the trace of a run);
- ``NEWSSPAN_FAULT_KILL_AT``: N; after the N-th counted step has completed, the process sends itself SIGKILL
  (what ``kill -9`` or a power cut does: no ``finally``, no ``atexit``);
- ``NEWSSPAN_FAULT_MATCH``: a regular expression; only steps whose ``kind path`` line matches it are counted;
- ``NEWSSPAN_FAULT_NO_EXCHANGE``: when set, the C library's ``renameat2`` is not found through ``ctypes`` (as
  on a system without it), so a caller takes its fallback.

``renameat2`` (an atomic exchange of two paths) is called through ``ctypes``: the hook wraps ``ctypes.CDLL``'s
``renameat2`` too and logs a successful call as an ``exchange`` step.

Pyarrow's own C++ writes are not seen (its files are written to a temp name and renamed in Python: the
rename is).
"""

from __future__ import annotations

import builtins
import ctypes
import io
import os
import re
import signal
from collections.abc import Callable
from typing import Any

UNDER = os.environ.get("NEWSSPAN_FAULT_UNDER", "")
LOG = os.environ.get("NEWSSPAN_FAULT_LOG")
KILL_AT = int(os.environ.get("NEWSSPAN_FAULT_KILL_AT", "0") or 0)
MATCH = re.compile(os.environ.get("NEWSSPAN_FAULT_MATCH", ""))
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
_real_open = builtins.open
_counted = 0
_fd_paths: dict[int, str] = {}


def _full(path: Any, dir_fd: int | None = None) -> str | None:
    """The absolute path of a path argument (relative to ``dir_fd`` if given), or None for a descriptor."""
    if isinstance(path, int):
        return None
    path = os.fsdecode(path)
    if dir_fd is not None:
        path = os.path.join(os.readlink(f"/proc/self/fd/{dir_fd}"), path)
    return os.path.abspath(path)


def _step(kind: str, path: str | None, target: str | None = None) -> None:
    """Record one write step on ``path``; kill the process when it is the chosen one."""
    global _counted
    if not UNDER or path is None or not path.startswith(UNDER):
        return
    line = f"{kind}\t{path}" + (f" -> {target}" if target else "")
    if LOG:
        with _real_open(LOG, "a", encoding="utf-8") as log:
            log.write(line + "\n")
    if MATCH.search(line.replace("\t", " ")):
        _counted += 1
        if _counted == KILL_AT:
            os.kill(os.getpid(), signal.SIGKILL)


def _wrap(name: str, make: Callable[[Callable[..., Any]], Callable[..., Any]]) -> None:
    real = getattr(os, name)
    hooked = make(real)
    setattr(os, name, hooked)
    for supported in (os.supports_dir_fd, os.supports_fd, os.supports_follow_symlinks):
        if real in supported:  # shutil.rmtree keeps using its descriptor-based variant
            supported.add(hooked)


def _path_step(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def make(real: Callable[..., Any]) -> Callable[..., Any]:
        def hooked(path: Any, *args: Any, **kwargs: Any) -> Any:
            result = real(path, *args, **kwargs)
            _step(kind, _full(path, kwargs.get("dir_fd")))
            return result
        return hooked
    return make


def _move_step(kind: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def make(real: Callable[..., Any]) -> Callable[..., Any]:
        def hooked(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            result = real(src, dst, *args, **kwargs)
            _step(kind, _full(src, kwargs.get("src_dir_fd")), _full(dst, kwargs.get("dst_dir_fd")))
            return result
        return hooked
    return make


def _os_open(real: Callable[..., Any]) -> Callable[..., Any]:
    def hooked(path: Any, flags: int, *args: Any, **kwargs: Any) -> Any:
        fd = real(path, flags, *args, **kwargs)
        if flags & WRITE_FLAGS:
            full = _full(path, kwargs.get("dir_fd"))
            if full is not None:
                _fd_paths[fd] = full
            _step("create", full)
        return fd
    return hooked


def _fsync(real: Callable[..., Any]) -> Callable[..., Any]:
    def hooked(fd: Any, *args: Any, **kwargs: Any) -> Any:
        result = real(fd, *args, **kwargs)
        number = fd if isinstance(fd, int) else fd.fileno()
        _step("fsync", _fd_paths.get(number))
        return result
    return hooked


def _open(real: Callable[..., Any]) -> Callable[..., Any]:
    def hooked(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        handle = real(file, mode, *args, **kwargs)
        if not isinstance(file, int) and any(c in mode for c in "wax+"):
            _step("create", _full(file))
        return handle
    return hooked


_wrap("open", _os_open)
_wrap("fsync", _fsync)
for _name in ("unlink", "remove", "mkdir", "rmdir"):
    _wrap(_name, _path_step(_name.replace("remove", "unlink")))
for _name in ("link", "rename", "replace"):
    _wrap(_name, _move_step(_name))
builtins.open = io.open = _open(builtins.open)


class _HookedCDLL(ctypes.CDLL):
    """``ctypes.CDLL`` whose ``renameat2`` is counted as an ``exchange`` step (or missing: NO_EXCHANGE)."""

    def __getattr__(self, name: str) -> Any:
        if name != "renameat2":
            return super().__getattr__(name)
        if os.environ.get("NEWSSPAN_FAULT_NO_EXCHANGE"):
            raise AttributeError(name)
        real = super().__getattr__(name)

        def renameat2(old_dir: int, old: bytes, new_dir: int, new: bytes, flags: int) -> int:
            result = real(old_dir, old, new_dir, new, flags)
            if result == 0:
                _step("exchange", _full(old), _full(new))
            return result
        return renameat2


ctypes.CDLL = _HookedCDLL  # type: ignore[misc]
