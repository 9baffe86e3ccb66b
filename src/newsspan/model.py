"""The annotated document as Python types: the four layers, their spans and references.

Documents stay plain JSON-shaped dicts (:data:`Document`: fast to load, no conversion, the JSON
Schema describes them); the tables and helpers here name their layers and walk their spans and
references.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Literal

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


#: An annotated document: the parsed JSON as plain dicts and lists, shaped by
#: ``schema/document.schema.json`` (the schema is the one description of its fields; validation
#: checks a document against it). Plain dicts load fastest and every layer of the code reads them
#: the same way; spans are reached with :func:`iter_spans`, labels with :func:`span_label`.
Document = dict[str, Any]


def iter_spans(doc: Document) -> Iterator[tuple[Layer, int, dict[str, Any]]]:
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
