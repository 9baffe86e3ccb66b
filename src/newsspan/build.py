"""The Hugging Face dataset folder: configs ``documents``, ``ner`` and ``spans`` as sharded parquet.

The build streams: batches of documents are read and turned into Arrow tables of the three
configs (column by column, tokens as numpy arrays: no per-row dicts, no per-token objects) in
worker processes, which send back compact Arrow IPC buffers; the main process only appends them
to per-split parquet writers that cut fixed-size row groups and roll over to a new shard every
``shard_rows`` rows. A few batches are in flight at a time, so memory stays bounded however large
the corpus is. Shards follow the Hub's naming (``data/<config>/<split>-00000-of-00003.parquet``)
and every option of the parquet writer is fixed, so building twice from the same inputs, with any
number of workers, gives byte-identical files.

The declared :class:`datasets.Features` of each config are the single description of its
columns: the Arrow schema of the parquet files and the card's ``dataset_info`` derive from them.

The folder is self-contained: it ships the JSON Schema of the documents and, when the corpus has
them, the annotation guidelines, and its card links to those copies.
"""

from __future__ import annotations

import filecmp
import os
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from datasets import ClassLabel, Features, List, Value

from .corpus import Corpus
from .files import FileExistsRefusal
from .model import LABEL_FIELD, LAYERS, SUBSPANS, span_label
from .schema import annotation_statuses, claim_types, entity_labels, quotation_forms, schema_path, splits, timex_types
from .tokenize import Segmentation, iob2_labels, outermost, segment
from .validate import annotation_files

if TYPE_CHECKING:
    from .card import Links

CONFIGS: tuple[str, ...] = ("documents", "ner", "spans")
DEFAULT_CONFIG = "documents"
DEFAULT_SHARD_ROWS = 50_000
#: Rows buffered before they are written as one parquet row group (documents are large rows).
ROW_GROUP_ROWS: dict[str, int] = {"documents": 128, "ner": 2048, "spans": 4096}
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

#: The closed label set of each layer's label field (ClassLabel names), from the schema.
LABELS: dict[str, tuple[str, ...]] = {
    "entities": entity_labels(), "dates": timex_types(), "quotations": quotation_forms(), "claims": claim_types(),
}
STRING = Value("string")
INT32 = Value("int32")


# --- features ------------------------------------------------------------------------------

def _subspan() -> dict[str, Value]:
    return {"start": INT32, "end": INT32, "text": STRING}


def _evidence() -> List:
    return List({"fact": STRING, "source": STRING})


def _provenance() -> dict[str, Value]:
    """Who or what made a span (guidelines §G7): kind, name, version and who accepted a machine span."""
    return {name: STRING for name in ("kind", "name", "version", "accepted_by", "accepted_on")}


def _span(**attributes: Any) -> List:
    return List({"id": STRING, "start": INT32, "end": INT32, "text": STRING, **attributes,
                 "provenance": _provenance(), "confidence": Value("float64")})


def document_features() -> Features:
    """Columns of the ``documents`` config: every field of the data contract, plus the text."""
    return Features({
        "id": STRING,
        "text": STRING,
        "schema_version": STRING,
        "seed": {"file": STRING, "text_sha256": STRING},
        "metadata": {
            "title": STRING, "publisher": STRING, "url": STRING,
            "published": {"date": STRING, "earliest": STRING, "latest": STRING, "evidence": _evidence()},
            "language": STRING, "license": STRING, "dateline": _subspan(),
            "split": ClassLabel(names=list(splits())), "sources": _evidence(),
        },
        "annotation": {
            "guidelines_version": STRING, "status": ClassLabel(names=list(annotation_statuses())),
            "annotators": List(STRING), "reviewers": List(STRING),
            "created": STRING, "modified": STRING, "notes": STRING,
        },
        "entities": _span(label=ClassLabel(names=list(LABELS["entities"])), kb_id=STRING, note=STRING),
        "dates": _span(type=ClassLabel(names=list(LABELS["dates"])), value=STRING, anchor=STRING, mod=STRING,
                       begin_point=STRING, end_point=STRING, note=STRING),
        "quotations": _span(form=ClassLabel(names=list(LABELS["quotations"])), source=_subspan(), cue=_subspan(),
                            speaker=STRING, note=STRING),
        "claims": _span(checkworthy=Value("bool"), type=ClassLabel(names=list(LABELS["claims"])), claimant=STRING,
                        quotation=STRING, note=STRING),
    })


def ner_features() -> Features:
    """Columns of the ``ner`` config: one sentence per row, conll2003-style, with token offsets."""
    return Features({
        "id": STRING,
        "document_id": STRING,
        "tokens": List(STRING),
        "ner_tags": List(ClassLabel(names=iob2_labels(entity_labels()))),
        "token_starts": List(INT32),
        "token_ends": List(INT32),
    })


#: Layer attributes of the ``spans`` config that are copied from the span as they are.
SPAN_ATTRIBUTES: tuple[str, ...] = (
    "kb_id", "value", "anchor", "mod", "begin_point", "end_point", "speaker", "checkworthy", "claimant", "quotation",
)


def span_features() -> Features:
    """Columns of the ``spans`` config: one row per span of any layer, attributes flattened."""
    attributes = {name: Value("bool") if name == "checkworthy" else STRING for name in SPAN_ATTRIBUTES}
    subspans = {f"{name}_{part}": INT32 if part != "text" else STRING
                for names in SUBSPANS.values() for name in names for part in ("start", "end", "text")}
    return Features({
        "document_id": STRING, "layer": ClassLabel(names=list(LAYERS)), "id": STRING,
        "start": INT32, "end": INT32, "text": STRING, "label": STRING,
        **attributes, **subspans, "note": STRING, "provenance": _provenance(), "confidence": Value("float64"),
    })


def config_features() -> dict[str, Features]:
    """The declared features of every config."""
    return {"documents": document_features(), "ner": ner_features(), "spans": span_features()}


# --- rows (ClassLabel columns hold the label's index, as ``datasets`` stores them) ---------------

@cache
def _index(names: tuple[str, ...]) -> dict[str, int]:
    return {name: i for i, name in enumerate(names)}


def document_row(doc: dict[str, Any], text: str) -> dict[str, Any]:
    """The ``documents`` row of a document."""
    meta, note = doc["metadata"], doc["annotation"]
    return {
        **doc, "text": text,
        "metadata": {**meta, "split": _index(splits())[meta["split"]]},
        "annotation": {**note, "status": _index(annotation_statuses())[note["status"]]},
        **{layer: [{**item, LABEL_FIELD[layer]: _index(LABELS[layer])[item[LABEL_FIELD[layer]]]} for item in doc[layer]]
           for layer in LAYERS},
    }


#: Sub-span columns of the ``spans`` config: (sub-span field, part, column).
SUBSPAN_COLUMNS: tuple[tuple[str, str, str], ...] = tuple(
    (name, part, f"{name}_{part}")
    for names in SUBSPANS.values() for name in names for part in ("start", "end", "text"))


@dataclass
class SpanColumns:
    """``spans`` rows of one or more documents, column by column, in layer order within a document."""

    values: dict[str, list[Any]] = field(default_factory=lambda: {name: [] for name in _span_columns()})

    def add(self, doc: dict[str, Any]) -> None:
        """Append one row per span of ``doc``."""
        values = self.values
        for layer in LAYERS:
            items = [span for span in doc.get(layer) or () if isinstance(span, dict)]
            if not items:
                continue
            values["document_id"].extend([doc["id"]] * len(items))
            values["layer"].extend([_index(LAYERS)[layer]] * len(items))
            values["label"].extend([span_label(layer, span) for span in items])
            for name in ("id", "start", "end", "text"):
                values[name].extend([span[name] for span in items])
            present = set().union(*items)  # attributes no span of the layer has are null
            for name in (*SPAN_ATTRIBUTES, "note", "provenance", "confidence"):
                values[name].extend([span.get(name) for span in items] if name in present else [None] * len(items))
            for name, part, column in SUBSPAN_COLUMNS:
                has_subspan = name in SUBSPANS.get(layer, ())
                values[column].extend([(span.get(name) or {}).get(part) for span in items] if has_subspan
                                      else [None] * len(items))

    def table(self, schema: pa.Schema) -> pa.Table:
        """The rows as an Arrow table of ``schema`` (the ``spans`` config's)."""
        return pa.Table.from_arrays([pa.array(self.values[f.name], f.type) for f in schema], schema=schema)

    def __len__(self) -> int:
        return len(self.values["id"])


@cache
def _span_columns() -> tuple[str, ...]:
    return tuple(span_features())


@dataclass
class NerColumns:
    """``ner`` rows of one or more documents, column by column (token columns flattened, with row offsets)."""

    ids: list[str] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)
    texts: list[bytes] = field(default_factory=list)  # UTF-8, one per document
    byte_edges: list[Any] = field(default_factory=list)  # per document: byte offset of each token start and end
    tags: list[Any] = field(default_factory=list)  # numpy arrays, one per document
    starts: list[Any] = field(default_factory=list)
    ends: list[Any] = field(default_factory=list)
    offsets: list[int] = field(default_factory=lambda: [0])

    def add(self, doc_id: str, text: str, entities: Iterable[tuple[int, int, str]]) -> None:
        """Append the rows of one document: its sentences with IOB2 tags of the outermost entities.

        Every entity boundary is a token boundary (tokens are cut there), so the tags map back to
        exactly the outermost entity spans; sentences an outermost entity would straddle are joined.
        """
        entities = list(entities)
        outer = outermost(entities)
        seg = segment(text, [offset for start, end, _ in entities for offset in (start, end)])
        firsts = whole_entity_sentences(seg, outer)
        base = self.offsets[-1]
        self.ids.extend(f"{doc_id}-{n}" for n in range(len(firsts)))
        self.document_ids.extend([doc_id] * len(firsts))
        self.offsets.extend(base + i for i in [*firsts[1:], len(seg.starts)] if firsts)
        encoded = text.encode("utf-8")
        to_byte = _byte_offsets(text) if len(encoded) != len(text) else None
        edges = np.column_stack((seg.starts, seg.ends)).ravel()
        self.byte_edges.append(edges if to_byte is None else to_byte[edges])
        self.texts.append(encoded)
        self.tags.append(iob2_tag_indices(seg, outer))
        self.starts.append(seg.starts)
        self.ends.append(seg.ends)

    def table(self, schema: pa.Schema) -> pa.Table:
        """The rows as an Arrow table of ``schema`` (the ``ner`` config's)."""
        offsets = pa.array(self.offsets, pa.int32())

        def lists(values: list[Any], value_type: pa.DataType) -> pa.ListArray:
            flat = np.concatenate(values) if values else []
            return pa.ListArray.from_arrays(offsets, pa.array(flat, value_type))

        return pa.Table.from_arrays([
            pa.array(self.ids, pa.string()), pa.array(self.document_ids, pa.string()),
            pa.ListArray.from_arrays(offsets, self._token_strings()),
            lists(self.tags, pa.int64()), lists(self.starts, pa.int32()), lists(self.ends, pa.int32()),
        ], schema=schema)

    def _token_strings(self) -> pa.StringArray:
        """Every token's text, sliced out of the documents' UTF-8 bytes by Arrow (no Python strings).

        The documents' bytes are laid end to end and read as a string array whose values alternate
        token, gap, token, ... (token edges are increasing); taking every other value keeps the tokens.
        """
        bases = np.cumsum([0, *map(len, self.texts)])[:-1]
        edges = np.concatenate([np.zeros(0, np.int64), *(e + b for e, b in zip(self.byte_edges, bases, strict=True))])
        if not len(edges):
            return pa.array([], pa.string())
        laid = pa.StringArray.from_buffers(len(edges) - 1, pa.py_buffer(edges.astype(np.int32)),
                                           pa.py_buffer(b"".join(self.texts)))
        return laid.take(pa.array(np.arange(0, len(edges), 2)))

    def __len__(self) -> int:
        return len(self.ids)


def _byte_offsets(text: str) -> Any:
    """The UTF-8 byte offset of every code-point offset of ``text`` (0 .. len(text))."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    widths = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
    return np.concatenate(([0], np.cumsum(widths)))


def whole_entity_sentences(seg: Segmentation, spans: list[tuple[int, int, str]]) -> list[int]:
    """First token of each sentence, after joining sentences that a span crosses (every span then lies
    inside one sentence). ``spans`` are sorted and disjoint (outermost entities)."""
    firsts = seg.sentence_starts
    if not len(spans) or len(firsts) < 2:
        return firsts.tolist()
    span_starts = np.array([start for start, _, _ in spans], dtype=np.int64)
    span_ends = np.array([end for _, end, _ in spans], dtype=np.int64)
    before = np.searchsorted(span_starts, seg.starts[firsts[1:]]) - 1  # the last span starting before each
    crossed = (before >= 0) & (span_ends[before] > seg.ends[firsts[1:] - 1])  # ... ends after the sentence before
    return [int(firsts[0]), *firsts[1:][~crossed].tolist()]


def iob2_tag_indices(seg: Segmentation, spans: list[tuple[int, int, str]]) -> Any:
    """IOB2 tag indices (``ner_tags`` ClassLabel values) of the tokens, for disjoint outermost ``spans``."""
    tags = np.zeros(len(seg.starts), dtype=np.int64)  # "O"
    if not spans:
        return tags
    begin, inside = _tag_indices()
    firsts = np.searchsorted(seg.starts, [start for start, _, _ in spans])
    stops = np.searchsorted(seg.ends, [end for _, end, _ in spans], "right")  # tokens inside: [first, stop)
    for first, stop, (_, _, label) in zip(firsts.tolist(), stops.tolist(), spans, strict=True):
        if first < stop:
            tags[first] = begin[label]
            tags[first + 1: stop] = inside[label]
    return tags


@cache
def _tag_indices() -> tuple[dict[str, int], dict[str, int]]:
    """The ``ner_tags`` index of each label's B- and I- tag."""
    index = _index(tuple(iob2_labels(entity_labels())))
    return ({label: index[f"B-{label}"] for label in entity_labels()},
            {label: index[f"I-{label}"] for label in entity_labels()})


def ner_rows(doc_id: str, text: str, entities: Iterable[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """The ``ner`` rows of a document (see :meth:`NerColumns.add`)."""
    columns = NerColumns()
    columns.add(doc_id, text, entities)
    return columns.table(ner_features().arrow_schema).to_pylist()


def _entity_triples(doc: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(e["start"], e["end"], e["label"]) for e in doc["entities"]]


@dataclass
class Converted:
    """What a batch of documents becomes: the header of each document (everything but its span layers,
    for :data:`DocumentHook`) and its rows per config and split, in document order, as Arrow IPC streams
    (one contiguous buffer each: much cheaper to send between processes than pickled tables)."""

    headers: list[dict[str, Any]]
    streams: dict[tuple[str, str], bytes]

    @classmethod
    def of(cls, headers: list[dict[str, Any]], tables: dict[tuple[str, str], pa.Table]) -> Converted:
        streams = {}
        for key, table in tables.items():
            sink = pa.BufferOutputStream()
            with pa.ipc.new_stream(sink, table.schema) as writer:
                writer.write_table(table)
            streams[key] = sink.getvalue().to_pybytes()
        return cls(headers, streams)

    def tables(self) -> Iterator[tuple[tuple[str, str], pa.Table]]:
        """``((config, split), table)`` for every config and split with rows."""
        for key, stream in self.streams.items():
            yield key, pa.ipc.open_stream(stream).read_all()


def convert(corpus: Corpus, paths: list[str], schemas: dict[str, pa.Schema]) -> Converted:
    """Read and convert a batch of documents (runs in worker processes: only paths go in, tables come out)."""
    documents: dict[str, list[dict[str, Any]]] = {}
    spans: dict[str, SpanColumns] = {}
    ner: dict[str, NerColumns] = {}
    headers = []
    for path in paths:
        doc, text = corpus.load(Path(path))
        split = doc["metadata"]["split"]
        documents.setdefault(split, []).append(document_row(doc, text))
        spans.setdefault(split, SpanColumns()).add(doc)
        ner.setdefault(split, NerColumns()).add(doc["id"], text, _entity_triples(doc))
        headers.append({key: value for key, value in doc.items() if key not in LAYERS})
    tables = {("documents", split): pa.Table.from_pylist(rows, schema=schemas["documents"])
              for split, rows in documents.items()}
    for config, columns_by_split in (("ner", ner), ("spans", spans)):
        tables.update({(config, split): columns.table(schemas[config])
                       for split, columns in columns_by_split.items() if len(columns)})
    return Converted.of(headers, tables)


def converted_batches(
    corpus: Corpus, paths: Iterable[Path | str], jobs: int, batch_size: int = 32,
) -> Iterator[Converted]:
    """:func:`convert` over batches of ``paths``, in ``jobs`` worker processes when jobs > 1.

    Order is kept, and only a few batches are in flight at a time, so memory stays bounded.
    """
    schemas = {config: features.arrow_schema for config, features in config_features().items()}
    remaining = iter(paths)
    batches = iter(lambda: [str(path) for path in islice(remaining, batch_size)], [])
    if jobs <= 1:
        for batch in batches:
            yield convert(corpus, batch, schemas)
        return
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pending: deque[Any] = deque()
        for batch in batches:
            pending.append(pool.apply_async(convert, (corpus, batch, schemas)))
            while len(pending) > 2 * jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()


# --- writing -----------------------------------------------------------------------------------

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
        """Append rows (a table of ``schema``; ClassLabel values as indices, see the ``*_row`` functions)."""
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


# --- the dataset folder --------------------------------------------------------------------------

def default_jobs(documents: int) -> int:
    """Worker processes for tokenising: one per available core, none for small corpora."""
    if documents < PARALLEL_FROM:
        return 1
    return max(1, min(len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1, 8))


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
    from .card import GUIDELINES_NAME, SCHEMA_NAME, Links, stated_version

    shutil.copyfile(schema_path(), folder / SCHEMA_NAME)
    guidelines = corpus.root / GUIDELINES_SOURCE
    if not guidelines.is_file():
        return Links(homepage)
    shutil.copyfile(guidelines, folder / GUIDELINES_NAME)
    return Links(homepage, True, stated_version(guidelines.read_text(encoding="utf-8", errors="replace")))


def build_folder(
    corpus: Corpus, paths: Sequence[Path | str], folder: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
    jobs: int | None = None, homepage: str | None = None, on_document: DocumentHook | None = None,
) -> tuple[Tables, dict[str, Any]]:
    """Write the complete dataset folder (data, card, Croissant, schema, guidelines, checksums) into ``folder``.

    ``homepage`` (optional) is the public address the card and Croissant cite; without it they cite none.
    Returns the tables written and the corpus statistics the card reports.
    """
    from . import card, stats

    if homepage is not None:
        check_homepage(homepage)
    files = annotation_files(corpus, paths)  # strings: 100,000 Path objects would cost ~35 MB
    facts = card.CorpusFacts()

    def hook(header: dict[str, Any]) -> None:
        facts.add(header)
        if on_document:
            on_document(header)

    tables = write_tables(corpus, files, folder, shard_rows=shard_rows,
                          jobs=default_jobs(len(files)) if jobs is None else jobs, on_document=hook)
    numbers = stats.compute(folder, tables)
    links = ship_references(corpus, folder, homepage)
    card.write_card(folder, tables, numbers, facts, links)
    card.write_croissant(folder, tables, facts, numbers, links)
    card.write_manifest(folder)
    return tables, numbers


MANIFEST = "SHA256SUMS"


def is_build(folder: Path) -> bool:
    """Whether ``folder`` is a dataset folder this module wrote (its checksum manifest is there)."""
    return (folder / MANIFEST).is_file() and (folder / "README.md").is_file()


def refuse_foreign(out: Path, *, force: bool = False) -> None:
    """Raise unless ``out`` is absent, empty, a previous build, or ``force`` allows replacing it."""
    if out.exists() and not force and not is_build(out) and (out.is_file() or any(out.iterdir())):
        raise FileExistsRefusal(f"{out}: exists and is not a newsspan dataset folder; refusing to replace it "
                                "(use --force to replace it)")


def _publishable_modes(folder: Path) -> None:
    """Ordinary permissions (temp folders and files are created private): 0755/0644 under the umask."""
    umask = os.umask(0)
    os.umask(umask)
    for path in [folder, *folder.rglob("*")]:
        path.chmod((0o777 if path.is_dir() else 0o666) & ~umask)


def replace_folder(staging: Path, out: Path) -> None:
    """Move a finished build into place, replacing what is at ``out``."""
    _publishable_modes(staging)
    old = None
    if out.exists():
        old = out.with_name(f".{out.name}.old-{os.getpid()}")
        out.rename(old)
    staging.rename(out)
    if old is not None:
        shutil.rmtree(old) if old.is_dir() else old.unlink()


def staging_folder(out: Path) -> Path:
    """A fresh empty folder next to ``out`` (same file system, so the final move is a rename)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(dir=out.parent, prefix=f".{out.name}.build-"))


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
            "out": str(self.out),
            "documents": self.tables.documents,
            "configs": {config: {split: {"rows": f.rows, "files": list(f.files)} for split, f in splits_.items()}
                        for config, splits_ in self.tables.configs.items()},
            "stats": self.stats,
        }


def build_dataset(
    corpus: Corpus, paths: Sequence[Path | str], out: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
    jobs: int | None = None, homepage: str | None = None, force: bool = False, on_document: DocumentHook | None = None,
) -> BuildResult:
    """Build the dataset folder next to ``out`` and move it into place (a previous build is replaced)."""
    if homepage is not None:
        check_homepage(homepage)
    refuse_foreign(out, force=force)
    staging = staging_folder(out)
    try:
        tables, numbers = build_folder(corpus, paths, staging, shard_rows=shard_rows, jobs=jobs, homepage=homepage,
                                       on_document=on_document)
        replace_folder(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)
    return BuildResult(out, tables, numbers)


def check_dataset(
    corpus: Corpus, paths: Sequence[Path | str], out: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
    jobs: int | None = None, homepage: str | None = None, on_document: DocumentHook | None = None,
) -> list[tuple[str, str]]:
    """Build into a temporary folder and compare with ``out``: the differences (none when fresh)."""
    with tempfile.TemporaryDirectory(prefix="newsspan-check-") as tmp:
        build_folder(corpus, paths, Path(tmp), shard_rows=shard_rows, jobs=jobs, homepage=homepage,
                     on_document=on_document)
        return folder_differences(Path(tmp), out)


def load_summary(out: Path, cache_dir: Path | None = None) -> list[dict[str, Any]]:
    """Load every config with ``datasets.load_dataset`` and count rows and spans per layer per split.

    Loads into a temporary cache unless ``cache_dir`` is given, so checking a build leaves no cache behind.
    """
    import datasets
    from datasets.utils import logging as datasets_logging

    rows: list[dict[str, Any]] = []
    bars = datasets_logging.is_progress_bar_enabled()
    datasets_logging.disable_progress_bar()
    with tempfile.TemporaryDirectory(prefix="newsspan-load-") as tmp:
        for config in CONFIGS:
            if not (out / "data" / config).is_dir():
                continue
            loaded = datasets.load_dataset(str(out), config, cache_dir=str(cache_dir or tmp))
            for split, ds in loaded.items():
                rows.append({"config": config, "split": split, "rows": ds.num_rows,
                             "spans": _loaded_spans(config, ds)})
            del loaded
    if bars:
        datasets_logging.enable_progress_bar()
    return rows


def _loaded_spans(config: str, ds: Any) -> dict[str, int]:
    """Spans per layer in a loaded split: list lengths (documents), layer counts (spans), B- tags (ner)."""
    import pyarrow.compute as pc

    table = ds.data.table
    if config == "documents":
        return {layer: pc.sum(pc.list_value_length(table.column(layer))).as_py() or 0 for layer in LAYERS}
    if config == "spans":
        names = ds.features["layer"].names
        counts = {names[item["values"]]: item["counts"] for item in pc.value_counts(table.column("layer")).to_pylist()}
        return {layer: counts.get(layer, 0) for layer in LAYERS}
    tags = ds.features["ner_tags"].feature.names
    begins = pa.array([i for i, tag in enumerate(tags) if tag.startswith("B-")], pa.int64())
    flat = pc.list_flatten(table.column("ner_tags"))
    return {"entities": pc.sum(pc.is_in(flat, value_set=begins)).as_py() or 0}
