"""The tables written as sharded parquet, byte for byte the same for the same inputs.

The main process appends the tables the converters send back to per-split writers that cut
fixed-size row groups and roll over to a new shard every ``shard_rows`` rows, so memory stays
bounded however large the corpus is. Shards follow the Hub's naming
(``data/<config>/<split>-00000-of-00003.parquet``) and every option of the parquet writer is fixed,
so building twice from the same inputs, with any number of workers, gives byte-identical files.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..corpus import Corpus
from ..schema import splits
from .features import CONFIGS, config_features
from .rows import converted_batches

DEFAULT_SHARD_ROWS = 50_000
#: Rows buffered before they are written as one parquet row group (documents are large rows).
ROW_GROUP_ROWS: dict[str, int] = {"documents": 128, "ner": 2048, "spans": 4096, "token_spans": 2048,
                                  "claim_sentences": 2048, "quotation_attribution": 4096, "dates": 4096}
#: Every parquet writer option, fixed: the same rows always give the same bytes.
PARQUET_OPTIONS: dict[str, Any] = {
    "version": "2.6",
    "compression": "zstd",
    "compression_level": 3,
    "use_dictionary": True,
    "write_statistics": True,
    "data_page_size": 1 << 20,
    "store_schema": True,
}
#: Below this many documents the tokenizer runs in-process (starting workers costs more than it saves).
PARALLEL_FROM = 400


def default_jobs(documents: int) -> int:
    """Worker processes for tokenising: one per available core, none for small corpora."""
    if documents < PARALLEL_FROM:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


def shard_name(split: str, index: int, total: int) -> str:
    """The Hub's shard naming, which ``load_dataset`` (also streaming) understands."""
    return f"{split}-{index:05d}-of-{total:05d}.parquet"


@dataclass
class ShardedWriter:
    """Appends rows of one config and split to parquet shards of at most ``shard_rows`` rows.

    Row groups hold ``row_group_rows`` rows (fewer at the end of a shard and of the split),
    however the rows arrive.
    """

    folder: Path
    split: str
    schema: pa.Schema
    shard_rows: int
    row_group_rows: int
    rows: int = 0
    num_bytes: int = 0
    shards: list[Path] = field(default_factory=list)
    _pending: list[pa.Table] = field(default_factory=list)
    _pending_rows: int = 0
    _writer: pq.ParquetWriter | None = None
    _in_shard: int = 0

    def add(self, table: pa.Table) -> None:
        """Append rows (a table of ``schema``; ClassLabel values as indices, see :mod:`.rows`)."""
        self._pending.append(table)
        self._pending_rows += table.num_rows
        while self._pending_rows and self._pending_rows >= self._group_size():
            self._write(self._group_size())

    def _group_size(self) -> int:
        return min(self.row_group_rows, self.shard_rows - self._in_shard)

    def _write(self, size: int) -> None:
        """Write the first ``size`` pending rows as one row group."""
        pending = pa.concat_tables(self._pending)
        self._pending = [pending.slice(size)] if pending.num_rows > size else []
        self._pending_rows -= size
        group = contiguous(pending.slice(0, size))
        if self._writer is None:
            self.shards.append(self.folder / f".{self.split}-{len(self.shards):05d}.parquet.tmp")
            self._writer = pq.ParquetWriter(self.shards[-1], self.schema, **PARQUET_OPTIONS)
        self._writer.write_table(group, row_group_size=size)
        self.rows += size
        self.num_bytes += group.nbytes
        self._in_shard += size
        if self._in_shard >= self.shard_rows:
            self._close_shard()

    def _close_shard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._in_shard = 0

    def close(self) -> list[Path]:
        """Write what is pending and give the shards their final names; returns them."""
        while self._pending_rows:
            self._write(min(self._pending_rows, self._group_size()))
        self._close_shard()
        final = [self.folder / shard_name(self.split, i, len(self.shards)) for i in range(len(self.shards))]
        for tmp, path in zip(self.shards, final, strict=True):
            tmp.rename(path)
        self.shards = final
        return final


def contiguous(table: pa.Table) -> pa.Table:
    """``table`` as one chunk in freshly allocated arrays (the same bytes and ``nbytes`` as
    ``Table.from_pylist`` of its rows, however it was sliced and concatenated)."""
    return pa.Table.from_arrays([pa.concat_arrays(column.chunks) for column in table.columns], schema=table.schema)


@dataclass(frozen=True)
class SplitFiles:
    """What was written for one config and split."""

    rows: int
    num_bytes: int
    files: tuple[str, ...]  # relative to the dataset folder


@dataclass
class Tables:
    """The written data files: config -> split -> files, in split order."""

    configs: dict[str, dict[str, SplitFiles]]
    documents: int
    #: Statistics of some files counted where they were written (file -> :func:`.stats.file_counts`), so the
    #: caller need not read them again; files not in it are read by :func:`.stats.compute`.
    counted: dict[str, Any] = field(default_factory=dict)

    def splits(self, config: str) -> list[str]:
        return list(self.configs[config])


#: Called once per document written, with its header: every field but the span layers.
DocumentHook = Callable[[dict[str, Any]], None]


def write_tables(
    corpus: Corpus, paths: Iterable[Path | str], folder: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
    jobs: int = 1, on_document: DocumentHook | None = None,
) -> Tables:
    """Write the parquet shards of every config into ``folder/data``, a batch of documents at a time.

    Documents are read and converted in ``jobs`` worker processes (when jobs > 1); this process only
    writes the tables they send back, so the files are the same for any number of jobs.
    """
    if shard_rows < 1:
        raise ValueError(f"shard_rows: expected a positive number of rows; found {shard_rows}")
    schemas = {config: features.arrow_schema for config, features in config_features().items()}
    writers: dict[tuple[str, str], ShardedWriter] = {}
    documents = 0
    for batch in converted_batches(corpus, _expanded(corpus, paths), jobs):
        for (config, split), table in batch.tables():
            if (config, split) not in writers:
                target = folder / "data" / config
                target.mkdir(parents=True, exist_ok=True)
                writers[config, split] = ShardedWriter(target, split, schemas[config], shard_rows,
                                                       ROW_GROUP_ROWS[config])
            writers[config, split].add(table)
        documents += len(batch.headers)
        for header in batch.headers if on_document else ():
            on_document(header)
    return Tables(_close_all(writers, folder), documents)


def _expanded(corpus: Corpus, paths: Iterable[Path | str]) -> Iterator[Path | str]:
    """``Corpus.annotation_files(paths)`` lazily: files as given, folders expanded (no second list in memory)."""
    given = False
    for path in paths:
        given = True
        yield from corpus.annotation_files([Path(path)]) if Path(path).is_dir() else [path]
    if not given:
        yield from corpus.annotation_files()


def _close_all(writers: dict[tuple[str, str], ShardedWriter], folder: Path) -> dict[str, dict[str, SplitFiles]]:
    configs: dict[str, dict[str, SplitFiles]] = {config: {} for config in CONFIGS}
    for split in splits():  # schema order: train, validation, test
        for config in CONFIGS:
            w = writers.get((config, split))
            if w is None:
                continue
            files = tuple(p.relative_to(folder).as_posix() for p in w.close())
            if w.rows:  # load_dataset refuses a split without rows
                configs[config][split] = SplitFiles(w.rows, w.num_bytes, files)
    return configs
