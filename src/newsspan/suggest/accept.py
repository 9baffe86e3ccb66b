"""Move accepted suggestions into the gold annotations, keeping their provenance (guidelines §G7).

``accept(corpus, files, layers, min_confidence, by)`` reads suggestion files, keeps the spans of the
chosen layers whose confidence reaches ``min_confidence``, records who accepted them
(``provenance.accepted_by``/``accepted_on``), and merges them into ``annotations/<id>.json``:

- a span the gold already has (same layer and offsets, same attributes) is skipped;
- a span whose offsets the gold has with other attributes is a conflict: the gold span stays, the
  conflict is reported (never overwritten silently); so is an entity that would cross a gold entity;
- references (speaker, claimant, quotation, anchor, begin/end points) follow the spans they name, into
  the gold ids; a reference to a span that was not accepted becomes null (anchors: ``dct``);
- only ``draft`` documents take suggestions (reviewed and adjudicated ones need a new review first);
  a document without a gold file gets one, created from the suggestion file's header as a draft;
- ids are renumbered in text order (§G3) and the result is validated before it is written atomically.
"""

from __future__ import annotations

import copy
import datetime as _dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..files import atomic_write_json
from ..model import ID_PREFIX, LAYERS, REFERENCES, SUBSPANS, Layer
from ..validation import Problem, validate_parsed
from ..validation.runner import load_checked

MACHINE_KINDS = ("model", "rule")


@dataclass
class AcceptReport:
    """What accept did per document, and every problem and conflict it found."""

    documents: list[dict[str, Any]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "documents": self.documents, "errors": [p.to_dict() for p in self.problems]}


def _key(layer: Layer, span: dict[str, Any]) -> tuple[str, int, int]:
    return layer, span["start"], span["end"]


def _attributes(span: dict[str, Any]) -> dict[str, Any]:
    """What two spans must share to be the same annotation: everything but ids, references, notes, provenance."""
    skip = {"id", "provenance", "confidence", "note", *{name for (_, name) in REFERENCES}}
    return {k: v for k, v in span.items() if k not in skip}


def _crosses(span: dict[str, Any], others: Iterable[dict[str, Any]]) -> dict[str, Any] | None:
    for other in others:
        overlap = span["start"] < other["end"] and other["start"] < span["end"]
        nested = (span["start"] <= other["start"] and other["end"] <= span["end"]) or \
                 (other["start"] <= span["start"] and span["end"] <= other["end"])
        if overlap and not nested:
            return other
    return None


def select(suggestion: dict[str, Any], layers: Iterable[str], min_confidence: float) -> dict[str, list[dict]]:
    """The suggested spans of ``layers`` whose confidence reaches ``min_confidence`` (spans without one pass)."""
    wanted = set(layers)
    return {layer: [copy.deepcopy(s) for s in suggestion.get(layer, [])
                    if s.get("confidence", 1.0) >= min_confidence] if layer in wanted else []
            for layer in LAYERS}


def merge(gold: dict[str, Any], chosen: dict[str, list[dict]], file: str, by: str,
          today: str) -> tuple[dict[str, Any], dict[str, int], list[Problem]]:
    """``gold`` with the chosen spans added; counts (added, present, conflicts) and the conflicts found."""
    merged = copy.deepcopy(gold)
    existing = {_key(layer, s): s for layer in LAYERS for s in merged[layer]}
    new_ids: dict[str, str] = {}  # suggestion id -> gold id (existing or new placeholder)
    counts = {"added": 0, "present": 0, "conflicts": 0}
    problems: list[Problem] = []
    added: list[tuple[Layer, dict[str, Any]]] = []
    for layer in LAYERS:
        for index, span in enumerate(chosen[layer]):
            where = f"/{layer}/{index}"
            twin = existing.get(_key(layer, span))
            if twin is not None:
                new_ids[span["id"]] = twin["id"]
                if _attributes(twin) == _attributes(span):
                    counts["present"] += 1
                    continue
                counts["conflicts"] += 1
                problems.append(Problem(file, where, "accept-conflict",
                                        f"expected the gold {twin['id']} at {span['start']}..{span['end']} to agree "
                                        f"with the suggestion; found other attributes (gold kept: "
                                        f"{_attributes(twin)})"))
                continue
            if layer == "entities":
                crossed = _crosses(span, merged["entities"])
                if crossed is not None:
                    counts["conflicts"] += 1
                    problems.append(Problem(file, where, "accept-conflict",
                                            f"expected an entity that nests with or avoids the gold ones; found "
                                            f"{span['text']!r} crossing gold {crossed['id']} {crossed['text']!r}"))
                    continue
            item = copy.deepcopy(span)
            made = dict(item.get("provenance") or {"kind": "rule", "name": "unknown"})
            if made.get("kind") in MACHINE_KINDS:
                made.setdefault("accepted_by", by)
                made.setdefault("accepted_on", today)
            item["provenance"] = made
            new_ids[span["id"]] = f"new:{span['id']}"
            merged[layer].append(item)
            existing[_key(layer, item)] = item
            added.append((layer, item))
            counts["added"] += 1
    for layer, item in added:
        for (ref_layer, name), _target in REFERENCES.items():
            if ref_layer != layer or name not in item:
                continue
            value = item[name]
            if isinstance(value, str) and value != "dct":
                mapped = new_ids.get(value)
                if mapped is None:
                    item[name] = "dct" if name == "anchor" else None
                    if name in ("begin_point", "end_point"):
                        del item[name]
                else:
                    item[name] = mapped
        item["id"] = new_ids[item["id"]]
    _sync_claimants(merged)
    return renumber(merged), counts, problems


def _sync_claimants(doc: dict[str, Any]) -> None:
    """A claim made in a quotation is claimed by its speaker (the validator's rule)."""
    speakers = {q["id"]: q.get("speaker") for q in doc["quotations"]}
    for claim in doc["claims"]:
        if claim.get("quotation") in speakers and speakers[claim["quotation"]] is not None:
            claim["claimant"] = speakers[claim["quotation"]]


def renumber(doc: dict[str, Any]) -> dict[str, Any]:
    """Ids in text order per layer (§G3), every reference following its span."""
    mapping: dict[str, str] = {}
    for layer in LAYERS:
        doc[layer].sort(key=lambda s: (s["start"], -s["end"]))
        for n, span in enumerate(doc[layer], 1):
            mapping[span["id"]] = f"{ID_PREFIX[layer]}{n}"
    for layer in LAYERS:
        for span in doc[layer]:
            span["id"] = mapping[span["id"]]
            for (ref_layer, name), _target in REFERENCES.items():
                if ref_layer == layer and isinstance(span.get(name), str) and span[name] in mapping:
                    span[name] = mapping[span[name]]
            for name in SUBSPANS.get(layer, ()):
                span.setdefault(name, None)
    return doc


def accept(corpus: Corpus, files: list[Path], *, layers: Iterable[str] = LAYERS, min_confidence: float = 0.0,
           by: str = "newsspan maintainers") -> AcceptReport:
    """Merge the chosen spans of each suggestion file into the gold annotation of its document."""
    report = AcceptReport()
    today = _dt.date.today().isoformat()
    layers = tuple(layers)
    for path in files:
        file = str(path)
        checked = load_checked(file, corpus)  # read, parsed and validated as validate does
        suggestion, problems = checked.doc, checked.problems
        if problems:
            report.problems += problems
            continue
        gold_path = corpus.annotation_path(suggestion["id"])
        existing = load_checked(str(gold_path), corpus) if os.path.lexists(gold_path) else None
        gold, problems = (existing.doc, existing.problems) if existing else (_new_gold(suggestion, by, today), [])
        if problems:  # a gold file that is not valid is not merged into (validate names its problems)
            report.problems += problems
            continue
        if gold["seed"]["text_sha256"] != suggestion["seed"]["text_sha256"]:
            report.problems.append(Problem(file, "/seed/text_sha256", "accept-other-text",
                                           f"expected the text of {gold_path} ({gold['seed']['text_sha256'][:12]}…); "
                                           f"found a suggestion for another text"))
            continue
        if gold["annotation"]["status"] != "draft":
            report.problems.append(Problem(file, "/annotation/status", "accept-not-draft",
                                           f"expected a draft gold annotation in {gold_path}; found status "
                                           f"{gold['annotation']['status']!r} (set it to draft for a new review)"))
            continue
        merged, counts, conflicts = merge(gold, select(suggestion, layers, min_confidence), file, by, today)
        merged["annotation"]["modified"] = max(today, merged["annotation"]["created"])
        found = validate_parsed(gold_path, merged, corpus)
        if found:
            report.problems += found
            continue
        atomic_write_json(gold_path, merged, overwrite=True)
        report.problems += conflicts
        report.documents.append({"id": suggestion["id"], "file": str(gold_path), **counts})
    return report


def _new_gold(suggestion: dict[str, Any], by: str, today: str) -> dict[str, Any]:
    """A draft gold annotation for a document that has none yet: the suggestion's header, empty layers."""
    gold = {key: copy.deepcopy(suggestion[key]) for key in ("schema_version", "id", "seed", "metadata")}
    gold["annotation"] = {"guidelines_version": suggestion["annotation"]["guidelines_version"], "status": "draft",
                          "annotators": [by], "created": today, "modified": today}
    gold.update({layer: [] for layer in LAYERS})
    return gold
