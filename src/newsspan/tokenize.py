"""Tokens and sentences (spaCy's rule-based English tokenizer and sentencizer, no model download),
and IOB2 encoding of character spans over those tokens.

Tokens are split further at any span boundary that falls inside a spaCy token, so every
annotated span maps onto whole tokens and IOB2 tags round-trip to the exact offsets.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import Any


@dataclass(frozen=True)
class Token:
    """A token with its code-point offsets into the canonical text."""

    text: str
    start: int
    end: int


@cache
def _nlp() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def sentences(text: str, boundaries: Iterable[int] = ()) -> list[list[Token]]:
    """Sentences of ``text`` as lists of non-whitespace tokens.

    A sentence also ends at every line break. Tokens are split at each offset in ``boundaries``.
    """
    cuts = sorted(set(boundaries))
    result: list[list[Token]] = []
    current: list[Token] = []
    after_newline = False
    for token in _nlp()(text):
        word, start = token.text, token.idx
        starts_sentence = token.is_sent_start or after_newline
        after_newline = "\n" in word
        if token.is_space:
            continue
        if starts_sentence and current:
            result.append(current)
            current = []
        if bisect_right(cuts, start) == bisect_right(cuts, start + len(word) - 1):  # no cut inside: the usual case
            current.append(Token(word, start, start + len(word)))
        else:
            current.extend(_split(word, start, cuts))
    if current:
        result.append(current)
    return result


def _split(word: str, start: int, cuts: Sequence[int]) -> list[Token]:
    """Split one token at the cut offsets strictly inside it."""
    end = start + len(word)
    inner = cuts[bisect_right(cuts, start): bisect_right(cuts, end - 1)]
    edges = [start, *inner, end]
    pieces = [(word[a - start : b - start], a, b) for a, b in pairwise(edges)]
    return [Token(piece, a, b) for piece, a, b in pieces if piece.strip()]


def outermost(spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """The spans not contained in another span (nested entities: the outermost wins)."""
    kept: list[tuple[int, int, str]] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1]:
            continue  # inside (entities never cross) the last kept span
        kept.append((start, end, label))
    return kept


def iob2_tags(tokens: Sequence[Token], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """IOB2 tags of ``tokens`` for the outermost of ``spans`` ((start, end, label) triples)."""
    tags = ["O"] * len(tokens)
    for start, end, label in outermost(spans):
        inside = [i for i, t in enumerate(tokens) if t.start >= start and t.end <= end]
        for n, i in enumerate(inside):
            tags[i] = ("B-" if n == 0 else "I-") + label
    return tags


def spans_from_iob2(tokens: Sequence[Token], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Character spans from IOB2 tags (strict: an I- tag without a matching B- starts no span)."""
    spans: list[tuple[int, int, str]] = []
    current: list[Any] | None = None
    for token, tag in zip(tokens, tags, strict=True):
        if tag.startswith("I-") and current is not None and current[2] == tag[2:]:
            current[1] = token.end
            continue
        if current is not None:
            spans.append(tuple(current))  # type: ignore[arg-type]
            current = None
        if tag.startswith("B-"):
            current = [token.start, token.end, tag[2:]]
    if current is not None:
        spans.append(tuple(current))  # type: ignore[arg-type]
    return spans


def iob2_labels(entity_labels: Sequence[str]) -> list[str]:
    """The IOB2 tag inventory: O, then B-/I- for each label in schema order."""
    return ["O", *(f"{p}-{label}" for label in entity_labels for p in ("B", "I"))]
