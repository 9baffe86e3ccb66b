"""What every converter shares: the import result, building documents from foreign spans,
writing an imported corpus root, and small text helpers.

Importers collect :class:`SpanDraft` objects (a span with its attributes and links to other
spans by the *source format's* keys) in a :class:`DocumentBuilder`; ``build`` assigns newsspan
ids, resolves the links, fills what the format cannot carry with draft defaults and runs the
project's own validation in memory, so every problem names the place in the *source* file.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from ..corpus import Corpus, new_document
from ..files import (
    FileExistsRefusal,
    atomic_write_json,
    atomic_write_many,
    atomic_write_text,
    dump_json,
    remove_stale_temps,
)
from ..model import ID_PREFIX, LABEL_FIELD, LAYERS, REFERENCES, SUBSPANS, Layer
from ..reading import ReadRefused, read_in_root, read_regular
from ..schema import item_schema, load_schema
from ..text import SeedDecodeError, Utf16Index, canonical_text, text_sha256
from ..validation import Problem, codes, document_problems, pointer_parts
from ..validation.rules import gold_status
from .labels import LabelMap, Target, native_target, schema_labels

#: A document with its canonical text, as converters pass them around.
DocumentWithText = tuple[dict[str, Any], str]

#: Problem codes of imports (the catalogue is ``newsspan.validation.REGISTRY``; validation codes appear too).
IMPORT_CODES: dict[str, str] = codes("import")

#: Value written for a TIMEX3 value the source format cannot carry (X = unknown digits, TimeML).
UNKNOWN_TIMEX_VALUE: dict[str, str] = {
    "DATE": "XXXX-XX-XX",
    "TIME": "XXXX-XX-XXTXX:XX",
    "DURATION": "PXD",
    "SET": "XXXX-WXX",
}


@dataclass(frozen=True)
class Skipped:
    """A span of the source that was not imported, and why (listed, never dropped silently)."""

    file: str
    where: str
    label: str
    text: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"file": self.file, "where": self.where, "label": self.label, "text": self.text, "reason": self.reason}


@dataclass
class ImportOptions:
    """What the user chose for an import, and the spans skipped under those choices.

    ``on_unknown``: ``skip`` lists a span whose label is neither in the label map nor in the schema
    and imports the rest of its document; ``error`` makes it a problem (nothing written).
    ``source_map``: Web Annotation target IRI -> local text file. ``seed_root``: a corpus root whose
    seeds tokens may be re-aligned to (CoNLL).
    """

    label_map: LabelMap | None = None
    on_unknown: str = "skip"
    source_map: dict[str, Path] = field(default_factory=dict)
    seed_root: Path | None = None
    skipped: list[Skipped] = field(default_factory=list)

    def skipped_spans(self) -> list[Skipped]:
        """The skipped spans themselves (without the lines and links that were attached to them)."""
        return [s for s in self.skipped if not s.reason.startswith(ATTACHED)]


#: Reason prefix of a line or link skipped because the span it belongs to was skipped.
ATTACHED = "attached to skipped span"
_OPTIONS: ContextVar[ImportOptions | None] = ContextVar("newsspan_import_options", default=None)
#: The source of the import under way (its files are read only from inside it; see :func:`read_source`).
_SOURCE: ContextVar[Path | None] = ContextVar("newsspan_import_source", default=None)


def current_options() -> ImportOptions:
    """The options of the import under way (see :func:`read_with`); defaults outside one."""
    options = _OPTIONS.get()
    return options if options is not None else ImportOptions()


def read_with(module: Any, src: Path, options: ImportOptions) -> ImportResult:
    """``module.read(src)`` under ``options`` (label map, unknown labels, source map, seeds)."""
    token, source = _OPTIONS.set(options), _SOURCE.set(Path(src))
    try:
        return module.read(src)
    finally:
        _OPTIONS.reset(token)
        _SOURCE.reset(source)


@dataclass
class ImportResult:
    """Documents read from a foreign format, and every span that could not be mapped."""

    documents: list[DocumentWithText] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    sets: dict[str, list[DocumentWithText]] = field(default_factory=dict)

    def extend(self, other: ImportResult) -> None:
        """Append another result's documents, annotation sets and problems to this one."""
        self.documents += other.documents
        self.problems += other.problems
        for folder, docs in other.sets.items():
            self.sets.setdefault(folder, []).extend(docs)

    def add_to(self, folder: str | None, document: DocumentWithText | None, problems: list[Problem]) -> None:
        """Like :meth:`add`, into the annotation set ``folder`` (``agreement/<annotator>``) or the corpus (None)."""
        if folder is None:
            self.add(document, problems)
            return
        self.problems += problems
        if document:
            self.sets.setdefault(folder, []).append(document)

    def add(self, document: DocumentWithText | None, problems: list[Problem]) -> None:
        """One source document's outcome: its problems, and the document when it could be built."""
        self.problems += problems
        if document:
            self.documents.append(document)


# --- schema-derived facts -----------------------------------------------------------------

def native_labels(layer: Layer | None) -> tuple[str, ...]:
    """The schema labels of ``layer``, or of every layer."""
    sets = schema_labels()
    return sets[layer] if layer else tuple(label for values in sets.values() for label in values)


@cache
def item_properties(layer: Layer) -> tuple[str, ...]:
    """The properties of a layer's items, in schema order."""
    return tuple(item_schema(layer)["properties"])


def schema_order(layer: Layer, item: dict[str, Any]) -> dict[str, Any]:
    """The item with its keys in schema order (files diff cleanly)."""
    order = item_properties(layer)
    return {key: item[key] for key in order if key in item}


def timex_mods() -> tuple[str, ...]:
    """TIMEX3 modifiers allowed on dates."""
    return tuple(load_schema()["$defs"]["date"]["properties"]["mod"]["enum"])


def id_number(span_id: str) -> int:
    """The number of an id (``e12`` -> 12)."""
    return int(span_id[1:])


_ID_PATTERN = re.compile(r"^[a-z][1-9][0-9]*$")


def slug(name: str) -> str:
    """A file name or foreign id as a document id: itself when it is one already, else a slug of it."""
    if re.fullmatch(load_schema()["properties"]["id"]["pattern"].strip("^$"), name):
        return name
    text = re.sub(r"[^a-z0-9-]+", "-", name.lower()).strip("-")
    return (text[:120] or "doc").rjust(3, "x")


# --- text helpers --------------------------------------------------------------------------

@dataclass(frozen=True)
class SourceText:
    """A text file as a tool sees it (raw), its canonical text, and the offset map between them.

    Tools count offsets in the raw file; the canonical rule drops a BOM and the CR of each CRLF,
    so an offset moves left by the number of dropped characters before it.
    """

    raw: str
    canonical: str
    dropped: tuple[int, ...]

    @classmethod
    def of(cls, data: bytes) -> SourceText:
        """Decode a file's bytes and map them to canonical text; raises UnicodeDecodeError if they are not UTF-8."""
        return cls.of_str(data.decode("utf-8"))

    @classmethod
    def of_str(cls, raw: str) -> SourceText:
        """A text as a tool stored it (a JSON string, a CAS sofa) mapped to canonical text.

        Raises UnicodeEncodeError for a lone surrogate (JSON may hold one), which no seed can store.
        """
        dropped = [0] if raw.startswith("\ufeff") else []
        dropped += [m.start() for m in re.finditer("\r\n", raw)]
        return cls(raw, canonical_text(raw.encode("utf-8")), tuple(dropped))

    def to_canonical(self, offset: int) -> int:
        """The canonical-text offset of raw-text ``offset`` (moved left past each dropped BOM or CR before it)."""
        return offset - bisect_left(self.dropped, offset)

    @property
    def changed(self) -> bool:
        """Whether the canonical rule changed the text (BOM, CRLF, lone CR or trailing whitespace)."""
        return self.raw != self.canonical


_ESCAPES = {"\\": "\\\\", "\n": "\\n", "\t": "\\t", "\r": "\\r"}
_UNESCAPE = re.compile(r"\\(\\|n|t|r|u[0-9a-f]{4})")


def escape_line(text: str) -> str:
    """Text safe for one tab-separated field of a line: backslash, tab and every line break escaped."""
    out = []
    for ch in text:
        if ch in _ESCAPES:
            out.append(_ESCAPES[ch])
        elif ch.isspace() and ch != " ":
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(ch)
    return "".join(out)


def unescape_line(text: str) -> str:
    """Inverse of :func:`escape_line`."""
    simple = {"\\": "\\", "n": "\n", "t": "\t", "r": "\r"}
    return _UNESCAPE.sub(lambda m: simple.get(m[1]) or chr(int(m[1][1:], 16)), text)


def flat(text: str) -> str:
    """``text`` with every whitespace character other than a space replaced by a space (one-line fields)."""
    return "".join(" " if ch.isspace() else ch for ch in text)


def quoted(text: str, limit: int = 60) -> str:
    """A short repr of text for messages."""
    return repr(text if len(text) <= limit else text[: limit - 3] + "...")


def utf16_hint(raw: str, start: int, end: int, stated: str) -> str:
    """A hint for a message when ``start:end`` as UTF-16 code units would cover ``stated`` (else empty)."""
    index = Utf16Index.of(raw)
    try:
        covered = raw[index.from_utf16(start):index.from_utf16(end)]
    except ValueError:
        return ""
    return (" (these offsets fit the text as UTF-16 code units, as JavaScript counts; this format counts "
            "code points: re-export them from the tool, or convert them)") if covered == stated else ""


# --- building documents ----------------------------------------------------------------------

@dataclass
class SpanDraft:
    """One span read from a foreign format, before it gets its newsspan id.

    ``key`` is the span's identity in the source (brat ``T3``, a Label Studio region id, ...);
    ``links`` map reference fields (``speaker``, ``anchor``, ...) to keys of other drafts;
    ``subspans`` map sub-span fields (``source``, ``cue``) to offsets; ``where`` says where the
    span is in the source file (a JSON pointer or ``line N``).
    """

    layer: Layer
    key: str
    start: int
    end: int
    fields: dict[str, Any]
    where: str
    links: dict[str, str] = field(default_factory=dict)
    subspans: dict[str, tuple[int, int] | None] = field(default_factory=dict)
    proposed_id: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # suggestion fields (provenance, confidence), added unvalidated


class DocumentBuilder:
    """Collects the spans of one document from a foreign format and builds a valid newsspan document."""

    def __init__(self, file: str, text: str, header: dict[str, Any] | None, fallback_id: str):
        """Start a document read from source ``file`` over canonical ``text``.

        ``header`` holds the document-level fields the source carries (``id``, ``seed``, ``metadata``,
        ``annotation``); ``fallback_id`` is the document id when it has none.
        """
        self.file = file
        self.text = text
        self.header = header or {}
        self.fallback_id = fallback_id
        self.drafts: list[SpanDraft] = []
        self.problems: list[Problem] = []
        self.dateline: tuple[int, int] | None = None
        self.source: SourceText | None = None
        self.options = current_options()
        self.skipped_keys: set[str] = set()
        self.rejected_keys: set[str] = set()
        self._utf16: tuple[str, Utf16Index] | None = None
        self._by_key: dict[str, SpanDraft] = {}

    def problem(self, where: str, code: str, message: str) -> None:
        """Record a problem with code ``code`` at place ``where`` of the source file."""
        self.problems.append(Problem(self.file, where, code, message))

    def skip(self, where: str, label: str, text: str, reason: str, key: str | None = None) -> None:
        """List a span (source key ``key``) that is not imported; lines attached to it are skipped too."""
        self.options.skipped.append(Skipped(self.file, where, label, text, reason))
        if key is not None:
            self.skipped_keys.add(key)

    def target(self, where: str, label: Any, text: str, layer: Layer | None = None, *,
               key: str | None = None, known: tuple[str, ...] = ()) -> Target:
        """Where a span labelled ``label`` goes: (layer, newsspan label), or None when it is not imported.

        The label map decides first (a ``null`` target drops the span, listed); a label it does not
        name keeps its own name in ``layer`` (or the one layer that has it). An unknown label is
        skipped and listed, or a problem with ``--on-unknown error``. ``known`` lists labels the
        format itself handles (sub-span roles): they come back as (``""``, label).
        """
        label = str(label)
        named, target = (self.options.label_map.resolve(label, layer) if self.options.label_map
                         else (False, native_target(label, layer)))
        if named and target is None:
            self.skip(where, label, text, f"dropped by the label map ({self.options.label_map.source})", key)
            return None
        if target is None and not named and label in known:
            return ("", label)  # type: ignore[return-value]
        if target is None:
            expected = f"a label of the label map or of the schema ({', '.join(native_labels(layer))})"
            self.unknown(where, label, text, expected, "unknown label (not in the label map or the schema)", key)
            return None
        return target

    def unknown(self, where: str, label: str, text: str, expected: str, reason: str, key: str | None = None, *,
                code: str = "import-unknown-label") -> None:
        """Something newsspan has no place for: listed as skipped (``reason``, prefixed by ``code`` unless it is
        the unknown-label code), or a problem ``code`` with ``--on-unknown error``."""
        if self.options.on_unknown == "error":
            self.problem(where, code, f"expected {expected}; found {label!r} on {quoted(text)}")
        else:
            self.skip(where, label, text, reason if code == "import-unknown-label" else f"{code}: {reason}", key)

    def reject(self, key: str) -> None:
        """Note that the span with source key ``key`` had a problem of its own."""
        self.rejected_keys.add(key)

    def dangling(self, where: str, keys: tuple[str, ...], message: str) -> None:
        """An ``import-dangling-link`` problem, unless a key names a rejected span: its own problem is the one
        to fix, and a second one would ask to fix the link instead (a follow-on)."""
        if not any(key in self.rejected_keys for key in keys):
            self.problem(where, "import-dangling-link", message)

    def attached_to_skipped(self, where: str, key: str, what: str) -> bool:
        """True (and listed) when ``key`` names a skipped span: a line about it is skipped, not an error."""
        if key in self.skipped_keys:
            self.options.skipped.append(Skipped(self.file, where, what, "", f"{ATTACHED} {key}"))
            return True
        return False

    def check_span(self, where: str, start: Any, end: Any, stated: str | None = None, *, loose: bool = False) -> bool:
        """True when ``start:end`` is a usable span of the text whose covered text matches ``stated``.

        With ``loose``, ``stated`` is compared after :func:`flat` (formats that flatten line breaks).
        """
        if not (isinstance(start, int) and isinstance(end, int)) or isinstance(start, bool) or isinstance(end, bool):
            self.problem(where, "import-malformed", f"expected integer offsets; found start {start!r}, end {end!r}")
            return False
        if not 0 <= start < end <= len(self.text):
            self.problem(where, "import-offset",
                         f"expected 0 <= start < end <= {len(self.text)} (the text's length); found {start}:{end}")
            return False
        covered = self.text[start:end]
        if stated is not None and (flat(covered) if loose else covered) != stated:
            self.problem(where, "import-text-mismatch",
                         f"expected the text at {start}:{end}, {quoted(covered)}; found {quoted(stated)}")
            return False
        return True

    def use_source(self, where: str, raw: str) -> bool:
        """Read offsets against ``raw``, the text as the tool stored it; the document gets its canonical text.

        Offsets given to :meth:`source_span` are then mapped through the canonical-text rule (a BOM
        and the CR of each CRLF dropped, trailing whitespace cut), as ``newsspan add`` maps a seed.
        False (with a problem) when the text cannot be a seed (a lone surrogate).
        """
        try:
            self.source = SourceText.of_str(raw)
        except (UnicodeEncodeError, SeedDecodeError) as exc:
            self.problem(where, "import-malformed", f"expected text a UTF-8 seed can hold; found {exc}")
            return False
        self.text = self.source.canonical
        return True

    def source_span(self, where: str, start: Any, end: Any, stated: str | None = None, *,
                    utf16: bool = False) -> tuple[int, int] | None:
        """Canonical offsets of ``start:end`` given on the source text, or None (with a problem).

        ``utf16``: the offsets count UTF-16 code units (converted to code points first; an offset inside
        a surrogate pair is a problem). The span is checked on the source text (range, and the covered
        text against ``stated``, with a hint when code-point offsets would fit as UTF-16 code units),
        then mapped to canonical text.
        """
        source = self.source or SourceText(self.text, self.text, ())
        raw = source.raw
        if not (type(start) is int and type(end) is int):
            self.problem(where, "import-malformed", f"expected integer offsets; found start {start!r}, end {end!r}")
            return None
        if utf16:
            if self._utf16 is None or self._utf16[0] is not raw:
                self._utf16 = (raw, Utf16Index.of(raw))
            index = self._utf16[1]
            try:
                start, end = index.from_utf16(start), index.from_utf16(end)
            except ValueError as exc:
                self.problem(where, "import-offset", f"expected UTF-16 offsets on character boundaries of the "
                                                     f"text; found {start}:{end} ({exc})")
                return None
        if not 0 <= start < end <= len(raw):
            self.problem(where, "import-offset",
                         f"expected 0 <= start < end <= {len(raw)} (the text's length); found {start}:{end}")
            return None
        if stated is not None and raw[start:end] != stated:
            self.problem(where, "import-text-mismatch",
                         f"expected the text at {start}:{end}, {quoted(raw[start:end])}; found {quoted(stated)}"
                         + ("" if utf16 else utf16_hint(raw, start, end, stated)))
            return None
        mapped = source.to_canonical(start), source.to_canonical(end)
        if not mapped[0] < mapped[1] <= len(self.text):
            self.problem(where, "import-offset", f"expected a span with text after the canonical-text rule; found "
                                                 f"{start}:{end} = {quoted(raw[start:end])} in dropped characters")
            return None
        return mapped

    def add(self, draft: SpanDraft) -> None:
        """Add a span draft; its links are resolved and it is validated only by :meth:`build`."""
        self.drafts.append(draft)

    def build(self) -> DocumentWithText | None:
        """The document, or None when any problem was found (all of them are in ``problems``)."""
        ids = self._assign_ids()
        self._by_key = {d.key: d for d in self.drafts}
        doc = self._skeleton()
        where_of: dict[tuple[Layer, int], str] = {}
        for layer in LAYERS:
            drafts = sorted((d for d in self.drafts if d.layer == layer), key=lambda d: id_number(ids[id(d)]))
            for index, draft in enumerate(drafts):
                doc[layer].append(self._item(draft, ids))
                where_of[(layer, index)] = draft.where
        self._draft_if_undecided(doc)
        for problem in self._validate(doc):
            self.problem(_source_place(problem.pointer, where_of), problem.code,
                         problem.message + (f" (as {problem.pointer})" if problem.pointer else ""))
        for layer in LAYERS:
            drafts = sorted((d for d in self.drafts if d.layer == layer), key=lambda d: id_number(ids[id(d)]))
            for item, draft in zip(doc[layer], drafts, strict=True):
                item.update(draft.extra)
        return None if self.problems else (doc, self.text)

    def _draft_if_undecided(self, doc: dict[str, Any]) -> None:
        """Claims whose check-worthiness the format does not carry are undecided (null), which guidelines §C6
        allows in drafts only: a reviewed or adjudicated document with such claims is imported as a draft, and
        the change is listed with the spans not imported."""
        status = gold_status(doc)
        undecided = sum(claim.get("checkworthy") is None for claim in doc["claims"])
        if status is None or not undecided:
            return
        self.options.skipped.append(Skipped(
            self.file, "/annotation/status", "status", status,
            f"{undecided} claim(s) without a check-worthiness decision (not carried by this format): imported as "
            "a draft (guidelines §C6)"))
        doc["annotation"] = {**doc["annotation"], "status": "draft"}

    def _skeleton(self) -> dict[str, Any]:
        doc_id = self.header.get("id") if isinstance(self.header.get("id"), str) else self.fallback_id
        seed = self.header.get("seed") if isinstance(self.header.get("seed"), dict) else {}
        seed_file = seed.get("file") if isinstance(seed.get("file"), str) else f"{doc_id}.txt"
        doc = new_document(doc_id, seed_file, self.text)
        for key in ("metadata", "annotation"):
            if isinstance(self.header.get(key), dict):
                doc[key] = self.header[key]
        if self.dateline is not None:
            start, end = self.dateline
            doc["metadata"] = {**doc["metadata"], "dateline": self._subspan(start, end)}
        return doc

    def _assign_ids(self) -> dict[int, str]:
        """newsspan ids by draft: proposed ids that fit their layer and are unique, the next free number otherwise."""
        ids: dict[int, str] = {}
        taken: set[str] = set()
        for draft in self.drafts:
            proposed = draft.proposed_id
            if (proposed and _ID_PATTERN.match(proposed) and proposed[0] == ID_PREFIX[draft.layer]
                    and proposed not in taken):
                ids[id(draft)] = proposed
                taken.add(proposed)
        counters = dict.fromkeys(LAYERS, 0)
        for draft in self.drafts:
            if id(draft) in ids:
                continue
            while f"{ID_PREFIX[draft.layer]}{counters[draft.layer] + 1}" in taken:
                counters[draft.layer] += 1
            counters[draft.layer] += 1
            ids[id(draft)] = f"{ID_PREFIX[draft.layer]}{counters[draft.layer]}"
            taken.add(ids[id(draft)])
        return ids

    def _item(self, draft: SpanDraft, ids: dict[int, str]) -> dict[str, Any]:
        item: dict[str, Any] = {"id": ids[id(draft)], **self._subspan(draft.start, draft.end), **draft.fields}
        for name, key in draft.links.items():
            target = self._by_key.get(key)
            expected = REFERENCES.get((draft.layer, name))
            if target is None and self.attached_to_skipped(draft.where, key, name):
                continue
            if target is None:
                self.dangling(draft.where, (key,), f"expected {name} to name a span of the source; "
                                                   f"found {key!r}, which no usable span has")
            elif expected is not None and target.layer != expected:
                self.problem(draft.where, "import-unknown-label",
                             f"expected {name} to point to an item of {expected}; found one of {target.layer} ({key})")
            else:
                item[name] = ids[id(target)]
        for name, offsets in draft.subspans.items():
            item[name] = None if offsets is None else self._subspan(*offsets)
        return schema_order(draft.layer, {**_defaults(draft.layer, item), **item})

    def _subspan(self, start: int, end: int) -> dict[str, Any]:
        return {"start": start, "end": end, "text": self.text[start:end]}

    def _validate(self, doc: dict[str, Any]) -> Iterator[Problem]:
        return validation_problems(self.file, doc, self.text)


def validation_problems(file: str, doc: dict[str, Any], text: str) -> Iterator[Problem]:
    """The project's validation of a document built in memory (pointers into the built document)."""
    yield from document_problems(file, doc, text)


def _defaults(layer: Layer, item: dict[str, Any]) -> dict[str, Any]:
    """Draft values for the required fields a format cannot carry."""
    if layer == "dates":
        return {"value": UNKNOWN_TIMEX_VALUE.get(item.get("type"), "XXXX-XX-XX"), "anchor": None}
    if layer == "quotations":
        return {"source": None, "cue": None, "speaker": None}
    if layer == "claims":
        return {"checkworthy": None, "claimant": None, "quotation": None}
    return {}


def _source_place(ptr: str, where_of: dict[tuple[Layer, int], str]) -> str:
    """The source location of a validation problem at JSON pointer ``ptr`` of the built document."""
    parts = pointer_parts(ptr)
    if len(parts) >= 2 and parts[0] in LAYERS and isinstance(parts[1], int):
        return where_of.get((parts[0], parts[1]), ptr)  # type: ignore[index]
    return ptr


def header_of(doc: dict[str, Any]) -> dict[str, Any]:
    """The document-level part of a document (everything but the span layers)."""
    return {key: value for key, value in doc.items() if key not in LAYERS}


def label_of(layer: Layer, item: dict[str, Any]) -> str:
    """The label-like attribute of a layer's item (see ``model.LABEL_FIELD``)."""
    return item[LABEL_FIELD[layer]]


def subspan_fields(layer: Layer) -> tuple[str, ...]:
    """The sub-span fields of a layer's items (``source`` and ``cue`` for quotations; none otherwise)."""
    return SUBSPANS.get(layer, ())


# --- writing -------------------------------------------------------------------------------

def write_corpus(documents: Iterable[DocumentWithText], out_dir: Path, *, force: bool = False,
                 sets: dict[str, list[DocumentWithText]] | None = None) -> list[Path]:
    """Write imported documents as a corpus root: ``out_dir/seeds/`` and ``out_dir/annotations/``.

    New seeds hold the canonical text; annotation files are ``<id>.json`` (in ``annotations/``, or in the
    folder of their annotation set: ``agreement/<annotator>/``, ``suggestions/<model>/``). An existing seed whose
    canonical text is the imported text is kept byte-for-byte as received (never rewritten, not even
    with ``force``). All or nothing (:func:`files.atomic_write_many`): every file is written to a temp file
    first, and only then are they moved into place, each seed before its annotation -- a full disk leaves
    nothing, a kill leaves complete files that a rerun completes. Nothing is written when any target exists
    with other content and ``force`` is false: :class:`FileExistsRefusal` names every such file.
    """
    corpus = Corpus(Path(out_dir))
    planned: dict[Path, str] = {}
    placed = [(doc, text, corpus.annotation_path(doc["id"])) for doc, text in documents]
    placed += [(doc, text, Path(out_dir) / folder / f"{doc['id']}.json")
               for folder, docs in (sets or {}).items() for doc, text in docs]
    for doc, text, target in placed:
        seed = corpus.seed_path(doc["seed"]["file"])
        if not _same_text(seed, text):
            planned[seed] = text + "\n"
        planned[target] = dump_json(doc)
    for folder in {corpus.seeds_dir} | {target.parent for _, _, target in placed}:
        remove_stale_temps(folder)  # temp files of an import that was killed, even where nothing changes now
    changed = {path: content for path, content in planned.items() if _differs(path, content)}
    if not force and (existing := sorted(p for p in changed if p.exists())):
        raise FileExistsRefusal(
            f"{len(existing)} file(s) already exist with other content; refusing to overwrite (use --force): "
            + ", ".join(map(str, existing)))
    atomic_write_many({path: content.encode("utf-8") for path, content in changed.items()}, overwrite=force)
    return sorted(planned)


def keep_existing_headers(result: ImportResult, root: Path) -> list[str]:
    """Importing into a corpus that already holds a document: what the format could not carry stays.

    For each imported document whose ``annotations/<id>.json`` exists in ``root`` with the same text
    (seed hash): the seed file name, and ``metadata`` and ``annotation`` provenance when the import only
    has the draft defaults for them (brat and CoNLL carry neither), are taken from the existing file; an
    imported dateline is kept. Returns the ids whose header was kept.
    """
    corpus = Corpus(Path(root))
    kept = []
    for doc, text in result.documents:
        existing = _existing_document(corpus, doc["id"], doc["seed"]["text_sha256"])
        if existing is None:
            continue
        default = new_document(doc["id"], doc["seed"]["file"], text)
        doc["seed"] = existing["seed"]
        for key, ignored in (("metadata", ("dateline", "split")), ("annotation", ())):
            if _without(doc[key], ignored) == _without(default[key], ignored) and isinstance(existing.get(key), dict):
                dateline = doc[key].get("dateline") if key == "metadata" else None
                doc[key] = {**existing[key], **({"dateline": dateline} if dateline else {})}
        kept.append(doc["id"])
    return kept


def _existing_document(corpus: Corpus, doc_id: str, sha: str) -> dict[str, Any] | None:
    """The corpus's annotation of ``doc_id`` when it is a document of the text hashing to ``sha``."""
    try:  # never a FIFO, a file over the size limit, a link out of the root
        existing = orjson.loads(corpus.read_annotation(corpus.annotation_path(doc_id)))
    except (OSError, orjson.JSONDecodeError):
        return None
    seed = existing.get("seed") if isinstance(existing, dict) else None
    return existing if isinstance(seed, dict) and seed.get("text_sha256") == sha else None


def _without(part: Any, keys: tuple[str, ...]) -> Any:
    return {k: v for k, v in part.items() if k not in keys} if isinstance(part, dict) else part


def _same_text(seed: Path, text: str) -> bool:
    """Whether the seed file exists and its canonical text is ``text``."""
    try:
        return canonical_text(read_regular(str(seed))) == text  # a FIFO or device in the target is not read
    except (OSError, SeedDecodeError):
        return False


def _differs(path: Path, content: str) -> bool:
    try:
        return read_regular(str(path)) != content.encode("utf-8")  # a FIFO in the target is not read
    except OSError:
        return True


def duplicate_problems(result: ImportResult) -> list[Problem]:
    """Two documents with one id (or two different texts under one seed file name) cannot be written."""
    problems = []
    seen_ids: set[tuple[str, str]] = set()
    seeds: dict[str, str] = {}
    groups = [("annotations", doc, text) for doc, text in result.documents]
    groups += [(folder, doc, text) for folder, docs in result.sets.items() for doc, text in docs]
    for folder, doc, text in groups:
        if (folder, doc["id"]) in seen_ids:
            problems.append(Problem("(import)", f"/{doc['id']}", "import-duplicate-document",
                                    f"expected one document per id in {folder}/; found {doc['id']!r} twice"))
        seen_ids.add((folder, doc["id"]))
        seed = doc["seed"]["file"]
        if seeds.setdefault(seed, text_sha256(text)) != text_sha256(text):
            problems.append(Problem("(import)", f"/{doc['id']}/seed/file", "import-duplicate-document",
                                    f"expected one text per seed file; found two texts named {seed!r}"))
    return problems


def unwritable_problems(result: ImportResult) -> list[Problem]:
    """Everything that would make a written document invalid, found before any file is written.

    Per document: its text is its own canonical text (the seed written from it gives it back), the
    seed hash pins it, and the project's validation passes on it; across documents: ids and seed
    names are unique. An import writes nothing when this list is not empty (all or nothing).
    """
    problems = duplicate_problems(result)
    suggested = [(suggestion_free(doc), text) for docs in result.sets.values() for doc, text in docs]
    for doc, text in [*result.documents, *suggested]:
        file = f"(import) {doc.get('id')}"
        try:
            canonical = canonical_text((text + "\n").encode("utf-8", "surrogatepass"))
        except SeedDecodeError:
            canonical = None
        if canonical != text:
            problems.append(Problem(file, "/seed", "import-text-not-canonical",
                                    "expected a text that the canonical-text rule leaves unchanged; found one with "
                                    "a BOM, CR or trailing whitespace"))
            continue
        problems += validation_problems(file, doc, text)
    return problems


#: Per-span fields of suggestions (model or rule output) that annotation files do not hold.
SUGGESTION_FIELDS = ("provenance", "confidence")


def suggestion_free(doc: dict[str, Any]) -> dict[str, Any]:
    """The document without suggestion fields on its spans (what validation of an annotation file sees)."""
    return {**doc, **{layer: [{k: v for k, v in item.items() if k not in SUGGESTION_FIELDS} for item in doc[layer]]
                      for layer in LAYERS}}


def write_json(path: Path, obj: Any, *, overwrite: bool) -> Path:
    """Write ``obj`` as JSON to ``path`` atomically and return the path.

    Raises :class:`FileExistsRefusal` if the file exists and ``overwrite`` is false.
    """
    atomic_write_json(path, obj, overwrite=overwrite)
    return path


def write_text(path: Path, text: str, *, overwrite: bool) -> Path:
    """Write ``text`` to ``path`` atomically and return the path.

    Raises :class:`FileExistsRefusal` if the file exists and ``overwrite`` is false.
    """
    atomic_write_text(path, text, overwrite=overwrite)
    return path


# --- reading ---------------------------------------------------------------------------------

def read_source(path: Path | str) -> bytes:
    """The bytes of a source file, read as annotation files are: a regular file within the size limit
    (``--max-bytes``), never a FIFO or device (raises :class:`ReadRefused`, OSError).

    During an import (:func:`read_with`), a file other than the source named on the command line must lie
    inside the source folder (``file-outside``): a stranger's export cannot pull ``../../.ssh/id_rsa`` or a
    symbolic link leading out of it into the corpus.
    """
    src = _SOURCE.get()
    if src is None or Path(path) == src:
        return read_regular(str(path))
    return read_in_root(str(path), src if src.is_dir() else src.parent, strict=True)


def read_source_text(path: Path | str, encoding: str = "utf-8") -> str:
    """A source file decoded, line ends made ``\\n`` (as ``Path.read_text`` does); see :func:`read_source`."""
    return read_source(path).decode(encoding).replace("\r\n", "\n").replace("\r", "\n")


def source_files(src: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """``src`` itself, or the entries of folder ``src`` ending in one of ``suffixes`` (folders excepted), sorted.

    A FIFO, device or socket with such a name is listed: reading it gives a ``file-not-regular`` problem
    instead of a silent skip.
    """
    src = Path(src)
    if src.is_dir():
        return sorted(p for p in src.iterdir() if p.name.endswith(suffixes) and not p.is_dir())
    return [src]


def read_sources(src: Path, suffixes: tuple[str, ...], what: str,
                 read_file: Callable[[Path], ImportResult]) -> ImportResult:
    """Every source file of ``src`` (see :func:`source_files`) read by ``read_file``, results joined.

    ``what`` names the files expected (``"doccano .jsonl files"``) in the ``import-no-input``
    problem of a folder that holds none.
    """
    return read_listed(source_files(Path(src), suffixes), Path(src), what, read_file)


def read_listed(files: list[Path], src: Path, what: str, read_file: Callable[[Path], ImportResult]) -> ImportResult:
    """:func:`read_sources` for files already listed (a format that must look at them first)."""
    if not files:
        return ImportResult(problems=[no_input(src, what)])
    result = ImportResult()
    for path in files:
        result.extend(read_file(path))
    return result


def no_input(src: Path, what: str) -> Problem:
    """The ``import-no-input`` problem of a source ``src`` that holds no file of the format (``what``)."""
    return Problem(str(src), "", "import-no-input", f"expected {what}; found none")


def unreadable(file: Path | str, expected: str, found: object, where: str = "") -> Problem:
    """The ``import-unreadable`` problem of a file (or a part of it at ``where``) not readable as ``expected``;
    a file refused unread (:class:`ReadRefused`) gets the refusal's own code (``file-not-regular``, ...)."""
    if isinstance(found, ReadRefused):
        return Problem(str(file), where, found.code, found.reason)
    if isinstance(found, orjson.JSONDecodeError) and ("depth" in found.msg or "recursion" in found.msg):
        return Problem(str(file), where, "json-too-deep", "expected JSON nested at most 64 levels deep; found deeper "
                                                          f"nesting at line {found.lineno}, column {found.colno}")
    return Problem(str(file), where, "import-unreadable", f"expected {expected}; found {found}")


def unreadable_file(file: Path | str, expected: str, found: object) -> ImportResult:
    """The result of reading a file that cannot be read or parsed: no document, one problem."""
    return ImportResult(problems=[unreadable(file, expected, found)])
