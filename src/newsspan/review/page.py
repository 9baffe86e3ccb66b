"""The review page: one self-contained static HTML page per document, an index page, and a diff page.

Pages work offline from ``file://``: CSS and JavaScript are inlined (from ``assets/``), nothing is
loaded from anywhere, and a Content-Security-Policy admits only the page's own script and style by
hash, so even a mistake in escaping could not run injected code. Every piece of text goes through
:func:`html.escape`; JSON embedded in ``<script>`` escapes ``<``, ``>``, ``&``, U+2028 and U+2029.

The text is split into segments at every span boundary (as displaCy's ``span`` style does); each
segment carries one underline per covering span, in a slot (an underline offset) that stays the same
along the span, so overlapping and nested spans of all layers are visible at once. Each span also gets a focusable
chip at its start (its id) whose tooltip lists the label, attributes and any problems.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..files import FileExistsRefusal, atomic_write_text
from ..model import ID_PREFIX, LABEL_FIELD, LAYERS, REFERENCES, SUBSPANS, Layer
from ..schema import item_schema, layer_labels
from ..text import SeedDecodeError
from ..validation.problems import pointer_parts
from ..validation.runner import load_checked
from .checks import check_document

# --- escaping and assets -------------------------------------------------------------------

_SCRIPT_UNSAFE = {"<": "\\u003c", ">": "\\u003e", "&": "\\u0026", "\u2028": "\\u2028", "\u2029": "\\u2029"}


def esc(value: Any) -> str:
    """HTML-escape any value as text (quotes included, so it is safe in attributes too)."""
    return html.escape(str(value), quote=True)


def script_json(obj: Any) -> str:
    """JSON that is safe inside ``<script>``: no ``</script>``, no ``<!--``, no JS line terminators."""
    text = json.dumps(obj, ensure_ascii=False, default=str)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_UNSAFE[m.group()], text)


@cache
def asset(name: str) -> str:
    """A file of the package's ``assets/`` folder (inlined into every page)."""
    return (resources.files("newsspan.review") / "assets" / name).read_text(encoding="utf-8")


def _csp_hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode("ascii") + "'"


def html_page(title: str, body: str, *, extra_css: str = "", data: Any = None, lang: str = "en") -> str:
    """A complete page: inline style and script allowed by hash, nothing else loadable."""
    css = asset("review.css") + COLOUR_CSS + extra_css
    js = asset("review.js")
    csp = (f"default-src 'none'; style-src {_csp_hash(css)}; script-src {_csp_hash(js)}; "
           "img-src data:; base-uri 'none'; form-action 'none'")
    data_block = ("" if data is None else
                  f'<script type="application/json" id="newsspan-data">{script_json(data)}</script>\n')
    return (f'<!DOCTYPE html>\n<html lang="{esc(lang)}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n'
            f'<meta http-equiv="Content-Security-Policy" content="{esc(csp)}">\n'
            f'<meta name="generator" content="newsspan review">\n<title>{esc(title)}</title>\n'
            f"<style>{css}</style>\n</head>\n<body>\n{body}\n{data_block}<script>{js}</script>\n</body>\n</html>\n")


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

_VALID_ID = re.compile(r"^[edqc][1-9][0-9]*$")


@dataclass
class Issue:
    """A validation error, consistency warning or disagreement shown on the page."""

    kind: str  # "error" | "warning" | "disagreement"
    code: str
    pointer: str
    message: str
    suggestion: str = ""


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


def render_text(view: DocView, chip: Callable[[SpanView], str]) -> tuple[str, int]:
    """The text as HTML with every drawable span underlined, and the number of slots used."""
    text = view.text or ""
    marks = [mark for span in view.spans for mark in span.marks]
    slots = assign_slots(marks)
    starts: dict[int, list[SpanView]] = {}
    for span in view.spans:
        if span.marks and span.marks[0].role == "span":
            starts.setdefault(span.marks[0].start, []).append(span)
    bounds = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    by_start = sorted(marks, key=lambda m: m.start)
    out: list[str] = []
    active: list[Mark] = []
    next_mark = 0
    for start, end in pairwise(bounds):
        while next_mark < len(by_start) and by_start[next_mark].start <= start:
            active.append(by_start[next_mark])
            next_mark += 1
        active = sorted((m for m in active if m.end > start), key=lambda m: slots[m])
        for span in sorted(starts.get(start, []), key=lambda s: (-s.marks[0].end, LAYERS.index(s.layer))):
            out.append(chip(span))
        out.append(_segment(text[start:end], active, slots))
    return "".join(out), max(slots.values(), default=-1) + 1


def _segment(text: str, covering: list[Mark], slots: dict[Mark, int]) -> str:
    """A stretch covered by the same marks: one nested inline element per mark, each drawing one underline.

    Every element draws its own underline at its slot's offset (``text-underline-offset``), so all
    stay visible; being inline, the stretch wraps like plain text and copies as plain text.
    """
    if not covering:
        return esc(text)
    opening = "".join(
        f'<span class="u {m.layer} {m.colour} n{slots[m]}{"" if m.role == "span" else " sub"}" data-k="{esc(m.key)}">'
        for m in covering)
    keys = esc(" ".join(m.key for m in covering))
    return f'<span class="seg" data-a="{keys}">{opening}{esc(text)}{"</span>" * len(covering)}</span>'


# --- chips and tooltips --------------------------------------------------------------------

def _property_title(layer: Layer, name: str) -> str:
    props = item_schema(layer)["properties"]
    return props.get(name, {}).get("title", name)


def _clip(text: str, limit: int = 240) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def describe_value(view: DocView, layer: Layer, name: str, value: Any) -> str:
    """An attribute value as plain text (references with the text they point to)."""
    if value is None:
        return "none"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return f"“{_clip(value['text'], 120)}” ({value.get('start')}–{value.get('end')})"
    if (layer, name) in REFERENCES and isinstance(value, str):
        if value == "dct":
            return "dct (document creation time)"
        target = view.by_id.get(value)
        if target is None:
            return f"{value} (not found)"
        return f"{value} · “{_clip(str(target.item.get('text', '')), 80)}”"
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


def _issue_line(issue: Issue) -> str:
    mark = {"error": "✖", "warning": "⚠", "disagreement": "≠"}.get(issue.kind, "•")
    return f'<span class="issue {esc(issue.kind)}">{mark} {esc(issue.code)}: {esc(issue.message)}</span>'


def tooltip(view: DocView, span: SpanView) -> str:
    """The tooltip of a span: id, label, layer, offsets, text, attributes, problems."""
    item = span.item
    rows = "".join(f'<span class="dt">{esc(_property_title(span.layer, name))}</span>'
                   f'<span class="dd">{esc(describe_value(view, span.layer, name, value))}</span>'
                   for name, value in attributes(span))
    issues = "".join(_issue_line(issue) for issue in span.issues)
    text = item.get("text")
    quote = f'<span class="quote">“{esc(_clip(text))}”</span>' if isinstance(text, str) else ""
    return (f'<span class="tip" role="tooltip" id="{esc(view.anchor("tip-" + span.key))}">'
            f"<b>{esc(span.shown_id)}</b> {esc(span.label)} · {esc(span.layer)} · "
            f"{esc(item.get('start'))}–{esc(item.get('end'))}{quote}"
            f'<span class="dl">{rows}</span>{issues}</span>')


def chip(view: DocView, span: SpanView, extra_class: str = "") -> str:
    """The focusable marker at a span's start: its id and label, with the tooltip inside."""
    kinds = {issue.kind for issue in span.issues}
    classes = ["ann", span.layer, span.marks[0].colour]
    classes += ["bad"] if "error" in kinds else []
    classes += ["warned"] if "warning" in kinds else []
    classes += ["diff"] if "disagreement" in kinds else []
    classes += [extra_class] if extra_class else []
    anchor = view.anchor(span.key)
    return (f'<a class="{" ".join(classes)}" id="{esc(anchor)}" href="#{esc(anchor)}" tabindex="0" '
            f'data-key="{esc(span.key)}" data-layer="{span.layer}" data-rel="{esc(" ".join(view.related_keys(span)))}" '
            f'aria-describedby="{esc(view.anchor("tip-" + span.key))}">{esc(span.shown_id)}'
            f'<span class="lab">{esc(span.label)}</span>{tooltip(view, span)}</a>')


# --- tables, issues, toolbar ---------------------------------------------------------------

def layer_columns(view: DocView, layer: Layer) -> list[str]:
    """Attribute columns of a layer's table: the schema's properties in order, then unknown ones, note last."""
    fixed = {"id", "start", "end", "text", "note"}
    names = [n for n in item_schema(layer)["properties"] if n not in fixed]
    for span in view.spans:
        if span.layer == layer:
            names += [n for n in span.item if n not in fixed and n not in names]
    return [*names, "note"]


def _cell(view: DocView, span: SpanView, name: str) -> str:
    value = span.item.get(name)
    if (span.layer, name) in REFERENCES and isinstance(value, str) and value in view.by_id:
        target = view.by_id[value]
        return (f'<td data-sort="{esc(value)}"><a href="#{esc(view.anchor(target.key))}">{esc(value)}</a> '
                f'{esc(_clip(str(target.item.get("text", "")), 60))}</td>')
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return (f'<td class="long" data-sort="{esc(value.get("start"))}">{esc(value["text"])} '
                f'<span class="note">{esc(value.get("start"))}–{esc(value.get("end"))}</span></td>')
    if name not in span.item:
        return '<td data-sort=""></td>'
    shown = describe_value(view, span.layer, name, value)
    long = ' class="long"' if name == "note" else ""
    return f'<td{long} data-sort="{esc(shown)}">{esc(shown)}</td>'


def _header(names: Iterable[str]) -> str:
    cells = "".join(f'<th scope="col"><button type="button">{esc(n)}</button></th>' for n in names)
    return f"<thead><tr>{cells}</tr></thead>"


def layer_table(view: DocView, layer: Layer) -> str:
    """A sortable table of a layer's spans, references linked to the spans they name."""
    spans = [span for span in view.spans if span.layer == layer]
    columns = layer_columns(view, layer)
    titles = ["id", "start", "end", "text", *(_property_title(layer, n) for n in columns), "problems"]
    rows = []
    for span in spans:
        anchor = view.anchor(span.key)
        drawn = f' <span class="nodraw">not in text: {esc(span.not_drawn)}</span>' if span.not_drawn else ""
        link = f'<a href="#{esc(anchor)}">{esc(span.shown_id)}</a>' if not span.not_drawn else esc(span.shown_id)
        issues = ", ".join(sorted({issue.code for issue in span.issues}))
        row_class = ' class="bad"' if span.issues else ""
        rows.append(
            f'<tr id="{esc(view.anchor("row-" + span.key))}"{row_class}>'
            f'<td data-sort="{esc(span.shown_id)}">{link}{drawn}</td>'
            f'<td>{esc(span.item.get("start", ""))}</td><td>{esc(span.item.get("end", ""))}</td>'
            f'<td class="long">{esc(span.item.get("text", ""))}</td>'
            + "".join(_cell(view, span, name) for name in columns)
            + f"<td>{esc(issues)}</td></tr>")
    if not rows:
        return f'<p class="note">No {esc(layer)}.</p>'
    return (f'<div class="table-wrap"><table class="sortable" id="{esc(view.anchor("tbl-" + layer))}">'
            f'<caption class="skip">{esc(LAYER_TITLES[layer])}</caption>{_header(titles)}'
            f'<tbody>{"".join(rows)}</tbody></table></div>')


def tables_section(view: DocView) -> str:
    """One table per layer; quotations and claims list their links (source, cue, speaker; claimant, quotation)."""
    parts = ['<section aria-labelledby="h-tables"><h2 id="h-tables">Spans and links</h2>']
    for layer in LAYERS:
        count = sum(1 for span in view.spans if span.layer == layer)
        parts.append(f"<h3>{esc(LAYER_TITLES[layer])} ({count})</h3>{layer_table(view, layer)}")
    return "".join(parts) + "</section>"


def issue_item(view: DocView, issue: Issue, names: tuple[str, str] | None = None) -> str:
    """One problem or warning in the list, linked to the span it concerns."""
    span = view.span_at(issue.pointer)
    mark = {"error": ("✖", "error-mark"), "warning": ("⚠", "warning-mark")}.get(issue.kind, ("≠", "error-mark"))
    where = esc(issue.pointer or "(document)")
    if span is not None:
        target = view.anchor(span.key) if not span.not_drawn else view.anchor("row-" + span.key)
        where = f'<a href="#{esc(target)}">{esc(span.shown_id)}</a> <code>{where}</code>'
    else:
        where = f"<code>{where}</code>"
    suggestion = f' <span class="note">{esc(issue.suggestion)}</span>' if issue.suggestion else ""
    return (f'<li class="{esc(issue.kind)}"><span class="{mark[1]}">{mark[0]} {esc(issue.kind)}</span> '
            f'<span class="code">{esc(issue.code)}</span> at {where}: {esc(issue.message)}{suggestion}</li>')


def issues_section(view: DocView, checks_note: str = "") -> str:
    """Validation errors and consistency warnings, each linked to its span."""
    errors = sum(1 for i in view.issues if i.kind == "error")
    warnings = sum(1 for i in view.issues if i.kind == "warning")
    head = f'<h2 id="h-issues">Problems: {errors} error(s), {warnings} warning(s)</h2>'
    note = f'<p class="note">{esc(checks_note)}</p>' if checks_note else ""
    if not view.issues:
        return (f'<section aria-labelledby="h-issues">{head}{note}'
                '<p class="ok">No validation errors or consistency warnings.</p></section>')
    items = "".join(issue_item(view, issue) for issue in view.issues)
    return f'<section aria-labelledby="h-issues">{head}{note}<ol class="issues">{items}</ol></section>'


def toolbar(views: Sequence[DocView]) -> str:
    """Layer toggles (checkboxes, CSS-driven) and the colour legend per label, with counts (``A / B`` on a diff)."""
    toggles = []
    legend = []
    for layer in LAYERS:
        counts: dict[str, list[int]] = {label: [0] * len(views) for label in layer_labels()[layer]}
        for side, view in enumerate(views):
            for span in view.spans:
                if span.layer == layer:
                    counts.setdefault(span.label, [0] * len(views))[side] += 1
        totals = " / ".join(str(sum(n[side] for n in counts.values())) for side in range(len(views)))
        toggles.append(f'<label><input type="checkbox" id="show-{layer}" checked> {esc(LAYER_TITLES[layer])} '
                       f'<span class="counts">({totals})</span></label>')
        keys = "".join(
            f'<span class="key {colour_class(layer, label)}{"" if any(n) else " zero"}"><i class="{layer}"></i>'
            f'{esc(label)} <span class="counts">{" / ".join(map(str, n))}</span></span>' for label, n in counts.items())
        legend.append(f'<span class="group"><b>{esc(LAYER_TITLES[layer])}</b>{keys}</span>')
    toggles.append('<label><input type="checkbox" id="show-labels" checked> labels on chips</label>')
    return (f'<div class="toolbar" role="region" aria-label="Layers and legend"><fieldset><legend>Show</legend>'
            f'{"".join(toggles)}</fieldset><div class="legend">{"".join(legend)}</div></div>')


_LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


def text_block(view: DocView, text_error: str = "") -> tuple[str, int]:
    """The highlighted text (or why it is missing), and the number of underline slots it uses."""
    if view.text is None:
        reason = text_error or "the seed text could not be read"
        return (f'<p class="nodraw" id="{esc(view.anchor("text"))}">Text not shown: {esc(reason)}. '
                "The spans are listed below.</p>", 0)
    body, depth = render_text(view, lambda span: chip(view, span))
    meta = view.doc.get("metadata")
    lang = meta.get("language") if isinstance(meta, dict) else None
    lang_attr = f' lang="{esc(lang)}"' if isinstance(lang, str) and _LANGUAGE.match(lang) else ""
    return f'<div class="doc-text" id="{esc(view.anchor("text"))}"{lang_attr}>{body}</div>', depth


def depth_css(views_depths: Iterable[tuple[DocView, int]]) -> str:
    """Per-page CSS: each text's line height from its number of slots, and the slot offsets."""
    rules = []
    deepest = 0
    for view, depth in views_depths:
        rules.append(f"#{view.anchor('text')}{{--depth:{max(depth, 1)}}}")
        deepest = max(deepest, depth)
    rules += [f".n{i}{{--n:{i}}}" for i in range(deepest)]
    return "\n" + "".join(rules) + "\n"


# --- pages ---------------------------------------------------------------------------------

def _meta(doc: dict[str, Any], file: str) -> str:
    """The document's bibliographic line."""
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    note = doc.get("annotation") if isinstance(doc.get("annotation"), dict) else {}
    published = meta.get("published") if isinstance(meta.get("published"), dict) else {}
    when = published.get("date") or (
        f"between {published.get('earliest') or '?'} and {published.get('latest') or '?'}" if published else None)
    facts = [("file", file), ("id", doc.get("id")), ("publisher", meta.get("publisher")), ("published", when),
             ("split", meta.get("split")), ("status", note.get("status")),
             ("annotators", ", ".join(map(str, note.get("annotators") or [])) or None)]
    spans = "".join(f"<span>{esc(name)}: {esc(value)}</span>" for name, value in facts if value)
    url = meta.get("url")
    web = isinstance(url, str) and url.startswith(("http://", "https://"))
    link = f'<span><a href="{esc(url)}" rel="noreferrer noopener">source</a></span>' if web else ""
    return f'<p class="meta">{spans}{link}</p>'


def _title(doc: dict[str, Any], file: str) -> str:
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    return str(meta.get("title") or doc.get("id") or file or "document")


def render_document_page(doc: Any, text: str | None, *, file: str = "", problems: Iterable[Any] = (),
                         warnings: Iterable[Any] = (), text_error: str = "", checks_note: str = "",
                         index_href: str | None = "index.html") -> str:
    """The review page of one document; renders whatever it can of an invalid document.

    ``problems`` are :class:`newsspan.validation.Problem`, ``warnings`` are
    :class:`newsspan.review.checks.ConsistencyWarning`; both are shown at their spans and in a list.
    """
    view = DocView(doc, text)
    view.attach(Issue("error", p.code, p.pointer, p.message) for p in problems)
    view.attach(Issue("warning", w.code, w.pointer, w.message, w.suggestion) for w in warnings)
    text_html, depth = text_block(view, text_error)
    title = _title(view.doc, file)
    back = f'<p class="meta"><a href="{esc(index_href)}">← all documents</a></p>' if index_href else ""
    body = (f'<a class="skip" href="#text">Skip to the text</a><main>{back}<h1>{esc(title)}</h1>'
            f'{_meta(view.doc, file)}<section class="reading" aria-label="Annotated text">'
            f"{toolbar([view])}{text_html}</section>"
            f"{issues_section(view, checks_note)}{tables_section(view)}</main>")
    data = {"file": file, "document": doc, "problems": [i.__dict__ for i in view.issues]}
    return html_page(f"{title} · newsspan review", body, extra_css=depth_css([(view, depth)]), data=data)


def render_diff_page(text: str, doc_a: dict, doc_b: dict, disagreements: list[dict],
                     names: tuple[str, str] = ("A", "B")) -> str:
    """Two annotations of one text side by side, with every disagreement listed and marked on its spans.

    Each disagreement has ``layer``, ``kind`` and ``message``, and optionally ``a_id`` and ``b_id``:
    the ids of the spans concerned on each side (linked and outlined on the page).
    """
    views = (DocView(doc_a, text, "a-"), DocView(doc_b, text, "b-"))
    for view, id_field in zip(views, ("a_id", "b_id"), strict=True):
        for d in disagreements:
            span = view.by_id.get(d.get(id_field)) if isinstance(d.get(id_field), str) else None
            if span is not None:
                span.issues.append(Issue("disagreement", str(d.get("kind", "")), "", str(d.get("message", ""))))
    sides, depths = [], []
    for view, name, side in zip(views, names, ("a", "b"), strict=True):
        text_html, depth = text_block(view)
        depths.append((view, depth))
        sides.append(f'<section data-side="{side}" aria-label="{esc(name)}"><h2>{esc(name)}</h2>{text_html}</section>')
    title = f"{names[0]} vs {names[1]}"
    body = (f'<a class="skip" href="#h-disagreements">Skip to the disagreements</a><main><h1>{esc(title)}</h1>'
            f'<div class="reading">{toolbar(views)}<div class="sides">{"".join(sides)}</div></div>'
            f"{disagreement_table(views, disagreements, names)}</main>")
    data = {"names": list(names), "disagreements": disagreements}
    return html_page(f"{title} · newsspan diff", body, extra_css=depth_css(depths), data=data)


def disagreement_table(views: tuple[DocView, DocView], disagreements: list[dict], names: tuple[str, str]) -> str:
    """Every disagreement, with links to the spans on each side."""
    def side_cell(view: DocView, span_id: Any) -> str:
        span = view.by_id.get(span_id) if isinstance(span_id, str) else None
        if span is None:
            return f'<td data-sort="{esc(span_id or "")}">{esc(span_id or "—")}</td>'
        return (f'<td data-sort="{esc(span_id)}"><a href="#{esc(view.anchor(span.key))}">{esc(span_id)}</a> '
                f'{esc(_clip(str(span.item.get("text", "")), 60))}</td>')

    head = f'<h2 id="h-disagreements">Disagreements ({len(disagreements)})</h2>'
    if not disagreements:
        return head + '<p class="ok">The two annotations agree.</p>'
    rows = "".join(
        f'<tr><td>{n}</td><td>{esc(d.get("layer", ""))}</td><td>{esc(d.get("kind", ""))}</td>'
        f'{side_cell(views[0], d.get("a_id"))}{side_cell(views[1], d.get("b_id"))}'
        f'<td class="long">{esc(d.get("message", ""))}</td></tr>'
        for n, d in enumerate(disagreements, 1))
    return (f'{head}<div class="table-wrap"><table class="sortable" id="tbl-disagreements">'
            f'{_header(["#", "layer", "kind", names[0], names[1], "message"])}<tbody>{rows}</tbody></table></div>')


# --- the review site: one page per annotation file, and an index ---------------------------

@dataclass
class ReviewedDocument:
    """One annotation file with everything its page shows."""

    path: Path
    doc: Any
    text: str | None
    text_error: str = ""
    problems: list[Any] = field(default_factory=list)
    warnings: list[Any] = field(default_factory=list)
    checks_note: str = ""

    @property
    def file(self) -> str:
        """The annotation file's path as text (for messages and summaries)."""
        return str(self.path)


def read_seed_text(corpus: Corpus, doc: Any) -> tuple[str | None, str]:
    """The document's canonical text, or None and why not (never raises for bad input)."""
    seed = doc.get("seed") if isinstance(doc, dict) else None
    name = seed.get("file") if isinstance(seed, dict) else None
    if not isinstance(name, str) or Path(name).name != name or name.startswith("."):
        return None, "the document names no usable seed file (/seed/file)"
    try:
        return corpus.read_text(name), ""
    except (OSError, SeedDecodeError) as exc:
        return None, f"{corpus.seed_path(name)}: {getattr(exc, 'strerror', None) or exc}"


def review_document(corpus: Corpus, path: Path) -> ReviewedDocument:
    """Parse, validate and (when valid) consistency-check one annotation file."""
    checked = load_checked(str(path), corpus)  # the file and its seed are read once
    if not checked.parsed:
        return ReviewedDocument(path, None, None, "the annotation file could not be parsed", checked.problems)
    doc, problems, file = checked.doc, checked.problems, str(path)
    text, text_error = (checked.text, "") if checked.text is not None else read_seed_text(corpus, doc)
    reviewed = ReviewedDocument(path, doc, text, text_error, problems)
    if problems or text is None:
        reviewed.checks_note = "Consistency checks run once the document passes validation."
    else:
        reviewed.warnings = check_document(doc, text, file)
    return reviewed


def page_names(paths: Sequence[Path]) -> list[str]:
    """A distinct, file-system-safe page name per annotation file (its stem), never 'index.html'."""
    names: list[str] = []
    for path in paths:
        stem = re.sub(r"[^A-Za-z0-9._-]", "_", path.stem).lstrip(".") or "document"
        name, n = f"{stem}.html", 1
        while name in names or name == "index.html":
            n += 1
            name = f"{stem}-{n}.html"
        names.append(name)
    return names


@dataclass
class PageSummary:
    """What the index page and the CLI report about one page."""

    file: str
    page: str
    id: str | None
    title: str
    counts: dict[str, int]
    errors: int
    warnings: int

    def to_dict(self) -> dict[str, Any]:
        """Every field, for JSON output."""
        return dict(self.__dict__)


def summarise(reviewed: ReviewedDocument, page: str) -> PageSummary:
    """The index row of a reviewed document rendered as ``page``: id, title, span counts, error and warning counts."""
    doc = reviewed.doc if isinstance(reviewed.doc, dict) else {}
    counts = {layer: len(doc[layer]) if isinstance(doc.get(layer), list) else 0 for layer in LAYERS}
    doc_id = doc.get("id") if isinstance(doc.get("id"), str) else None
    return PageSummary(reviewed.file, page, doc_id, _title(doc, reviewed.path.name), counts,
                       len(reviewed.problems), len(reviewed.warnings))


BAD_ROW = ' class="bad"'


def render_index_page(summaries: Sequence[PageSummary]) -> str:
    """The corpus index: one sortable row per document with its span counts and problem counts."""
    titles = ["document", "file", *(LAYER_TITLES[layer] for layer in LAYERS), "errors", "warnings"]
    rows = "".join(
        f'<tr{BAD_ROW if s.errors else ""}><td data-sort="{esc(s.id or s.title)}"><a href="{esc(s.page)}">'
        f"{esc(s.title)}</a></td><td>{esc(s.file)}</td>"
        + "".join(f"<td>{s.counts[layer]}</td>" for layer in LAYERS)
        + f"<td>{s.errors}</td><td>{s.warnings}</td></tr>"
        for s in summaries)
    errors = sum(s.errors for s in summaries)
    warnings = sum(s.warnings for s in summaries)
    body = (f"<main><h1>newsspan review: {len(summaries)} document(s)</h1>"
            f'<p class="meta"><span>{errors} validation error(s)</span>'
            f"<span>{warnings} consistency warning(s)</span></p>"
            f'<div class="table-wrap"><table class="sortable" id="tbl-documents">{_header(titles)}'
            f"<tbody>{rows}</tbody></table></div></main>")
    data = {"documents": [s.to_dict() for s in summaries]}
    return html_page("newsspan review", body, data=data)


def review_targets(paths: Sequence[Path], out: Path) -> list[Path]:
    """Every file ``write_review`` would write: the pages, then the index."""
    return [out / name for name in page_names(paths)] + [out / "index.html"]


def write_review(corpus: Corpus, paths: Sequence[Path], out: Path, *, force: bool = False,
                 advance: Callable[[], None] | None = None) -> list[PageSummary]:
    """Write a page per annotation file and ``index.html`` into ``out``; atomic, never silently overwriting.

    Raises :class:`newsspan.files.FileExistsRefusal` naming every existing page before writing anything.
    """
    targets = review_targets(paths, out)
    existing = [str(t) for t in targets if t.exists()]
    if existing and not force:
        raise FileExistsRefusal(f"{len(existing)} page(s) already exist ({', '.join(existing[:3])}"
                                f"{', ...' if len(existing) > 3 else ''}); refusing to overwrite (use --force)")
    summaries = []
    for path, target in zip(paths, targets, strict=False):
        reviewed = review_document(corpus, path)
        page = render_document_page(reviewed.doc, reviewed.text, file=reviewed.file, problems=reviewed.problems,
                                    warnings=reviewed.warnings, text_error=reviewed.text_error,
                                    checks_note=reviewed.checks_note)
        atomic_write_text(target, page, overwrite=force)
        summaries.append(summarise(reviewed, target.name))
        if advance:
            advance()
    atomic_write_text(targets[-1], render_index_page(summaries), overwrite=force)
    return summaries
