"""Document-level splits: ``metadata.split`` of every document from a hash, stable when documents are added.

A document's split depends only on its *key* and the seed: the SHA-256 of ``seed`` and the key is read
as a number in [0, 1) and placed on the cumulative ratios (train, validation, test). The key is the
document id, or with ``by`` the document's publisher or its publication month, so that all documents of
one outlet (or one month) land in the same split. Adding documents therefore never moves an existing
one, and a document is never divided.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from ..files import atomic_write_text, dump_json
from ..schema import splits

#: What documents are grouped by (None: each document alone).
GROUPINGS = ("publisher", "date")
DEFAULT_RATIOS = (0.8, 0.1, 0.1)


def parse_ratios(text: str) -> tuple[float, ...]:
    """``"0.8,0.1,0.1"`` -> ratios of train, validation, test; ``ValueError`` saying what was expected."""
    try:
        ratios = tuple(float(part) for part in text.split(","))
    except ValueError:
        ratios = ()
    if len(ratios) != len(splits()) or not all(0 <= r <= 1 for r in ratios) or abs(sum(ratios) - 1) > 1e-6:
        raise ValueError(f"--ratios: expected {len(splits())} non-negative numbers summing to 1 for "
                         f"{', '.join(splits())} (such as 0.8,0.1,0.1); found {text!r}")
    return ratios


def group_key(doc: dict[str, Any], by: str | None) -> str:
    """The key a document's split is drawn from: its id, publisher, or publication month."""
    meta = doc["metadata"]
    if by == "publisher":
        return f"publisher:{meta['publisher'] or 'unknown'}"
    if by == "date":
        published = meta["published"]
        day = published["date"] or published["earliest"] or published["latest"]
        return f"month:{day[:7] if day else 'unknown'}"
    return f"id:{doc['id']}"


def draw(key: str, ratios: Sequence[float], seed: int) -> str:
    """The split of ``key``: its seeded SHA-256 as a number in [0, 1), placed on the cumulative ratios."""
    digest = hashlib.sha256(f"newsspan-split\0{seed}\0{key}".encode()).digest()
    point = int.from_bytes(digest[:8], "big") / 2**64
    total = 0.0
    for name, ratio in zip(splits(), ratios, strict=True):
        total += ratio
        if point < total:
            return name
    return next(name for name, ratio in reversed(list(zip(splits(), ratios, strict=True))) if ratio > 0)


@dataclass
class SplitResult:
    """What :func:`split_corpus` did: the split of every document and the files it rewrote."""

    ratios: tuple[float, ...]
    seed: int
    by: str | None
    assigned: dict[str, str] = field(default_factory=dict)  # document id -> split
    changed: list[tuple[str, str, str]] = field(default_factory=list)  # (document id, old split, new split)

    def counts(self) -> dict[str, int]:
        counted = Counter(self.assigned.values())
        return {name: counted[name] for name in splits()}

    def to_dict(self) -> dict[str, Any]:
        return {"ratios": list(self.ratios), "seed": self.seed, "by": self.by, "documents": len(self.assigned),
                "counts": self.counts(),
                "changed": [{"id": i, "from": old, "to": new} for i, old, new in self.changed]}


def split_corpus(files: Iterable[Path | str], *, ratios: Sequence[float] = DEFAULT_RATIOS,
                 seed: int = 0, by: str | None = None, dry_run: bool = False) -> SplitResult:
    """Set ``metadata.split`` of every document in ``files`` (validated annotation files) by the hash rule.

    Only files whose split changes are rewritten (atomically); with ``dry_run`` none is.
    """
    if by is not None and by not in GROUPINGS:
        raise ValueError(f"--by: expected one of {', '.join(GROUPINGS)}; found {by!r}")
    result = SplitResult(tuple(ratios), seed, by)
    for file in files:
        path = Path(file)
        doc = orjson.loads(path.read_bytes())
        split = draw(group_key(doc, by), ratios, seed)
        result.assigned[doc["id"]] = split
        if doc["metadata"]["split"] != split:
            result.changed.append((doc["id"], doc["metadata"]["split"], split))
            if not dry_run:
                doc["metadata"]["split"] = split
                atomic_write_text(path, dump_json(doc), overwrite=True)
    return result
