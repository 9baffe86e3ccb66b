"""Documents turned into Arrow tables of every config, column by column.

Tables are built column by column (tokens as numpy arrays: no per-row dicts, no per-token objects),
in worker processes for large corpora, which send back compact Arrow IPC buffers. ClassLabel
columns hold the label's index, as ``datasets`` stores them.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from itertools import islice
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from ..corpus import Corpus
from ..iob import outermost, tag_indices, whole_span_sentences
from ..model import LABEL_FIELD, LAYERS, SUBSPANS, span_label
from ..schema import annotation_statuses, splits
from ..tokenize import segment
from .features import (
    LABELS,
    SPAN_ATTRIBUTES,
    SUBSPAN_COLUMNS,
    config_features,
    label_index,
    ner_features,
    span_features,
)

#: Documents read and converted together (one unit of work for a worker process).
BATCH_SIZE = 32


def document_row(doc: dict[str, Any], text: str) -> dict[str, Any]:
    """The ``documents`` row of a document."""
    meta, note = doc["metadata"], doc["annotation"]
    return {
        **doc, "text": text,
        "metadata": {**meta, "split": label_index(splits())[meta["split"]]},
        "annotation": {**note, "status": label_index(annotation_statuses())[note["status"]]},
        **{layer: [{**item, LABEL_FIELD[layer]: label_index(LABELS[layer])[item[LABEL_FIELD[layer]]]}
                   for item in doc[layer]]
           for layer in LAYERS},
    }


@cache
def _span_columns() -> tuple[str, ...]:
    return tuple(span_features())


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
            values["layer"].extend([label_index(LAYERS)[layer]] * len(items))
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
        firsts = whole_span_sentences(seg, outer)
        base = self.offsets[-1]
        self.ids.extend(f"{doc_id}-{n}" for n in range(len(firsts)))
        self.document_ids.extend([doc_id] * len(firsts))
        self.offsets.extend(base + i for i in [*firsts[1:], len(seg.starts)] if firsts)
        encoded = text.encode("utf-8")
        to_byte = _byte_offsets(text) if len(encoded) != len(text) else None
        edges = np.column_stack((seg.starts, seg.ends)).ravel()
        self.byte_edges.append(edges if to_byte is None else to_byte[edges])
        self.texts.append(encoded)
        self.tags.append(tag_indices(seg, outer))
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


def ner_rows(doc_id: str, text: str, entities: Iterable[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """The ``ner`` rows of a document (see :meth:`NerColumns.add`)."""
    columns = NerColumns()
    columns.add(doc_id, text, entities)
    return columns.table(ner_features().arrow_schema).to_pylist()


def _entity_triples(doc: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(e["start"], e["end"], e["label"]) for e in doc["entities"]]


@dataclass
class Converted:
    """What a batch of documents becomes: the header of each document (everything but its span layers)
    and its rows per config and split, in document order, as Arrow IPC streams (one contiguous buffer
    each: much cheaper to send between processes than pickled tables)."""

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
    corpus: Corpus, paths: Iterable[Path | str], jobs: int, batch_size: int = BATCH_SIZE,
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
