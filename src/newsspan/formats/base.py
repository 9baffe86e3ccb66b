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
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..corpus import Corpus, new_document
from ..files import FileExistsRefusal, atomic_write_json, atomic_write_text, dump_json
from ..model import ID_PREFIX, LABEL_FIELD, LAYERS, REFERENCES, SUBSPANS, Layer
from ..reading import read_regular
from ..schema import item_schema, load_schema
from ..text import SeedDecodeError, canonical_text, text_sha256
from ..validation import Problem, codes, document_problems, pointer_parts

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


@dataclass
class ImportResult:
    """Documents read from a foreign format, and every span that could not be mapped."""

    documents: list[DocumentWithText] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def extend(self, other: ImportResult) -> None:
        """Append another result's documents and problems to this one."""
        self.documents += other.documents
        self.problems += other.problems

    def add(self, document: DocumentWithText | None, problems: list[Problem]) -> None:
        """One source document's outcome: its problems, and the document when it could be built."""
        self.problems += problems
        if document:
            self.documents.append(document)


# --- schema-derived facts -----------------------------------------------------------------

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
        raw = data.decode("utf-8")
        dropped = [0] if raw.startswith("\ufeff") else []
        dropped += [m.start() for m in re.finditer("\r\n", raw)]
        return cls(raw, canonical_text(data), tuple(dropped))

    def to_canonical(self, offset: int) -> int:
        """The canonical-text offset of raw-text ``offset`` (moved left past each dropped BOM or CR before it)."""
        return offset - bisect_left(self.dropped, offset)


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
        self._by_key: dict[str, SpanDraft] = {}

    def problem(self, where: str, code: str, message: str) -> None:
        """Record a problem with code ``code`` at place ``where`` of the source file."""
        self.problems.append(Problem(self.file, where, code, message))

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
        for problem in self._validate(doc):
            self.problem(_source_place(problem.pointer, where_of), problem.code,
                         problem.message + (f" (as {problem.pointer})" if problem.pointer else ""))
        return None if self.problems else (doc, self.text)

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
            if target is None:
                self.problem(draft.where, "import-dangling-link", f"expected {name} to name a span of the source; "
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

def write_corpus(documents: Iterable[DocumentWithText], out_dir: Path, *, force: bool = False) -> list[Path]:
    """Write imported documents as a corpus root: ``out_dir/seeds/`` and ``out_dir/annotations/``.

    New seeds hold the canonical text; annotation files are ``<id>.json``. An existing seed whose
    canonical text is the imported text is kept byte-for-byte as received (never rewritten, not even
    with ``force``). Every file is written atomically. Nothing is written when any target exists with
    other content and ``force`` is false: :class:`FileExistsRefusal` names every such file.
    """
    corpus = Corpus(Path(out_dir))
    planned: dict[Path, str] = {}
    for doc, text in documents:
        seed = corpus.seed_path(doc["seed"]["file"])
        if not _same_text(seed, text):
            planned[seed] = text + "\n"
        planned[corpus.annotation_path(doc["id"])] = dump_json(doc)
    changed = {path: content for path, content in planned.items() if _differs(path, content)}
    if not force and (existing := sorted(p for p in changed if p.exists())):
        raise FileExistsRefusal(
            f"{len(existing)} file(s) already exist with other content; refusing to overwrite (use --force): "
            + ", ".join(map(str, existing)))
    for path, content in changed.items():
        atomic_write_text(path, content, overwrite=force)
    return sorted(planned)


def _same_text(seed: Path, text: str) -> bool:
    """Whether the seed file exists and its canonical text is ``text``."""
    try:
        return canonical_text(read_regular(str(seed))) == text  # a FIFO or device in the target is not read
    except (OSError, SeedDecodeError):
        return False


def _differs(path: Path, content: str) -> bool:
    try:
        return path.read_bytes() != content.encode("utf-8")
    except OSError:
        return True


def duplicate_problems(result: ImportResult) -> list[Problem]:
    """Two documents with one id (or two different texts under one seed file name) cannot be written."""
    problems = []
    seen_ids: set[str] = set()
    seeds: dict[str, str] = {}
    for doc, text in result.documents:
        if doc["id"] in seen_ids:
            problems.append(Problem("(import)", f"/{doc['id']}", "import-duplicate-document",
                                    f"expected one document per id; found {doc['id']!r} twice"))
        seen_ids.add(doc["id"])
        seed = doc["seed"]["file"]
        if seeds.setdefault(seed, text_sha256(text)) != text_sha256(text):
            problems.append(Problem("(import)", f"/{doc['id']}/seed/file", "import-duplicate-document",
                                    f"expected one text per seed file; found two texts named {seed!r}"))
    return problems


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

def source_files(src: Path, suffixes: tuple[str, ...]) -> list[Path]:
    """``src`` itself, or the files of folder ``src`` ending in one of ``suffixes``, sorted."""
    src = Path(src)
    if src.is_dir():
        return sorted(p for p in src.iterdir() if p.is_file() and p.name.endswith(suffixes))
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
    """The ``import-unreadable`` problem of a file (or a part of it at ``where``) not readable as ``expected``."""
    return Problem(str(file), where, "import-unreadable", f"expected {expected}; found {found}")


def unreadable_file(file: Path | str, expected: str, found: object) -> ImportResult:
    """The result of reading a file that cannot be read or parsed: no document, one problem."""
    return ImportResult(problems=[unreadable(file, expected, found)])
