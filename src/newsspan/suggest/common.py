"""What every suggester shares: provenance records, sentences, and span helpers.

A suggester returns spans as plain dicts shaped like the layer's items, without ids; references
to other suggested spans (a date's anchor, a quotation's speaker) hold the referenced dict itself,
and :mod:`newsspan.suggest.pipeline` turns them into ids once every layer is numbered.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from functools import lru_cache
from typing import Any, NamedTuple

#: Version of the rule sets; bump it when a rule changes what is suggested.
RULES_VERSION = "1.1.0"

def word_set(words: str) -> frozenset[str]:
    """The set of the space-separated words of ``words`` (for long word lists in the source)."""
    return frozenset(words.split())


#: Abbreviations whose full stop does not end a sentence.
_ABBREVIATIONS = word_set(
    "mr mrs ms dr prof gen lt col maj capt sgt rev st sen rep gov pres jr sr inc ltd co corp no vs etc "
    "jan feb mar apr jun jul aug sep sept oct nov dec u.s u.k u.n e.g i.e a.m p.m"
)
_LONGEST_ABBREVIATION = max(map(len, _ABBREVIATIONS))
#: A sentence end (a run of ``.!?…`` and closing marks before a space or the end of the text) or a line break
#: (group ``line``). A run opening with a full stop after a word of at most ``_LONGEST_ABBREVIATION`` characters
#: (a possible abbreviation, see :func:`_ends_with_abbreviation`) sets the group ``dot``. The leading lookahead
#: lets ``re`` skip to the next candidate character with its fast character-set search.
_BREAK = re.compile(r"(?=[.!?…\n])(?:(?:\.(?<=[^\s(\"“]{" + str(_LONGEST_ABBREVIATION + 1) + r"}\.)|(?P<dot>\.)|[!?…])"
                    r"[.!?…]*[\"'”’)\]]*(?=\s|\Z)|(?P<line>\n))")
#: A run of non-space characters (a whitespace-separated word).
NON_SPACE = re.compile(r"\S+")
#: The word before a full stop: the trailing run of characters that are neither spaces nor ``(``, ``"``, ``“``.
_WORD_TAIL = re.compile(r"[^\s(\"“]*\Z")


def provenance(layer: str) -> dict[str, str]:
    """The provenance record of a rule-made span of ``layer``."""
    return {"kind": "rule", "name": f"newsspan-suggest-{layer}", "version": RULES_VERSION}


def make_span(text: str, start: int, end: int, **fields: Any) -> dict[str, Any]:
    """A span dict covering ``text[start:end]``, trimmed of surrounding whitespace (guidelines §G2)."""
    piece = text[start:end]
    core = piece.strip()  # str.strip() removes exactly the characters str.isspace() names
    if len(core) != len(piece):
        start += len(piece) - len(piece.lstrip())
        end = start + len(core)
    return {"start": start, "end": end, "text": core, **fields}


class Sentence(NamedTuple):
    """One sentence of the text: code-point offsets, end exclusive."""

    start: int
    end: int


#: ``_new_sentence(Sentence, (start, end))`` is ``Sentence(start, end)``: the same tuple, of class Sentence, made by
#: ``tuple.__new__`` directly instead of through the Python-level ``__new__`` that NamedTuple writes for Sentence
#: (about half the time; sentences() makes some 75 a document).
_new_sentence = tuple.__new__


def _ends_with_abbreviation(text: str, end: int) -> bool:
    """True when the full stop at ``end - 1`` closes an abbreviation or an initial ("Dr.", "J.").

    The word is the run of characters before the stop back to a space or an opening ``(``, ``"``, ``“``; only
    its last ``_LONGEST_ABBREVIATION + 1`` characters are read (a longer word is no abbreviation).
    """
    word = _WORD_TAIL.search(text, max(0, end - 2 - _LONGEST_ABBREVIATION), end - 1).group().lower()
    return word in _ABBREVIATIONS or (len(word) == 1 and word.isalpha())


#: A dateline opening the text: a place in capitals, optionally a date, then a colon or dash (§E7, §D11).
DATELINE = re.compile(r"\A\s*(?P<place>[A-Z][A-Z.'’ -]*[A-Z](?:,\s*[A-Z][A-Za-z.]+)?)"
                      r"(?:,?\s*(?P<date>[A-Z][a-zA-Z]{2,8}\.?\s+\d{1,2}(?:,\s*\d{4})?|\d{1,2}\s+[A-Z][a-zA-Z]{2,8}"
                      r"(?:\s+\d{4})?))?"
                      r"(?:\s*\((?P<agency>[A-Za-z ]+)\))?\s*(?P<sep>[:—–]|-{1,2})\s")


def dateline_end(text: str) -> int:
    """Where the text after a dateline begins (0 when there is no dateline)."""
    m = DATELINE.match(text)
    return m.end() if m else 0


@lru_cache(maxsize=4)
def sentences(text: str) -> list[Sentence]:
    """Sentences by punctuation and line breaks; a quotation mark after the full stop stays in the sentence.

    A dateline at the start of the text ("ASTANA:", "ISLAMABAD, Feb 4 (APP) -") is not part of the first sentence.
    The list is cached per text (several layers ask for the same one): do not change it.
    """
    skip = dateline_end(text)
    found: list[Sentence] = []
    start = skip  # where the current piece begins (a line begins no earlier than the dateline's end)
    for match in _BREAK.finditer(text):  # sentence ends and line breaks, in text order
        at, end = match.span()
        kind = match.lastgroup
        if kind == "line":
            _add_trimmed(text, start, at, found)
            start = end if end > skip else skip
            continue
        if kind == "dot" and _ends_with_abbreviation(text, at + 1):
            continue
        if text[end:end + 3].lstrip()[:1].islower():
            continue
        _add_trimmed(text, start, end, found)
        start = end
    _add_trimmed(text, start, len(text), found)
    return found


@lru_cache(maxsize=4)
def reversed_text(text: str) -> str:
    """``text[::-1]``, for patterns that read backwards from a point; cached per text like :func:`sentences`."""
    return text[::-1]


def _add_trimmed(text: str, start: int, end: int, found: list[Sentence]) -> None:
    """Append ``text[start:end]`` without the spaces at either end, unless it is blank."""
    left = text[start:end].lstrip()
    if left:
        start = end - len(left)
        found.append(_new_sentence(Sentence, (start, start + len(left.rstrip()))))


def sentence_of(sents: list[Sentence], offset: int) -> Sentence | None:
    """The sentence holding ``offset`` (sentences are sorted)."""
    lo, hi = 0, len(sents)
    while lo < hi:
        mid = (lo + hi) // 2
        if sents[mid].end <= offset:
            lo = mid + 1
        else:
            hi = mid
    return sents[lo] if lo < len(sents) and sents[lo].start <= offset else None


def without_overlaps(spans: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Non-empty spans, the longest first, each kept only if it overlaps no span kept before; in text order.

    The kept spans are disjoint, so bisecting their starts finds the two neighbours a span may overlap.
    """
    starts: list[int] = []
    kept: list[dict[str, Any]] = []
    for span in sorted(spans, key=lambda s: (s["start"] - s["end"], s["start"])):
        start, end = span["start"], span["end"]
        at = bisect_right(starts, start)
        if (at and kept[at - 1]["end"] > start) or (at < len(kept) and starts[at] < end):
            continue
        starts.insert(at, start)
        kept.insert(at, span)
    return kept
