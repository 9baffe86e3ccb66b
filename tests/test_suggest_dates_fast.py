"""The date suggester's own fast paths give what the straightforward forms give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.suggest import dates
from newsspan.suggest.common import without_overlaps

_SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)).map(lambda p: {"start": p[0], "end": p[0] + p[1]}),
                  max_size=25)


@settings(max_examples=500, deadline=None)
@given(_SPANS)
def test_without_overlaps_keeps_what_the_common_one_keeps(spans: list[dict[str, int]]) -> None:
    """Bisecting the kept spans keeps the same spans, in the same order, as checking every kept span."""
    assert [id(s) for s in dates._without_overlaps(spans)] == [id(s) for s in without_overlaps(spans)]
