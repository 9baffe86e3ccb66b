"""The fast path: Structs generated from the JSON Schema accept exactly what the schema accepts,
the pinned seed hash is computed as the contract says, and the fast path never passes a
document the reporting path faults (so every problem is still reported, word for word)."""

from __future__ import annotations

import copy
import importlib
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspan import fastcheck
from newsspan.corpus import Corpus
from newsspan.text import canonical_text, text_sha256

from .conftest import SEED_ID
from .strategies import documents
from .test_validate import CATALOGUE

nv = importlib.import_module("newsspan.validate")

#: Values of every JSON type, and strings that test anchors, enums, minLength and id patterns.
#: (No integral floats such as 1.0: JSON Schema counts them as integers, msgspec does not: see below.)
ODD_VALUES = [None, True, False, 0, -1, 7, 2.5, "", " ", "x", "e1", "e1\n", "d2", "q1", "c1", "dct", "DCT", "Q5",
              "PERSON", "DATE", "DURATION", "direct", "opinion", "train", "draft", "1.0", "2026-02-03",
              "2026-02-03\n", "P2D", "PRESENT_REF", "https://example.org", "ftp://x", "en", "1.0.0",
              "0" * 64, [], ["x"], [""], {}, {"start": 0, "end": 1, "text": "x"}, {"start": 0, "end": 1}]


def _paths(node: Any, path: tuple = ()) -> list[tuple]:
    """Every path to a value inside a JSON document (the root excluded)."""
    found = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, child in items:
        found.append((*path, key))
        found.extend(_paths(child, (*path, key)))
    return found


def _mutate(doc: dict[str, Any], path: tuple, how: str, value: Any) -> None:
    parent = doc
    for key in path[:-1]:
        parent = parent[key]
    last = path[-1]
    value = copy.deepcopy(value)  # ODD_VALUES holds lists and dicts: never share (and later mutate) them
    if how == "delete":
        del parent[last]
    elif how == "extra" and isinstance(parent, dict):
        parent["unexpected"] = value
    else:
        parent[last] = value


def _agree(doc: Any) -> None:
    accepted = fastcheck.decode(orjson.dumps(doc)) is not None
    assert accepted == nv._validator().is_valid(doc), orjson.dumps(doc)[:300]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_generated_types_accept_exactly_what_the_schema_accepts(pair, data):
    doc = copy.deepcopy(pair[0])
    _agree(doc)  # a valid document is accepted by both
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        how = data.draw(st.sampled_from(["set", "set", "delete", "extra"]))
        _mutate(doc, path, how, data.draw(st.sampled_from(ODD_VALUES)))
    _agree(doc)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_catalogue_case_is_judged_alike_and_reported_by_the_reporting_path(name, seed_document):
    change, _ = CATALOGUE[name]
    doc, text = copy.deepcopy(seed_document[0]), seed_document[1]
    change(doc, text)
    if name != "float offset":  # 1.0 is an integer to JSON Schema, not to the fast path (see below)
        _agree(doc)
    file = f"{SEED_ID}.json"
    assert not nv.document_ok(orjson.dumps(doc), text, file)
    reporting = nv._document_problems(file, Path(file), doc, Corpus(Path(".")), text.encode("utf-8"),
                                      schema_valid=nv._validator().is_valid(doc))
    assert reporting
    assert nv.validate_record(file, orjson.dumps(doc), text.encode("utf-8")) == reporting


def test_the_seed_document_passes_the_fast_path(seed_document):
    doc, text = seed_document
    assert nv.document_ok(orjson.dumps(doc), text, f"{SEED_ID}.json")
    assert not nv.document_ok(orjson.dumps(doc), text, "another-name.json")


@pytest.mark.parametrize(("field", "value"), [("/id", "islamabadpost-214638\n"), ("/entities/0/id", "e1\n"),
                                              ("/dates/0/anchor", "dct\n"), ("/annotation/created", "2026-02-03\n")])
def test_a_final_newline_does_not_satisfy_a_pattern_end_anchor(seed_document, field, value):
    """Python's ``$`` matches before a final newline, ECMA-262's does not: the generator must use ``\\Z``."""
    doc = copy.deepcopy(seed_document[0])
    *parents, last = [int(p) if p.isdigit() else p for p in field.strip("/").split("/")]
    _mutate(doc, (*parents, last), "set", value)
    assert not nv._validator().is_valid(doc)
    _agree(doc)


def test_integral_floats_are_integers_to_the_schema_but_go_to_the_reporting_path(corpus_copy, seed_document):
    doc = copy.deepcopy(seed_document[0])
    doc["entities"][0]["start"] = float(doc["entities"][0]["start"])
    assert nv._validator().is_valid(doc)
    assert fastcheck.decode(orjson.dumps(doc)) is None  # stricter: never a pass it should not give
    path = corpus_copy.annotation_path(SEED_ID)
    path.write_bytes(orjson.dumps(doc))
    found = [(p.code, p.pointer) for p in nv.validate_file(path, corpus_copy)]
    assert found == [("offset-not-integer", "/entities/0/start")]  # a str index must be an int; no traceback


@pytest.mark.parametrize("node", [
    {"type": "object", "properties": {}},  # additionalProperties not false
    {"type": "string", "pattern": "^\\d+$"},  # \d differs between ECMA-262 and Python
    {"type": "string", "maxLength": 3},  # a keyword the generator does not know
    {"anyOf": [{"type": "string"}, {"type": "integer"}]},
    {"type": "number", "multipleOf": 0.5},
])
def test_an_untranslatable_schema_is_refused_not_approximated(node):
    with pytest.raises(fastcheck.UnsupportedSchema):
        fastcheck._Generator({"$defs": {}}).type_of(node, "Node")


@pytest.mark.parametrize(("confidence", "valid"), [(0, True), (1, True), (0.25, True), (1.0001, False),
                                                   (-0.1, False), (True, False), ("0.5", False)])
def test_confidence_numbers_pass_the_fast_path_exactly_when_the_schema_allows_them(seed_document, confidence, valid):
    doc = copy.deepcopy(seed_document[0])
    doc["entities"][0].update(confidence=confidence, provenance={"kind": "rule", "name": "r", "accepted_by": "me"})
    assert (fastcheck.decode(orjson.dumps(doc)) is not None) is valid
    assert (list(nv.schema_problems("f", doc)) == []) is valid


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "é", "😀", " ", "\t", "\n", "\r", "\u2003", "\u00a0", "\ufeff"]),
               max_size=30))
def test_the_pinned_hash_is_the_sha256_of_the_canonical_text(raw):
    data = raw.encode("utf-8")
    canonical = canonical_text(data)
    assert fastcheck.pinned_text(data, text_sha256(canonical)) == canonical
    assert fastcheck.pinned_text(data, "0" * 64) is None


def test_seed_bytes_that_are_not_utf8_do_not_pass():
    assert fastcheck.pinned_text(b"caf\xe9", text_sha256("café")) is None
