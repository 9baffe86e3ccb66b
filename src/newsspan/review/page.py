"""The review pages' view model: what the page of a document, the diff page and the index show, as plain data.

The HTML is in ``templates/`` (Jinja2, autoescaped), rendered by :mod:`newsspan.review.render`; the
document's spans, their chips, tooltips and underlines come from :mod:`newsspan.review.docview`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import LAYERS, REFERENCES, Layer
from ..schema import item_schema
from .docview import (
    COLOUR_CSS,
    LAYER_TITLES,
    DocView,
    Issue,
    SpanView,
    TextBlock,
    clip,
    colour_class,
    depth_css,
    describe_value,
    layer_labels,
    property_title,
    text_block,
)
from .render import render_page

# --- tables --------------------------------------------------------------------------------

@dataclass(slots=True)
class Cell:
    """A table cell: an optional link (``href``, ``link``) then ``text``, an optional note, and a sort key."""

    text: str = ""
    sort: str | None = None
    href: str | None = None
    link: str = ""
    note: str = ""
    nodraw: str = ""
    long: bool = False


@dataclass(slots=True)
class Row:
    """A table row (``bad`` when it has problems)."""

    cells: list[Cell]
    id: str | None = None
    bad: bool = False


@dataclass(frozen=True)
class Table:
    """A sortable table."""

    id: str
    headers: list[str]
    rows: list[Row]
    caption: str = ""


def layer_columns(view: DocView, layer: Layer) -> list[str]:
    """Attribute columns of a layer's table: the schema's properties in order, then unknown ones, note last."""
    fixed = {"id", "start", "end", "text", "note"}
    names = [n for n in item_schema(layer)["properties"] if n not in fixed]
    for span in view.spans:
        if span.layer == layer:
            names += [n for n in span.item if n not in fixed and n not in names]
    return [*names, "note"]


def span_link(view: DocView, span_id: str, span: SpanView) -> Cell:
    """A cell naming a span by id, linked to its chip, with the start of its text."""
    return Cell(clip(str(span.item.get("text", "")), 60), span_id, "#" + view.anchor(span.key), span_id)


def attribute_cell(view: DocView, span: SpanView, name: str) -> Cell:
    """The cell of one attribute: references linked, sub-spans with offsets, other values as text."""
    value = span.item.get(name)
    if (span.layer, name) in REFERENCES and isinstance(value, str) and value in view.by_id:
        return span_link(view, value, view.by_id[value])
    if isinstance(value, dict) and isinstance(value.get("text"), str):
        return Cell(value["text"], str(value.get("start")), note=f"{value.get('start')}–{value.get('end')}", long=True)
    if name not in span.item:
        return Cell(sort="")
    shown = describe_value(view, span.layer, name, value)
    return Cell(shown, shown, long=name == "note")


def span_row(view: DocView, span: SpanView, columns: list[str]) -> Row:
    """A layer table's row: id (linked to the chip when drawn), offsets, text, attributes, problem codes."""
    first = (Cell(span.shown_id, span.shown_id, nodraw=span.not_drawn) if span.not_drawn
             else Cell(sort=span.shown_id, href="#" + view.anchor(span.key), link=span.shown_id))
    item = span.item
    cells = [first, Cell(str(item.get("start", ""))), Cell(str(item.get("end", ""))),
             Cell(str(item.get("text", "")), long=True), *(attribute_cell(view, span, name) for name in columns),
             Cell(", ".join(sorted({issue.code for issue in span.issues})))]
    return Row(cells, view.anchor("row-" + span.key), bool(span.issues))


def layer_table(view: DocView, layer: Layer) -> Table | None:
    """A sortable table of a layer's spans, references linked to the spans they name (None when there are none)."""
    spans = [span for span in view.spans if span.layer == layer]
    if not spans:
        return None
    columns = layer_columns(view, layer)
    headers = ["id", "start", "end", "text", *(property_title(layer, n) for n in columns), "problems"]
    return Table(view.anchor("tbl-" + layer), headers, [span_row(view, span, columns) for span in spans],
                 LAYER_TITLES[layer])


@dataclass(frozen=True)
class LayerSection:
    """A layer's heading and table."""

    layer: Layer
    title: str
    count: int
    table: Table | None


def layer_sections(view: DocView) -> list[LayerSection]:
    """One table per layer; quotations and claims list their links (source, cue, speaker; claimant, quotation)."""
    return [LayerSection(layer, LAYER_TITLES[layer], sum(1 for span in view.spans if span.layer == layer),
                         layer_table(view, layer)) for layer in LAYERS]


# --- problems, toolbar ---------------------------------------------------------------------

@dataclass(frozen=True)
class IssueItem:
    """One problem or warning in the list, linked to the span it concerns (``href``) when there is one."""

    issue: Issue
    pointer: str
    href: str | None = None
    shown_id: str = ""


def issue_item(view: DocView, issue: Issue) -> IssueItem:
    """The list entry of an issue: linked to the span's chip, or to its table row when it is not drawn."""
    span = view.span_at(issue.pointer)
    where = issue.pointer or "(document)"
    if span is None:
        return IssueItem(issue, where)
    target = view.anchor(span.key) if not span.not_drawn else view.anchor("row-" + span.key)
    return IssueItem(issue, where, "#" + target, span.shown_id)


@dataclass(frozen=True)
class IssuesSection:
    """Validation errors and consistency warnings, with a note (e.g. why checks did not run)."""

    errors: int
    warnings: int
    note: str
    items: list[IssueItem]


def issues_section(view: DocView, checks_note: str = "") -> IssuesSection:
    """Validation errors and consistency warnings, each linked to its span."""
    return IssuesSection(sum(1 for i in view.issues if i.kind == "error"),
                         sum(1 for i in view.issues if i.kind == "warning"), checks_note,
                         [issue_item(view, issue) for issue in view.issues])


@dataclass(frozen=True)
class LegendKey:
    """A label's colour key and its counts (``A / B`` on a diff); ``zero`` when no side uses it."""

    colour: str
    label: str
    counts: str
    zero: bool


@dataclass(frozen=True)
class LayerToggle:
    """A layer's show/hide checkbox with its span counts, and its legend keys."""

    layer: Layer
    title: str
    totals: str
    keys: list[LegendKey]


def toolbar(views: Sequence[DocView]) -> list[LayerToggle]:
    """Layer toggles and the colour legend per label, with counts (``A / B`` on a diff)."""
    toggles = []
    for layer in LAYERS:
        counts: dict[str, list[int]] = {label: [0] * len(views) for label in layer_labels()[layer]}
        for side, view in enumerate(views):
            for span in view.spans:
                if span.layer == layer:
                    counts.setdefault(span.label, [0] * len(views))[side] += 1
        totals = " / ".join(str(sum(n[side] for n in counts.values())) for side in range(len(views)))
        keys = [LegendKey(colour_class(layer, label), label, " / ".join(map(str, n)), not any(n))
                for label, n in counts.items()]
        toggles.append(LayerToggle(layer, LAYER_TITLES[layer], totals, keys))
    return toggles


# --- pages ---------------------------------------------------------------------------------

def meta_facts(doc: dict[str, Any], file: str) -> list[tuple[str, str]]:
    """The document's bibliographic line as (name, value), empty values left out."""
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    note = doc.get("annotation") if isinstance(doc.get("annotation"), dict) else {}
    published = meta.get("published") if isinstance(meta.get("published"), dict) else {}
    when = published.get("date") or (
        f"between {published.get('earliest') or '?'} and {published.get('latest') or '?'}" if published else None)
    facts = [("file", file), ("id", doc.get("id")), ("publisher", meta.get("publisher")), ("published", when),
             ("split", meta.get("split")), ("status", note.get("status")),
             ("annotators", ", ".join(map(str, note.get("annotators") or [])) or None)]
    return [(name, str(value)) for name, value in facts if value]


def source_url(doc: dict[str, Any]) -> str | None:
    """The article's web address when it is an http(s) URL (anything else is not linked)."""
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    url = meta.get("url")
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


def document_title(doc: dict[str, Any], file: str) -> str:
    """The title a page and the index show: the article's title, else its id, else the file name."""
    meta = doc.get("metadata") if isinstance(doc.get("metadata"), dict) else {}
    return str(meta.get("title") or doc.get("id") or file or "document")


@dataclass(frozen=True)
class DocumentPage:
    """Everything the review page of one document shows (``templates/document.html``)."""

    title: str
    back_href: str | None
    facts: list[tuple[str, str]]
    source_url: str | None
    toolbar: list[LayerToggle]
    text: TextBlock
    issues: IssuesSection
    tables: list[LayerSection]


def document_page(doc: Any, text: str | None, *, file: str = "", problems: Iterable[Any] = (),
                  warnings: Iterable[Any] = (), text_error: str = "", checks_note: str = "",
                  index_href: str | None = "index.html") -> tuple[DocumentPage, DocView]:
    """The view model of a document's review page, and the view its spans and issues are indexed in."""
    view = DocView(doc, text)
    view.attach(Issue("error", p.code, p.pointer, p.message) for p in problems)
    view.attach(Issue("warning", w.code, w.pointer, w.message, w.suggestion) for w in warnings)
    page = DocumentPage(document_title(view.doc, file), index_href or None, meta_facts(view.doc, file),
                        source_url(view.doc), toolbar([view]), text_block(view, text_error),
                        issues_section(view, checks_note), layer_sections(view))
    return page, view


def render_document_page(doc: Any, text: str | None, *, file: str = "", problems: Iterable[Any] = (),
                         warnings: Iterable[Any] = (), text_error: str = "", checks_note: str = "",
                         index_href: str | None = "index.html") -> str:
    """The review page of one document as HTML; renders whatever it can of an invalid document.

    ``problems`` are :class:`newsspan.validation.Problem`, ``warnings`` are
    :class:`newsspan.review.checks.ConsistencyWarning`; both are shown at their spans and in a list.
    """
    page, view = document_page(doc, text, file=file, problems=problems, warnings=warnings, text_error=text_error,
                               checks_note=checks_note, index_href=index_href)
    data = {"file": file, "document": doc, "problems": [i.__dict__ for i in view.issues]}
    return render_page("document.html", page, title=f"{page.title} · newsspan review",
                       css=COLOUR_CSS + depth_css([page.text]), data=data)


@dataclass(frozen=True)
class DiffSide:
    """One side of a diff page: ``a`` or ``b``, the annotation set's name, and its text."""

    side: str
    name: str
    text: TextBlock


@dataclass(frozen=True)
class DiffPage:
    """Two annotations of one text side by side, and the disagreements (``templates/diff.html``)."""

    title: str
    toolbar: list[LayerToggle]
    sides: list[DiffSide]
    count: int
    disagreements: Table | None


def disagreement_table(views: Sequence[DocView], disagreements: list[dict], names: tuple[str, str]) -> Table:
    """Every disagreement, with links to the spans on each side."""
    def side_cell(view: DocView, span_id: Any) -> Cell:
        span = view.by_id.get(span_id) if isinstance(span_id, str) else None
        if span is None:
            return Cell(str(span_id or "—"), str(span_id or ""))
        return span_link(view, span_id, span)

    rows = [Row([Cell(str(n)), Cell(str(d.get("layer", ""))), Cell(str(d.get("kind", ""))),
                 side_cell(views[0], d.get("a_id")), side_cell(views[1], d.get("b_id")),
                 Cell(str(d.get("message", "")), long=True)])
            for n, d in enumerate(disagreements, 1)]
    return Table("tbl-disagreements", ["#", "layer", "kind", names[0], names[1], "message"], rows)


def diff_page(text: str, doc_a: dict, doc_b: dict, disagreements: list[dict],
              names: tuple[str, str] = ("A", "B")) -> DiffPage:
    """The view model of a diff page: each disagreement is marked on the spans its ``a_id`` / ``b_id`` name."""
    views = (DocView(doc_a, text, "a-"), DocView(doc_b, text, "b-"))
    for view, id_field in zip(views, ("a_id", "b_id"), strict=True):
        for d in disagreements:
            span = view.by_id.get(d.get(id_field)) if isinstance(d.get(id_field), str) else None
            if span is not None:
                span.issues.append(Issue("disagreement", str(d.get("kind", "")), "", str(d.get("message", ""))))
    sides = [DiffSide(side, name, text_block(view)) for view, name, side in zip(views, names, "ab", strict=True)]
    table = disagreement_table(views, disagreements, names) if disagreements else None
    return DiffPage(f"{names[0]} vs {names[1]}", toolbar(views), sides, len(disagreements), table)


def render_diff_page(text: str, doc_a: dict, doc_b: dict, disagreements: list[dict],
                     names: tuple[str, str] = ("A", "B")) -> str:
    """Two annotations of one text side by side, with every disagreement listed and marked on its spans.

    Each disagreement has ``layer``, ``kind`` and ``message``, and optionally ``a_id`` and ``b_id``:
    the ids of the spans concerned on each side (linked and outlined on the page).
    """
    page = diff_page(text, doc_a, doc_b, disagreements, names)
    data = {"names": list(names), "disagreements": disagreements}
    return render_page("diff.html", page, title=f"{page.title} · newsspan diff",
                       css=COLOUR_CSS + depth_css(side.text for side in page.sides), data=data)


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


@dataclass(frozen=True)
class IndexPage:
    """The corpus index (``templates/index.html``): totals and one row per document."""

    documents: int
    errors: int
    warnings: int
    table: Table


def index_page(summaries: Sequence[PageSummary]) -> IndexPage:
    """The view model of the index: one sortable row per document with its span counts and problem counts."""
    headers = ["document", "file", *(LAYER_TITLES[layer] for layer in LAYERS), "errors", "warnings"]
    rows = [Row([Cell(sort=s.id or s.title, href=s.page, link=s.title), Cell(s.file),
                 *(Cell(str(s.counts[layer])) for layer in LAYERS), Cell(str(s.errors)), Cell(str(s.warnings))],
                bad=bool(s.errors))
            for s in summaries]
    return IndexPage(len(summaries), sum(s.errors for s in summaries), sum(s.warnings for s in summaries),
                     Table("tbl-documents", headers, rows))


def render_index_page(summaries: Sequence[PageSummary]) -> str:
    """The corpus index as HTML."""
    return render_page("index.html", index_page(summaries), title="newsspan review", css=COLOUR_CSS,
                       data={"documents": [s.to_dict() for s in summaries]})
