"""Rule-based TIMEX3 recogniser and normaliser (guidelines §D1-§D10).

Expressions are found with regular expressions over month, weekday, unit and number words, then
normalised to TIMEX3 values anchored to the document creation time (DCT): ``metadata.published.date``,
or the window ``earliest..latest`` when only bounds are known (§D2: a value part that differs across
the window becomes ``X``). Whether an underspecified date lies before or after the DCT follows the
tense of its sentence ("signed in September" looks back, "will visit on February 3" looks ahead).
:mod:`dateparser` is not used: it resolves relative expressions against a single "now" and has no way
to leave an unknown part as ``X`` or to report the anchor, which is what TIMEX3 needs; month, weekday
and number words are few enough to match directly, which also keeps suggest fast.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .common import Sentence, make_span, provenance, sentence_of, sentences, without_overlaps
from .date_scan import Key, Vocabulary, leftmost, lower_twin, matches, starts_pattern, word_start_hits
from .matching import folds_onto_ascii

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9,
    "oct": 10, "nov": 11, "dec": 12,
}
WEEKDAYS = {"monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6, "sunday": 7}
NUMBERS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "half": 0.5,
}
VAGUE_NUMBERS = ("several", "few", "a few", "many", "some", "numerous", "multiple")
#: Quantifiers before a duration that change its value (kept inside the span as TIMEX3 mod, §D1).
QUANTIFIERS = {"more than": "MORE_THAN", "over": "MORE_THAN", "less than": "LESS_THAN", "under": "LESS_THAN",
               "nearly": "APPROX", "almost": "APPROX", "about": "APPROX", "around": "APPROX",
               "some": "APPROX", "at least": "EQUAL_OR_MORE", "up to": "EQUAL_OR_LESS", "at most": "EQUAL_OR_LESS"}
UNITS = {"year": "Y", "month": "M", "week": "W", "day": "D", "decade": "DE", "century": "CE", "centurie": "CE",
         "hour": "H", "minute": "MIN", "fortnight": "2W", "quarter": "3M"}
SEASONS = {"spring": "SP", "summer": "SU", "autumn": "FA", "fall": "FA", "winter": "WI"}
ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}

_MONTH = r"(?P<month>(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|" \
         r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?|JAN(?:UARY)?|FEB(?:RUARY)?|MAR(?:CH)?|" \
         r"APR(?:IL)?|MAY|JUNE?|JULY?|AUG(?:UST)?|SEP(?:T(?:EMBER)?)?|OCT(?:OBER)?|NOV(?:EMBER)?|DEC(?:EMBER)?)\.?)"
_DAY = r"(?P<day>[0-3]?\d)(?:st|nd|rd|th)?"
_DAY2 = r"(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>(?:1[89]|20)\d\d)"
_DASH = r"\s*(?:[-–—]|to|and|through|until)\s*"
_WEEKDAY = r"(?P<weekday>(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day)"
_NUM_WORD = r"(?:\d+(?:\.\d+)?|" + "|".join(sorted((w for w in NUMBERS if w not in ("a", "an")), key=len,
                                                     reverse=True)) + r")"
_NUM = r"(?P<num>" + _NUM_WORD + r"(?:[- ]" + _NUM_WORD + r")?|an?|another|" + "|".join(VAGUE_NUMBERS) + r")"
_UNIT = r"(?P<unit>year|month|week|day|decade|centur(?:y|ie)|hour|minute|fortnight|quarter)"
_NUMBER_WORDS = "|".join(w for w in NUMBERS if w not in ("a", "an"))
_MONTH_STARTS = "jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_PREPOSITIONS = "in|since|by|until|till|from|during|before|after|through|of|to|and|early|mid|late"

#: Words showing a sentence speaks of the future or of the past (for underspecified dates, §D2).
_FUTURE = re.compile(r"\b(?:will|shall|'ll|is to|are to|to be held|is expected|are expected|is scheduled|"
                     r"are scheduled|is set to|are set to|plans? to|upcoming|forthcoming|next|coming|would)\b", re.I)
_PAST = re.compile(r"\b(?:was|were|had|did|said|ago|last(?=\s+(?:year|month|week|weekend|night|season|decade|"
                   r"century|spring|summer|autumn|fall|winter|quarter|time|" + "|".join(MONTHS) + "|"
                   + "|".join(WEEKDAYS) + r")\b)|earlier|previous|former|signed|visited|held|met|"
                   r"announced|told|took|came|began|ended|launched|grew|fell|rose|won|lost|beat|went|gave|made|saw|hit|led|left|"
                   r"paid|sold|bought|built|spent|kept|brought|thought|found|became|ran|struck|stood|sent|wrote|"
                   r"spoke|broke|chose|drew|drove|flew|forgot|froze|knew|rode|sank|sang|shook|stole|swore|threw|"
                   r"woke|wore|won|\w{3,}ed)\b", re.I)
#: The same, for the lower-cased text (:func:`date_scan.lower_twin`; their sources are written in lower case).
_FUTURE_LOW, _PAST_LOW = lower_twin(_FUTURE), lower_twin(_PAST)
if _FUTURE_LOW is None or _PAST_LOW is None:  # pragma: no cover - a guard for editors
    raise ValueError("_FUTURE and _PAST must be written in lower case (their _LOW forms match the lower-cased text)")
_DIGIT = re.compile(r"\d")
_DECIMAL = re.compile(r"\d+(?:\.\d+)?")
_NUMBER_PARTS = re.compile(r"[- ]")
_SPACES = re.compile(r"\s+")
_SPAN_PREPOSITION = re.compile(r"\b(?:for|over|in|within|after)\s+$")
_FREQUENCY = re.compile(r"\b(?:once|twice|times|per)\s+$")
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_AFTER_TIMEX = re.compile(r"\s*(?:morning|afternoon|evening|night)\b", re.I)
_PARTS_OF_DAY = {"morning": "MO", "afternoon": "AF", "evening": "EV", "night": "NI"}


@dataclass(frozen=True)
class Window:
    """The document creation time: the inclusive range of possible publication days."""

    earliest: dt.date
    latest: dt.date

    @classmethod
    def of(cls, metadata: dict[str, Any]) -> Window | None:
        """The DCT window of a document's metadata: the publication date, or its bounds, or None."""
        published = (metadata or {}).get("published") or {}
        if published.get("date"):
            day = dt.date.fromisoformat(published["date"])
            return cls(day, day)
        if published.get("earliest") and published.get("latest"):
            return cls(dt.date.fromisoformat(published["earliest"]), dt.date.fromisoformat(published["latest"]))
        return None


def agree(values: list[str]) -> str:
    """One TIMEX3 value for all DCTs of a window: each part that differs across them becomes X (§D2)."""
    first = values[0]
    if all(v == first for v in values):
        return first
    parts = [v.split("-") for v in values]
    if len({len(p) for p in parts}) != 1:
        return _DIGIT.sub("X", first)
    out = []
    for column in zip(*parts, strict=True):
        same = all(c == column[0] for c in column)
        out.append(column[0] if same else _DIGIT.sub("X", column[0]))
    return "-".join(out)


def over_window(window: Window | None, compute: Callable[[dt.date], str], unknown: str) -> str:
    """``compute`` at both ends of the window, merged with :func:`agree`; ``unknown`` without a window."""
    if window is None:
        return unknown
    return agree([compute(window.earliest), compute(window.latest)])


def tense(sentence_text: str, future: re.Pattern[str] = _FUTURE, past: re.Pattern[str] = _PAST) -> int:
    """+1 when the sentence speaks of the future, -1 of the past, 0 when it does not tell (``future`` and ``past``:
    the patterns of those words, their lower-case twins for a lower-cased text)."""
    if future.search(sentence_text):
        return 1
    if past.search(sentence_text):
        return -1
    return 0


def _month_value(month: int, day: int | None, direction: int, dct: dt.date) -> str:
    """The month (and day) nearest the DCT in ``direction`` (+1 on or after, -1 on or before, 0 nearest)."""
    candidates = []
    for year in (dct.year - 1, dct.year, dct.year + 1):
        try:
            candidates.append(dt.date(year, month, day or 1))
        except ValueError:
            continue
    here = dct if day else dct.replace(day=1)
    if direction > 0:
        pick = min((c for c in candidates if c >= here), default=candidates[-1])
    elif direction < 0:
        pick = max((c for c in candidates if c <= here), default=candidates[0])
    else:
        pick = min(candidates, key=lambda c: abs((c - here).days))
    return pick.isoformat() if day else pick.isoformat()[:7]


def _weekday_value(weekday: int, direction: int, dct: dt.date) -> str:
    """The weekday nearest the DCT in ``direction`` (the DCT's own weekday counts as itself, except for an explicit
    "next" or "last", ``direction`` ±2: "next Tuesday" said on a Tuesday is a week later)."""
    delta = weekday - dct.isoweekday()
    if abs(direction) == 2 and delta == 0:
        return (dct + dt.timedelta(days=7 if direction > 0 else -7)).isoformat()
    if direction > 0 and delta < 0:
        delta += 7
    elif direction < 0 and delta > 0:
        delta -= 7
    elif direction == 0 and abs(delta) > 3:
        delta += -7 if delta > 0 else 7
    return (dct + dt.timedelta(days=delta)).isoformat()


def _shift(dct: dt.date, unit: str, amount: int) -> str:
    """The year, month, ISO week or day ``amount`` units from the DCT, at that granularity."""
    if unit == "Y":
        return f"{dct.year + amount:04d}"
    if unit == "M":
        months = dct.year * 12 + dct.month - 1 + amount
        return f"{months // 12:04d}-{months % 12 + 1:02d}"
    if unit == "W":
        year, week, _ = (dct + dt.timedelta(weeks=amount)).isocalendar()
        return f"{year:04d}-W{week:02d}"
    if unit == "DE":
        return f"{(dct.year // 10 + amount):03d}"
    if unit == "CE":
        return f"{(dct.year // 100 + amount):02d}"
    return (dct + dt.timedelta(days=amount)).isoformat()


def _unknown(unit: str) -> str:
    return {"Y": "XXXX", "M": "XXXX-XX", "W": "XXXX-WXX", "DE": "XXX", "CE": "XX"}.get(unit, "XXXX-XX-XX")


def _number(word: str) -> float | None:
    """The value of a number written in digits or words ("23", "two", "twenty-five"), None when vague."""
    word = word.lower().strip()
    if word in VAGUE_NUMBERS:
        return None
    if _DECIMAL.fullmatch(word):
        return float(word)
    total = 0.0
    for part in _NUMBER_PARTS.split(word):
        if part not in NUMBERS:
            return None
        total = total * NUMBERS[part] if NUMBERS[part] == 100 else total + NUMBERS[part]
    return total


def duration_value(number: str | None, unit: str) -> str:
    """A TIMEX3 duration: ``P2D``, ``P23Y``, ``PT24H``, ``PXY`` for an unknown amount."""
    code = UNITS[unit.lower().rstrip("s")] if unit.lower().rstrip("s") in UNITS else UNITS[unit.lower()]
    amount = None if number is None else _number(number)
    if code == "2W":
        code, amount = "W", (amount or 1) * 2
    if code == "3M":  # a quarter of a year, as in "every quarter" (P3M)
        code, amount = "M", None if amount is None else amount * 3
    text = "X" if amount is None else (f"{amount:g}" if amount % 1 else str(int(amount)))
    if code in ("H", "MIN"):
        return f"PT{text}{'M' if code == 'MIN' else 'H'}"
    return f"P{text}{code}"


# --- the recognisers: each yields candidate spans (dicts), possibly several per match ----------

class _Context:
    """What the recognisers need: the text, its lower-cased form, its sentences and the DCT window."""

    def __init__(self, text: str, window: Window | None):
        self.text = text
        self.lower = text.lower()
        self.window = window
        #: Whether the text holds a character re.IGNORECASE folds onto ASCII (its lower-cased form then holds one
        #: only if the text does: İ and the Kelvin sign lower to other characters, ı and ſ to themselves).
        self.folds = folds_onto_ascii(text)
        self._sents: list[Sentence] | None = None
        self._hits: dict[int, list[tuple[int, int]]] = {}

    @property
    def low(self) -> str | None:
        """The lower-cased text where it stands for the text under re.IGNORECASE, else None."""
        return None if self.folds else self.lower

    @property
    def sents(self) -> list[Sentence]:
        """The sentences of the text (computed when first asked for)."""
        if self._sents is None:
            self._sents = sentences(self.text)
        return self._sents

    def hits(self, key: Key) -> list[tuple[int, int]]:
        """The spans of ``key``'s matches (kept for the recognisers sharing a key); a key written in lower case
        without re.IGNORECASE is matched in the lower-cased text."""
        found = self._hits.get(id(key))
        if found is None:
            found = key.spans(self.lower if key.lower_case else self.text, self.folds)
            self._hits[id(key)] = found
        return found

    def finditer(self, pattern: re.Pattern[str], key: Key, before: int, after: int,
                 starts: re.Pattern[str] | None = None) -> list[re.Match[str]]:
        """``pattern``'s matches near the hits of the cheap ``key`` pattern only (most of a text has no date);
        ``starts``: where in the lower-cased text a match can begin (see :func:`date_scan.matches`)."""
        windows: list[list[int]] = []
        size = len(self.text)
        for start, end in self.hits(key):
            lo, hi = start - before if start > before else 0, end + after if end + after < size else size
            if windows and lo <= windows[-1][1]:
                if hi > windows[-1][1]:
                    windows[-1][1] = hi
            else:
                windows.append([lo, hi])
        if not windows:
            return []
        found: list[re.Match[str]] = []
        last_end = -1
        twin = None if self.folds else _TWINS.get(pattern)
        if twin is not None:  # matched in the lower-cased text: the recognisers read its groups in lower case
            pattern, text, low = twin, self.lower, self.lower if starts is not None else None
        else:
            text, low = self.text, self.low if starts is not None else None
        for lo, hi in windows:
            for m in matches(pattern, starts, text, low, lo, hi):
                if m.start() >= last_end:
                    last_end = m.end()
                    found.append(m)
        return found

    def direction(self, offset: int) -> int:
        """The tense of the clause holding ``offset`` ("…, which reports results Friday, …"), else of its sentence.

        A clause of four words or more without a tense marker speaks of the present or of a schedule ("host
        Aston Villa on Wednesday"): the nearest date is meant (0), whatever the tense of the other clauses.
        """
        sent = sentence_of(self.sents, offset)
        if sent is None:
            return 0
        cuts = [m.end() for m in _CLAUSE_BREAK.finditer(self.text, sent.start, offset)]
        stop = _CLAUSE_BREAK.search(self.text, offset, sent.end)
        start, end = cuts[-1] if cuts else sent.start, stop.start() if stop else sent.end
        here = self.tense(start, end)
        if here or len(self.text[start:end].split()) >= 4:
            return here
        return self.tense(sent.start, sent.end)

    def tense(self, start: int, end: int) -> int:
        """:func:`tense` of ``text[start:end]``, asked of the lower-cased text where it stands for the text (the
        case-sensitive patterns are several times faster than re.IGNORECASE's)."""
        if self.folds:
            return tense(self.text[start:end])
        return tense(self.lower[start:end], _FUTURE_LOW, _PAST_LOW)

    def span(self, start: int, end: int, kind: str, value: str, anchor: Any, **extra: Any) -> dict[str, Any]:
        return make_span(self.text, start, end, type=kind, value=value, anchor=anchor, **extra)

_CLAUSE_BREAK = re.compile(r"[,;:(]\s|\s[—–-]\s|\)")
#: Cheap patterns whose hits mark where a recogniser can match at all.
#: Each is a :class:`date_scan.Key`: its hits are re's, found with a faster equivalent where re is slow (word
#: lists by str.find, see date_scan.py). A key written in lower case is matched in the lower-cased text.
_KEY_MONTH = Key(r"\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec|"
                 r"JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)",
                 find=word_start_hits(re.compile(r"J(?:an|un|ul|AN|UN|UL)|F(?:eb|EB)|M(?:ar|ay|AR|AY)|"
                                                 r"A(?:pr|ug|PR|UG)|S(?:ep|EP)|O(?:ct|CT)|N(?:ov|OV)|D(?:ec|EC)")))
_KEY_YEAR = Key(r"(?:1[89]|20)\d\d")
#: The words the keys below look for in the lower-cased text, each looked up once per text.
_KEY_WORDS = Vocabulary((
    "year", "month", "week", "day", "decade", "centur", "hour", "minute", "fortnight", "quarter", "century",
    "spring", "summer", "autumn", "fall", "winter", "today", "yesterday", "tomorrow", "tonight", "ago", "current",
    "present", "nowadays", "now", "recent", "past", "future", "soon", "every", "each", "annually", "yearly",
    "monthly", "weekly", "daily", "quarterly", "once", "twice", "times", "end of", "beginning of", "start of",
    "middle of", "noon", "midnight", "morning", "afternoon", "evening", "night"))
_KEY_UNIT = _KEY_WORDS.key(r"year|month|week|day|decade|centur|hour|minute|fortnight|quarter")
_KEY_RELATIVE = _KEY_WORDS.key(r"year|month|week|decade|century|spring|summer|autumn|fall|winter|quarter|today|"
                               r"yesterday|tomorrow|tonight|ago|current|present|nowadays|now|recent|past|future|soon")
#: The weekdays' names before "day", by length.
_WEEKDAY_STEMS = ((3, ("Mon", "Fri", "Sun")), (4, ("Tues",)), (5, ("Thurs", "Satur")), (6, ("Wednes",)))


def _weekday_key_hits(text: str) -> list[tuple[int, int]]:
    """The hits of ``_KEY_WEEKDAY`` (a case-sensitive list): each "day" found by ``str.find``, with the stem of a
    weekday's name before it (no two can overlap: no stem holds "day" or starts with "a" or "y")."""
    found = []
    at = text.find("day")
    while at >= 0:
        for size, stems in _WEEKDAY_STEMS:
            if at >= size and text[at - size:at] in stems:
                found.append((at - size, at + 3))
                break
        at = text.find("day", at + 1)
    return found


_KEY_WEEKDAY = Key(r"(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day", find=_weekday_key_hits)
_KEY_SET = _KEY_WORDS.key(r"every|each|annually|yearly|monthly|weekly|daily|quarterly|once|twice|times")
_AM_PM = re.compile(r"[mM](?!\w)")
_TIME_WORDS = ("noon", "midnight", "morning", "afternoon", "evening", "night")


def _time_key_hits(text: str) -> list[tuple[int, int]]:
    """The hits of ``_KEY_TIME`` in a lower-cased text: an "m" ending a word after "a"/"p" (and a "." and/or
    a space), and the words of the day (for a text holding no character ``re`` folds onto ASCII)."""
    found = _KEY_WORDS.ranked(text, _TIME_WORDS, rank=1)
    for m in _AM_PM.finditer(text):
        at = m.start()
        for start in (at - 3, at - 2, at - 1):  # [ap]\.?\s?m: leftmost start first, at most one fits
            if start >= 0 and text[start] in "aApP" and _am_pm_middle(text[start + 1:at]):
                found.append((start, 0, at + 1))
                break
    return leftmost(found)


def _am_pm_middle(between: str) -> bool:
    r"""True when ``between`` is what ``\.?\s?`` matches in full."""
    return between in ("", ".") or (between[-1:].isspace() and between[:-1] in ("", "."))


_KEY_TIME = Key(r"(?i:[ap]\.?\s?m\b|noon|midnight|morning|afternoon|evening|night)", find=_time_key_hits,
                re_when_folds=True)
_DECADE_END = re.compile(r"0s(?!\w)")


def _decade_key_hits(text: str) -> list[tuple[int, int]]:
    """The hits of ``_KEY_DECADE`` in a lower-cased text ("0s" ending a word, "century"), for a text holding no
    character ``re`` folds onto ASCII."""
    return leftmost([(m.start(), 0, m.end()) for m in _DECADE_END.finditer(text)]
                    + _KEY_WORDS.ranked(text, ("century",), rank=1))


_KEY_DECADE = Key(r"0s\b|(?i:century)", find=_decade_key_hits, re_when_folds=True)


def _month_of(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _resolved(ctx: _Context, month: int, day: int | None, year: str | None, offset: int) -> tuple[str, Any]:
    """Value and anchor of a calendar date: absolute when the year is written, else resolved against the DCT."""
    if year:
        return (f"{year}-{month:02d}-{day:02d}" if day else f"{year}-{month:02d}"), None
    direction = ctx.direction(offset)
    unknown = f"XXXX-{month:02d}-{day:02d}" if day else f"XXXX-{month:02d}"
    return over_window(ctx.window, lambda d: _month_value(month, day, direction, d), unknown), "dct"


def _valid_day(month: int, day: int) -> bool:
    return 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


_MONTH_DAY = re.compile(
    r"(?:(?P<wd>" + _WEEKDAY.replace("?P<weekday>", "") + r"),?\s+)?\b" + _MONTH + r"\s+" + _DAY + r"\b"
    + r"(?:(?P<range>" + _DASH + r")" + _DAY2 + r"\b)?" + r"(?:(?P<comma>,?\s*)" + _YEAR + r"\b)?"
)
_DAY_MONTH = re.compile(
    r"\b" + _DAY + r"(?:(?P<range>" + _DASH + r")" + _DAY2 + r")?\s+(?:of\s+)?" + _MONTH + r"(?:,?\s*" + _YEAR
    + r")?\b"
)
#: Where (in the lower-cased text) a match of each pattern can begin: the first strings of its alternatives.
_MONTH_DAY_STARTS = re.compile(r"(?:mon|tues|wednes|thurs|fri|satur|sun)day|\b(?:" + _MONTH_STARTS + ")")
_DIGIT_STARTS = re.compile(r"\b\d")


def _month_day(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"February 3", "Feb 3–4, 2026", "Tuesday, March 12", "March 12–14" (§D3, §D5)."""
    for m in ctx.finditer(_MONTH_DAY, _KEY_MONTH, 40, 45, _MONTH_DAY_STARTS):
        month, day = _month_of(m["month"]), int(m["day"])
        if not _valid_day(month, day):
            continue
        first_end = m.start("range") if m["range"] else m.end()
        value, anchor = _resolved(ctx, month, day, m["year"], m.start())
        first = ctx.span(m.start(), first_end, "DATE", value, anchor)
        yield first
        if m["range"] and m["day2"] and _valid_day(month, int(m["day2"])) and int(m["day2"]) > day:
            day2 = int(m["day2"])
            second_value = value[:-2] + f"{day2:02d}"
            yield ctx.span(m.start("day2"), m.end(), "DATE", second_value, first, _range_of=(first, day2 - day + 1))


def _day_month(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"3 February 2026", "3–4 February", "12th of March" (§D3, §D5)."""
    for m in ctx.finditer(_DAY_MONTH, _KEY_MONTH, 20, 30, _DIGIT_STARTS):
        month, day = _month_of(m["month"]), int(m["day"])
        if not _valid_day(month, day):
            continue
        if m["range"] and m["day2"]:
            day2 = int(m["day2"])
            if not (_valid_day(month, day2) and day2 > day):
                continue
            value, anchor = _resolved(ctx, month, day2, m["year"], m.start())
            last = ctx.span(m.start("day2"), m.end(), "DATE", value, anchor)
            yield last
            yield ctx.span(m.start(), m.start("range"), "DATE", value[:-2] + f"{day:02d}", last,
                           _range_of=(last, day2 - day + 1))
            continue
        value, anchor = _resolved(ctx, month, day, m["year"], m.start())
        yield ctx.span(m.start(), m.end(), "DATE", value, anchor)


_MONTH_ALONE = re.compile(
    r"(?P<pre>\b(?i:in|since|by|until|till|from|during|before|after|through|of|on|to|and|last|next|this|early|"
    r"mid|late|end of|beginning of)[\s-]+)?\b(?P<mod>(?i:early|mid|late|last|next|this)[\s-]+)?" + _MONTH
    + r"(?:,?\s+" + _YEAR + r")?\b(?!\s*[0-3]?\d\b)"
)
_MONTH_ALONE_STARTS = starts_pattern(_PREPOSITIONS + "|on|last|next|this|end|beginning|" + _MONTH_STARTS)
_MODS = {"early": "START", "mid": "MID", "late": "END"}


def _month_alone(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"In September", "September 2025", "mid-March", "last September"; "May"/"March" only after a preposition."""
    for m in ctx.finditer(_MONTH_ALONE, _KEY_MONTH, 40, 30, _MONTH_ALONE_STARTS):
        word = m["month"].rstrip(".")
        if word.lower() in ("may", "mar", "march", "jan", "sep", "dec", "oct", "nov", "aug", "jun", "jul",
                            "apr", "feb", "sept") and not (m["pre"] or m["mod"] or m["year"]):
            continue
        if word.isupper() and len(word) <= 4 and not m["year"]:
            continue
        month = _month_of(word)
        mod = (m["mod"] or "").strip(" -").lower()
        start = m.start("mod") if mod else m.start("month")
        extra = {"mod": _MODS[mod]} if mod in _MODS else {}
        if m["year"]:
            yield ctx.span(start, m.end(), "DATE", f"{m['year']}-{month:02d}", None, **extra)
            continue
        direction = {"last": -1, "next": 1}.get(mod, ctx.direction(m.start()))
        value = over_window(ctx.window, lambda d, mo=month, dr=direction: _month_value(mo, None, dr, d),
                            f"XXXX-{month:02d}")
        yield ctx.span(start, m.end(), "DATE", value, "dct", **extra)


_YEAR_RE = re.compile(
    r"(?P<pre>\b(?i:in|since|by|until|till|from|during|before|after|through|of|to|and|early|mid|late|year|"
    r"fiscal year|FY)[\s-]+)(?P<mod>(?i:early|mid|late)[\s-]+)?" + _YEAR + r"\b(?!\s*(?:[-–%]|per\b|people\b))"
    r"|\b" + _YEAR.replace("?P<year>", "?P<year2>") + r"\s*[-–]\s*(?P<year3>(?:1[89]|20)\d\d)\b"
)

_YEAR_STARTS = starts_pattern(_PREPOSITIONS + r"|year|fiscal|fy|\d")


def _years(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"in 2025", "since 1991", "2020–2025" (two DATEs, §D3); a bare number is a year only after a preposition."""
    for m in ctx.finditer(_YEAR_RE, _KEY_YEAR, 30, 20, _YEAR_STARTS):
        if m["year2"]:
            yield ctx.span(m.start("year2"), m.end("year2"), "DATE", m["year2"], None)
            yield ctx.span(m.start("year3"), m.end("year3"), "DATE", m["year3"], None)
            continue
        mod = (m["mod"] or "").strip(" -").lower()
        start = m.start("mod") if mod else m.start("year")
        yield ctx.span(start, m.end("year"), "DATE", m["year"], None, **({"mod": _MODS[mod]} if mod else {}))


_DECADE = re.compile(r"\b(?P<mod>(?:early|mid|late)[\s-]+)?(?P<decade>(?:1[89]|20)\d)0s\b|"
                     r"\b(?P<ord>\d{1,2})(?:st|nd|rd|th)[\s-]+century\b", re.I)


def _decades(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"the 1990s" -> 199, "the early 1990s" (mod START), "the 21st century" -> 20."""
    for m in ctx.finditer(_DECADE, _KEY_DECADE, 20, 10):
        if m["ord"]:
            yield ctx.span(m.start(), m.end(), "DATE", f"{int(m['ord']) - 1:02d}", None)
            continue
        mod = (m["mod"] or "").strip(" -").lower()
        yield ctx.span(m.start(), m.end(), "DATE", m["decade"], None, **({"mod": _MODS[mod]} if mod else {}))


_WEEKDAY_RE = re.compile(r"\b(?P<rel>(?:last|next|this|on|coming|past)\s+)?" + _WEEKDAY
                         + r"(?P<part>\s+(?:morning|afternoon|evening|night))?\b")


#: Prepositions before a weekday that name a target or a deadline rather than the time of the reported event.
_TARGET_DAY = re.compile(r"\b(?:for|until|till|by|ahead of|before)\s+(?:[A-Z][a-z]+day\s+(?:and|or)\s+)?$")


def _weekdays(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"Tuesday", "last Monday", "Friday evening" (TIME): resolved by the sentence's tense (§D8)."""
    for m in ctx.finditer(_WEEKDAY_RE, _KEY_WEEKDAY, 12, 12):
        rel = (m["rel"] or "").strip().lower()
        weekday = WEEKDAYS[m["weekday"].lower()]
        direction = {"last": -2, "past": -2, "next": 2, "coming": 2}.get(rel, ctx.direction(m.start()))
        if not rel and _TARGET_DAY.search(ctx.text, max(0, m.start() - 30), m.start()):
            direction = 0  # "warnings for Wednesday", "until Friday": a day the sentence aims at, not its tense
        value = over_window(ctx.window, lambda d, w=weekday, dr=direction: _weekday_value(w, dr, d),
                            f"XXXX-WXX-{weekday}")
        start = m.start("weekday") if rel in ("", "on") else m.start()
        if m["part"]:
            part = _PARTS_OF_DAY[m["part"].strip().lower()]
            yield ctx.span(start, m.end(), "TIME", f"{value}T{part}", "dct")
        else:
            yield ctx.span(start, m.end("weekday"), "DATE", value, "dct")


_RELATIVE = re.compile(
    r"\b(?P<which>(?:later|earlier)\s+this|last|next|this|coming|previous|past|the\s+coming|the\s+past)\s+"
    r"(?P<unit>year|month|week|weekend|decade|century|spring|summer|autumn|fall|winter|quarter)\b"
    r"|\b(?P<word>today|yesterday|tomorrow|tonight)\b"
    r"|\b(?P<num>" + _NUM_WORD + r"|a|an|several|a few)\s+(?P<unit2>year|month|week|day|decade)s?\s+ago\b"
    r"|\b(?P<ref>currently|at present|nowadays|now(?!\s+that\b)|recently|in recent (?:years|months|weeks|days)|"
    r"in the past|in the future|in the coming (?:years|months|weeks|days)|soon)\b",
    re.I,
)
_RELATIVE_STARTS = starts_pattern(r"later|earlier|last|next|this|coming|previous|past|the|today|yesterday|"
                                  r"tomorrow|tonight|\d|" + _NUMBER_WORDS + r"|an?\s|several|currently|at |nowadays|"
                                  r"now|recently|in |soon")
_REFS = {"currently": "PRESENT_REF", "now": "PRESENT_REF", "at present": "PRESENT_REF", "nowadays": "PRESENT_REF",
         "recently": "PAST_REF", "in the past": "PAST_REF", "in the future": "FUTURE_REF", "soon": "FUTURE_REF"}


def _relative(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"last year", "next year", "later this month", "this weekend", "today", "two years ago", "currently" (§D7)."""
    for m in ctx.finditer(_RELATIVE, _KEY_RELATIVE, 40, 15, _RELATIVE_STARTS):
        if m["word"]:
            word = m["word"].lower()
            shift = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[word]
            value = over_window(ctx.window, lambda d, s=shift: _shift(d, "D", s), "XXXX-XX-XX")
            kind, value = ("TIME", value + "TNI") if word == "tonight" else ("DATE", value)
            yield ctx.span(m.start(), m.end(), kind, value, "dct")
        elif m["unit2"]:
            amount = _number(m["num"]) if m["num"].lower() not in ("a", "an") else 1
            unit = UNITS[m["unit2"].lower()]
            if amount is None:
                yield ctx.span(m.start(), m.end(), "DATE", "PAST_REF", "dct")
                continue
            yield ctx.span(m.start(), m.end(), "DATE",
                           over_window(ctx.window, lambda d, u=unit, a=int(amount): _shift(d, u, -a), _unknown(unit)),
                           "dct")
        elif m["ref"]:
            ref = m["ref"].lower()
            value = _REFS.get(ref) or ("PAST_REF" if "recent" in ref else "FUTURE_REF")
            start = m.start() + (3 if ref.startswith("in ") else 0)
            yield ctx.span(start, m.end(), "DATE", value, "dct")
        else:
            yield from _relative_unit(ctx, m)


def _relative_unit(ctx: _Context, m: re.Match[str]) -> Iterator[dict[str, Any]]:
    which = _SPACES.sub(" ", m["which"].lower()).replace("the ", "")
    unit = m["unit"].lower()
    shift = {"last": -1, "previous": -1, "past": -1, "next": 1, "coming": 1}.get(which, 0)
    start = m.start() + (4 if m["which"].lower().startswith("the ") else 0)
    if unit in SEASONS:
        season = SEASONS[unit]
        value = over_window(ctx.window, lambda d, s=shift: f"{d.year + s:04d}-{season}", f"XXXX-{season}")
    elif unit == "weekend":
        value = over_window(ctx.window, lambda d, s=shift: _shift(d, "W", s) + "-WE", "XXXX-WXX-WE")
    elif unit == "quarter":
        value = over_window(ctx.window, lambda d, s=shift: _quarter(d, s), "XXXX-QX")
    else:
        code = UNITS[unit]
        value = over_window(ctx.window, lambda d, c=code, s=shift: _shift(d, c, s), _unknown(code))
    yield ctx.span(start, m.end(), "DATE", value, "dct")


def _quarter(day: dt.date, shift: int) -> str:
    quarters = day.year * 4 + (day.month - 1) // 3 + shift
    return f"{quarters // 4:04d}-Q{quarters % 4 + 1}"


_QUARTER = re.compile(r"\b(?:the\s+)?(?P<ord>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+of\s+"
                      + _YEAR + r"\b|\bq(?P<q>[1-4])\s+" + _YEAR.replace("?P<year>", "?P<qyear>") + r"\b", re.I)

_QUARTER_STARTS = starts_pattern(r"the|first|second|third|fourth|\d|q")


def _quarters(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"the first quarter of 2025", "Q1 2025"."""
    for m in ctx.finditer(_QUARTER, _KEY_YEAR, 45, 5, _QUARTER_STARTS):
        if m["q"]:
            yield ctx.span(m.start(), m.end(), "DATE", f"{m['qyear']}-Q{m['q']}", None)
        else:
            start = m.start() + (4 if m.group().lower().startswith("the ") else 0)
            yield ctx.span(start, m.end(), "DATE", f"{m['year']}-Q{ORDINALS[m['ord'].lower()]}", None)
    for m in ctx.finditer(_QUARTER_ALONE, _KEY_QUARTER, 12, 5):
        quarter = ORDINALS[m["ord"].lower()]
        direction = ctx.direction(m.start())
        value = over_window(ctx.window, lambda d, q=quarter, dr=direction: _month_value((q - 1) * 3 + 1, None, dr, d),
                            "XXXX-XX")
        yield ctx.span(m.start("ord"), m.end(), "DATE", f"{value[:4]}-Q{quarter}", "dct")


#: "the third quarter" without a year: the quarter nearest the DCT in the sentence's tense (§D2).
_QUARTER_ALONE = re.compile(r"\bthe\s+(?P<ord>first|second|third|fourth)\s+quarter\b(?!\s+of\s+(?:1[89]|20)\d\d)",
                            re.I)
_KEY_QUARTER = _KEY_WORDS.key(r"quarter")


_DURATION = re.compile(
    r"\b(?P<quant>(?:more than|over|less than|under|nearly|almost|about|around|at least|up to|at most)\s+)?"
    r"(?P<rel>(?:the\s+)?(?:past|last|next|coming|first|previous|following)\s+)?" + _NUM + r"[\s-]+"
    r"(?:(?:consecutive|straight|successive|full|more|further|additional)\s+)?" + _UNIT
    + r"s?(?P<suffix>[\s-]+(?:long|old))?\b(?!\s+ago\b)"
    r"|\b(?P<plural>centuries|decades|years|months|weeks)(?P<suffix2>-?(?:long|old))?\b",
    re.I,
)

_DURATION_STARTS = starts_pattern(r"more|over|less|under|nearly|almost|about|around|at |up |the|past|last|next|"
                                  r"coming|first|previous|following|\d|" + _NUMBER_WORDS + r"|an?[\s-]|another|several|"
                                  r"few|many|some|numerous|multiple|centuries|decades|years|months|weeks")

#: Before "a day", "a week": an amount of something, so the expression is a rate ("$5 a day", "100 trucks a day").
_RATE = re.compile(r"(?:\d|\b(?:hundreds|thousands|dozens|millions|billions|tens))[^.;,]{0,30}?[a-z]\s+$"
                   r"(?<!\bfor\s)(?<!\bin\s)(?<!\bwithin\s)(?<!\bover\s)(?<!\bafter\s)(?<!\bthan\s)")


def _durations(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"two-day", "23 years", "the past two years" (P2Y), "a decade", "centuries-old" (PXCE) (§D9)."""
    for m in ctx.finditer(_DURATION, _KEY_UNIT, 70, 15, _DURATION_STARTS):
        if m["plural"]:
            before = ctx.text[max(0, m.start() - 12):m.start()].lower()
            if not (m["suffix2"] or _SPAN_PREPOSITION.search(before)):
                continue
            value = duration_value(None, m["plural"].lower().rstrip("s").replace("ie", "y"))
            yield ctx.span(m.start(), m.end(), "DURATION", value, None)
            continue
        num = m["num"].lower()
        if num in ("a", "an") and ctx.text[m.end():m.end() + 1] == "-":
            continue
        preceding = ctx.text[max(0, m.start() - 8):m.start()]
        if num in ("a", "an") and _FREQUENCY.search(preceding):
            continue
        if num in ("a", "an") and not m["quant"] and not m["rel"] and not m["suffix"] and _RATE.search(
                ctx.text, max(0, m.start() - 40), m.start()):  # "hundreds of trucks a day": a rate, a SET
            yield ctx.span(m.start(), m.end(), "SET", f"P1{UNITS[m['unit'].lower()]}", None)
            continue
        number = None if num in VAGUE_NUMBERS else ("1" if num in ("a", "an", "another") else num)
        if number is not None and _number(number) is None:
            continue
        unit = m["unit"].lower()
        start = m.start()
        extra = {}
        if m["quant"] and not (m["quant"].strip().lower() == "over" and m["rel"]):
            extra["mod"] = QUANTIFIERS[_SPACES.sub(" ", m["quant"].strip().lower())]
        else:
            start = m.start("rel") if m["rel"] else m.start("num")
            if m["rel"] and m["rel"].lower().startswith("the "):
                start += 4
        yield ctx.span(start, m.end(), "DURATION", duration_value(number, unit), None, **extra)


_SET = re.compile(
    r"\b(?:every|each)\s+(?P<unit>year|month|week|day|quarter|morning|afternoon|evening|night|"
    + _WEEKDAY.replace("?P<weekday>", "?P<wd>") + r")\b"
    r"|\b(?P<adverb>annually|yearly|monthly|weekly|daily|biannually|quarterly)\b"
    r"|\b(?P<times>once|twice|(?:three|four|five|\d+)\s+times)\s+(?:a|per|every)\s+(?P<unit2>year|month|week|day)\b"
)
_ADVERBS = {"annually": "P1Y", "yearly": "P1Y", "monthly": "P1M", "weekly": "P1W", "daily": "P1D",
            "biannually": "P6M", "quarterly": "P3M"}


def _sets(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"every year", "annually", "every Monday" (XXXX-WXX-1), "twice a week" (§D10)."""
    for m in ctx.finditer(_SET, _KEY_SET, 5, 30):
        if m["wd"]:
            value = f"XXXX-WXX-{WEEKDAYS[m['wd'].lower()]}"
        elif m["unit"] and m["unit"].lower() in _PARTS_OF_DAY:
            value = f"XXXX-XX-XXT{_PARTS_OF_DAY[m['unit'].lower()]}"
        elif m["unit"] and m["unit"].lower() == "quarter":
            value = "P3M"
        elif m["adverb"]:
            value = _ADVERBS[m["adverb"]]
        else:
            value = f"P1{UNITS[(m['unit'] or m['unit2']).lower()]}"
        yield ctx.span(m.start(), m.end(), "SET", value, None)


_TIME = re.compile(r"\b(?P<h>[01]?\d)(?::(?P<min>[0-5]\d))?\s*(?P<ampm>[ap])\.?\s?m\b\.?|\b(?P<noon>noon|midnight)\b"
                   r"|\b(?P<this>this|last|yesterday|tomorrow)\s+(?P<part>morning|afternoon|evening|night)\b",
                   re.I)


def _times(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"10 a.m.", "3:30 pm", "noon", "this morning", "last night" (TIME)."""
    for m in ctx.finditer(_TIME, _KEY_TIME, 20, 5):
        end = m.end()
        if m["part"]:
            shift = {"this": 0, "last": -1 if m["part"].lower() == "night" else 0, "yesterday": -1,
                     "tomorrow": 1}[m["this"].lower()]
            day = over_window(ctx.window, lambda d, s=shift: _shift(d, "D", s), "XXXX-XX-XX")
            yield ctx.span(m.start(), end, "TIME", f"{day}T{_PARTS_OF_DAY[m['part'].lower()]}", "dct")
            continue
        if m["noon"]:
            clock = "12:00" if m["noon"].lower() == "noon" else "24:00"
        else:
            hour = int(m["h"]) % 12 + (12 if m["ampm"].lower() == "p" else 0)
            clock = f"{hour:02d}:{m['min'] or '00'}"
            if ctx.text[end - 1] == "." and (end >= len(ctx.text) or ctx.text[end:end + 1] in ("", "\n", " ")) and \
                    _sentence_final(ctx, end):
                end -= 1
        yield ctx.span(m.start(), end, "TIME", f"XXXX-XX-XXT{clock}", "dct")


def _sentence_final(ctx: _Context, end: int) -> bool:
    sent = sentence_of(ctx.sents, end - 1)
    return sent is not None and sent.end == end


_PERIOD = re.compile(
    r"\b(?P<season>spring|summer|autumn|fall|winter)\s+(?:of\s+)?" + _YEAR + r"\b"
    r"|\b(?P<part>end|beginning|start|middle)\s+of\s+(?P<which>the|this|next|last)\s+(?P<unit>year|month|week)\b",
    re.I)
_PART_MODS = {"end": "END", "beginning": "START", "start": "START", "middle": "MID"}
_KEY_PERIOD = _KEY_WORDS.key(r"spring|summer|autumn|fall|winter|end of|beginning of|start of|middle of")


def _periods(ctx: _Context) -> Iterator[dict[str, Any]]:
    """"the summer of 2027" -> 2027-SU; "the end of the year" -> the DCT's year, mod END (§D6)."""
    for m in ctx.finditer(_PERIOD, _KEY_PERIOD, 10, 30):
        if m["season"]:
            yield ctx.span(m.start(), m.end(), "DATE", f"{m['year']}-{SEASONS[m['season'].lower()]}", None)
            continue
        shift = {"next": 1, "last": -1}.get(m["which"].lower(), 0)
        code = UNITS[m["unit"].lower()]
        value = over_window(ctx.window, lambda d, c=code, s=shift: _shift(d, c, s), _unknown(code))
        yield ctx.span(m.start(), m.end(), "DATE", value, "dct", mod=_PART_MODS[m["part"].lower()])


#: The case-insensitive patterns' lower-case twins (:func:`date_scan.lower_twin`), used where the lower-cased text
#: stands for the text; their recognisers read no group's case (a span's text is cut from the text by offsets).
_TWINS = {pattern: twin for pattern in (_DECADE, _RELATIVE, _QUARTER, _QUARTER_ALONE, _DURATION, _TIME, _PERIOD)
          if (twin := lower_twin(pattern)) is not None}
if len(_TWINS) != 7:  # pragma: no cover - a guard for editors
    raise ValueError("a case-insensitive date pattern is no longer written in lower case")

RECOGNISERS = (_periods, _month_day, _day_month, _month_alone, _years, _decades, _weekdays, _relative, _quarters,
               _durations, _sets, _times)


def _link_ranges(ctx: _Context, dates: list[dict[str, Any]]) -> None:
    """A duration of N days spelled out by a range of N days in its sentence gets begin/end points (§D3)."""
    for date in dates:
        pair = date.pop("_range_of", None)
        if pair is None:
            continue
        other, days = pair
        first, last = sorted((date, other), key=lambda d: d["start"])
        sent = sentence_of(ctx.sents, first["start"])
        if sent is None:
            continue
        for duration in dates:
            if duration["type"] == "DURATION" and duration["value"] == f"P{days}D" and \
                    sent.start <= duration["start"] < sent.end and "begin_point" not in duration:
                duration["begin_point"], duration["end_point"] = first, last


def _time_dates(ctx: _Context, dates: list[dict[str, Any]]) -> None:
    """A clock time takes the full date of its sentence when there is exactly one."""
    full_days = [d for d in dates if d["type"] == "DATE" and _FULL_DATE.fullmatch(d["value"])]
    for time in dates:
        if time["type"] != "TIME" or not time["value"].startswith("XXXX-XX-XXT"):
            continue
        sent = sentence_of(ctx.sents, time["start"])
        days = [d for d in full_days if sent is not None and sent.start <= d["start"] < sent.end]
        if len(days) == 1:
            time["value"] = days[0]["value"] + time["value"][10:]
            time["anchor"] = days[0]


def suggest_dates(text: str, metadata: dict[str, Any]) -> list[dict[str, Any]]:
    """Every temporal expression the rules find, typed and normalised, in text order (references as dicts)."""
    ctx = _Context(text, Window.of(metadata))
    candidates = [span for recognise in RECOGNISERS for span in recognise(ctx) if span["text"]]
    dates = without_overlaps(candidates)
    kept = {id(d) for d in dates}
    for date in dates:
        if isinstance(date.get("anchor"), dict) and id(date["anchor"]) not in kept:
            date["anchor"] = "dct"
        pair = date.get("_range_of")
        if pair is not None and id(pair[0]) not in kept:
            date.pop("_range_of")
    _link_ranges(ctx, dates)
    _time_dates(ctx, dates)
    for date in dates:
        date["provenance"] = provenance("dates")
        date["confidence"] = _confidence(date)
    return dates


def _confidence(date: dict[str, Any]) -> float:
    """How sure the rules are: written-out dates high, X values and vague references lower."""
    value = date["value"]
    if value.endswith("_REF"):
        return 0.6
    if "X" in value:
        return 0.7
    return 0.9 if date["anchor"] is None else 0.8
