"""The Dask engine: files partitioned over the workers of a Dask ``distributed`` cluster (extra ``[scale]``).

Partitions are consecutive runs of :data:`PARTITION_FILES` files in file order; only file names go
through the scheduler, and only small summaries come back. Validation maps a partition to its
problems; the client concatenates them in partition order, so the report is the local engine's.
The build writes the local writer's shards whatever the partitions, in two kinds of task that overlap:

1. a partition task reads, converts and writes its partition's rows per config and split as Arrow
   IPC files into a scratch folder inside the staging folder, and sends back row counts and the
   documents' headers (for the card's facts);
2. as the row counts arrive in partition order, the client cuts each config and split into the
   shards the local writer cuts (``shard_rows`` rows each, in document order) and submits a shard
   task as soon as a shard's rows are all written (the last, shorter shards at the end); the worker
   writes it with the local engine's :class:`~newsspan.dataset.parquet.ShardedWriter` (same row
   groups, same parquet options), reading only the record batches it needs, counts the card's
   statistics in it, and sends back its row and byte counts and those statistics. Scratch files are
   removed as soon as every shard reading them is written, so the scratch folder holds a few
   partitions, not the corpus.

Shards are written under their index and renamed by the client to their final names
(``<split>-0000k-of-0000n.parquet``) once the total is known. Every task writes under a fresh
temporary name and renames when done, so a task that Dask reruns after a worker died writes the
same bytes again and nothing half-written is kept. The scratch folder is removed before the client
writes the card, Croissant and checksums.
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import tempfile
import uuid
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from .. import storage
from ..corpus import Corpus
from ..validation import Problem, Report
from . import EngineError

#: Files per partition (one task). The output does not depend on it; only scheduling overhead does.
PARTITION_FILES = 500
#: Partition tasks submitted per worker ahead of the one whose result is read next.
IN_FLIGHT = 4
#: The scratch folder of the build's first step, inside the staging folder (removed before checksums).
SCRATCH = ".engine-parts"

Key = tuple[str, str]  # (config, split)
Piece = tuple[str, int, int]  # rows of a partition's scratch file: (file, offset, length)


@contextmanager
def local_cluster(**options: Any) -> Iterator[Any]:
    """A ``distributed.LocalCluster`` of single-threaded worker processes whose scratch space (spilled data,
    worker folders) is a fresh temporary folder, removed on exit: never the current folder or the repository."""
    from distributed import LocalCluster

    settings: dict[str, Any] = {"processes": True, "threads_per_worker": 1, "dashboard_address": None,
                                "silence_logs": logging.ERROR, **options}
    with tempfile.TemporaryDirectory(prefix="newsspan-dask-", ignore_cleanup_errors=True) as scratch, \
            LocalCluster(local_directory=scratch, **settings) as cluster:
        yield cluster


@contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``scheduler``, or of a new :func:`local_cluster` for ``local``."""
    from distributed import Client

    if scheduler == "local":
        with local_cluster() as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler)  # gives up after Dask's distributed.comm.timeouts.connect (30 s by default)
    except (OSError, ValueError, TypeError) as exc:
        raise EngineError(f"--scheduler {scheduler}: expected a running Dask scheduler (tcp://HOST:8786) or "
                          f"'local'; could not connect ({exc})") from None
    with client:
        yield client


def partitions(items: Sequence[Any], size: int = PARTITION_FILES) -> list[Sequence[Any]]:
    """``items`` cut into consecutive runs of ``size`` (the last one shorter), in order."""
    return [items[i:i + size] for i in range(0, len(items), size)]


class DaskEngine:
    """Validation and the build's parquet shards on the workers of ``client``."""

    name = "dask"

    def __init__(self, client: Any, partition_files: int = PARTITION_FILES):
        self.client = client
        self.partition_files = partition_files

    def _results(self, function: Callable[..., Any], parts: Iterable[Any], *args: Any) -> Iterator[Any]:
        """``function(part, *args)`` for every part on the cluster; results in part order.

        At most :data:`IN_FLIGHT` tasks per worker are submitted ahead of the result being read, so
        finished results waiting for an earlier one never pile up on the workers.
        """
        window = IN_FLIGHT * max(1, len(self.client.scheduler_info().get("workers", {})))
        pending: deque[Any] = deque()
        try:
            for part in parts:
                pending.append(self.client.submit(function, part, *args, pure=False))
                while len(pending) >= window:
                    yield _result(pending[0])
                    pending.popleft().release()
            while pending:
                yield _result(pending[0])
                pending.popleft().release()
        finally:
            self.client.cancel(list(pending))

    def validate(self, corpus: Corpus, files: list[str], *, jobs: int = 1, use_cache: bool = False,
                 progress: Callable[[int], None] | None = None, stats: dict[str, int] | None = None,
                 **_: object) -> Report:
        """Every problem of ``files`` in file order. Workers share no cache: every file is checked."""
        named = [(file, _absolute(file)) for file in files]
        report = Report(files=len(files))
        root = (str(corpus.root), _absolute(corpus.root))
        parts = partitions(named, self.partition_files)
        checked = self._results(check_partition, parts, root, corpus.max_bytes)
        for part, problems in zip(parts, checked, strict=True):
            report.problems += problems
            for _ in part if progress else ():
                progress(1)
        if stats is not None:
            stats.update(checked=len(files), skipped=0)
        return report

    def write_tables(self, corpus: Corpus, files: list[str], folder: Path, *, shard_rows: int, jobs: int = 1,
                     on_document: Callable[[dict[str, Any]], None] | None = None) -> Any:
        """The local engine's parquet shards, written by the workers (see the module's description)."""
        from ..dataset.features import CONFIGS
        from ..dataset.parquet import SplitFiles, Tables, shard_name
        from ..schema import splits

        if shard_rows < 1:
            raise ValueError(f"shard_rows: expected a positive number of rows; found {shard_rows}")
        scratch = folder / SCRATCH
        scratch.mkdir(parents=True, exist_ok=True)
        shards = ShardTasks(self.client, str(scratch), shard_rows)
        documents = 0
        try:
            parts = enumerate([os.path.abspath(f) for f in part] for part in partitions(files, self.partition_files))
            args = (os.path.abspath(corpus.root), str(scratch))
            for index, (rows, headers) in enumerate(self._results(convert_partition, parts, *args)):
                for key, n in rows.items():
                    shards.add(key, part_file(str(scratch), key, index), n)
                shards.collect()
                documents += len(headers)
                for header in headers if on_document else ():
                    on_document(header)
            written = shards.finish()
            counted: dict[str, Any] = {}
            for (config, split), done in written.items():
                (folder / "data" / config).mkdir(parents=True, exist_ok=True)
                for index, (_, _, counts) in enumerate(done):
                    name = f"data/{config}/{shard_name(split, index, len(done))}"
                    os.replace(shards.target(config, split, index), folder / name)
                    if counts is not None:
                        counted[name] = counts
        finally:
            shards.cancel()
            shutil.rmtree(scratch, ignore_errors=True)
        configs: dict[str, dict[str, Any]] = {config: {} for config in CONFIGS}
        for split in splits():
            for config in CONFIGS:
                done = written.get((config, split))
                if done:
                    names = tuple(f"data/{config}/{shard_name(split, i, len(done))}" for i in range(len(done)))
                    configs[config][split] = SplitFiles(sum(r for r, _, _ in done), sum(b for _, b, _ in done),
                                                        names)
        return Tables(configs, documents, counted)


class ShardCutter:
    """Cuts one config and split into shards of ``shard_rows`` rows, in order, as partitions' row counts arrive."""

    def __init__(self, shard_rows: int):
        self.shard_rows = shard_rows
        self.current: list[Piece] = []  # the shard being filled
        self.room = shard_rows

    def add(self, file: str, rows: int) -> list[list[Piece]]:
        """Lay ``rows`` rows of ``file`` after those seen so far; the shards this completes."""
        full: list[list[Piece]] = []
        offset = 0
        while offset < rows:
            take = min(self.room, rows - offset)
            self.current.append((file, offset, take))
            offset += take
            self.room -= take
            if self.room == 0:
                full.append(self.current)
                self.current, self.room = [], self.shard_rows
        return full

    def rest(self) -> list[list[Piece]]:
        """The last, shorter shard (none when the rows filled whole shards)."""
        return [self.current] if self.current else []


class ShardTasks:
    """The client's side of the shards: a task per shard as soon as its rows are known, scratch files removed
    once every shard that reads them is written.

    Shards are written under their index in the scratch folder (the total, part of the final name, is known
    only at the end); :meth:`finish` returns ``(rows, bytes)`` per shard, and the caller renames them.
    """

    def __init__(self, client: Any, scratch: str, shard_rows: int):
        self.client, self.scratch, self.shard_rows = client, scratch, shard_rows
        self.cutters: dict[Key, ShardCutter] = {}
        self.running: dict[tuple[Key, int], tuple[Any, set[str]]] = {}
        self.written: dict[Key, dict[int, tuple[int, int, Any]]] = {}
        self.readers: dict[str, int] = {}  # scratch file -> shards submitted and not yet written that read it
        self.submitted: dict[Key, int] = {}  # shards submitted so far per config and split (the next one's index)

    def target(self, config: str, split: str, index: int) -> str:
        """Where shard ``index`` of a config and split is written before it gets its final name."""
        return os.path.join(self.scratch, f"shard-{config}-{split}-{index:05d}.parquet")

    def add(self, key: Key, file: str, rows: int) -> None:
        """``rows`` more rows of ``key`` in ``file``: submit every shard they complete."""
        for pieces in self.cutters.setdefault(key, ShardCutter(self.shard_rows)).add(file, rows):
            self._submit(key, pieces)

    def _submit(self, key: Key, pieces: list[Piece]) -> None:
        index = self.submitted.get(key, 0)
        self.submitted[key] = index + 1
        self.written.setdefault(key, {})
        future = self.client.submit(write_shard, pieces, key[0], key[1], self.shard_rows,
                                    self.target(*key, index), self.scratch, pure=False, priority=1)
        files = {file for file, _, _ in pieces}
        for file in files:
            self.readers[file] = self.readers.get(file, 0) + 1
        self.running[key, index] = (future, files)

    def collect(self, wait: bool = False) -> None:
        """Record the shards written (all of them when ``wait``); remove scratch files no shard needs any more."""
        for (key, index), (future, files) in list(self.running.items()):
            if not (wait or future.done()):
                continue
            self.written[key][index] = _result(future)
            del self.running[key, index]
            future.release()
            needed = {file for file, _, _ in self.cutters[key].current}
            for file in files:
                self.readers[file] -= 1
                if not self.readers[file] and file not in needed:
                    with contextlib.suppress(OSError):
                        os.remove(file)

    def finish(self) -> dict[Key, list[tuple[int, int, Any]]]:
        """Submit the last shard of every config and split (the documents' first: the largest rows), wait for all
        shards; ``(rows, bytes, statistics)`` of every shard per config and split, in shard order."""
        for key in sorted(self.cutters, key=lambda key: key[0] != "documents"):
            for pieces in self.cutters[key].rest():
                self._submit(key, pieces)
            self.cutters[key].current = []
        self.collect(wait=True)
        return {key: [done[i] for i in range(len(done))] for key, done in self.written.items()}

    def cancel(self) -> None:
        """Cancel the shards still running (the work was abandoned)."""
        self.client.cancel([future for future, _ in self.running.values()])


def _result(future: Any) -> Any:
    """A future's result; a task lost with its workers (Dask gave up) or cancelled (the cluster restarted) is an
    :class:`EngineError`."""
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    try:
        return future.result()
    except KilledWorker as exc:
        raise EngineError(f"Dask workers died repeatedly while running {exc.task!r}; the work was abandoned "
                          "(nothing was written)") from None
    except CancelledError:
        raise EngineError("the Dask cluster cancelled the work (restarted or shut down); "
                          "the work was abandoned (nothing was written)") from None


def _absolute(path: str | Path) -> str:
    """A local path made absolute (workers may run elsewhere); an fsspec URL as it is."""
    return storage.location(path) if storage.is_url(path) else os.path.abspath(path)


def part_file(scratch: str, key: Key, index: int) -> str:
    """Where partition ``index`` keeps its rows of one config and split."""
    return os.path.join(scratch, f"{key[0]}-{key[1]}-{index:06d}.arrow")


# --- on the workers ------------------------------------------------------------------------------------

def check_partition(named: Sequence[tuple[str, str]], root: tuple[str, str], limit: int) -> list[Problem]:
    """Every problem of a partition's files, in order, as :func:`newsspan.validation.runner.check_file` reports them
    (printable; files and seeds within ``limit`` bytes). ``named``: (name in messages, absolute path) pairs;
    ``root``: the corpus root as given and absolute."""
    from ..reading import FolderReader
    from ..validation.document import check_bytes, read_bytes, seed_reader, unreadable

    shown_seeds = Path(root[0]) / "seeds"
    read_seed = seed_reader(f"{root[1]}/seeds" if storage.is_url(root[1]) else Path(root[1]) / "seeds", limit)
    problems: list[Problem] = []
    with FolderReader(root[1], limit) as files:  # confined to the root as on the local engine
        for name, path in named:
            data = read_bytes(path, limit, root=root[1], files=files)
            found = [unreadable(name, data)] if isinstance(data, OSError) else \
                check_bytes(name, data, shown_seeds, read_seed).problems
            problems += [p.printable() for p in found]
    return problems


def convert_partition(indexed: tuple[int, Sequence[str]], root: str, scratch: str) -> tuple[dict[Key, int], list[Any]]:
    """Convert a partition's documents; its rows per config and split go to Arrow IPC files in ``scratch``.

    Returns the row counts and the documents' headers, in order.
    """
    import pyarrow as pa

    from ..dataset.rows import converted_batches

    index, paths = indexed
    writers: dict[Key, tuple[Any, Any, str]] = {}
    rows: dict[Key, int] = {}
    headers: list[Any] = []
    try:
        for batch in converted_batches(Corpus(Path(root)), paths, 1):
            for key, table in batch.tables():
                if key not in writers:
                    tmp = f"{part_file(scratch, key, index)}.{uuid.uuid4().hex}.tmp"
                    sink = pa.OSFile(tmp, "wb")
                    writers[key] = (sink, pa.ipc.new_file(sink, table.schema), tmp)
                writers[key][1].write_table(table)
                rows[key] = rows.get(key, 0) + table.num_rows
            headers += batch.headers
    finally:
        for sink, writer, _ in writers.values():
            writer.close()
            sink.close()
    for key, (_, _, tmp) in writers.items():
        os.replace(tmp, part_file(scratch, key, index))
    return rows, headers


def write_shard(pieces: list[Piece], config: str, split: str, shard_rows: int, target: str,
                scratch: str) -> tuple[int, int, Any]:
    """Write one shard from its pieces with the local engine's writer; ``(rows, bytes)`` as it counts them and
    the statistics the card needs of it (:func:`newsspan.dataset.stats.file_counts`), so the client need not
    read it again."""
    from ..dataset.features import config_features
    from ..dataset.parquet import ROW_GROUP_ROWS, ShardedWriter
    from ..dataset.stats import COUNTED_CONFIGS, file_counts

    folder = Path(scratch) / f"shard-{uuid.uuid4().hex}"
    folder.mkdir()
    writer = ShardedWriter(folder, split, config_features()[config].arrow_schema, shard_rows, ROW_GROUP_ROWS[config])
    for file, offset, length in pieces:
        for table in _rows(file, offset, length):
            writer.add(table)
    [written] = writer.close()
    os.replace(written, target)
    shutil.rmtree(folder, ignore_errors=True)
    counts = file_counts(Path(target).parent, config, Path(target).name) if config in COUNTED_CONFIGS else None
    return writer.rows, writer.num_bytes, counts


def _rows(file: str, offset: int, length: int) -> Iterator[Any]:
    """Rows ``offset .. offset + length`` of a partition's IPC file, a record batch (32 documents) at a time:
    only the batches needed are read, so memory stays bounded by a batch whatever the shard size."""
    import pyarrow as pa

    with pa.OSFile(file) as source:
        reader = pa.ipc.open_file(source)
        start, stop = 0, offset + length
        for index in range(reader.num_record_batches):
            if start >= stop:
                return
            batch = reader.get_batch(index)
            end = start + batch.num_rows
            if end > offset:
                low = max(offset - start, 0)
                yield pa.Table.from_batches([batch.slice(low, min(stop, end) - start - low)])
            start = end
