"""Corpus statistics, computed from the written dataset folder (never from a second count).

Span figures come from the ``spans`` table, document figures from the ``documents``
table and token figures from the ``ner`` table. Tables are read a record batch at a time and
the counts added up, so memory stays bounded for any corpus size. The card reports exactly
these numbers; ``newsspan stats`` prints them.
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..corpus import Corpus
from ..iob import ner_tags
from ..model import LAYERS, SUBSPANS
from ..schema import annotation_statuses, splits
from .features import LABELS, SPAN_LABELS  # spans per label: every label of the inventory, 0 when absent
from .parquet import Tables, write_tables

#: Rows read at a time: span and sentence rows are small, document rows carry the whole text.
BATCH_ROWS = 16_384
DOCUMENT_BATCH_ROWS = 512


def _batches(folder: Path, files: tuple[str, ...], columns: list[str],
             batch_rows: int = BATCH_ROWS) -> Iterator[pa.RecordBatch]:
    for name in files:
        yield from pq.ParquetFile(folder / name).iter_batches(batch_size=batch_rows, columns=columns)


def _split_files(tables: Tables | None, folder: Path, config: str) -> dict[str, tuple[str, ...]]:
    """Files of a config per split: from the build, or found in the folder (``data/<config>/<split>-*``)."""
    if tables is not None:
        return {split: files.files for split, files in tables.configs[config].items()}
    found = {split: tuple(sorted(p.relative_to(folder).as_posix()
                                 for p in (folder / "data" / config).glob(f"{split}-*.parquet")))
             for split in splits()}
    return {split: files for split, files in found.items() if files}


def document_counts(folder: Path, files: tuple[str, ...]) -> Counter[str]:
    """Documents, characters and annotation statuses of one split's ``documents`` files."""
    counts: Counter[str] = Counter()
    statuses = annotation_statuses()
    for batch in _batches(folder, files, ["text", "annotation"], DOCUMENT_BATCH_ROWS):
        counts["documents"] += batch.num_rows
        counts["characters"] += pc.sum(pc.utf8_length(batch.column("text"))).as_py() or 0
        status = pc.struct_field(batch.column("annotation"), "status")
        for item in pc.value_counts(status).to_pylist():
            counts["status:" + statuses[item["values"]]] += item["counts"]
    return counts


def token_counts(folder: Path, files: tuple[str, ...]) -> Counter[str]:
    """Sentences, tokens and outermost entities (B- tags) of one split's ``ner`` files."""
    counts: Counter[str] = Counter()
    tags = ner_tags()
    for batch in _batches(folder, files, ["token_starts", "ner_tags"]):  # one start per token: no strings to read
        counts["sentences"] += batch.num_rows
        counts["tokens"] += pc.sum(pc.list_value_length(batch.column("token_starts"))).as_py() or 0
        for item in pc.value_counts(pc.list_flatten(batch.column("ner_tags"))).to_pylist():
            counts["tag:" + tags[item["values"]]] += item["counts"]
    return counts


#: Span attributes whose distribution is reported: column -> how a value is described.
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "entities": ("kb_id",),
    "dates": ("anchor", "mod"),
    "quotations": ("speaker", *(f"{name}_text" for name in SUBSPANS["quotations"])),
    "claims": ("checkworthy", "claimant", "quotation"),
}


#: The category of an absent attribute (every other column: "none").
ABSENT: dict[str, str] = {"claimant": "author", "checkworthy": "undecided"}
#: The category of a present attribute whose value is not reported (every other column: "present").
PRESENT: dict[str, str] = {"kb_id": "linked", "speaker": "entity", "claimant": "entity", "quotation": "quoted"}


def described_counts(column: str, values: pa.Array) -> Counter[str]:
    """How many ``values`` of an attribute column fall in each category: absent (null), or present --
    by value for ``checkworthy`` (true/false), ``anchor`` (dct/date) and ``mod`` (the value itself)."""
    counts: Counter[str] = Counter()
    present = len(values) - values.null_count
    counts[ABSENT.get(column, "none")] = values.null_count
    if column == "checkworthy":
        trues = pc.sum(values).as_py() or 0
        counts.update({"true": trues, "false": present - trues})
    elif column == "anchor":
        dct = pc.sum(pc.equal(values, "dct")).as_py() or 0
        counts.update({"dct": dct, "date": present - dct})
    elif column == "mod":
        counts.update({item["values"]: item["counts"] for item in pc.value_counts(values.drop_null()).to_pylist()})
    else:
        counts[PRESENT.get(column, "present")] = present
    return +counts  # categories that occur


def span_counts(folder: Path, files: tuple[str, ...]) -> Counter[tuple[str, ...]]:
    """Spans per layer, label and attribute value of one split's ``spans`` files, counted with Arrow compute."""
    counts: Counter[tuple[str, ...]] = Counter()
    columns = ["layer", "label", *sorted({c for cols in ATTRIBUTES.values() for c in cols})]
    for batch in _batches(folder, files, columns):
        table = pa.Table.from_batches([batch])
        for group in table.group_by(["layer", "label"]).aggregate([([], "count_all")]).to_pylist():
            counts[LAYERS[group["layer"]], "label", SPAN_LABELS[group["label"]]] += group["count_all"]
        for index, layer in enumerate(LAYERS):
            rows = table.select(list(ATTRIBUTES[layer])).filter(pc.equal(table.column("layer"), index))
            for column in ATTRIBUTES[layer] if rows.num_rows else ():
                for value, n in described_counts(column, rows.column(column).combine_chunks()).items():
                    counts[layer, column, value] += n
    return counts


def span_lengths(folder: Path, files: tuple[str, ...]) -> dict[str, Counter[int]]:
    """How many spans of each layer have each length (in characters): a histogram, bounded in memory."""
    lengths: dict[str, Counter[int]] = {layer: Counter() for layer in LAYERS}
    for batch in _batches(folder, files, ["layer", "start", "end"]):
        width = pc.subtract(batch.column("end"), batch.column("start"))
        table = pa.table({"layer": batch.column("layer"), "width": width})
        for group in table.group_by(["layer", "width"]).aggregate([([], "count_all")]).to_pylist():
            lengths[LAYERS[group["layer"]]][group["width"]] += group["count_all"]
    return lengths


def _length_summary(histogram: Counter[int]) -> dict[str, float | int | None]:
    """Mean, median and longest span length of a histogram (None when empty)."""
    total = sum(histogram.values())
    if not total:
        return {"mean": None, "median": None, "max": None}
    seen, median = 0, None
    for width in sorted(histogram):
        seen += histogram[width]
        if seen * 2 >= total:
            median = width
            break
    return {"mean": round(sum(w * n for w, n in histogram.items()) / total, 1), "median": median,
            "max": max(histogram)}


#: The configs whose files :func:`compute` reads.
COUNTED_CONFIGS = ("documents", "ner", "spans")


def file_counts(folder: Path, config: str, name: str) -> Any:
    """What :func:`compute` counts in one file of ``config`` (one of :data:`COUNTED_CONFIGS`): it adds these up,
    so they may be counted anywhere the file is, e.g. by the worker that wrote it."""
    files = (name,)
    if config == "documents":
        return document_counts(folder, files)
    if config == "ner":
        return token_counts(folder, files)
    return span_counts(folder, files), span_lengths(folder, files)


def compute(folder: Path, tables: Tables | None = None) -> dict[str, Any]:
    """The corpus statistics of a dataset folder (``tables``: the files just written, if known; the files it has
    counted already are not read again)."""
    counted = tables.counted if tables is not None else {}

    def counts(config: str, names: tuple[str, ...]) -> Iterator[Any]:
        for name in names:
            yield counted[name] if name in counted else file_counts(folder, config, name)

    per_split: dict[str, dict[str, Any]] = {}
    totals: Counter[str] = Counter()
    spans: Counter[tuple[str, ...]] = Counter()
    lengths: dict[str, Counter[int]] = {layer: Counter() for layer in LAYERS}
    documents, ner, span_files = (_split_files(tables, folder, c) for c in COUNTED_CONFIGS)
    for split in documents:
        docs: Counter[str] = Counter()
        tokens: Counter[str] = Counter()
        split_spans: Counter[tuple[str, ...]] = Counter()
        for found, histograms in counts("spans", span_files.get(split, ())):
            split_spans.update(found)
            for layer, histogram in histograms.items():
                lengths[layer].update(histogram)
        for found in counts("documents", documents[split]):
            docs.update(found)
        for found in counts("ner", ner.get(split, ())):
            tokens.update(found)
        totals.update(docs)
        totals.update(tokens)
        spans.update(split_spans)
        per_split[split] = {
            "documents": docs["documents"], "sentences": tokens["sentences"], "tokens": tokens["tokens"],
            "spans": {layer: sum(n for (lay, kind, _), n in split_spans.items() if lay == layer and kind == "label")
                      for layer in LAYERS},
        }
    summary = _summary(totals, spans, per_split)
    summary["span_lengths"] = {layer: _length_summary(lengths[layer]) for layer in LAYERS}
    summary["spans_per_1000_tokens"] = {
        layer: round(1000 * summary["spans"][layer] / summary["tokens"], 1) if summary["tokens"] else None
        for layer in LAYERS}
    return summary


def of_annotations(corpus: Corpus, files: Iterable[Path | str],
                   on_document: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """The statistics of (valid) annotation files, as a build of them would report (tables in a temp folder)."""
    with tempfile.TemporaryDirectory(prefix="newsspan-stats-") as tmp:
        tables = write_tables(corpus, files, Path(tmp), on_document=on_document)
        return compute(Path(tmp), tables)


def _values(spans: Counter[tuple[str, ...]], layer: str, column: str) -> dict[str, int]:
    return dict(sorted((value, n) for (lay, col, value), n in spans.items() if (lay, col) == (layer, column)))


def _summary(totals: Counter[str], spans: Counter[tuple[str, ...]], per_split: dict[str, Any]) -> dict[str, Any]:
    labels = {layer: {label: spans[layer, "label", label] for label in LABELS[layer]} for layer in LAYERS}
    attributes = {layer: {column: _values(spans, layer, column) for column in ATTRIBUTES[layer]} for layer in LAYERS}
    entities_in_ner = sum(n for key, n in totals.items() if key.startswith("tag:B-"))
    return {
        "documents": totals["documents"],
        "characters": totals["characters"],
        "sentences": totals["sentences"],
        "tokens": totals["tokens"],
        "splits": per_split,
        "annotation_status": {status: totals["status:" + status] for status in annotation_statuses()},
        "spans": {layer: sum(labels[layer].values()) for layer in LAYERS},
        "labels": labels,
        "attributes": attributes,
        "ner": {
            "entities": entities_in_ner,
            "nested_entities_not_tagged": sum(labels["entities"].values()) - entities_in_ner,
        },
    }
