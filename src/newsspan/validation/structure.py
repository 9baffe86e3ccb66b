"""Structure: does a parsed document follow ``schema/document.schema.json``?

The schema is compiled once with jsonschema-rs. :func:`is_valid` answers yes or no (no error
objects are built: the common case costs ~50 us a document); :func:`schema_problems` turns every
error into a :class:`Problem` whose message says what the schema expected and what was found.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import cache
from typing import Any

import orjson

from ..schema import definition, load_schema
from .problems import Problem, pointer


@cache
def validator() -> Any:
    """The compiled Draft 2020-12 validator of the document schema."""
    import jsonschema_rs

    return jsonschema_rs.validator_for(load_schema())


def is_valid(doc: Any) -> bool:
    """True when ``doc`` follows the schema."""
    return validator().is_valid(doc)


def schema_problems(file: str, doc: Any) -> Iterator[Problem]:
    """Every structural problem of a parsed document."""
    if is_valid(doc):
        return
    for error in validator().iter_errors(doc):
        path, message = _schema_message(error)
        yield Problem(file, pointer(*path), _kind_code(type(error.kind).__name__), message)


def describe(value: Any) -> str:
    """A value as JSON, cut to 60 characters (for messages)."""
    try:
        text = orjson.dumps(value).decode()
    except TypeError:  # nested too deep for the encoder
        text = f"{type(value).__name__} nested too deep to show"
    return text if len(text) <= 60 else text[:57] + "..."


def _kind_code(name: str) -> str:
    return "schema-" + re.sub(r"(?<!^)(?=[A-Z])", "-", name).lower()


def _schema_message(error: Any) -> tuple[list[str | int], str]:
    """Instance path and an 'expected ...; found ...' message for one jsonschema-rs error."""
    path = list(error.instance_path)
    kind = error.kind
    name = type(kind).__name__
    found = describe(error.instance)
    if name == "Required":
        return [*path, kind.property], f"expected required property {kind.property!r}; found it missing"
    if name == "Enum":
        return path, f"expected one of {', '.join(map(str, kind.options))}; found {found}"
    if name == "Type":
        return path, f"expected type {' or '.join(map(str, kind.types))}; found {found}"
    if name == "Constant":
        return path, f"expected {describe(kind.expected_value)}; found {found}"
    if name == "AdditionalProperties":
        return path, f"expected only the schema's properties; found unexpected {', '.join(kind.unexpected)}"
    if name == "Pattern":
        return path, f"expected {_pattern_expectation(error, kind.pattern)}; found {found}"
    return path, f"expected {_expectation(error)}; found {found} ({error.message})"


#: Longer patterns are not shown in messages: the schema's description (with examples) is, instead.
PATTERN_SHOWN = 80


def _pattern_expectation(error: Any, pattern: str) -> str:
    """A short pattern as it is; a long one by its schema title and description (which give examples)."""
    node: Any = load_schema()
    for part in list(error.schema_path)[:-1]:  # the node that holds "pattern"
        if (isinstance(node, dict) and part in node) or (isinstance(node, list) and isinstance(part, int)):
            node = node[part]
    if len(pattern) <= PATTERN_SHOWN or not isinstance(node, dict) or not node.get("description"):
        return f"a string matching {pattern}"
    return f"a {node.get('title', 'value')} ({node['description'].rstrip('.')})"


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
        node = definition(node["$ref"])
    if "const" in node:
        return repr(node["const"])
    if node.get("type") == "null":
        return "null"
    return node.get("description") or node.get("title") or "a valid value"
