"""Property tests: random valid documents validate; a random corruption is caught where it was made."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspan.model import iter_spans
from newsspan.validation import validate, validate_file

from .strategies import documents, write_corpus

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@SETTINGS
@given(documents())
def test_random_valid_documents_validate(pair):
    with tempfile.TemporaryDirectory() as root:
        corpus = write_corpus(Path(root), [pair])
        assert validate(corpus).problems == []


@SETTINGS
@given(documents(), st.data())
def test_random_corruption_is_caught_at_its_pointer(pair, data):
    doc, text = pair
    spans = list(iter_spans(doc))
    if not spans:
        return
    layer, index, span = data.draw(st.sampled_from(spans))
    where = f"/{layer}/{index}"
    kind = data.draw(st.sampled_from(["shift-text", "past-end", "empty", "dangle", "bad-id"]))
    if kind == "shift-text":
        span["text"] = span["text"] + "x"
        expected = ("span-text-mismatch", where + "/text")
    elif kind == "past-end":
        span["end"] = len(text) + data.draw(st.integers(1, 50))
        expected = ("offset-out-of-range", where + "/end")
    elif kind == "empty":
        span["end"] = span["start"]
        expected = ("offset-order", where + "/end")
    elif kind == "dangle" and layer == "claims":
        span["claimant"] = "e9999"
        span.pop("quotation", None)
        expected = ("dangling-reference", where + "/claimant")
    else:
        span["id"] = span["id"][0] + "0x"
        expected = ("schema-pattern", where + "/id")
    with tempfile.TemporaryDirectory() as root:
        corpus = write_corpus(Path(root), [pair])
        found = {(p.code, p.pointer) for p in validate_file(corpus.annotation_path(doc["id"]), corpus)}
    assert expected in found
