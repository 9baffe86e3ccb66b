"""Reading input files safely: regular files only, a size limit checked before reading, seeds confined.

Every command reads annotation files and seeds through this module (via :class:`newsspan.corpus.Corpus`
and :mod:`newsspan.validation`), so the rules hold everywhere:

- only regular files are read: a FIFO, a device or a folder is refused without blocking (the file is
  opened non-blocking and checked with ``fstat`` before any byte is read);
- a file larger than the limit (:data:`DEFAULT_MAX_BYTES`, ``--max-bytes`` or ``$NEWSSPAN_MAX_BYTES``)
  is refused before reading;
- a seed is named by a plain file name (the schema's pattern for ``/seed/file``: no ``/``, no ``..``)
  and, when it is a symbolic link, its target must lie inside ``ROOT/seeds/``; anything else is never
  opened.

A run over many files of a corpus (``validate``) reads them with a :class:`FolderReader`: each folder is
checked once and kept open, and its files are opened in it, with the same refusals and messages.

A refusal is a :class:`ReadRefused` (an ``OSError``, so callers that handle unreadable files handle it)
carrying the stable problem code that names it.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from functools import cache, lru_cache

from .storage import filesystem, is_url, location

DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Environment variable overriding the size limit (the CLI's ``--max-bytes`` sets it for every command).
MAX_BYTES_ENV = "NEWSSPAN_MAX_BYTES"

_FLAGS = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NOCTTY", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class ReadRefused(OSError):
    """A file newsspan will not read; ``code`` is its problem code, ``reason`` says why (for messages)."""

    def __init__(self, code: str, reason: str, path: str):
        super().__init__(errno.EPERM, reason, path)
        self.code = code
        self.reason = reason

    def __str__(self) -> str:
        return f"{self.reason}: {self.filename}"


def max_bytes() -> int:
    """The size limit in force: ``$NEWSSPAN_MAX_BYTES`` when set to a positive integer, else 64 MiB."""
    value = os.environ.get(MAX_BYTES_ENV, "")
    return int(value) if value.isdigit() and int(value) > 0 else DEFAULT_MAX_BYTES


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def read_regular(path: str, limit: int | None = None, *, follow: bool = True, dir_fd: int | None = None) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes (default :func:`max_bytes`); ``dir_fd``: ``path``
    is a name in that open folder.

    Raises :class:`ReadRefused` (``file-not-regular``, ``file-too-large``) or the ``OSError`` of the
    system (FileNotFoundError, PermissionError, ELOOP for a symbolic link when ``follow`` is false).
    """
    limit = max_bytes() if limit is None else limit
    if dir_fd is None and is_url(path):
        return _read_url(path, limit)
    fd = os.open(path, _FLAGS | (0 if follow else _NOFOLLOW), dir_fd=dir_fd)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise ReadRefused("file-not-regular", f"expected a regular file; found {_kind(info.st_mode)}", path)
        if info.st_size > limit:
            raise ReadRefused("file-too-large", f"expected at most {limit:,} bytes (--max-bytes); found "
                                                f"{info.st_size:,} bytes", path)
        chunks = [os.read(fd, info.st_size + 1)]
        total = len(chunks[0])
        if total == info.st_size:  # all the bytes fstat counted, and no more: no second read to see the end
            return chunks[0]
        while total <= limit and (chunk := os.read(fd, max(info.st_size + 1 - total, 1 << 16))):
            chunks.append(chunk)
            total += len(chunk)
        if total > limit:  # it grew while being read
            raise ReadRefused("file-too-large", f"expected at most {limit:,} bytes (--max-bytes); found more", path)
        return b"".join(chunks)
    finally:
        os.close(fd)


def _read_url(url: str, limit: int | None) -> bytes:
    """The bytes of a file on an fsspec file system, refused before reading when it is no file or too large."""
    limit = max_bytes() if limit is None else limit
    fs, inner = filesystem(url)
    info = fs.info(inner)  # FileNotFoundError when absent
    if info.get("type") != "file":
        raise ReadRefused("file-not-regular", f"expected a regular file; found {info.get('type') or 'no file'}", url)
    if (info.get("size") or 0) > limit:
        raise ReadRefused("file-too-large", f"expected at most {limit:,} bytes (--max-bytes); found "
                                            f"{info['size']:,} bytes", url)
    return fs.cat_file(inner)


def _inside(path: str, folder: str) -> bool:
    return path == folder or path.startswith(folder.rstrip(os.sep) + os.sep)


def _real(folder: str) -> str:
    """The real path of a folder; cached by its identity, so a folder later replaced by a link is resolved anew."""
    try:
        info = os.stat(folder)
    except OSError:
        return os.path.realpath(folder)
    return _real_of(folder, info.st_dev, info.st_ino)


@lru_cache(maxsize=256)
def _real_of(folder: str, device: int, inode: int) -> str:
    return os.path.realpath(folder)


def read_in_root(path: str, root: str | os.PathLike[str] | None, limit: int | None = None, *,
                 strict: bool = False) -> bytes:
    """The bytes of an annotation file (as :func:`read_regular`), confined to the corpus ``root``.

    A file whose path lies inside ``root`` is read only if its real location does too: a symbolic link
    (of the file, or of a folder on its way) leading out of the root is refused (``file-outside``)
    without being opened. A file named outside the root (on the command line, by the user) is read as
    named, unless ``strict`` (a name taken from a file, say): then it is refused too. Costs nothing for a
    plain file: the link is only resolved when ``O_NOFOLLOW`` refuses it.
    """
    if root is None or is_url(path) or is_url(str(root)):
        return read_regular(path, limit)
    absolute, top = os.path.abspath(path), os.path.abspath(root)
    if not _inside(absolute, top):
        if strict:
            raise ReadRefused("file-outside", f"expected a file inside {root}; found a path leading out of it "
                                              "(not read)", path)
        return read_regular(path, limit)
    real_top = _real(top)
    if not _inside(_real(os.path.dirname(absolute)), real_top):
        raise ReadRefused("file-outside", f"expected a file inside {root}; found a folder on its path that is a "
                                          "symbolic link leading out of it (not read)", path)
    return _read_confined(path, top, limit, "file-outside", f"expected a file inside {root}")


class FolderReader:
    """Reads files confined to a corpus root for one run (as :func:`read_in_root`), checking each folder once.

    The first file of a folder inside the root opens the folder and checks that its real location lies in the
    root; the folder is kept open (at most ``keep`` folders) and its files are opened by name in it without
    following a link. A folder swapped for a link later in the run is then never followed: its files are read
    from the folder that was checked. Anything else (a file named outside the root, a link, an error, a URL, a
    system that cannot open relative to a folder) is read by :func:`read_in_root`, with its checks and messages.
    Use it as a context manager (or :meth:`close` it): the folders stay open until then.
    """

    def __init__(self, root: str | os.PathLike[str], limit: int | None = None, keep: int = 64):
        self.root, self.limit, self.keep = root, limit, keep
        local = _DIR_FD and not is_url(str(root))
        self._top = os.path.abspath(root) if local else None  # None: every file the long way
        self._folders: dict[str, int] = {}  # folder -> open descriptor, or -1: read the long way

    def read(self, path: str) -> bytes:
        """The bytes of ``path`` (raises as :func:`read_in_root`)."""
        top = self._top
        if top is None or is_url(path):
            return read_in_root(path, self.root, self.limit)
        folder, name = os.path.split(os.path.abspath(path))
        fd = self._folders.get(folder)
        if fd is None:
            fd = self._open(folder, top)
        if fd >= 0:
            try:
                return read_regular(name, self.limit, follow=False, dir_fd=fd)
            except OSError:
                pass  # a link, a refusal, a failure: judged and worded by read_in_root
        return read_in_root(path, self.root, self.limit)

    def _open(self, folder: str, top: str) -> int:
        fd = _open_inside(folder, _real(top)) if _inside(folder, top) else -1
        if len(self._folders) >= self.keep:
            oldest = self._folders.pop(next(iter(self._folders)))
            if oldest >= 0:
                os.close(oldest)
        self._folders[folder] = fd
        return fd

    def close(self) -> None:
        """Close the folders kept open."""
        for fd in self._folders.values():
            if fd >= 0:
                os.close(fd)
        self._folders.clear()

    def __enter__(self) -> FolderReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


_DIR_FD = os.open in os.supports_dir_fd and hasattr(os, "O_DIRECTORY")


def _open_inside(folder: str, real_top: str) -> int:
    """An open descriptor of ``folder`` when it really lies in ``real_top`` (checked after opening: the folder
    opened is the one found at its real path), else -1."""
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return -1
    try:
        real = os.path.realpath(folder)
        opened, found = os.fstat(fd), os.stat(real)
        if _inside(real, real_top) and (opened.st_dev, opened.st_ino) == (found.st_dev, found.st_ino):
            return fd
    except OSError:
        pass
    os.close(fd)
    return -1


def _read_confined(path: str, folder: str, limit: int | None, code: str, expected: str) -> bytes:
    """The bytes of ``path``; when it is a symbolic link, of its target, if that lies in ``folder`` (resolved;
    else :class:`ReadRefused` with ``code`` and ``expected``). A plain file costs one ``open``: the link is
    resolved only when ``O_NOFOLLOW`` refuses it."""
    try:
        return read_regular(path, limit, follow=False)
    except OSError as exc:
        if exc.errno not in (errno.ELOOP, errno.EMLINK) or isinstance(exc, ReadRefused):
            raise
    target = os.path.realpath(path)
    if not _inside(target, _real(folder)):
        raise ReadRefused(code, f"{expected}; found a symbolic link leading out of it (not read)", path)
    return read_regular(target, limit)


@cache
def _seed_name() -> re.Pattern[str]:
    from .schema import load_schema

    return re.compile(load_schema()["properties"]["seed"]["properties"]["file"]["pattern"])


def seed_name_ok(name: str) -> bool:
    """Whether ``name`` is a seed file name the schema allows (a plain name: no folder, no ``..``)."""
    return _seed_name().fullmatch(name) is not None


def read_seed(seeds_dir: str, name: str, limit: int | None = None) -> bytes:
    """The bytes of seed ``name`` in ``seeds_dir``, read only if it is confined there (see the module doc).

    Raises :class:`ReadRefused` (``seed-outside``, ``file-not-regular``, ``file-too-large``) or the system's
    ``OSError`` (FileNotFoundError when it does not exist).
    """
    url = is_url(seeds_dir)  # an object store has no links: the name check confines the read
    path = f"{location(seeds_dir).rstrip('/')}/{name}" if url else os.path.join(seeds_dir, name)
    if not seed_name_ok(name):
        raise ReadRefused("seed-outside", "expected a plain file name inside seeds/; found a name the schema "
                                          "does not allow (not read)", path)
    if url:
        return _read_url(path, limit)
    return _read_confined(path, seeds_dir, limit, "seed-outside", "expected a file inside seeds/")
