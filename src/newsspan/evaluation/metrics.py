"""The measures of ``newsspan evaluate``, per layer (definitions and sources: docs/evaluation.md).

Scoring is two steps, so that the bootstrap (:mod:`.bootstrap`) can resample documents cheaply:
:func:`document_counts` turns one gold/predicted document pair into named counts (true positives,
spans on each side, matched pairs with a correct attribute, ...), and :func:`scores` turns counts summed
over any multiset of documents into precision, recall, F1 and accuracies. Every measure is micro-averaged
over documents (counts are pooled, then divided) unless it says *macro*.

- **entities**, SemEval-2013 task 9.1 / nervaluate schemes: *strict* (same boundaries and label), *exact*
  (same boundaries), *partial* (same boundaries count 1, overlapping ones 0.5), *type* (overlap and same
  label), and *relaxed* (overlap); per label and macro-averaged over labels;
- **dates**, TempEval-3: *strict* (same boundaries) and *relaxed* (overlap) span F1; type and value
  accuracy on relaxed matches, and type and value F1 (relaxed matches with the right attribute);
- **quotations**: content span F1 (*strict*, *relaxed*); source and cue span F1 on relaxed-matched
  quotations; speaker and form accuracy on relaxed matches; per form;
- **claims**: *strict* and *relaxed* span F1; check-worthiness F1 of the positive class (CLEF CheckThat!);
  claim-type F1 per type and macro-averaged; type accuracy on relaxed matches.

Pairs always come from :mod:`.matching`, the matching ``newsspan agree`` uses.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from ..model import LABEL_FIELD, Layer
from ..schema import claim_types, entity_labels, quotation_forms
from .matching import Pair, Span, exact_pairs, exact_then_overlap, overlap_pairs

Counts = Counter  # tuple key -> number; summed over documents
Key = tuple[str, ...]

#: The entity schemes, in output order.
ENTITY_SCHEMES = ("strict", "relaxed", "exact", "partial", "type")
#: Keys of score objects that are counts, not rates (the bootstrap gives intervals for rates only).
COUNT_KEYS = frozenset({"tp", "fp", "fn", "matched"})


# --- spans and attributes of a document --------------------------------------------------


def spans(doc: Mapping[str, Any], layer: Layer) -> list[Span]:
    """``(start, end, label)`` of a layer's items; the label is ``""`` where a prediction gives none."""
    return [(item["start"], item["end"], item.get(LABEL_FIELD[layer]) or "") for item in doc.get(layer) or []]


def subspan(value: Any) -> tuple[int, int] | None:
    """A source, cue or speaker as ``(start, end)``, or None."""
    return None if value is None else (value["start"], value["end"])


def speaker_offsets(doc: Mapping[str, Any], speaker: Any) -> tuple[int, int] | None:
    """A quotation's speaker as the offsets of the mention it names (an entity id, or a ``{start, end}``)."""
    if isinstance(speaker, str):
        entity = next(e for e in doc.get("entities") or [] if e.get("id") == speaker)
        return entity["start"], entity["end"]
    return subspan(speaker)


# --- counting -----------------------------------------------------------------------------


def add_span_counts(
    counts: Counts,
    prefix: Key,
    gold: Sequence[Span],
    pred: Sequence[Span],
    schemes: Mapping[str, Callable[[Sequence[Span], Sequence[Span]], float]],
) -> None:
    """Spans on each side and the true positives of each scheme, under ``prefix``."""
    counts[(*prefix, "gold")] += len(gold)
    counts[(*prefix, "pred")] += len(pred)
    for name, true_positives in schemes.items():
        counts[(*prefix, name)] += true_positives(gold, pred)


def _partial(gold: Sequence[Span], pred: Sequence[Span]) -> float:
    exact, partial = exact_then_overlap(gold, pred)
    halves = 2 * len(exact) + len(partial)
    return halves // 2 if halves % 2 == 0 else halves / 2


ENTITY_TP: dict[str, Callable[[Sequence[Span], Sequence[Span]], float]] = {
    "strict": lambda g, p: len(exact_pairs(g, p, labelled=True)),
    "relaxed": lambda g, p: len(overlap_pairs(g, p, labelled=False)),
    "exact": lambda g, p: len(exact_pairs(g, p, labelled=False)),
    "partial": _partial,
    "type": lambda g, p: len(overlap_pairs(g, p, labelled=True)),
}
SPAN_TP: dict[str, Callable[[Sequence[Span], Sequence[Span]], float]] = {
    "strict": ENTITY_TP["exact"],
    "relaxed": ENTITY_TP["relaxed"],
}


def by_label(items: Sequence[Span], label: str) -> list[Span]:
    """The spans with one label."""
    return [s for s in items if s[2] == label]


def entity_counts(counts: Counts, gold_doc: Mapping[str, Any], pred_doc: Mapping[str, Any]) -> None:
    """SemEval-2013 scheme counts, overall and per label (each label scored on its own spans only)."""
    gold, pred = spans(gold_doc, "entities"), spans(pred_doc, "entities")
    add_span_counts(counts, ("entities",), gold, pred, ENTITY_TP)
    for label in {s[2] for s in (*gold, *pred)}:
        add_span_counts(counts, ("entities", "labels", label), by_label(gold, label), by_label(pred, label), ENTITY_TP)


def relaxed_pairs(gold_doc: Mapping[str, Any], pred_doc: Mapping[str, Any], layer: Layer) -> list[tuple[dict, dict]]:
    """The (gold item, predicted item) pairs of the unlabelled overlap matching of one layer."""
    gold_items, pred_items = gold_doc.get(layer) or [], pred_doc.get(layer) or []
    pairs: list[Pair] = overlap_pairs(spans(gold_doc, layer), spans(pred_doc, layer), labelled=False)
    return [(gold_items[i], pred_items[j]) for i, j in pairs]


def same(gold: Mapping[str, Any], pred: Mapping[str, Any], name: str) -> bool:
    """Whether a predicted item has the gold item's value of an attribute (a gold value that is missing: never)."""
    return gold.get(name) is not None and gold[name] == pred.get(name)


def date_counts(counts: Counts, gold_doc: Mapping[str, Any], pred_doc: Mapping[str, Any]) -> None:
    """TempEval-3 counts: strict and relaxed matches, and relaxed matches with the right type or value."""
    add_span_counts(counts, ("dates",), spans(gold_doc, "dates"), spans(pred_doc, "dates"), SPAN_TP)
    for g, p in relaxed_pairs(gold_doc, pred_doc, "dates"):
        counts["dates", "type_ok"] += same(g, p, "type")
        counts["dates", "value_ok"] += same(g, p, "value")


def quotation_counts(counts: Counts, gold_doc: Mapping[str, Any], pred_doc: Mapping[str, Any]) -> None:
    """Content matches, source and cue spans on matched quotations, speaker and form agreement; per form."""
    gold, pred = spans(gold_doc, "quotations"), spans(pred_doc, "quotations")
    add_span_counts(counts, ("quotations",), gold, pred, SPAN_TP)
    for form in {s[2] for s in (*gold, *pred)} - {""}:
        add_span_counts(counts, ("quotations", "labels", form), by_label(gold, form), by_label(pred, form), SPAN_TP)
    for name in ("source", "cue"):
        counts["quotations", name, "gold"] += sum(q.get(name) is not None for q in gold_doc.get("quotations") or [])
        counts["quotations", name, "pred"] += sum(q.get(name) is not None for q in pred_doc.get("quotations") or [])
    for g, p in relaxed_pairs(gold_doc, pred_doc, "quotations"):
        for name in ("source", "cue"):
            counts["quotations", name, "tp"] += g.get(name) is not None and subspan(g[name]) == subspan(p.get(name))
        same_speaker = speaker_offsets(gold_doc, g.get("speaker")) == speaker_offsets(pred_doc, p.get("speaker"))
        counts["quotations", "speaker_ok"] += same_speaker
        counts["quotations", "form_ok"] += same(g, p, "form")


def claim_counts(counts: Counts, gold_doc: Mapping[str, Any], pred_doc: Mapping[str, Any]) -> None:
    """Span matches; check-worthy positives on each side and on both of a matched pair; claim types likewise."""
    add_span_counts(counts, ("claims",), spans(gold_doc, "claims"), spans(pred_doc, "claims"), SPAN_TP)
    for side, doc in (("gold", gold_doc), ("pred", pred_doc)):
        for claim in doc.get("claims") or []:
            counts["claims", "checkworthy", side] += claim.get("checkworthy") is True
            if claim.get("type"):
                counts["claims", "types", claim["type"], side] += 1
    for g, p in relaxed_pairs(gold_doc, pred_doc, "claims"):
        counts["claims", "checkworthy", "tp"] += g.get("checkworthy") is True and p.get("checkworthy") is True
        counts["claims", "type_ok"] += same(g, p, "type")
        if same(g, p, "type"):
            counts["claims", "types", g["type"], "tp"] += 1


LAYER_COUNTS: dict[Layer, Callable[[Counts, Mapping[str, Any], Mapping[str, Any]], None]] = {
    "entities": entity_counts,
    "dates": date_counts,
    "quotations": quotation_counts,
    "claims": claim_counts,
}


def document_counts(gold_doc: Mapping[str, Any], pred_doc: Mapping[str, Any], layers: Iterable[Layer]) -> Counts:
    """Every count of one document pair, for the layers scored."""
    counts: Counts = Counter()
    for layer in layers:
        LAYER_COUNTS[layer](counts, gold_doc, pred_doc)
    return counts


# --- from counts to scores ----------------------------------------------------------------


def ratio(numerator: float, denominator: float) -> float | None:
    """``numerator / denominator``, or None when the denominator is 0 (undefined, not 0)."""
    return numerator / denominator if denominator else None


def score(tp: float, gold: float, pred: float) -> dict[str, Any]:
    """``{"p", "r", "f1", "tp", "fp", "fn"}``: P = tp/pred, R = tp/gold, F1 = 2tp/(gold+pred); None if undefined."""
    return {
        "p": ratio(tp, pred),
        "r": ratio(tp, gold),
        "f1": ratio(2 * tp, gold + pred),
        "tp": tp,
        "fp": pred - tp,
        "fn": gold - tp,
    }


def mean(values: Iterable[float | None]) -> float | None:
    """The mean of the defined values, or None when none is defined."""
    defined = [v for v in values if v is not None]
    return sum(defined) / len(defined) if defined else None


def labels_in(counts: Mapping[Key, float], prefix: Key) -> list[str]:
    """The labels counted under ``prefix`` with at least one span on either side, sorted."""
    n = len(prefix)
    found = {key[n] for key, value in counts.items() if key[:n] == prefix and len(key) > n + 1 and value}
    return sorted(
        label for label in found if counts.get((*prefix, label, "gold"), 0) or counts.get((*prefix, label, "pred"), 0)
    )


def scheme_scores(counts: Mapping[Key, float], prefix: Key, schemes: Iterable[str]) -> dict[str, Any]:
    """One score object per scheme from the counts under ``prefix``."""
    gold, pred = counts.get((*prefix, "gold"), 0), counts.get((*prefix, "pred"), 0)
    return {name: score(counts.get((*prefix, name), 0), gold, pred) for name in schemes}


def entity_scores(counts: Mapping[Key, float]) -> dict[str, Any]:
    """The ``entities`` object: the five schemes, per label, and their macro averages over labels."""
    result = scheme_scores(counts, ("entities",), ENTITY_SCHEMES)
    labels = {
        label: scheme_scores(counts, ("entities", "labels", label), ENTITY_SCHEMES)
        for label in labels_in(counts, ("entities", "labels"))
        if label in entity_labels()
    }
    result["labels"] = labels
    result["macro"] = {
        name: {rate: mean(s[name][rate] for s in labels.values()) for rate in ("p", "r", "f1")}
        for name in ENTITY_SCHEMES
    }
    return result


def date_scores(counts: Mapping[Key, float]) -> dict[str, Any]:
    """The ``dates`` object (TempEval-3)."""
    result = scheme_scores(counts, ("dates",), ("strict", "relaxed"))
    matched, both = (
        counts.get(("dates", "relaxed"), 0),
        counts.get(("dates", "gold"), 0) + counts.get(("dates", "pred"), 0),
    )
    result.update(
        {
            "matched": matched,
            "type_accuracy": ratio(counts.get(("dates", "type_ok"), 0), matched),
            "value_accuracy": ratio(counts.get(("dates", "value_ok"), 0), matched),
            "type_f1": ratio(2 * counts.get(("dates", "type_ok"), 0), both),
            "value_f1": ratio(2 * counts.get(("dates", "value_ok"), 0), both),
        }
    )
    return result


def quotation_scores(counts: Mapping[Key, float]) -> dict[str, Any]:
    """The ``quotations`` object."""
    result = scheme_scores(counts, ("quotations",), ("strict", "relaxed"))
    for name in ("source", "cue"):
        result[name] = score(
            counts.get(("quotations", name, "tp"), 0),
            counts.get(("quotations", name, "gold"), 0),
            counts.get(("quotations", name, "pred"), 0),
        )
    matched = counts.get(("quotations", "relaxed"), 0)
    result.update(
        {
            "matched": matched,
            "speaker_accuracy": ratio(counts.get(("quotations", "speaker_ok"), 0), matched),
            "form_accuracy": ratio(counts.get(("quotations", "form_ok"), 0), matched),
            "labels": {
                form: scheme_scores(counts, ("quotations", "labels", form), ("strict", "relaxed"))
                for form in labels_in(counts, ("quotations", "labels"))
                if form in quotation_forms()
            },
        }
    )
    return result


def claim_scores(counts: Mapping[Key, float]) -> dict[str, Any]:
    """The ``claims`` object (check-worthiness as in CLEF CheckThat!: F1 of the positive class)."""
    result = scheme_scores(counts, ("claims",), ("strict", "relaxed"))
    checkworthy = score(*(counts.get(("claims", "checkworthy", k), 0) for k in ("tp", "gold", "pred")))
    types = {
        t: score(*(counts.get(("claims", "types", t, k), 0) for k in ("tp", "gold", "pred")))
        for t in labels_in(counts, ("claims", "types"))
        if t in claim_types()
    }
    matched = counts.get(("claims", "relaxed"), 0)
    result.update(
        {
            "matched": matched,
            "checkworthy": checkworthy,
            "checkworthy_f1": checkworthy["f1"],
            "types": types,
            "type_macro_f1": mean(s["f1"] for s in types.values()),
            "type_accuracy": ratio(counts.get(("claims", "type_ok"), 0), matched),
        }
    )
    return result


LAYER_SCORES: dict[Layer, Callable[[Mapping[Key, float]], dict[str, Any]]] = {
    "entities": entity_scores,
    "dates": date_scores,
    "quotations": quotation_scores,
    "claims": claim_scores,
}


def scores(counts: Mapping[Key, float], layers: Iterable[Layer]) -> dict[str, Any]:
    """The ``layers`` object of ``newsspan evaluate --json`` from counts pooled over documents."""
    return {layer: LAYER_SCORES[layer](counts) for layer in layers}
