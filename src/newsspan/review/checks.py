"""Consistency checks a careful reviewer would want (``newsspan check``).

Validation (``newsspan.validation``) says whether a document *may* be right; these checks point at places
where it is *probably* wrong: a name annotated once and missed elsewhere, the same string with two
labels, titles inside PERSON spans, quoted text without a quotation, dates whose anchor cannot be
resolved, undecided claims, span boundaries inside a word or inside one character, the same article
annotated twice. Each warning has a stable code (:data:`CODES`), a JSON pointer (or
``/text/START-END`` for a stretch of text that has no span), a message and a suggestion.

:func:`check_document` looks at one document; :func:`check_corpus` adds the warnings that need the
other documents (a string annotated in one document but not in another, or labelled differently, or
the same text twice).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..model import LAYERS, SUBSPANS
from ..validation.problems import Problem, codes, pointer
from .boundaries import TextBoundaries, describe_cluster

#: Every warning code, with what it means (from the one catalogue, ``newsspan.validation.REGISTRY``).
CODES: dict[str, str] = codes("check")

#: Titles and roles that stay outside PERSON spans (§E2); matched case-insensitively as whole words.
TITLES: tuple[str, ...] = (
    "President", "Vice President", "Prime Minister", "Minister", "Premier", "Deputy", "Chancellor",
    "Secretary", "Ambassador", "Governor", "Senator", "Sen.", "Mayor", "King", "Queen", "Prince",
    "Princess", "Sheikh", "Emir", "General", "Gen.", "Colonel", "Col.", "Captain", "Capt.", "Judge",
    "Justice", "Chairman", "Chairwoman", "Chief", "Minister", "Mr", "Mr.", "Mrs", "Mrs.", "Ms", "Ms.",
    "Dr", "Dr.", "Prof.", "Professor", "Sir", "Dame", "Pope", "Rep.",
)

OPENING_MARKS = "“\"«„‘'"
CLOSING_MARKS = "”\"»’'"
_DOUBLE_MARKS = "“”\"«»„"
_EDGE_PUNCTUATION = ",;:!?“”\"«»"
_POSSESSIVE = re.compile(r"['’]s$")
_LEADING_ARTICLE = re.compile(r"^the\s", re.IGNORECASE)
_TITLE = re.compile(
    r"(?<!\w)(?:" + "|".join(re.escape(t) for t in sorted(set(TITLES), key=len, reverse=True)) + r")(?!\w)\s+\S",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True, order=True)
class ConsistencyWarning(Problem):
    """One consistency warning: a :class:`Problem` (where, stable code, what looks wrong) plus what to do about it."""

    suggestion: str


def text_pointer(start: int, end: int) -> str:
    """Pointer to a stretch of the canonical text that has no span of its own."""
    return f"/text/{start}-{end}"


def _quote(text: str, limit: int = 50) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


# --- mentions: strings annotated somewhere -----------------------------------------------

def _is_word_char(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


class MentionIndex:
    """Finds occurrences of many strings in a text, on word boundaries, case-sensitively.

    Strings are indexed by their first word, so the cost grows with the text, not with the number of
    strings (a cross-corpus lexicon stays cheap). Strings starting with punctuation are not indexed.
    """

    def __init__(self, strings: Iterable[str]):
        """Index ``strings`` (duplicates dropped) by their first word; strings not starting with one are skipped."""
        self._by_first_word: dict[str, list[str]] = defaultdict(list)
        for string in sorted(set(strings)):
            first = _WORD.match(string)
            if first:
                self._by_first_word[first.group()].append(string)

    def find(self, text: str) -> Iterator[tuple[str, int, int]]:
        """Every occurrence ``(string, start, end)`` in ``text``, in text order."""
        for word in _WORD.finditer(text):
            for string in self._by_first_word.get(word.group(), ()):
                start, end = word.start(), word.start() + len(string)
                if not text.startswith(string, start):
                    continue
                if end == len(text) or not (_is_word_char(string[-1]) and _is_word_char(text[end])):
                    yield string, start, end


def find_mentions(text: str, strings: Iterable[str]) -> Iterator[tuple[str, int, int]]:
    """Every occurrence ``(string, start, end)`` of ``strings`` in ``text`` on word boundaries."""
    return MentionIndex(strings).find(text)


def _uncovered(entities: list[dict[str, Any]], start: int, end: int) -> bool:
    """True when no entity has these offsets and none longer contains them."""
    return not any(e["start"] <= start and end <= e["end"] for e in entities)


def _lexicon(doc: dict[str, Any]) -> dict[str, list[int]]:
    """Entity text -> indexes of the entities with that text."""
    found: dict[str, list[int]] = defaultdict(list)
    for index, entity in enumerate(doc["entities"]):
        found[entity["text"]].append(index)
    return found


def unannotated_mentions(doc: dict[str, Any], text: str, file: str) -> Iterator[ConsistencyWarning]:
    """Occurrences of a string annotated elsewhere in the document, with no entity over them."""
    lexicon = _lexicon(doc)
    for string, start, end in find_mentions(text, lexicon):
        if _uncovered(doc["entities"], start, end):
            example = lexicon[string][0]
            label = doc["entities"][example]["label"]
            yield ConsistencyWarning(
                file, text_pointer(start, end), "unannotated-mention",
                f"{_quote(string)} is annotated as {label} at {pointer('entities', example)} but not here",
                f"annotate it as {label} (§G5), or note in the guidelines why this occurrence is not a name",
            )


def _majority_label(entities: list[dict[str, Any]], indexes: list[int]) -> tuple[str, Counter[str]]:
    """The most frequent label of these entities (ties: the earliest), and the label counts."""
    counts = Counter(entities[i]["label"] for i in indexes)
    first_seen = {entities[i]["label"]: n for n, i in reversed(list(enumerate(indexes)))}
    return max(counts, key=lambda label: (counts[label], -first_seen[label])), counts


def label_conflicts(doc: dict[str, Any], text: str, file: str) -> Iterator[ConsistencyWarning]:
    """Spans whose label differs from the label the same string mostly has in the document."""
    entities = doc["entities"]
    for string, indexes in _lexicon(doc).items():
        majority, counts = _majority_label(entities, indexes)
        if len(counts) < 2:
            continue
        example = next(i for i in indexes if entities[i]["label"] == majority)
        tally = ", ".join(f"{label} {n}×" for label, n in counts.most_common())
        for index in indexes:
            if entities[index]["label"] != majority:
                yield ConsistencyWarning(
                    file, pointer("entities", index), "label-conflict",
                    f"{_quote(string)} is {entities[index]['label']} here but {majority} at "
                    f"{pointer('entities', example)} ({tally} in this document)",
                    "use one label for the same string and sense, or explain the difference in a note",
                )


# --- span boundaries ---------------------------------------------------------------------

def boundary_warnings(doc: dict[str, Any], text: str, file: str) -> Iterator[ConsistencyWarning]:
    """Possessives, titles, leading 'the' and edge punctuation inside entity spans."""
    for index, entity in enumerate(doc["entities"]):
        where, covered = pointer("entities", index), entity["text"]
        if _POSSESSIVE.search(covered):
            yield ConsistencyWarning(file, where, "entity-possessive",
                                     f"{_quote(covered)} includes the possessive {covered[-2:]!r}",
                                     f"end the span before {covered[-2:]!r} (§E3)")
        if entity["label"] == "PERSON" and (title := _TITLE.search(covered)):
            word = title.group().rsplit(None, 1)[0]
            yield ConsistencyWarning(file, where, "entity-title",
                                     f"PERSON {_quote(covered)} includes the title {word!r}",
                                     "start the span at the name; the title stays outside (§E2)")
        if _LEADING_ARTICLE.match(covered):
            yield ConsistencyWarning(file, where, "entity-leading-article",
                                     f"{_quote(covered)} starts with {covered.split()[0]!r}",
                                     "start the span after the article, unless 'The' is part of the name (§E6)")
        if covered[0] in _EDGE_PUNCTUATION or covered[-1] in _EDGE_PUNCTUATION:
            yield ConsistencyWarning(file, where, "entity-edge-punctuation",
                                     f"{_quote(covered)} starts or ends with punctuation",
                                     "keep sentence punctuation and quotation marks outside the span (§G2)")


def span_edges(doc: dict[str, Any]) -> Iterator[tuple[str, str, str, int, int]]:
    """Every span boundary: (pointer to the offset, the span's name, ``start``/``end``, offset, other end).

    Spans of all four layers and the quotations' source and cue (named ``q1 source``).
    """
    for layer in LAYERS:
        for index, item in enumerate(doc[layer]):
            parts: list[tuple[tuple[str | int, ...], str, dict[str, Any]]] = [((layer, index), item["id"], item)]
            parts += [((layer, index, role), f"{item['id']} {role}", item[role])
                      for role in SUBSPANS.get(layer, ()) if isinstance(item.get(role), dict)]
            for path, name, span in parts:
                yield pointer(*path, "start"), name, "start", span["start"], span["end"]
                yield pointer(*path, "end"), name, "end", span["end"], span["start"]


def _move(edge: str, whole: int, without: int, other: int, what: str) -> str:
    """How to fix a boundary: move it to ``whole`` (taking all of ``what`` into the span) or to ``without``
    (leaving it out; offered only when the span, whose other end is ``other``, stays non-empty)."""
    keeps_text = without < other if edge == "start" else without > other
    return f"set {edge} to {whole} to take the whole {what}" + (f", or to {without} to leave it out" if keeps_text
                                                               else "")


def _outside_words(bounds: TextBoundaries, offset: int, forward: bool) -> int:
    """``offset``, or when it cuts a word, that word's end (``forward``) or start."""
    word = bounds.word_around(offset)
    return offset if word is None else word[1] if forward else word[0]


def _grapheme_fix(bounds: TextBoundaries, edge: str, cluster: tuple[int, int], other: int) -> str:
    """Move a boundary out of a cluster, and out of the word around it if there is one."""
    start, end = cluster
    before, after = _outside_words(bounds, start, False), _outside_words(bounds, end, True)
    what = "character" if (before, after) == cluster else "word"
    whole, without = (before, after) if edge == "start" else (after, before)
    return _move(edge, whole, without, other, what)


def cut_warnings(doc: dict[str, Any], text: str, file: str) -> Iterator[ConsistencyWarning]:
    """Span boundaries inside a grapheme cluster, or (between clusters) inside a word."""
    bounds = TextBoundaries(text)
    for where, name, edge, offset, other in span_edges(doc):
        if not bounds.is_cluster_boundary(offset):
            start, end = bounds.cluster_around(offset)
            yield ConsistencyWarning(
                file, where, "span-splits-grapheme",
                f"{name} {edge}s at {offset}, inside {_quote(text[start:end])} at {start}–{end}: "
                f"{describe_cluster(text[start:end])}, one character to a reader",
                _grapheme_fix(bounds, edge, (start, end), other),
            )
        elif word := bounds.word_around(offset):
            whole, without = word if edge == "start" else word[::-1]
            yield ConsistencyWarning(
                file, where, "span-cuts-word",
                f"{name} {edge}s at {offset}, inside the word {_quote(text[word[0]:word[1]])} at {word[0]}–{word[1]}",
                _move(edge, whole, without, other, "word"),
            )


# --- quotations --------------------------------------------------------------------------

def quoted_stretches(text: str) -> Iterator[tuple[int, int]]:
    """Stretches ``(start, end)`` enclosed in double quotation marks, marks included.

    Curly marks pair “ with ”; straight marks pair in turn within a paragraph. An unclosed mark runs to
    the end of its paragraph (quotations continued over paragraphs), a stray closing mark from the
    paragraph's start. Single quotes are not considered: ’ is also the apostrophe.
    """
    offset = 0
    for paragraph in text.split("\n"):
        yield from ((offset + s, offset + e) for s, e in _paragraph_stretches(paragraph))
        offset += len(paragraph) + 1


def _paragraph_stretches(paragraph: str) -> Iterator[tuple[int, int]]:
    curly: int | None = None
    straight: int | None = None
    for i, ch in enumerate(paragraph):
        if ch in "“«":
            if curly is not None:
                yield curly, i
            curly = i
        elif ch in "”»":
            yield (0 if curly is None else curly), i + 1
            curly = None
        elif ch == '"':
            if straight is None:
                straight = i
            else:
                yield straight, i + 1
                straight = None
    for opened in (curly, straight):
        if opened is not None:
            yield opened, len(paragraph)


def quotation_warnings(doc: dict[str, Any], text: str, file: str) -> Iterator[ConsistencyWarning]:
    """Quoted text without a quotation; direct/indirect forms that contradict the marks; no attribution."""
    quotations = doc["quotations"]
    for start, end in quoted_stretches(text):
        if not any(q["start"] < end and start < q["end"] for q in quotations):
            yield ConsistencyWarning(
                file, text_pointer(start, end), "quote-unannotated",
                f"{_quote(text[start:end])} is in quotation marks but no quotation covers it",
                "annotate the quotation (§Q1), unless the marks enclose a title or a scare quote",
            )
    for index, q in enumerate(quotations):
        yield from _form_warnings(file, pointer("quotations", index), q, text)
        if q["speaker"] is None and q["source"] is None:
            yield ConsistencyWarning(
                file, pointer("quotations", index), "quotation-unattributed",
                f"quotation {q['id']} has neither a speaker nor a source",
                "mark the source phrase, or resolve the speaker from the context (§Q4)",
            )


def _form_warnings(file: str, where: str, q: dict[str, Any], text: str) -> Iterator[ConsistencyWarning]:
    before, after = text[max(0, q["start"] - 2): q["start"]], text[q["end"]: q["end"] + 2]
    marked = any(c in OPENING_MARKS for c in before) and any(c in CLOSING_MARKS for c in after)
    if q["form"] == "direct" and not marked:
        yield ConsistencyWarning(file, where, "direct-without-marks",
                                 f"direct quotation {q['id']} is not enclosed in quotation marks",
                                 "check the span's boundaries (marks stay just outside), or use indirect (§Q2)")
    if q["form"] == "indirect" and any(c in _DOUBLE_MARKS for c in q["text"]):
        yield ConsistencyWarning(file, where, "indirect-with-marks",
                                 f"indirect quotation {q['id']} contains quotation marks",
                                 "use mixed for a paraphrase with a verbatim fragment (§Q3)")


# --- dates and claims --------------------------------------------------------------------

def _dct_known(doc: dict[str, Any]) -> bool:
    published = doc["metadata"]["published"]
    return any(published.get(key) for key in ("date", "earliest", "latest"))


def _anchor_problem(doc: dict[str, Any], index: int) -> str | None:
    """Why the anchor chain of a relative date does not resolve, or None when it does (or is absolute)."""
    dates = {d["id"]: d for d in doc["dates"]}
    date, seen = doc["dates"][index], set()
    if date["anchor"] is None:
        underspecified = "X" in date["value"] and date["type"] not in ("SET", "DURATION")
        return "its anchor is null" if underspecified else None
    while date["anchor"] is not None:
        anchor = date["anchor"]
        if anchor == "dct":  # with no DCT, a value left unresolved (X, *_REF) is the honest one (§D13)
            honest = "X" in doc["dates"][index]["value"] or doc["dates"][index]["value"].endswith("_REF")
            return None if _dct_known(doc) or honest else \
                "it is anchored to dct but metadata.published has no date or bounds"
        if anchor in seen or anchor not in dates:
            return f"the anchor chain loops at {anchor}"
        seen.add(anchor)
        date = dates[anchor]
    return None


def date_warnings(doc: dict[str, Any], text: str, file: str) -> Iterator[ConsistencyWarning]:
    """Relative dates whose anchor chain does not reach a known date."""
    for index, date in enumerate(doc["dates"]):
        problem = _anchor_problem(doc, index)
        if problem:
            yield ConsistencyWarning(
                file, pointer("dates", index, "anchor"), "date-unresolvable-anchor",
                f"{date['id']} {_quote(date['text'])} = {date['value']} is relative but {problem}",
                "set the anchor (dct or the date it depends on) and give metadata.published a date or bounds (§D2)",
            )


def claim_warnings(doc: dict[str, Any], text: str, file: str) -> Iterator[ConsistencyWarning]:
    """Undecided claims, and claims inside a quotation that do not link to it."""
    for index, claim in enumerate(doc["claims"]):
        if claim["checkworthy"] is None:
            yield ConsistencyWarning(file, pointer("claims", index, "checkworthy"), "claim-undecided",
                                     f"claim {claim['id']} has no check-worthiness decision",
                                     "decide true or false before the document leaves draft (§C2, §C3, §C6)")
        if claim.get("quotation") is None:
            inside = [q for q in doc["quotations"] if q["start"] <= claim["start"] and claim["end"] <= q["end"]]
            if inside:
                yield ConsistencyWarning(
                    file, pointer("claims", index, "quotation"), "claim-quotation-unlinked",
                    f"claim {claim['id']} lies inside quotation {inside[0]['id']} but links to no quotation",
                    f"set quotation to {inside[0]['id']!r} and claimant to its speaker (§C5)",
                )


# --- entry points ------------------------------------------------------------------------

DOCUMENT_CHECKS: tuple[Callable[[dict[str, Any], str, str], Iterable[ConsistencyWarning]], ...] = (
    unannotated_mentions, label_conflicts, boundary_warnings, cut_warnings, quotation_warnings, date_warnings,
    claim_warnings,
)


def _position(warning: ConsistencyWarning) -> tuple[Any, ...]:
    """Sort key: file, then pointer with numbers compared as numbers (/entities/2 before /entities/10)."""
    parts = re.split(r"(\d+)", warning.pointer)
    return (warning.file, [int(p) if p.isdigit() else p for p in parts], warning.code)


def check_document(doc: dict[str, Any], text: str, file: str = "") -> list[ConsistencyWarning]:
    """Warnings for one valid document, sorted by pointer."""
    found = [w for check in DOCUMENT_CHECKS for w in check(doc, text, file)]
    return sorted(set(found), key=_position)


@dataclass
class _Usage:
    """Where a string is annotated across the corpus: label counts and a first example per label."""

    labels: Counter[str]
    example: dict[str, tuple[str, str]]


def _corpus_usage(corpus: Corpus, files: list[Path]) -> dict[str, dict[str, _Usage]]:
    """Entity text -> file -> its usage in that file."""
    usage: dict[str, dict[str, _Usage]] = defaultdict(dict)
    for path in files:
        doc, _ = corpus.load(path)
        for index, entity in enumerate(doc["entities"]):
            entry = usage[entity["text"]].setdefault(str(path), _Usage(Counter(), {}))
            entry.labels[entity["label"]] += 1
            entry.example.setdefault(entity["label"], (str(path), pointer("entities", index)))
    return usage


def _elsewhere(usage: dict[str, _Usage], file: str) -> dict[str, tuple[str, str]]:
    """Label -> first (file, pointer) example of a string's use in the other files."""
    found: dict[str, tuple[str, str]] = {}
    for other, entry in sorted(usage.items()):
        if other != file:
            for label, example in entry.example.items():
                found.setdefault(label, example)
    return found


def _cross_document(doc: dict[str, Any], text: str, file: str,
                    usage: dict[str, dict[str, _Usage]], index: MentionIndex) -> Iterator[ConsistencyWarning]:
    lexicon = _lexicon(doc)
    for string, start, end in index.find(text):
        if string not in lexicon and _uncovered(doc["entities"], start, end):
            label, (other, where) = next(iter(_elsewhere(usage[string], file).items()))
            yield ConsistencyWarning(
                file, text_pointer(start, end), "unannotated-mention",
                f"{_quote(string)} is annotated as {label} in {other} ({where}) but not here",
                f"annotate it as {label} (§G5), or note in the guidelines why this occurrence is not a name",
            )
    for string, indexes in lexicon.items():
        labels = {doc["entities"][i]["label"] for i in indexes}
        others = {k: v for k, v in _elsewhere(usage[string], file).items() if k not in labels}
        if len(labels) == 1 and others:  # several labels within the document: check_document reports it
            label, (other, where) = next(iter(others.items()))
            yield ConsistencyWarning(
                file, pointer("entities", indexes[0]), "label-conflict",
                f"{_quote(string)} is {labels.pop()} in this document but {label} in {other} ({where})",
                "use one label for the same string and sense across the corpus, or explain the difference in a note",
            )


def check_corpus(corpus: Corpus, paths: Iterable[Path] = ()) -> list[ConsistencyWarning]:
    """Cross-document warnings for valid annotation files (default: all of the corpus).

    Only what needs other documents: a string annotated in another document but not in this one, a
    string labelled differently in another document, and a text already annotated in an earlier file
    (files in sorted order). :func:`check_document` reports the rest.
    """
    files = corpus.annotation_files(paths)
    usage = _corpus_usage(corpus, files)
    index = MentionIndex(usage)
    found: list[ConsistencyWarning] = []
    first_with: dict[str, tuple[str, str]] = {}  # text SHA-256 -> (file, id) of its first document
    for path in files:
        doc, text = corpus.load(path)
        found += _cross_document(doc, text, str(path), usage, index)
        found += _duplicate(doc, str(path), first_with)
    return sorted(set(found), key=_position)


def _duplicate(doc: dict[str, Any], file: str, first_with: dict[str, tuple[str, str]]) -> Iterator[ConsistencyWarning]:
    """A warning when an earlier file has the same canonical text (records this one's text otherwise)."""
    sha = doc["seed"]["text_sha256"]
    if sha not in first_with:
        first_with[sha] = (file, doc["id"])
        return
    other, other_id = first_with[sha]
    yield ConsistencyWarning(
        file, "/seed/text_sha256", "duplicate-article",
        f"{doc['id']} has the same text (SHA-256 {sha[:12]}…) as {other_id} in {other}",
        f"keep one document: merge the annotations into {other} and delete this file "
        "(if the articles differ, check seed.file)",
    )


def check_all(corpus: Corpus, paths: Iterable[Path] = (),
              progress: Callable[[Path], None] | None = None) -> list[ConsistencyWarning]:
    """Every warning, per document and across documents, for valid annotation files.

    ``progress`` is called once per document checked.
    """
    files = corpus.annotation_files(paths)
    found: list[ConsistencyWarning] = []
    for path in files:
        doc, text = corpus.load(path)
        found += check_document(doc, text, str(path))
        if progress:
            progress(path)
    found += check_corpus(corpus, files)
    return sorted(set(found), key=_position)
