"""A finished build moved to an fsspec URL (``--out s3://bucket/newsspan``, ``memory://``, ``file://``).

The rules of :mod:`.target` hold on the remote file system too: only a folder newsspan built (it holds
the marker) is replaced, and one holding files its manifest does not list only with ``force``. The
build is completed locally first, uploaded next to ``out`` and then moved into place, so a failed
upload leaves ``out`` as it was (on object stores the final move copies: it is not atomic there).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from .. import storage
from .features import MANIFEST, MARKER
from .manifest import UNLISTED
from .target import BuildError


def check_remote_out(url: str, *, force: bool = False) -> None:
    """Raise :class:`BuildError` unless a build may be written to ``url`` (as :func:`.target.check_out`)."""
    fs, path = storage.filesystem(url)
    if not fs.exists(path):
        return
    if not fs.isdir(path):
        raise BuildError(f"{url}: exists and is not a directory; refusing to replace it")
    present = _files(fs, path)
    if not present:
        return
    if MARKER not in present:
        raise BuildError(f"{url}: exists and is not a folder newsspan built (it has no {MARKER} marker); refusing "
                         "to replace it (choose another --out; --force does not override this)")
    listed = set(UNLISTED)
    if MANIFEST in present:
        text = fs.cat_file(f"{path}/{MANIFEST}").decode("utf-8", errors="replace")
        listed |= {line.partition("  ")[2] for line in text.splitlines()}
    foreign = sorted(set(present) - listed)
    if foreign and not force:
        raise BuildError(f"{url}: is a newsspan build but holds files the build did not write "
                         f"({', '.join(foreign[:5])}); refusing to replace it (use --force to replace it anyway)")


def _files(fs: Any, path: str) -> list[str]:
    """Every file under ``path``, relative to it, with ``/``."""
    prefix = path.rstrip("/") + "/"
    return sorted(name[len(prefix):] if name.startswith(prefix) else name
                  for name in fs.find(path) if name.rstrip("/") != path.rstrip("/"))


def upload_folder(folder: Path, url: str) -> None:
    """Upload the finished build in ``folder`` next to ``url``, then move it into place (replacing a former build)."""
    fs, path = storage.filesystem(url)
    temporary, old = f"{path}.build-{os.getpid()}", f"{path}.old-{os.getpid()}"
    try:
        for file in sorted(p for p in folder.rglob("*") if p.is_file()):
            target = f"{temporary}/{file.relative_to(folder).as_posix()}"
            fs.makedirs(target.rsplit("/", 1)[0], exist_ok=True)
            fs.put_file(str(file), target)
        if fs.exists(path):
            fs.mv(path, old, recursive=True)
        fs.mv(temporary, path, recursive=True)
    except OSError as exc:
        if fs.exists(old) and not fs.exists(path):  # put the former build back
            fs.mv(old, path, recursive=True)
        raise BuildError(f"{url}: uploading the build failed ({exc.strerror or exc}); nothing was changed in "
                         f"{url}") from None
    finally:
        if fs.exists(temporary):
            fs.rm(temporary, recursive=True)
    if fs.exists(old):
        fs.rm(old, recursive=True)
