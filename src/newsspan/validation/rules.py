"""The semantic rules: one table, :data:`RULES`, that every validation runs.

Like python-jsonschema's keyword -> function table, each entry maps a rule name to a function
``rule(doc, context)`` that yields a :class:`Problem` for every violation it finds. Validating
a file, validating a record in memory, checking an import and :func:`newsspan.validation.load_valid`
all run this one table (:func:`rule_problems`); nothing else judges the meaning of a document.

Rules take the parsed JSON (plain dicts) as it is, even when it does not follow the schema (a
document with a bad label still has its offsets checked), so every problem of a file is reported at
once. To stay fast on the common case, a valid document, a rule first tests a whole layer at C speed
(``map`` with ``itemgetter`` and ``str`` methods: no Python code per span) and only walks the items
one by one, to name each culprit, when that test fails or the items lack the schema's shape. The
layer tests are conservative: when one passes, the walk would find nothing (tests check this on
random and corrupted documents).
"""

from __future__ import annotations

import calendar
import math
import re
from collections.abc import Callable, Iterable, Iterator
from functools import lru_cache, partial
from itertools import chain, repeat
from operator import eq, is_not, itemgetter, neg, sub
from typing import Any, NamedTuple

from ..model import LAYERS, REFERENCES, SUBSPANS, Layer, iter_spans
from ..text import Utf16Index
from .problems import Problem, pointer
from .speedups import speedups
from .structure import describe

Doc = dict[str, Any]


class Columns(NamedTuple):
    """The values of a layer's items, column by column (extracted once per document, shared by the rules)."""

    start: list[Any]
    end: list[Any]
    text: list[Any]
    id: list[Any]


class Context:
    """What a rule needs besides the document: the file named in problems, its base name, the canonical text.

    ``name`` is None for a document built in memory (no file name to match its id); ``text`` is None
    when the seed could not be read (offsets are then not checked).
    """

    __slots__ = ("_columns", "file", "name", "text")

    def __init__(self, file: str, name: str | None, text: str | None):
        self.file, self.name, self.text = file, name, text
        self._columns: dict[Layer, Columns | None] | None = None

    def columns(self, doc: Doc) -> dict[Layer, Columns | None]:
        """Every layer's :class:`Columns`, or None for a layer whose items lack the schema's shape."""
        if self._columns is None:
            self._columns = dict(zip(LAYERS, map(_columns_of, map(doc.get, LAYERS)), strict=True))
        return self._columns


def _columns_of(items: Any) -> Columns | None:
    try:
        return Columns(list(map(_START, items)), list(map(_END, items)), list(map(_TEXT, items)),
                       list(map(_ID, items)))
    except _SHAPE_ERRORS:
        return None


#: A rule: yields every violation of one part of the data contract.
Rule = Callable[[Doc, Context], Iterable[Problem]]

#: Only these are expected when a layer's items lack the schema's shape (a missing key, a wrong type).
_SHAPE_ERRORS = (KeyError, TypeError, AttributeError)

_START, _END, _TEXT, _ID = itemgetter("start"), itemgetter("end"), itemgetter("text"), itemgetter("id")
_TYPE, _VALUE, _CHECKWORTHY = itemgetter("type"), itemgetter("value"), itemgetter("checkworthy")
_NOT_NONE = partial(is_not, None)


def _items(layer: Any) -> list[Any]:
    """A layer's items, or none when it is not a list (a schema problem, reported already)."""
    return layer if isinstance(layer, list) else []


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


# --- file name ----------------------------------------------------------------------------

def id_filename(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """The file is named after the document id (``<id>.json``)."""
    doc_id = doc.get("id")
    if ctx.name is not None and isinstance(doc_id, str) and ctx.name != f"{doc_id}.json":
        yield Problem(ctx.file, "/id", "id-filename-mismatch", f"expected file name {doc_id}.json; found {ctx.name}")


# --- offsets ------------------------------------------------------------------------------

def spans_hold(items: list[Any], text: str) -> bool:
    """True when every span is in range, non-empty, matches the text and is trimmed (one C-level pass)."""
    try:
        return not items or _columns_hold(list(map(_START, items)), list(map(_END, items)),
                                          list(map(_TEXT, items)), text)
    except _SHAPE_ERRORS:
        return False


def _columns_hold(starts: list[Any], ends: list[Any], covered: list[Any], text: str) -> bool:
    """:func:`spans_hold` over the columns of some spans (raises a shape error for values of the wrong type).

    The covered text is compared in place (``text.startswith(covered, start)``), not sliced out.
    """
    if not starts:
        return True
    lengths = list(map(len, covered))
    if min(starts) < 0 or min(lengths) < 1 or lengths != list(map(sub, ends, starts)):
        return False
    return all(map(text.startswith, covered, starts)) and list(map(str.strip, covered)) == covered


def _layer_offsets_hold(doc: Doc, ctx: Context, layer: Layer, text: str) -> bool:
    """:func:`spans_hold` for a layer's items and their sub-spans."""
    columns = ctx.columns(doc)[layer]
    try:
        if columns is None or not _columns_hold(columns.start, columns.end, columns.text, text):
            return False
        names = SUBSPANS.get(layer, ())
        subspans = chain.from_iterable(map(itemgetter(name), doc[layer]) for name in names)
        return not names or spans_hold(list(filter(_NOT_NONE, subspans)), text)
    except _SHAPE_ERRORS:
        return False


def _all_offsets_hold(doc: Doc, ctx: Context, text: str) -> bool:
    """:func:`spans_hold` for every span of the document at once: every layer's items, their sub-spans and the
    dateline in one set of columns (one C-level pass; False sends each layer to its own test)."""
    try:
        columns = list(ctx.columns(doc).values())
        starts = list(chain.from_iterable(c.start for c in columns))  # AttributeError: a layer without shape
        ends = list(chain.from_iterable(c.end for c in columns))
        covered = list(chain.from_iterable(c.text for c in columns))
        extra = [span for layer, names in SUBSPANS.items() for name in names
                 for span in map(itemgetter(name), doc[layer]) if span is not None]
        meta = doc.get("metadata")
        if isinstance(meta, dict) and isinstance(meta.get("dateline"), dict):
            extra.append(meta["dateline"])
        starts += map(_START, extra)
        ends += map(_END, extra)
        covered += map(_TEXT, extra)
        return _columns_hold(starts, ends, covered, text)
    except _SHAPE_ERRORS:
        return False


def offsets(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Offsets are integers in range, start < end, the span's text is the text's slice, no edge whitespace."""
    text = ctx.text
    if text is None or _all_offsets_hold(doc, ctx, text):
        return
    for layer in LAYERS:
        items = doc.get(layer)
        if not isinstance(items, list) or _layer_offsets_hold(doc, ctx, layer, text):
            continue
        for index, span in enumerate(items):
            if not isinstance(span, dict):
                continue
            yield from _span_problems(ctx.file, pointer(layer, index), span, text)
            for name in SUBSPANS.get(layer, ()):
                if isinstance(span.get(name), dict):
                    yield from _span_problems(ctx.file, pointer(layer, index, name), span[name], text)
    meta = doc.get("metadata")
    dateline = meta.get("dateline") if isinstance(meta, dict) else None
    if isinstance(dateline, dict) and not spans_hold([dateline], text):
        yield from _span_problems(ctx.file, pointer("metadata", "dateline"), dateline, text)


def _span_problems(file: str, ptr: str, span: dict[str, Any], text: str) -> Iterator[Problem]:
    start, end, covered = span.get("start"), span.get("end"), span.get("text")
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, float):  # JSON Schema counts 1.0 as an integer; a str index it is not
            yield Problem(file, f"{ptr}/{name}", "offset-not-integer", f"expected an integer offset; found {value!r}")
    if not (_is_int(start) and _is_int(end)):
        return  # a schema problem (reported already) or a float offset
    if start >= end:
        yield Problem(file, ptr + "/end", "offset-order", f"expected end > start ({start}); found end {end}")
        return
    if start < 0 or end > len(text):
        bad = "/start" if start < 0 or start > len(text) else "/end"
        yield Problem(file, ptr + bad, "offset-out-of-range",
                      f"expected offsets within 0..{len(text)}; found start {start}, end {end}"
                      + fix_hint(text, start, end, covered))
        return
    actual = text[start:end]
    if isinstance(covered, str) and covered != actual:
        yield Problem(file, ptr + "/text", "span-text-mismatch",
                      f"expected canonical_text[{start}:{end}] = {describe(actual)}; found {describe(covered)}"
                      + fix_hint(text, start, end, covered))
    if actual != actual.strip():
        yield Problem(file, ptr, "span-whitespace",
                      f"expected no leading/trailing whitespace; found {describe(actual)} at {start}:{end}")


def fix_hint(text: str, start: int, end: int, covered: Any) -> str:
    """What the offsets of a span whose text does not match probably should be (empty when nothing fits).

    Offsets counted in UTF-16 code units (as browser tools count) land past astral characters; otherwise
    the nearest occurrence of the span's text is suggested.
    """
    if not isinstance(covered, str) or not covered:
        return ""
    index = Utf16Index.of(text)
    try:
        cp_start, cp_end = index.from_utf16(start), index.from_utf16(end)
    except ValueError:
        cp_start = cp_end = -1
    if index.astral and text[cp_start:cp_end] == covered and cp_end > cp_start >= 0:
        return (f" (the offsets look like UTF-16 code units; newsspan counts code points: "
                f"{cp_start}:{cp_end})")
    found = [m.start() for m in re.finditer(re.escape(covered), text)]
    if not found:
        return ""
    nearest = min(found, key=lambda at: (abs(at - start), at))
    return f" (did you mean {nearest}:{nearest + len(covered)}, the nearest place of this text?)"


# --- ids and references -------------------------------------------------------------------

_TARGETS = frozenset(REFERENCES.values())


def _references_hold(doc: Doc, ctx: Context) -> bool:
    """Unique ids across layers; every reference None or an id of its target layer, never the item's own."""
    try:
        ids = {layer: columns.id for layer, columns in ctx.columns(doc).items()}  # AttributeError: None
        if len(set(chain.from_iterable(ids.values()))) != sum(map(len, ids.values())):
            return False
        allowed = {layer: {None, *ids[layer]} for layer in _TARGETS}
        for (layer, name), target in REFERENCES.items():
            values = list(map(dict.get, doc[layer], repeat(name)))
            if not allowed[target].issuperset(values) and not (
                    name == "anchor" and allowed[target].issuperset(set(values) - {"dct"})):
                return False
            if any(map(eq, values, ids[layer])):
                return False
        return True
    except _SHAPE_ERRORS:
        return False


def references(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Unique ids; every reference resolves to another item of the right layer."""
    if _references_hold(doc, ctx):
        return
    ids = yield from _id_index(ctx.file, doc)
    for layer, index, span in iter_spans(doc):
        for (ref_layer, name), target_layer in REFERENCES.items():
            target = span.get(name) if ref_layer == layer else None
            if not isinstance(target, str) or (name == "anchor" and target == "dct"):
                continue
            ptr = pointer(layer, index, name)
            if target == span.get("id"):
                yield Problem(ctx.file, ptr, "self-reference",
                              f"expected another item's id; found its own id {target!r}")
            elif target not in ids:
                yield Problem(ctx.file, ptr, "dangling-reference",
                              f"expected the id of an item of {target_layer}; found {target!r}, which no item has")
            elif ids[target][0] != target_layer:
                yield Problem(ctx.file, ptr, "reference-wrong-layer",
                              f"expected an id of {target_layer}; found {target!r}, an item of {ids[target][0]}")


def _id_index(file: str, doc: Doc) -> Iterator[Problem]:
    """Yields a problem per repeated id; returns where each id first occurs."""
    ids: dict[str, tuple[Layer, int]] = {}
    for layer, index, span in iter_spans(doc):
        span_id = span.get("id")
        if not isinstance(span_id, str):
            continue
        if span_id in ids:
            yield Problem(file, pointer(layer, index, "id"), "duplicate-id",
                          f"expected a unique id; found {span_id!r} again (first at {pointer(*ids[span_id])})")
        else:
            ids[span_id] = (layer, index)
    return ids


# --- nesting ------------------------------------------------------------------------------

def nested(keys: list[tuple[int, int]]) -> bool:
    """Spans given as (start, -end) pairs nest or are disjoint (no two cross)."""
    enclosing: list[float] = [math.inf]  # ends of the spans around the current one (inf: the whole text)
    for start, neg_end in sorted(keys):
        while enclosing[-1] <= start:
            enclosing.pop()
        if enclosing[-1] < -neg_end:
            return False
        enclosing.append(-neg_end)
    return True


def _layer_nesting_holds(doc: Doc, ctx: Context, layer: Layer) -> bool:
    try:
        columns = ctx.columns(doc)[layer]
        keys = list(zip(columns.start, map(neg, columns.end), strict=True))  # AttributeError: None
        return len(set(keys)) == len(keys) and (layer != "entities" or nested(keys))
    except _SHAPE_ERRORS:
        return False


def _offsets(span: dict[str, Any]) -> tuple[int, int] | None:
    start, end = span.get("start"), span.get("end")
    return (start, end) if _is_int(start) and _is_int(end) and start < end else None


def nesting(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Entities nest or are disjoint, never cross; no layer has two items with the same offsets."""
    for layer in LAYERS:
        listed = doc.get(layer)
        if isinstance(listed, list) and _layer_nesting_holds(doc, ctx, layer):
            continue
        items = [(o, i) for i, s in enumerate(_items(listed)) if isinstance(s, dict) and (o := _offsets(s))]
        items.sort(key=lambda item: (item[0][0], -item[0][1]))
        open_spans: list[tuple[tuple[int, int], int]] = []
        for (start, end), index in items:
            while open_spans and open_spans[-1][0][1] <= start:
                open_spans.pop()
            if open_spans and open_spans[-1][0] == (start, end):
                yield Problem(ctx.file, pointer(layer, index), "duplicate-span",
                              f"expected one item per stretch of text; found {layer} {start}:{end} twice "
                              f"(also at {pointer(layer, open_spans[-1][1])})")
            elif layer == "entities" and open_spans and open_spans[-1][0][1] < end:
                (o_start, o_end), other = open_spans[-1]
                yield Problem(ctx.file, pointer(layer, index), "entity-crossing",
                              f"expected entities to nest or be disjoint; found {start}:{end} crossing "
                              f"{pointer(layer, other)} at {o_start}:{o_end}")
            open_spans.append(((start, end), index))


# --- TIMEX3 -------------------------------------------------------------------------------

_DURATION = re.compile(r"^P(?=[0-9X.T])")
_TIME_PART = re.compile(r"T([0-9X]{2}|MO|MI|AF|EV|NI|DT)")
_REFS = ("PRESENT_REF", "PAST_REF", "FUTURE_REF")


@lru_cache(maxsize=1 << 12)  # values recur (PRESENT_REF, P2D, a year); bounded: 2^16 entries cost ~13 MB
def timex_expectation(kind: Any, value: str) -> str | None:
    """What a value of this TIMEX3 type should look like, or None when it does."""
    duration = bool(_DURATION.match(value))
    if kind == "DURATION" and not duration:
        return "a duration value starting with P (e.g. P2D)"
    if kind == "DATE" and (duration or (_TIME_PART.search(value) and value not in _REFS)):
        return "a calendar value without a time of day (e.g. 2026-02-03, 2025-09, XXXX-02)"
    if kind == "TIME" and not (_TIME_PART.search(value) or value in _REFS):
        return "a value with a time of day (e.g. 2026-02-03T10:00, XXXX-XX-XXTMO)"
    if kind == "SET" and not (duration or "X" in value):
        return "a recurring value: a duration (P1W) or a pattern with X (XXXX-WXX-1)"
    return None


def _timex_holds(dates: list[Any]) -> bool:
    try:
        if any(map(timex_expectation, map(_TYPE, dates), map(_VALUE, dates))):
            return False
        if not any(map(dict.__contains__, dates, repeat("begin_point"))) and \
                not any(map(dict.__contains__, dates, repeat("end_point"))):
            return True
        return all(d["type"] == "DURATION" for d in dates if "begin_point" in d or "end_point" in d)
    except _SHAPE_ERRORS:
        return False


def timex(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """TIMEX3 values consistent with their type; begin/end points only on durations."""
    dates = doc.get("dates")
    if isinstance(dates, list) and _timex_holds(dates):
        return
    for index, date in enumerate(_items(dates)):
        if not isinstance(date, dict) or not isinstance(date.get("value"), str):
            continue
        kind, value = date.get("type"), date["value"]
        expected = timex_expectation(kind, value) if isinstance(kind, str) else None  # else a schema problem
        if expected:
            yield Problem(ctx.file, pointer("dates", index, "value"), "timex-value-type",
                          f"expected {expected} for type {kind}; found {value!r}")
        for name in ("begin_point", "end_point"):
            if name in date and kind != "DURATION":
                yield Problem(ctx.file, pointer("dates", index, name), "timex-point-type",
                              f"expected {name} only on a DURATION; found it on a {kind}")


_CALENDAR = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")


#: Values that :func:`calendar_error` surely accepts (no YYYY-MM start, a real month without a day, or a day
#: every such month has; 29 February goes to :func:`calendar_error`): a C-level test that needs no cache.
_ON_CALENDAR = re.compile(r"(?![0-9]{4}-[0-9]{2})|[0-9]{4}-(?:(?:0[1-9]|1[0-2])(?!-[0-9]{2})"
                          r"|(?:0[1-9]|1[0-2])-(?:0[1-9]|1[0-9]|2[0-8])|(?:0[13-9]|1[0-2])-(?:29|30)"
                          r"|(?:0[13578]|1[02])-31)").match


@lru_cache(maxsize=1 << 12)
def calendar_error(value: str) -> str | None:
    """Why a date written YYYY-MM or YYYY-MM-DD (at the start of ``value``) is not on the calendar, or None."""
    found = _CALENDAR.match(value)
    if found is None:
        return None
    year, month, day = int(found[1]), int(found[2]), found[3]
    if not 1 <= month <= 12:
        return f"month {found[2]} does not exist"
    if day is not None and not 1 <= int(day) <= calendar.monthrange(year, month)[1]:
        return f"{found[1]}-{found[2]} has no day {day}"
    return None


_METADATA_DATES = ((("metadata", "published"), ("date", "earliest", "latest")),
                   (("annotation",), ("created", "modified")))


def _dated(doc: Doc, timex: bool) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    """``(path, value)`` of every calendar value: the metadata dates and (with ``timex``) the TIMEX3 values."""
    for index, date in enumerate(_items(doc.get("dates")) if timex else []):
        if isinstance(date, dict):
            yield ("dates", index, "value"), date.get("value")
    for where, names in _METADATA_DATES:
        node: Any = doc
        for key in where:
            node = node.get(key) if isinstance(node, dict) else None
        if isinstance(node, dict):
            for name in names:
                yield (*where, name), node.get(name)


def _metadata_dates(doc: Doc) -> tuple[Any, ...]:
    published, note = doc["metadata"]["published"], doc["annotation"]
    return published["date"], published["earliest"], published["latest"], note["created"], note["modified"]


def calendar_dates(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Dates exist on the calendar: no 2026-02-31, no month 13."""
    try:
        values_hold = all(map(_ON_CALENDAR, map(_VALUE, doc["dates"])))
        if values_hold and all(map(_ON_CALENDAR, filter(str.__instancecheck__, _metadata_dates(doc)))):
            return
    except _SHAPE_ERRORS:
        values_hold = False
    for path, value in _dated(doc, timex=not values_hold):
        why = calendar_error(value) if isinstance(value, str) else None
        if why:
            yield Problem(ctx.file, pointer(*path), "date-invalid",
                          f"expected a date on the calendar; found {value!r} ({why})")


def _anchors_hold(dates: list[Any]) -> bool:
    """Following anchors from every date at once (C-level maps), all chains end within len(dates) steps."""
    try:
        anchors = list(map(dict.get, dates, repeat("anchor")))
        step = dict(zip(map(_ID, dates), anchors, strict=True))
        current = list(filter(_NOT_NONE, anchors))
        for _ in range(len(dates)):
            if not current:
                return True
            current = list(filter(_NOT_NONE, map(step.get, current)))
        return not current
    except _SHAPE_ERRORS:
        return False


def anchor_cycles(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Anchors lead, date by date, to the document creation time or a date without anchor; never in a circle."""
    dates = doc.get("dates")
    if not isinstance(dates, list) or _anchors_hold(dates):
        return
    anchors = {d["id"]: d.get("anchor") for d in dates if isinstance(d, dict) and isinstance(d.get("id"), str)}
    position = {d["id"]: i for i, d in enumerate(dates) if isinstance(d, dict) and isinstance(d.get("id"), str)}
    done: set[str] = set()
    for start in anchors:
        path: list[str] = []
        node: Any = start
        while isinstance(node, str) and node in anchors and node not in done and node not in path:
            path.append(node)
            node = anchors[node]
        if isinstance(node, str) and node in path and len(path) - path.index(node) > 1:  # one long: self-reference
            cycle = path[path.index(node):]
            first = min(cycle, key=position.__getitem__)
            yield Problem(ctx.file, pointer("dates", position[first], "anchor"), "anchor-cycle",
                          f"expected anchors that lead to dct or to a date without anchor; found the cycle "
                          f"{' -> '.join([*cycle[cycle.index(first):], *cycle[:cycle.index(first)], first])}")
        done.update(path)


# --- attribution and metadata ---------------------------------------------------------------

def _claimants_hold(doc: Doc) -> bool:
    """No claim names a quotation (the common case), or each such claim's claimant is the speaker."""
    try:
        quoted = list(map(dict.get, doc["claims"], repeat("quotation")))
        if {None}.issuperset(quoted):
            return True
        speakers = dict(zip(map(_ID, doc["quotations"]), map(itemgetter("speaker"), doc["quotations"]),
                            strict=True))
        claimants = map(dict.get, doc["claims"], repeat("claimant"))
        return all(q is None or speakers.get(q) in (None, c) for q, c in zip(quoted, claimants, strict=True))
    except _SHAPE_ERRORS:
        return False


def claimants(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """A claim made in a quotation is claimed by that quotation's speaker (when the speaker is an entity)."""
    if _claimants_hold(doc):
        return
    entities = {e["id"] for e in _items(doc.get("entities")) if isinstance(e, dict) and isinstance(e.get("id"), str)}
    speakers = {q["id"]: q.get("speaker") for q in _items(doc.get("quotations"))
                if isinstance(q, dict) and isinstance(q.get("id"), str)}
    for index, claim in enumerate(_items(doc.get("claims"))):
        if not isinstance(claim, dict) or not isinstance(claim.get("quotation"), str) \
                or claim["quotation"] not in speakers:
            continue
        speaker = speakers[claim["quotation"]]
        if isinstance(speaker, str) and speaker in entities and claim.get("claimant") != speaker:  # dangling: own code
            yield Problem(ctx.file, pointer("claims", index, "claimant"), "claimant-mismatch",
                          f"expected {speaker!r}, the speaker of quotation {claim['quotation']!r}; "
                          f"found {claim.get('claimant')!r}")


def date_bounds(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """earliest <= latest for the publication date; created <= modified for the annotation."""
    meta, note = doc.get("metadata"), doc.get("annotation")
    published = meta.get("published") if isinstance(meta, dict) else None
    pairs = [(published, "earliest", "latest", ("metadata", "published")),
             (note, "created", "modified", ("annotation",))]
    for obj, low, high, where in pairs:
        if not (isinstance(obj, dict) and isinstance(obj.get(low), str) and isinstance(obj.get(high), str)):
            continue
        if obj[low] > obj[high]:
            yield Problem(ctx.file, pointer(*where, high), "date-bounds",
                          f"expected {high} on or after {low} ({obj[low]}); found {obj[high]}")


#: Guidelines §G7: statuses whose documents hold no machine span nobody accepted, and the machine kinds.
GOLD_STATUSES = frozenset({"reviewed", "adjudicated"})
MACHINE_KINDS = frozenset({"model", "rule"})


def gold_status(doc: Doc) -> str | None:
    """The document's status when it is reviewed or adjudicated (gold), else None."""
    note = doc.get("annotation")
    status = note.get("status") if isinstance(note, dict) else None
    return status if isinstance(status, str) and status in GOLD_STATUSES else None


def _suggestions_accepted(doc: Doc) -> bool:
    """No span has a machine provenance without ``accepted_by`` (one C-level pass over the spans' provenance)."""
    try:
        made = list(filter(None, chain.from_iterable(map(dict.get, doc[layer], repeat("provenance"))
                                                     for layer in LAYERS)))
        if not made or MACHINE_KINDS.isdisjoint(map(dict.get, made, repeat("kind"))):
            return True
        return all("accepted_by" in p for p in made if p.get("kind") in MACHINE_KINDS)
    except _SHAPE_ERRORS:
        return False


def accepted_suggestions(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Guidelines §G7: a reviewed or adjudicated document holds no machine span without ``accepted_by``."""
    status = gold_status(doc)
    if status is None or _suggestions_accepted(doc):
        return
    for layer, index, span in iter_spans(doc):
        made = span.get("provenance")
        if isinstance(made, dict) and isinstance(made.get("kind"), str) and made["kind"] in MACHINE_KINDS \
                and "accepted_by" not in made:
            yield Problem(ctx.file, pointer(layer, index, "provenance"), "unaccepted-suggestion",
                          f"expected a person's acceptance (accepted_by) of this {made.get('kind')} span in a "
                          f"{status} document; found none (accept it, or set the status to draft)")


def _claims_decided(doc: Doc) -> bool:
    """No claim is undecided (``checkworthy`` null), in one C-level pass."""
    try:
        return None not in map(_CHECKWORTHY, doc["claims"])
    except _SHAPE_ERRORS:
        return False


def decided_claims(doc: Doc, ctx: Context) -> Iterator[Problem]:
    """Guidelines §C6: ``checkworthy: null`` (undecided) is allowed in drafts only."""
    status = gold_status(doc)
    if status is None or _claims_decided(doc):
        return
    for index, claim in enumerate(_items(doc.get("claims"))):
        if isinstance(claim, dict) and "checkworthy" in claim and claim["checkworthy"] is None:
            yield Problem(ctx.file, pointer("claims", index, "checkworthy"), "claim-undecided-in-gold",
                          f"expected true or false in a {status} document; found null (decide it, or set the "
                          "status to draft: §C6)")


# --- the table ------------------------------------------------------------------------------

#: Every semantic rule, in the order its problems are reported. Add a rule here and every path runs it.
RULES: dict[str, Rule] = {
    "id-filename": id_filename,
    "offsets": offsets,
    "references": references,
    "nesting": nesting,
    "timex": timex,
    "calendar": calendar_dates,
    "anchor-cycles": anchor_cycles,
    "claimants": claimants,
    "date-bounds": date_bounds,
    "accepted-suggestions": accepted_suggestions,
    "decided-claims": decided_claims,
}


# --- the compiled test ------------------------------------------------------------------------

#: Rules whose problems the compiled whole-document test (``_speedups.c``) rules out when it passes.
COMPILED_RULES = frozenset({"offsets", "references", "nesting", "timex", "calendar", "anchor-cycles", "claimants",
                            "accepted-suggestions", "decided-claims"})
_UNCOMPILED = tuple(rule for name, rule in RULES.items() if name not in COMPILED_RULES)


def date_value_holds(kind: str | None, value: str) -> bool:
    """Whether a TIMEX3 value of type ``kind`` (None: a metadata date) raises no timex or calendar problem.

    The compiled test judges ASCII values itself and calls this only for the others; both functions it calls
    are memoised already, so it keeps no cache of its own.
    """
    return calendar_error(value) is None and (kind is None or timex_expectation(kind, value) is None)


def compiled_holds(doc: Doc, text: str | None) -> bool:
    """True when none of :data:`COMPILED_RULES` would report anything (one C pass); False: run them.

    Always False where the extension was not built (:data:`newsspan.validation.speedups.COMPILED`).
    """
    return speedups is not None and speedups.document_holds(doc, text, date_value_holds)


def rule_problems(doc: Any, ctx: Context) -> list[Problem]:
    """Every problem the rules find in a parsed document (nothing for JSON that is not an object)."""
    if not isinstance(doc, dict):
        return []
    rules = _UNCOMPILED if compiled_holds(doc, ctx.text) else RULES.values()
    return [problem for rule in rules for problem in rule(doc, ctx)]
