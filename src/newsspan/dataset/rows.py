"""Documents turned into Arrow tables of every config, column by column.

Tables are built column by column (tokens as numpy arrays: no per-row dicts, no per-token objects),
in worker processes for large corpora, which send back compact Arrow IPC buffers. ClassLabel
columns hold the label's index, as ``datasets`` stores them.
"""

from __future__ import annotations

from bisect import bisect_right
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
from ..tokenize import Segmentation, segment
from .features import (
    LABELS,
    NO_CLAIM,
    SPAN_ATTRIBUTES,
    SPAN_LABELS,
    SUBSPAN_COLUMNS,
    TOKEN_SPAN_LAYERS,
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
            values["label"].extend([label_index(SPAN_LABELS)[span_label(layer, span)] for span in items])
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
class TokenRows:
    """Rows of tokens (sentences) of one or more documents, column by column: token columns flattened,
    with row offsets; token texts are sliced out of the documents' UTF-8 bytes by Arrow."""

    ids: list[str] = field(default_factory=list)
    document_ids: list[str] = field(default_factory=list)
    texts: list[bytes] = field(default_factory=list)  # UTF-8, one per document
    byte_edges: list[Any] = field(default_factory=list)  # per document: byte offset of each token start and end
    starts: list[Any] = field(default_factory=list)  # numpy arrays, one per document
    ends: list[Any] = field(default_factory=list)
    offsets: list[int] = field(default_factory=lambda: [0])

    def add_tokens(self, doc_id: str, text: str, seg: Segmentation, firsts: list[int]) -> None:
        """Append one row per sentence of ``seg`` (``firsts``: first token of each row)."""
        base = self.offsets[-1]
        self.ids.extend(f"{doc_id}-{n}" for n in range(len(firsts)))
        self.document_ids.extend([doc_id] * len(firsts))
        self.offsets.extend(base + i for i in [*firsts[1:], len(seg.starts)] if firsts)
        encoded = text.encode("utf-8")
        to_byte = _byte_offsets(text) if len(encoded) != len(text) else None
        edges = np.column_stack((seg.starts, seg.ends)).ravel()
        self.byte_edges.append(edges if to_byte is None else to_byte[edges])
        self.texts.append(encoded)
        self.starts.append(seg.starts)
        self.ends.append(seg.ends)

    def lists(self, values: list[Any], value_type: pa.DataType) -> pa.ListArray:
        """Per-token values (one array per document) as a list column over the rows."""
        flat = np.concatenate(values) if values else []
        return pa.ListArray.from_arrays(pa.array(self.offsets, pa.int32()), pa.array(flat, value_type))

    def token_strings(self) -> pa.ListArray:
        """Every row's token texts (no Python strings).

        The documents' bytes are laid end to end and read as a string array whose values alternate
        token, gap, token, ... (token edges are increasing); taking every other value keeps the tokens.
        """
        offsets = pa.array(self.offsets, pa.int32())
        bases = np.cumsum([0, *map(len, self.texts)])[:-1]
        edges = np.concatenate([np.zeros(0, np.int64), *(e + b for e, b in zip(self.byte_edges, bases, strict=True))])
        if not len(edges):
            return pa.ListArray.from_arrays(offsets, pa.array([], pa.string()))
        laid = pa.StringArray.from_buffers(len(edges) - 1, pa.py_buffer(edges.astype(np.int32)),
                                           pa.py_buffer(b"".join(self.texts)))
        return pa.ListArray.from_arrays(offsets, laid.take(pa.array(np.arange(0, len(edges), 2))))

    def __len__(self) -> int:
        return len(self.ids)


@dataclass
class NerColumns(TokenRows):
    """``ner`` rows: sentences with IOB2 tags of the outermost entities."""

    tags: list[Any] = field(default_factory=list)  # numpy arrays, one per document

    def add(self, doc_id: str, text: str, entities: Iterable[tuple[int, int, str]],
            seg: Segmentation | None = None) -> None:
        """Append the rows of one document: its sentences with IOB2 tags of the outermost entities.

        Tokens are cut at every boundary of ``seg`` (by default: at every entity boundary), so the tags
        map back to exactly the outermost entity spans; sentences an entity would straddle are joined.
        """
        entities = list(entities)
        outer = outermost(entities)
        seg = seg or segment(text, [offset for start, end, _ in entities for offset in (start, end)])
        self.add_tokens(doc_id, text, seg, whole_span_sentences(seg, outer))
        self.tags.append(tag_indices(seg, outer))

    def table(self, schema: pa.Schema) -> pa.Table:
        """The rows as an Arrow table of ``schema`` (the ``ner`` config's)."""
        return pa.Table.from_arrays([
            pa.array(self.ids, pa.string()), pa.array(self.document_ids, pa.string()), self.token_strings(),
            self.lists(self.tags, pa.int64()), self.lists(self.starts, pa.int32()), self.lists(self.ends, pa.int32()),
        ], schema=schema)


@dataclass
class TokenSpanColumns(TokenRows):
    """``token_spans`` rows: sentences with every entity and date as a token range (nested ones included)."""

    spans: list[list[dict[str, Any]]] = field(default_factory=list)  # per row

    def add(self, doc: dict[str, Any], text: str, seg: Segmentation) -> None:
        """Append the rows of one document; sentences a span would straddle are joined."""
        items = [(span["start"], span["end"], layer, span) for layer in TOKEN_SPAN_LAYERS for span in doc[layer]]
        firsts = whole_span_sentences(seg, items)
        self.add_tokens(doc["id"], text, seg, firsts)
        rows: list[list[dict[str, Any]]] = [[] for _ in firsts]
        for start, end, layer, span in sorted(items, key=lambda item: (item[0], -item[1])):
            first = int(np.searchsorted(seg.starts, start))
            stop = int(np.searchsorted(seg.ends, end, "right"))
            row = int(np.searchsorted(firsts, first, "right")) - 1
            rows[row].append({"start_token": first - firsts[row], "end_token": stop - firsts[row],
                              "label": label_index(SPAN_LABELS)[span_label(layer, span)],
                              "layer": label_index(LAYERS)[layer], "id": span["id"]})
        self.spans.extend(rows)

    def table(self, schema: pa.Schema) -> pa.Table:
        """The rows as an Arrow table of ``schema`` (the ``token_spans`` config's)."""
        return pa.Table.from_arrays([
            pa.array(self.ids, pa.string()), pa.array(self.document_ids, pa.string()), self.token_strings(),
            self.lists(self.starts, pa.int32()), self.lists(self.ends, pa.int32()),
            pa.array(self.spans, schema.field("spans").type),
        ], schema=schema)


def _byte_offsets(text: str) -> Any:
    """The UTF-8 byte offset of every code-point offset of ``text`` (0 .. len(text))."""
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    widths = 1 + (codes >= 0x80).astype(np.int64) + (codes >= 0x800) + (codes >= 0x10000)
    return np.concatenate(([0], np.cumsum(widths)))


def span_boundaries(doc: dict[str, Any]) -> list[int]:
    """Every start and end of every span of every layer, sub-spans (source, cue) included."""
    edges = []
    for layer in LAYERS:
        for span in doc[layer]:
            edges += [span["start"], span["end"]]
            for name in SUBSPANS.get(layer, ()):
                if span.get(name):
                    edges += [span[name]["start"], span[name]["end"]]
    return edges


def sentence_bounds(seg: Segmentation) -> list[tuple[int, int]]:
    """``(start, end)`` character offsets of each sentence of ``seg`` (as the sentencizer cut them)."""
    if not len(seg.starts):
        return []
    lasts = [*(seg.sentence_starts[1:] - 1).tolist(), len(seg.starts) - 1]
    return [(int(seg.starts[first]), int(seg.ends[last])) for first, last in zip(seg.sentence_starts.tolist(), lasts,
                                                                                 strict=True)]


def claim_sentence_rows(doc: dict[str, Any], text: str, seg: Segmentation) -> list[dict[str, Any]]:
    """``claim_sentences`` rows: every sentence, with the claims overlapping it (none: a negative example).

    ``checkworthy`` is true when a claim of the sentence is check-worthy, null when its claims are all
    undecided, false otherwise (sentences without a claim included); ``claim_type`` is the type of the
    sentence's first claim.
    """
    claims = sorted(doc["claims"], key=lambda c: (c["start"], c["end"]))
    types = label_index((NO_CLAIM, *LABELS["claims"]))
    rows = []
    for n, (start, end) in enumerate(sentence_bounds(seg)):
        inside = [c for c in claims if c["start"] < end and c["end"] > start]
        decided = [c.get("checkworthy") for c in inside if c.get("checkworthy") is not None]
        rows.append({
            "id": f"{doc['id']}-{n}", "document_id": doc["id"], "text": text[start:end], "start": start, "end": end,
            "has_claim": bool(inside), "checkworthy": any(decided) if decided or not inside else None,
            "claim_type": types[inside[0]["type"]] if inside else types[NO_CLAIM],
            "claim_ids": [c["id"] for c in inside],
        })
    return rows


def quotation_rows(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """``quotation_attribution`` rows: each quotation with its source, cue and speaker entity."""
    entities = {e["id"]: e for e in doc["entities"]}
    rows = []
    for q in doc["quotations"]:
        speaker = entities.get(q.get("speaker") or "")
        rows.append({
            "id": q["id"], "document_id": doc["id"], "text": q["text"], "start": q["start"], "end": q["end"],
            "form": label_index(LABELS["quotations"])[q["form"]], "source": q.get("source"), "cue": q.get("cue"),
            "speaker_id": q.get("speaker"), "speaker_text": speaker["text"] if speaker else None,
            "speaker_label": label_index(LABELS["entities"])[speaker["label"]] if speaker else None,
        })
    return rows


def anchor_value(doc: dict[str, Any], date: dict[str, Any]) -> str | None:
    """The value a date was resolved against: the publication date (``dct``), another date's value, or null."""
    anchor = date.get("anchor")
    if anchor == "dct":
        return doc["metadata"]["published"]["date"]
    return next((d["value"] for d in doc["dates"] if d["id"] == anchor), None) if anchor else None


def date_rows(doc: dict[str, Any], text: str, seg: Segmentation) -> list[dict[str, Any]]:
    """``dates`` rows: each TIMEX3 expression with the sentence(s) it sits in and its anchor resolved."""
    bounds = sentence_bounds(seg)
    starts = [start for start, _ in bounds]
    rows = []
    for d in doc["dates"]:
        first = max(0, bisect_right(starts, d["start"]) - 1)
        last = max(first, bisect_right(starts, d["end"] - 1) - 1)
        start, end = bounds[first][0], bounds[last][1]
        rows.append({
            "id": d["id"], "document_id": doc["id"], "text": d["text"], "start": d["start"], "end": d["end"],
            "type": label_index(LABELS["dates"])[d["type"]], "value": d["value"], "mod": d.get("mod"),
            "anchor": d.get("anchor"), "anchor_value": anchor_value(doc, d),
            "sentence": text[start:end], "sentence_start": start, "sentence_end": end,
        })
    return rows


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
    """Read and convert a batch of documents (runs in worker processes: only paths go in, tables come out).

    Each document is tokenised once, its tokens cut at every span boundary of every layer, and the
    token-based configs (``ner``, ``token_spans``, ``claim_sentences``, ``dates``) share those tokens.
    """
    rows: dict[tuple[str, str], list[dict[str, Any]]] = {}
    columns: dict[tuple[str, str], Any] = {}
    headers = []
    for path in paths:
        doc, text = corpus.load(Path(path))
        split = doc["metadata"]["split"]
        seg = segment(text, span_boundaries(doc))
        rows.setdefault(("documents", split), []).append(document_row(doc, text))
        rows.setdefault(("claim_sentences", split), []).extend(claim_sentence_rows(doc, text, seg))
        rows.setdefault(("quotation_attribution", split), []).extend(quotation_rows(doc))
        rows.setdefault(("dates", split), []).extend(date_rows(doc, text, seg))
        columns.setdefault(("spans", split), SpanColumns()).add(doc)
        columns.setdefault(("ner", split), NerColumns()).add(doc["id"], text, _entity_triples(doc), seg)
        columns.setdefault(("token_spans", split), TokenSpanColumns()).add(doc, text, seg)
        headers.append({key: value for key, value in doc.items() if key not in LAYERS})
    tables = {key: pa.Table.from_pylist(values, schema=schemas[key[0]]) for key, values in rows.items() if values}
    tables.update({key: built.table(schemas[key[0]]) for key, built in columns.items() if len(built)})
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
