"""Run the suggesters on documents and write suggestion files (annotation-shaped, kept apart from gold).

A suggestion file is an annotation file of its own folder (``--out``): the document's id, seed pin and
metadata, ``annotation.status`` ``draft`` credited to the rule set (never to a person), and the suggested
layers with ids in text order (§G3). Every span carries ``provenance`` (kind ``rule``, or ``model`` for
spans of a ``--model`` pipeline) and a ``confidence``. The folder is never the corpus root's
``annotations/``, and ``build`` never reads it.
"""

from __future__ import annotations

import datetime as _dt
import gc
import os
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from operator import itemgetter
from pathlib import Path
from typing import Any

from ..corpus import GUIDELINES_VERSION, Corpus
from ..files import BatchWriter, dump_json_bytes
from ..model import ID_PREFIX, LAYERS, REFERENCES, Layer
from .claims import suggest_claims
from .common import RULES_VERSION
from .dates import suggest_dates
from .entities import Gazetteer, suggest_entities
from .quotations import suggest_quotations

SUGGESTER = f"newsspan suggest (rules {RULES_VERSION})"


class SuggestError(ValueError):
    """A suggest run that cannot go ahead (a bad --out, a model that cannot be loaded)."""


class StepClock:
    """Adds the CPU time this thread spends in each step to ``times[step]`` (seconds); does nothing when ``times``
    is None. For measuring where a run's time goes (``benchmarks/bench.py``): a step's time is that since the
    clock was made or since the last :meth:`lap`."""

    def __init__(self, times: dict[str, float] | None):
        self.times = times
        self.last = time.thread_time() if times is not None else 0.0

    def lap(self, step: str) -> None:
        """Charge the time since the last lap to ``step``."""
        if self.times is not None:
            now = time.thread_time()
            self.times[step] = self.times.get(step, 0.0) + now - self.last
            self.last = now


#: The clock of a run nobody measures.
NO_CLOCK = StepClock(None)


def suggest_layers(doc: dict[str, Any], text: str, layers: Iterable[str] = LAYERS,
                   gazetteer: Gazetteer | None = None, model: Any = None, *,
                   clock: StepClock = NO_CLOCK) -> dict[str, list[dict[str, Any]]]:
    """The suggested spans of every layer in ``layers`` (ids assigned, references resolved); ``clock`` is charged
    each layer's time and ``numbering``'s."""
    wanted = set(layers)
    found: dict[str, list[dict[str, Any]]] = {layer: [] for layer in LAYERS}
    if wanted & {"entities", "quotations", "claims"}:
        found["entities"] = suggest_entities(text, gazetteer, model)
        clock.lap("entities")
    if "dates" in wanted:
        found["dates"] = suggest_dates(text, doc.get("metadata") or {})
        clock.lap("dates")
    if wanted & {"quotations", "claims"}:
        found["quotations"] = suggest_quotations(text, found["entities"])
        clock.lap("quotations")
    if "claims" in wanted:
        found["claims"] = suggest_claims(text, found["quotations"])
        clock.lap("claims")
    for layer in LAYERS:
        if layer not in wanted:
            found[layer] = []
    numbered = number(found)
    clock.lap("numbering")
    return numbered


def number(found: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Ids in text order per layer (§G3); references held as dicts become ids (or null when not kept)."""
    ids: dict[int, str] = {}
    numbered: dict[str, list[str]] = {}
    for layer in LAYERS:
        spans = found[layer]
        _sort_in_text_order(spans)
        prefix = ID_PREFIX[layer]
        numbered[layer] = layer_ids = [prefix + str(n) for n in range(1, len(spans) + 1)]
        ids.update(zip(map(id, spans), layer_ids, strict=True))
    return {layer: _items(layer, found[layer], numbered[layer], ids) for layer in LAYERS}


def _sort_in_text_order(spans: list[dict[str, Any]]) -> None:
    """Sort ``spans`` by start, a longer span first at the same start (``key=lambda s: (s["start"], -s["end"])``),
    as two stable sorts on C key functions: by end, descending, then by start."""
    spans.sort(key=_END, reverse=True)
    spans.sort(key=_START)


_START, _END = itemgetter("start"), itemgetter("end")


#: The keys of each layer that hold references to other spans.
_REFERENCE_KEYS: dict[str, tuple[str, ...]] = {
    layer: tuple(key for (of, key) in REFERENCES if of == layer) for layer in LAYERS}


def _items(layer: Layer, spans: list[dict[str, Any]], layer_ids: list[str],
           ids: dict[int, str]) -> list[dict[str, Any]]:
    """The items of ``spans`` (numbered ``layer_ids``) made by :func:`_resolved`; a layer without references
    and without the suggesters' own ``_`` fields has its spans copied behind their ids directly."""
    hidden = tuple(key for key in set().union(*spans) if key[:1] == "_")  # the suggesters' own fields
    if hidden or _REFERENCE_KEYS[layer]:
        return [_resolved(layer, span, ids, hidden) for span in spans]
    return [{"id": span_id, **span} for span_id, span in zip(layer_ids, spans, strict=True)]


def _resolved(layer: Layer, span: dict[str, Any], ids: dict[int, str], hidden: tuple[str, ...]) -> dict[str, Any]:
    """The item of ``span``: its id first, then its fields in their order without those in ``hidden`` (the
    ``_``-prefixed ones), references as ids (an unkept anchor is ``dct``, unkept begin/end points are left out)."""
    item: dict[str, Any] = {"id": ids[id(span)], **span}
    for key in _REFERENCE_KEYS[layer]:
        value = span.get(key)
        if isinstance(value, dict):
            value = ids.get(id(value))
            if value is None and key == "anchor":
                value = "dct"
            if value is None and key in ("begin_point", "end_point"):
                del item[key]
                continue
            item[key] = value
    for key in hidden:
        item.pop(key, None)
    if layer == "claims" and item.get("quotation") is None:
        item["quotation"] = None
    return item


def suggestion_document(doc: dict[str, Any], layers: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The suggestion file of ``doc``: its header, a draft credited to the rule set, the suggested layers."""
    today = _dt.date.today().isoformat()
    return {
        "schema_version": doc["schema_version"],
        "id": doc["id"],
        "seed": doc["seed"],
        "metadata": doc["metadata"],
        "annotation": {
            "guidelines_version": GUIDELINES_VERSION,
            "status": "draft",
            "annotators": [SUGGESTER],
            "created": today,
            "modified": today,
            "notes": "Machine suggestions: accept them into the gold annotation with `newsspan accept`; "
                     "every span records its provenance and confidence.",
        },
        **layers,
    }


@dataclass
class SuggestResult:
    """What a suggest run wrote: one entry per document with its span counts."""

    written: list[dict[str, Any]] = field(default_factory=list)
    skipped: list[dict[str, str]] = field(default_factory=list)  # documents whose file was already there

    def to_dict(self) -> dict[str, Any]:
        return {"ok": True, "documents": len(self.written), "suggestions": self.written, "skipped": self.skipped}


def check_out(corpus: Corpus, out: Path) -> None:
    """Refuse an output folder that is, or is inside, the root's annotations/ or seeds/ (suggestions are not gold)."""
    folder = corpus.holding_folder(out)
    if folder is not None:
        raise SuggestError(f"--out {out}: expected a folder apart from the corpus's {folder.name}/; found {folder} "
                           "(suggestions never go into the corpus)")


def gold_gazetteer(corpus: Corpus, exclude: set[str]) -> Gazetteer:
    """The gazetteer of the root's reviewed and adjudicated annotations, without the documents in ``exclude``."""
    docs = []
    for path in corpus.annotation_files():
        try:
            doc, _ = corpus.load(path)
        except (OSError, ValueError):
            continue
        if doc.get("id") not in exclude and doc.get("annotation", {}).get("status") in ("reviewed", "adjudicated"):
            docs.append(doc)
    return Gazetteer.from_documents(docs)


def load_model(path: Path | None) -> Any:
    """A spaCy pipeline from a local folder (never downloaded), or None."""
    if path is None:
        return None
    import spacy

    if not Path(path).is_dir():
        raise SuggestError(f"--model {path}: expected a spaCy pipeline folder; found none")
    try:
        return spacy.load(path)
    except (OSError, ValueError) as exc:
        raise SuggestError(f"--model {path}: expected a loadable spaCy pipeline; found {exc}") from None


@contextmanager
def _collector_frozen() -> Iterator[None]:
    """Leave what is alive now (the pattern tables above all) out of the cycle collector's scans meanwhile
    (``gc.freeze``); a caller's own freeze is left as it was."""
    if gc.get_freeze_count():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def run(corpus: Corpus, files: list[Path], out: Path, *, layers: Iterable[str] = LAYERS, model: Any = None,
        gazetteer: Gazetteer | None = None, overwrite: bool = False, skip_existing: bool = False,
        progress: Any = None, times: dict[str, float] | None = None) -> SuggestResult:
    """Suggest for each annotation file and write ``out/<id>.json`` atomically (never over a file without
    ``overwrite``), synced in batches (:class:`newsspan.files.BatchWriter`): all are in place when it returns.

    ``skip_existing``: a document whose file is already in ``out`` is left alone (every file there is whole:
    it was placed atomically), so a run that was stopped is completed by running it again.
    ``times``: the CPU seconds of this thread per step are added to it: ``read`` (annotation and seed), the steps
    of :func:`suggest_layers`, and ``write`` (the file's bytes and its temp file; every ``BatchWriter.batch`` files,
    the sync and move of the batch).
    """
    check_out(corpus, out)
    layers = tuple(layers)
    result = SuggestResult()
    clock = StepClock(times)
    with _collector_frozen(), BatchWriter(overwrite=overwrite) as writer:
        for path in files:
            doc, text = corpus.load(path)
            clock.lap("read")
            target = Path(out) / f"{doc['id']}.json"
            if skip_existing and os.path.lexists(target):
                result.skipped.append({"id": doc["id"], "file": str(target)})
                if progress is not None:
                    progress()
                continue
            spans = suggest_layers(doc, text, layers, gazetteer, model, clock=clock)
            suggestion = suggestion_document(doc, spans)
            data = dump_json_bytes(suggestion, checked=(doc["metadata"], doc["seed"]))  # the rest: our own values
            writer.write(target, data)
            result.written.append({"id": doc["id"], "file": str(target), **{k: len(v) for k, v in spans.items()}})
            clock.lap("write")
            if progress is not None:
                progress()
    clock.lap("write")  # the last batch, synced and placed as the writer closed
    return result
