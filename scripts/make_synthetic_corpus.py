"""Write a realistic synthetic newsspan corpus: ``python scripts/make_synthetic_corpus.py N --out DIR``.

Seeded and deterministic: document ``i`` depends only on ``--seed`` and ``i`` (not on ``--jobs``), so
any slice of a large corpus can be regenerated. Each article has 2,000-10,000 characters and
~40-150 spans in all four layers: nested entities (an ORG containing a GPE), direct, indirect and
mixed quotations with source, cue and speaker, TIMEX3 dates (absolute, relative to the document
creation time, ranges with begin/end points, durations, sets, times), and claims of every type,
some made inside quotations. The text uses curly quotes, en dashes, accented names and emoji; a
few seeds use CRLF line ends or a BOM, as received text does. The output has the repository's
layout (``seeds/``, ``annotations/``), so every ``newsspan`` command runs on it with ``--root DIR``,
and every document passes ``newsspan validate``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from newsspan.corpus import Corpus, new_document
from newsspan.model import ID_PREFIX, LAYERS
from newsspan.schema import entity_labels, splits
from newsspan.text import canonical_text, text_sha256

# --- vocabulary ----------------------------------------------------------------------------

#: Names by OntoNotes label (the label set itself is checked against the schema at import time).
NAMES: dict[str, tuple[str, ...]] = {
    "PERSON": ("José Álvarez", "Zoë Brontë", "Łukasz Wróbel", "Nguyễn Thị Minh", "Søren Kierkegård", "Amélie Dubois",
               "Kassym-Jomart Tokayev", "Shehbaz Sharif", "Chiamaka Okafor", "Müller-Lüdenscheidt", "Ana Ferreira",
               "Dmitri Ivanovič", "Aoife Ní Bhriain", "Rafael Nadal", "Björn Ulvaeus", "Çağla Şahin"),
    "NORP": ("Kazakh", "Portuguese", "Brazilian", "Polish", "Vietnamese", "Kenyan", "Québécois", "Catalan"),
    "FAC": ("Heathrow Airport", "the Øresund Bridge", "Estádio do Maracanã", "the Suez Canal", "Terminal 5"),
    "ORG": ("the Ministry of Foreign Affairs", "Banco Santander", "the World Health Organization", "Société Générale",
            "the European Central Bank", "Reuters", "Siemens", "the Asian Development Bank", "Škoda Auto"),
    "GPE": ("Pakistan", "Kazakhstan", "Portugal", "São Paulo", "Kraków", "Hà Nội", "Nairobi", "Zürich", "Astana",
            "Montréal", "Bogotá", "Reykjavík"),
    "LOC": ("Central Asia", "the Danube", "the Atlantic", "the Andes", "Lake Victoria", "the Sahel"),
    "PRODUCT": ("Airbus A350", "iPhone 15", "Falcon 9", "Model Y"),
    "EVENT": ("COP29", "the Paris Olympics", "the Russia–Ukraine war", "Expo 2030"),
    "WORK_OF_ART": ("Cien años de soledad", "The Starry Night", "Amélie"),
    "LAW": ("the Paris Agreement", "the Digital Services Act", "Article 370"),
    "LANGUAGE": ("Portuguese", "Kazakh", "Urdu", "Catalan"),
}
#: Wikidata items for a few places (kb_id is filled only where it is known).
QIDS = {"Pakistan": "Q843", "Kazakhstan": "Q232", "Portugal": "Q45", "Nairobi": "Q3870", "Astana": "Q1520"}
#: Organisations that contain a place name, for nested entities: (text before, GPE, text after).
NESTED_ORGS = (("the Bank of ", "Portugal", ""), ("the University of ", "São Paulo", ""),
               ("", "Kraków", " City Council"), ("the Embassy of ", "Kazakhstan", ""),
               ("", "Zürich", " Insurance Group"), ("the National Assembly of ", "Pakistan", ""))
TITLES = ("President", "Minister", "spokeswoman", "economist", "chief executive", "professor")
PARAGRAPH_BREAKS = ("\n", " ", " ")  # a new paragraph after about every third sentence
EMOJI = ("👍", "😡", "🌍", "📈", "🤝", "🔥")
MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December")
NUMBER_WORDS = ("two", "three", "four", "five", "six", "seven")
FILLERS = (
    "The talks took place behind closed doors, and few details emerged.",
    "Observers said the mood was cautious but constructive – a change from last time.",
    "Readers reacted online with {emoji} and {emoji}, and the hashtag trended for hours.",
    "Details of the agreement’s financing were not disclosed.",
    "Traffic was diverted around the city centre while delegations arrived.",
    "Analysts were split on whether the measures go far enough.",
    "The figures could not be independently verified; officials promised a fuller report.",
    "Local businesses – cafés, kiosks and hotels – expect a busy week.",
)

# --- building blocks -----------------------------------------------------------------------


@dataclass(eq=False)
class Span:
    """A span of one layer, with offsets relative to its fragment until the article is assembled."""

    layer: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)  # values may be other Spans (references)
    subspans: dict[str, tuple[int, int] | None] = field(default_factory=dict)


class Fragment:
    """A sentence under construction: text appended piece by piece, spans recorded as they are written."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[Span] = []

    def add(self, text: str) -> tuple[int, int]:
        start = self.length
        self.parts.append(text)
        self.length += len(text)
        return start, self.length

    def span(self, layer: str, text: str, **attrs: Any) -> Span:
        start, end = self.add(text)
        return self.mark(layer, start, end, **attrs)

    def mark(self, layer: str, start: int, end: int, **attrs: Any) -> Span:
        span = Span(layer, start, end, attrs)
        self.spans.append(span)
        return span

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Writer:
    """Random choices for one article; ``dct`` is its publication date (TIMEX3 document creation time)."""

    def __init__(self, rng: random.Random, dct: dt.date):
        self.rng = rng
        self.dct = dct

    def pick(self, options: tuple[str, ...]) -> str:
        return self.rng.choice(options)

    def entity(self, frag: Fragment, label: str | None = None) -> Span:
        """A named mention; sometimes an organisation with a nested place name."""
        label = label or self.pick(("PERSON", "ORG", "GPE", "GPE", "NORP", "LOC", "FAC", "PRODUCT", "EVENT",
                                    "WORK_OF_ART", "LAW", "LANGUAGE"))
        if label == "ORG" and self.rng.random() < 0.35:
            before, place, after = self.rng.choice(NESTED_ORGS)
            start = frag.length
            frag.add(before)
            self.place(frag, place)
            frag.add(after)
            return frag.mark("entities", start, frag.length, label="ORG")
        name = self.pick(NAMES[label])
        if label == "GPE":
            return self.place(frag, name)
        return frag.span("entities", name, label=label)

    def place(self, frag: Fragment, name: str) -> Span:
        extra = {"kb_id": QIDS[name]} if name in QIDS else {}
        return frag.span("entities", name, label="GPE", **extra)

    def person(self, frag: Fragment) -> Span:
        return self.entity(frag, "PERSON")

    def date(self, frag: Fragment) -> Span:
        """One temporal expression of a random kind, typed and normalised as TIMEX3."""
        day = self.dct + dt.timedelta(days=self.rng.randint(-400, 60))
        kind = self.rng.randrange(7)
        if kind == 0:
            return frag.span("dates", f"{MONTHS[day.month - 1]} {day.day}, {day.year}", type="DATE",
                             value=day.isoformat(), anchor=None)
        if kind == 1:
            return frag.span("dates", "yesterday", type="DATE",
                             value=(self.dct - dt.timedelta(days=1)).isoformat(), anchor="dct")
        if kind == 2:
            return frag.span("dates", "last year", type="DATE", value=str(self.dct.year - 1), anchor="dct")
        if kind == 3:
            n = self.rng.randrange(len(NUMBER_WORDS))
            unit, code = self.rng.choice((("years", "Y"), ("months", "M"), ("weeks", "W"), ("days", "D")))
            if self.rng.random() < 0.3:
                return frag.span("dates", f"about {NUMBER_WORDS[n]} {unit}", type="DURATION",
                                 value=f"P{n + 2}{code}", anchor=None, mod="APPROX")
            return frag.span("dates", f"{NUMBER_WORDS[n]} {unit}", type="DURATION", value=f"P{n + 2}{code}",
                             anchor=None)
        if kind == 4:
            weekday = self.rng.randrange(7)
            name = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")[weekday]
            return frag.span("dates", f"every {name}", type="SET", value=f"XXXX-WXX-{weekday + 1}", anchor=None)
        if kind == 5:
            hour, minute = self.rng.randint(1, 11), self.rng.choice((0, 15, 30, 45))
            return frag.span("dates", f"{hour}:{minute:02d} a.m.", type="TIME",
                             value=f"{self.dct.isoformat()}T{hour:02d}:{minute:02d}", anchor="dct")
        return frag.span("dates", f"the {day.year // 10 * 10}s", type="DATE", value=f"{day.year // 10}X",
                         anchor=None)

    def date_range(self, frag: Fragment) -> None:
        """'a two-day visit on February 3–4': a duration with begin and end points, the bare day anchored."""
        first = self.dct + dt.timedelta(days=self.rng.randint(1, 40))
        frag.add("a ")
        duration = frag.span("dates", "two-day", type="DURATION", value="P2D", anchor=None)
        frag.add(f" {self.pick(('visit', 'summit', 'strike', 'festival'))} on ")
        begin = frag.span("dates", f"{MONTHS[first.month - 1]} {first.day}", type="DATE",
                          value=first.isoformat(), anchor="dct")
        frag.add("–")
        second = first + dt.timedelta(days=1)
        end = frag.span("dates", str(second.day), type="DATE", value=second.isoformat(), anchor=begin)
        duration.attrs.update(begin_point=begin, end_point=end)

    def clause(self, frag: Fragment) -> tuple[int, str]:
        """A claim-like clause with entities and dates inside; returns its start and claim type."""
        start = frag.length
        kind = self.rng.randrange(6)
        if kind == 0:
            self.entity(frag, "GPE")
            frag.add(f"’s exports rose {self.rng.randint(2, 40)}.{self.rng.randint(0, 9)}% to "
                     f"€{self.rng.randint(1, 90)} billion in ")
            frag.span("dates", str(self.dct.year - 1), type="DATE", value=str(self.dct.year - 1), anchor=None)
            return start, "quantity_comparison"
        if kind == 1:
            self.person(frag)
            frag.add(" met ")
            self.person(frag)
            frag.add(" in ")
            self.entity(frag, "GPE")
            frag.add(" on ")
            self.date(frag)
            return start, "event_report"
        if kind == 2:
            self.entity(frag, "ORG")
            frag.add(f" will {self.pick(('cut', 'raise', 'freeze'))} interest rates within ")
            self.date(frag)
            return start, "prediction"
        if kind == 3:
            frag.add(f"the {self.pick(('drought', 'strike', 'flooding'))} in ")
            self.entity(frag, "LOC")
            frag.add(" caused food prices to climb")
            return start, "causation"
        if kind == 4:
            self.entity(frag, "LAW")
            frag.add(" bans the export of raw minerals from ")
            self.entity(frag, "GPE")
            return start, "rules_laws"
        frag.add("the plan is a bold step for ")
        self.entity(frag, "GPE")
        return start, "opinion"

    def claim(self, frag: Fragment, bounds: tuple[int, int], kind: str, claimant: Span | None,
              quotation: Span | None) -> Span:
        """A claim over ``bounds``; opinions are not check-worthy (some still undecided: null; drafts keep those)."""
        undecided = kind == "opinion" and self.rng.random() < 0.3
        return frag.mark("claims", *bounds, checkworthy=None if undecided else kind != "opinion", type=kind,
                         claimant=claimant, quotation=quotation)


# --- sentences -----------------------------------------------------------------------------

def direct_quote(w: Writer, frag: Fragment) -> None:
    """“Clause with emoji,” Person, title of ORG, said on DATE."""
    frag.add("“")
    start, kind = w.clause(frag)
    if w.rng.random() < 0.2:
        frag.add(" " + w.pick(EMOJI))
    quote = frag.mark("quotations", start, frag.length, form="direct")
    frag.add(",” ")
    speaker = w.person(frag)
    frag.add(f", {w.pick(TITLES)} at ")
    w.entity(frag, "ORG")
    frag.add(", ")
    cue = frag.add("said")
    frag.add(" on ")
    w.date(frag)
    frag.add(".")
    quote.attrs.update(speaker=speaker)
    quote.subspans.update(source=(speaker.start, speaker.end), cue=cue)
    w.claim(frag, (quote.start, quote.end), kind, speaker, quote)


def indirect_quote(w: Writer, frag: Fragment) -> None:
    """Person of the ORG said that clause."""
    speaker = w.person(frag)
    frag.add(" of ")
    w.entity(frag, "ORG")
    frag.add(" ")
    cue = frag.add(w.pick(("said", "argued", "told reporters")))
    frag.add(" that ")
    start, kind = w.clause(frag)
    quote = frag.mark("quotations", start, frag.length, form="indirect", speaker=speaker)
    quote.subspans.update(source=(speaker.start, speaker.end), cue=cue)
    frag.add(".")
    w.claim(frag, (quote.start, quote.end), kind, speaker, quote)


def according_to(w: Writer, frag: Fragment) -> None:
    """Clause with a date range, according to a statement from the ORG."""
    start = frag.length
    w.entity(frag, "PERSON")
    frag.add(" will make ")
    w.date_range(frag)
    frag.add(" to ")
    w.entity(frag, "GPE")
    quote = frag.mark("quotations", start, frag.length, form="indirect")
    frag.add(", ")
    cue = frag.add("according to")
    frag.add(" ")
    source_start = frag.length
    frag.add("a statement from ")
    speaker = w.entity(frag, "ORG")
    quote.attrs.update(speaker=speaker)
    quote.subspans.update(source=(source_start, frag.length), cue=cue)
    frag.add(".")
    w.claim(frag, (quote.start, quote.end), "event_report", speaker, quote)


def mixed_quote(w: Writer, frag: Fragment) -> None:
    """The ORG said the visit will provide GPE “an important opportunity” for trade."""
    source = w.entity(frag, "ORG")
    frag.add(" ")
    cue = frag.add("said")
    frag.add(" ")
    start = frag.length
    frag.add("the visit will give ")
    w.entity(frag, "GPE")
    frag.add(f" “an {w.pick(('important', 'historic', 'overdue'))} opportunity to deepen ties” with ")
    w.entity(frag, "GPE")
    quote = frag.mark("quotations", start, frag.length, form="mixed", speaker=source)
    quote.subspans.update(source=(source.start, source.end), cue=cue)
    frag.add(".")


def unattributed_quote(w: Writer, frag: Fragment) -> None:
    """A quoted sentence whose speaker is only implied: no source, no cue, no speaker."""
    frag.add("“")
    start, kind = w.clause(frag)
    frag.add(".")
    quote = frag.mark("quotations", start, frag.length, form="direct", speaker=None)
    quote.subspans.update(source=None, cue=None)
    frag.add("”")
    w.claim(frag, (quote.start, quote.end), kind, None, quote)


def author_claim(w: Writer, frag: Fragment) -> None:
    """A claim the article's author makes, with a NORP mention and a date before it."""
    frag.add("According to ")
    w.entity(frag, "NORP")
    frag.add(" officials, since ")
    w.date(frag)
    frag.add(" ")
    start, kind = w.clause(frag)
    w.claim(frag, (start, frag.length), kind, None, None)
    frag.add(".")


def background(w: Writer, frag: Fragment) -> None:
    """Context with mentions of any label: Coverage of EVENT at FAC mentioned X, Y and Z."""
    frag.add("Coverage of ")
    w.entity(frag, "EVENT")
    frag.add(" at ")
    w.entity(frag, "FAC")
    frag.add(" mentioned ")
    w.entity(frag)
    frag.add(", the ")
    w.entity(frag, "PRODUCT")
    frag.add(" and a ")
    w.entity(frag, "LANGUAGE")
    frag.add(" translation of ")
    w.entity(frag, "WORK_OF_ART")
    frag.add(".")


SENTENCES: tuple[Callable[[Writer, Fragment], None], ...] = (
    direct_quote, indirect_quote, according_to, mixed_quote, unattributed_quote, author_claim, author_claim, background)


def filler(w: Writer) -> Fragment:
    frag = Fragment()
    frag.add(w.pick(FILLERS).format(emoji=w.pick(EMOJI)))
    return frag


# --- articles ------------------------------------------------------------------------------

def article(index: int, seed: int) -> tuple[str, str, bytes, dict[str, Any]]:
    """Document ``index``: its id, seed file name, seed bytes and annotation."""
    rng = random.Random(seed * 1_000_003 + index)
    dct = dt.date(2020, 1, 1) + dt.timedelta(days=rng.randrange(2200))
    w = Writer(rng, dct)
    target_chars = rng.randint(2000, 10000)
    target_spans = 40 + (target_chars - 2000) * 110 // 8000
    dateline = Fragment()
    w.place(dateline, w.pick(NAMES["GPE"]))
    dateline.add(":")
    annotated: list[Fragment] = []
    while sum(len(f.spans) for f in annotated) < target_spans - 2:
        frag = Fragment()
        rng.choice(SENTENCES)(w, frag)
        annotated.append(frag)
    fillers = [filler(w) for _ in range(max(0, (target_chars - sum(f.length + 1 for f in annotated)) // 70))]
    body = annotated + fillers
    rng.shuffle(body)
    text, spans = assemble(rng, [dateline, *body])
    doc_id = f"synth-{index:06d}"
    seed_file = f"{index:06d}_{text_sha256(text)[:16]}.txt"
    doc = new_document(doc_id, seed_file, text, split=rng.choice(splits()))
    fill_metadata(doc, rng, dct, dateline)
    doc.update(resolve(spans, text))
    if doc["annotation"]["status"] != "draft":  # undecided claims in drafts only (guidelines §C6)
        for claim in doc["claims"]:
            claim["checkworthy"] = bool(claim["checkworthy"])
    return doc_id, seed_file, encode_seed(rng, text), doc


def assemble(rng: random.Random, fragments: list[Fragment]) -> tuple[str, list[Span]]:
    """Join fragments into paragraphs (the dateline opens the first) and move spans to text offsets."""
    pieces: list[str] = []
    spans: list[Span] = []
    offset = 0
    for number, frag in enumerate(fragments):
        sep = ("", " ")[number] if number < 2 else rng.choice(PARAGRAPH_BREAKS)
        pieces.append(sep)
        offset += len(sep)
        for span in frag.spans:
            span.start += offset
            span.end += offset
            span.subspans = {k: None if v is None else (v[0] + offset, v[1] + offset) for k, v in span.subspans.items()}
            spans.append(span)
        pieces.append(frag.text)
        offset += frag.length
    return "".join(pieces), spans


def resolve(spans: list[Span], text: str) -> dict[str, list[dict[str, Any]]]:
    """The four layers: ids in text order, references from Span objects to ids, sub-spans as objects."""
    layers: dict[str, list[Span]] = {layer: [] for layer in LAYERS}
    for span in spans:
        layers[span.layer].append(span)
    ids: dict[int, str] = {}
    for layer, items in layers.items():
        items.sort(key=lambda s: (s.start, -s.end))
        for number, span in enumerate(items, 1):
            ids[id(span)] = f"{ID_PREFIX[layer]}{number}"

    def value(v: Any) -> Any:
        return ids[id(v)] if isinstance(v, Span) else v

    out: dict[str, list[dict[str, Any]]] = {}
    for layer, items in layers.items():
        out[layer] = []
        for span in items:
            item: dict[str, Any] = {"id": ids[id(span)], "start": span.start, "end": span.end,
                                    "text": text[span.start:span.end]}
            item.update({k: value(v) for k, v in span.attrs.items()})
            for name, sub in span.subspans.items():
                item[name] = None if sub is None else {"start": sub[0], "end": sub[1], "text": text[sub[0]:sub[1]]}
            out[layer].append(item)
    return out


def fill_metadata(doc: dict[str, Any], rng: random.Random, dct: dt.date, dateline: Fragment) -> None:
    """Known metadata (publisher, url, date), fixed annotation dates (so output is deterministic)."""
    meta = doc["metadata"]
    number = rng.randrange(10**6)
    meta.update(title=f"Synthetic report {number}", publisher="Synthetic Wire", url=f"https://example.org/news/{number}",
                license=rng.choice(("CC-BY-4.0", "unknown")))
    meta["published"].update(date=dct.isoformat(), earliest=dct.isoformat(), latest=dct.isoformat(),
                             evidence=[{"fact": "Generated by scripts/make_synthetic_corpus.py.",
                                        "source": "newsspan synthetic corpus"}])
    place = dateline.spans[0]
    meta["dateline"] = {"start": place.start, "end": place.end, "text": dateline.text[place.start:place.end]}
    created = dct + dt.timedelta(days=rng.randint(1, 30))
    modified = created + dt.timedelta(days=rng.randint(0, 30))
    doc["annotation"].update(status=rng.choice(("draft", "reviewed", "adjudicated")),
                             created=created.isoformat(), modified=modified.isoformat())


def encode_seed(rng: random.Random, text: str) -> bytes:
    """The seed as received: UTF-8 with a final newline; a few with CRLF line ends or a BOM."""
    raw = text + "\n"
    roll = rng.random()
    if roll < 0.05:
        raw = raw.replace("\n", "\r\n")
    elif roll < 0.08:
        raw = "\ufeff" + raw
    data = raw.encode("utf-8")
    assert canonical_text(data) == text
    return data


# --- writing -------------------------------------------------------------------------------

def write_range(out: str, seed: int, start: int, stop: int) -> int:
    """Write documents ``start..stop-1`` under ``out``; returns how many were written."""
    corpus = Corpus(Path(out))
    for index in range(start, stop):
        doc_id, seed_file, data, doc = article(index, seed)
        write_new(corpus.seed_path(seed_file), data)
        write_new(corpus.annotation_path(doc_id), annotation_bytes(doc))
    return stop - start


def write_new(path: Path, data: bytes) -> None:
    """Create ``path`` (exclusive: never overwrites). The output is a fresh, disposable folder, so unlike
    ``files.atomic_write_bytes`` there is no fsync per file: 200,000 fsyncs would dominate the run."""
    with open(path, "xb") as handle:
        handle.write(data)


def annotation_bytes(doc: dict[str, Any]) -> bytes:
    """The repository's JSON style (byte-identical to ``files.dump_json``, which tests check), 10x faster."""
    return orjson.dumps(doc, option=orjson.OPT_INDENT_2) + b"\n"


def chunks(total: int, size: int) -> Iterator[tuple[int, int]]:
    for start in range(0, total, size):
        yield start, min(total, start + size)


def generate(count: int, out: Path, *, seed: int = 0, jobs: int = 1) -> None:
    """Write ``count`` documents under ``out`` (which must not already hold annotations)."""
    corpus = Corpus(out)
    if corpus.annotations_dir.exists() and any(corpus.annotations_dir.iterdir()):
        raise FileExistsError(f"{corpus.annotations_dir}: already holds annotations; refusing to overwrite")
    corpus.seeds_dir.mkdir(parents=True, exist_ok=True)
    corpus.annotations_dir.mkdir(parents=True, exist_ok=True)
    if jobs <= 1:
        write_range(str(out), seed, 0, count)
        return
    with ProcessPoolExecutor(jobs) as pool:
        ranges = list(chunks(count, 500))
        list(pool.map(write_range, [str(out)] * len(ranges), [seed] * len(ranges), *zip(*ranges, strict=True)))


def _check_vocabulary() -> None:
    """The name pools are keyed by exactly the schema's entity labels (tests check the other label sets)."""
    if set(NAMES) != set(entity_labels()):
        raise SystemExit(f"NAMES must cover exactly the schema's entity labels {entity_labels()}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("count", type=int, help="number of documents")
    parser.add_argument("--out", type=Path, required=True, help="corpus root to create (seeds/, annotations/)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    args = parser.parse_args(argv)
    _check_vocabulary()
    began = time.perf_counter()
    try:
        generate(args.count, args.out, seed=args.seed, jobs=args.jobs)
    except FileExistsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.count} documents to {args.out} in {time.perf_counter() - began:.1f} s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
