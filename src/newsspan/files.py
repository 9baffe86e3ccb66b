"""Safe file writing: atomic (temp file + rename) and never silently overwriting."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


class FileExistsRefusal(FileExistsError):
    """Raised instead of overwriting a file the caller did not ask to replace."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: Path, data: bytes, *, overwrite: bool = False) -> None:
    """Write ``data`` to ``path`` via a temp file in the same folder and an atomic rename.

    Refuses to replace an existing file unless ``overwrite`` is true.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise FileExistsRefusal(f"{path}: already exists; refusing to overwrite (use --force to replace it)")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(fd, 0o666 & ~_umask())  # mkstemp makes 0600; give the file normal permissions
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if overwrite:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)  # fails if path appeared meanwhile: no silent overwrite
            os.unlink(tmp)
    except FileExistsError:
        os.unlink(tmp)
        raise FileExistsRefusal(f"{path}: already exists; refusing to overwrite (use --force to replace it)") from None
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def atomic_write_text(path: Path, text: str, *, overwrite: bool = False) -> None:
    """Write UTF-8 ``text`` atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_bytes(path, text.encode("utf-8"), overwrite=overwrite)


def dump_json(obj: Any) -> str:
    """The repository's JSON style: 2-space indent, UTF-8 characters kept, trailing newline."""
    return json.dumps(obj, ensure_ascii=False, indent=2) + "\n"


def atomic_write_json(path: Path, obj: Any, *, overwrite: bool = False) -> None:
    """Write ``obj`` as JSON atomically (see :func:`atomic_write_bytes`)."""
    atomic_write_text(path, dump_json(obj), overwrite=overwrite)
