"""One annotation: bytes -> parsed document, its seed's canonical text, and every problem.

The steps, each reporting what it finds: read and parse the JSON (``json-malformed``), check the
structure against the schema (``schema-*``), read the seed it names and check its pinned hash
(``seed-*``, ``text-hash-mismatch``), then run the rule table (:mod:`newsspan.validation.rules`).
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..reading import FolderReader, ReadRefused, read_in_root, read_seed
from ..text import SeedDecodeError, canonical_text, text_sha256
from .problems import Problem, pointer, pointer_parts
from .rules import Context, rule_problems
from .speedups import speedups
from .structure import is_valid, schema_problems

#: Reads a seed by its name in ``/seed/file``: its bytes, or the error that prevented reading them.
SeedReader = Callable[[str], "bytes | OSError"]

#: JSON nested deeper than this is refused (a schema-valid document is about 6 levels deep).
MAX_DEPTH = 64


def read_bytes(path: str | Path, limit: int | None = None, root: str | Path | None = None,
               files: FolderReader | None = None) -> bytes | OSError:
    """The bytes of a regular file of at most ``limit`` bytes, or the error that prevented reading it.

    With ``root`` (the corpus root), a file inside it is read only if it really lies there
    (:func:`newsspan.reading.read_in_root`: a symbolic link leading out is ``file-outside``); ``files``: a run's
    reader of that root's files (:class:`newsspan.reading.FolderReader`, the same checks, each folder once).
    """
    try:
        return files.read(str(path)) if files is not None else read_in_root(str(path), root, limit)
    except OSError as exc:
        return exc


def seed_reader(seeds_dir: str | Path, limit: int | None = None) -> SeedReader:
    """Reads seeds confined to a ``seeds/`` folder (:func:`newsspan.reading.read_seed`)."""
    folder = str(seeds_dir)

    def read(name: str) -> bytes | OSError:
        try:
            return read_seed(folder, name, limit)
        except OSError as exc:
            return exc

    return read


def unreadable(file: str, error: OSError) -> Problem:
    """The problem of an annotation file that cannot (or may not) be read."""
    if isinstance(error, ReadRefused):
        return Problem(file, "", error.code, error.reason)
    return Problem(file, "", "file-unreadable", f"expected a readable JSON file; found {error.strerror or error}")


def load_json(file: str, limit: int | None = None, root: str | Path | None = None) -> tuple[Any, list[Problem]]:
    """A JSON file read and parsed as annotation files are (regular file, size limit, confined to ``root``, depth
    limit): the data (None when it could not be had) and the problems (``file-*``, ``json-*``), printable."""
    data = read_bytes(file, limit, root)
    if isinstance(data, OSError):
        return None, [unreadable(file, data).printable()]
    doc, problems = parse(file, data)
    problems = [p.printable() for p in problems]
    return (doc if parsed(problems) else None), problems


def parse(file: str, data: bytes) -> tuple[Any, list[Problem]]:
    """The parsed JSON and its problems: ``json-malformed``, ``json-too-deep`` (then no document), or
    ``json-duplicate-key`` (the document keeps the last value of a repeated key). Never a traceback."""
    try:
        doc = orjson.loads(data)
    except orjson.JSONDecodeError as exc:
        if "recursion" in exc.msg or "depth" in exc.msg:
            return None, [Problem(file, "", "json-too-deep",
                                  f"expected JSON nested at most {MAX_DEPTH} levels deep; found deeper nesting "
                                  f"at line {exc.lineno}, column {exc.colno}")]
        return None, [Problem(file, "", "json-malformed",
                              f"expected well-formed JSON; found {exc.msg} at line {exc.lineno}, column {exc.colno}")]
    return doc, duplicate_key_problems(file, data, doc)


def parsed(problems: list[Problem]) -> bool:
    """Whether :func:`parse` gave a document with these problems (none, or only repeated keys; JSON ``null`` is one)."""
    return not problems or problems[0].code == "json-duplicate-key"


def duplicate_key_problems(file: str, data: bytes, doc: Any) -> list[Problem]:
    """A ``json-duplicate-key`` problem for each object that repeats a key (parsers silently keep one value).

    Cheap and exact. Where the compiled speedups are built, the colons outside the file's strings (one per
    key written) are compared with the keys of the parsed objects (``repeats_no_key``). Else: a file in
    the repository's JSON style (2-space indent, UTF-8, final newline: what newsspan writes) that is byte
    for byte orjson's re-encoding of its document repeats no key; any other file: a colon of the file is
    either a key's or inside a string, and orjson writes the parsed document back with one colon per key
    and the strings' colons unchanged, so the two counts differ exactly when a key was dropped (a colon
    written as a ``\\u003a`` escape sends the file to the slow exact check instead).
    """
    if speedups is not None and speedups.repeats_no_key(data, doc):
        return []
    try:
        styled = orjson.dumps(doc, option=orjson.OPT_INDENT_2)
        if len(data) == len(styled) + 1 and data.startswith(styled) and data.endswith(b"\n"):  # no copy
            return []
        written = orjson.dumps(doc)
    except TypeError:  # nested too deep to encode: reported as json-too-deep
        return []
    escaped = b"\\u003" in data  # one scan; a \\u0030-\\u003f escape merely sends the file to the exact check
    if (not escaped and data.count(b":") == written.count(b":")) or too_deep(doc):
        return []
    return [Problem(file, ptr, "json-duplicate-key", f"expected each key once in an object; found {key!r} more "
                                                      "than once (only one of its values would be read)")
            for ptr, key in _repeated_keys(data)]


class _Repeated(dict):  # type: ignore[type-arg]
    """An object whose key ``repeated`` occurs more than once in the file."""

    repeated: str = ""


def _pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    keys = [key for key, _ in pairs]
    if len(set(keys)) == len(keys):
        return dict(pairs)
    found = _Repeated(pairs)
    found.repeated = next(key for key in keys if keys.count(key) > 1)
    return found


def _repeated_keys(data: bytes) -> list[tuple[str, str]]:
    """``(pointer of the object, key)`` for every object of the file that repeats a key."""
    found = []
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(json.loads(data, object_pairs_hook=_pairs), ())]
    while stack:
        node, path = stack.pop()
        if isinstance(node, _Repeated):
            found.append((pointer(*path), node.repeated))
        children = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack.extend((child, (*path, key)) for key, child in children)
    return sorted(found)


def too_deep(doc: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether JSON data nests more than ``limit`` arrays and objects (checked without recursion)."""
    level: list[Any] = [doc]
    for _ in range(limit):
        level = [child for node in level if isinstance(node, (dict, list))
                 for child in (node.values() if isinstance(node, dict) else node)]
        if not level:
            return False
    return any(isinstance(node, (dict, list)) for node in level)


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
    if isinstance(data, ReadRefused):
        return [Problem(file, "/seed/file", data.code, f"{data.reason}: {path}")], None
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
    if is_valid(doc):
        problems = []
    elif too_deep(doc):
        return Checked(doc, parsed=True, problems=[Problem(
            file, "", "json-too-deep", f"expected JSON nested at most {MAX_DEPTH} levels deep; found deeper nesting")])
    else:
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
    if problems:
        checked.problems = sorted(set(problems), key=lambda p: (p.pointer, p.code, p.message))
    return checked


def check_bytes(file: str, data: bytes, seeds_dir: str | Path, read_seed: SeedReader) -> Checked:
    """Every problem of an annotation's bytes (see :func:`check_parsed`); numbers in messages as written."""
    doc, problems = parse(file, data)
    if not parsed(problems):
        return Checked(problems=problems)
    checked = check_parsed(file, doc, seeds_dir, read_seed)
    if problems:
        checked.problems = sorted(set(checked.problems + problems), key=lambda p: (p.pointer, p.code, p.message))
    if checked.problems:
        checked.problems = as_written(checked.problems, doc, data, checked.text)
    return checked


class _Number(str):
    """A JSON number token exactly as the file writes it (``12.0``, ``1e2``, a 40-digit integer)."""


def as_written(problems: list[Problem], doc: Any, data: bytes, text: str | None) -> list[Problem]:
    """``problems`` with every number that is not an exact integer shown as the file writes it.

    The parser turns ``1e2`` into ``100.0`` and an integer too large for 64 bits into a float; a message
    must quote ``1e2``. A float whose token is an integer (too large) is an offset out of range, not a
    fraction. Only documents with a problem at a float pay for the second, token-keeping parse.
    """
    floats = [p for p in problems if isinstance(_at(doc, p.pointer), float)]
    if not floats:
        return problems
    try:
        raw = json.loads(data, parse_float=_Number, parse_int=_Number)
    except (ValueError, RecursionError):
        return problems
    fixed = {p: _written(p, _at(doc, p.pointer), _at(raw, p.pointer), text) for p in floats}
    return sorted({fixed.get(p, p) for p in problems}, key=lambda p: (p.pointer, p.code, p.message))


def _written(problem: Problem, value: float, token: Any, text: str | None) -> Problem:
    if not isinstance(token, _Number):
        return problem
    written = str(token)
    if problem.code == "offset-not-integer" and written.lstrip("-").isdigit():  # an integer beyond 64 bits
        within = f"0..{len(text)}" if text is not None else "the text"
        return Problem(problem.file, problem.pointer, "offset-out-of-range",
                       f"expected an offset within {within}; found {written}")
    head, found, tail = problem.message.rpartition("found ")
    if not found:
        return problem
    for shown in (repr(value), orjson.dumps(value).decode()):
        if tail.startswith(shown):
            return Problem(problem.file, problem.pointer, problem.code, head + found + written + tail[len(shown):])
    return problem


def _at(doc: Any, ptr: str) -> Any:
    """The value at a JSON pointer, or None when there is none."""
    node = doc
    for part in pointer_parts(ptr):
        if isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            node = node[part]
        else:
            return None
    return node


def document_problems(file: str, doc: Any, text: str) -> list[Problem]:
    """Structure and rules of a document held in memory with its canonical text (no files, no file name).

    The order is the rule table's (schema problems first); an importer maps the pointers to its source.
    """
    return [*schema_problems(file, doc), *rule_problems(doc, Context(file, None, text))]
