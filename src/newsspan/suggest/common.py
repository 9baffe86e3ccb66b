"""What every suggester shares: provenance records, sentences, and span helpers.

A suggester returns spans as plain dicts shaped like the layer's items, without ids; references
to other suggested spans (a date's anchor, a quotation's speaker) hold the referenced dict itself,
and :mod:`newsspan.suggest.pipeline` turns them into ids once every layer is numbered.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

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
_SENTENCE_END = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)")


def provenance(layer: str) -> dict[str, str]:
    """The provenance record of a rule-made span of ``layer``."""
    return {"kind": "rule", "name": f"newsspan-suggest-{layer}", "version": RULES_VERSION}


def make_span(text: str, start: int, end: int, **fields: Any) -> dict[str, Any]:
    """A span dict covering ``text[start:end]``, trimmed of surrounding whitespace (guidelines §G2)."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return {"start": start, "end": end, "text": text[start:end], **fields}


def subspan(text: str, start: int, end: int) -> dict[str, Any]:
    """A sub-span (source, cue, dateline): offsets and text only."""
    span = make_span(text, start, end)
    return {"start": span["start"], "end": span["end"], "text": span["text"]}


@dataclass(frozen=True)
class Sentence:
    """One sentence of the text: code-point offsets, end exclusive."""

    start: int
    end: int


def _ends_with_abbreviation(text: str, end: int) -> bool:
    """True when the full stop at ``end - 1`` closes an abbreviation or an initial ("Dr.", "J.")."""
    word_start = end - 1
    while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"“":
        word_start -= 1
    word = text[word_start:end - 1].lower()
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
    """
    found: list[Sentence] = []
    skip = dateline_end(text)
    for line in re.finditer(r"[^\n]+", text):
        start = max(line.start(), skip) if line.start() < skip else line.start()
        for match in _SENTENCE_END.finditer(text, line.start(), line.end()):
            if match.group().startswith(".") and _ends_with_abbreviation(text, match.start() + 1):
                continue
            following = text[match.end():match.end() + 3].lstrip()
            if following[:1].islower():
                continue
            found.append(Sentence(start, match.end()))
            start = match.end()
        if text[start:line.end()].strip():
            found.append(Sentence(start, line.end()))
    return [Sentence(*_trimmed(text, s.start, s.end)) for s in found if text[s.start:s.end].strip()]


def _trimmed(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


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


def without_overlaps(spans: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """The longest spans first, each kept only if it overlaps no span kept before; yielded in text order."""
    kept: list[dict[str, Any]] = []
    for span in sorted(spans, key=lambda s: (-(s["end"] - s["start"]), s["start"])):
        if all(span["end"] <= k["start"] or span["start"] >= k["end"] for k in kept):
            kept.append(span)
    yield from sorted(kept, key=lambda s: s["start"])
