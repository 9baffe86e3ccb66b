"""What the annotate form shows beside a span: the guideline rules of its layer, and a suggested TIMEX3 value.

The guideline rules are read from ``docs/guidelines.md`` (of the corpus root, else the copy packaged with
newsspan). The TIMEX3 suggestion resolves a date written without its year against the document's
publication date, or the window the evidence gives for it (guidelines §D2): a value is suggested only
when every day of the window gives the same one; otherwise the unknown year stays ``XXXX``.
"""

from __future__ import annotations

import datetime as _dt
import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

LAYER_OF_SECTION = {"0": "general", "1": "entities", "2": "dates", "3": "quotations", "4": "claims"}
_RULE = re.compile(r"^- \*\*(§[A-Z]+\d+) ([^*]+?)\.?\*\* ?(.*)$")


def guidelines_file(root: Path) -> Path | None:
    """The guidelines of the corpus root, else the copy packaged with newsspan, else the repository's."""
    packaged = resources.files("newsspan") / "guidelines.md"
    for candidate in (Path(root) / "docs" / "guidelines.md", Path(str(packaged)),
                      Path(__file__).resolve().parents[3] / "docs" / "guidelines.md"):
        if candidate.is_file():
            return candidate
    return None


@cache
def guideline_sections(path: Path | None) -> dict[str, Any]:
    """``{layer: {"title", "intro", "rules": [{"id", "title", "text"}]}}`` from the guidelines' sections 0-4 and
    the per-layer subsections of later rulings (``## 6. Rulings of version 1.1.0`` / ``### Dates``)."""
    if path is None:
        return {}
    sections: dict[str, Any] = {}
    current: dict[str, Any] | None = None
    rulings = False  # inside "Rulings of version X": its ### subsections add rules to their layer
    for line in path.read_text(encoding="utf-8").splitlines():
        heading = re.match(r"^## (\d)\. (.+)$", line)
        if heading or line.startswith("## "):
            rulings = bool(heading) and heading.group(2).startswith("Rulings")
            layer = LAYER_OF_SECTION.get(heading.group(1)) if heading else None
            current = sections.setdefault(layer, {"title": heading.group(2), "intro": "", "rules": []}) \
                if layer else None
            continue
        if rulings and line.startswith("### "):
            current = sections.get(line[4:].strip().lower())
            continue
        if current is None:
            continue
        rule = _RULE.match(line)
        if rule:
            current["rules"].append({"id": rule.group(1), "title": rule.group(2), "text": rule.group(3)})
        elif line.startswith("  ") and current["rules"]:
            current["rules"][-1]["text"] += " " + line.strip()
        elif line.strip() and not current["rules"]:
            current["intro"] = (current["intro"] + " " + line.strip()).strip()
    return sections


# --- TIMEX3 values ------------------------------------------------------------------------

MONTHS = {name: n for n, name in enumerate(
    ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"), start=1)}
MONTHS.update({name[:3]: n for name, n in list(MONTHS.items())})
MONTHS["sept"] = 9
NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
           "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20,
           "thirty": 30, "forty": 40, "fifty": 50, "hundred": 100}
UNITS = {"day": "D", "week": "W", "month": "M", "year": "Y", "decade": "DE", "century": "CE", "hour": "H",
         "minute": "M", "second": "S"}
REFS = {"now": "PRESENT_REF", "currently": "PRESENT_REF", "at present": "PRESENT_REF", "recently": "PAST_REF",
        "in the past": "PAST_REF", "in the future": "FUTURE_REF", "soon": "FUTURE_REF"}
RELATIVE_DAYS = {"today": 0, "yesterday": -1, "tomorrow": 1}
_MONTH = r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|" \
         r"sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DAY = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"


def dct_window(metadata: dict[str, Any]) -> tuple[_dt.date, _dt.date] | None:
    """The document creation time as a window: the publication date, else its evidenced bounds, else None."""
    published = metadata.get("published") if isinstance(metadata, dict) else None
    if not isinstance(published, dict):
        return None
    try:
        if published.get("date"):
            day = _dt.date.fromisoformat(published["date"])
            return day, day
        if published.get("earliest") and published.get("latest"):
            return _dt.date.fromisoformat(published["earliest"]), _dt.date.fromisoformat(published["latest"])
    except ValueError:
        return None
    return None


def _nearest_year(month: int, day: int, around: _dt.date) -> int:
    """The year of the occurrence of month/day nearest to ``around`` (a date without a year, §D2)."""
    def distance(year: int) -> int:
        return abs((_dt.date(year, month, min(day, 28)) - around).days)
    return min((around.year - 1, around.year, around.year + 1), key=distance)


def _resolved_year(month: int, day: int | None, window: tuple[_dt.date, _dt.date] | None) -> str:
    """The year every day of the window resolves month(/day) to, or ``XXXX`` when they differ or no DCT."""
    if window is None:
        return "XXXX"
    first, last = window
    years = {_nearest_year(month, day or 15, first), _nearest_year(month, day or 15, last)}
    return f"{years.pop():04d}" if len(years) == 1 else "XXXX"


def _number(word: str) -> int | None:
    return int(word) if word.isdigit() else NUMBERS.get(word)


def suggest_timex(text: str, metadata: dict[str, Any], anchor_value: str | None = None,
                  anchor_id: str | None = None) -> dict[str, Any] | None:
    """A suggested ``{"type", "value", "anchor", "why"}`` for a temporal expression, or None.

    ``anchor_value`` is the value of another date the expression depends on (a bare day after
    "February 3" takes its month and year, §D3), ``anchor_id`` that date's id.
    """
    s = re.sub(r"\s+", " ", text.strip().lower().replace("\u2013", "-"))
    window = dct_window(metadata)
    for name, ref in REFS.items():
        if s == name:
            return {"type": "DATE", "value": ref, "anchor": "dct", "why": "a reference to the present, past or future"}
    if s in RELATIVE_DAYS:
        if window is None or window[0] != window[1]:
            return {"type": "DATE", "value": "XXXX-XX-XX", "anchor": "dct",
                    "why": "relative to the publication date, which is not known to the day"}
        day = window[0] + _dt.timedelta(days=RELATIVE_DAYS[s])
        return {"type": "DATE", "value": day.isoformat(), "anchor": "dct", "why": "relative to the publication date"}
    duration = re.fullmatch(r"(?:the )?(?:(?:past|last|next) )?(\w+)[- ](day|week|month|year|decade|century|hour|"
                            r"minute|second)s?(?: long)?", s)
    if duration and _number(duration.group(1)):
        unit = UNITS[duration.group(2)]
        time = "T" if duration.group(2) in ("hour", "minute", "second") else ""
        return {"type": "DURATION", "value": f"P{time}{_number(duration.group(1))}{unit}", "anchor": None,
                "why": "a length of time"}
    return _calendar(s, window, anchor_value, anchor_id)


def _calendar(s: str, window: tuple[_dt.date, _dt.date] | None, anchor_value: str | None,
              anchor_id: str | None) -> dict[str, Any] | None:
    """Calendar dates: with a year (absolute), without (against the DCT), a bare day (against an anchor)."""
    iso = re.fullmatch(r"(\d{4})-(\d{2})(?:-(\d{2}))?", s)
    if iso:
        return {"type": "DATE", "value": s, "anchor": None, "why": "an ISO date"}
    for pattern in (rf"{_DAY} (?:of )?{_MONTH},? {_YEAR}", rf"{_MONTH} {_DAY},? {_YEAR}", rf"{_MONTH},? {_YEAR}",
                    rf"{_DAY} (?:of )?{_MONTH}", rf"{_MONTH} {_DAY}", _MONTH, _YEAR):
        m = re.fullmatch(pattern, s)
        if not m:
            continue
        parts = m.groupdict()
        name = (parts.get("month") or "").rstrip(".")
        month = MONTHS.get(name) or MONTHS.get(name[:3])
        day = int(parts["day"]) if parts.get("day") else None
        if parts.get("year"):
            value = "-".join([parts["year"], *([f"{month:02d}"] if month else []), *([f"{day:02d}"] if day else [])])
            return {"type": "DATE", "value": value, "anchor": None, "why": "the year is written (§D5)"}
        year = _resolved_year(month, day, window)
        value = f"{year}-{month:02d}" + (f"-{day:02d}" if day else "")
        why = ("resolved against the publication date (§D2)" if year != "XXXX"
               else "the publication window allows more than one year (§D2)")
        return {"type": "DATE", "value": value, "anchor": "dct", "why": why}
    bare = re.fullmatch(r"(\d{1,2})(?:st|nd|rd|th)?", s)
    if bare and anchor_value and re.fullmatch(r"[0-9X]{4}-[0-9X]{2}(-[0-9X]{2})?", anchor_value):
        return {"type": "DATE", "value": f"{anchor_value[:7]}-{int(bare.group(1)):02d}", "anchor": anchor_id,
                "why": "month and year from the anchor (§D3)"}
    return None
