"""Scoring a system's spans against the gold corpus (``newsspan evaluate``).

:func:`evaluate_documents` is the public API: gold and predicted documents in, the scores of every
layer out (the ``"layers"`` object of ``newsspan evaluate --json``). docs/evaluation.md defines the measures.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from ..model import LAYERS, Layer
from ..validation import Problem
from .bootstrap import LEVEL, add_intervals
from .inputs import EvaluationError, check_document, given_layers, pair_documents
from .metrics import document_counts, scores

__all__ = ["EvaluationError", "evaluate_documents"]


def scored_layers(layers: Sequence[str] | None, pred: Sequence[Mapping[str, Any]]) -> tuple[Layer, ...]:
    """The layers to score: those asked for, else those at least one prediction gives."""
    if layers is None:
        return given_layers(pred)
    unknown = [name for name in layers if name not in LAYERS]
    if unknown:
        raise EvaluationError(
            [
                Problem(
                    "layers",
                    "",
                    "eval-malformed",
                    f"expected layers among {', '.join(LAYERS)}; found {', '.join(unknown)}",
                )
            ]
        )
    return tuple(layer for layer in LAYERS if layer in layers)


def evaluate_documents(
    gold: list[dict], pred: list[dict], layers: Sequence[str] | None = None, bootstrap: int = 0, seed: int = 0
) -> dict:
    """Score predicted documents against gold ones; returns ``{"documents": N, "layers": {...}}``.

    Documents are paired by ``id`` (by position when no document has one); a gold document without a
    prediction counts as predicted empty. Documents may be partial (``{"id", "entities": [{"start", "end",
    "label"}], ...}``); ``layers`` None scores the layers the predictions give. A quotation's speaker is an
    entity id of its document or ``{"start", "end"}``. ``bootstrap`` > 0 adds a ``"ci"`` object (95%
    percentile intervals over documents, numpy seeded with ``seed``) beside every rate, and a
    ``"bootstrap"`` entry. Raises :class:`EvaluationError` (with every problem) for input it cannot score.
    """
    chosen = scored_layers(layers, pred)
    problems = [p for n, doc in enumerate(gold) for p in check_document(doc, chosen, None, f"gold[{n}]")]
    problems += [p for n, doc in enumerate(pred) for p in check_document(doc, chosen, None, f"pred[{n}]")]
    if problems:
        raise EvaluationError(problems)
    per_document = [document_counts(g, p, chosen) for g, p in pair_documents(gold, pred, chosen)]
    result: dict[str, Any] = {"documents": len(per_document), "layers": scores(sum(per_document, Counter()), chosen)}
    if bootstrap > 0:
        add_intervals(result["layers"], per_document, chosen, bootstrap, seed)
        result["bootstrap"] = {"samples": bootstrap, "seed": seed, "level": LEVEL}
    return result
