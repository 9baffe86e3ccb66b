"""``compute_metrics`` for a transformers ``Trainer``: entity precision, recall and F1 with seqeval,
strict IOB2 (a span counts only when its type and both boundaries match; an ``I-`` without ``B-`` is
no span). Label ids :data:`~newsspan.train.align.IGNORE` (special tokens, later subwords) are skipped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from .align import IGNORE, label_list


def tag_sequences(predictions: Any, label_ids: Any, labels: Sequence[str]) -> tuple[list[list[str]], list[list[str]]]:
    """Predicted and gold tag strings per sequence, positions labelled IGNORE left out.

    ``predictions`` are logits (batch, length, labels) or label ids (batch, length).
    """
    import numpy as np

    predicted = np.asarray(predictions)
    if predicted.ndim == 3:
        predicted = predicted.argmax(-1)
    gold_rows, predicted_rows = [], []
    for guess, gold in zip(predicted.tolist(), np.asarray(label_ids).tolist(), strict=True):
        kept = [(labels[p], labels[g]) for p, g in zip(guess, gold, strict=True) if g != IGNORE]
        predicted_rows.append([p for p, _ in kept])
        gold_rows.append([g for _, g in kept])
    return predicted_rows, gold_rows


def make_compute_metrics(labels: Sequence[str] | None = None) -> Callable[[Any], dict[str, float]]:
    """A ``compute_metrics`` for ``Trainer``: overall precision, recall, F1 (seqeval, strict IOB2), accuracy."""
    labels = list(labels or label_list())

    def compute_metrics(eval_prediction: Any) -> dict[str, float]:
        from seqeval.metrics import accuracy_score, f1_score, precision_score, recall_score
        from seqeval.scheme import IOB2

        predictions, label_ids = eval_prediction[0], eval_prediction[1]
        predicted, gold = tag_sequences(predictions, label_ids, labels)
        strict = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
        return {"precision": float(precision_score(gold, predicted, **strict)),
                "recall": float(recall_score(gold, predicted, **strict)),
                "f1": float(f1_score(gold, predicted, **strict)),
                "accuracy": float(accuracy_score(gold, predicted))}

    return compute_metrics


#: The default: over the schema's entity tags.
compute_metrics = make_compute_metrics()
