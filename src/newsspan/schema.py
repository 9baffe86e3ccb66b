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


def _enum(def_name: str, prop: str) -> tuple[str, ...]:
    return tuple(load_schema()["$defs"][def_name]["properties"][prop]["enum"])


def entity_labels() -> tuple[str, ...]:
    """OntoNotes name types allowed as entity labels."""
    return _enum("entity", "label")


def timex_types() -> tuple[str, ...]:
    """TIMEX3 types allowed for dates."""
    return _enum("date", "type")


def quotation_forms() -> tuple[str, ...]:
    """Quotation forms (direct, indirect, mixed)."""
    return _enum("quotation", "form")


def claim_types() -> tuple[str, ...]:
    """Claim types of the newsspan taxonomy."""
    return _enum("claim", "type")


def splits() -> tuple[str, ...]:
    """Dataset split names a document may belong to."""
    return tuple(load_schema()["properties"]["metadata"]["properties"]["split"]["enum"])


def annotation_statuses() -> tuple[str, ...]:
    """Annotation statuses (draft, reviewed, adjudicated)."""
    return tuple(load_schema()["properties"]["annotation"]["properties"]["status"]["enum"])


def schema_version() -> str:
    """The schema_version a document must declare."""
    return load_schema()["properties"]["schema_version"]["const"]
