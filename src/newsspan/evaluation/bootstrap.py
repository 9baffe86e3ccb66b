"""Bootstrap confidence intervals over documents (``newsspan evaluate --bootstrap N --seed S``).

Documents are the unit of resampling (spans of one article are not independent): each of N replicates
draws as many documents as there are, with replacement, pools their counts and recomputes every measure
(:func:`newsspan.evaluation.metrics.scores`). The interval of a measure is the 2.5th and 97.5th
percentile of its replicates (percentile bootstrap, Efron & Tibshirani 1993), leaving out replicates where
the measure is undefined. numpy's seeded ``default_rng`` makes the intervals identical run to run.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any

from ..model import Layer
from .metrics import COUNT_KEYS, Counts, scores

Path = tuple[str, ...]

#: Two-sided confidence level of the intervals.
LEVEL = 0.95


def rate_paths(tree: dict[str, Any], prefix: Path = ()) -> Iterator[Path]:
    """Where the rates are in a scores tree: every number or None that is not a count."""
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from rate_paths(value, (*prefix, key))
        elif key not in COUNT_KEYS and (value is None or isinstance(value, float | int)):
            yield (*prefix, key)


def lookup(tree: dict[str, Any], path: Path) -> Any:
    """The value at ``path``, or None where the tree has no such key."""
    for key in path:
        if not isinstance(tree, dict) or key not in tree:
            return None
        tree = tree[key]
    return tree


def replicates(
    per_document: Sequence[Counts], layers: Sequence[Layer], samples: int, seed: int, paths: Sequence[Path]
) -> Any:
    """A ``samples x len(paths)`` array of the rates of each replicate (NaN where undefined)."""
    import numpy as np

    keys = sorted({key for counts in per_document for key in counts})
    matrix = np.array([[counts.get(key, 0) for key in keys] for counts in per_document], dtype=float)
    rng = np.random.default_rng(seed)
    out = np.full((samples, len(paths)), np.nan)
    n = len(per_document)
    for row in range(samples):
        weights = np.bincount(rng.integers(0, n, size=n), minlength=n)
        tree = scores(dict(zip(keys, weights @ matrix, strict=True)), layers)
        for column, path in enumerate(paths):
            value = lookup(tree, path)
            if value is not None:
                out[row, column] = value
    return out


def add_intervals(
    result: dict[str, Any], per_document: Sequence[Counts], layers: Sequence[Layer], samples: int, seed: int
) -> None:
    """Give every object of ``result`` that holds rates a ``"ci"`` object: rate -> ``[low, high]`` (or None)."""
    import numpy as np

    paths = list(rate_paths(result))
    if not paths or not per_document or samples < 1:
        return
    values = replicates(per_document, layers, samples, seed, paths)
    tail = 100 * (1 - LEVEL) / 2
    for column, path in enumerate(paths):
        defined = values[:, column][~np.isnan(values[:, column])]
        interval = [float(v) for v in np.percentile(defined, [tail, 100 - tail])] if defined.size else None
        parent = lookup(result, path[:-1]) if len(path) > 1 else result
        parent.setdefault("ci", {})[path[-1]] = interval
