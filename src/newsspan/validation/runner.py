"""Validating many files: listing them, the incremental cache, a process pool, and loading valid documents.

:func:`validate` reports every problem of a corpus (serially or in ``jobs`` worker processes,
skipping files the cache knows passed); :func:`load_valid` validates and hands back each valid
document with its canonical text, so a command that needs the documents reads each file once.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import threading
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cache as memoise
from itertools import accumulate
from pathlib import Path
from typing import Any, overload

from .. import storage
from ..corpus import Corpus
from ..reading import FolderReader
from ..schema import schema_path
from .cache import CacheReader, CacheWriter, Entry, cache_path, digest
from .document import Checked, check_bytes, check_parsed, read_bytes, seed_reader, unreadable
from .problems import Problem, Report, printable

# --- files -------------------------------------------------------------------------------

def annotation_files(corpus: Corpus, paths: Iterable[Path | str] = ()) -> list[str]:
    """As :meth:`Corpus.annotation_files`, as strings: 100,000 ``Path`` objects would cost ~35 MB.

    Strings are passed through as they are (an already expanded list is not copied string by string).
    """
    named = [p if isinstance(p, str) else str(p) for p in paths]
    if not named:
        return _json_files(str(corpus.annotations_dir))
    found: list[str] = []
    for path in named:
        if storage.is_url(path):
            url = storage.location(path)
            found.extend(storage.json_files(url) if storage.is_dir(url) else [url])
        else:
            found.extend(_json_files(path) if _is_folder(path) else [path])
    return found


class FileNames(Sequence[str]):
    """The sorted ``*.json`` paths of one local folder, held compactly: one string of names and their offsets.

    A list of 100,000 path strings costs ~12 MB (~120 bytes each); this costs ~20 bytes a file. Paths are
    made as they are read (``prefix + name``), in the same order and spelling as :func:`_json_files`.
    """

    def __init__(self, prefix: str, names: list[str]):
        self._prefix = prefix
        self._names = "\0".join(names)  # no POSIX file name holds a NUL
        self._starts = array("L", accumulate((len(n) + 1 for n in names[:-1]), initial=0)) if names else array("L")

    def __len__(self) -> int:
        return len(self._starts)

    @overload
    def __getitem__(self, index: int) -> str: ...

    @overload
    def __getitem__(self, index: slice) -> list[str]: ...

    def __getitem__(self, index: int | slice) -> str | list[str]:
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        start = self._starts[index]
        end = self._names.find("\0", start)
        return self._prefix + self._names[start:] if end < 0 else self._prefix + self._names[start:end]

    def __iter__(self) -> Iterator[str]:
        prefix, names, start = self._prefix, self._names, 0
        for _ in range(len(self)):
            end = names.find("\0", start)
            yield prefix + (names[start:] if end < 0 else names[start:end])
            start = end + 1


def listed_files(corpus: Corpus, paths: Iterable[Path | str] = ()) -> Sequence[str]:
    """:func:`annotation_files`; the whole of a local corpus held compactly (:class:`FileNames`)."""
    if isinstance(paths, FileNames):
        return paths
    named = paths if isinstance(paths, (list, tuple)) else list(paths)
    folder = str(corpus.annotations_dir)
    if named or storage.is_url(folder):
        return annotation_files(corpus, named)
    if not os.path.isdir(folder):
        return []
    names = [name for name in os.listdir(folder) if name.endswith(".json")]
    names.sort()
    return FileNames("" if folder == "." else folder.rstrip(os.sep) + os.sep, names)


def _is_folder(path: str) -> bool:
    """A folder to search for annotation files (a folder named ``*.json`` is an annotation that is not a file)."""
    return not path.endswith(".json") and os.path.isdir(path)


def _json_files(folder: str) -> list[str]:
    """The ``*.json`` files of a folder (none if it does not exist), sorted, as ``Path`` would spell them
    (URLs of an fsspec file system listed by :mod:`newsspan.storage`)."""
    if storage.is_url(folder):
        return storage.json_files(folder)
    if not os.path.isdir(folder):
        return []
    prefix = "" if folder == "." else folder.rstrip(os.sep) + os.sep
    return [prefix + name for name in sorted(e.name for e in os.scandir(folder) if e.name.endswith(".json"))]


# --- one file, with the cache ----------------------------------------------------------------

@dataclass(frozen=True)
class Outcome:
    """A file's outcome in a run: its problems, what the cache should remember (if it passed), whether skipped."""

    problems: list[Problem]
    entry: Entry | None = None
    skipped: bool = False


def cache_key(file: str) -> str:
    """The cache's name for an annotation file: its absolute path (bytes of a name that are not UTF-8 as ``\\xNN``:
    SQLite stores only valid Unicode; an entry is used only when the file's bytes match it anyway)."""
    return printable(os.path.abspath(file))


def check_file(file: str, corpus: Corpus, *, cached: Entry | None = None, want_entry: bool = False,
               files: FolderReader | None = None) -> Outcome:
    """Validate one file; skip it when ``cached`` matches its bytes and its seed's bytes exactly. ``files``: the
    run's reader of the corpus's files (else the file is read on its own, with the same checks)."""
    data = read_bytes(file, corpus.max_bytes, corpus.root, files)
    if isinstance(data, OSError):
        return Outcome([unreadable(file, data).printable()])
    ann_digest = digest(data) if want_entry or cached else b""
    read_seed = seed_reader(corpus.seeds_dir, corpus.max_bytes)
    if cached is not None and cached.annotation == ann_digest:
        seed_data = read_seed(cached.seed_file)
        if not isinstance(seed_data, OSError) and digest(seed_data) == cached.seed:
            return Outcome([], cached, skipped=True)
    checked = check_bytes(file, data, corpus.seeds_dir, read_seed)
    if checked.problems or not want_entry or checked.seed_data is None:
        return Outcome([p.printable() for p in checked.problems])
    return Outcome([], Entry(cache_key(file), ann_digest, checked.seed_file, digest(checked.seed_data)))


def validate_file(path: Path | str, corpus: Corpus) -> list[Problem]:
    """Every problem of one annotation file."""
    return check_file(str(path), corpus).problems


def validate_record(file: str, annotation: bytes | str, seed: bytes | str) -> list[Problem]:
    """Every problem of an annotation and its seed held in memory (a row of a table, not files).

    ``file`` names the annotation in messages and must be ``<id>.json``; the seed's name in the
    annotation is not looked up: ``seed`` is taken to be that file's bytes. This is the unit of
    work when validation runs as a map over dataset shards (docs/scaling.md).
    """
    data = annotation.encode("utf-8") if isinstance(annotation, str) else annotation
    seed_bytes = seed.encode("utf-8") if isinstance(seed, str) else seed
    return check_bytes(file, data, Path("seeds"), lambda _name: seed_bytes).problems


@memoise
def fingerprint() -> str:
    """What a cached result depends on besides the files: the schema, newsspan's version, the validator's code.

    The code is every module validation imports (text rule, model, schema loader, corpus, this package, the
    compiled speedups when they are built).
    """
    from .. import __version__, corpus, model, reading, schema, text
    from . import cache, document, problems, rules, speedups, structure

    modules = (corpus, model, reading, schema, text, cache, document, problems, rules, speedups, structure,
               *filter(None, [speedups.speedups]))
    sources = [Path(__file__).read_bytes(), *(Path(m.__file__).read_bytes() for m in modules)]
    parts = [schema_path().read_bytes(), __version__.encode(), *sources]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


# --- many files ------------------------------------------------------------------------------

_worker: dict[str, Any] = {}


def _init_worker(root: str, max_bytes: int, cache_db: str | None, want_entry: bool) -> None:
    _worker.update(corpus=Corpus(Path(root), max_bytes), reader=CacheReader(Path(cache_db)) if cache_db else None,
                   want_entry=want_entry, files=FolderReader(root, max_bytes))


def _check_in_worker(file: str) -> tuple[str, Outcome]:
    reader = _worker["reader"]
    cached = reader.get(cache_key(file)) if reader and not reader.empty else None
    return file, check_file(file, _worker["corpus"], cached=cached, want_entry=_worker["want_entry"],
                            files=_worker["files"])


def default_jobs() -> int:
    """The CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


#: Below this many files a process pool costs more (start-up, imports) than it saves.
MIN_FILES_PER_WORKER = 200


def _start_method() -> str:
    """fork (fast, no re-import) when this process has no other thread that could hold a lock; else forkserver."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def iter_checked(corpus: Corpus, files: Sequence[str], *, jobs: int = 1, cache_db: Path | None = None,
                 want_entry: bool = False) -> Iterator[tuple[str, Outcome]]:
    """Check ``files`` in order, serially or in a pool of ``jobs`` processes (0: all CPUs)."""
    jobs = min(jobs or default_jobs(), max(1, len(files) // MIN_FILES_PER_WORKER))
    args = (str(corpus.root), corpus.max_bytes, str(cache_db) if cache_db and cache_db.exists() else None, want_entry)
    if jobs <= 1:
        _init_worker(*args)
        try:
            yield from map(_check_in_worker, files)
        finally:
            _worker["files"].close()
            if _worker["reader"]:
                _worker["reader"].close()
        return
    import multiprocessing  # only parallel runs need it (~10 ms to import)

    context = multiprocessing.get_context(_start_method())
    chunk = max(1, min(256, len(files) // (jobs * 16)))
    with context.Pool(jobs, initializer=_init_worker, initargs=args) as pool:
        yield from pool.imap(_check_in_worker, files, chunksize=chunk)


def validate(corpus: Corpus, paths: Iterable[Path | str] = (), *, jobs: int = 1, use_cache: bool = False,
             cache_dir: Path | str | None = None,
             progress: Callable[[int], None] | None = None, stats: dict[str, int] | None = None) -> Report:
    """Validate the annotation files named by ``paths`` (default: all of the corpus).

    ``jobs`` worker processes (1: in this process; 0: one per CPU). With ``use_cache``, files
    unchanged since they last passed are skipped and passing files are recorded (see
    :mod:`newsspan.validation.cache`; ``cache_dir`` or $NEWSSPAN_CACHE_DIR put the cache outside the
    corpus root; without ``use_cache`` nothing is read or written there). ``progress(n)`` is called as
    files complete; ``stats`` receives counts of checked and skipped files. The problems are the same
    whatever the options.
    """
    files = listed_files(corpus, paths)
    use_cache = use_cache and not storage.is_url(corpus.root)  # the cache is local SQLite: not for a corpus at a URL
    writer = _open_cache(cache_path(corpus.root, cache_dir)) if use_cache else None
    report = Report(files=len(files))
    passed: list[Entry] = []
    failed: list[str] = []
    counts = {"checked": 0, "skipped": 0}
    try:
        checked = iter_checked(corpus, files, jobs=jobs, cache_db=writer and writer.path, want_entry=writer is not None)
        for file, outcome in checked:
            counts["skipped" if outcome.skipped else "checked"] += 1
            report.problems += outcome.problems
            if writer:
                _remember(writer, file, outcome, passed, failed)
            if progress:
                progress(1)
    finally:
        if writer:
            writer.record(passed, failed)
            writer.close()
    if stats is not None:
        stats.update(counts)
    return report


def _open_cache(path: Path) -> CacheWriter | None:
    """The cache for this run, or None when it cannot be had (e.g. a read-only root): then every file is checked."""
    try:
        return CacheWriter(path, fingerprint())
    except (OSError, sqlite3.Error):
        return None


def _remember(writer: CacheWriter, file: str, outcome: Outcome, passed: list[Entry], failed: list[str]) -> None:
    """Queue a file's outcome for the cache; flush in batches so memory stays bounded."""
    if outcome.entry and not outcome.skipped:
        passed.append(outcome.entry)
    elif outcome.problems:
        failed.append(cache_key(file))
    if len(passed) + len(failed) >= 2000:
        writer.record(passed, failed)
        passed.clear()
        failed.clear()


# --- valid documents ---------------------------------------------------------------------------

def iter_valid(corpus: Corpus, paths: Iterable[Path | str] = (), *,
               problems: list[Problem] | None = None) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``(file, document, canonical text)`` of every valid file; each file and seed is read once.

    The problems of the files that are not valid are appended to ``problems`` (when given).
    """
    for file in listed_files(corpus, paths):
        checked = load_checked(file, corpus)
        if checked.problems:
            if problems is not None:
                problems += checked.problems
            continue
        yield file, checked.doc, checked.text


def load_valid(corpus: Corpus, paths: Iterable[Path | str] = (), *,
               problems: list[Problem] | None = None) -> Iterator[tuple[dict[str, Any], str]]:
    """``(document, canonical text)`` of every valid annotation file named by ``paths`` (default: all).

    Every file is validated as :func:`validate` does, reading it and its seed once; the problems of
    invalid files are appended to ``problems`` (when given) and those files are left out.
    """
    for _, doc, text in iter_valid(corpus, paths, problems=problems):
        yield doc, text


def load_checked(file: str, corpus: Corpus) -> Checked:
    """One file read, parsed and validated: its document, canonical text and problems."""
    data = read_bytes(file, corpus.max_bytes, corpus.root)
    if isinstance(data, OSError):
        return Checked(problems=[unreadable(file, data).printable()])
    checked = check_bytes(file, data, corpus.seeds_dir, seed_reader(corpus.seeds_dir, corpus.max_bytes))
    checked.problems = [p.printable() for p in checked.problems]
    return checked


def validate_parsed(file: str | Path, doc: Any, corpus: Corpus) -> list[Problem]:
    """Every problem of a document held in memory as if it were the annotation file ``file`` of ``corpus``
    (its seed read from the corpus; the id checked against the file name) — for editors and mergers that
    validate before they write."""
    return check_parsed(str(file), doc, corpus.seeds_dir, seed_reader(corpus.seeds_dir, corpus.max_bytes)).problems
