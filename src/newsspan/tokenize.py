"""Tokens and sentences (spaCy's rule-based English tokenizer and sentencizer, no model download).

Tokens are split further at any span boundary that falls inside a spaCy token, so every
annotated span maps onto whole tokens (IOB2 encoding over them: :mod:`newsspan.iob`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
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
def _tokenizer() -> Any:
    """spaCy's rule-based English tokenizer (no model download)."""
    import spacy

    return spacy.blank("en").tokenizer


@cache
def _punct_orths() -> Any:
    """ORTH hashes of the default ``punct_chars`` of spaCy's ``Sentencizer``."""
    import numpy as np
    from spacy.pipeline import Sentencizer

    strings = _tokenizer().vocab.strings
    return np.array(sorted(strings.add(char) for char in Sentencizer.default_punct_chars), dtype=np.uint64)


@dataclass(frozen=True)
class Segmentation:
    """Tokens of a text as arrays: code-point ``starts`` and ``ends``, and ``sentence_starts``, the index of
    each sentence's first token (increasing, starting at 0 when there are tokens)."""

    starts: Any  # numpy int64 arrays
    ends: Any
    sentence_starts: Any


def segment(text: str, boundaries: Iterable[int] = ()) -> Segmentation:
    """Non-whitespace tokens and sentences of ``text``, computed on arrays (no per-token Python objects).

    Sentences follow spaCy's ``Sentencizer`` rule (a sentence starts at the first token that is
    neither punctuation nor one of its ``punct_chars`` after a ``punct_chars`` token); a sentence
    also ends at every line break. Tokens are split at each offset in ``boundaries``.
    """
    import numpy as np
    from spacy.attrs import IDX, IS_PUNCT, IS_SPACE, LENGTH, ORTH

    columns = _tokenizer()(text).to_array([IDX, LENGTH, IS_SPACE, IS_PUNCT, ORTH])
    if not len(columns):
        empty = np.zeros(0, dtype=np.int64)
        return Segmentation(empty, empty, empty)
    starts = columns[:, 0].astype(np.int64)
    ends = starts + columns[:, 1].astype(np.int64)
    is_space = columns[:, 2].astype(bool)
    in_punct_chars = _is_punct_char(columns[:, 4])
    opens = _sentencizer_starts(in_punct_chars, columns[:, 3].astype(bool)) | _after_newline(text, starts, ends)
    keep = ~is_space
    starts, ends, opens = starts[keep], ends[keep], opens[keep]
    if len(opens):
        opens[0] = True  # the first kept token starts the first sentence whatever came before it
    cuts = np.array(sorted(set(boundaries)), dtype=np.int64)
    if len(cuts):
        starts, ends, opens = _cut(text, starts, ends, opens, cuts)
    return Segmentation(starts, ends, np.flatnonzero(opens))


def _is_punct_char(orths: Any) -> Any:
    """Which ORTH hashes are those of a ``punct_chars`` character (a sorted lookup: faster than ``np.isin``)."""
    import numpy as np

    table = _punct_orths()
    found = np.minimum(np.searchsorted(table, orths), len(table) - 1)
    return table[found] == orths


def _sentencizer_starts(in_punct_chars: Any, is_punct: Any) -> Any:
    """spaCy ``Sentencizer.predict`` on arrays: which tokens start a sentence.

    A plain token (neither punctuation nor in ``punct_chars``) starts a sentence when a
    ``punct_chars`` token lies between it and the previous plain token; the first token always does.
    """
    import numpy as np

    plain = np.flatnonzero(~is_punct & ~in_punct_chars)
    before = np.concatenate(([0], np.cumsum(in_punct_chars)))  # punct_chars tokens before index i
    previous = np.concatenate(([-1], plain[:-1]))
    opens = np.zeros(len(is_punct), dtype=bool)
    opens[plain[before[plain] - before[previous + 1] > 0]] = True
    opens[0] = True
    return opens


def _after_newline(text: str, starts: Any, ends: Any) -> Any:
    """Which tokens directly follow a token that contains a line break."""
    import numpy as np

    breaks = np.array([m.start() for m in re.finditer("\n", text)], dtype=np.int64)
    has_break = np.searchsorted(breaks, ends) > np.searchsorted(breaks, starts)
    return np.concatenate(([False], has_break[:-1]))


def _cut(text: str, starts: Any, ends: Any, opens: Any, cuts: Any) -> tuple[Any, Any, Any]:
    """Split the tokens that contain a cut strictly inside them; whitespace-only pieces are dropped."""
    import numpy as np

    first, last = np.searchsorted(cuts, starts, "right"), np.searchsorted(cuts, ends - 1, "right")
    inner = np.flatnonzero(first != last)
    if not len(inner):
        return starts, ends, opens
    parts: list[tuple[Any, Any, Any]] = []
    done = 0
    for i in inner.tolist():
        parts.append((starts[done:i], ends[done:i], opens[done:i]))
        edges = [int(starts[i]), *cuts[first[i]:last[i]].tolist(), int(ends[i])]
        pieces = np.array([(a, b) for a, b in pairwise(edges) if text[a:b].strip()], dtype=np.int64)
        piece_opens = np.zeros(len(pieces), dtype=bool)
        piece_opens[0] = opens[i]  # a sentence starting at the token starts at its first piece
        parts.append((pieces[:, 0], pieces[:, 1], piece_opens))
        done = i + 1
    parts.append((starts[done:], ends[done:], opens[done:]))
    starts, ends, opens = (np.concatenate([part[k] for part in parts]) for k in range(3))
    return starts, ends, opens


def sentences(text: str, boundaries: Iterable[int] = ()) -> list[list[Token]]:
    """Sentences of ``text`` as lists of non-whitespace tokens (see :func:`segment`)."""
    seg = segment(text, boundaries)
    tokens = [Token(text[a:b], a, b) for a, b in zip(seg.starts.tolist(), seg.ends.tolist(), strict=True)]
    edges = [*seg.sentence_starts.tolist(), len(tokens)]
    return [tokens[a:b] for a, b in pairwise(edges)]
