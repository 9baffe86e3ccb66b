"""Validation: the seed is valid, and every kind of breakage is reported with its code and pointer."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from newsspan.validation import CODES, validate, validate_file

from .conftest import SEED_ID, mutated, write_annotation

Doc = dict[str, Any]


def test_seed_annotation_is_valid(repo_corpus):
    report = validate(repo_corpus)
    assert report.files == 1
    assert report.problems == []


def _set(path: str, value: Any) -> Callable[[Doc, str], None]:
    def change(doc: Doc, text: str) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.strip("/").split("/")]
        node = doc
        for part in parents:
            node = node[part]
        node[last] = value(doc, text) if callable(value) else value

    return change


def _append_entity(start_delta: int, end_delta: int, of: int) -> Callable[[Doc, str], None]:
    """Append a new entity whose offsets are those of entities[of] shifted by the deltas."""

    def change(doc: Doc, text: str) -> None:
        base = doc["entities"][of]
        start, end = base["start"] + start_delta, base["end"] + end_delta
        doc["entities"].append({"id": "e999", "start": start, "end": end, "text": text[start:end], "label": "ORG"})

    return change


def _widen_left(index: int) -> Callable[[Doc, str], None]:
    def change(doc: Doc, text: str) -> None:
        span = doc["entities"][index]
        span["start"] -= 1
        span["text"] = text[span["start"] : span["end"]]

    return change


def _drop(path: str) -> Callable[[Doc, str], None]:
    def change(doc: Doc, text: str) -> None:
        *parents, last = [int(p) if p.isdigit() else p for p in path.strip("/").split("/")]
        node = doc
        for part in parents:
            node = node[part]
        del node[last]

    return change


#: name -> (mutation, expected {(code, pointer)}). Indices refer to the seed annotation:
#: entities[1] is "Kazakhstan" after the dateline, entities[2] "Kassym-Jomart Tokayev",
#: dates[0] "two-day" (DURATION), claims[0] is made in quotation q1, claims[1] by the author.
CATALOGUE: dict[str, tuple[Callable[[Doc, str], None], set[tuple[str, str]]]] = {
    "end past the text": (
        _set("/entities/3/end", lambda d, t: len(t) + 5),
        {("offset-out-of-range", "/entities/3/end")},
    ),
    "empty span": (
        _set("/entities/3/end", lambda d, t: d["entities"][3]["start"]),
        {("offset-order", "/entities/3/end")},
    ),
    "float offset": (
        _set("/entities/3/start", lambda d, t: float(d["entities"][3]["start"])),
        {("offset-not-integer", "/entities/3/start")},
    ),
    "text differs from slice": (_set("/entities/2/text", "Tokayev"), {("span-text-mismatch", "/entities/2/text")}),
    "leading whitespace": (_widen_left(1), {("span-whitespace", "/entities/1")}),
    "duplicate id": (_set("/entities/1/id", "e1"), {("duplicate-id", "/entities/1/id")}),
    "dangling claimant": (_set("/claims/1/claimant", "e999"), {("dangling-reference", "/claims/1/claimant")}),
    "claimant in the wrong layer": (
        _set("/claims/1/claimant", "d1"),
        {("reference-wrong-layer", "/claims/1/claimant"), ("schema-one-of-not-valid", "/claims/1/claimant")},
    ),
    "self anchor": (_set("/dates/2/anchor", "d3"), {("self-reference", "/dates/2/anchor")}),
    "crossing entities": (_append_entity(7, 5, of=2), {("entity-crossing", "/entities/39")}),
    "same span twice": (_append_entity(0, 0, of=1), {("duplicate-span", "/entities/39")}),
    "duration without P": (_set("/dates/0/value", "2026-02"), {("timex-value-type", "/dates/0/value")}),
    "begin point on a DATE": (_set("/dates/1/begin_point", "d3"), {("timex-point-type", "/dates/1/begin_point")}),
    "claimant is not the speaker": (_set("/claims/0/claimant", None), {("claimant-mismatch", "/claims/0/claimant")}),
    "unknown label": (_set("/entities/0/label", "CITY"), {("schema-enum", "/entities/0/label")}),
    "missing checkworthy": (_drop("/claims/0/checkworthy"), {("schema-required", "/claims/0/checkworthy")}),
    "extra property": (_set("/entities/0/score", 0.9), {("schema-additional-properties", "/entities/0")}),
    "confidence above 1": (_set("/entities/0/confidence", 1.5), {("schema-maximum", "/entities/0/confidence")}),
    "unknown provenance kind": (
        _set("/dates/0/provenance", {"kind": "crowd", "name": "x"}), {("schema-enum", "/dates/0/provenance/kind")}
    ),
    "unaccepted machine span in gold": (
        _set("/claims/1/provenance", {"kind": "rule", "name": "newsspan-suggest", "version": "1"}),
        {("unaccepted-suggestion", "/claims/1/provenance")},
    ),
    "undecided claim in gold": (_set("/claims/2/checkworthy", None),
                                {("claim-undecided-in-gold", "/claims/2/checkworthy")}),
    "source past the text": (
        _set("/quotations/0/source/end", lambda d, t: len(t) + 3),
        {("offset-out-of-range", "/quotations/0/source/end")},
    ),
    "dateline text": (_set("/metadata/dateline/text", "Astana"), {("span-text-mismatch", "/metadata/dateline/text")}),
    "bounds reversed": (
        _set("/metadata/published/earliest", "2026-03-01"),
        {("date-bounds", "/metadata/published/latest")},
    ),
    "bad timex syntax": (_set("/dates/1/value", "3 Feb 2026"), {("schema-pattern", "/dates/1/value")}),
    "wrong id slug": (_set("/id", "Not A Slug"), {("schema-pattern", "/id"), ("id-filename-mismatch", "/id")}),
}


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_each_breakage_is_reported_with_its_code_and_pointer(name, corpus_copy, seed_document):
    change, expected = CATALOGUE[name]
    doc, text = mutated(seed_document[0]), seed_document[1]
    change(doc, text)
    path = write_annotation(corpus_copy, doc, f"{SEED_ID}.json")
    found = {(p.code, p.pointer) for p in validate_file(path, corpus_copy)}
    assert found == expected


def test_every_code_in_the_catalogue_is_documented():
    for _, expected in CATALOGUE.values():
        for code, _ in expected:
            assert code in CODES or code.startswith("schema-")


def test_all_problems_of_a_file_are_reported_at_once(corpus_copy, seed_document):
    doc, text = mutated(seed_document[0]), seed_document[1]
    for name in ("text differs from slice", "dangling claimant", "unknown label", "duration without P"):
        CATALOGUE[name][0](doc, text)
    problems = validate_file(write_annotation(corpus_copy, doc), corpus_copy)
    assert {p.code for p in problems} == {"span-text-mismatch", "dangling-reference", "schema-enum", "timex-value-type"}
    assert all(p.file.endswith(f"{SEED_ID}.json") for p in problems)
    assert all(p.message.startswith("expected ") and "found" in p.message for p in problems)


def test_changed_seed_text_is_caught(corpus_copy):
    seed = corpus_copy.seed_path("000_6260d41548216105.txt")
    seed.write_bytes(seed.read_bytes().replace(b"added that", b"added thAt"))
    problems = validate(corpus_copy).problems
    assert [(p.code, p.pointer) for p in problems] == [("text-hash-mismatch", "/seed/text_sha256")]


def test_changed_seed_under_a_span_is_caught_at_the_span_too(corpus_copy):
    seed = corpus_copy.seed_path("000_6260d41548216105.txt")
    seed.write_bytes(seed.read_bytes().replace(b"Shehbaz", b"Shahbaz"))
    found = {(p.code, p.pointer) for p in validate(corpus_copy).problems}
    assert ("text-hash-mismatch", "/seed/text_sha256") in found
    assert ("span-text-mismatch", "/entities/8/text") in found  # "Shehbaz Sharif"


def test_missing_seed(corpus_copy):
    corpus_copy.seed_path("000_6260d41548216105.txt").unlink()
    assert [(p.code, p.pointer) for p in validate(corpus_copy).problems] == [("seed-missing", "/seed/file")]


def test_seed_not_utf8(corpus_copy):
    corpus_copy.seed_path("000_6260d41548216105.txt").write_bytes(b"ASTANA:\n\xc3\x28 broken")
    problems = validate(corpus_copy).problems
    assert [(p.code, p.pointer) for p in problems] == [("seed-not-utf8", "/seed/file")]
    assert "byte 8" in problems[0].message and "line 2" in problems[0].message


def test_file_named_after_another_id(corpus_copy, seed_document):
    path = corpus_copy.annotation_path(SEED_ID)
    path.rename(path.with_name("other-name.json"))
    problems = validate(corpus_copy).problems
    assert [(p.code, p.pointer) for p in problems] == [("id-filename-mismatch", "/id")]


@pytest.mark.parametrize("content", [b"", b"{", b'{"id": "x",}', b"[1, 2", b"\xff\xfe{}"])
def test_malformed_json_is_a_problem_not_a_traceback(corpus_copy, content):
    corpus_copy.annotation_path(SEED_ID).write_bytes(content)
    problems = validate(corpus_copy).problems
    assert [(p.code, p.pointer) for p in problems] == [("json-malformed", "")]
    assert "line" in problems[0].message


def test_json_that_is_not_an_object(corpus_copy):
    corpus_copy.annotation_path(SEED_ID).write_bytes(b"[]")
    problems = validate(corpus_copy).problems
    assert [(p.code, p.pointer) for p in problems] == [("schema-type", "")]
