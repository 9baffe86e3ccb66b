"""The annotated document as Python types: the four layers, their spans and references.

Documents stay plain JSON-shaped dicts (fast to load, no conversion); these TypedDicts
give them names and types, and the helpers walk their spans and references.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from typing import Any, Literal, TypedDict

if sys.version_info >= (3, 11):
    from typing import NotRequired
else:  # pragma: no cover
    from typing_extensions import NotRequired

Layer = Literal["entities", "dates", "quotations", "claims"]
LAYERS: tuple[Layer, ...] = ("entities", "dates", "quotations", "claims")

#: Id prefix of each layer's items (e1, d1, q1, c1).
ID_PREFIX: dict[Layer, str] = {"entities": "e", "dates": "d", "quotations": "q", "claims": "c"}

#: The attribute that plays the role of a label in each layer.
LABEL_FIELD: dict[Layer, str] = {"entities": "label", "dates": "type", "quotations": "form", "claims": "type"}

#: Every reference field: (layer, field) -> layer it must point into.
REFERENCES: dict[tuple[Layer, str], Layer] = {
    ("dates", "anchor"): "dates",
    ("dates", "begin_point"): "dates",
    ("dates", "end_point"): "dates",
    ("quotations", "speaker"): "entities",
    ("claims", "claimant"): "entities",
    ("claims", "quotation"): "quotations",
}

#: Sub-span fields of a layer's items (offsets without ids of their own).
SUBSPANS: dict[Layer, tuple[str, ...]] = {"quotations": ("source", "cue")}


class SubSpan(TypedDict):
    """A stretch of text without an id of its own (a quotation's source or cue, the dateline)."""

    start: int
    end: int
    text: str


class Entity(TypedDict):
    """A named-entity mention with its OntoNotes 5 label and optional Wikidata ``kb_id``."""

    id: str
    start: int
    end: int
    text: str
    label: str
    kb_id: NotRequired[str]
    note: NotRequired[str]


class Date(TypedDict):
    """A TimeML TIMEX3 temporal expression: ``type``, normalised ``value`` and optional date references."""

    id: str
    start: int
    end: int
    text: str
    type: str
    value: str
    anchor: str | None
    mod: NotRequired[str]
    begin_point: NotRequired[str]
    end_point: NotRequired[str]
    note: NotRequired[str]


class Quotation(TypedDict):
    """A reported utterance: its ``form``, optional source and cue sub-spans, and speaker entity id."""

    id: str
    start: int
    end: int
    text: str
    form: str
    source: SubSpan | None
    cue: SubSpan | None
    speaker: str | None
    note: NotRequired[str]


class Claim(TypedDict):
    """A claim-like statement: check-worthiness, claim ``type``, claimant entity id and optional quotation id."""

    id: str
    start: int
    end: int
    text: str
    checkworthy: bool | None
    type: str
    claimant: str | None
    quotation: NotRequired[str | None]
    note: NotRequired[str]


class Document(TypedDict):
    """One annotated article: seed pin, metadata, annotation record and the four span layers."""

    schema_version: str
    id: str
    seed: dict[str, Any]
    metadata: dict[str, Any]
    annotation: dict[str, Any]
    entities: list[Entity]
    dates: list[Date]
    quotations: list[Quotation]
    claims: list[Claim]


def iter_spans(doc: dict[str, Any]) -> Iterator[tuple[Layer, int, dict[str, Any]]]:
    """Yield ``(layer, index, span)`` for every span of every layer, in layer order."""
    for layer in LAYERS:
        items = doc.get(layer)
        if isinstance(items, list):
            for index, span in enumerate(items):
                if isinstance(span, dict):
                    yield layer, index, span


def span_label(layer: Layer, span: dict[str, Any]) -> str:
    """The label-like attribute of a span (entity label, TIMEX3 type, quotation form, claim type)."""
    return span[LABEL_FIELD[layer]]


def layer_of_id(span_id: str) -> Layer | None:
    """The layer an id belongs to, from its prefix (``e3`` -> entities)."""
    for layer, prefix in ID_PREFIX.items():
        if span_id.startswith(prefix) and span_id[len(prefix):].isdigit():
            return layer
    return None


def empty_layers() -> dict[Layer, list]:
    """Four empty layers, for a new document."""
    return {layer: [] for layer in LAYERS}
