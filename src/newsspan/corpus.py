"""A corpus root on disk: ``seeds/`` (source texts) and ``annotations/`` (one JSON file per document)."""

from __future__ import annotations

import datetime as _dt
import errno
import os
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import orjson

from .files import atomic_write_many, dump_json, remove_stale_temps
from .model import LAYERS, Document, empty_layers
from .reading import max_bytes, read_in_root, read_regular, read_seed
from .schema import load_schema, schema_version
from .text import canonical_text, text_sha256

GUIDELINES_VERSION = "1.1.0"


@dataclass(frozen=True)
class Corpus:
    """A corpus root folder. Every command works on one (``--root``, default the current folder).

    Files are read through :mod:`newsspan.reading`: regular files of at most ``max_bytes`` bytes (default
    64 MiB or ``$NEWSSPAN_MAX_BYTES``), seeds only from inside ``seeds/``.
    """

    root: Path
    max_bytes: int = field(default_factory=max_bytes)

    @cached_property  # read for every file validated: made once
    def seeds_dir(self) -> Path:
        """The ``seeds/`` folder holding the source texts."""
        return self.root / "seeds"

    @cached_property
    def annotations_dir(self) -> Path:
        """The ``annotations/`` folder holding one JSON file per document."""
        return self.root / "annotations"

    def annotation_path(self, doc_id: str) -> Path:
        """Where the annotation file of document ``doc_id`` lives (``annotations/<doc_id>.json``)."""
        return self.annotations_dir / f"{doc_id}.json"

    def seed_path(self, seed_file: str) -> Path:
        """Where the seed file named ``seed_file`` lives inside ``seeds/``."""
        return self.seeds_dir / seed_file

    def holding_folder(self, out: Path) -> Path | None:
        """The root's ``annotations/`` or ``seeds/`` if ``out`` is that folder or lies in it, else None: outputs
        (pages, exports, training runs) never go there, where a ``scores.json`` would be read as an annotation."""
        target = Path(os.path.realpath(out))  # not Path.resolve(): it raises RuntimeError on a symlink loop
        for folder in map(Path, map(os.path.realpath, (self.annotations_dir, self.seeds_dir))):
            if target == folder or folder in target.parents:
                return folder
        return None

    def annotation_files(self, paths: Iterable[Path] = ()) -> list[Path]:
        """The annotation files named by ``paths`` (files, or folders searched for ``*.json``), sorted.

        With no paths, every ``*.json`` file of the root's ``annotations/`` folder.
        """
        named = [Path(p) for p in paths]
        if not named:
            return sorted(self.annotations_dir.glob("*.json"))
        found: list[Path] = []
        for path in named:
            is_folder = path.suffix != ".json" and path.is_dir()  # a folder named *.json is a (bad) annotation
            found.extend(sorted(path.glob("*.json")) if is_folder else [path])
        return found

    def read_seed(self, seed_file: str) -> bytes:
        """The bytes of a seed, read only from inside ``seeds/`` (raises OSError, e.g. reading.ReadRefused)."""
        return read_seed(str(self.seeds_dir), seed_file, self.max_bytes)

    def read_text(self, seed_file: str) -> str:
        """The canonical text of a seed file (raises OSError or text.SeedDecodeError)."""
        return canonical_text(self.read_seed(seed_file))

    def read_annotation(self, path: Path | str) -> bytes:
        """The bytes of an annotation file: a regular file within the size limit, confined to the root when it lies
        inside it (:func:`newsspan.reading.read_in_root`; raises OSError)."""
        return read_in_root(str(path), self.root, self.max_bytes)

    def load(self, path: Path | str) -> tuple[Document, str]:
        """An annotation file and its canonical text; for files that already passed validation."""
        doc = orjson.loads(self.read_annotation(path))
        return doc, self.read_text(doc["seed"]["file"])

    def iter_documents(self, paths: Iterable[Path] = ()) -> Iterator[tuple[Document, str]]:
        """Load documents one at a time (memory stays bounded for large corpora)."""
        for path in self.annotation_files(paths):
            yield self.load(path)


class AddConflict(FileExistsError):
    """``add`` refused to write over ``filename``: ``code`` is ``add-annotation-exists`` or ``add-seed-conflict``."""

    def __init__(self, path: Path, code: str, message: str) -> None:
        super().__init__(errno.EEXIST, message, str(path))
        self.code = code

    def __str__(self) -> str:
        return f"{self.filename}: {self.strerror}"


def summarise(corpus: Corpus, paths: Iterable[Path]) -> dict[str, Any]:
    """Totals of (valid) annotation files: documents, characters, documents per split and status, spans per layer."""
    totals: Counter[str] = Counter()
    splits: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for doc, text in corpus.iter_documents(paths):
        totals.update({layer: len(doc[layer]) for layer in LAYERS})
        totals["characters"] += len(text)
        splits[doc["metadata"]["split"]] += 1
        statuses[doc["annotation"]["status"]] += 1
    return {
        "documents": sum(splits.values()),
        "characters": totals["characters"],
        "splits": dict(sorted(splits.items())),
        "statuses": dict(sorted(statuses.items())),
        "spans": {layer: totals[layer] for layer in LAYERS},
    }


def new_document(
    doc_id: str, seed_file: str, text: str, *, split: str = "train", language: str = "en"
) -> dict[str, Any]:
    """A draft annotation skeleton: metadata unknown, text hash pinned, empty layers."""
    today = _dt.date.today().isoformat()
    return {
        "schema_version": schema_version(),
        "id": doc_id,
        "seed": {"file": seed_file, "text_sha256": text_sha256(text)},
        "metadata": {
            "title": None,
            "publisher": None,
            "url": None,
            "published": {"date": None, "earliest": None, "latest": None, "evidence": []},
            "language": language,
            "license": "unknown",
            "dateline": None,
            "split": split,
        },
        "annotation": {
            "guidelines_version": GUIDELINES_VERSION,
            "status": "draft",
            "annotators": ["newsspan maintainers"],
            "created": today,
            "modified": today,
        },
        **empty_layers(),
    }


def add_article(
    corpus: Corpus, text_file: Path, doc_id: str, *, split: str = "train", seed_name: str | None = None
) -> Path:
    """Copy ``text_file`` into ``seeds/`` unchanged and create a draft ``annotations/<doc_id>.json``.

    Both files are written, or neither (:func:`files.atomic_write_many`: both temp files are written before
    either is placed; a full disk leaves nothing). A kill can only come between placing the seed and the
    annotation: the seed left behind (same name, same bytes, no annotation) is taken up by the next ``add``;
    a seed of that name with other bytes is refused with an error saying so. Temp files of a killed ``add``
    are removed. The seed keeps the file's name unless ``seed_name`` is given. Raises :class:`AddConflict`
    (a ``FileExistsError``) for an existing annotation or a different seed, text.SeedDecodeError for
    non-UTF-8 input, and ValueError for an empty text, or an id or seed name the schema does not allow
    (matched in full: a trailing newline is not allowed).
    """
    pattern = load_schema()["properties"]["id"]["pattern"]
    if not re.fullmatch(pattern, doc_id):
        raise ValueError(f"--id: expected a slug matching {pattern}; found {doc_id!r}")
    data = read_regular(str(text_file), corpus.max_bytes)
    text = canonical_text(data)
    if not text:
        raise ValueError(f"{text_file}: expected some text; found none (empty or only whitespace)")
    seed_file = seed_name or Path(text_file).name
    pattern = load_schema()["properties"]["seed"]["properties"]["file"]["pattern"]
    if not re.fullmatch(pattern, seed_file):
        raise ValueError(f"seed file name: expected a name matching {pattern}; found {seed_file!r} (use --seed-name)")
    annotation, seed = corpus.annotation_path(doc_id), corpus.seed_path(seed_file)
    for folder in (corpus.seeds_dir, corpus.annotations_dir):
        remove_stale_temps(folder)  # temp files of an add that was killed
    if os.path.lexists(annotation):
        raise AddConflict(annotation, "add-annotation-exists", "already exists; refusing to overwrite")
    files = {} if _orphan_seed(corpus, seed_file, data) else {seed: data}
    files[annotation] = dump_json(new_document(doc_id, seed_file, text, split=split)).encode("utf-8")
    atomic_write_many(files)  # both temp files first, then the seed, then the annotation
    return annotation


def _orphan_seed(corpus: Corpus, seed_file: str, data: bytes) -> bool:
    """True when ``seeds/<seed_file>`` already holds exactly ``data`` (left by an interrupted ``add``: taken up).

    Raises :class:`AddConflict` when a seed of that name holds other bytes (or is not a file newsspan may read).
    """
    seed = corpus.seed_path(seed_file)
    if not os.path.lexists(seed):
        return False
    try:
        same = corpus.read_seed(seed_file) == data
    except OSError as exc:
        raise AddConflict(seed, "add-seed-conflict", f"already exists and cannot be compared ({exc.strerror or exc}); "
                          "refusing to overwrite (use --seed-name)") from None
    if not same:
        raise AddConflict(seed, "add-seed-conflict", f"already exists with other bytes than {seed_file!r} to add; "
                          "refusing to overwrite it (another article has this file name: use --seed-name)")
    return True
