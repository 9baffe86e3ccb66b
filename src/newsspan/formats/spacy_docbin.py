"""spaCy ``DocBin`` (``.spacy``): the corpus as spaCy ``Doc`` objects, for training and for spaCy users.

Each document becomes one ``Doc`` whose text is exactly the canonical text:

- tokens come from :mod:`newsspan.tokenize`, split at every span boundary of every layer, so every
  span maps onto whole tokens; whitespace other than one trailing space becomes its own token;
- ``doc.ents``: the outermost entities (spaCy cannot nest them there);
- ``doc.spans["entities" | "dates" | "quotations" | "claims"]``: every item of each layer, with its
  label (entity label, TIMEX3 type, quotation form, claim type) as ``label_`` and its id as ``id_``
  (entities also carry their Wikidata QID as ``kb_id_``);
- ``doc.spans["quotations.source" | "quotations.cue"]``: the sub-spans, ``id_`` = their quotation;
- ``doc.user_data["newsspan"]``: the rest of the document (id, seed, metadata, annotation) and each
  item's other attributes by id (TIMEX3 value/anchor/..., speaker, checkworthy, claimant, notes).

Nothing is lost: :func:`read` gives back the same documents. A ``DocBin`` made elsewhere (without
``user_data``) imports as draft documents holding its entities (``doc.spans["entities"]`` or ``doc.ents``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

from ..files import atomic_write_bytes
from ..iob import outermost
from ..model import LABEL_FIELD, LAYERS, SUBSPANS, Layer, iter_spans
from ..reading import ReadRefused, max_bytes
from ..text import text_sha256
from ..tokenize import Token, sentences
from ..validation.problems import Problem, pointer, pointer_parts
from .base import (
    DocumentBuilder,
    DocumentWithText,
    ImportResult,
    SpanDraft,
    header_of,
    read_source,
    read_sources,
    schema_order,
    slug,
    unreadable_file,
    validation_problems,
)

USER_DATA_KEY = "newsspan"
FORMAT_VERSION = "newsspan-docbin-1"
SUFFIX = ".spacy"

#: Fields every span has; the rest of an item is stored in user_data.
_SPAN_FIELDS = ("id", "start", "end", "text")


def subspan_group(layer: Layer, field: str) -> str:
    """Name of the span group holding a layer's sub-spans (``quotations.source``)."""
    return f"{layer}.{field}"


@cache
def _vocab() -> Any:
    import spacy

    return spacy.blank("en").vocab


# --- export ------------------------------------------------------------------------------

def export(docs: Iterable[DocumentWithText], out_dir: Path, *, name: str = "corpus", overwrite: bool = False,
           **_options: Any) -> list[Path]:
    """Write the documents as one ``DocBin`` file ``out_dir/<name>.spacy``."""
    from spacy.tokens import DocBin

    doc_bin = DocBin(store_user_data=True)
    for doc, text in docs:
        doc_bin.add(to_spacy(doc, text))
    path = Path(out_dir) / f"{name}{SUFFIX}"
    atomic_write_bytes(path, doc_bin.to_bytes(), overwrite=overwrite)
    return [path]


def to_spacy(doc: dict[str, Any], text: str) -> Any:
    """One newsspan document as a spaCy ``Doc`` (raises ValueError if a span does not align with tokens)."""
    from spacy.tokens import Doc

    sents = sentences(text, _boundaries(doc))
    words, spaces, starts = _words(text, sents)
    sdoc = Doc(_vocab(), words=words, spaces=spaces, sent_starts=starts)
    if sdoc.text != text:
        raise ValueError(f"{doc['id']}: the spaCy tokens do not rebuild the canonical text exactly")
    for layer in LAYERS:
        sdoc.spans[layer] = [_span(sdoc, doc["id"], layer, item) for item in doc[layer]]
        for field in SUBSPANS.get(layer, ()):
            sdoc.spans[subspan_group(layer, field)] = [
                _char_span(sdoc, doc["id"], item[field], label=field, span_id=item["id"])
                for item in doc[layer] if item.get(field)
            ]
    entities = {(e["start"], e["end"]): e for e in doc["entities"]}
    sdoc.ents = [_span(sdoc, doc["id"], "entities", entities[(start, end)])
                 for start, end, _label in outermost((e["start"], e["end"], e["label"]) for e in doc["entities"])]
    sdoc.user_data[USER_DATA_KEY] = {
        "format": FORMAT_VERSION,
        "document": header_of(doc),
        "attributes": {item["id"]: _attributes(layer, item) for layer, _index, item in iter_spans(doc)},
    }
    return sdoc


def _boundaries(doc: dict[str, Any]) -> set[int]:
    """Every span and sub-span offset of every layer (and the dateline)."""
    cuts: set[int] = set()
    for layer, _index, item in iter_spans(doc):
        for span in (item, *(item.get(field) for field in SUBSPANS.get(layer, ()))):
            if span:
                cuts.update((span["start"], span["end"]))
    if dateline := doc["metadata"].get("dateline"):
        cuts.update((dateline["start"], dateline["end"]))
    return cuts


def _words(text: str, sents: list[list[Token]]) -> tuple[list[str], list[bool], list[bool]]:
    """spaCy words, trailing-space flags and sentence starts covering ``text`` exactly.

    A single space after a token is its trailing space; any other whitespace between tokens
    (newlines, tabs, repeated spaces, leading whitespace) becomes a whitespace token.
    """
    words: list[str] = []
    spaces: list[bool] = []
    starts: list[bool] = []

    def add(word: str, sentence_start: bool) -> None:
        words.append(word)
        spaces.append(False)
        starts.append(sentence_start or len(words) == 1)

    def add_gap(gap: str) -> None:
        if gap.startswith(" ") and words:
            spaces[-1], gap = True, gap[1:]
        if gap:
            add(gap, False)

    position = 0
    for sentence in sents:
        for n, token in enumerate(sentence):
            add_gap(text[position:token.start])
            add(token.text, n == 0)
            position = token.end
    add_gap(text[position:])
    return words, spaces, starts


def _char_span(sdoc: Any, doc_id: str, span: dict[str, Any], **kwargs: Any) -> Any:
    """The token span covering exactly ``span``'s offsets (ValueError if the tokens do not align)."""
    result = sdoc.char_span(span["start"], span["end"], alignment_mode="strict", **kwargs)
    if result is None:
        raise ValueError(f"{doc_id}: span {span['start']}:{span['end']} does not align with the spaCy tokens")
    return result


def _span(sdoc: Any, doc_id: str, layer: Layer, item: dict[str, Any]) -> Any:
    label = item[LABEL_FIELD[layer]]
    kb_id = item.get("kb_id", "") if layer == "entities" else ""
    return _char_span(sdoc, doc_id, item, label=label, kb_id=kb_id, span_id=item["id"])


def _attributes(layer: Layer, item: dict[str, Any]) -> dict[str, Any]:
    """What the span objects do not carry: everything but offsets, text, id, label, QID and sub-spans.

    A sub-span field is kept as ``True``/``None`` so that an absent (null) sub-span round-trips.
    """
    carried = {*_SPAN_FIELDS, LABEL_FIELD[layer], *(("kb_id",) if layer == "entities" else ())}
    attributes: dict[str, Any] = {}
    for key, value in item.items():
        if key in SUBSPANS.get(layer, ()):
            attributes[key] = None if value is None else True
        elif key not in carried:
            attributes[key] = value
    return attributes


# --- import ------------------------------------------------------------------------------

def read(src: Path) -> ImportResult:
    """Documents from a ``.spacy`` file (or every ``.spacy`` file of a folder), with problems for what cannot map."""
    return read_sources(src, (SUFFIX,), f"{SUFFIX} files", read_file)


def _inflatable(path: Path, data: bytes) -> bytes:
    """``data`` if it inflates (a DocBin is zlib-compressed) to at most the size limit; else ``file-too-large``:
    a few MB of zeros compressed would otherwise inflate to gigabytes in memory."""
    limit = max_bytes()
    inflater = zlib.decompressobj()
    try:
        inflated = len(inflater.decompress(data, limit + 1))
    except zlib.error:
        return data  # not zlib: DocBin reports it
    if inflated > limit or inflater.unconsumed_tail:
        raise ReadRefused("file-too-large", f"expected a DocBin that inflates to at most {limit:,} bytes "
                                            "(--max-bytes); found one that inflates to more", str(path))
    return data


def read_file(path: Path) -> ImportResult:
    """The documents of one ``DocBin`` file."""
    from spacy.tokens import DocBin

    try:
        sdocs = list(DocBin().from_bytes(_inflatable(path, read_source(path))).get_docs(_vocab()))
    except ReadRefused as exc:
        return unreadable_file(path, "a spaCy DocBin file", exc)
    except Exception as exc:  # any failure here means "not a DocBin"
        return unreadable_file(path, "a spaCy DocBin file", f"{type(exc).__name__}: {exc}")
    result = ImportResult()
    for index, sdoc in enumerate(sdocs):
        result.add(*from_spacy(sdoc, file=str(path), index=index, fallback_id=f"{slug(path.stem)}-{index + 1}"))
    return result


def from_spacy(sdoc: Any, *, file: str, index: int, fallback_id: str) -> tuple[DocumentWithText | None, list[Problem]]:
    """One spaCy ``Doc`` back to a newsspan document; ``None`` with every problem when it cannot be mapped.

    The document is validated in memory, so a ``DocBin`` edited into an invalid state (a crossing
    entity, a dangling speaker) is reported at its place in the ``DocBin`` instead of being written.
    """
    stored = _plain(sdoc.user_data.get(USER_DATA_KEY))
    if not (isinstance(stored, dict) and stored.get("format") == FORMAT_VERSION):
        return _foreign_document(sdoc, file=file, index=index, doc_id=fallback_id)
    doc, text, problems = _own_document(sdoc, stored, file=file, index=index)
    if not problems:
        problems = _validation_problems(file, index, doc, text)
    return (None if problems else (doc, text)), problems


def _own_document(sdoc: Any, stored: dict[str, Any], *, file: str,
                  index: int) -> tuple[dict[str, Any], str, list[Problem]]:
    """A document written by :func:`export`: spans from the span groups, the rest from user_data."""
    text = sdoc.text
    doc: dict[str, Any] = dict(stored["document"])
    problems: list[Problem] = []
    if doc.get("seed", {}).get("text_sha256") != text_sha256(text):
        problems.append(Problem(file, pointer("docs", index, "text"), "import-text-mismatch",
                                f"expected the text pinned by /seed/text_sha256 of {doc.get('id')!r}; "
                                f"found a text hashing to {text_sha256(text)} (the Doc's text was changed)"))
    subspans = {
        (layer, field): {span.id_: _subspan(text, span) for span in sdoc.spans.get(subspan_group(layer, field), [])}
        for layer in LAYERS for field in SUBSPANS.get(layer, ())
    }
    for layer in LAYERS:
        doc[layer] = []
        for n, span in enumerate(sdoc.spans.get(layer, [])):
            item = _item(layer, span, text, stored["attributes"].get(span.id_), subspans)
            if isinstance(item, str):
                problems.append(Problem(file, pointer("docs", index, "spans", layer, n), "import-unmapped-span", item))
            else:
                doc[layer].append(item)
    return doc, text, problems


def _item(layer: Layer, span: Any, text: str, attributes: dict[str, Any] | None,
          subspans: dict[tuple[Layer, str], dict[str, dict[str, Any]]]) -> dict[str, Any] | str:
    """A layer item from its span and stored attributes, or a message saying why it cannot be built."""
    if attributes is None:
        return (f"expected a span whose id_ names an item of user_data[{USER_DATA_KEY!r}]; "
                f"found {span.label_} {span.start_char}:{span.end_char} with id_ {span.id_!r}")
    item: dict[str, Any] = {"id": span.id_, **_subspan(text, span), LABEL_FIELD[layer]: span.label_}
    if layer == "entities" and span.kb_id_:
        item["kb_id"] = span.kb_id_
    for key, value in attributes.items():
        if key in SUBSPANS.get(layer, ()):
            found = subspans[(layer, key)].get(span.id_)
            if value and found is None:
                return f"expected a {subspan_group(layer, key)} span with id_ {span.id_!r}; found none"
            item[key] = found if value else None
        else:
            item[key] = value
    return schema_order(layer, item)


def _subspan(text: str, span: Any) -> dict[str, Any]:
    return {"start": span.start_char, "end": span.end_char, "text": text[span.start_char:span.end_char]}


def _foreign_document(sdoc: Any, *, file: str, index: int,
                      doc_id: str) -> tuple[DocumentWithText | None, list[Problem]]:
    """A draft document holding the entities (or ``spans["entities"]``) of a ``Doc`` not written by :func:`export`.

    Offsets count the Doc's text; the seed gets its canonical text. Labels go through the label map.
    """
    builder = DocumentBuilder(file, "", None, doc_id)
    if not builder.use_source(pointer("docs", index, "text"), sdoc.text):
        return None, builder.problems
    group = ("spans", "entities") if "entities" in sdoc.spans else ("ents",)
    for n, span in enumerate(sdoc.spans.get("entities", sdoc.ents)):
        where = pointer("docs", index, *group, n)
        offsets = builder.source_span(where, span.start_char, span.end_char)
        target = builder.target(where, span.label_, span.text, "entities", key=str(n)) if offsets else None
        if target is None:
            continue
        layer, label = target
        fields: dict[str, Any] = {LABEL_FIELD[layer]: label}
        if span.kb_id_ and layer == "entities":
            fields["kb_id"] = span.kb_id_
        builder.add(SpanDraft(layer, str(n), *offsets, fields=fields, where=where))
    return builder.build(), builder.problems


def _validation_problems(file: str, index: int, doc: dict[str, Any], text: str) -> list[Problem]:
    """The project's validation of a rebuilt document, placed in the DocBin (spans, or the stored document)."""
    problems = []
    for problem in validation_problems(file, doc, text):
        parts = pointer_parts(problem.pointer)
        if len(parts) >= 2 and parts[0] in LAYERS:  # /entities/3/... -> that span of the span group
            where = pointer("docs", index, "spans") + pointer(*parts[:2])
        else:
            where = pointer("docs", index, "user_data", USER_DATA_KEY, "document") + problem.pointer
        problems.append(Problem(file, where, problem.code, f"{problem.message} (as {problem.pointer or '/'})"))
    return problems


def _plain(value: Any) -> Any:
    """user_data as stored: msgpack hands lists back as tuples; turn them back into lists."""
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(item) for item in value]
    return value
