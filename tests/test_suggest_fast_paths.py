"""The quotation layer's fast paths give what the straightforward code gives, on random texts.

Sentences, the cue-word trie, and the bisection indexes of quoted stretches and entities are each checked against
a plain re-statement of what they replace (the sentence prefilter of the indirect rules: test_suggest_quotations_fast).
"""

from __future__ import annotations

import re
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsspan.suggest import common, quotations
from newsspan.suggest.common import Sentence, sentences
from newsspan.suggest.matching import word_trie
from newsspan.suggest.quotations import _Mentions, _Taken, quoted_stretches

from .suggest_support import quotation_texts


def _reference_sentences(text: str) -> list[Sentence]:
    """Sentences as the splitter defines them, stated plainly: a character loop for the abbreviation's word."""
    abbreviations = common._ABBREVIATIONS
    found: list[tuple[int, int]] = []
    skip = common.dateline_end(text)
    for line in re.finditer(r"[^\n]+", text):
        start = max(line.start(), skip)
        for match in re.finditer(r"[.!?…]+[\"'”’)\]]*(?=\s+|$)", text[:line.end()]):
            if match.start() < line.start():
                continue
            if match.group().startswith("."):
                word_start = match.start()
                while word_start > 0 and not text[word_start - 1].isspace() and text[word_start - 1] not in "(\"“":
                    word_start -= 1
                word = text[word_start:match.start()].lower()
                if word in abbreviations or (len(word) == 1 and word.isalpha()):
                    continue
            if text[match.end():match.end() + 3].lstrip()[:1].islower():
                continue
            found.append((start, match.end()))
            start = match.end()
        found.append((start, line.end()))
    result = []
    for start, end in found:
        if not text[start:end].strip():
            continue
        while text[start].isspace():
            start += 1
        while text[end - 1].isspace():
            end -= 1
        result.append(Sentence(start, end))
    return result


@settings(max_examples=400, deadline=None)
@given(quotation_texts())
@example("He met Corp. Smith today. Then U.S. officials left! “Yes.” J. Doe said. ok… Fine")
def test_sentences_are_the_plain_definition(text: str) -> None:
    assert sentences(text) == _reference_sentences(text)


#: Short words, abbreviations, stops, marks, line breaks and datelines: what the splitter's pattern decides on.
_SPLITTER_PIECES = ["Mr", "Dr", "U.S", "e.g", "etc", "sept", "Sept", "Corp", "J", "é", "İ", "ab", "abc", "abcd",
                    "abcde", "word", "words", "(", "“", "\"", "'", "”", "’", ")", "]", ".", ".", "..", "!", "?", "…",
                    " ", " ", "  ",
                    "\n", "\n\n", "\t", "\u00a0", "x", "The", "ASTANA: ", "LONDON, Jan 4 (AP) - ", "\u2028", "a.m",
                    "No"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_SPLITTER_PIECES), st.text(max_size=2)), max_size=40).map("".join))
@example("ASTANA:\nMr. Smith left. The U.S. side stayed.\nDr.\n(J. Doe) came… Fine! ok. Then")
@example("abcd. abcde. a. Corp.\" Next")
def test_sentences_split_pieces_as_the_plain_definition(text: str) -> None:
    assert sentences.__wrapped__(text) == _reference_sentences(text)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(alphabet="abs d_é", min_size=1, max_size=5), min_size=1, max_size=8),
       st.lists(st.text(alphabet="abs d_é.", max_size=6), max_size=10))
def test_word_trie_matches_the_alternation(words: list[str], pieces: list[str]) -> None:
    words = [w for w in words if re.fullmatch(r"\w(?:.*\w)?", w)]
    if not words:
        return
    text = " ".join(pieces + words[:3])
    plain = re.compile(r"\b(?:" + "|".join(map(re.escape, words)) + r")\b")
    try:
        trie = re.compile(r"\b" + word_trie(words) + r"\b")
    except ValueError:  # a word and the same word followed by a non-word character: refused, never wrong
        assert any(o.startswith(w) and o != w and not re.match(r"\w", o[len(w)]) for w in words for o in words)
        return
    assert [m.span() for m in trie.finditer(text)] == [m.span() for m in plain.finditer(text)]


@settings(max_examples=300, deadline=None)
@given(quotation_texts())
def test_cue_trie_finds_the_cues(text: str) -> None:
    """The trie of the cue verbs finds what the cue alternation finds (same spans, same words)."""
    assert [(m.span(), m.group()) for m in quotations._FAST_CUE.finditer(text)] == [
        (m.span(), m.group()) for m in quotations._CUE.finditer(text)]


def test_word_trie_refuses_a_word_and_its_longer_phrase() -> None:
    try:
        word_trie(["pointed", "pointed out"])
    except ValueError as error:
        assert "pointed" in str(error)
    else:
        raise AssertionError("word_trie accepted a word and the same word followed by a space")


@settings(max_examples=300, deadline=None)
@given(quotation_texts(), st.integers(0, 60), st.integers(0, 60))
def test_quoted_stretch_index_is_a_scan(text: str, low: int, high: int) -> None:
    stretches = quoted_stretches(text)
    taken = _Taken(stretches)
    assert taken.starts_in(low, high) == [q.start for q in stretches if low <= q.start < high]
    assert taken.overlaps(low, high) == any(low < q.end and q.start < high for q in stretches)


_ENTITY = st.tuples(st.integers(0, 40), st.integers(0, 8), st.sampled_from(["PERSON", "ORG", "GPE"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_ENTITY, max_size=12), st.booleans(), st.integers(0, 50), st.integers(0, 50))
def test_entity_index_is_a_scan(raw: list[tuple[int, int, str]], ordered: bool, low: int, high: int) -> None:
    entities: list[dict[str, Any]] = [{"start": s, "end": s + n, "label": label} for s, n, label in raw]
    if ordered:
        entities.sort(key=lambda e: e["start"])
    mentions = _Mentions(entities)
    assert mentions.within(low, high) == [e for e in entities if low <= e["start"] and e["end"] <= high]
    for label in (None, "PERSON", "ORG", "LOC"):
        assert mentions.earlier(low, label) == [e for e in entities
                                                if e["end"] <= low and label in (None, e["label"])]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["also", "had also", "then", "Smith", "al", "so", " ", "\n", "\t", ",", "x", "only",
                                 "promptly", "ly"]), max_size=8).map("".join))
def test_adverb_prefilter_keeps_every_match(piece: str) -> None:
    """The trailing-adverb regex is tried only on a source ending with an adverb: it matches nothing else."""
    if not piece.rstrip().endswith(quotations._ADVERB_ENDINGS):
        assert quotations._TRAILING_ADVERBS.search(piece) is None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from([" and ", "and", " ", ",", " adding that", "saying", "said", " that", "x", "And",
                                 "\t", "noting", "blamed", "urged"]), max_size=8).map("".join))
def test_second_clause_prefilter_keeps_every_match(clause: str) -> None:
    """A reported clause is searched for a second attribution only when it holds one of the words all need."""
    if not any(word in clause for word in quotations._SECOND_WORDS):
        assert quotations._SECOND.search(clause) is None
