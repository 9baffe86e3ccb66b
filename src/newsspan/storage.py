"""Where files live: local paths (the fast path: plain ``open``/``os.scandir``) or fsspec URLs (``s3://``,
``gs://``, ``hf://``, ``memory://``, ``file://``; a cluster's workers share no local disk).

A location is a string. ``pathlib.Path`` folds a URL's ``//`` (``Path("s3://b/k")`` is ``s3:/b/k``), so
paths that went through a ``Path`` (``--root`` options, ``Corpus.root``) are unfolded by :func:`location`.
fsspec is imported only for URLs (extra ``[scale]``; the s3/gs/hf file systems need their own packages).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

#: ``scheme:/`` or ``scheme://`` at the start (a drive letter such as ``C:/`` has one letter, not a scheme).
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]+):/+")


def location(path: str | Path) -> str:
    """``path`` as a string, with a URL's ``//`` restored if a ``Path`` folded it (``file:`` keeps its ``///``)."""
    text = str(path)
    if ":/" not in text:  # the local fast path
        return text
    found = _SCHEME.match(text)
    if found is None:
        return text
    scheme, rest = found.group(1), text[found.end():]
    return f"file:///{rest}" if scheme == "file" else f"{scheme}://{rest}"


def is_url(path: str | Path) -> bool:
    """Whether ``path`` names a location on an fsspec file system rather than a local path."""
    text = str(path)
    return ":/" in text and _SCHEME.match(text) is not None


def filesystem(url: str) -> tuple[Any, str]:
    """The fsspec file system of ``url`` and the path inside it."""
    from fsspec.core import url_to_fs

    return url_to_fs(location(url))


def read_bytes(url: str | Path) -> bytes:
    """The bytes at ``url`` (raises ``OSError``, e.g. ``FileNotFoundError``, as ``open`` does)."""
    fs, path = filesystem(str(url))
    return fs.cat_file(path)


def read_file(path: str | Path) -> bytes:
    """The bytes of a local file or of a URL (raises ``OSError``)."""
    return read_bytes(path) if is_url(path) else Path(path).read_bytes()


def is_file(path: str | Path) -> bool:
    """Whether ``path`` (a local path or a URL) is a file."""
    if not is_url(path):
        return Path(path).is_file()
    fs, inner = filesystem(str(path))
    return fs.isfile(inner)


def is_dir(url: str | Path) -> bool:
    """Whether ``url`` is a folder (for object stores: a prefix holding objects)."""
    fs, path = filesystem(str(url))
    return fs.isdir(path)


def json_files(folder: str | Path) -> list[str]:
    """The ``*.json`` files directly in ``folder``, sorted by name, as URLs (none if it does not exist)."""
    url = location(folder).rstrip("/")
    fs, path = filesystem(url)
    if not fs.isdir(path):
        return []
    names = sorted(name.rsplit("/", 1)[-1] for name in fs.ls(path, detail=False))
    return [f"{url}/{name}" for name in names if name.endswith(".json")]
