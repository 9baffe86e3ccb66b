"""What the card and Croissant say about the corpus: facts gathered while documents stream by,
the links a build may cite, and the dataset's citation.

Nothing here depends on the time of the build.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from typing import Any

PRETTY_NAME = "newsspan"
#: Documents listed one by one in the card's provenance table (larger corpora are summarised).
PROVENANCE_ROWS = 100


def newsspan_version() -> str:
    """The installed newsspan version, or ``0+unknown`` when running from an uninstalled source tree."""
    try:
        return version("newsspan")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


@dataclass
class CorpusFacts:
    """What the card says about the documents, gathered one document at a time (bounded memory)."""

    documents: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    licenses: Counter[str] = field(default_factory=Counter)
    guidelines: Counter[str] = field(default_factory=Counter)
    annotators: Counter[str] = field(default_factory=Counter)
    reviewers: Counter[str] = field(default_factory=Counter)
    publishers: Counter[str] = field(default_factory=Counter)
    last_modified: str = ""
    provenance: list[dict[str, Any]] = field(default_factory=list)

    def add(self, doc: dict[str, Any]) -> None:
        """Fold one document into the tallies; its provenance is kept for the first ``PROVENANCE_ROWS`` documents."""
        meta, note = doc["metadata"], doc["annotation"]
        self.documents += 1
        self.languages[meta["language"]] += 1
        self.licenses[meta["license"]] += 1
        self.guidelines[note["guidelines_version"]] += 1
        self.annotators.update(note["annotators"])
        self.reviewers.update(note.get("reviewers") or [])
        self.publishers[meta["publisher"] or "unknown"] += 1
        self.last_modified = max(self.last_modified, note["modified"])
        if len(self.provenance) < PROVENANCE_ROWS:
            self.provenance.append({"id": doc["id"], "seed": doc["seed"], "metadata": meta})

    @property
    def license_id(self) -> str:
        """The card's ``license``: ``unknown`` unless every text has the same established licence."""
        if "unknown" in self.licenses or not self.licenses:
            return "unknown"
        return next(iter(self.licenses)).lower() if len(self.licenses) == 1 else "other"


@dataclass(frozen=True)
class Links:
    """What the card can point to besides the data: the homepage given to the build, the shipped guidelines."""

    homepage: str | None = None
    guidelines: bool = False  # guidelines.md is in the folder
    guidelines_version: str | None = None  # the version the shipped guidelines.md states, if it states one


def stated_version(guidelines: str) -> str | None:
    """The version a guidelines text states in its opening lines (``**Version 1.0.0**``), if any."""
    match = re.search(r"^\*\*Version ([0-9][^*\s]*)\*\*", guidelines[:2000], re.M)
    return match.group(1) if match else None


def bibtex(facts: CorpusFacts, documents: int, links: Links) -> str:
    """The dataset's BibTeX entry (``howpublished`` only when the build was given a homepage)."""
    year = facts.last_modified[:4] or "n.d."
    versions = ", ".join(sorted(facts.guidelines))
    fields = [
        ("title", "{newsspan: news articles annotated with entities, temporal expressions, quotations and claims}"),
        ("author", "{{newsspan maintainers}}"),
        ("year", f"{{{year}}}"),
        *([("howpublished", f"{{\\url{{{links.homepage}}}}}")] if links.homepage else []),
        ("note", f"{{Dataset, {documents:,} document(s), annotation guidelines {versions},\n"
                 f"{' ' * 18}built with newsspan {newsspan_version()}}}"),
    ]
    body = ",\n".join(f"  {name:<12} = {value}" for name, value in fields)
    return f"@misc{{newsspan{year},\n{body}\n}}"
