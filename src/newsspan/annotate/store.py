"""The documents an annotate session edits: reading, ETags, validated atomic writes with optimistic concurrency.

Gold documents live in ``annotations/<id>.json``; with an annotator name, each annotator edits a copy in
``agreement/<annotator>/<id>.json`` (the layout of the seed's double annotation). Every write is
validated first (the same checks as ``newsspan validate``) and goes through ``newsspan.files``.
"""

from __future__ import annotations

import copy
import datetime as _dt
import hashlib
import re
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..corpus import Corpus
from ..files import FileExistsRefusal, atomic_write_bytes, dump_json
from ..model import empty_layers
from ..schema import load_schema

#: Document ids (the schema's pattern, read from it); nothing else reaches the file system.
ID_PATTERN = re.compile(load_schema()["properties"]["id"]["pattern"])
#: Annotator names: one safe folder name under ``agreement/``.
ANNOTATOR_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
#: The ETag of a document copy that does not exist yet (an annotator's copy before the first save).
ABSENT = '"absent"'


def validation_errors(corpus: Corpus, file: str, data: bytes) -> list[dict[str, str]]:
    """Every problem ``newsspan validate`` reports for an annotation's bytes, as ``validate --json`` errors.

    The one place this package calls the validator (``file`` names the annotation, relative to the root).
    """
    from ..validation.document import check_bytes, seed_reader

    read_seed = seed_reader(corpus.seeds_dir, corpus.max_bytes)  # as validate reads seeds: confined, size-limited
    return [p.to_dict() for p in check_bytes(file, data, corpus.seeds_dir, read_seed).problems]


def etag(data: bytes) -> str:
    """A strong ETag from the content: the quoted SHA-256 of the file's bytes (first 32 hex digits)."""
    return '"' + hashlib.sha256(data).hexdigest()[:32] + '"'


def today() -> str:
    """Today's date, ISO 8601 (the provenance's ``modified``)."""
    return _dt.date.today().isoformat()


class NotFound(LookupError):
    """An id that names no document of the session."""


class Conflict(Exception):
    """A save whose If-Match is not the file's current ETag: the file changed since it was read."""

    def __init__(self, current: bytes | None, current_etag: str):
        super().__init__("the document changed since it was read")
        self.current = current
        self.etag = current_etag


class Invalid(Exception):
    """A save the validator refuses; ``errors`` in the ``validate --json`` shape."""

    def __init__(self, errors: list[dict[str, str]]):
        super().__init__(f"{len(errors)} validation problem(s)")
        self.errors = errors


@dataclass
class Store:
    """The documents of one session: their ids, where each is read and written, and the save lock."""

    corpus: Corpus
    gold: dict[str, Path]  # id -> annotations/<id>.json (absolute)
    annotator: str | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def open(cls, root: Path, files: list[Path], annotator: str | None = None) -> Store:
        """A store over ``files`` (annotation files inside ``root``; default: every file of ``annotations/``)."""
        corpus = Corpus(Path(root).resolve())
        chosen = [Path(f).resolve() for f in files] or sorted(corpus.annotations_dir.glob("*.json"))
        gold: dict[str, Path] = {}
        for path in chosen:
            if path.parent != corpus.annotations_dir.resolve():
                raise ValueError(f"{path}: expected an annotation file in {corpus.annotations_dir}; found one outside")
            if ID_PATTERN.match(path.stem):
                gold[path.stem] = path
        if annotator is not None and not ANNOTATOR_PATTERN.match(annotator):
            raise ValueError(f"--annotator: expected a name of letters, digits, '.', '_' or '-'; found {annotator!r}")
        return cls(corpus, gold, annotator)

    # --- where documents live ---------------------------------------------------------------

    def path(self, doc_id: str, annotator: str | None = None) -> Path:
        """The file of ``doc_id`` for ``annotator`` (None: the gold file); NotFound for an unknown id or name."""
        if doc_id not in self.gold:
            raise NotFound(doc_id)
        if annotator is None:
            return self.gold[doc_id]
        if not ANNOTATOR_PATTERN.match(annotator):
            raise NotFound(annotator)
        return self.corpus.root / "agreement" / annotator / f"{doc_id}.json"

    def own_path(self, doc_id: str) -> Path:
        """The file this session edits: the annotator's copy with ``--annotator``, else the gold file."""
        return self.path(doc_id, self.annotator)

    def relative(self, path: Path) -> str:
        """A path as ``newsspan validate`` names it when run from the root (``annotations/<id>.json``)."""
        return path.relative_to(self.corpus.root).as_posix()

    def annotators(self) -> list[str]:
        """Annotator folders under ``agreement/`` (each may hold copies of the session's documents)."""
        folder = self.corpus.root / "agreement"
        if not folder.is_dir():
            return []
        return sorted(p.name for p in folder.iterdir() if p.is_dir() and ANNOTATOR_PATTERN.match(p.name))

    # --- reading ----------------------------------------------------------------------------

    def read(self, doc_id: str, annotator: str | None = None, *, own: bool = False) -> tuple[bytes | None, str]:
        """The bytes of a document file (None when it does not exist yet) and its ETag."""
        path = self.own_path(doc_id) if own else self.path(doc_id, annotator)
        try:
            data = self.corpus.read_annotation(path)  # a regular file, confined to the root, within --max-bytes
        except FileNotFoundError:
            return None, ABSENT
        return data, etag(data)

    def seed_text(self, doc: dict[str, Any]) -> str:
        """The canonical text of a document's seed, read only from ``seeds/`` (OSError, SeedDecodeError)."""
        return self.corpus.read_text(doc["seed"]["file"])

    def starting_copy(self, doc_id: str) -> bytes:
        """An annotator's first copy: the gold document's metadata, empty layers, the annotator, status draft."""
        doc = orjson.loads(self.corpus.read_annotation(self.gold[doc_id]))
        doc.update(empty_layers())
        doc["annotation"] = {**doc["annotation"], "status": "draft", "annotators": [self.annotator],
                             "created": today(), "modified": today()}
        doc["annotation"].pop("reviewers", None)
        return dump_json(doc).encode("utf-8")

    def listing(self) -> list[dict[str, Any]]:
        """Every document of the session: ``{"id", "status", "file"}`` (the file this session edits)."""
        rows = []
        for doc_id in sorted(self.gold):
            path = self.own_path(doc_id)
            data, _ = self.read(doc_id, own=True)
            rows.append({"id": doc_id, "status": _status(data if data is not None else self.starting_copy(doc_id)),
                         "file": self.relative(path)})
        return rows

    # --- writing ----------------------------------------------------------------------------

    def validate(self, file: str, path: Path) -> list[dict[str, str]]:
        """The validation problems of a file on disk (``file`` names it in the problems)."""
        try:
            return validation_errors(self.corpus, file, self.corpus.read_annotation(path))
        except OSError as exc:  # file-unreadable, or the refusal's code (file-outside, file-not-regular, ...)
            from ..validation.document import unreadable

            return [unreadable(file, exc).printable().to_dict()]

    def target_path(self, doc_id: str, target: str) -> Path:
        """``"own"``: the file this session edits; ``"gold"``: ``annotations/<id>.json`` (adjudication)."""
        return self.own_path(doc_id) if target == "own" else self.path(doc_id)

    def save(self, doc_id: str, doc: Any, if_match: str, *, target: str = "own",
             role: str = "annotator") -> tuple[bytes, str]:
        """Validate and write ``doc`` if the file is still at ETag ``if_match``; the written bytes and new ETag.

        ``target`` is ``"own"`` or ``"gold"`` (see :meth:`target_path`). Provenance is brought up to date
        first: ``modified`` is today, and the session's annotator is among the ``annotators`` (``role``
        ``"annotator"``) or the ``reviewers`` (``"adjudicator"``). Raises Conflict, Invalid or NotFound;
        a stale ETag is refused before validation; on any refusal the file is unchanged.
        """
        path = self.target_path(doc_id, target)
        doc = touch_provenance(doc, self.annotator, "reviewers" if role == "adjudicator" else "annotators")
        data = dump_json(doc).encode("utf-8")
        with self._lock:
            try:
                current = self.corpus.read_annotation(path)
            except FileNotFoundError:
                current = None
            if (etag(current) if current is not None else ABSENT) != if_match:
                raise Conflict(current, etag(current) if current is not None else ABSENT)
            errors = validation_errors(self.corpus, self.relative(path), data)
            if errors:
                raise Invalid(errors)
            try:
                atomic_write_bytes(path, data, overwrite=current is not None)
            except FileExistsRefusal:  # created by another process since it was read
                current = path.read_bytes()
                raise Conflict(current, etag(current)) from None
        return data, etag(data)


def _status(data: bytes) -> str | None:
    try:
        annotation = orjson.loads(data).get("annotation")
        return annotation.get("status") if isinstance(annotation, dict) else None
    except (orjson.JSONDecodeError, AttributeError):
        return None


def touch_provenance(doc: Any, name: str | None, field_name: str = "annotators") -> Any:
    """A copy of ``doc`` with ``annotation.modified`` set to today and ``name`` in ``annotation[field_name]``.

    Leaves a document without an ``annotation`` object as it is (the validator will say what is wrong).
    """
    if not isinstance(doc, dict) or not isinstance(doc.get("annotation"), dict):
        return doc
    doc = copy.deepcopy(doc)
    annotation = doc["annotation"]
    annotation["modified"] = today()
    names = annotation.get(field_name, [] if field_name == "reviewers" else None)
    if name and isinstance(names, list) and name not in names:
        annotation[field_name] = [*names, name]
    return doc

