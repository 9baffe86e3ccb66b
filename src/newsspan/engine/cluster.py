"""The Dask engine: files partitioned over the workers of a Dask ``distributed`` cluster (extra ``[scale]``).

Partitions are consecutive runs of :data:`PARTITION_FILES` files in file order. Validation maps a
partition to its problems; the client concatenates them in partition order, so the report is the
local engine's. The build has two steps, so that the shards are the local writer's whatever the
partitions:

1. each worker reads, converts and writes its partition's rows per config and split as Arrow IPC
   files into a scratch folder inside the staging folder, and sends back row counts and headers;
2. the client, knowing every partition's row counts, cuts each config and split into the same
   shards the local writer cuts (``shard_rows`` rows each, in document order) and sends one task per
   shard; the worker writes it with the local engine's :class:`~newsspan.dataset.parquet.ShardedWriter`
   (same row groups, same parquet options), reading only the record batches it needs, and moves it
   to its final name.

Every task writes under a fresh temporary name and renames when done, so a task that Dask reruns
after a worker died writes the same bytes again and nothing half-written is kept. The scratch
folder is removed before the client writes the card, Croissant and checksums.
"""

from __future__ import annotations

import logging
import os
import shutil
import uuid
from collections import deque
from collections.abc import Callable, Iterator, Sequence
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


@contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A ``distributed.Client`` of the scheduler at ``scheduler``, or of a new ``LocalCluster`` for ``local``."""
    from distributed import Client, LocalCluster

    if scheduler == "local":
        with LocalCluster(processes=True, threads_per_worker=1, dashboard_address=None,
                          silence_logs=logging.ERROR) as cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="20s")
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

    def _results(self, function: Callable[..., Any], parts: list[Any], *args: Any) -> Iterator[Any]:
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
        for part, problems in zip(parts, self._results(check_partition, parts, root), strict=True):
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
        try:
            parts = partitions([os.path.abspath(file) for file in files], self.partition_files)
            counts: dict[Key, list[tuple[str, int]]] = {}
            documents = 0
            args = (os.path.abspath(corpus.root), str(scratch))
            for index, (rows, headers) in enumerate(self._results(convert_partition, _indexed(parts), *args)):
                for key, n in rows.items():
                    counts.setdefault(key, []).append((part_file(str(scratch), key, index), n))
                documents += len(headers)
                for header in headers if on_document else ():
                    on_document(header)
            written = self._write_shards(counts, folder, shard_rows)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        configs: dict[str, dict[str, Any]] = {config: {} for config in CONFIGS}
        for split in splits():
            for config in CONFIGS:
                shards = written.get((config, split))
                if shards:
                    names = tuple(f"data/{config}/{shard_name(split, i, len(shards))}" for i in range(len(shards)))
                    configs[config][split] = SplitFiles(sum(r for r, _ in shards), sum(b for _, b in shards), names)
        return Tables(configs, documents)

    def _write_shards(self, counts: dict[Key, list[tuple[str, int]]], folder: Path,
                      shard_rows: int) -> dict[Key, list[tuple[int, int]]]:
        """One task per shard; ``(rows, bytes)`` of every shard per config and split, in shard order."""
        from ..dataset.parquet import shard_name

        tasks: list[tuple[Key, Any]] = []
        for (config, split), pieces in counts.items():
            shards = cut(pieces, shard_rows)
            (folder / "data" / config).mkdir(parents=True, exist_ok=True)
            for index, shard in enumerate(shards):
                target = str(folder / "data" / config / shard_name(split, index, len(shards)))
                tasks.append(((config, split), self.client.submit(
                    write_shard, shard, config, split, shard_rows, target, str(folder / SCRATCH), pure=False)))
        written: dict[Key, list[tuple[int, int]]] = {}
        try:
            for key, future in tasks:
                written.setdefault(key, []).append(_result(future))
        finally:
            self.client.cancel([future for _, future in tasks])
        return written


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


def _indexed(parts: list[Sequence[str]]) -> list[tuple[int, Sequence[str]]]:
    return list(enumerate(parts))


def cut(pieces: list[tuple[str, int]], shard_rows: int) -> list[list[tuple[str, int, int]]]:
    """The shards of one config and split: ``(file, offset, length)`` pieces of ``shard_rows`` rows each,
    from the partitions' files of ``(file, rows)`` laid end to end in order."""
    shards: list[list[tuple[str, int, int]]] = [[]]
    room = shard_rows
    for file, rows in pieces:
        offset = 0
        while offset < rows:
            if room == 0:
                shards.append([])
                room = shard_rows
            take = min(room, rows - offset)
            shards[-1].append((file, offset, take))
            offset += take
            room -= take
    return [shard for shard in shards if shard]


def part_file(scratch: str, key: Key, index: int) -> str:
    """Where partition ``index`` keeps its rows of one config and split."""
    return os.path.join(scratch, f"{key[0]}-{key[1]}-{index:06d}.arrow")


# --- on the workers ------------------------------------------------------------------------------------

def check_partition(named: Sequence[tuple[str, str]], root: tuple[str, str]) -> list[Problem]:
    """Every problem of a partition's files, in order (``named``: (name in messages, absolute path) pairs;
    ``root``: the corpus root as given and absolute)."""
    from ..validation.document import check_bytes, read_bytes, seed_reader, unreadable

    shown_seeds = Path(root[0]) / "seeds"
    read_seed = seed_reader(f"{root[1]}/seeds" if storage.is_url(root[1]) else Path(root[1]) / "seeds")
    problems: list[Problem] = []
    for name, path in named:
        data = read_bytes(path, root=root[1])  # confined to the root as on the local engine
        problems += [unreadable(name, data)] if isinstance(data, OSError) else \
            check_bytes(name, data, shown_seeds, read_seed).problems
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


def write_shard(pieces: list[tuple[str, int, int]], config: str, split: str, shard_rows: int, target: str,
                scratch: str) -> tuple[int, int]:
    """Write one shard from its pieces with the local engine's writer; ``(rows, bytes)`` as it counts them."""

    from ..dataset.features import config_features
    from ..dataset.parquet import ROW_GROUP_ROWS, ShardedWriter

    folder = Path(scratch) / f"shard-{uuid.uuid4().hex}"
    folder.mkdir()
    writer = ShardedWriter(folder, split, config_features()[config].arrow_schema, shard_rows, ROW_GROUP_ROWS[config])
    for file, offset, length in pieces:
        for table in _rows(file, offset, length):
            writer.add(table)
    [written] = writer.close()
    os.replace(written, target)
    shutil.rmtree(folder, ignore_errors=True)
    return writer.rows, writer.num_bytes


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
