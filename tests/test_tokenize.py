"""Sentences and tokens: the array-based splitter gives exactly what spaCy's own pipeline gives.

The reference below runs spaCy's real ``Sentencizer`` (blank English pipeline) and walks its
``Token`` objects one by one with the newsspan rules (a sentence also ends at a line break,
whitespace tokens are dropped, tokens are cut at span boundaries). ``newsspan.tokenize`` must
agree with it token for token on the seed article, on random texts and on synthetic articles.
"""

from __future__ import annotations

from bisect import bisect_right
from functools import cache
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspan.text import canonical_text
from newsspan.tokenize import segment, sentences

from .conftest import load_synthetic_generator
from .strategies import texts

Sentences = list[list[tuple[str, int, int]]]


@cache
def spacy_pipeline() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def reference_sentences(text: str, boundaries: list[int]) -> Sentences:
    """Sentences as (text, start, end) tokens, from spaCy's Sentencizer walked token by token."""
    cuts = sorted(set(boundaries))
    result: Sentences = []
    current: list[tuple[str, int, int]] = []
    after_newline = False
    for token in spacy_pipeline()(text):
        word, start = token.text, token.idx
        starts_sentence = token.is_sent_start or after_newline
        after_newline = "\n" in word
        if token.is_space:
            continue
        if starts_sentence and current:
            result.append(current)
            current = []
        edges = [start, *cuts[bisect_right(cuts, start): bisect_right(cuts, start + len(word) - 1)], start + len(word)]
        current += [(text[a:b], a, b) for a, b in pairwise(edges) if text[a:b].strip()]
    if current:
        result.append(current)
    return result


def newsspan_sentences(text: str, boundaries: list[int]) -> Sentences:
    return [[(t.text, t.start, t.end) for t in sentence] for sentence in sentences(text, boundaries)]


def test_seed_article_matches_spacy(seed_document: tuple[dict[str, Any], str]) -> None:
    doc, text = seed_document
    cuts = [offset for e in doc["entities"] for offset in (e["start"], e["end"])]
    expected = reference_sentences(text, cuts)
    assert len(expected) > 5  # a real article: several sentences
    assert newsspan_sentences(text, cuts) == expected
    assert newsspan_sentences(text, []) == reference_sentences(text, [])


#: Texts dense in sentence punctuation: spaCy's punct_chars (ASCII, CJK, fullwidth, interrobang),
#: other punctuation that does not end a sentence, quotes, brackets, line breaks.
PUNCTUATED = st.lists(st.sampled_from(["Mr.", "U.S.", "word", "Ünï", "3.5", ".", "...", "!", "?", "?!", "。", "！",
                                       "‽", "…", "\"", "”", "’", ")", "(", "-", "—", ",", ":", " ", " ", "  ", "\n",
                                       " \n ", "\t", "😀", "e.g.", "'s"]), max_size=40).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(texts(), PUNCTUATED), st.data())
def test_random_texts_match_spacy(text: str, data: st.DataObject) -> None:
    cuts = data.draw(st.lists(st.integers(0, len(text)), max_size=12))
    assert newsspan_sentences(text, cuts) == reference_sentences(text, cuts)


def _synthetic_generator() -> Any:
    return load_synthetic_generator()


@pytest.mark.parametrize("part", range(4))
def test_synthetic_articles_match_spacy(part: int) -> None:
    generator = _synthetic_generator()
    for index in range(part * 50, part * 50 + 50):  # 200 articles in all
        _, _, seed, doc = generator.article(index, 11)
        text = canonical_text(seed)
        cuts = [offset for e in doc["entities"] for offset in (e["start"], e["end"])]
        assert newsspan_sentences(text, cuts) == reference_sentences(text, cuts), doc["id"]


@pytest.mark.parametrize("text", ["", " ", "\n\n", " \t\n "])
def test_blank_texts_have_no_tokens(text: str) -> None:
    seg = segment(text, [0, len(text)])
    assert len(seg.starts) == len(seg.ends) == len(seg.sentence_starts) == 0
    assert sentences(text) == reference_sentences(text, []) == []


def test_cut_inside_a_token_splits_it_and_keeps_the_sentence_start() -> None:
    text = "Go now. Pakistani firms grew."  # the entity "Pakistan" ends inside the token "Pakistani"
    assert newsspan_sentences(text, [8, 16]) == [
        [("Go", 0, 2), ("now", 3, 6), (".", 6, 7)],
        [("Pakistan", 8, 16), ("i", 16, 17), ("firms", 18, 23), ("grew", 24, 28), (".", 28, 29)],
    ]
