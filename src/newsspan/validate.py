"""Validation of annotation files: structure (JSON Schema) and meaning (offsets, references, ...).

Every problem of a file is reported at once as a :class:`Problem` with the file, a JSON
pointer, a stable code from :data:`CODES` and a message saying what was expected and found.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

import orjson

from . import fastcheck
from .cache import CacheReader, CacheWriter, Entry, digest
from .corpus import Corpus
from .model import LAYERS, REFERENCES, SUBSPANS, Layer, iter_spans
from .schema import load_schema, schema_path
from .text import SeedDecodeError, canonical_text, text_sha256

#: Every error code, with what it means. Codes are stable: tools and CI may match on them.
CODES: dict[str, str] = {
    "file-unreadable": "the annotation file cannot be read",
    "json-malformed": "the annotation file is not well-formed JSON (or is truncated)",
    "schema-*": "the document does not follow schema/document.schema.json (suffix: the JSON Schema keyword)",
    "id-filename-mismatch": "the file name is not <id>.json",
    "seed-missing": "the seed file named in /seed/file does not exist in seeds/",
    "seed-not-utf8": "the seed file is not valid UTF-8",
    "text-hash-mismatch": "the seed's canonical text does not have the pinned SHA-256 (the text changed)",
    "offset-out-of-range": "an offset lies outside the canonical text",
    "offset-order": "a span does not have start < end",
    "offset-not-integer": "an offset is written as a number with a fraction part (1.0), not an integer",
    "span-text-mismatch": "a span's text differs from canonical_text[start:end]",
    "span-whitespace": "a span starts or ends with whitespace",
    "duplicate-id": "two items share an id",
    "duplicate-span": "two items of one layer cover the same offsets",
    "dangling-reference": "a reference names no item of its layer",
    "reference-wrong-layer": "a reference names an item of another layer",
    "self-reference": "an item refers to itself",
    "entity-crossing": "two entities overlap without one containing the other",
    "timex-value-type": "a TIMEX3 value does not fit its type (a DURATION value starts with P, ...)",
    "timex-point-type": "begin_point/end_point on a date that is not a DURATION",
    "claimant-mismatch": "a claim made in a quotation names another claimant than the quotation's speaker",
    "date-bounds": "metadata dates are out of order (earliest after latest, created after modified)",
    "unaccepted-suggestion": "a reviewed or adjudicated document holds a machine span nobody accepted (guidelines §G7)",
}


@dataclass(frozen=True, order=True)
class Problem:
    """One validation problem: where it is, its stable code, and what was expected and found."""

    file: str
    pointer: str
    code: str
    message: str

    def to_dict(self) -> dict[str, str]:
        return asdict(self)


@dataclass
class Report:
    """The outcome of validating some files."""

    files: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def to_dict(self) -> dict[str, Any]:
        return {"ok": self.ok, "files": self.files, "errors": [p.to_dict() for p in self.problems]}


def pointer(*parts: str | int) -> str:
    """A JSON pointer (RFC 6901) from path parts."""
    return "".join("/" + str(p).replace("~", "~0").replace("/", "~1") for p in parts)


# --- structure ---------------------------------------------------------------------------

@cache
def _validator() -> Any:
    import jsonschema_rs  # only the reporting path needs it: imported when a document fails the fast path

    return jsonschema_rs.validator_for(load_schema())


def _kind_code(name: str) -> str:
    return "schema-" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _describe(value: Any) -> str:
    text = orjson.dumps(value).decode()
    return text if len(text) <= 60 else text[:57] + "..."


def _schema_message(error: Any) -> tuple[list[str | int], str]:
    """Instance path and an 'expected ...; found ...' message for one jsonschema-rs error."""
    path = list(error.instance_path)
    kind = error.kind
    name = type(kind).__name__
    found = _describe(error.instance)
    if name == "Required":
        return [*path, kind.property], f"expected required property {kind.property!r}; found it missing"
    if name == "Enum":
        return path, f"expected one of {', '.join(map(str, kind.options))}; found {found}"
    if name == "Type":
        return path, f"expected type {' or '.join(map(str, kind.types))}; found {found}"
    if name == "Constant":
        return path, f"expected {_describe(kind.expected_value)}; found {found}"
    if name == "AdditionalProperties":
        return path, f"expected only the schema's properties; found unexpected {', '.join(kind.unexpected)}"
    if name == "Pattern":
        return path, f"expected a string matching {kind.pattern}; found {found}"
    return path, f"expected {_expectation(error)}; found {found} ({error.message})"


def _expectation(error: Any) -> str:
    node: Any = load_schema()
    for part in error.schema_path:
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int)):
            node = node[part]
    if isinstance(node, list):  # e.g. a oneOf's list of alternatives: name them
        node = {"description": " or ".join(_expectation_of(alt) for alt in node)}
    return _expectation_of(node) if isinstance(node, dict) else "a valid value"


def _expectation_of(node: dict[str, Any]) -> str:
    if "$ref" in node:
        node = load_schema()["$defs"][node["$ref"].rsplit("/", 1)[1]]
    if "const" in node:
        return repr(node["const"])
    if node.get("type") == "null":
        return "null"
    return node.get("description") or node.get("title") or "a valid value"


def schema_problems(file: str, doc: Any) -> Iterator[Problem]:
    """Structural problems of a parsed document."""
    for error in _validator().iter_errors(doc):
        path, message = _schema_message(error)
        yield Problem(file, pointer(*path), _kind_code(type(error.kind).__name__), message)


# --- meaning -----------------------------------------------------------------------------

_DURATION = re.compile(r"^P(?=[0-9X.T])")
_TIME_PART = re.compile(r"T([0-9X]{2}|MO|MI|AF|EV|NI|DT)")
_REFS = ("PRESENT_REF", "PAST_REF", "FUTURE_REF")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _span_problems(file: str, ptr: str, span: dict[str, Any], text: str) -> Iterator[Problem]:
    start, end, covered = span.get("start"), span.get("end"), span.get("text")
    for name, value in (("start", start), ("end", end)):
        if isinstance(value, float):  # JSON Schema counts 1.0 as an integer; a str index it is not
            yield Problem(file, f"{ptr}/{name}", "offset-not-integer", f"expected an integer offset; found {value!r}")
    if not (_is_int(start) and _is_int(end)):
        return  # a schema problem (reported already) or a float offset
    if start >= end:
        yield Problem(file, ptr + "/end", "offset-order", f"expected end > start ({start}); found end {end}")
        return
    if start < 0 or end > len(text):
        bad = "/start" if start < 0 or start > len(text) else "/end"
        yield Problem(file, ptr + bad, "offset-out-of-range",
                      f"expected offsets within 0..{len(text)}; found start {start}, end {end}")
        return
    actual = text[start:end]
    if isinstance(covered, str) and covered != actual:
        yield Problem(file, ptr + "/text", "span-text-mismatch",
                      f"expected canonical_text[{start}:{end}] = {_describe(actual)}; found {_describe(covered)}")
    if actual != actual.strip():
        yield Problem(file, ptr, "span-whitespace",
                      f"expected no leading/trailing whitespace; found {_describe(actual)} at {start}:{end}")


def offset_problems(file: str, doc: dict[str, Any], text: str) -> Iterator[Problem]:
    """Offsets in range, ordered, matching their text, without surrounding whitespace."""
    for layer, index, span in iter_spans(doc):
        yield from _span_problems(file, pointer(layer, index), span, text)
        for name in SUBSPANS.get(layer, ()):
            if isinstance(span.get(name), dict):
                yield from _span_problems(file, pointer(layer, index, name), span[name], text)
    dateline = doc.get("metadata", {}).get("dateline") if isinstance(doc.get("metadata"), dict) else None
    if isinstance(dateline, dict):
        yield from _span_problems(file, pointer("metadata", "dateline"), dateline, text)


def _id_index(file: str, doc: dict[str, Any], problems: list[Problem]) -> dict[str, tuple[Layer, int]]:
    ids: dict[str, tuple[Layer, int]] = {}
    for layer, index, span in iter_spans(doc):
        span_id = span.get("id")
        if not isinstance(span_id, str):
            continue
        if span_id in ids:
            first = pointer(*ids[span_id])
            problems.append(Problem(file, pointer(layer, index, "id"), "duplicate-id",
                                    f"expected a unique id; found {span_id!r} again (first at {first})"))
        else:
            ids[span_id] = (layer, index)
    return ids


def reference_problems(file: str, doc: dict[str, Any]) -> list[Problem]:
    """Unique ids; every reference resolves to an item of the right layer."""
    problems: list[Problem] = []
    ids = _id_index(file, doc, problems)
    for layer, index, span in iter_spans(doc):
        for (ref_layer, name), target_layer in REFERENCES.items():
            target = span.get(name) if ref_layer == layer else None
            if not isinstance(target, str) or (name == "anchor" and target == "dct"):
                continue
            ptr = pointer(layer, index, name)
            if target == span.get("id"):
                problems.append(Problem(file, ptr, "self-reference",
                                        f"expected another item's id; found its own id {target!r}"))
            elif target not in ids:
                problems.append(Problem(file, ptr, "dangling-reference",
                                        f"expected the id of an item of {target_layer}; "
                                        f"found {target!r}, which no item has"))
            elif ids[target][0] != target_layer:
                problems.append(Problem(file, ptr, "reference-wrong-layer",
                                        f"expected an id of {target_layer}; "
                                        f"found {target!r}, an item of {ids[target][0]}"))
    return problems


def _offsets(span: dict[str, Any]) -> tuple[int, int] | None:
    start, end = span.get("start"), span.get("end")
    return (start, end) if _is_int(start) and _is_int(end) and start < end else None


def crossing_problems(file: str, doc: dict[str, Any]) -> Iterator[Problem]:
    """Entities nest or are disjoint, never cross; no layer has two items with the same offsets."""
    for layer in LAYERS:
        items = [(o, i) for i, s in enumerate(doc.get(layer) or []) if isinstance(s, dict) and (o := _offsets(s))]
        items.sort(key=lambda item: (item[0][0], -item[0][1]))
        open_spans: list[tuple[tuple[int, int], int]] = []
        for (start, end), index in items:
            while open_spans and open_spans[-1][0][1] <= start:
                open_spans.pop()
            if open_spans and open_spans[-1][0] == (start, end):
                yield Problem(file, pointer(layer, index), "duplicate-span",
                              f"expected one item per stretch of text; found {layer} {start}:{end} twice "
                              f"(also at {pointer(layer, open_spans[-1][1])})")
            elif layer == "entities" and open_spans and open_spans[-1][0][1] < end:
                (o_start, o_end), other = open_spans[-1]
                yield Problem(file, pointer(layer, index), "entity-crossing",
                              f"expected entities to nest or be disjoint; found {start}:{end} crossing "
                              f"{pointer(layer, other)} at {o_start}:{o_end}")
            open_spans.append(((start, end), index))


def timex_problems(file: str, doc: dict[str, Any]) -> Iterator[Problem]:
    """TIMEX3 values consistent with their type; begin/end points only on durations."""
    for index, date in enumerate(doc.get("dates") or []):
        if not isinstance(date, dict) or not isinstance(date.get("value"), str):
            continue
        kind, value = date.get("type"), date["value"]
        expected = _timex_expectation(kind, value)
        if expected:
            yield Problem(file, pointer("dates", index, "value"), "timex-value-type",
                          f"expected {expected} for type {kind}; found {value!r}")
        for name in ("begin_point", "end_point"):
            if name in date and kind != "DURATION":
                yield Problem(file, pointer("dates", index, name), "timex-point-type",
                              f"expected {name} only on a DURATION; found it on a {kind}")


@lru_cache(maxsize=1 << 16)  # values recur (PRESENT_REF, P2D, a year): a pure function worth memoising
def _timex_expectation(kind: Any, value: str) -> str | None:
    """What a value of this TIMEX3 type should look like, or None when it does."""
    duration = bool(_DURATION.match(value))
    if kind == "DURATION" and not duration:
        return "a duration value starting with P (e.g. P2D)"
    if kind == "DATE" and (duration or (_TIME_PART.search(value) and value not in _REFS)):
        return "a calendar value without a time of day (e.g. 2026-02-03, 2025-09, XXXX-02)"
    if kind == "TIME" and not (_TIME_PART.search(value) or value in _REFS):
        return "a value with a time of day (e.g. 2026-02-03T10:00, XXXX-XX-XXTMO)"
    if kind == "SET" and not (duration or "X" in value):
        return "a recurring value: a duration (P1W) or a pattern with X (XXXX-WXX-1)"
    return None


def claim_problems(file: str, doc: dict[str, Any]) -> Iterator[Problem]:
    """A claim made in a quotation is claimed by that quotation's speaker."""
    speakers = {q.get("id"): q.get("speaker") for q in doc.get("quotations") or [] if isinstance(q, dict)}
    for index, claim in enumerate(doc.get("claims") or []):
        if not isinstance(claim, dict) or claim.get("quotation") not in speakers:
            continue
        speaker = speakers[claim["quotation"]]
        if speaker is not None and claim.get("claimant") != speaker:
            yield Problem(file, pointer("claims", index, "claimant"), "claimant-mismatch",
                          f"expected {speaker!r}, the speaker of quotation {claim['quotation']!r}; "
                          f"found {claim.get('claimant')!r}")


def date_bound_problems(file: str, doc: dict[str, Any]) -> Iterator[Problem]:
    """earliest <= latest for the publication date; created <= modified for the annotation."""
    meta, note = doc.get("metadata"), doc.get("annotation")
    published = meta.get("published") if isinstance(meta, dict) else None
    pairs = [(published, "earliest", "latest", ("metadata", "published")),
             (note, "created", "modified", ("annotation",))]
    for obj, low, high, where in pairs:
        if not (isinstance(obj, dict) and isinstance(obj.get(low), str) and isinstance(obj.get(high), str)):
            continue
        if obj[low] > obj[high]:
            yield Problem(file, pointer(*where, high), "date-bounds",
                          f"expected {high} on or after {low} ({obj[low]}); found {obj[high]}")


def provenance_problems(file: str, doc: dict[str, Any]) -> Iterator[Problem]:
    """Guidelines §G7: a reviewed or adjudicated document holds no machine span without ``accepted_by``."""
    note = doc.get("annotation")
    if not isinstance(note, dict) or note.get("status") not in fastcheck.GOLD_STATUSES:
        return
    for layer, index, span in iter_spans(doc):
        made = span.get("provenance")
        if isinstance(made, dict) and made.get("kind") in fastcheck.MACHINE_KINDS and "accepted_by" not in made:
            yield Problem(file, pointer(layer, index, "provenance"), "unaccepted-suggestion",
                          f"expected a person's acceptance (accepted_by) of this {made.get('kind')} span in a "
                          f"{note['status']} document; found none (accept it, or set the status to draft)")


def id_problems(file: str, path: Path, doc: dict[str, Any]) -> Iterator[Problem]:
    """The file is named after the document id."""
    doc_id = doc.get("id")
    if isinstance(doc_id, str) and path.name != f"{doc_id}.json":
        yield Problem(file, "/id", "id-filename-mismatch", f"expected file name {doc_id}.json; found {path.name}")


def seed_problems(file: str, corpus: Corpus, doc: dict[str, Any]) -> tuple[list[Problem], str | None]:
    """Read the seed named by the document; check its canonical text against the pinned hash."""
    seed = doc.get("seed")
    if not isinstance(seed, dict) or not isinstance(seed.get("file"), str):
        return [], None
    return _seed_text_problems(file, corpus.seed_path(seed["file"]), _read(corpus.seed_path(seed["file"])),
                               seed.get("text_sha256"))


def _read(path: str | Path) -> bytes | OSError:
    """The bytes of a file, or the error that prevented reading it."""
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        return exc


def _seed_text_problems(file: str, path: Path, data: bytes | OSError, pinned: Any) -> tuple[list[Problem], str | None]:
    """Problems of seed bytes already read (or the error reading them), and the canonical text."""
    if isinstance(data, FileNotFoundError):
        return [Problem(file, "/seed/file", "seed-missing", f"expected a seed file at {path}; found none")], None
    if isinstance(data, OSError):
        return [Problem(file, "/seed/file", "seed-missing",
                        f"expected a readable seed file at {path}; found {data.strerror}")], None
    try:
        text = canonical_text(data)
    except SeedDecodeError as exc:
        return [Problem(file, "/seed/file", "seed-not-utf8", f"expected UTF-8 text in {path}; found {exc}")], None
    if isinstance(pinned, str) and pinned != (actual := text_sha256(text)):
        return [Problem(file, "/seed/text_sha256", "text-hash-mismatch",
                        f"expected the canonical text of {path.name} to hash to {pinned}; found {actual} "
                        "(the seed changed, or the annotation was made for another version of the text)")], text
    return [], text


# --- the fast path -------------------------------------------------------------------------
# A document is first decoded into schema-generated Structs and checked by one pass that only
# answers "is everything right?" (newsspan.fastcheck). Only when it says no are the reporting
# functions above run, so the problems reported are always theirs (tests check the fast path
# never passes a document they would fault).

def document_ok(data: bytes, text: str, file_name: str) -> bool:
    """True when the fast path passes an annotation's bytes, given its seed's canonical text."""
    doc = fastcheck.decode(data)
    return doc is not None and fastcheck.document_ok(doc, text, file_name, _timex_expectation)


# --- files -------------------------------------------------------------------------------

def parse_file(file: str, path: Path) -> tuple[Any, list[Problem]]:
    """Read and parse an annotation file; malformed JSON is a problem, never a traceback."""
    data = _read(path)
    if isinstance(data, OSError):
        return None, [_unreadable(file, data)]
    return _parse(file, data)


def _unreadable(file: str, error: OSError) -> Problem:
    return Problem(file, "", "file-unreadable", f"expected a readable JSON file; found {error.strerror or error}")


def _parse(file: str, data: bytes) -> tuple[Any, list[Problem]]:
    try:
        return orjson.loads(data), []
    except orjson.JSONDecodeError as exc:
        return None, [Problem(file, "", "json-malformed",
                              f"expected well-formed JSON; found {exc.msg} at line {exc.lineno}, column {exc.colno}")]


def validate_document(file: str, path: Path, doc: Any, corpus: Corpus) -> list[Problem]:
    """Every structural and semantic problem of one parsed document, sorted by pointer."""
    seed = doc.get("seed") if isinstance(doc, dict) else None
    seed_file = seed.get("file") if isinstance(seed, dict) else None
    seed_data = _read(corpus.seed_path(seed_file)) if isinstance(seed_file, str) else None
    return _document_problems(file, Path(path), doc, corpus, seed_data)


def _document_problems(file: str, path: Path, doc: Any, corpus: Corpus, seed_data: bytes | OSError | None,
                       schema_valid: bool = False) -> list[Problem]:
    """The reporting path: every problem, with the seed's bytes already read (None: no seed named)."""
    problems = [] if schema_valid else list(schema_problems(file, doc))
    if not isinstance(doc, dict):
        return problems
    text = None
    if seed_data is not None:
        seed_path = corpus.seed_path(doc["seed"]["file"])
        seed_found, text = _seed_text_problems(file, seed_path, seed_data, doc["seed"].get("text_sha256"))
        problems += seed_found
    problems += id_problems(file, path, doc)
    if text is not None:
        problems += offset_problems(file, doc, text)
    problems += reference_problems(file, doc)
    problems += crossing_problems(file, doc)
    problems += timex_problems(file, doc)
    problems += claim_problems(file, doc)
    problems += date_bound_problems(file, doc)
    problems += provenance_problems(file, doc)
    return sorted(set(problems), key=lambda p: (p.pointer, p.code, p.message))


@dataclass(frozen=True)
class Checked:
    """The outcome for one file: its problems, and (if it passed) what the cache should remember."""

    problems: list[Problem]
    entry: Entry | None = None
    skipped: bool = False


def check_file(file: str, corpus: Corpus, *, cached: Entry | None = None, want_entry: bool = False) -> Checked:
    """Validate one file; skip it when ``cached`` matches its bytes and its seed's bytes exactly."""
    data = _read(file)
    if isinstance(data, OSError):
        return Checked([_unreadable(file, data)])
    ann_digest = digest(data) if want_entry or cached else b""
    read_seed = _seed_reader(corpus)
    if cached is not None and cached.annotation == ann_digest:
        seed_data = read_seed(cached.seed_file)
        if not isinstance(seed_data, OSError) and digest(seed_data) == cached.seed:
            return Checked([], cached, skipped=True)
    problems, seed = check_bytes(file, data, corpus, read_seed)
    if problems or not want_entry or seed is None:
        return Checked(problems)
    return Checked([], Entry(cache_key(file), ann_digest, seed[0], digest(seed[1])))


def _seed_reader(corpus: Corpus) -> Callable[[str], bytes | OSError]:
    """Reads a seed by name, as ``corpus.seed_path`` locates it (joined as strings: pathlib costs ~10 us a file)."""
    seeds = str(corpus.seeds_dir)
    return lambda name: _read(os.path.join(seeds, name))


def check_bytes(file: str, data: bytes, corpus: Corpus, read_seed: Callable[[str], bytes | OSError],
                ) -> tuple[list[Problem], tuple[str, bytes] | None]:
    """Every problem of an annotation's bytes; the seed comes from ``read_seed(seed file name)``.

    Returns the problems and, when there are none, the seed's name and bytes that were checked.
    """
    seed = _fast_pass(file, data, read_seed)
    if seed is not None:
        return [], seed
    doc, problems = _parse(file, data)
    if problems:
        return problems, None
    valid = isinstance(doc, dict) and _validator().is_valid(doc)
    seed_doc = doc.get("seed") if isinstance(doc, dict) else None
    name = seed_doc.get("file") if isinstance(seed_doc, dict) else None
    seed_data = read_seed(name) if isinstance(name, str) else None
    return _document_problems(file, Path(file), doc, corpus, seed_data, schema_valid=valid), None


def _fast_pass(file: str, data: bytes, read_seed: Callable[[str], bytes | OSError]) -> tuple[str, bytes] | None:
    """The seed's name and bytes when the fast check passes the document (no problem at all), else None."""
    doc = fastcheck.decode(data)
    if doc is None:
        return None
    seed_file = doc.seed.file
    seed_data = read_seed(seed_file)
    if not isinstance(seed_data, bytes):
        return None
    text = fastcheck.pinned_text(seed_data, doc.seed.text_sha256)
    if text is None or not fastcheck.document_ok(doc, text, os.path.basename(file), _timex_expectation):
        return None
    return seed_file, seed_data


def validate_record(file: str, annotation: bytes | str, seed: bytes | str) -> list[Problem]:
    """Every problem of an annotation and its seed held in memory (a row of a table, not files).

    ``file`` names the annotation in messages and must be ``<id>.json``; the seed's name in the
    annotation is not looked up: ``seed`` is taken to be that file's bytes. This is the unit of
    work when validation runs as a map over dataset shards (docs/scaling.md).
    """
    data = annotation.encode("utf-8") if isinstance(annotation, str) else annotation
    seed_bytes = seed.encode("utf-8") if isinstance(seed, str) else seed
    return check_bytes(file, data, Corpus(Path(".")), lambda _name: seed_bytes)[0]


def _matching_text(data: bytes, pinned: str) -> str | None:
    """The canonical text of seed bytes if it has the pinned hash, else None."""
    try:
        text = canonical_text(data)
    except SeedDecodeError:
        return None
    return text if text_sha256(text) == pinned else None


def validate_file(path: Path, corpus: Corpus) -> list[Problem]:
    """Every problem of one annotation file."""
    return check_file(str(path), corpus).problems


def cache_key(file: str) -> str:
    """The cache's name for an annotation file: its absolute path."""
    return os.path.abspath(file)


@cache
def fingerprint() -> str:
    """What a cached result depends on besides the files: the schema, newsspan's version, the validator's code.

    The code is every module validation imports (text rule, model, schema loader, fast path, this module).
    """
    from . import __version__, corpus, model, schema, text

    modules = (corpus, model, schema, text, fastcheck)
    sources = [Path(__file__).read_bytes(), *(Path(m.__file__).read_bytes() for m in modules)]
    parts = [schema_path().read_bytes(), __version__.encode(), *sources]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


# --- corpora -----------------------------------------------------------------------------

def annotation_files(corpus: Corpus, paths: Iterable[Path | str] = ()) -> list[str]:
    """As :meth:`Corpus.annotation_files`, as strings: 100,000 ``Path`` objects would cost ~35 MB.

    Strings are passed through as they are (an already expanded list is not copied string by string).
    """
    named = [p if isinstance(p, str) else str(p) for p in paths]
    if not named:
        return _json_files(str(corpus.annotations_dir))
    found: list[str] = []
    for path in named:
        found.extend(_json_files(path) if os.path.isdir(path) else [path])
    return found


def _json_files(folder: str) -> list[str]:
    """The ``*.json`` files of a folder (none if it does not exist), sorted, as ``Path`` would spell them."""
    if not os.path.isdir(folder):
        return []
    prefix = "" if folder == "." else folder.rstrip(os.sep) + os.sep
    return [prefix + name for name in sorted(e.name for e in os.scandir(folder) if e.name.endswith(".json"))]


_worker: dict[str, Any] = {}


def _init_worker(root: str, cache_db: str | None, want_entry: bool) -> None:
    _worker.update(corpus=Corpus(Path(root)), reader=CacheReader(Path(cache_db)) if cache_db else None,
                   want_entry=want_entry)
    fastcheck.decoder()  # generate the Structs once per process


def _check_in_worker(file: str) -> tuple[str, Checked]:
    reader = _worker["reader"]
    cached = reader.get(cache_key(file)) if reader else None
    return file, check_file(file, _worker["corpus"], cached=cached, want_entry=_worker["want_entry"])


def default_jobs() -> int:
    """The CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


#: Below this many files a process pool costs more (start-up, imports) than it saves.
MIN_FILES_PER_WORKER = 200


def _start_method() -> str:
    """fork (fast, no re-import) when this process has no other thread that could hold a lock; else forkserver."""
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    if "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def iter_checked(corpus: Corpus, files: list[str], *, jobs: int = 1, cache_db: Path | None = None,
                 want_entry: bool = False) -> Iterator[tuple[str, Checked]]:
    """Check ``files`` in order, serially or in a pool of ``jobs`` processes (0: all CPUs)."""
    jobs = min(jobs or default_jobs(), max(1, len(files) // MIN_FILES_PER_WORKER))
    args = (str(corpus.root), str(cache_db) if cache_db and cache_db.exists() else None, want_entry)
    if jobs <= 1:
        _init_worker(*args)
        try:
            yield from map(_check_in_worker, files)
        finally:
            if _worker["reader"]:
                _worker["reader"].close()
        return
    import multiprocessing  # only parallel runs need it (~10 ms to import)

    context = multiprocessing.get_context(_start_method())
    chunk = max(1, min(256, len(files) // (jobs * 16)))
    with context.Pool(jobs, initializer=_init_worker, initargs=args) as pool:
        yield from pool.imap(_check_in_worker, files, chunksize=chunk)


def validate(corpus: Corpus, paths: Iterable[Path] = (), *, jobs: int = 1, use_cache: bool = False,
             progress: Callable[[int], None] | None = None, stats: dict[str, int] | None = None) -> Report:
    """Validate the annotation files named by ``paths`` (default: all of the corpus).

    ``jobs`` worker processes (1: in this process; 0: one per CPU). With ``use_cache``, files
    unchanged since they last passed are skipped and passing files are recorded (see
    :mod:`newsspan.cache`). ``progress(n)`` is called as files complete; ``stats`` receives counts
    of checked and skipped files. The problems are the same whatever the options.
    """
    files = annotation_files(corpus, paths)
    writer = CacheWriter(corpus.root, fingerprint()) if use_cache else None
    report = Report(files=len(files))
    passed: list[Entry] = []
    failed: list[str] = []
    counts = {"checked": 0, "skipped": 0}
    try:
        for file, checked in iter_checked(corpus, files, jobs=jobs, cache_db=writer and writer.path,
                                          want_entry=writer is not None):
            counts["skipped" if checked.skipped else "checked"] += 1
            report.problems += checked.problems
            if writer:
                _remember(writer, file, checked, passed, failed)
            if progress:
                progress(1)
    finally:
        if writer:
            writer.record(passed, failed)
            writer.close()
    if stats is not None:
        stats.update(counts)
    return report


def _remember(writer: CacheWriter, file: str, checked: Checked, passed: list[Entry], failed: list[str]) -> None:
    """Queue a file's outcome for the cache; flush in batches so memory stays bounded."""
    if checked.entry and not checked.skipped:
        passed.append(checked.entry)
    elif checked.problems:
        failed.append(cache_key(file))
    if len(passed) + len(failed) >= 2000:
        writer.record(passed, failed)
        passed.clear()
        failed.clear()
