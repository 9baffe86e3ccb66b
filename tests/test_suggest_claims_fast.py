"""The claims layer's fast path (cue words looked up per document) gives exactly the reference verdicts.

:func:`newsspan.suggest.claims.claim_type` and :func:`~newsspan.suggest.claims.checkworthy` run the cue
regexes on the span text; :class:`~newsspan.suggest.claims._Cues` decides from the words of the whole
document's lower-cased text. Random texts built from the cue words, glue characters and the letters
``re.IGNORECASE`` folds onto ASCII must get the same type and check-worthiness for every span, and
``suggest_claims`` must give the same claims with the fast path as with the reference one.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.suggest import claims

#: Every word of the claims module's cue lists (as the rules spell them), title- and upper-cased too.
_CUE_WORDS = sorted({word for source in (*claims._FOLDED_CUES.values(), *claims._EXACT_CUES.values())
                     for cue in source.split("|") for word in (cue, cue.title(), cue.upper())})
_GLUE = st.sampled_from([" ", " ", "  ", "", "-", ".", ",", ";", "?", "\n", "’", "“", "\"", "s", "ed", "est", "_",
                         "1", "5", "2026", "12.5", "%", "٣", "²", "é", "İ", "ı", "ſ", "\u212a", "Σ", "\u00a0",
                         "I am convinced that ", "We believe ", ", with them being "])
_TEXTS = st.lists(st.one_of(st.sampled_from(_CUE_WORDS), _GLUE, st.text(max_size=3)), max_size=30).map("".join)


def _reference(span: str) -> tuple[str, bool]:
    kind = claims.claim_type(span)
    return kind, claims.checkworthy(span, kind)


@settings(max_examples=1500, deadline=None)
@given(text=_TEXTS, data=st.data())
def test_judge_gives_the_reference_verdict_of_any_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert claims._Cues(text).judge(start, end) == _reference(text[start:end])
    assert claims._Cues(text).judge(0, len(text)) == _reference(text)


@settings(max_examples=400, deadline=None)
@given(sentences=st.lists(_TEXTS, min_size=1, max_size=6), data=st.data())
def test_suggest_claims_is_the_same_with_the_fast_path(sentences: list[str], data: st.DataObject) -> None:
    text = "".join(s + data.draw(st.sampled_from([". ", ".\n", "? ", "; "])) for s in sentences)
    quotations = []
    for m in re.finditer(r"“[^”]*”", text):
        quotations.append({"start": m.start() + 1, "end": m.end() - 1, "speaker": None, "source": None, "cue": None})
    fast = claims.suggest_claims(text, quotations)
    reference = _suggest_with_reference(text, quotations)
    assert fast == reference


def _suggest_with_reference(text: str, quotations: list[dict]) -> list[dict]:
    """``suggest_claims`` with every span judged by the reference functions."""

    class Reference(claims._Cues):
        def judge(self, start: int, end: int) -> tuple[str, bool]:
            return _reference(self.text[start:end])

    fast, claims._Cues = claims._Cues, Reference
    try:
        return claims.suggest_claims(text, quotations)
    finally:
        claims._Cues = fast


def test_a_text_with_letters_re_folds_onto_ascii_is_left_to_the_reference() -> None:
    """"ſ" matches "s" under re.IGNORECASE but str.lower() keeps it: such a document takes the regexes."""
    text = "The new rule requireſ all firms to file 2026 reports; it waſ signed on Monday."
    cues = claims._Cues(text)
    assert cues.low is None
    assert cues.judge(0, 56) == _reference(text[:56]) == ("rules_laws", True)


def test_the_fast_path_finds_each_kind() -> None:
    """One sentence per claim type, each typed as the guidelines' cue lists say (not copied from the code)."""
    expected = {
        "Prices rose because the harvest failed in the north": ("causation", True),
        "The new law requires every company to publish its accounts": ("rules_laws", True),
        "The agreement will boost trade between the two countries": ("prediction", False),
        "Exports grew by 12 percent compared with last year": ("quantity_comparison", True),
        "The talks were held in a friendly and cordial atmosphere": ("opinion", False),
        "The two ministers signed the agreement on Monday in Astana": ("event_report", True),
        "The delegation toured the old city and its markets": ("event_report", False),
    }
    for sentence, verdict in expected.items():
        text = f"Intro line here. {sentence}. Closing words."
        start = text.index(sentence)
        assert claims._Cues(text).judge(start, start + len(sentence)) == verdict, sentence


def test_a_sentence_inside_a_long_quotation_is_skipped_however_many_spans_start_inside_it() -> None:
    inner = [f"Exports will rise {40 + i} percent by 2030." for i in range(9)]
    quoted = " ".join([*inner, "Imports will double by 2031."])
    text = f"The minister said: “{quoted}” Then she left."
    begin = text.index("“") + 1
    whole = {"start": begin, "end": begin + len(quoted), "speaker": None, "source": None, "cue": None}
    nested = [{"start": text.index(s), "end": text.index(s) + len(s), "speaker": None, "source": None, "cue": None}
              for s in inner]  # quotations nested in the long one, each holding a claim
    found = claims.suggest_claims(text, [whole, *nested])
    last = text.index("Imports")
    assert not [c for c in found if c["start"] == last]  # inside the long quotation: its claim covers it
    assert any(c.get("quotation") is whole for c in found) and len(found) == 1 + len(inner)
