"""The review site: one page per annotation file and an index, written atomically into a folder.

Each file is parsed, validated and (when valid) consistency-checked; its page shows whatever it can,
problems included (:mod:`newsspan.review.page` builds the view model, ``templates/`` the HTML).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..files import FileExistsRefusal, atomic_write_text
from ..model import LAYERS
from ..text import SeedDecodeError
from ..validation.problems import printable
from ..validation.runner import load_checked
from .checks import check_document
from .page import PageSummary, document_title, render_document_page, render_index_page


@dataclass
class ReviewedDocument:
    """One annotation file with everything its page shows."""

    path: Path
    doc: Any
    text: str | None
    text_error: str = ""
    problems: list[Any] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)
    checks_note: str = ""

    @property
    def file(self) -> str:
        """The annotation file's path as text (for messages, pages and summaries; a name that is not UTF-8
        shows its bytes as ``\\xNN``)."""
        return printable(str(self.path))


def read_seed_text(corpus: Corpus, doc: Any) -> tuple[str | None, str]:
    """The document's canonical text, or None and why not (never raises for bad input)."""
    seed = doc.get("seed") if isinstance(doc, dict) else None
    name = seed.get("file") if isinstance(seed, dict) else None
    if not isinstance(name, str) or Path(name).name != name or name.startswith("."):
        return None, "the document names no usable seed file (/seed/file)"
    try:
        return corpus.read_text(name), ""
    except (OSError, SeedDecodeError) as exc:
        return None, f"{corpus.seed_path(name)}: {getattr(exc, 'strerror', None) or exc}"


def review_document(corpus: Corpus, path: Path) -> ReviewedDocument:
    """Parse, validate and (when valid) consistency-check one annotation file."""
    checked = load_checked(str(path), corpus)  # the file and its seed are read once
    if not checked.parsed:
        return ReviewedDocument(path, None, None, "the annotation file could not be parsed", checked.problems)
    doc, problems, file = checked.doc, checked.problems, str(path)
    text, text_error = (checked.text, "") if checked.text is not None else read_seed_text(corpus, doc)
    reviewed = ReviewedDocument(path, doc, text, text_error, problems)
    if problems or text is None:
        reviewed.checks_note = "Consistency checks run once the document passes validation."
    else:
        reviewed.warnings = check_document(doc, text, file)
    return reviewed


def page_names(paths: Sequence[Path]) -> list[str]:
    """A distinct, file-system-safe page name per annotation file (its stem), never 'index.html'."""
    names: list[str] = []
    for path in paths:
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", path.stem).lstrip(".") or "document"
        name, n = f"{stem}.html", 1
        while name in names or name == "index.html":
            n += 1
            name = f"{stem}-{n}.html"
        names.append(name)
    return names


def summarise(reviewed: ReviewedDocument, page: str) -> PageSummary:
    """The index row of a reviewed document rendered as ``page``: id, title, span counts, error and warning counts."""
    doc = reviewed.doc if isinstance(reviewed.doc, dict) else {}
    counts = {layer: len(doc[layer]) if isinstance(doc.get(layer), list) else 0 for layer in LAYERS}
    doc_id = doc.get("id") if isinstance(doc.get("id"), str) else None
    return PageSummary(reviewed.file, page, doc_id, printable(document_title(doc, reviewed.path.name)), counts,
                       len(reviewed.problems), len(reviewed.warnings))


def review_targets(paths: Sequence[Path], out: Path) -> list[Path]:
    """Every file ``write_review`` would write: the pages, then the index."""
    return [out / name for name in page_names(paths)] + [out / "index.html"]


def write_review(corpus: Corpus, paths: Sequence[Path], out: Path, *, force: bool = False,
                 advance: Callable[[], None] | None = None) -> list[PageSummary]:
    """Write a page per annotation file and ``index.html`` into ``out``; atomic, never silently overwriting.

    Raises :class:`newsspan.files.FileExistsRefusal` naming every existing page before writing anything.
    """
    targets = review_targets(paths, out)
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise FileExistsRefusal(f"{len(existing)} page(s) already exist ({', '.join(existing[:3])}"
                                f"{', ...' if len(existing) > 3 else ''}); refusing to overwrite (use --force)")
    summaries = []
    for path, target in zip(paths, targets, strict=False):
        reviewed = review_document(corpus, path)
        page = render_document_page(reviewed.doc, reviewed.text, file=reviewed.file, problems=reviewed.problems,
                                    warnings=reviewed.warnings, text_error=reviewed.text_error,
                                    checks_note=reviewed.checks_note)
        atomic_write_text(target, page, overwrite=force)
        summaries.append(summarise(reviewed, target.name))
        if advance:
            advance()
    atomic_write_text(targets[-1], render_index_page(summaries), overwrite=force)
    return summaries
