"""The canonical-text rule and code point <-> UTF-16 offset conversion."""

from __future__ import annotations

import hashlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from newsspan.text import SeedDecodeError, Utf16Index, canonical_text, from_utf16, text_sha256, to_utf16

ASTRAL_HEAVY = st.text(alphabet=st.sampled_from(["a", " ", "\n", "é", "\u0301", "“", "😀", "𝔘", "\t", "中"]))


def test_rule_drops_bom_normalises_newlines_and_strips_the_end_only():
    raw = "\ufeff  Line one\r\nLine\rtwo  \t\r\n\r\n".encode()
    assert canonical_text(raw) == "  Line one\nLine\ntwo"


def test_rule_keeps_inner_whitespace_and_unicode_as_is():
    text = "a\t\tb  c\u00a0d e\u0301 😀"
    assert canonical_text(text.encode()) == text


def test_invalid_utf8_names_byte_and_line():
    with pytest.raises(SeedDecodeError) as info:
        canonical_text(b"ok\nstill ok\nbad \xff here")
    assert info.value.byte_offset == 16  # 3 + 9 + 4 bytes before it
    assert info.value.line == 3


def test_hash_is_sha256_of_utf8():
    assert text_sha256("Astana–Islamabad") == hashlib.sha256("Astana–Islamabad".encode()).hexdigest()


def test_seed_hash_matches_provenance(repo_corpus):
    """PROVENANCE.md gives the sha256 of the seed file bytes; seeds/ keeps them byte-for-byte."""
    data = repo_corpus.seed_path("000_6260d41548216105.txt").read_bytes()
    assert hashlib.sha256(data).hexdigest() == "ecadf9873af1c02c4c197c1c819d2456cdf4d8df7e75eaa9996ba56682a28cca"


@given(ASTRAL_HEAVY, st.data())
def test_utf16_offsets_match_the_utf16_encoding(text, data):
    offset = data.draw(st.integers(0, len(text)))
    units = offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)  # astral characters take two units
    assert units == len(text[:offset].encode("utf-16-le")) // 2
    index = Utf16Index.of(text)
    assert index.to_utf16(offset) == units == to_utf16(text, offset)
    assert index.from_utf16(units) == offset == from_utf16(text, units)


@given(ASTRAL_HEAVY)
def test_utf16_offset_inside_a_surrogate_pair_is_rejected(text):
    index = Utf16Index.of(text)
    for position in index.astral:
        with pytest.raises(ValueError):
            index.from_utf16(index.to_utf16(position) + 1)


@given(st.text(alphabet=st.characters(blacklist_categories=["Cs"])))
def test_canonical_text_is_idempotent(text):
    once = canonical_text(text.encode())
    assert canonical_text(once.encode()) == once
