"""``pipeline.number`` (two stable sorts, a direct copy for layers without references) gives what the plain
form gives: each layer sorted by ``(start, -end)``, every item made by the rule as the test writes it out (ids for
references, ``dct`` for an unkept anchor, ...), byte for byte in JSON."""

from __future__ import annotations

from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.model import LAYERS
from newsspan.suggest import pipeline

_OFFSETS = st.tuples(st.integers(0, 6), st.integers(0, 4)).map(lambda p: (p[0], p[0] + p[1]))


def _expected_item(layer: str, span: dict[str, Any], ids: dict[int, str]) -> dict[str, Any]:
    """The item the rule of ``number`` asks for, written out here: the span's id first, then its fields in order
    without the suggesters' ``_`` fields; a reference to a kept span is that span's id, to a span no layer keeps
    ``dct`` for an anchor, nothing (the key left out) for a begin or end point, null otherwise; a claim without a
    quotation reference has ``quotation: null`` last."""
    item: dict[str, Any] = {"id": ids[id(span)]}
    for key, value in span.items():
        if key.startswith("_"):
            continue
        if (layer, key) in pipeline.REFERENCES and isinstance(value, dict):
            if id(value) in ids:
                value = ids[id(value)]
            elif key == "anchor":
                value = "dct"
            elif key in ("begin_point", "end_point"):
                continue
            else:
                value = None
        item[key] = value
    if layer == "claims" and "quotation" not in item:
        item["quotation"] = None
    return item


def _plain_number(found: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """The ids and items as the straightforward code makes them: one key function, every item by the rule."""
    ids: dict[int, str] = {}
    for layer in LAYERS:
        found[layer].sort(key=lambda span: (span["start"], -span["end"]))
        ids.update((id(span), f"{pipeline.ID_PREFIX[layer]}{n}") for n, span in enumerate(found[layer], 1))
    return {layer: [_expected_item(layer, span, ids) for span in found[layer]] for layer in LAYERS}


@st.composite
def _found(draw: st.DrawFn) -> dict[str, list[dict[str, Any]]]:
    """Spans of every layer, with ties in offsets, references to kept and unkept spans, and ``_`` fields."""
    found: dict[str, list[dict[str, Any]]] = {layer: [] for layer in LAYERS}
    elsewhere = [{"start": 0, "end": 1}]  # a span no layer keeps
    for layer in LAYERS:
        for n in range(draw(st.integers(0, 6))):
            start, end = draw(_OFFSETS)
            span: dict[str, Any] = {"start": start, "end": end, "text": f"{layer}{n}"}
            if draw(st.booleans()):
                span["_own"] = n
            found[layer].append(span)
    pool = [span for spans in found.values() for span in spans] + elsewhere
    for layer, key in pipeline.REFERENCES:
        for span in found[layer]:
            choice = draw(st.integers(0, len(pool) + 1))
            if choice < len(pool):
                span[key] = pool[choice]
            elif choice == len(pool):
                span[key] = None
    return found


def _copy(found: dict[str, list[dict[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    return {layer: list(spans) for layer, spans in found.items()}


@settings(max_examples=300, deadline=None)
@given(_found())
def test_number_is_the_plain_form(found: dict[str, list[dict[str, Any]]]) -> None:
    fast, plain = pipeline.number(_copy(found)), _plain_number(_copy(found))
    assert orjson.dumps(fast) == orjson.dumps(plain)


@settings(max_examples=300, deadline=None)
@given(st.lists(_OFFSETS, max_size=30))
def test_two_stable_sorts_are_one_sort_by_start_then_longest(offsets: list[tuple[int, int]]) -> None:
    spans = [{"start": start, "end": end, "n": n} for n, (start, end) in enumerate(offsets)]
    fast = list(spans)
    pipeline._sort_in_text_order(fast)
    assert fast == sorted(spans, key=lambda span: (span["start"], -span["end"]))
