"""The quotation layer's whole-text fast paths give what the straightforward code gives, on random texts.

The one-pass word scan, the sentence boundaries it relies on, the cue prefilter of the attribution before a
quotation, the quoted-stretch scan over the whole text, the directly built span dicts and the speaker look-ups
are each checked against a plain re-statement of what they replace.
"""

from __future__ import annotations

import re
from itertools import pairwise
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsspan.suggest import common, quotations
from newsspan.suggest.common import Sentence, make_span, sentence_of, sentences
from newsspan.suggest.quotations import (
    Quoted,
    _before,
    _Hits,
    _indirect,
    _Mentions,
    _referent,
    _reporting_sentences,
    _Taken,
    _word_hits,
    quoted_stretches,
)

from .suggest_support import quotation_texts

#: The scan's words in a plain alternation (longest first, so that "pointed out" is tried before a prefix).
_PLAIN_SCAN = re.compile(r"\b(?:" + "|".join(map(re.escape, sorted(quotations._SCAN_WORDS, key=lambda w: -len(w))))
                         + r")\b")


@settings(max_examples=400, deadline=None)
@given(quotation_texts(60))
@example("said that, according to\n“said” (told) — written said")
def test_word_hits_are_the_alternation(text: str) -> None:
    assert _word_hits(text) == [(m.start(), m.end(), m.group()) for m in _PLAIN_SCAN.finditer(text)]


@settings(max_examples=400, deadline=None)
@given(quotation_texts(60))
def test_sentence_ends_touch_spaces_or_the_text_ends(text: str) -> None:
    """What the word scan relies on: a sentence's words read alone are its words read in the whole text."""
    for sent in sentences(text):
        assert sent.start == 0 or text[sent.start - 1].isspace()
        assert sent.end == len(text) or text[sent.end].isspace()


def _plain_quoted_stretches(text: str) -> list[Quoted]:
    """The stretches found paragraph by paragraph (the form before the whole-text scan)."""
    found: list[Quoted] = []
    doubles = any(mark in text for mark in "“\"«„")
    pairs = quotations._OPEN_CLOSE if doubles else {"‘": "’", "'": "'"}
    opening = re.compile("[" + re.escape("".join(pairs)) + "]")
    for para in re.finditer(r"[^\n]+", text):
        i, end = para.start(), para.end()
        while True:
            hit = opening.search(text, i, end)
            if hit is None:
                break
            i = hit.start()
            if not quotations._opens(text, i):
                i += 1
                continue
            close = quotations._closing(text, i + 1, end, pairs[text[i]])
            if close is None:
                found.append(Quoted(i + 1, end))
                break
            found.append(Quoted(i + 1, close))
            i = close + 1
    return found


_MARKS = st.lists(st.sampled_from(["“", "”", "\"", "«", "»", "„", "‘", "’", "'", "\n", " ", "a", "(", "—", "x y",
                                   ", ", "said"]), max_size=30).map("".join)


@settings(max_examples=500, deadline=None)
@given(st.one_of(quotation_texts(40), _MARKS))
def test_quoted_stretches_are_found_per_paragraph(text: str) -> None:
    assert quoted_stretches(text) == _plain_quoted_stretches(text)


@settings(max_examples=400, deadline=None)
@given(quotation_texts(60), st.lists(st.integers(0, 400), max_size=12))
@example("He pointed out that the plan will work", [10])
@example("The minister said that the plan will work. Talks failed, according to officials.", [])
def test_sentences_given_by_the_prefilter(text: str, cuts: list[int]) -> None:
    """Sentences cut at spaces (as :func:`sentences` cuts; also inside "pointed out"), or those of the text: those
    the one-scan prefilter leaves out yield nothing; those it gives come with their own cues (or None, to be found
    in the sentence) and yield what they yield alone."""
    taken = _Taken(quoted_stretches(text))
    bounds = sorted({0, len(text), *(c for c in cuts if c < len(text) and text[c].isspace())})
    sents = [Sentence(a, b) for a, b in pairwise(bounds)] if cuts else sentences(text)
    given_ = dict(_reporting_sentences(text, sents, set()))
    for sent in sents:
        if sent not in given_:
            assert list(_indirect(text, sent, taken)) == [], sent
            continue
        if given_[sent] is not None:
            body = text[sent.start:sent.end]
            assert given_[sent] == [(m.start(), m.end(), m.group()) for m in quotations._FAST_CUE.finditer(body)]
        assert list(_indirect(text, sent, taken, given_[sent])) == list(_indirect(text, sent, taken))


@settings(max_examples=400, deadline=None)
@given(quotation_texts(40))
@example("The minister said: “We will win.” According to him, “it is done.” He had written to them: “No.”")
def test_cue_prefilter_before_a_quotation(text: str) -> None:
    """The attribution before each quotation is the same with and without the word hits."""
    hits, sents = _Hits(text), sentences(text)
    for q in quoted_stretches(text):
        sent = sentence_of(sents, q.start) or Sentence(q.start, q.end)
        assert _before(text, q.start, sent, hits) == _before(text, q.start, sent)


@settings(max_examples=300, deadline=None)
@given(quotation_texts(20), st.integers(0, 80), st.integers(0, 80),
       st.dictionaries(st.sampled_from("xy"), st.integers()))
def test_make_span_trims_as_the_character_loop(text: str, start: int, end: int, fields: dict[str, int]) -> None:
    """make_span's trim by str.strip() is the plain loop over str.isspace() characters."""
    start, end = min(start, len(text)), min(end, len(text))
    low, high = start, end
    while low < high and text[low].isspace():
        low += 1
    while high > low and text[high - 1].isspace():
        high -= 1
    assert make_span(text, start, end, **fields) == {"start": low, "end": high, "text": text[low:high], **fields}


_NAMES = ["Smith", "John Smith", "the Bank", "Bank of England", "Acme Corp", "England", "SMITH", "İstanbul Bank",
          "smith", "Bank"]
_ENTITY = st.tuples(st.integers(0, 40), st.integers(1, 8), st.sampled_from(["PERSON", "ORG", "GPE", "NORP", "DATE"]),
                    st.sampled_from(_NAMES))
_SOURCES = st.sampled_from(["he", "she", "it", "its spokesman", "their leader", "the bank", "Smith", "the club",
                            "Mr Smith", "the statement", "England", "officials", "the company", "of the bank", "",
                            "smith's lawyer", "the Bank’s chief"])


def _plain_referent(source: str, entities: list[dict[str, Any]], before: int) -> dict[str, Any] | None:
    """The look-ups of :func:`_referent` that use the entity index, as plain scans (the rest is not reached)."""
    earlier = [e for e in entities if e["end"] <= before]
    words = source.lower().replace("’s", "").replace("'s", "").split()
    head = words[-1] if words else ""
    if head in quotations.PRONOUNS or (words and words[0] in ("his", "her", "its", "their")):
        pronoun = head if head in quotations.PRONOUNS else words[0]
        if pronoun in ("they", "we", "you", "i", "them"):
            return None
        labels = ("ORG", "GPE") if pronoun in ("it", "its", "their") else ("PERSON",)
        found = [e for e in earlier if e["label"] in labels]
        return found[-1] if found else None
    for word in reversed(words):
        if word in ("the", "of", "a", "an", "in", "and", "for"):
            continue
        orgs = [e for e in earlier if e["label"] == "ORG" and word in e["text"].lower().split()]
        if orgs:
            return orgs[-1]
    people = [e for e in earlier if e["label"] == "PERSON" and e["text"].split()[-1].lower() in words]
    return people[-1] if people else "not reached"  # type: ignore[return-value]


@settings(max_examples=400, deadline=None)
@given(st.lists(_ENTITY, max_size=12), st.booleans(), _SOURCES, st.integers(0, 50))
def test_referent_lookups_are_scans(raw: list[tuple[int, int, str, str]], ordered: bool, source: str,
                                    before: int) -> None:
    entities = [{"start": s, "end": s + n, "label": label, "text": name} for s, n, label, name in raw]
    if ordered:
        entities.sort(key=lambda e: e["start"])
    expected = _plain_referent(source, entities, before)
    if expected == "not reached":
        return
    found = _referent("", {"text": source, "start": before, "end": before}, _Mentions(entities), None, before)
    assert found is expected


@settings(max_examples=400, deadline=None)
@given(quotation_texts(30), st.lists(st.tuples(st.integers(0, 400), st.booleans(), st.sampled_from(["ORG", "GPE",
                                                                                                    "PERSON"])),
                                     max_size=10),
       st.sampled_from([("ORG",), ("ORG", "GPE")]))
def test_described_is_the_plain_rule(text: str, raw: list[tuple[int, bool, str]], labels: tuple[str, ...]) -> None:
    """The organisation a description refers to: the last of the earlier mentions with one of ``labels`` after the
    dateline that starts a sentence, else the last of them."""
    sents = sentences(text)
    starts = [sent.start for sent in sents]
    earlier = []
    for at, at_sentence_start, label in raw:
        start = starts[at % len(starts)] if at_sentence_start and starts else min(at, len(text))
        earlier.append({"start": start, "end": start + 1, "label": label})
    dateline = common.dateline_end(text)
    candidates = [e for e in earlier if e["label"] in labels and e["start"] >= dateline]
    subjects = [e for e in candidates if e["start"] in starts]
    found = subjects or candidates
    assert quotations._described(text, earlier, labels) is (found[-1] if found else None)


_LITERAL_PIECES = st.lists(st.sampled_from(["Mr.", "J.", " (DMRC) ", "(", ")", ":", "said", "written", " ‘Give us", "’",
                                            "'", "told me, ", "data", " ", "\n", "x", ".", ",",
                                            "According to", " to ", "According"]), max_size=12)


@settings(max_examples=400, deadline=None)
@given(st.one_of(_LITERAL_PIECES.map("".join), quotation_texts(20)))
def test_literal_prefilters_keep_every_match(piece: str) -> None:
    """Each regex is skipped when its text lacks a character every match holds: then it finds nothing there."""
    if ")" not in piece:
        assert quotations._FINAL_BRACKET.search(piece) is None
    if "." not in piece:
        assert quotations._ABBREVIATION.search(piece) is None
    if ":" not in piece:
        assert quotations._COLON_CUE.search(piece) is None
    if not quotations._has_single_mark(piece):
        assert quotations._INNER.search(piece) is None
    if "According to" not in piece:
        assert quotations._ACCORDING_BEFORE.match(piece) is None


@settings(max_examples=400, deadline=None)
@given(st.one_of(quotation_texts(30),
                 st.lists(st.sampled_from(["and", "sand", "as", "after", "who", "whom", "where", "when", "whence", " ",
                                           ",", "(", "_", "é", "x", "though", "if"]), max_size=12).map("".join)))
def test_fast_source_stop_is_the_source_stop(text: str) -> None:
    """``_FAST_STOP`` finds what the plain pattern of a mark or a stop word finds."""
    source_stop = re.compile(r"[,;:“”\"«»()\[\]]|\b(?:" + "|".join(quotations._STOP_WORDS) + r")\b")
    assert [m.span() for m in quotations._FAST_STOP.finditer(text)] == [m.span() for m in source_stop.finditer(text)]
