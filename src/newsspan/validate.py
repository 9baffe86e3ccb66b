"""Validation of annotation files: structure (JSON Schema) and meaning (offsets, references, ...).

Every problem of a file is reported at once as a :class:`Problem` with the file, a JSON
pointer, a stable code from :data:`CODES` and a message saying what was expected and found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema_rs
import orjson

from .corpus import Corpus
from .model import LAYERS, REFERENCES, SUBSPANS, Layer, iter_spans
from .schema import load_schema
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
        return path + [kind.property], f"expected required property {kind.property!r}; found it missing"
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
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and isinstance(part, int):
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
    if not (_is_int(start) and _is_int(end)):
        return  # a schema problem, reported already
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
                problems.append(Problem(file, ptr, "self-reference", f"expected another item's id; found its own id {target!r}"))
            elif target not in ids:
                problems.append(Problem(file, ptr, "dangling-reference",
                                        f"expected the id of an item of {target_layer}; found {target!r}, which no item has"))
            elif ids[target][0] != target_layer:
                problems.append(Problem(file, ptr, "reference-wrong-layer",
                                        f"expected an id of {target_layer}; found {target!r}, an item of {ids[target][0]}"))
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
    pairs = [(published, "earliest", "latest", ("metadata", "published")), (note, "created", "modified", ("annotation",))]
    for obj, low, high, where in pairs:
        if isinstance(obj, dict) and isinstance(obj.get(low), str) and isinstance(obj.get(high), str):
            if obj[low] > obj[high]:
                yield Problem(file, pointer(*where, high), "date-bounds",
                              f"expected {high} on or after {low} ({obj[low]}); found {obj[high]}")


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
    path = corpus.seed_path(seed["file"])
    try:
        text = canonical_text(path.read_bytes())
    except FileNotFoundError:
        return [Problem(file, "/seed/file", "seed-missing", f"expected a seed file at {path}; found none")], None
    except SeedDecodeError as exc:
        return [Problem(file, "/seed/file", "seed-not-utf8", f"expected UTF-8 text in {path}; found {exc}")], None
    except OSError as exc:
        return [Problem(file, "/seed/file", "seed-missing", f"expected a readable seed file at {path}; found {exc.strerror}")], None
    pinned = seed.get("text_sha256")
    if isinstance(pinned, str) and pinned != (actual := text_sha256(text)):
        return [Problem(file, "/seed/text_sha256", "text-hash-mismatch",
                        f"expected the canonical text of {path.name} to hash to {pinned}; found {actual} "
                        "(the seed changed, or the annotation was made for another version of the text)")], text
    return [], text


# --- files -------------------------------------------------------------------------------

def parse_file(file: str, path: Path) -> tuple[Any, list[Problem]]:
    """Read and parse an annotation file; malformed JSON is a problem, never a traceback."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        return None, [Problem(file, "", "file-unreadable", f"expected a readable JSON file; found {exc.strerror or exc}")]
    try:
        return orjson.loads(data), []
    except orjson.JSONDecodeError as exc:
        return None, [Problem(file, "", "json-malformed",
                              f"expected well-formed JSON; found {exc.msg} at line {exc.lineno}, column {exc.colno}")]


def validate_document(file: str, path: Path, doc: Any, corpus: Corpus) -> list[Problem]:
    """Every structural and semantic problem of one parsed document, sorted by pointer."""
    problems = list(schema_problems(file, doc))
    if not isinstance(doc, dict):
        return problems
    seed_found, text = seed_problems(file, corpus, doc)
    problems += seed_found
    problems += id_problems(file, path, doc)
    if text is not None:
        problems += offset_problems(file, doc, text)
    problems += reference_problems(file, doc)
    problems += crossing_problems(file, doc)
    problems += timex_problems(file, doc)
    problems += claim_problems(file, doc)
    problems += date_bound_problems(file, doc)
    return sorted(set(problems), key=lambda p: (p.pointer, p.code, p.message))


def validate_file(path: Path, corpus: Corpus) -> list[Problem]:
    """Every problem of one annotation file."""
    file = str(path)
    doc, problems = parse_file(file, path)
    return problems or validate_document(file, path, doc, corpus)


def validate(corpus: Corpus, paths: Iterable[Path] = ()) -> Report:
    """Validate the annotation files named by ``paths`` (default: all of the corpus)."""
    report = Report()
    for path in corpus.annotation_files(paths):
        report.files += 1
        report.problems += validate_file(path, corpus)
    return report
