"""The fast cue-word matcher gives exactly re's matches; suggestion files are written byte for byte as json does."""

from __future__ import annotations

import json
import math
import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.files import dump_json, dump_json_bytes
from newsspan.suggest import claims, dates, quotations
from newsspan.suggest.matching import CuePattern, cue_pattern

#: Every cue pattern the suggesters use, plus shapes the rules may grow into (prefixes, half-bounded, residual).
PATTERNS = [value for module in (claims, dates, quotations) for value in vars(module).values()
            if isinstance(value, CuePattern)] + [
    cue_pattern(r"\b(?:pointed|pointed out|said|said so)\b"),
    cue_pattern(r"\bJan|Feb\b|\bMarch\b|ma(?:y|rch)"),
    cue_pattern(r"year|month|ye|day", re.I),
    cue_pattern(r"\b(?:increase[sd]?|requires?|expected to (?:grow|rise)|\w+est|article \d+)\b", re.I),
    cue_pattern(r"\d|\b(?:one|two|per cent)\b", re.I),
    cue_pattern(r"(?i:morning|[ap]\.?\s?m\b)"),
    cue_pattern(quotations._CUE.pattern, quotations._CUE.flags),
    cue_pattern(quotations._SOURCE_STOP.pattern, quotations._SOURCE_STOP.flags),
]


def _pieces(pattern: CuePattern) -> list[str]:
    """Words of the pattern's own alternatives (so that random texts hit them), in several cases."""
    words = set(re.findall(r"[A-Za-z']+(?: [A-Za-z]+)?", pattern.pattern)) - {"b", "d", "w", "s", "S", "i"}
    return sorted(words | {w.upper() for w in words} | {w.title() for w in words})[:200]


def _texts(pattern: CuePattern) -> st.SearchStrategy[str]:
    glue = st.sampled_from([" ", "", "-", ".", ",", "’", "'", "\n", "s", "ed", "_", "1", "2026", "é", "İ", "ı", "ſ",
                            "\u212a", "“", "%"])
    return st.lists(st.one_of(st.sampled_from(_pieces(pattern)), glue, st.text(max_size=3)),
                    max_size=14).map("".join)


@pytest.mark.parametrize("pattern", PATTERNS, ids=lambda p: p.pattern[:30])
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_cue_pattern_matches_as_re(pattern: CuePattern, data: st.DataObject) -> None:
    text = data.draw(_texts(pattern))
    plain = re.compile(pattern.pattern, pattern.flags)
    expected, found = plain.search(text), pattern.search(text)
    assert (found and found.span()) == (expected and expected.span())
    assert pattern.holds(text) is (expected is not None)
    assert [m.span() for m in pattern.finditer(text)] == [m.span() for m in plain.finditer(text)]


def test_most_cue_patterns_are_read_not_left_to_re() -> None:
    """The speed-up is real: the word-list patterns are looked up, not searched by re."""
    read = [p for p in PATTERNS if p.rest is not p.regex]
    assert len(read) >= len(PATTERNS) - 2
    assert "important" in claims._OPINION.single  # a word-set pattern holds its words
    assert {"said", "told"} <= cue_pattern(quotations._CUE.pattern).single


def test_only_four_characters_fold_onto_ascii() -> None:
    """The matcher gives a text to re when it holds a letter re.IGNORECASE matches to an ASCII one; these are all."""
    ascii_word = re.compile("[a-z0-9_]", re.I)
    folding = {chr(c) for c in range(0x80, sys.maxunicode + 1) if ascii_word.fullmatch(chr(c))}
    assert folding == {"\u0130", "\u0131", "\u017f", "\u212a"}
    changes = {chr(c) for c in range(0x80, sys.maxunicode + 1)
               if len(chr(c).lower()) != 1 or chr(c).lower().isascii()}
    assert changes <= folding


@settings(max_examples=200, deadline=None)
@given(st.recursive(st.none() | st.booleans() | st.integers(-2**70, 2**70) | st.floats() | st.text(),
                    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=5), inner,
                                                                              max_size=4), max_leaves=20))
def test_dump_json_bytes_is_dump_json(obj: object) -> None:
    assert dump_json_bytes(obj) == dump_json(obj).encode("utf-8")


def test_dump_json_bytes_checks_only_what_it_is_told() -> None:
    """With ``checked``, the values outside it are trusted (the suggester's own spans): only floats it makes."""
    doc = {"metadata": {"x": 1e-7, "nan": math.nan}, "entities": [{"start": 0, "end": 3, "confidence": 0.95}]}
    assert dump_json_bytes(doc, checked=doc["metadata"]) == dump_json(doc).encode("utf-8")
    assert json.loads(dump_json_bytes({"a": "😀\u2028\x00"})) == {"a": "😀\u2028\x00"}
