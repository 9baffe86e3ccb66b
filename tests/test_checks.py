"""Consistency checks: one fixture per warning code, cross-document warnings, the seed, and the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.corpus import Corpus
from newsspan.review.checks import CODES, check_all, check_corpus, check_document, find_mentions, quoted_stretches
from newsspan.validation import validate

from .conftest import invoke, mutated

FIXTURES = Path(__file__).parent / "fixtures" / "checks"
SINGLE = Corpus(FIXTURES / "single")
CROSS = Corpus(FIXTURES / "cross")


def codes(doc, text) -> set[str]:
    return {w.code for w in check_document(doc, text, "doc.json")}


def test_fixtures_are_valid_documents():
    assert validate(SINGLE).problems == []
    assert validate(CROSS).problems == []


def test_every_code_has_a_fixture():
    names = {path.stem for path in SINGLE.annotation_files()}
    assert set(CODES) <= names


@pytest.mark.parametrize("code", sorted(CODES))
def test_fixture_triggers_exactly_its_code(code):
    doc, text = SINGLE.load(SINGLE.annotation_path(code))
    warnings = check_document(doc, text, code)
    assert [w.code for w in warnings] == [code]
    assert all(w.message and w.suggestion and w.pointer.startswith("/") for w in warnings)


def test_clean_fixture_and_seed_have_no_warnings(seed_document):
    doc, text = SINGLE.load(SINGLE.annotation_path("clean"))
    assert check_document(doc, text) == []
    assert check_document(*seed_document) == []


def test_pointers_locate_the_problem():
    doc, text = SINGLE.load(SINGLE.annotation_path("unannotated-mention"))
    (warning,) = check_document(doc, text)
    assert warning.pointer == "/text/24-32"  # the second "Pakistan"
    assert text[24:32] == "Pakistan"
    doc, text = SINGLE.load(SINGLE.annotation_path("quote-unannotated"))
    (warning,) = check_document(doc, text)
    assert text[14:24] == "“no entry”" and warning.pointer == "/text/14-24"
    doc, text = SINGLE.load(SINGLE.annotation_path("label-conflict"))
    (warning,) = check_document(doc, text)  # tie: the earlier label (PERSON) is the reference
    assert warning.pointer == "/entities/1"


def test_cross_document_warnings():
    found = {(Path(w.file).stem, w.code, w.pointer) for w in check_corpus(CROSS)}
    assert found == {
        ("cross-a", "label-conflict", "/entities/1"),   # Indus: LOC here, ORG in cross-c
        ("cross-b", "unannotated-mention", "/text/0-7"),  # Karachi: GPE in cross-a
        ("cross-c", "label-conflict", "/entities/0"),
    }
    for path in CROSS.annotation_files():
        assert check_document(*CROSS.load(path)) == []
    assert {(w.file, w.code) for w in check_all(CROSS)} == {(w.file, w.code) for w in check_corpus(CROSS)}


# --- the seed, changed in one place -----------------------------------------------------

def drop_entity(doc, start: int, end: int):
    changed = mutated(doc)
    changed["entities"] = [e for e in changed["entities"] if (e["start"], e["end"]) != (start, end)]
    return changed


def test_dropping_one_pakistan_is_noticed(seed_document):
    doc, text = seed_document
    (warning,) = check_document(drop_entity(doc, 806, 814), text)
    assert (warning.code, warning.pointer) == ("unannotated-mention", "/text/806-814")


def test_names_inside_longer_spans_or_words_are_not_mentions(seed_document):
    doc, text = seed_document
    # "Tokayev" inside PERSON "Kassym-Jomart Tokayev" (29-50) and "Kazakh" inside "Kazakhstan" are fine;
    # dropping the nested GPE "Pakistan" of the EVENT (683-691) is not reported either: it lies in a longer span.
    assert check_document(drop_entity(doc, 683, 691), text) == []


def test_relative_dates_need_a_resolvable_anchor(seed_document):
    doc, text = seed_document
    no_dct = mutated(doc)
    no_dct["metadata"]["published"].update(earliest=None, latest=None)
    found = {(w.code, w.pointer) for w in check_document(no_dct, text)}
    # d2 and d4 are anchored to dct; d3 is anchored to d2, whose anchor is dct: all three are unresolvable.
    assert found == {("date-unresolvable-anchor", f"/dates/{i}/anchor") for i in (1, 2, 3)}
    with_date = mutated(no_dct)
    with_date["metadata"]["published"]["date"] = "2026-02-01"
    assert check_document(with_date, text) == []


def test_possessive_and_title_in_seed_spans(seed_document):
    doc, text = seed_document
    changed = mutated(doc)
    changed["entities"][6].update(end=273, text=text[263:273])  # "Pakistan’s"
    changed["entities"][8].update(start=391, text=text[391:420])  # "Prime Minister Shehbaz Sharif"
    assert text[391:420] == "Prime Minister Shehbaz Sharif"
    found = {(w.code, w.pointer) for w in check_document(changed, text)}
    assert found == {("entity-possessive", "/entities/6"), ("entity-title", "/entities/8")}


def test_undecided_claim_in_seed(seed_document):
    doc, text = seed_document
    changed = mutated(doc)
    changed["claims"][2]["checkworthy"] = None
    found = [(w.code, w.pointer) for w in check_document(changed, text)]
    assert found == [("claim-undecided", "/claims/2/checkworthy")]


# --- helpers ----------------------------------------------------------------------------

def test_quoted_stretches():
    text = 'He said “yes” and "no".\n“Open paragraph\nclosing only” here'
    assert list(quoted_stretches(text)) == [(8, 13), (18, 22), (24, 39), (40, 53)]


def test_mentions_respect_word_boundaries():
    text = "Kazakh Kazakhstan then-Kazakh Kazakh_ x Kazakh"
    assert [(s, a) for s, a, _ in find_mentions(text, ["Kazakh"])] == [("Kazakh", 0), ("Kazakh", 23), ("Kazakh", 40)]
    assert list(find_mentions("Paris", ["Paris Hilton"])) == []  # longer than what is left of the text


@settings(deadline=None)
@given(st.text(alphabet="ab -’.", max_size=40), st.lists(st.text(alphabet="ab -", min_size=1, max_size=5), max_size=4))
def test_mentions_are_exact_occurrences_on_boundaries(text, strings):
    for string, start, end in find_mentions(text, strings):
        assert text[start:end] == string and string in strings
        assert start == 0 or not (text[start - 1].isalnum() or text[start - 1] == "_")
        assert end == len(text) or not (string[-1].isalnum() and text[end].isalnum())


# --- CLI --------------------------------------------------------------------------------

def test_cli_json_lists_each_fixture_code_and_exits_1():
    result = invoke(["check", "--root", str(SINGLE.root), "--json"])
    assert result.exit_code == 1, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["checked"] == len(CODES) + 1
    assert {(Path(w["file"]).stem, w["code"]) for w in report["warnings"]} == {(code, code) for code in CODES}


def test_cli_seed_exits_0():
    repo = Path(__file__).resolve().parents[1]
    result = invoke(["check", "--root", str(repo), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["warnings"] == []


def test_cli_ignore_and_usage_errors():
    one = str(SINGLE.annotation_path("claim-undecided"))
    result = invoke(["check", one, "--root", str(SINGLE.root), "--ignore", "claim-undecided"])
    assert result.exit_code == 0, result.output
    assert invoke(["check", "--root", str(SINGLE.root), "--ignore", "no-such-code"]).exit_code == 2
    assert invoke(["check", "--root", str(FIXTURES)]).exit_code == 2  # no annotations/ folder


def test_cli_reports_invalid_files_instead_of_checking_them(tmp_path):
    corpus_root = tmp_path
    (corpus_root / "annotations").mkdir()
    (corpus_root / "annotations" / "broken.json").write_text("{", encoding="utf-8")
    result = invoke(["check", "--root", str(corpus_root), "--json"])
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["checked"] == 0 and [e["code"] for e in report["errors"]] == ["json-malformed"]
