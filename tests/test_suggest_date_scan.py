"""The date recognisers' fast scanning (date_scan.py) gives exactly re's key hits and pattern matches."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.suggest import dates
from newsspan.suggest.date_scan import Key, Vocabulary, leftmost, matches, prefix_trie

#: Every key of the date recognisers.
KEYS = {name: value for name, value in vars(dates).items() if isinstance(value, Key)}

#: Every pattern the recognisers scan with a ``starts`` pattern, with it.
SCANNED = [(dates._DURATION, dates._DURATION_STARTS), (dates._RELATIVE, dates._RELATIVE_STARTS),
           (dates._MONTH_DAY, dates._MONTH_DAY_STARTS), (dates._DAY_MONTH, dates._DIGIT_STARTS),
           (dates._MONTH_ALONE, dates._MONTH_ALONE_STARTS), (dates._YEAR_RE, dates._YEAR_STARTS),
           (dates._QUARTER, dates._QUARTER_STARTS)]

#: Pieces of dates, numbers and words the patterns look for, and glue around them.
_WORDS = sorted(set(re.findall(r"\S+", (
    "more than over less under nearly almost about around at least up to most the past last next coming first "
    "previous following two twenty-five one hundred half a an another several few many some numerous multiple "
    "consecutive full year years day days-long decade decades century centuries centurie hour minute fortnight "
    "quarter weekend ago later earlier this today yesterday tomorrow tonight currently present nowadays now that "
    "recently in recent future soon spring summer autumn fall winter every each annually yearly monthly weekly "
    "daily quarterly once twice times per noon midnight morning afternoon evening night end beginning start "
    "middle of since by until till from during before after through on and to early mid late fiscal FY Q Q3 "
    "first second third fourth 1st 3rd 21st Jan January Feb February Mar March May June Jun July Sept Sep "
    "September Dec DEC MAY JAN Monday Tuesday Wednesday Sunday Satur 3 12th 28 2024 1990 1990s 2020s 0s 10 3:30 "
    "a.m. p.m pm AM P.M am m a.m a. p"))))
_GLUE = [" ", " ", "  ", "", "-", "–", ",", ", ", ".", "\n", "x", "s", "ed", "_", "é", "🔥", "“", "%", "\t"]
#: Characters re.IGNORECASE folds onto ASCII letters (the fast paths then leave the work to re), in few texts.
_EXOTIC = ["", "", "", "", "", "", "İ", "ı", "ſ", "\u212a"]
_CASES = [str, str.upper, str.title, str.lower]


#: Phrases shaped like the patterns' matches: each a sequence of choices ("" leaves a part out).
_PHRASES = [
    [["", "more than ", "about ", "over ", "up to ", "at least "], ["", "the ", "the past ", "last ", "first "],
     ["two", "a", "an", "another", "10", "2.5", "twenty-five", "few", "a few", "some"], [" ", "-", "  "],
     ["", "full ", "more "], ["year", "days", "month", "decade", "weeks", "centuries", "hour"],
     ["", " ago", "-long", " old", "s"]],
    [["", "later ", "the ", "in "], ["this ", "last ", "next ", "coming ", "past ", "recent ", "the past "],
     ["year", "weekend", "spring", "quarter", "years", "future"]],
    [["", "Monday, ", "Tuesday "], ["", "in ", "mid-", "early ", "last ", "since "],
     ["March", "Sept.", "Jan", "MAY", "May", "December"], ["", " ", " 3", " 12th", " 3–4", " 3 to 5"],
     ["", ", 2024", " 2025", " 1990s"]],
    [["", "the ", "in ", "since ", "fiscal year ", "FY"], ["", "early ", "mid-"],
     ["2024", "1990s", "2020–2025", "first quarter of 2025", "Q3 2024", "21st century", "third quarter"]],
]


@st.composite
def _texts(draw: st.DrawFn) -> str:
    """Random texts made of date words and date-shaped phrases in random case, and glue."""
    phrase = st.sampled_from(_PHRASES).flatmap(lambda parts: st.tuples(*(st.sampled_from(p) for p in parts)))
    piece = st.one_of(st.sampled_from(_WORDS), phrase.map("".join))
    pieces = draw(st.lists(st.tuples(piece, st.sampled_from(_CASES), st.sampled_from(_GLUE)), max_size=20))
    text = "".join(case(word) + glue for word, case, glue in pieces)
    at = draw(st.integers(0, len(text)))
    return text[:at] + draw(st.sampled_from(_EXOTIC)) + text[at:]


@settings(max_examples=400, deadline=None)
@given(_texts())
def test_keys_give_res_hits(text: str) -> None:
    """Each key's hits are those of its regular expression, in the text the recognisers give it (the lower-cased
    text for a key written in lower case) and in the lower-cased text."""
    _check_keys(text)


def test_keys_give_res_hits_where_a_letter_is_one_re_folds_onto_ascii() -> None:
    """To re.IGNORECASE "mıdnight" (a dotless i) is "midnight": a key whose fast finder reads the lower-cased text
    leaves such a text to ``re`` (the random texts insert these characters, they rarely stand for a letter)."""
    _check_keys("At mıdnight, in the mornıng, at nıght and in the evenıng of the 1990ſ, in the 21ſt centuryſ. İn "
                "the 2020s at 5 pm ſharp, this ſummer, every \u212aelvin year; on Monday at 10 a.m.")


def _check_keys(text: str) -> None:
    for name, key in KEYS.items():
        lower_case = key.flags & re.IGNORECASE == 0 and key.pattern.islower()
        for subject in (text.lower() if lower_case else text, text.lower()):
            expected = [m.span() for m in key.regex.finditer(subject)]
            assert key.spans(subject, dates.folds_onto_ascii(subject)) == expected, (name, subject)
            # as the recognisers ask: told whether the text (not the subject) holds a character re folds onto ASCII
            assert key.spans(subject, dates.folds_onto_ascii(text)) == expected, (name, subject)


@settings(max_examples=400, deadline=None)
@given(_texts(), st.integers(0, 400), st.one_of(st.just(1000), st.integers(0, 400)))
def test_scan_gives_res_matches(text: str, lo: int, size: int) -> None:
    """Trying a pattern only where its ``starts`` pattern finds a beginning gives finditer's matches in a window."""
    lo, hi = min(lo, len(text)), min(lo + size, len(text))
    low = None if dates.folds_onto_ascii(text) else text.lower()
    for pattern, starts in SCANNED:
        fast = [(m.span(), m.groupdict()) for m in matches(pattern, starts, text, low, lo, hi)]
        slow = [(m.span(), m.groupdict()) for m in pattern.finditer(text, lo, hi)]
        assert fast == slow, (pattern.pattern[:40], text, lo, hi)


def _group_spans(m: re.Match[str]) -> list[tuple[int, int]]:
    return [m.span(group) for group in range(m.re.groups + 1)]


@settings(max_examples=400, deadline=None)
@given(_texts(), st.integers(0, 400), st.one_of(st.just(1000), st.integers(0, 400)))
def test_lower_twins_match_the_lower_cased_text_as_the_patterns_match_the_text(text: str, lo: int, size: int) -> None:
    """Each case-insensitive recogniser pattern's lower-case twin finds, in the lower-cased text, the matches (every
    group's span) the pattern finds in the text, where the lower-cased text stands for it."""
    lo, hi = min(lo, len(text)), min(lo + size, len(text))
    if dates.folds_onto_ascii(text):
        return
    low = text.lower()
    for pattern, twin in dates._TWINS.items():
        slow = [_group_spans(m) for m in pattern.finditer(text, lo, hi)]
        assert [_group_spans(m) for m in twin.finditer(low, lo, hi)] == slow, (pattern.pattern[:40], text, lo, hi)


def test_scan_gives_res_matches_on_date_phrases() -> None:
    """Thousands of date-shaped phrases (every choice of every part, and random combinations) in several cases:
    scanning gives finditer's matches."""
    rng = random.Random(12)
    phrases = ["".join(part[i % len(part)] for part in parts)
               for parts in _PHRASES for i in range(max(len(part) for part in parts))]
    phrases += ["".join(rng.choice(part) for part in rng.choice(_PHRASES)) for _ in range(3000)]
    for n in range(0, len(phrases), 20):
        text = "".join(rng.choice(_CASES)(phrase) + rng.choice(_GLUE) for phrase in phrases[n:n + 20])
        for pattern, starts in SCANNED:
            fast = [(m.span(), m.groupdict()) for m in matches(pattern, starts, text, text.lower(), 0, len(text))]
            assert fast == [(m.span(), m.groupdict()) for m in pattern.finditer(text)], (pattern.pattern[:40], text)


def test_scan_is_checked_on_texts_it_speeds_up() -> None:
    """The fast path is taken for ordinary texts (lower-cased text given) and matches there too."""
    text = "For the past two years, since March 3, 2024, and in early 2025 — for about 10 days — it was hot."
    assert not dates.folds_onto_ascii(text)
    found = [m.group() for m in matches(dates._DURATION, dates._DURATION_STARTS, text, text.lower(), 0, len(text))]
    assert found == ["the past two years", "about 10 days"]
    assert found == [m.group() for m in dates._DURATION.finditer(text)]


def test_vocabulary_finds_every_occurrence() -> None:
    """Occurrences overlap ("nowadays" holds "now" and "day"); a key picks them as re's alternation does."""
    words = Vocabulary(("day", "now", "nowadays", "today", "yesterday"))
    text = "nowadays, today and yesterday (days)"
    assert words.occurrences(text, "day") == [m.start() for m in re.finditer("(?=day)", text)]
    assert words.occurrences(text, "nowadays") == [0]
    key = words.key("nowadays|now|day|today")
    assert key.spans(text, False) == [m.span() for m in re.finditer("nowadays|now|day|today", text)]
    with pytest.raises(ValueError, match="not an alternation"):
        words.key("day|week")


#: Alternatives as the ``starts`` patterns write them: words, phrases with spaces, ``\d``, ``n?``, classes.
_ALTERNATIVES = ["more", "over", "one", "on", "at ", "an?[\\s-]", "an?\\s", "another", "\\d", "the", "three",
                 "thirty", "th", "in ", "q", "fy", "few", "for", "n", "no", "now"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_ALTERNATIVES), min_size=1, max_size=8, unique=True),
       st.text(alphabet="aehmnoqrtvwy3 -\t", max_size=40))
def test_prefix_trie_matches_where_the_alternation_does(alternatives: list[str], text: str) -> None:
    """The trie of a list of alternatives matches at exactly the positions where their alternation matches."""
    plain = re.compile("(?:" + "|".join(alternatives) + ")")
    trie = re.compile(prefix_trie(alternatives))
    for at in range(len(text) + 1):
        assert (trie.match(text, at) is None) == (plain.match(text, at) is None), (alternatives, text, at)


def test_prefix_trie_factors_shared_beginnings() -> None:
    assert prefix_trie(["about", "around", "at "]) == "a(?:bout|round|t )"
    assert prefix_trie(["now", "nowadays", "no"]) == "no"
    with pytest.raises(ValueError, match="cannot read"):
        prefix_trie(["a(b)"])


def test_leftmost_takes_the_first_alternative_at_each_start() -> None:
    assert leftmost([(0, 1, 5), (0, 0, 3), (2, 0, 4), (3, 0, 6), (7, 2, 8)]) == [(0, 3), (3, 6), (7, 8)]
