"""Subword alignment: a WordPiece tokenizer trained on the fly, labels checked with seqeval (strict IOB2)."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from seqeval.metrics import f1_score
from seqeval.scheme import IOB2, Entities
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers

from newsspan.iob import iob2_tags
from newsspan.tokenize import sentences
from newsspan.train.align import (
    IGNORE,
    AlignmentError,
    align_spans,
    align_word_labels,
    decode,
    label2id,
    label_list,
)

from .strategies import SEPARATORS, WORD_CHARS, texts


def _random_text(rng: random.Random, words: int) -> str:
    """Training text for the tokenizer, from the characters the property tests draw texts from."""
    return "".join("".join(rng.choice(WORD_CHARS) for _ in range(rng.randint(1, 7))) + rng.choice(SEPARATORS)
                   for _ in range(words))


@pytest.fixture(scope="module")
def wordpiece(seed_document) -> Tokenizer:
    """A small cased WordPiece tokenizer trained offline on the seed text plus random text."""
    _, text = seed_document
    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    rng = random.Random(0)
    trainer = trainers.WordPieceTrainer(vocab_size=400, special_tokens=["[UNK]", "[CLS]", "[SEP]", "[PAD]"])
    tokenizer.train_from_iterator([text, *(_random_text(rng, 50) for _ in range(20))], trainer)
    tokenizer.post_processor = processors.TemplateProcessing(
        single="[CLS] $A [SEP]", special_tokens=[("[CLS]", 1), ("[SEP]", 2)])
    return tokenizer


def _gold(doc: dict[str, Any]) -> set[tuple[int, int, str]]:
    """The outermost entities (what one IOB2 sequence can hold)."""
    spans = {(e["start"], e["end"], e["label"]) for e in doc["entities"]}
    return {(s, e, label) for s, e, label in spans
            if not any(a <= s and e <= b and (a, b) != (s, e) for a, b, _ in spans)}


def _word_ranges(offsets, word_ids) -> dict[int, tuple[int, int]]:
    """Character range of each word of an encoding (first subword start .. last subword end)."""
    ranges: dict[int, tuple[int, int]] = {}
    for (start, end), word in zip(offsets, word_ids, strict=True):
        if word is not None:
            ranges[word] = (ranges.get(word, (start, end))[0], end)
    return ranges


def _seqeval_spans(tags: list[str], ranges: list[tuple[int, int]]) -> set[tuple[int, int, str]]:
    """Character spans seqeval finds in ``tags`` (strict IOB2), with ``ranges`` the range of each tag."""
    [entities] = Entities([tags], scheme=IOB2).entities
    return {(ranges[e.start][0], ranges[e.end - 1][1], e.tag) for e in entities}


def test_label_inventory_is_iob2_over_the_schema_labels():
    labels = label_list()
    assert labels[0] == "O" and labels[1] == "B-PERSON" and labels[2] == "I-PERSON"
    assert all(label2id()[tag] == i for i, tag in enumerate(labels))


def test_seed_spans_align_to_first_subwords(wordpiece, seed_document):
    doc, text = seed_document
    encoding = wordpiece.encode(text)
    gold = _gold(doc)
    aligned = align_spans(encoding.offsets, encoding.word_ids, gold)
    assert aligned[0] == aligned[-1] == IGNORE  # [CLS], [SEP]
    first = [i for i, w in enumerate(encoding.word_ids) if w is not None and (i == 0 or encoding.word_ids[i - 1] != w)]
    assert [i for i, label in enumerate(aligned) if label != IGNORE] == first
    assert any(encoding.word_ids[i] == encoding.word_ids[i - 1] for i in range(1, len(aligned))), "no word was split"

    tags = [label_list()[aligned[i]] for i in first]
    ranges = _word_ranges(encoding.offsets, encoding.word_ids)
    word_ranges = [ranges[encoding.word_ids[i]] for i in first]
    assert _seqeval_spans(tags, word_ranges) == gold
    independent = ["O"] * len(first)  # gold tags computed here, not by the code under test
    for start, end, label in gold:
        for n, (a, b) in enumerate(word_ranges):
            if start <= a and b <= end:
                independent[n] = ("B-" if a == start else "I-") + label
    assert f1_score([independent], [tags], mode="strict", scheme=IOB2) == 1.0
    assert set(decode(encoding.offsets, encoding.word_ids, aligned)) == gold


def test_seed_spans_with_every_subword_labelled(wordpiece, seed_document):
    doc, text = seed_document
    encoding = wordpiece.encode(text)
    aligned = align_spans(encoding.offsets, encoding.word_ids, _gold(doc), label_all_subwords=True)
    inner = range(1, len(aligned) - 1)
    assert all(aligned[i] != IGNORE for i in inner)
    tags = [label_list()[aligned[i]] for i in inner]
    assert _seqeval_spans(tags, [encoding.offsets[i] for i in inner]) == _gold(doc)
    assert set(decode(encoding.offsets, encoding.word_ids, aligned, label_all_subwords=True)) == _gold(doc)


def test_ner_representation_aligns_to_pretokenized_words(wordpiece, seed_document):
    doc, text = seed_document
    gold = _gold(doc)
    tokens = [t for sentence in sentences(text, {o for s in gold for o in s[:2]}) for t in sentence]
    word_tags = [label2id()[tag] for tag in iob2_tags(tokens, gold)]
    encoding = wordpiece.encode([t.text for t in tokens], is_pretokenized=True)
    for label_all in (False, True):
        aligned = align_word_labels(encoding.word_ids, word_tags, label_all_subwords=label_all)
        kept = [i for i, label in enumerate(aligned) if label != IGNORE]
        tags = [label_list()[aligned[i]] for i in kept]
        ranges = [(tokens[encoding.word_ids[i]].start, tokens[encoding.word_ids[i]].end) for i in kept]
        assert _seqeval_spans(tags, ranges) == gold
        assert len(kept) == (sum(w is not None for w in encoding.word_ids) if label_all else len(tokens))


def test_span_inside_a_word_is_an_error_naming_it(wordpiece):
    text = "Kazakhstan visited Pakistan"
    encoding = wordpiece.encode(text)
    with pytest.raises(AlignmentError) as error:
        align_spans(encoding.offsets, encoding.word_ids, [(0, 5, "GPE"), (11, 16, "ORG"), (19, 27, "GPE")])
    assert len(error.value.problems) == 2  # every bad span at once; 19:27 "Pakistan" is fine
    assert "span 0:5 (GPE)" in error.value.problems[0] and "nearest word start at 0 and end at 10" in str(error.value)
    assert "span 11:16 (ORG)" in error.value.problems[1]


def test_truncation_window_labels_the_part_inside_it(wordpiece, seed_document):
    doc, text = seed_document
    wordpiece.enable_truncation(max_length=40, stride=8)
    try:
        windows = [wordpiece.encode(text), *wordpiece.encode(text).overflowing]
    finally:
        wordpiece.no_truncation()
    assert len(windows) > 5
    for window in windows:
        offsets = [o for o, w in zip(window.offsets, window.word_ids, strict=True) if w is not None]
        low, high = min(s for s, _ in offsets), max(e for _, e in offsets)
        expected = {(max(s, low), min(e, high), label) for s, e, label in _gold(doc) if s < high and e > low}
        aligned = align_spans(window.offsets, window.word_ids, _gold(doc))
        assert set(decode(window.offsets, window.word_ids, aligned)) == expected


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), label_all=st.booleans())
def test_random_spans_round_trip_or_are_reported(wordpiece, data, label_all):
    text = data.draw(texts())
    encoding = wordpiece.encode(text)
    units = [(s, e) for (s, e), w in zip(encoding.offsets, encoding.word_ids, strict=True) if w is not None]
    if not label_all:
        ranges = _word_ranges(encoding.offsets, encoding.word_ids)
        units = [ranges[w] for w in sorted(ranges)]
    # spans on unit boundaries, disjoint or nested: must align; decoding gives the outermost back
    picks = sorted(data.draw(st.lists(st.integers(0, len(units) - 1), max_size=8, unique=True)))
    pairs = list(zip(picks[::2], picks[1::2], strict=False))
    spans = [(units[a][0], units[b][1], data.draw(st.sampled_from(["GPE", "PERSON"]))) for a, b in pairs]
    outer = set(spans)
    spans += [(*units[a], "ORG") for a, _ in pairs[:1]]  # nested in the first span: IOB2 keeps the outer one
    aligned = align_spans(encoding.offsets, encoding.word_ids, spans, label_all_subwords=label_all)
    kept = [i for i, label in enumerate(aligned) if label != IGNORE]
    assert len(kept) == len(units)
    decoded = set(decode(encoding.offsets, encoding.word_ids, aligned, label_all_subwords=label_all))
    assert decoded == outer
    # arbitrary character spans: either exactly recovered or reported, never silently moved
    solid = [i for i, ch in enumerate(text) if not ch.isspace()]
    start = data.draw(st.sampled_from(solid))
    end = data.draw(st.sampled_from([i + 1 for i in solid if i >= start]))
    try:
        aligned = align_spans(encoding.offsets, encoding.word_ids, [(start, end, "LOC")], label_all_subwords=label_all)
    except AlignmentError as error:
        assert f"span {start}:{end} (LOC)" in str(error)
        assert (start, end) not in {(units[a][0], units[b][1]) for a in range(len(units)) for b in range(a, len(units))}
    else:
        decoded = decode(encoding.offsets, encoding.word_ids, aligned, label_all_subwords=label_all)
        assert decoded == [(start, end, "LOC")]


# --- SentencePiece (Metaspace) and is_split_into_words: back to document offsets (issue 14 item 5) ------

@pytest.fixture(scope="module")
def sentencepiece(seed_document) -> Tokenizer:
    """A small Unigram tokenizer with Metaspace pre-tokenisation (pieces ``▁x`` cover the space before a word)."""
    _, text = seed_document
    tokenizer = Tokenizer(models.Unigram())
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace()
    rng = random.Random(1)
    trainer = trainers.UnigramTrainer(vocab_size=300, special_tokens=["<unk>"], unk_token="<unk>")
    tokenizer.train_from_iterator([text, *(_random_text(rng, 50) for _ in range(20))], trainer)
    return tokenizer


def test_sentencepiece_pieces_cover_the_space_before_a_word(sentencepiece, seed_document):
    _, text = seed_document
    encoding = sentencepiece.encode(text)
    assert any(text[start].isspace() for start, end in encoding.offsets if end > start)


def test_sentencepiece_offsets_are_tolerated_given_the_text(sentencepiece, seed_document):
    """Gold entities that are whole Metaspace words (the space before them excluded) align and decode back
    when the text is given; without it their starts fall one character after a piece start and are refused."""
    doc, text = seed_document
    encoding = sentencepiece.encode(text)
    words = _word_ranges(encoding.offsets, encoding.word_ids)
    starts = {s + (text[s].isspace()) for s, _ in words.values()}
    ends = {e for _, e in words.values()}
    gold = {(s, e, label) for s, e, label in _gold(doc) if s in starts and e in ends}
    assert len(gold) > 5
    aligned = align_spans(encoding.offsets, encoding.word_ids, gold, text=text)
    assert set(decode(encoding.offsets, encoding.word_ids, aligned, text=text)) == gold
    with pytest.raises(AlignmentError):
        align_spans(encoding.offsets, encoding.word_ids, gold)


@pytest.mark.parametrize("which", ["wordpiece", "sentencepiece"])
def test_pretokenized_rows_decode_to_document_offsets(request, seed_document, which):
    """The ``ner`` representation (words with document offsets) through a subword tokenizer and back: the
    decoded spans are the gold entities in document offsets, not offsets inside a word."""
    tokenizer = request.getfixturevalue(which)
    doc, text = seed_document
    gold = _gold(doc)
    tokens = [t for sentence in sentences(text, {o for s in gold for o in s[:2]}) for t in sentence]
    starts, ends = [t.start for t in tokens], [t.end for t in tokens]
    encoding = tokenizer.encode([t.text for t in tokens], is_pretokenized=True)
    word_tags = [label2id()[tag] for tag in iob2_tags(tokens, gold)]
    aligned = align_word_labels(encoding.word_ids, word_tags)
    decoded = decode(encoding.offsets, encoding.word_ids, aligned, token_starts=starts, token_ends=ends)
    assert set(decoded) == gold and all(text[s:e] for s, e, _ in decoded)
    by_spans = align_spans(encoding.offsets, encoding.word_ids, gold, token_starts=starts, token_ends=ends)
    assert by_spans == aligned


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_texts_round_trip_through_sentencepiece(sentencepiece, data):
    text = data.draw(texts())
    encoding = sentencepiece.encode(text)
    ranges = _word_ranges([(s + len(text[s:e]) - len(text[s:e].lstrip()), e) for s, e in encoding.offsets],
                          encoding.word_ids)
    units = [ranges[w] for w in sorted(ranges) if ranges[w][0] < ranges[w][1]]
    picks = sorted(data.draw(st.lists(st.integers(0, max(len(units) - 1, 0)), max_size=6, unique=True)))
    pairs = zip(picks[::2], picks[1::2], strict=False)
    spans = {(units[a][0], units[b][1], "GPE") for a, b in pairs} if units else set()
    aligned = align_spans(encoding.offsets, encoding.word_ids, spans, text=text)
    assert set(decode(encoding.offsets, encoding.word_ids, aligned, text=text)) == spans
