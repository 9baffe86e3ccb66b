"""The date suggester's own fast paths give what the straightforward forms give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.suggest import dates
from newsspan.suggest.common import without_overlaps

_SPANS = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 15)).map(lambda p: {"start": p[0], "end": p[0] + p[1]}),
                  max_size=25)


def _plain_without_overlaps(spans: list[dict[str, int]]) -> list[dict[str, int]]:
    """The rule stated plainly: longest first, kept if it overlaps no kept span (every one checked), text order."""
    kept: list[dict[str, int]] = []
    for span in sorted(spans, key=lambda s: (-(s["end"] - s["start"]), s["start"])):
        if all(span["end"] <= k["start"] or span["start"] >= k["end"] for k in kept):
            kept.append(span)
    return sorted(kept, key=lambda s: s["start"])


@settings(max_examples=500, deadline=None)
@given(_SPANS)
def test_without_overlaps_keeps_what_the_plain_rule_keeps(spans: list[dict[str, int]]) -> None:
    """Bisecting the kept spans keeps the same spans, in the same order, as checking every kept span."""
    assert [id(s) for s in without_overlaps(spans)] == [id(s) for s in _plain_without_overlaps(spans)]


#: Words that mark a tense (or nearly do), other words, and glue; in random case, with now and then a character
#: re.IGNORECASE folds onto ASCII (the lower-cased text then does not stand for the text).
_TENSE_WORDS = ["will", "shall", "he'll", "is to", "are set to", "plan to", "plans to", "next", "would", "was",
                "were", "said", "ago", "last", "year", "last year", "last Monday", "last time", "earlier", "visited",
                "walked", "bed", "red", "fled", "led", "held", "the", "talks", "Tuesday", "on", "wILL", "SAID",
                "İ", "ı", "ſ", "\u212a", "é", "🔥", "—", ",", ";", "(", ")"]
_GLUE = [" ", "  ", "", "-", ", ", "\n", "x"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_TENSE_WORDS), st.sampled_from([str, str.upper, str.title, str.lower]),
                          st.sampled_from(_GLUE)), max_size=14),
       st.integers(0, 200), st.integers(0, 200))
def test_tense_of_the_lower_cased_text_is_the_tense_of_the_text(pieces: list, a: int, b: int) -> None:
    """The context's tense of a stretch (case-sensitive patterns on the lower-cased text where it stands for the
    text) is :func:`dates.tense` of that stretch of the text."""
    text = "".join(case(word) + glue for word, case, glue in pieces)
    start, end = sorted((min(a, len(text)), min(b, len(text))))
    ctx = dates._Context(text, None)
    assert ctx.tense(start, end) == dates.tense(text[start:end]), (text, start, end)
    assert ctx.tense(0, len(text)) == dates.tense(text), text
