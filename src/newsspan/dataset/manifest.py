"""``SHA256SUMS`` of a dataset folder (``sha256sum -c`` format), and the marker of a newsspan build.

The manifest lists every file of the folder but itself and the marker :data:`~.features.MARKER`
(which says who wrote the folder, not what it holds).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from ..files import atomic_write_text
from .features import CARD_NAME, MANIFEST, MARKER

#: The marker's text: the same in every build, so two builds of the same inputs stay byte-identical.
MARKER_TEXT = ("This folder was written by `newsspan build`. `newsspan build --out` replaces only folders that "
               "hold this file.\n")
UNLISTED = (MANIFEST, MARKER)


def sha256_file(path: Path) -> str:
    """Lower-case hex SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def listed_files(folder: Path) -> list[str]:
    """Every file of the folder the manifest lists (all but the manifest and the marker), sorted."""
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.is_file() and p.relative_to(folder).as_posix() not in UNLISTED)


def write_marker(folder: Path) -> Path:
    """Mark ``folder`` as a newsspan build (written first, so even an interrupted build is recognised)."""
    path = folder / MARKER
    atomic_write_text(path, MARKER_TEXT)
    return path


def has_marker(folder: Path) -> bool:
    """Whether ``folder`` holds the marker of a newsspan build (a regular file, not a link)."""
    marker = folder / MARKER
    return marker.is_file() and not marker.is_symlink()


def is_build(folder: Path) -> bool:
    """Whether ``folder`` is a finished dataset folder newsspan wrote (marker, card and manifest)."""
    return has_marker(folder) and (folder / MANIFEST).is_file() and (folder / CARD_NAME).is_file()


def write_manifest(folder: Path) -> Path:
    """``SHA256SUMS`` (``sha256sum -c`` format) of every listed file of the folder."""
    path = folder / MANIFEST
    atomic_write_text(path, "".join(f"{sha256_file(folder / name)}  {name}\n" for name in listed_files(folder)))
    return path


def read_manifest(folder: Path) -> dict[str, str]:
    """File -> SHA-256 as ``SHA256SUMS`` lists them."""
    listed: dict[str, str] = {}
    for line in (folder / MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    return listed


def verify_manifest(folder: Path) -> list[tuple[str, str]]:
    """``(problem, file)`` for every file missing from, changed since, or not listed in ``SHA256SUMS``."""
    listed = read_manifest(folder)
    present = set(listed_files(folder))
    problems = [("missing", name) for name in sorted(set(listed) - present)]
    problems += [("unlisted", name) for name in sorted(present - set(listed))]
    problems += [("changed", name) for name in sorted(set(listed) & present)
                 if sha256_file(folder / name) != listed[name]]
    return problems
