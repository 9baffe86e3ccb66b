"""The characters re.IGNORECASE folds onto ASCII are the four matching.py names; suggestion files are written byte
for byte as json does."""

from __future__ import annotations

import json
import math
import re
import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.files import dump_json, dump_json_bytes
from newsspan.suggest.matching import folds_onto_ascii


def test_only_four_characters_fold_onto_ascii() -> None:
    """The fast paths give a text to re when it holds a letter re.IGNORECASE matches to an ASCII one; these are all."""
    ascii_word = re.compile("[a-z0-9_]", re.I)
    folding = {chr(c) for c in range(0x80, sys.maxunicode + 1) if ascii_word.fullmatch(chr(c))}
    assert folding == {"\u0130", "\u0131", "\u017f", "\u212a"}
    assert all(folds_onto_ascii(f"é{c}") for c in folding) and not folds_onto_ascii("é ß Σ ǅ")
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
