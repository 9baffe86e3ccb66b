"""A corpus root on disk: ``seeds/`` (source texts) and ``annotations/`` (one JSON file per document)."""

from __future__ import annotations

import datetime as _dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from . import storage
from .files import atomic_write_bytes, atomic_write_json
from .model import LAYERS, Document, empty_layers
from .schema import load_schema, schema_version
from .text import canonical_text, text_sha256

GUIDELINES_VERSION = "1.0.0"


@dataclass(frozen=True)
class Corpus:
    """A corpus root folder. Every command works on one (``--root``, default the current folder)."""

    root: Path

    @property
    def seeds_dir(self) -> Path:
        """The ``seeds/`` folder holding the source texts."""
        return self.root / "seeds"

    @property
    def annotations_dir(self) -> Path:
        """The ``annotations/`` folder holding one JSON file per document."""
        return self.root / "annotations"

    def annotation_path(self, doc_id: str) -> Path:
        """Where the annotation file of document ``doc_id`` lives (``annotations/<doc_id>.json``)."""
        return self.annotations_dir / f"{doc_id}.json"

    def seed_path(self, seed_file: str) -> Path:
        """Where the seed file named ``seed_file`` lives inside ``seeds/``."""
        return self.seeds_dir / seed_file

    def annotation_files(self, paths: Iterable[Path] = ()) -> list[Path]:
        """The annotation files named by ``paths`` (files, or folders searched for ``*.json``), sorted.

        With no paths, every ``*.json`` file of the root's ``annotations/`` folder.
        """
        named = [Path(p) for p in paths]
        if not named:
            return sorted(self.annotations_dir.glob("*.json"))
        found: list[Path] = []
        for path in named:
            found.extend(sorted(path.glob("*.json")) if path.is_dir() else [path])
        return found

    def read_text(self, seed_file: str) -> str:
        """The canonical text of a seed file (raises OSError or text.SeedDecodeError)."""
        return canonical_text(storage.read_file(self.seed_path(seed_file)))

    def load(self, path: Path) -> tuple[Document, str]:
        """An annotation file and its canonical text; for files that already passed validation."""
        doc = orjson.loads(storage.read_file(path))
        return doc, self.read_text(doc["seed"]["file"])

    def iter_documents(self, paths: Iterable[Path] = ()) -> Iterator[tuple[Document, str]]:
        """Load documents one at a time (memory stays bounded for large corpora)."""
        for path in self.annotation_files(paths):
            yield self.load(path)


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

    The seed keeps the file's name unless ``seed_name`` is given. Refuses to overwrite an existing
    seed or annotation; raises text.SeedDecodeError for non-UTF-8 input and ValueError for an empty
    text or a seed name the schema does not allow. Nothing is left behind when a write fails.
    """
    data = Path(text_file).read_bytes()
    text = canonical_text(data)
    if not text:
        raise ValueError(f"{text_file}: expected some text; found none (empty or only whitespace)")
    seed_file = seed_name or Path(text_file).name
    pattern = load_schema()["properties"]["seed"]["properties"]["file"]["pattern"]
    if not re.match(pattern, seed_file):
        raise ValueError(f"seed file name: expected a name matching {pattern}; found {seed_file!r} (use --seed-name)")
    annotation, seed = corpus.annotation_path(doc_id), corpus.seed_path(seed_file)
    for existing in (annotation, seed):
        if existing.exists():
            raise FileExistsError(f"{existing}: already exists; refusing to overwrite")
    atomic_write_bytes(seed, data)
    try:
        atomic_write_json(annotation, new_document(doc_id, seed_file, text, split=split))
    except BaseException:
        seed.unlink()
        raise
    return annotation
