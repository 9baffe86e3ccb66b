"""The fast yes/no check of an annotation file: is everything right, or must it be reported on?

Parsing and structural validation are one C pass: the annotation bytes are decoded by msgspec
straight into typed Structs that are generated, at import time, *from* the JSON Schema (the
schema stays the single source of truth): ``enum``/``const`` become ``Literal``, ``pattern``,
``minimum``, ``minLength`` and ``minItems`` become :class:`msgspec.Meta` constraints,
``additionalProperties: false`` forbids unknown fields, ``oneOf`` with ``null`` is ``Optional``.
The semantic checks then run over the Structs' attributes with C-level ``map``/``set``
operations instead of per-span Python code.

This check only ever says "passes" or "don't know": any decode or validation error, any
semantic doubt, sends the document to the reporting path of :mod:`newsspan.validate`, which
builds the problems. The generated types are at least as strict as the schema (e.g. JSON
Schema takes ``1.0`` as an integer, msgspec does not), so they never pass a document the
schema rejects; tests check they accept what the schema accepts on real documents.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable
from functools import cache
from itertools import chain
from operator import attrgetter, eq, neg, sub
from typing import Annotated, Any, Literal

import msgspec
from msgspec import UNSET, Meta, UnsetType

from .schema import load_schema
from .text import canonical_text

#: Keywords that only annotate (JSON Schema 2020-12 does not assert ``format`` by default).
_ANNOTATIONS = frozenset({"title", "description", "format", "$schema", "$id", "$defs", "$comment", "examples"})
_PRIMITIVES: dict[str, Any] = {"string": str, "integer": int, "number": float, "boolean": bool, "null": None}


class UnsupportedSchema(ValueError):
    """The schema uses a construct the Struct generator does not translate (validation stays correct, but slow)."""


# --- Structs from the JSON Schema ----------------------------------------------------------

def python_pattern(pattern: str) -> str:
    """An ECMA-262 ``pattern`` as a Python regex with the same matches.

    Python's ``$`` also matches before a final newline, ECMA's does not: an end anchor becomes ``\\Z``.
    Classes whose meaning differs between the two (``\\d``, ``\\w``, ``\\s``, ``\\b``) are refused.
    """
    if re.search(r"\\[dDwWsSbB]", pattern):
        raise UnsupportedSchema(f"pattern {pattern!r}: character classes differ between ECMA-262 and Python")
    body, anchored = (pattern[:-1], True) if pattern.endswith("$") and not pattern.endswith("\\$") else (pattern, False)
    if re.search(r"(?<!\\)\$", body):
        raise UnsupportedSchema(f"pattern {pattern!r}: '$' is only translated at the end")
    return body + ("\\Z" if anchored else "")


class _Generator:
    """Turns schema nodes into msgspec types; one Struct per object node (``$defs`` are shared)."""

    def __init__(self, schema: dict[str, Any]):
        self.schema = schema
        self.defs: dict[str, Any] = {}

    def type_of(self, node: dict[str, Any], name: str) -> Any:
        if "$ref" in node:
            self._only(node, {"$ref"}, name)
            return self._ref(node["$ref"])
        if "const" in node:
            self._only(node, {"const"}, name)
            return Literal[node["const"]]
        if "enum" in node:
            self._only(node, {"enum"}, name)
            return Literal[tuple(node["enum"])]
        if "oneOf" in node:
            self._only(node, {"oneOf"}, name)
            return self._one_of(node["oneOf"], name)
        kinds = node.get("type")
        if kinds == "object":
            return self._struct(node, name)
        if kinds == "array":
            self._only(node, {"type", "items", "minItems"}, name)
            items = list[self.type_of(node["items"], name + "Item")]  # type: ignore[misc]
            return Annotated[items, Meta(min_length=node["minItems"])] if "minItems" in node else items
        if isinstance(kinds, str):
            return self._primitive(node, kinds, name)
        if isinstance(kinds, list) and "null" in kinds and len(kinds) == 2:
            other = next(k for k in kinds if k != "null")
            return self._primitive(node, other, name) | None
        raise UnsupportedSchema(f"{name}: cannot translate {sorted(node)}")

    def _only(self, node: dict[str, Any], allowed: set[str], name: str) -> None:
        extra = set(node) - allowed - _ANNOTATIONS
        if extra:
            raise UnsupportedSchema(f"{name}: cannot translate {sorted(extra)} next to {sorted(allowed)}")

    def _ref(self, ref: str) -> Any:
        if not ref.startswith("#/$defs/"):
            raise UnsupportedSchema(f"$ref {ref!r}: only local #/$defs/ references are translated")
        key = ref.rsplit("/", 1)[1]
        if key not in self.defs:
            self.defs[key] = self.type_of(self.schema["$defs"][key], _camel(key))
        return self.defs[key]

    def _primitive(self, node: dict[str, Any], kind: str, name: str) -> Any:
        if kind not in _PRIMITIVES:
            raise UnsupportedSchema(f"{name}: type {kind!r}")
        constraints: dict[str, Any] = {}
        if kind == "string":
            self._only(node, {"type", "pattern", "minLength"}, name)
            if "pattern" in node:
                constraints["pattern"] = python_pattern(node["pattern"])
            if "minLength" in node:
                constraints["min_length"] = node["minLength"]
        elif kind in ("integer", "number"):
            self._only(node, {"type", "minimum", "maximum"}, name)
            if "minimum" in node:
                constraints["ge"] = node["minimum"]
            if "maximum" in node:
                constraints["le"] = node["maximum"]
        else:
            self._only(node, {"type"}, name)
        base = _PRIMITIVES[kind]
        return Annotated[base, Meta(**constraints)] if constraints else base

    def _one_of(self, alternatives: list[dict[str, Any]], name: str) -> Any:
        """``oneOf``: null or one value type; several string alternatives become one alternation pattern."""
        nullable = {"type": "null"} in alternatives
        rest = [alt for alt in alternatives if alt != {"type": "null"}]
        if len(rest) == 1:
            value = self.type_of(rest[0], name)
        else:
            value = Annotated[str, Meta(pattern="|".join(f"(?:{self._string_pattern(alt, name)})" for alt in rest))]
        return value | None if nullable else value

    def _string_pattern(self, node: dict[str, Any], name: str) -> str:
        """A Python regex matching exactly the strings ``node`` accepts (a string constant or pattern)."""
        if "$ref" in node:
            node = self.schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
        if isinstance(node.get("const"), str):
            return f"^{re.escape(node['const'])}\\Z"
        if node.get("type") == "string" and set(node) - _ANNOTATIONS == {"type", "pattern"}:
            return python_pattern(node["pattern"])
        raise UnsupportedSchema(f"{name}: oneOf alternatives other than strings, constants and null")

    def _struct(self, node: dict[str, Any], name: str) -> type[msgspec.Struct]:
        self._only(node, {"type", "additionalProperties", "required", "properties"}, name)
        if node.get("additionalProperties") is not False:
            raise UnsupportedSchema(f"{name}: only objects with additionalProperties: false are translated")
        required = set(node.get("required", ()))
        fields: list[tuple[str, Any] | tuple[str, Any, Any]] = []
        for key, child in node.get("properties", {}).items():
            kind = self.type_of(child, name + _camel(key))
            fields.append((key, kind) if key in required else (key, kind | UnsetType, UNSET))
        return msgspec.defstruct(name, fields, kw_only=True, forbid_unknown_fields=True, gc=False)


def _camel(key: str) -> str:
    return "".join(part.capitalize() for part in key.split("_"))


@cache
def document_type() -> Any:
    """The Struct type of a whole document, generated from the schema (raises UnsupportedSchema)."""
    return _Generator(load_schema()).type_of(load_schema(), "Document")


@cache
def decoder() -> msgspec.json.Decoder | None:
    """A JSON decoder into :func:`document_type`, or None when the schema cannot be translated."""
    try:
        return msgspec.json.Decoder(document_type())
    except UnsupportedSchema:
        return None


def decode(data: bytes) -> Any | None:
    """The document as Structs if it is well-formed and follows the schema, else None."""
    strict = decoder()
    if strict is None:
        return None
    try:
        return strict.decode(data)
    except msgspec.DecodeError:  # ValidationError is a DecodeError
        return None


# --- the seed -------------------------------------------------------------------------------

def pinned_text(data: bytes, pinned: str) -> str | None:
    """The canonical text of seed bytes if its SHA-256 is ``pinned``, else None.

    Most seeds differ from their canonical text at most by ASCII whitespace at the end (no BOM,
    no CR): then the canonical text's UTF-8 encoding is a prefix of the bytes, hashed in place
    without re-encoding. Other seeds go through :func:`newsspan.text.canonical_text`.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    canonical = text.rstrip()
    trailing = text[len(canonical):]
    if b"\r" in data or canonical[:1] == "\ufeff" or not trailing.isascii():
        canonical = canonical_text(data)
        encoded: bytes | memoryview = canonical.encode("utf-8")
    else:
        encoded = memoryview(data)[: len(data) - len(trailing)]
    return canonical if hashlib.sha256(encoded).hexdigest() == pinned else None


# --- meaning, over Structs ------------------------------------------------------------------

_START, _END, _TEXT, _ID = attrgetter("start"), attrgetter("end"), attrgetter("text"), attrgetter("id")
_ANCHOR, _TYPE, _VALUE = attrgetter("anchor"), attrgetter("type"), attrgetter("value")
_BEGIN, _FINISH = attrgetter("begin_point"), attrgetter("end_point")
_SPEAKER, _CLAIMANT, _QUOTATION = attrgetter("speaker"), attrgetter("claimant"), attrgetter("quotation")
_SOURCE, _CUE = attrgetter("source"), attrgetter("cue")
_NOTHING = frozenset({None, UNSET})
#: Guidelines §G7: statuses whose documents hold no machine span (provenance kind) nobody accepted.
GOLD_STATUSES = frozenset({"reviewed", "adjudicated"})
MACHINE_KINDS = frozenset({"model", "rule"})


def spans_ok(items: list[Any], text: str) -> list[int] | None:
    """The starts of spans that are in range, non-empty, match the text and are trimmed; else None.

    Every step is a C-level ``map`` over the Structs, and the covered text is compared in place
    (``text.startswith(covered, start)``) rather than sliced out: no Python code, no copy per span.
    """
    if not items:
        return []
    starts, covered = list(map(_START, items)), list(map(_TEXT, items))
    lengths = list(map(len, covered))
    if min(starts) < 0 or min(lengths) < 1 or lengths != list(map(sub, map(_END, items), starts)):
        return None
    if not all(map(text.startswith, covered, starts)) or list(map(str.strip, covered)) != covered:
        return None
    return starts


def _layer_ok(items: list[Any], text: str, ids: set[str]) -> list[tuple[int, int]] | None:
    """:func:`spans_ok`, plus unique offsets and unique ids (added to ``ids``, shared across layers).

    Returns the spans as (start, -end) pairs: sorted, they put an enclosing span before what it contains.
    """
    starts = spans_ok(items, text)
    if starts is None:
        return None
    keys = list(zip(starts, map(neg, map(_END, items)), strict=True))
    if len(set(keys)) != len(items):
        return None
    before = len(ids)
    ids.update(map(_ID, items))
    return keys if len(ids) - before == len(items) else None


def nested(keys: list[tuple[int, int]]) -> bool:
    """Distinct spans, as (start, -end) pairs, nest or are disjoint (the algorithm of ``crossing_problems``)."""
    enclosing: list[float] = [math.inf]  # ends of the spans around the current one (inf: the whole text)
    for start, neg_end in sorted(keys):
        while enclosing[-1] <= start:
            enclosing.pop()
        if enclosing[-1] < -neg_end:
            return False
        enclosing.append(-neg_end)
    return True


def _dates_ok(dates: list[Any], date_ids: set[str], timex_expectation: Callable[[Any, str], str | None]) -> bool:
    """Anchors and begin/end points name other dates (points only on durations); values fit their types."""
    anchors = list(map(_ANCHOR, dates))
    if not set(anchors).difference(date_ids).issubset({None, "dct"}) or any(map(eq, anchors, map(_ID, dates))):
        return False
    if any(map(timex_expectation, map(_TYPE, dates), map(_VALUE, dates))):
        return False
    for date in dates:
        if date.begin_point is UNSET and date.end_point is UNSET:
            continue
        for point in (date.begin_point, date.end_point):
            if point is not UNSET and (date.type != "DURATION" or point == date.id or point not in date_ids):
                return False
    return True


def _attributions_ok(quotations: list[Any], claims: list[Any], entity_ids: set[str]) -> bool:
    """Speakers and claimants are entities; quotations exist; a quoted claim has the speaker as claimant."""
    speakers = dict(zip(map(_ID, quotations), map(_SPEAKER, quotations), strict=True))
    if not set(speakers.values()).difference(entity_ids).issubset(_NOTHING):
        return False
    if not set(map(_CLAIMANT, claims)).difference(entity_ids).issubset(_NOTHING):
        return False
    quoted = set(map(_QUOTATION, claims)).difference(_NOTHING)
    if not quoted.issubset(speakers.keys()):
        return False
    for claim in claims:
        quotation = claim.quotation
        if quotation in speakers and speakers[quotation] is not None and claim.claimant != speakers[quotation]:
            return False
    return True


def _metadata_ok(doc: Any, text: str) -> bool:
    published, note, dateline = doc.metadata.published, doc.annotation, doc.metadata.dateline
    if published.earliest is not None and published.latest is not None and published.earliest > published.latest:
        return False
    return note.created <= note.modified and (dateline is None or spans_ok([dateline], text) is not None)


def _provenance_ok(doc: Any) -> bool:
    """No unaccepted machine span in a reviewed or adjudicated document (guidelines §G7)."""
    if doc.annotation.status not in GOLD_STATUSES:
        return True
    for span in chain(doc.entities, doc.dates, doc.quotations, doc.claims):
        made = span.provenance
        if made is not UNSET and made.kind in MACHINE_KINDS and made.accepted_by is UNSET:
            return False
    return True


def document_ok(doc: Any, text: str, file_name: str, timex_expectation: Callable[[Any, str], str | None]) -> bool:
    """True when a decoded (schema-valid) document whose seed matched has no semantic problem at all."""
    if file_name != doc.id + ".json":
        return False
    ids: set[str] = set()
    entities = _layer_ok(doc.entities, text, ids)
    if entities is None or not nested(entities):
        return False
    entity_ids = set(ids)
    if _layer_ok(doc.dates, text, ids) is None:
        return False
    date_ids = ids - entity_ids
    quotations = doc.quotations
    if _layer_ok(quotations, text, ids) is None or _layer_ok(doc.claims, text, ids) is None:
        return False
    subspans = [span for span in chain(map(_SOURCE, quotations), map(_CUE, quotations)) if span is not None]
    return (spans_ok(subspans, text) is not None and _metadata_ok(doc, text) and _provenance_ok(doc)
            and _dates_ok(doc.dates, date_ids, timex_expectation)
            and _attributions_ok(quotations, doc.claims, entity_ids))
