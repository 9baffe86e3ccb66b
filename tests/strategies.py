"""Hypothesis strategies for random newsspan documents that pass ``newsspan.validation``.

``documents()`` draws ``(document, canonical_text)`` pairs: texts with emoji and other astral
characters, combining marks, curly quotes, tabs, line breaks and repeated spaces; entities that nest
or sit side by side but never cross; dates, quotations and claims with valid references; the seed
file name and the text's SHA-256 filled in. ``write_corpus`` puts documents into a corpus root.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from newsspan.corpus import Corpus, new_document
from newsspan.files import atomic_write_json, atomic_write_text
from newsspan.schema import claim_types, entity_labels, quotation_forms
from newsspan.text import text_sha256

#: Characters words are made of: ASCII, accents, combining marks, CJK, astral letters, emoji, curly quotes.
WORD_CHARS = (
    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
    "éüßçñøÅ" "\u0301\u0308\u0327" "北京東京" "𝔘𝕏𐍈𝒜" "😀👍🏽🇵🇰🎉" "“”‘’«»—–-.,;:!?'\"()/&%"
)
#: What separates words: single and repeated spaces, tabs, line breaks (also with spaces around them).
SEPARATORS = (" ", " ", " ", "  ", "\t", "\n", " \n", "\n\n", " \t ", "\u00a0")

#: (TIMEX3 type, value) pairs that pass the TIMEX3 checks.
TIMEX = (("DATE", "2026-02-03"), ("DATE", "2025-09"), ("DATE", "XXXX-02"), ("DATE", "PRESENT_REF"),
         ("TIME", "2026-02-03T10:00"), ("TIME", "XXXX-XX-XXTMO"), ("DURATION", "P2D"), ("DURATION", "PT1H"),
         ("DURATION", "P1.5Y"), ("SET", "P1W"), ("SET", "XXXX-WXX-1"))
MODS = ("APPROX", "BEFORE", "START", "EQUAL_OR_MORE")
NOTES = st.text(alphabet=st.sampled_from("ab c’“”😀\u0301\t\n\\é-§"), max_size=12)


@st.composite
def texts(draw: st.DrawFn) -> str:
    """A canonical text: words between separators, no trailing whitespace."""
    word = st.text(alphabet=st.sampled_from(WORD_CHARS), min_size=1, max_size=7)
    words = draw(st.lists(word, min_size=1, max_size=24))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words) - 1, max_size=len(words) - 1))
    return "".join(word + sep for word, sep in zip(words, [*seps, ""], strict=True))


@st.composite
def spans(draw: st.DrawFn, text: str, max_size: int = 8) -> list[tuple[int, int]]:
    """Distinct spans of ``text`` that neither start nor end with whitespace (they may overlap)."""
    starts = [i for i, ch in enumerate(text) if not ch.isspace()]
    found: list[tuple[int, int]] = []
    for _ in range(draw(st.integers(0, max_size))):
        start = draw(st.sampled_from(starts))
        ends = [i + 1 for i in range(start, min(len(text), start + 40)) if not text[i].isspace()]
        span = (start, draw(st.sampled_from(ends)))
        if span not in found:
            found.append(span)
    return found


def non_crossing(candidates: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The candidates that neither cross one kept before them nor repeat one (entities nest, never cross)."""
    kept: list[tuple[int, int]] = []
    for start, end in candidates:
        fits = all(end <= s or e <= start or (s <= start and end <= e) or (start <= s and e <= end) for s, e in kept)
        if fits and (start, end) not in kept:
            kept.append((start, end))
    return kept


def _subspan(text: str, start: int, end: int) -> dict[str, Any]:
    return {"start": start, "end": end, "text": text[start:end]}


@st.composite
def documents(draw: st.DrawFn, doc_id: str | None = None) -> tuple[dict[str, Any], str]:
    """A random valid document and its canonical text."""
    text = draw(texts())
    doc_id = doc_id or draw(st.from_regex(r"[a-z0-9][a-z0-9-]{2,12}", fullmatch=True))
    doc = new_document(doc_id, f"{doc_id}.txt", text, split=draw(st.sampled_from(["train", "validation", "test"])))
    doc["metadata"]["title"] = draw(st.one_of(st.none(), st.text(max_size=10)))
    doc["metadata"]["dateline"] = draw(st.one_of(st.none(), st.sampled_from(draw(spans(text, 2)) or [None])))
    if doc["metadata"]["dateline"]:
        doc["metadata"]["dateline"] = _subspan(text, *doc["metadata"]["dateline"])
    doc["entities"] = draw(_entities(text))
    doc["dates"] = draw(_dates(text))
    doc["quotations"] = draw(_quotations(text, [e["id"] for e in doc["entities"]]))
    doc["claims"] = draw(_claims(text, [e["id"] for e in doc["entities"]], doc["quotations"]))
    assert doc["seed"]["text_sha256"] == text_sha256(text)
    return doc, text


def _with_note(draw: st.DrawFn, item: dict[str, Any]) -> dict[str, Any]:
    if draw(st.booleans()):
        item["note"] = draw(NOTES)
    return item


@st.composite
def _entities(draw: st.DrawFn, text: str) -> list[dict[str, Any]]:
    result = []
    for n, (start, end) in enumerate(non_crossing(draw(spans(text, 10))), 1):
        item = {"id": f"e{n}", **_subspan(text, start, end), "label": draw(st.sampled_from(entity_labels()))}
        if draw(st.booleans()):
            item["kb_id"] = f"Q{draw(st.integers(1, 10**8))}"
        result.append(_with_note(draw, item))
    return result


@st.composite
def _dates(draw: st.DrawFn, text: str) -> list[dict[str, Any]]:
    found = draw(spans(text, 5))
    ids = [f"d{n}" for n in range(1, len(found) + 1)]
    result = []
    for date_id, (start, end) in zip(ids, found, strict=True):
        kind, value = draw(st.sampled_from(TIMEX))
        others = [other for other in ids if other != date_id]
        item: dict[str, Any] = {"id": date_id, **_subspan(text, start, end), "type": kind, "value": value,
                                # anchors point back to earlier dates only: a cycle of anchors is an error
                                "anchor": draw(st.sampled_from([None, "dct", *ids[:ids.index(date_id)]]))}
        if draw(st.booleans()):
            item["mod"] = draw(st.sampled_from(MODS))
        if kind == "DURATION" and others and draw(st.booleans()):
            item["begin_point"], item["end_point"] = draw(st.sampled_from(others)), draw(st.sampled_from(others))
        result.append(_with_note(draw, item))
    return result


@st.composite
def _quotations(draw: st.DrawFn, text: str, entity_ids: list[str]) -> list[dict[str, Any]]:
    result = []
    for n, (start, end) in enumerate(draw(spans(text, 4)), 1):
        parts = draw(spans(text, 2))
        source = _subspan(text, *parts[0]) if parts and draw(st.booleans()) else None
        cue = _subspan(text, *parts[-1]) if parts and draw(st.booleans()) else None
        item = {"id": f"q{n}", **_subspan(text, start, end), "form": draw(st.sampled_from(quotation_forms())),
                "source": source, "cue": cue, "speaker": draw(st.sampled_from([None, *entity_ids]))}
        result.append(_with_note(draw, item))
    return result


@st.composite
def _claims(draw: st.DrawFn, text: str, entity_ids: list[str],
            quotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    result = []
    for n, (start, end) in enumerate(draw(spans(text, 4)), 1):
        quotation = draw(st.sampled_from([None, *quotations]))
        claimant = draw(st.sampled_from([None, *entity_ids]))
        if quotation is not None and quotation["speaker"] is not None:
            claimant = quotation["speaker"]
        item = {"id": f"c{n}", **_subspan(text, start, end), "checkworthy": draw(st.sampled_from([True, False, None])),
                "type": draw(st.sampled_from(claim_types())), "claimant": claimant,
                "quotation": quotation["id"] if quotation else None}
        result.append(_with_note(draw, item))
    return result


def corpora(max_size: int = 3) -> st.SearchStrategy[list[tuple[dict[str, Any], str]]]:
    """Several documents with distinct ids."""
    return st.lists(documents(), min_size=1, max_size=max_size, unique_by=lambda pair: pair[0]["id"])


def write_corpus(root: Path, docs: list[tuple[dict[str, Any], str]]) -> Corpus:
    """A corpus root holding ``docs`` (seed files are the canonical texts; overwrites)."""
    corpus = Corpus(Path(root))
    for doc, text in docs:
        atomic_write_text(corpus.seed_path(doc["seed"]["file"]), text, overwrite=True)
        atomic_write_json(corpus.annotation_path(doc["id"]), doc, overwrite=True)
    return corpus
