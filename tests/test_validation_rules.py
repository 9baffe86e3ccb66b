"""The rule table: every path runs it, its whole-layer tests never hide a problem the item-by-item walk
finds, and the pinned seed hash is computed as the contract says."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspan.text import canonical_text, text_sha256
from newsspan.validation import RULES, document_problems, validate_file, validate_record
from newsspan.validation import document as document_module
from newsspan.validation import rules as rules_module
from newsspan.validation.document import canonical_and_hash, check_bytes, duplicate_key_problems
from newsspan.validation.problems import codes
from newsspan.validation.rules import Context, rule_problems

from .conftest import SEED_ID
from .strategies import documents
from .test_validate import CATALOGUE

#: Values of every JSON type, and strings that test anchors, enums, minLength and id patterns.
ODD_VALUES = [None, True, False, 0, -1, 7, 2.5, 3.0, "", " ", "x", "e1", "e1\n", "d2", "q1", "c1", "dct", "DCT", "Q5",
              "PERSON", "DATE", "DURATION", "direct", "opinion", "train", "draft", "1.0", "2026-02-03",
              "2026-02-03\n", "P2D", "PRESENT_REF", "https://example.org", "en", "1.0.0",
              "0" * 64, [], ["x"], [""], {}, {"start": 0, "end": 1, "text": "x"}, {"start": 0, "end": 1}]

#: The whole-layer tests of the rules (each answers "nothing to report here" or "walk the items").
LAYER_TESTS = ("spans_hold", "_columns_hold", "_layer_offsets_hold", "_all_offsets_hold", "_references_hold",
               "_layer_nesting_holds", "_timex_holds", "_claimants_hold", "_anchors_hold", "_suggestions_accepted",
               "_claims_decided", "_ON_CALENDAR", "compiled_holds")


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
    if how == "delete":
        del parent[last]
    elif how == "extra" and isinstance(parent, dict):
        parent["unexpected"] = value
    else:
        parent[last] = value


def _walked(doc: Any, ctx: Context) -> list:
    """The rules' problems with every whole-layer test answering "walk the items"."""
    with pytest.MonkeyPatch.context() as patch:
        for name in LAYER_TESTS:
            patch.setattr(rules_module, name, lambda *_: False)
        return rule_problems(doc, ctx)


def same_with_and_without_layer_tests(doc: Any, text: str, name: str = f"{SEED_ID}.json") -> None:
    """The rule table finds the same problems whether its whole-layer tests run or every item is walked."""
    ctx = Context("x.json", name, text)
    assert sorted(rule_problems(doc, ctx)) == sorted(_walked(doc, ctx)), orjson.dumps(doc)[:300]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents(), st.data())
def test_layer_tests_never_hide_what_the_walk_finds(pair, data):
    doc, text = copy.deepcopy(pair[0]), pair[1]
    same_with_and_without_layer_tests(doc, text)
    for _ in range(data.draw(st.integers(1, 3))):
        paths = _paths(doc)
        if not paths:
            break
        path = data.draw(st.sampled_from(paths))
        how = data.draw(st.sampled_from(["set", "set", "delete", "extra"]))
        _mutate(doc, path, how, data.draw(st.sampled_from(ODD_VALUES)))
    same_with_and_without_layer_tests(doc, text)


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_every_catalogue_case_is_reported_alike_by_every_path(name, seed_document, corpus_copy):
    change, expected = CATALOGUE[name]
    doc, text = copy.deepcopy(seed_document[0]), seed_document[1]
    change(doc, text)
    same_with_and_without_layer_tests(doc, text)
    file = f"{SEED_ID}.json"
    in_memory = validate_record(file, orjson.dumps(doc), text.encode("utf-8"))
    assert {(p.code, p.pointer) for p in in_memory} == expected
    path = corpus_copy.annotation_path(SEED_ID)
    path.write_bytes(orjson.dumps(doc))
    assert [(p.pointer, p.code, p.message) for p in validate_file(path, corpus_copy)] == \
        [(p.pointer, p.code, p.message) for p in in_memory]
    built = {(p.code, p.pointer) for p in document_problems(file, doc, text)}  # import's in-memory check
    assert built == {(c, p) for c, p in expected if c != "id-filename-mismatch"}


def test_the_seed_document_passes_every_rule(seed_document):
    doc, text = seed_document
    for name, rule in RULES.items():
        assert list(rule(doc, Context("x.json", f"{SEED_ID}.json", text))) == [], name
    assert validate_record(f"{SEED_ID}.json", orjson.dumps(doc), text.encode("utf-8")) == []
    assert [p.code for p in validate_record("another-name.json", orjson.dumps(doc), text.encode("utf-8"))] == \
        ["id-filename-mismatch"]


@pytest.mark.parametrize("status", ["draft", "reviewed", "adjudicated"])
def test_undecided_claims_are_allowed_in_drafts_only(seed_document, status):
    doc, text = copy.deepcopy(seed_document[0]), seed_document[1]
    doc["annotation"]["status"] = status
    for index in (0, 3):
        doc["claims"][index]["checkworthy"] = None
    found = [(p.code, p.pointer) for p in rule_problems(doc, Context("x.json", f"{SEED_ID}.json", text))]
    expected = [] if status == "draft" else [("claim-undecided-in-gold", f"/claims/{i}/checkworthy") for i in (0, 3)]
    assert found == expected


def test_every_rule_code_is_in_the_catalogue():
    source = Path(rules_module.__file__).read_text(encoding="utf-8")
    for code in codes("validate"):
        if code not in ("file-unreadable", "file-not-regular", "file-outside", "file-too-large", "json-malformed",
                        "json-too-deep", "json-duplicate-key", "schema-*", "seed-missing", "seed-outside",
                        "seed-not-utf8", "text-hash-mismatch"):  # read, parse, structure, seed: before rules
            assert f'"{code}"' in source, code  # every semantic code is produced by a rule of the table


def test_integral_floats_are_integers_to_the_schema_but_not_offsets(corpus_copy, seed_document):
    doc = copy.deepcopy(seed_document[0])
    doc["entities"][0]["start"] = float(doc["entities"][0]["start"])
    path = corpus_copy.annotation_path(SEED_ID)
    path.write_bytes(orjson.dumps(doc))
    found = [(p.code, p.pointer) for p in validate_file(path, corpus_copy)]
    assert found == [("offset-not-integer", "/entities/0/start")]  # a str index must be an int; no traceback


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from(["a", "é", "😀", " ", "\t", "\n", "\r", "\u2003", "\u00a0", "\ufeff"]),
               max_size=30))
def test_the_pinned_hash_is_the_sha256_of_the_canonical_text(raw):
    data = raw.encode("utf-8")
    assert canonical_and_hash(data) == (canonical_text(data), text_sha256(canonical_text(data)))


def test_seed_bytes_that_are_not_utf8_are_reported_with_their_place(seed_document):
    doc = seed_document[0]
    checked = check_bytes(f"{SEED_ID}.json", orjson.dumps(doc), Path("seeds"), lambda _name: b"caf\xe9")
    assert [(p.code, p.pointer) for p in checked.problems] == [("seed-not-utf8", "/seed/file")]
    assert "byte 3" in checked.problems[0].message


KEYS = st.text(alphabet=st.sampled_from(['a', 'b', ':', '"', '\\', 'é', ' ']), min_size=0, max_size=4)
VALUES = st.one_of(st.none(), st.integers(-5, 5), st.text(alphabet=st.sampled_from(['x', ':', '"', '\n']), max_size=4))


@pytest.mark.parametrize("compiled", [True, False])
@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(KEYS, VALUES), max_size=6), st.booleans(), st.booleans(), st.sampled_from([None, 2]))
def test_duplicate_keys_are_found_exactly(compiled, pairs, nested, ascii_only, indent):
    """Written by hand (json.dumps cannot repeat a key), in any layout: found iff a key repeats (with the compiled
    check and with the Python one)."""
    body = ", ".join(f"{json.dumps(k, ensure_ascii=ascii_only)}: {json.dumps(v, ensure_ascii=ascii_only)}"
                     for k, v in pairs)
    raw = "{" + body + "}"
    if nested:
        raw = '{"outer": [1, ' + raw + '], "x": "10:00"}'
    if indent:
        raw = json.dumps(json.loads(raw), indent=indent) if len({k for k, _ in pairs}) == len(pairs) else raw
    with pytest.MonkeyPatch.context() as patch:
        if not compiled:
            patch.setattr(document_module, "speedups", None)
        problems = duplicate_key_problems("f.json", raw.encode(), orjson.loads(raw))
    repeated = len({k for k, _ in pairs}) != len(pairs)
    assert bool(problems) == repeated, raw
    if repeated:
        assert {p.pointer for p in problems} == {"/outer/1" if nested else ""}


@settings(max_examples=2000, deadline=None)
@given(st.one_of(st.from_regex(r"[0-9]{4}-[0-9]{2}(-[0-9]{2})?[0-9T:X-]{0,4}", fullmatch=True),
                 st.text(alphabet="0123456789-TXWQ:", max_size=14)))
def test_the_calendar_fast_test_accepts_only_real_dates(value):
    """Whatever the C-level regex lets through, calendar_error finds nothing wrong with."""
    if rules_module._ON_CALENDAR(value):
        assert rules_module.calendar_error(value) is None
