"""The Hugging Face dataset folder: configs ``documents``, ``ner`` and ``spans`` as sharded parquet.

The build streams: documents are read one at a time, turned into rows of the three configs and
appended to per-split parquet writers that roll over to a new shard every ``shard_rows`` rows,
so memory stays bounded however large the corpus is. Shards follow the Hub's naming
(``data/<config>/<split>-00000-of-00003.parquet``) and every option of the parquet writer is
fixed, so building twice from the same inputs gives byte-identical files.

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
from bisect import bisect_left
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

import pyarrow as pa
import pyarrow.parquet as pq
from datasets import ClassLabel, Features, List, Value

from .corpus import Corpus
from .files import FileExistsRefusal
from .model import LABEL_FIELD, LAYERS, SUBSPANS, iter_spans, span_label
from .schema import annotation_statuses, claim_types, entity_labels, quotation_forms, schema_path, splits, timex_types
from .tokenize import Token, iob2_labels, iob2_tags, outermost, sentences

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


def _span(**attributes: Any) -> List:
    return List({"id": STRING, "start": INT32, "end": INT32, "text": STRING, **attributes})


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
        **attributes, **subspans, "note": STRING,
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


def span_rows(doc: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """The ``spans`` rows of a document, in layer order."""
    for layer, _, span in iter_spans(doc):
        row = {"document_id": doc["id"], "layer": _index(LAYERS)[layer], "id": span["id"], "start": span["start"],
               "end": span["end"], "text": span["text"], "label": span_label(layer, span), "note": span.get("note")}
        row.update((name, span.get(name)) for name in SPAN_ATTRIBUTES)
        for name in SUBSPANS.get(layer, ()):
            sub = span.get(name) or {}
            row.update({f"{name}_{part}": sub.get(part) for part in ("start", "end", "text")})
        yield row


def keep_entities_whole(sents: list[list[Token]], spans: list[tuple[int, int, str]]) -> list[list[Token]]:
    """Join sentences that a span crosses, so every span lies inside one sentence.

    ``spans`` are sorted and disjoint (outermost entities).
    """
    starts = [start for start, _, _ in spans]
    joined: list[list[Token]] = []
    for sent in sents:
        before = bisect_left(starts, sent[0].start) - 1  # the last span starting before this sentence
        if joined and before >= 0 and spans[before][1] > joined[-1][-1].end:
            joined[-1] = joined[-1] + sent
        else:
            joined.append(sent)
    return joined


def ner_rows(doc_id: str, text: str, entities: Iterable[tuple[int, int, str]]) -> list[dict[str, Any]]:
    """The ``ner`` rows of a document: its sentences with IOB2 tags of the outermost entities.

    Every entity boundary is a token boundary (tokens are cut there), so the tags map back to
    exactly the outermost entity spans.
    """
    entities = list(entities)
    outer = outermost(entities)
    cuts = [offset for start, end, _ in entities for offset in (start, end)]
    tag_index = _index(tuple(iob2_labels(entity_labels())))
    rows = []
    for n, sent in enumerate(keep_entities_whole(sentences(text, cuts), outer)):
        lo, hi = bisect_left(outer, (sent[0].start,)), bisect_left(outer, (sent[-1].end,))
        rows.append({
            "id": f"{doc_id}-{n}", "document_id": doc_id, "tokens": [t.text for t in sent],
            "ner_tags": [tag_index[tag] for tag in iob2_tags(sent, outer[lo:hi])],
            "token_starts": [t.start for t in sent], "token_ends": [t.end for t in sent],
        })
    return rows


def _entity_triples(doc: dict[str, Any]) -> list[tuple[int, int, str]]:
    return [(e["start"], e["end"], e["label"]) for e in doc["entities"]]


def _ner_batch(batch: list[tuple[str, str, list[tuple[int, int, str]]]]) -> list[list[dict[str, Any]]]:
    """Worker-process entry: the ``ner`` rows of a batch of documents."""
    return [ner_rows(*item) for item in batch]


def with_ner_rows(
    documents: Iterable[tuple[dict[str, Any], str]], jobs: int, batch_size: int = 32,
) -> Iterator[tuple[dict[str, Any], str, list[dict[str, Any]]]]:
    """Each document with its ``ner`` rows, tokenised in ``jobs`` worker processes when jobs > 1.

    Order is kept, and only a few batches are in flight at a time, so memory stays bounded.
    """
    if jobs <= 1:
        for doc, text in documents:
            yield doc, text, ner_rows(doc["id"], text, _entity_triples(doc))
        return
    import multiprocessing

    with multiprocessing.get_context("spawn").Pool(jobs) as pool:
        pending: deque[tuple[list[tuple[dict[str, Any], str]], Any]] = deque()
        batch: list[tuple[dict[str, Any], str]] = []

        def submit() -> None:
            work = [(doc["id"], text, _entity_triples(doc)) for doc, text in batch]
            pending.append((list(batch), pool.apply_async(_ner_batch, (work,))))
            batch.clear()

        def drain(keep: int) -> Iterator[tuple[dict[str, Any], str, list[dict[str, Any]]]]:
            while len(pending) > keep:
                docs, result = pending.popleft()
                for (doc, text), rows in zip(docs, result.get(), strict=True):
                    yield doc, text, rows

        for item in documents:
            batch.append(item)
            if len(batch) == batch_size:
                submit()
                yield from drain(2 * jobs)
        if batch:
            submit()
        yield from drain(0)


# --- writing -----------------------------------------------------------------------------------

def shard_name(split: str, index: int, total: int) -> str:
    """The Hub's shard naming, which ``load_dataset`` (also streaming) understands."""
    return f"{split}-{index:05d}-of-{total:05d}.parquet"


@dataclass
class ShardedWriter:
    """Appends rows of one config and split to parquet shards of at most ``shard_rows`` rows."""

    folder: Path
    split: str
    features: Features
    shard_rows: int
    row_group_rows: int
    rows: int = 0
    num_bytes: int = 0
    shards: list[Path] = field(default_factory=list)
    _buffer: list[dict[str, Any]] = field(default_factory=list)
    _writer: pq.ParquetWriter | None = None
    _in_shard: int = 0

    def add(self, row: dict[str, Any]) -> None:
        """Append one row (ClassLabel values as indices, see the ``*_row`` functions)."""
        self._buffer.append(row)
        if len(self._buffer) >= min(self.row_group_rows, self.shard_rows - self._in_shard):
            self._flush()

    def _flush(self) -> None:
        if not self._buffer:
            return
        if self._writer is None:
            self.shards.append(self.folder / f".{self.split}-{len(self.shards):05d}.parquet.tmp")
            self._writer = pq.ParquetWriter(self.shards[-1], self.features.arrow_schema, **PARQUET_OPTIONS)
        table = pa.Table.from_pylist(self._buffer, schema=self.features.arrow_schema)
        self._writer.write_table(table, row_group_size=len(self._buffer))
        self.rows += len(self._buffer)
        self.num_bytes += table.nbytes
        self._in_shard += len(self._buffer)
        self._buffer.clear()
        if self._in_shard >= self.shard_rows:
            self._close_shard()

    def _close_shard(self) -> None:
        if self._writer is not None:
            self._writer.close()
            self._writer = None
            self._in_shard = 0

    def close(self) -> list[Path]:
        """Write what is buffered and give the shards their final names; returns them."""
        self._flush()
        self._close_shard()
        final = [self.folder / shard_name(self.split, i, len(self.shards)) for i in range(len(self.shards))]
        for tmp, path in zip(self.shards, final, strict=True):
            tmp.rename(path)
        self.shards = final
        return final


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


DocumentHook = Callable[[dict[str, Any], str], None]


def write_tables(
    corpus: Corpus, paths: Iterable[Path], folder: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
    jobs: int = 1, on_document: DocumentHook | None = None,
) -> Tables:
    """Write the parquet shards of every config into ``folder/data``, one document at a time."""
    if shard_rows < 1:
        raise ValueError(f"shard_rows: expected a positive number of rows; found {shard_rows}")
    features = config_features()
    writers: dict[tuple[str, str], ShardedWriter] = {}

    def writer(config: str, split: str) -> ShardedWriter:
        if (config, split) not in writers:
            target = folder / "data" / config
            target.mkdir(parents=True, exist_ok=True)
            writers[config, split] = ShardedWriter(target, split, features[config], shard_rows, ROW_GROUP_ROWS[config])
        return writers[config, split]

    documents = 0
    for doc, text, ner in with_ner_rows(corpus.iter_documents(paths), jobs):
        split = doc["metadata"]["split"]
        writer("documents", split).add(document_row(doc, text))
        for row in ner:
            writer("ner", split).add(row)
        for row in span_rows(doc):
            writer("spans", split).add(row)
        documents += 1
        if on_document:
            on_document(doc, text)
    return Tables(_close_all(writers, folder), documents)


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
    corpus: Corpus, paths: list[Path], folder: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS,
    jobs: int | None = None, homepage: str | None = None, on_document: DocumentHook | None = None,
) -> tuple[Tables, dict[str, Any]]:
    """Write the complete dataset folder (data, card, Croissant, schema, guidelines, checksums) into ``folder``.

    ``homepage`` (optional) is the public address the card and Croissant cite; without it they cite none.
    Returns the tables written and the corpus statistics the card reports.
    """
    from . import card, stats

    if homepage is not None:
        check_homepage(homepage)
    files = corpus.annotation_files(paths)
    facts = card.CorpusFacts()

    def hook(doc: dict[str, Any], text: str) -> None:
        facts.add(doc)
        if on_document:
            on_document(doc, text)

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
    corpus: Corpus, paths: list[Path], out: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS, jobs: int | None = None,
    homepage: str | None = None, force: bool = False, on_document: DocumentHook | None = None,
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
    corpus: Corpus, paths: list[Path], out: Path, *, shard_rows: int = DEFAULT_SHARD_ROWS, jobs: int | None = None,
    homepage: str | None = None, on_document: DocumentHook | None = None,
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
