"""Build the Hugging Face dataset folder: parquet shards, card, Croissant, schema, guidelines, checksums.

The orchestration only: rows (:mod:`.rows`) are written as parquet (:mod:`.parquet`), counted
(:mod:`.stats`), described (:mod:`.card`, :mod:`.croissant`) and checksummed (:mod:`.manifest`) in a
staging folder that replaces ``out`` when complete (:mod:`.target`). The folder is self-contained: it
ships the JSON Schema of the documents and, when the corpus has them, the annotation guidelines.
"""

from __future__ import annotations

import contextlib
import filecmp
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .. import storage
from ..corpus import Corpus
from ..engine import LOCAL, Engine
from ..schema import schema_path
from ..validation import annotation_files
from .agreement import agreement_figures
from .card import write_card
from .croissant import write_croissant
from .facts import CorpusFacts, Links, stated_version
from .features import GUIDELINES_NAME, MARKER, SCHEMA_NAME
from .manifest import write_manifest, write_marker
from .parquet import DEFAULT_SHARD_ROWS, DocumentHook, Tables, default_jobs
from .remote import check_remote_out, upload_folder
from .stats import compute
from .target import (
    BuildError,
    check_out,
    remove_build,
    remove_stale_staging,
    replace_folder,
    restore_moved_aside,
    staging_folder,
    write_error,
)

#: Where a corpus keeps its annotation guidelines, relative to its root.
GUIDELINES_SOURCE = Path("docs") / "guidelines.md"


def check_homepage(url: str) -> None:
    """Raise ``ValueError`` unless ``url`` is an absolute http(s) URL (card and Croissant print it as given)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in url):
        raise ValueError(f"--homepage: expected an absolute http(s) URL such as https://example.org/newsspan; "
                         f"found {url!r}")


def ship_references(corpus: Corpus, folder: Path, homepage: str | None = None) -> Links:
    """Copy the JSON Schema and, if the corpus has them, the guidelines into ``folder``; what the card links."""
    shutil.copyfile(schema_path(), folder / SCHEMA_NAME)
    guidelines = corpus.root / GUIDELINES_SOURCE
    if not storage.is_file(guidelines):
        return Links(homepage)
    data = storage.read_file(guidelines)
    (folder / GUIDELINES_NAME).write_bytes(data)
    return Links(homepage, True, stated_version(data.decode("utf-8", errors="replace")))


def build_folder(
    corpus: Corpus, paths: Sequence[Path | str], folder: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
    jobs: int | None = None, homepage: str | None = None, on_document: DocumentHook | None = None,
    engine: Engine = LOCAL,
) -> tuple[Tables, dict[str, Any]]:
    """Write the complete dataset folder (data, card, Croissant, schema, guidelines, checksums) into ``folder``.

    ``homepage`` (optional) is the public address the card and Croissant cite; without it they cite none.
    ``engine`` writes the parquet shards (:mod:`newsspan.engine`: the same bytes on any engine).
    Returns the tables written and the corpus statistics the card reports.
    """
    if homepage is not None:
        check_homepage(homepage)
    if not (folder / MARKER).exists():
        write_marker(folder)
    files = annotation_files(corpus, paths)  # strings: 100,000 Path objects would cost ~35 MB
    facts = CorpusFacts()

    def hook(header: dict[str, Any]) -> None:
        facts.add(header)
        if on_document:
            on_document(header)

    tables = engine.write_tables(corpus, files, folder, shard_rows=shard_rows,
                                 jobs=default_jobs(len(files)) if jobs is None else jobs, on_document=hook)
    numbers = compute(folder, tables)
    links = ship_references(corpus, folder, homepage)
    write_card(folder, tables, numbers, facts, links, agreement_figures(corpus))
    write_croissant(folder, tables, facts, numbers["documents"], links)
    write_manifest(folder)
    return tables, numbers


def folder_differences(built: Path, existing: Path) -> list[tuple[str, str]]:
    """``(change, path)`` for every file that differs: ``missing``, ``extra`` or ``changed``."""
    if not existing.is_dir():
        return [("missing", ".")]

    def listing(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    new, old = listing(built), listing(existing)
    changes = [("missing", p) for p in sorted(new - old)] + [("extra", p) for p in sorted(old - new)]
    changes += [("changed", p) for p in sorted(new & old) if not filecmp.cmp(built / p, existing / p, shallow=False)]
    return sorted(changes, key=lambda change: change[1])


@dataclass(frozen=True)
class BuildResult:
    """A finished build: where it is, what it holds, and its statistics."""

    out: Path
    tables: Tables
    stats: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        return {
            "out": storage.location(self.out),
            "documents": self.tables.documents,
            "configs": {config: {split: {"rows": f.rows, "files": list(f.files)} for split, f in splits_.items()}
                        for config, splits_ in self.tables.configs.items()},
            "stats": self.stats,
        }


def build_dataset(
    corpus: Corpus, paths: Sequence[Path | str], out: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
    jobs: int | None = None, homepage: str | None = None, force: bool = False, on_document: DocumentHook | None = None,
    engine: Engine = LOCAL,
) -> BuildResult:
    """Build the dataset folder next to ``out`` and move it into place (an earlier build is replaced).

    Raises :class:`~.target.BuildError` when ``out`` may not be replaced (see :func:`~.target.check_out`)
    or writing fails (disk full, size limit, permissions); ``out`` is then left as it was.
    """
    if homepage is not None:
        check_homepage(homepage)
    if storage.is_url(out):  # an fsspec URL: built locally, then uploaded (.remote)
        return _build_to_url(corpus, paths, storage.location(out), shard_rows=shard_rows, jobs=jobs,
                             homepage=homepage, force=force, on_document=on_document, engine=engine)
    restore_moved_aside(out)  # an earlier build a killed build left aside: back before ``out`` is judged
    check_out(out, corpus.root, force=force)
    remove_stale_staging(out)
    staging = staging_folder(out)
    try:
        tables, numbers = build_folder(corpus, paths, staging, shard_rows=shard_rows, jobs=jobs, homepage=homepage,
                                       on_document=on_document, engine=engine)
        replace_folder(staging, out)
    except OSError as exc:
        raise write_error(out, exc) from None
    finally:
        if staging.exists():
            with contextlib.suppress(OSError):  # the error that ended the build is the one to report
                remove_build(staging)
    return BuildResult(out, tables, numbers)


def _build_to_url(corpus: Corpus, paths: Sequence[Path | str], url: str, *, force: bool,
                  **options: Any) -> BuildResult:
    """:func:`build_dataset` for an fsspec URL: built in a local temporary folder, then uploaded."""
    check_remote_out(url, force=force)
    with tempfile.TemporaryDirectory(prefix="newsspan-build-") as tmp:
        try:
            tables, numbers = build_folder(corpus, paths, Path(tmp), **options)
        except OSError as exc:
            raise write_error(Path(tmp), exc) from None
        upload_folder(Path(tmp), url)
    return BuildResult(Path(url), tables, numbers)


def check_dataset(
    corpus: Corpus, paths: Sequence[Path | str], out: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
    jobs: int | None = None, homepage: str | None = None, on_document: DocumentHook | None = None,
    engine: Engine = LOCAL,
) -> list[tuple[str, str]]:
    """Build into a temporary folder and compare with ``out``: the differences (none when fresh).

    Nothing is written outside the system's temporary folder, which is removed again.
    """
    with tempfile.TemporaryDirectory(prefix="newsspan-check-") as tmp:
        try:
            build_folder(corpus, paths, Path(tmp), shard_rows=shard_rows, jobs=jobs, homepage=homepage,
                         on_document=on_document, engine=engine)
        except OSError as exc:
            raise BuildError(f"{tmp}: building for comparison failed ({exc.strerror or exc})") from None
        return folder_differences(Path(tmp), out)


__all__ = ["BuildError", "BuildResult", "build_dataset", "build_folder", "check_dataset", "check_homepage",
           "folder_differences"]
