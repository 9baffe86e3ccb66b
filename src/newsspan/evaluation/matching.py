"""Span matching: the one implementation shared by ``newsspan agree`` and ``newsspan evaluate``.

Spans are ``(start, end, label)`` triples (code-point offsets, end exclusive). Two rules pair spans of
side A with spans of side B one-to-one:

- :func:`exact_pairs`: same start and end (and label, if ``labelled``);
- :func:`overlap_pairs`: sharing at least one character (and the label, if ``labelled``); among all
  such one-to-one matchings the one with the most pairs, then the most shared characters.

Touching spans (``[0, 5)`` and ``[5, 9)``) do not overlap. Every function is symmetric in the sense that
swapping A and B swaps the pairs.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from typing import Any

Span = tuple[int, int, str]  # start, end, label
Pair = tuple[int, int]  # index into A, index into B


def overlap(x: Span, y: Span) -> int:
    """Number of characters two spans share."""
    return max(0, min(x[1], y[1]) - max(x[0], y[0]))


def exact_pairs(a: Sequence[Span], b: Sequence[Span], labelled: bool) -> list[Pair]:
    """A one-to-one pairing of spans with the same offsets (and label, if ``labelled``).

    Identical spans pair first, so an unlabelled pairing never costs a labelled one.
    """
    pairs: list[Pair] = []
    used_a: set[int] = set()
    used_b: set[int] = set()
    for key in ((lambda s: s),) if labelled else ((lambda s: s), (lambda s: s[:2])):
        free: dict[Any, list[int]] = {}
        for j, span in enumerate(b):
            if j not in used_b:
                free.setdefault(key(span), []).append(j)
        for i, span in enumerate(a):
            if i not in used_a and free.get(key(span)):
                j = free[key(span)].pop(0)
                pairs.append((i, j))
                used_a.add(i)
                used_b.add(j)
    return sorted(pairs)


def overlapping(a: Sequence[Span], b: Sequence[Span], labelled: bool) -> list[tuple[int, int, int]]:
    """Every ``(i, j, shared characters)`` of an A span and a B span that overlap (and share the label).

    B is sorted by start once; an A span can only meet the B spans starting in ``(start - longest B, end)``,
    found by bisection, so the cost follows the number of overlaps, not ``len(a) x len(b)``.
    """
    if not a or not b:
        return []
    order = sorted(range(len(b)), key=lambda j: b[j][0])
    starts = [b[j][0] for j in order]
    longest = max(y[1] - y[0] for y in b)
    found = []
    for i, x in enumerate(a):
        for k in range(bisect_right(starts, x[0] - longest), bisect_left(starts, x[1])):
            j = order[k]
            shared = overlap(x, b[j])
            if shared > 0 and (not labelled or x[2] == b[j][2]):
                found.append((i, j, shared))
    return found


def overlap_pairs(a: Sequence[Span], b: Sequence[Span], labelled: bool) -> list[Pair]:
    """A one-to-one matching of overlapping spans (same label too, if ``labelled``).

    Among all matchings that pair only spans sharing at least one character, the one with the most
    pairs, and among those the one with the most shared characters (maximum-weight bipartite matching,
    scipy's ``linear_sum_assignment``; each pair weighs a constant larger than any total overlap, plus
    its overlap). Each span is matched at most once, so nested or split spans cannot count twice.
    """
    candidates = overlapping(a, b, labelled)
    if not candidates:
        return []
    import numpy as np
    from scipy.optimize import linear_sum_assignment

    bonus = 1 + sum(c for *_, c in candidates)
    weights = np.zeros((len(a), len(b)))
    for i, j, shared in candidates:
        weights[i, j] = bonus + shared
    rows, cols = linear_sum_assignment(weights, maximize=True)
    return sorted((int(i), int(j)) for i, j in zip(rows, cols, strict=True) if weights[i, j] > 0)


def exact_then_overlap(a: Sequence[Span], b: Sequence[Span]) -> tuple[list[Pair], list[Pair]]:
    """Unlabelled exact pairs, then an overlap matching of the spans they leave unpaired.

    The alignment of SemEval-2013 task 9's *partial* scheme: exact boundaries count fully, overlaps half.
    Returns ``(exact, partial)``, both as indices into the full ``a`` and ``b``.
    """
    exact = exact_pairs(a, b, labelled=False)
    paired_a, paired_b = {i for i, _ in exact}, {j for _, j in exact}
    left_a = [i for i in range(len(a)) if i not in paired_a]
    left_b = [j for j in range(len(b)) if j not in paired_b]
    rest = overlap_pairs([a[i] for i in left_a], [b[j] for j in left_b], labelled=False)
    return exact, [(left_a[i], left_b[j]) for i, j in rest]
