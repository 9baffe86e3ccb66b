"""The JSON Schema of an annotated document, and the label inventories read from it.

``schema/document.schema.json`` is the single source of truth: the label sets below are
read from it, never kept by hand a second time.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from .model import LABEL_FIELD, LAYERS, Layer

SCHEMA_FILE = "document.schema.json"


def schema_path() -> Path:
    """Location of the schema: packaged with the wheel, or the repository's ``schema/`` folder."""
    packaged = resources.files("newsspan") / SCHEMA_FILE
    if packaged.is_file():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "schema" / SCHEMA_FILE


@cache
def load_schema() -> dict[str, Any]:
    """The parsed document schema."""
    return json.loads(schema_path().read_text(encoding="utf-8"))


def definition(ref: str) -> dict[str, Any]:
    """The schema node a local reference such as ``#/$defs/entity`` names (the one place ``$ref`` is resolved)."""
    if not ref.startswith("#/"):
        raise ValueError(f"$ref: expected a local reference such as #/$defs/entity; found {ref!r}")
    node: Any = load_schema()
    for part in ref[2:].split("/"):
        node = node[part.replace("~1", "/").replace("~0", "~")]
    return node


def resolve(node: dict[str, Any]) -> dict[str, Any]:
    """``node`` itself, or the definition its ``$ref`` names (with ``node``'s other keys, e.g. a description)."""
    if "$ref" not in node:
        return node
    return definition(node["$ref"]) | {key: value for key, value in node.items() if key != "$ref"}


def item_schema(layer: Layer) -> dict[str, Any]:
    """The schema of one item of a span layer (the ``$defs`` entry its ``items`` refer to)."""
    return resolve(load_schema()["properties"][layer]["items"])


@cache
def labels(layer: Layer) -> tuple[str, ...]:
    """The label inventory of a layer: the ``enum`` of its label field (``model.LABEL_FIELD``), schema order."""
    return tuple(item_schema(layer)["properties"][LABEL_FIELD[layer]]["enum"])


def layer_labels() -> dict[Layer, tuple[str, ...]]:
    """Every layer's label inventory (entity labels, TIMEX3 types, quotation forms, claim types)."""
    return {layer: labels(layer) for layer in LAYERS}


def entity_labels() -> tuple[str, ...]:
    """OntoNotes name types allowed as entity labels."""
    return labels("entities")


def timex_types() -> tuple[str, ...]:
    """TIMEX3 types allowed for dates."""
    return labels("dates")


def quotation_forms() -> tuple[str, ...]:
    """Quotation forms (direct, indirect, mixed)."""
    return labels("quotations")


def claim_types() -> tuple[str, ...]:
    """Claim types of the newsspan taxonomy."""
    return labels("claims")


def splits() -> tuple[str, ...]:
    """Dataset split names a document may belong to."""
    return tuple(load_schema()["properties"]["metadata"]["properties"]["split"]["enum"])


def annotation_statuses() -> tuple[str, ...]:
    """Annotation statuses (draft, reviewed, adjudicated)."""
    return tuple(load_schema()["properties"]["annotation"]["properties"]["status"]["enum"])


def schema_version() -> str:
    """The schema_version a document must declare."""
    return load_schema()["properties"]["schema_version"]["const"]
