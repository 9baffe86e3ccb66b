"""One annotation: bytes -> parsed document, its seed's canonical text, and every problem.

The steps, each reporting what it finds: read and parse the JSON (``json-malformed``), check the
structure against the schema (``schema-*``), read the seed it names and check its pinned hash
(``seed-*``, ``text-hash-mismatch``), then run the rule table (:mod:`newsspan.validation.rules`).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .. import storage
from ..text import SeedDecodeError, canonical_text, text_sha256
from .problems import Problem
from .rules import Context, rule_problems
from .structure import schema_problems

#: Reads a seed by its name in ``/seed/file``: its bytes, or the error that prevented reading them.
SeedReader = Callable[[str], "bytes | OSError"]


def read_bytes(path: str | Path) -> bytes | OSError:
    """The bytes of a file (a local path or an fsspec URL, :mod:`newsspan.storage`), or the error that prevented
    reading it."""
    try:
        if storage.is_url(path):
            return storage.read_bytes(path)
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return exc


def seed_reader(seeds_dir: str | Path) -> SeedReader:
    """Reads seeds from a ``seeds/`` folder (joined as strings: pathlib costs ~10 us a file)."""
    folder = storage.location(seeds_dir)
    if storage.is_url(folder):
        return lambda name: read_bytes(f"{folder.rstrip('/')}/{name}")
    return lambda name: read_bytes(os.path.join(folder, name))


def unreadable(file: str, error: OSError) -> Problem:
    """The problem of an annotation file that cannot be read."""
    return Problem(file, "", "file-unreadable", f"expected a readable JSON file; found {error.strerror or error}")


def parse(file: str, data: bytes) -> tuple[Any, list[Problem]]:
    """The parsed JSON, or a ``json-malformed`` problem (never a traceback)."""
    try:
        return orjson.loads(data), []
    except orjson.JSONDecodeError as exc:
        return None, [Problem(file, "", "json-malformed",
                              f"expected well-formed JSON; found {exc.msg} at line {exc.lineno}, column {exc.colno}")]


def canonical_and_hash(data: bytes) -> tuple[str, str]:
    """The canonical text of seed bytes and its SHA-256 (raises :class:`SeedDecodeError`).

    Most seeds differ from their canonical text at most by ASCII whitespace at the end (no BOM, no
    CR): then the canonical text's UTF-8 encoding is a prefix of the bytes, hashed in place without
    re-encoding. Other seeds go through :func:`newsspan.text.canonical_text`.
    """
    try:
        decoded = data.decode("utf-8")
    except UnicodeDecodeError:
        canonical_text(data)  # raises SeedDecodeError with the byte offset and line
        raise
    canonical = decoded.rstrip()
    trailing = decoded[len(canonical):]
    if b"\r" in data or canonical[:1] == "\ufeff" or not trailing.isascii():
        canonical = canonical_text(data)
        return canonical, text_sha256(canonical)
    return canonical, hashlib.sha256(memoryview(data)[: len(data) - len(trailing)]).hexdigest()


def seed_problems(file: str, seeds_dir: str | Path, name: str, data: bytes | OSError,
                  pinned: Any) -> tuple[list[Problem], str | None]:
    """Problems of a seed's bytes (or of the error reading them), and its canonical text when it decodes."""
    if isinstance(data, bytes):
        try:
            text, actual = canonical_and_hash(data)
        except SeedDecodeError as exc:
            return [Problem(file, "/seed/file", "seed-not-utf8",
                            f"expected UTF-8 text in {Path(seeds_dir) / name}; found {exc}")], None
        if not isinstance(pinned, str) or pinned == actual:
            return [], text
        changed = Problem(file, "/seed/text_sha256", "text-hash-mismatch",
                          f"expected the canonical text of {(Path(seeds_dir) / name).name} to hash to {pinned}; "
                          f"found {actual} (the seed changed, or the annotation was made for another version of the "
                          "text)")
        return [changed], text
    path = Path(seeds_dir) / name
    if isinstance(data, FileNotFoundError):
        return [Problem(file, "/seed/file", "seed-missing", f"expected a seed file at {path}; found none")], None
    return [Problem(file, "/seed/file", "seed-missing",
                    f"expected a readable seed file at {path}; found {data.strerror}")], None


@dataclass
class Checked:
    """One annotation judged: the document and its canonical text (when they could be had), every problem,
    and the seed's name and bytes that were read."""

    doc: Any = None
    text: str | None = None
    problems: list[Problem] = field(default_factory=list)
    seed_file: str | None = None
    seed_data: bytes | None = None
    parsed: bool = False

    @property
    def ok(self) -> bool:
        """True when the annotation has no problem."""
        return not self.problems


def _seed_name(doc: Any) -> str | None:
    seed = doc.get("seed") if isinstance(doc, dict) else None
    name = seed.get("file") if isinstance(seed, dict) else None
    return name if isinstance(name, str) else None


def check_parsed(file: str, doc: Any, seeds_dir: str | Path, read_seed: SeedReader) -> Checked:
    """Every problem of a parsed annotation; the seed is read with ``read_seed`` (messages name ``seeds_dir``)."""
    problems = list(schema_problems(file, doc))
    checked = Checked(doc, parsed=True)
    name = _seed_name(doc)
    if name is not None:
        data = read_seed(name)
        found, checked.text = seed_problems(file, seeds_dir, name, data, doc["seed"].get("text_sha256"))
        problems += found
        if isinstance(data, bytes):
            checked.seed_file, checked.seed_data = name, data
    problems += rule_problems(doc, Context(file, os.path.basename(file), checked.text))
    checked.problems = sorted(set(problems), key=lambda p: (p.pointer, p.code, p.message))
    return checked


def check_bytes(file: str, data: bytes, seeds_dir: str | Path, read_seed: SeedReader) -> Checked:
    """Every problem of an annotation's bytes (see :func:`check_parsed`)."""
    doc, problems = parse(file, data)
    if problems:
        return Checked(problems=problems)
    return check_parsed(file, doc, seeds_dir, read_seed)


def document_problems(file: str, doc: Any, text: str) -> list[Problem]:
    """Structure and rules of a document held in memory with its canonical text (no files, no file name).

    The order is the rule table's (schema problems first); an importer maps the pointers to its source.
    """
    return [*schema_problems(file, doc), *rule_problems(doc, Context(file, None, text))]
