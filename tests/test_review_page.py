"""The review page (``newsspan review``) and the diff page: HTML structure, escaping, the CLI, and a real browser.

The browser tests drive Debian's chromium (``/usr/bin/chromium``, or ``$NEWSSPAN_CHROMIUM``) with Playwright;
they fail, not skip, when the browser is missing. ``tests/fixtures/review_xss`` is a valid corpus whose
text, notes and metadata are full of markup that would run if it were not escaped.
"""

from __future__ import annotations

import copy
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsspan.cli import app
from newsspan.corpus import Corpus
from newsspan.model import LAYERS, REFERENCES
from newsspan.review.docview import Mark, assign_slots
from newsspan.review.page import render_diff_page, render_document_page
from newsspan.review.render import script_json
from newsspan.review.site import page_names, write_review
from newsspan.validation import Problem

from .conftest import REPO, SEED_ID, invoke, mutated, write_annotation

XSS_ROOT = REPO / "tests" / "fixtures" / "review_xss"
runner = CliRunner()


# --- a small HTML reader for structural assertions -----------------------------------------

class Collector(HTMLParser):
    """Collects elements (tag, attributes), the text of ``.doc-text`` outside chips, and its underlined pieces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.stack: list[set[str]] = []
        self.text: list[str] = []
        self.position = 0
        self.pieces: list[tuple[int, int, set[str], set[str]]] = []  # start, end, data-a keys, underline keys

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {k: v or "" for k, v in attrs}
        self.elements.append((tag, attributes))
        classes = set(attributes.get("class", "").split())
        if "u" in classes and self._inside("seg"):
            self.pieces[-1][3].add(attributes["data-k"])
        if tag in ("meta", "input", "br"):
            return  # no end tag to wait for
        self.stack.append(classes)
        if "seg" in classes:
            self.pieces.append((self.position, -1, set(attributes["data-a"].split()), set()))

    def handle_endtag(self, tag: str) -> None:
        if tag in ("meta", "input", "br") or not self.stack:
            return
        if "seg" in self.stack.pop():
            start, _, keys, lines = self.pieces[-1]
            self.pieces[-1] = (start, self.position, keys, lines)

    def _inside(self, css_class: str) -> bool:
        return any(css_class in classes for classes in self.stack)

    def handle_data(self, data: str) -> None:
        if self._inside("doc-text") and not self._inside("ann"):
            self.text.append(data)
            self.position += len(data)

    def with_class(self, css_class: str) -> list[dict[str, str]]:
        return [a for _, a in self.elements if css_class in a.get("class", "").split()]


def parse(page: str) -> Collector:
    collector = Collector()
    collector.feed(page)
    return collector


def load(root: Path, doc_id: str) -> tuple[dict[str, Any], str]:
    corpus = Corpus(root)
    return corpus.load(corpus.annotation_path(doc_id))


# --- escaping and layout properties --------------------------------------------------------

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
                           max_leaves=12)


@given(json_values)
def test_script_json_round_trips_and_cannot_close_the_script(value):
    embedded = script_json(value)
    assert not re.search("[<>&\u2028\u2029]", embedded)
    assert json.loads(embedded) == value


intervals = st.lists(st.tuples(st.integers(0, 60), st.integers(1, 20)), max_size=25)


def marks_of(pairs: list[tuple[int, int]]) -> list[Mark]:
    return [Mark(f"k{i}", LAYERS[i % 4], start, start + length, "k-x") for i, (start, length) in enumerate(pairs)]


@given(intervals)
def test_slots_never_collide_and_use_no_more_rows_than_the_deepest_overlap(pairs):
    marks = marks_of(pairs)
    slots = assign_slots(marks)
    for i, a in enumerate(marks):
        for b in marks[i + 1:]:
            if a.start < b.end and b.start < a.end:
                assert slots[a] != slots[b]
    depth = max((sum(1 for m in marks if m.start <= x < m.end) for x in range(100)), default=0)
    assert max(slots.values(), default=-1) + 1 == depth


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="ab <>&\"'\n\u2028😀", min_size=1, max_size=60), intervals)
def test_rendered_text_is_the_text_and_each_piece_carries_exactly_its_covering_spans(text, pairs):
    spans = [(s, min(s + n, len(text))) for s, n in pairs if s < len(text)]
    doc = {"entities": [{"id": f"e{i + 1}", "start": s, "end": e, "text": text[s:e], "label": "GPE"}
                        for i, (s, e) in enumerate(spans)]}
    collector = parse(render_document_page(doc, text))
    assert "".join(collector.text) == text

    def covering(i: int) -> set[str]:
        return {f"e{n + 1}" for n, (s, e) in enumerate(spans) if s <= i < e}

    in_piece: set[int] = set()
    for start, end, keys, lines in collector.pieces:
        assert start < end and keys == lines
        assert all(covering(i) == keys for i in range(start, end))
        in_piece |= set(range(start, end))
    for i, char in enumerate(text):  # outside the pieces: uncovered text, or line breaks
        assert i in in_piece or not covering(i) or char.isspace()


# --- the seed's page -----------------------------------------------------------------------

@pytest.fixture(scope="module")
def seed_page() -> tuple[dict[str, Any], str, str]:
    doc, text = load(REPO, SEED_ID)
    return doc, text, render_document_page(doc, text, file=f"annotations/{SEED_ID}.json")


def test_every_span_of_every_layer_has_one_chip_and_an_underline(seed_page):
    doc, _, page = seed_page
    collector = parse(page)
    for layer in LAYERS:
        chips = [a for a in collector.with_class("ann") if a["data-layer"] == layer]
        assert [a["id"] for a in chips] != [] and sorted(a["id"] for a in chips) == sorted(s["id"] for s in doc[layer])
        lines = {a["data-k"] for a in collector.with_class("u") if layer in a["class"] and "sub" not in a["class"]}
        assert lines == {s["id"] for s in doc[layer]}


def test_quotation_sources_and_cues_are_underlined_and_linked_from_the_quotation(seed_page):
    doc, _, page = seed_page
    collector = parse(page)
    subs = {a["data-k"] for a in collector.with_class("sub")}
    expected = {f"{q['id']}:{role}" for q in doc["quotations"] for role in ("source", "cue") if q[role]}
    assert subs == expected
    q1 = next(a for a in collector.with_class("ann") if a["id"] == "q1")
    assert set(q1["data-rel"].split()) == {"q1:source", "q1:cue", doc["quotations"][0]["speaker"]}


def test_every_link_points_at_an_element_of_the_page(seed_page):
    _, _, page = seed_page
    collector = parse(page)
    ids = {a["id"] for _, a in collector.elements if "id" in a}
    targets = [a["href"][1:] for tag, a in collector.elements if tag == "a" and a.get("href", "").startswith("#")]
    assert targets and set(targets) <= ids


def test_tables_link_each_reference_to_its_span(seed_page):
    doc, _, page = seed_page
    for (layer, name), _target in REFERENCES.items():
        for item in doc[layer]:
            if isinstance(item.get(name), str) and item[name] != "dct":
                assert f'<td data-sort="{item[name]}"><a href="#{item[name]}">{item[name]}</a>' in page


def test_page_loads_nothing_and_allows_only_its_own_script_and_style(seed_page):
    _, _, page = seed_page
    collector = parse(page)
    assert not [a for tag, a in collector.elements if "src" in a or tag in ("link", "iframe", "object", "embed")]
    csp = next(a["content"] for tag, a in collector.elements if a.get("http-equiv") == "Content-Security-Policy")
    assert "default-src 'none'" in csp and "'unsafe-inline'" not in csp
    assert not [a for _, a in collector.elements if "style" in a]  # inline style attributes would be blocked


# --- invalid documents still render ---------------------------------------------------------

def test_invalid_offsets_are_shown_as_problems_not_crashes(seed_page):
    doc, text, _ = seed_page
    broken = mutated(doc)
    broken["entities"][3]["end"] = len(text) + 50
    broken["entities"][4]["start"] = "twelve"
    broken["quotations"][0]["source"] = {"start": -4, "end": 2, "text": "xx"}
    broken["dates"][0] = "not an object"
    broken["claims"] = None
    problems = [Problem("f.json", "/entities/3/end", "offset-out-of-range", "expected offsets within 0..N; found end")]
    page = render_document_page(broken, text, file="f.json", problems=problems)
    collector = parse(page)
    chips = {a["id"] for a in collector.with_class("ann")}
    assert "e4" not in chips and "e5" not in chips and "e6" in chips
    assert "not in text: offsets" in page and "offset-out-of-range" in page
    assert not [a for a in collector.with_class("u") if a["data-k"] == "q1:source"]
    row = next(a for a in collector.elements if a[1].get("id") == "row-e4")[1]
    assert row["class"] == "bad"
    assert '<a href="#row-e4">e4</a>' in page  # the problem list links to the table row of an undrawable span


def test_problem_pointers_mark_the_span_they_lie_in(seed_page):
    doc, text, _ = seed_page
    problems = [Problem("f.json", "/dates/1/value", "timex-value-type", "expected <b>a date</b>; found P2D")]
    page = render_document_page(doc, text, file="f.json", problems=problems)
    chip = next(a for a in parse(page).with_class("ann") if a["id"] == doc["dates"][1]["id"])
    assert "bad" in chip["class"].split()
    assert "timex-value-type: expected &lt;b&gt;a date&lt;/b&gt;; found P2D" in page


def test_a_document_without_text_or_structure_still_renders():
    page = render_document_page(None, None, file="broken.json", text_error="cannot parse <file>",
                                problems=[Problem("broken.json", "", "json-malformed", "expected JSON")])
    assert "Text not shown: cannot parse &lt;file&gt;" in page and "json-malformed" in page
    page = render_document_page({"entities": [{"id": "e1", "start": 0, "end": 3, "label": "<x>"}], "dates": 7},
                                "abc")
    chip = parse(page).with_class("ann")[0]
    assert chip["id"] == "e1" and "k-x" in chip["class"]  # an unknown label gets the neutral colour


def test_duplicate_ids_get_distinct_anchors(seed_page):
    doc, text, _ = seed_page
    twice = mutated(doc)
    twice["entities"][1]["id"] = twice["entities"][0]["id"]
    ids = [a["id"] for _, a in parse(render_document_page(twice, text)).elements if "id" in a]
    assert len(ids) == len(set(ids)) and "entities-1" in ids


# --- the diff page -------------------------------------------------------------------------

def diff_fixture(seed: tuple[dict[str, Any], str]) -> tuple[dict, dict, str, list[dict]]:
    doc, text = seed
    b = copy.deepcopy(doc)
    b["entities"][2]["label"] = "ORG"
    del b["claims"][-1]
    disagreements = [
        {"layer": "entities", "kind": "label", "message": "PERSON vs ORG <script>", "a_id": "e3", "b_id": "e3"},
        {"layer": "claims", "kind": "missing", "message": "only in A", "a_id": doc["claims"][-1]["id"], "b_id": None},
    ]
    return doc, b, text, disagreements


def test_diff_page_shows_both_sides_and_links_each_disagreement(seed_document):
    a, b, text, disagreements = diff_fixture(seed_document)
    page = render_diff_page(text, a, b, disagreements, names=("annotator <A>", "B"))
    collector = parse(page)
    chips = collector.with_class("ann")
    assert len([c for c in chips if c["id"].startswith("a-")]) == sum(len(a[layer]) for layer in LAYERS)
    assert len([c for c in chips if c["id"].startswith("b-")]) == sum(len(b[layer]) for layer in LAYERS)
    marked = {c["id"] for c in chips if "diff" in c["class"].split()}
    assert marked == {"a-e3", "b-e3", f"a-{a['claims'][-1]['id']}"}
    assert '<a href="#a-e3">e3</a>' in page and '<a href="#b-e3">e3</a>' in page
    assert "annotator &lt;A&gt;" in page and "PERSON vs ORG &lt;script&gt;" in page and "<script>alert" not in page
    counts = {layer: f"({len(a[layer])} / {len(b[layer])})" for layer in LAYERS}  # legend counts per side
    assert all(f'id="show-{layer}" checked> {layer.title()} <span class="counts">{counts[layer]}' in page
               for layer in LAYERS)


def test_diff_page_with_no_disagreements_says_so(seed_document):
    doc, text = seed_document
    assert "The two annotations agree." in render_diff_page(text, doc, doc, [])


# --- files and the CLI ---------------------------------------------------------------------

def test_page_names_are_distinct_and_never_the_index():
    paths = [Path("a/x.json"), Path("b/x.json"), Path("index.json"), Path("we ird<>.json")]
    assert page_names(paths) == ["x.html", "x-2.html", "index-2.html", "we_ird__.html"]


def test_review_command_writes_pages_and_refuses_to_overwrite(corpus_copy, tmp_path):
    bad = mutated(json.loads(corpus_copy.annotation_path(SEED_ID).read_text(encoding="utf-8")))
    bad["id"] = "broken-copy"
    bad["entities"][0]["end"] = 10**6
    write_annotation(corpus_copy, bad)
    (corpus_copy.annotations_dir / "garbage.json").write_text("{ not json", encoding="utf-8")
    out = tmp_path / "site"
    args = ["review", "--root", str(corpus_copy.root), "--out", str(out), "--json"]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    pages = {p["page"]: p for p in report["pages"]}
    assert set(pages) == {"broken-copy.html", "garbage.html", f"{SEED_ID}.html"}
    assert pages[f"{SEED_ID}.html"]["errors"] == 0 and pages["broken-copy.html"]["errors"] >= 1
    assert "json-malformed" in (out / "garbage.html").read_text(encoding="utf-8")
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{name}"' in index for name in pages)
    before = (out / "index.html").stat().st_mtime_ns
    again = runner.invoke(app, args)
    assert again.exit_code == 1 and "refusing to overwrite" in again.output
    assert (out / "index.html").stat().st_mtime_ns == before
    assert invoke([*args, "--force"]).exit_code == 0


def test_review_command_usage_errors_exit_2(tmp_path):
    assert invoke(["review", "--root", str(REPO)]).exit_code == 2  # --out missing
    result = invoke(["review", str(tmp_path / "nope.json"), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2 and "nope.json" in result.output
    (tmp_path / "file").write_text("x")
    assert invoke(["review", "--root", str(REPO), "--out", str(tmp_path / "file")]).exit_code == 2


def test_review_human_output_names_each_page(tmp_path):
    result = invoke(["review", "--root", str(REPO), "--out", str(tmp_path)], terminal_width=200)
    assert result.exit_code == 0 and f"{SEED_ID}.html" in result.output and "index.html" in result.output


def test_review_without_the_review_extra_names_the_extra_to_install(tmp_path):
    out = tmp_path / "site"
    code = ("import sys; sys.modules['jinja2'] = None; from newsspan.cli import main; "  # as if jinja2 were missing
            f"sys.argv = ['newsspan', 'review', '--root', {str(REPO)!r}, '--out', {str(out)!r}]; main()")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1, result.stderr
    assert "needs jinja2" in result.stderr and "pip install 'newsspan[review]'" in result.stderr
    assert "Traceback" not in result.stderr and not out.exists()


# --- a real browser ------------------------------------------------------------------------

@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("review")
    write_review(Corpus(REPO), [Corpus(REPO).annotation_path(SEED_ID)], out)
    return out


TEXT_WITHOUT_CHIPS = """() => {
  const copy = document.querySelector('.doc-text').cloneNode(true);
  copy.querySelectorAll('.ann').forEach(chip => chip.remove());
  return copy.textContent;
}"""


class Watched:
    """A page plus everything it did that a review page must not do."""

    def __init__(self, browser: Any, width: int = 1280, **context_options: Any):
        self.context = browser.new_context(viewport={"width": width, "height": 900}, **context_options)
        self.page = self.context.new_page()
        self.dialogs: list[str] = []
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: Path) -> Any:
        self.page.goto(path.as_uri())
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser) -> Iterator[Watched]:
    w = Watched(browser)
    yield w
    w.close()


@pytest.mark.browser
def test_browser_shows_one_highlight_per_annotation_and_layers_toggle(watched, site, seed_document):
    doc, text = seed_document
    page = watched.open(site / f"{SEED_ID}.html")
    assert page.evaluate(TEXT_WITHOUT_CHIPS) == text
    for layer in LAYERS:
        assert page.locator(f".doc-text .ann[data-layer={layer}]").count() == len(doc[layer])
        keys = page.eval_on_selector_all(f".doc-text .u.{layer}:not(.sub)",
                                         "els => [...new Set(els.map(e => e.dataset.k))]")
        assert sorted(keys) == sorted(s["id"] for s in doc[layer])
    visible = "sel => [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length > 0).length"
    underlined = ("sel => [...document.querySelectorAll(sel)].filter(e => getComputedStyle(e).textDecorationLine "
                 "=== 'underline').length")
    lines = {layer: page.locator(f".doc-text .u.{layer}").count() for layer in LAYERS}
    assert all(lines.values()) and page.evaluate(underlined, ".doc-text .u") == sum(lines.values())
    page.get_by_label("Entities").uncheck()
    assert page.evaluate(visible, ".doc-text .ann.entities") == 0
    assert page.evaluate(underlined, ".doc-text .u.entities") == 0
    assert page.evaluate(visible, ".doc-text .ann.claims") == len(doc["claims"])
    assert page.evaluate(underlined, ".doc-text .u.claims") == lines["claims"]
    page.get_by_label("Entities").check()
    assert page.evaluate(visible, ".doc-text .ann.entities") == len(doc["entities"])
    assert page.evaluate(underlined, ".doc-text .u.entities") == lines["entities"]
    assert watched.errors == [] and watched.requests == [(site / f"{SEED_ID}.html").as_uri()]


@pytest.mark.browser
def test_browser_tooltips_show_id_label_and_attributes(watched, site, seed_document):
    doc, _ = seed_document
    page = watched.open(site / f"{SEED_ID}.html")
    q1 = doc["quotations"][0]
    speaker = next(e for e in doc["entities"] if e["id"] == q1["speaker"])
    page.hover("#q1")
    tip = page.locator("#tip-q1")
    assert tip.is_visible()
    shown = tip.inner_text()
    for expected in ("q1", q1["form"], q1["cue"]["text"], q1["source"]["text"], speaker["id"], speaker["text"]):
        assert expected in shown
    assert page.locator(f".seg.rel[data-a~='{speaker['id']}']").count() > 0  # the speaker is tinted too
    date = next(d for d in doc["dates"] if d["anchor"] == "dct")
    page.hover(f"#{date['id']}")
    shown = page.locator(f"#tip-{date['id']}").inner_text()
    assert date["value"] in shown and date["type"] in shown and "dct" in shown
    claim = next(c for c in doc["claims"] if c["claimant"])
    page.hover(f"#{claim['id']}")
    shown = page.locator(f"#tip-{claim['id']}").inner_text()
    assert "Check-worthy" in shown and claim["type"] in shown and claim["claimant"] in shown
    box = page.locator(f"#tip-{claim['id']}").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1280


@pytest.mark.browser
def test_browser_keyboard_focus_reaches_spans_and_shows_their_tooltip(watched, site, seed_document):
    doc, _ = seed_document
    page = watched.open(site / f"{SEED_ID}.html")
    for _ in range(12):  # skip link, back link, source link, five checkboxes, then the first chip
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('ann')"):
            break
    focused = page.evaluate("document.activeElement.id")
    assert focused == doc["entities"][0]["id"]
    assert page.locator(f"#tip-{focused}").is_visible()
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("none", "")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('ann')")


@pytest.mark.browser
def test_browser_ids_jump_to_spans_and_tables_sort(watched, site, seed_document):
    doc, _ = seed_document
    page = watched.open(site / f"{SEED_ID}.html")
    speaker = doc["quotations"][0]["speaker"]
    page.locator(f"#tbl-quotations a[href='#{speaker}']").first.click()
    assert page.evaluate("location.hash") == f"#{speaker}"
    assert page.locator(f"#{speaker}").evaluate("e => { const r = e.getBoundingClientRect(); "
                                                "return r.top >= 0 && r.bottom <= innerHeight; }")
    first_column = "#tbl-entities tbody tr td:first-child"
    header = page.locator("#tbl-entities thead button", has_text="start")
    header.click()
    header.click()  # descending
    starts = page.eval_on_selector_all("#tbl-entities tbody tr td:nth-child(2)", "els => els.map(e => +e.textContent)")
    assert starts == sorted((e["start"] for e in doc["entities"]), reverse=True)
    page.locator("#tbl-entities thead th").first.locator("button").click()
    ids = page.eval_on_selector_all(first_column, "els => els.map(e => e.textContent)")
    assert ids == [e["id"] for e in sorted(doc["entities"], key=lambda e: int(e["id"][1:]))]  # e2 before e10


@pytest.mark.browser
def test_browser_phone_width_has_no_horizontal_overflow_and_screenshots(browser, site, tmp_path):
    w = Watched(browser, width=390)
    try:
        page = w.open(site / f"{SEED_ID}.html")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        page.hover(".doc-text .ann >> nth=5")
        tip = page.locator(".tip:visible").bounding_box()
        assert tip["x"] >= 0 and tip["x"] + tip["width"] <= 390
        shot = tmp_path / "phone.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 10_000
    finally:
        w.close()


@pytest.mark.browser
def test_browser_index_links_to_each_page(watched, site):
    page = watched.open(site / "index.html")
    page.locator("#tbl-documents a").first.click()
    assert page.url.endswith(f"{SEED_ID}.html") and page.locator(".doc-text").is_visible()


@pytest.mark.browser
@pytest.mark.parametrize("bypass_csp", [False, True], ids=["with-csp", "escaping-alone"])
def test_browser_xss_fixture_runs_nothing_and_shows_the_markup_as_text(browser, tmp_path, bypass_csp):
    corpus = Corpus(XSS_ROOT)
    doc, text = load(XSS_ROOT, "xss-fixture")
    write_review(corpus, corpus.annotation_files(), tmp_path)
    w = Watched(browser, bypass_csp=bypass_csp)
    try:
        page = w.open(tmp_path / "xss-fixture.html")
        assert page.locator("body").is_visible()  # the </style><style>body{display:none} was not applied
        for layer in LAYERS:
            assert page.locator(f".doc-text .ann[data-layer={layer}]").count() == len(doc[layer])
        for chip in ("#e1", "#q1", "#c1", "#c2"):
            page.hover(chip)
        page.keyboard.press("Tab")
        assert w.dialogs == []
        assert page.evaluate("window.__xss") is None
        count = "selector => document.querySelectorAll(selector).length"
        assert page.evaluate(count, "img, svg, iframe, object, embed, [onerror], [onload]") == 0
        assert page.evaluate(count, "script") == 2  # the page's own data block and script
        assert page.evaluate(count, "style") == 1
        assert page.evaluate(count, "b") == page.evaluate(count, ".tip > b, .legend b")  # the page's own only
        shown = page.inner_text(".doc-text")
        for fragment in ("<script>window.__xss = 1; alert('script')</script>", "<img src=x onerror=",
                         "</style><style>body{display:none}</style>", "</script><script>alert(3)</script>",
                         "<svg onload=alert(4)> & &amp; <!-- x -->", "The council of <b>", "</b> agreed."):
            assert fragment in shown
        assert page.evaluate(TEXT_WITHOUT_CHIPS) == text
        assert "<script>alert('title')</script>" in page.inner_text("h1")
        page.hover("#e1")
        assert "</script><script>alert('note')</script><img src=x" in page.locator("#tip-e1").inner_text()
        data = page.evaluate("JSON.parse(document.getElementById('newsspan-data').textContent)")
        assert data["document"] == doc
        assert w.errors == [] or bypass_csp
    finally:
        w.close()


@pytest.mark.browser
def test_browser_diff_page_side_by_side(watched, tmp_path, seed_document):
    a, b, text, disagreements = diff_fixture(seed_document)
    path = tmp_path / "diff.html"
    path.write_text(render_diff_page(text, a, b, disagreements, names=("A", "B")), encoding="utf-8")
    page = watched.open(path)
    assert page.locator("[data-side=a] .ann").count() == sum(len(a[layer]) for layer in LAYERS)
    assert page.locator("[data-side=b] .ann").count() == sum(len(b[layer]) for layer in LAYERS)
    left, right = (page.locator(f"[data-side={s}]").bounding_box() for s in "ab")
    assert left["x"] + left["width"] <= right["x"]  # side by side at 1280px
    page.locator("#tbl-disagreements a[href='#b-e3']").click()
    assert page.evaluate("location.hash") == "#b-e3"
    page.hover("#a-e3")
    assert "PERSON vs ORG" in page.locator("#a-tip-e3").inner_text()
    assert watched.errors == []
