"""A document as the review pages draw it: spans keyed and coloured, issues attached, the text cut into pieces.

The text is split into segments at every span boundary (as displaCy's ``span`` style does); each
segment carries one underline per covering span, in a slot (an underline offset) that stays the same
along the span, so overlapping and nested spans of all layers are visible at once. Each span also gets a
focusable chip at its start (its id) whose tooltip lists the label, attributes and any problems.
Everything here is plain data; ``templates/`` turn it into HTML (:mod:`newsspan.review.render`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any, ClassVar

from ..model import ID_PREFIX, LABEL_FIELD, LAYERS, REFERENCES, SUBSPANS, Layer
from ..schema import item_schema, layer_labels
from ..validation.problems import pointer_parts

# --- labels and colours --------------------------------------------------------------------

#: Distinct colours (Tableau 10 + 2); layers reuse them but differ in underline style.
PALETTE = ("#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#9c755f",
           "#17becf", "#edc948", "#ff9da7", "#76b7b2", "#bcbd22", "#7f3c8d")
_PALETTE_START: dict[Layer, int] = {"entities": 0, "dates": 6, "quotations": 4, "claims": 9}
LAYER_TITLES: dict[Layer, str] = {
    "entities": "Entities", "dates": "Dates", "quotations": "Quotations", "claims": "Claims"}


def colour_class(layer: Layer, label: Any) -> str:
    """CSS class of a label's colour (``k-x`` for a label the schema does not know)."""
    labels = layer_labels()[layer]
    return f"k-{ID_PREFIX[layer]}{labels.index(label)}" if label in labels else "k-x"


def _colour_css() -> str:
    rules = [".k-x{--c:#8a8f98}"]
    for layer, labels in layer_labels().items():
        for i, _ in enumerate(labels):
            colour = PALETTE[(_PALETTE_START[layer] + i) % len(PALETTE)]
            rules.append(f".k-{ID_PREFIX[layer]}{i}{{--c:{colour}}}")
    return "\n" + "".join(rules) + "\n"


COLOUR_CSS = _colour_css()


# --- the document as spans to draw ---------------------------------------------------------

#: The sign shown before an issue of each kind.
ISSUE_SYMBOLS = {"error": "✖", "warning": "⚠", "disagreement": "≠"}
_VALID_ID = re.compile(r"^[edqc][1-9][0-9]*$")


@dataclass
class Issue:
    """A validation error, consistency warning or disagreement shown on the page."""

    kind: str  # "error" | "warning" | "disagreement"
    code: str
    pointer: str
    message: str
    suggestion: str = ""

    @property
    def symbol(self) -> str:
        """The sign shown before the issue: ✖ error, ⚠ warning, ≠ disagreement."""
        return ISSUE_SYMBOLS.get(self.kind, "•")


@dataclass(frozen=True)
class Mark:
    """One stretch of text to underline: a span, or a quotation's source or cue (``role``)."""

    key: str
    layer: Layer
    start: int
    end: int
    colour: str
    role: str = "span"


@dataclass
class SpanView:
    """One item of a layer as the page shows it."""

    layer: Layer
    index: int
    item: dict[str, Any]
    key: str
    marks: list[Mark] = field(default_factory=list)
    not_drawn: str = ""  # why the span cannot be drawn in the text, if it cannot
    issues: list[Issue] = field(default_factory=list)

    @property
    def label(self) -> str:
        """The item's label-like attribute as text (``?`` when it is missing)."""
        return str(self.item.get(LABEL_FIELD[self.layer], "?"))

    @property
    def shown_id(self) -> str:
        """The item's id, or ``<layer>[<index>]`` when it has none."""
        span_id = self.item.get("id")
        return span_id if isinstance(span_id, str) and span_id else f"{self.layer}[{self.index}]"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def offsets_problem(obj: Any, text: str | None) -> str:
    """Why ``obj``'s offsets cannot be drawn in ``text`` ('' when they can)."""
    if text is None:
        return "the text is not available"
    if not isinstance(obj, dict):
        return "not an object"
    start, end = obj.get("start"), obj.get("end")
    if not (_is_int(start) and _is_int(end)):
        return "offsets are not integers"
    if not 0 <= start < end <= len(text):
        return f"offsets {start}:{end} are outside 0..{len(text)} or out of order"
    return ""


class DocView:
    """A document's spans keyed for the page, with issues attached to the spans they concern."""

    def __init__(self, doc: Any, text: str | None, prefix: str = ""):
        """Index the spans of ``doc`` (any shape); ``prefix`` keeps DOM ids apart when two views share a page."""
        self.doc = doc if isinstance(doc, dict) else {}
        self.text = text
        self.prefix = prefix
        self.spans: list[SpanView] = []
        self.by_id: dict[str, SpanView] = {}
        self.by_position: dict[tuple[str, int], SpanView] = {}
        self.issues: list[Issue] = []
        for layer in LAYERS:
            items = self.doc.get(layer)
            for index, item in enumerate(items if isinstance(items, list) else []):
                self._add(layer, index, item if isinstance(item, dict) else {})

    def _add(self, layer: Layer, index: int, item: dict[str, Any]) -> None:
        span_id = item.get("id")
        unique = isinstance(span_id, str) and _VALID_ID.match(span_id) and span_id not in self.by_id
        span = SpanView(layer, index, item, span_id if unique else f"{layer}-{index}")
        span.not_drawn = offsets_problem(item, self.text)
        colour = colour_class(layer, item.get(LABEL_FIELD[layer]))
        if not span.not_drawn:
            span.marks.append(Mark(span.key, layer, item["start"], item["end"], colour))
        for role in SUBSPANS.get(layer, ()):
            sub = item.get(role)
            if isinstance(sub, dict) and not offsets_problem(sub, self.text):
                span.marks.append(Mark(f"{span.key}:{role}", layer, sub["start"], sub["end"], colour, role))
        self.spans.append(span)
        self.by_position[(layer, index)] = span
        if unique:
            self.by_id[span_id] = span

    def anchor(self, key: str) -> str:
        """The DOM id of a span's chip."""
        return self.prefix + key

    def span_at(self, pointer: str) -> SpanView | None:
        """The span a JSON pointer such as ``/entities/3/end`` lies in, if any."""
        parts = pointer_parts(pointer)
        if len(parts) >= 2 and parts[0] in LAYERS and isinstance(parts[1], int):
            return self.by_position.get((parts[0], parts[1]))
        return None

    def attach(self, issues: Iterable[Issue]) -> None:
        """Record issues for the list and on the spans their pointers lie in."""
        for issue in issues:
            self.issues.append(issue)
            span = self.span_at(issue.pointer)
            if span is not None:
                span.issues.append(issue)

    def related_keys(self, span: SpanView) -> list[str]:
        """Keys of what a span links to: its source and cue, and the spans its references name."""
        keys = [mark.key for mark in span.marks if mark.role != "span"]
        for (layer, name), _ in REFERENCES.items():
            target = span.item.get(name) if layer == span.layer else None
            if isinstance(target, str) and target in self.by_id:
                keys.append(self.by_id[target].key)
        return keys


# --- the text with stacked underlines ------------------------------------------------------

def assign_slots(marks: Sequence[Mark]) -> dict[Mark, int]:
    """Underline slot of each mark: the lowest slot no overlapping mark uses (interval colouring)."""
    slots: dict[Mark, int] = {}
    active: list[Mark] = []
    for mark in sorted(marks, key=lambda m: (m.start, -m.end, LAYERS.index(m.layer), m.role != "span")):
        active = [m for m in active if m.end > mark.start]
        used = {slots[m] for m in active}
        slots[mark] = next(slot for slot in range(len(active) + 1) if slot not in used)
        active.append(mark)
    return slots


@dataclass(slots=True)
class Underline:
    """One mark's underline over a segment: its key and CSS classes (``u``, layer, colour, slot, ``sub``)."""

    key: str
    classes: str


@dataclass(slots=True)
class Segment:
    """A stretch of text covered by the same marks: one nested inline element per mark, each drawing one underline.

    Every element draws its own underline at its slot's offset (``text-underline-offset``), so all stay
    visible; being inline, the stretch wraps like plain text and copies as plain text.
    """

    kind: ClassVar[str] = "segment"
    text: str
    lines: tuple[Underline, ...]

    @property
    def keys(self) -> str:
        """The keys of the covering marks, space-separated (the ``data-a`` the script selects on)."""
        return " ".join(line.key for line in self.lines)


@dataclass(slots=True)
class Tip:
    """A span's tooltip: id, label, layer, offsets, text, attributes (title, value) and problems."""

    id: str
    shown_id: str
    label: str
    layer: str
    start: str
    end: str
    quote: str | None
    rows: list[tuple[str, str]]
    issues: list[Issue]


@dataclass(slots=True)
class Chip:
    """The focusable marker at a span's start: its id and label, with the tooltip inside."""

    kind: ClassVar[str] = "chip"
    anchor: str
    key: str
    layer: str
    classes: str
    rel: str
    shown_id: str
    label: str
    tip: Tip


def underline(mark: Mark, slot: int) -> Underline:
    """A mark's underline at ``slot``; a quotation's source or cue (role other than span) is drawn as ``sub``."""
    sub = "" if mark.role == "span" else " sub"
    return Underline(mark.key, f"u {mark.layer} {mark.colour} n{slot}{sub}")


def text_pieces(view: DocView) -> tuple[list[Chip | Segment], int]:
    """The text as chips and segments in reading order, and the number of underline slots used."""
    text = view.text or ""
    marks = [mark for span in view.spans for mark in span.marks]
    slots = assign_slots(marks)
    starts: dict[int, list[SpanView]] = {}
    for span in view.spans:
        if span.marks and span.marks[0].role == "span":
            starts.setdefault(span.marks[0].start, []).append(span)
    bounds = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    by_start = sorted(marks, key=lambda m: m.start)
    pieces: list[Chip | Segment] = []
    active: list[Mark] = []
    next_mark = 0
    for start, end in pairwise(bounds):
        while next_mark < len(by_start) and by_start[next_mark].start <= start:
            active.append(by_start[next_mark])
            next_mark += 1
        active = sorted((m for m in active if m.end > start), key=lambda m: slots[m])
        for span in sorted(starts.get(start, []), key=lambda s: (-s.marks[0].end, LAYERS.index(s.layer))):
            pieces.append(chip(view, span))
        lines = tuple(underline(m, slots[m]) for m in active)
        pieces.append(Segment(text[start:end], lines))
    return pieces, max(slots.values(), default=-1) + 1


# --- chips and tooltips --------------------------------------------------------------------

def property_title(layer: Layer, name: str) -> str:
    """The schema's title of a layer's property (its name when the schema has none)."""
    props = item_schema(layer)["properties"]
    return props.get(name, {}).get("title", name)


def clip(text: str, limit: int = 240) -> str:
    """``text`` cut to ``limit`` characters, ending with … when cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_value(view: DocView, layer: Layer, name: str, value: Any) -> str:
    """An attribute value as plain text (references with the text they point to)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return f"“{clip(value['text'], 120)}” ({value.get('start')}–{value.get('end')})"
    if (layer, name) in REFERENCES and isinstance(value, str):
        if value == "dct":
            return "dct (document creation time)"
        target = view.by_id.get(value)
        if target is None:
            return f"{value} (not found)"
        return f"{value} · “{clip(str(target.item.get('text', '')), 80)}”"
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False)


def attributes(span: SpanView) -> Iterator[tuple[str, Any]]:
    """The attributes a span shows besides id, offsets and text (note last)."""
    skip = {"id", "start", "end", "text", "note"}
    for name, value in span.item.items():
        if name not in skip:
            yield name, value
    if "note" in span.item:
        yield "note", span.item["note"]


def tooltip(view: DocView, span: SpanView) -> Tip:
    """The tooltip of a span: id, label, layer, offsets, text, attributes, problems."""
    item = span.item
    rows = [(property_title(span.layer, name), describe_value(view, span.layer, name, value))
            for name, value in attributes(span)]
    text = item.get("text")
    return Tip(view.anchor("tip-" + span.key), span.shown_id, span.label, span.layer, str(item.get("start")),
               str(item.get("end")), clip(text) if isinstance(text, str) else None, rows, span.issues)


def chip(view: DocView, span: SpanView, extra_class: str = "") -> Chip:
    """The chip of a span: classes by layer, colour and the kinds of its issues; links to related spans."""
    kinds = {issue.kind for issue in span.issues}
    classes = ["ann", span.layer, span.marks[0].colour]
    classes += ["bad"] if "error" in kinds else []
    classes += ["warned"] if "warning" in kinds else []
    classes += ["diff"] if "disagreement" in kinds else []
    classes += [extra_class] if extra_class else []
    return Chip(view.anchor(span.key), span.key, span.layer, " ".join(classes), " ".join(view.related_keys(span)),
                span.shown_id, span.label, tooltip(view, span))


_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


@dataclass(frozen=True)
class TextBlock:
    """The highlighted text of a view (``pieces``), or why it is missing (``reason``), and its slot count."""

    anchor: str
    pieces: list[Chip | Segment] | None
    depth: int = 0
    lang: str | None = None
    reason: str = ""


def text_block(view: DocView, text_error: str = "") -> TextBlock:
    """The highlighted text (or why it is missing), with the number of underline slots it uses."""
    if view.text is None:
        return TextBlock(view.anchor("text"), None, reason=text_error or "the seed text could not be read")
    pieces, depth = text_pieces(view)
    meta = view.doc.get("metadata")
    lang = meta.get("language") if isinstance(meta, dict) else None
    shown_lang = lang if isinstance(lang, str) and _LANGUAGE.match(lang) else None
    return TextBlock(view.anchor("text"), pieces, depth, shown_lang)


def depth_css(blocks: Iterable[TextBlock]) -> str:
    """Per-page CSS: each text's line height from its number of slots, and the slot offsets."""
    rules = []
    deepest = 0
    for block in blocks:
        rules.append(f"#{block.anchor}{{--depth:{max(block.depth, 1)}}}")
        deepest = max(deepest, block.depth)
    rules += [f".n{i}{{--n:{i}}}" for i in range(deepest)]
    return "\n" + "".join(rules) + "\n"
