"""Consistency checks: one fixture per warning code, cross-document warnings, the seed, and the CLI."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.corpus import Corpus
from newsspan.review.boundaries import TextBoundaries
from newsspan.review.checks import (
    CODES,
    check_all,
    check_corpus,
    check_document,
    cut_warnings,
    find_mentions,
    quoted_stretches,
)
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
    across = [w for w in check_corpus(SINGLE) if Path(w.file).stem == code]  # duplicate-article needs the others
    warnings = check_document(doc, text, code) + across
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


# --- span boundaries inside words and characters, the same article twice -------------------

def apply(doc, pointer: str, value: int):
    """A copy of ``doc`` with the offset at ``pointer`` (e.g. /quotations/0/source/end) set to ``value``."""
    changed = mutated(doc)
    *path, last = [int(p) if p.isdigit() else p for p in pointer.split("/")[1:]]
    target = changed
    for part in path:
        target = target[part]
    target[last] = value
    return changed


def suggested_offsets(suggestion: str) -> list[int]:
    return [int(n) for n in re.findall(r"to (\d+)", suggestion)]


def test_a_seed_span_moved_into_a_word_is_noticed_and_each_suggested_fix_clears_it(seed_document):
    doc, text = seed_document
    index = next(i for i, e in enumerate(doc["entities"]) if e["text"] == "Shehbaz Sharif")  # named once
    entity = doc["entities"][index]
    shifted = mutated(doc)
    start, end = entity["start"] + 3, entity["end"] - 2
    shifted["entities"][index].update(start=start, end=end, text=text[start:end])  # "baz Shar"
    found = {w.pointer: w for w in check_document(shifted, text)}
    assert set(found) == {f"/entities/{index}/start", f"/entities/{index}/end"}
    first, last = found[f"/entities/{index}/start"], found[f"/entities/{index}/end"]
    assert first.code == last.code == "span-cuts-word"
    assert "'Shehbaz'" in first.message and "'Sharif'" in last.message
    assert suggested_offsets(first.suggestion) == [entity["start"], entity["start"] + 7]  # whole word, or after it
    assert suggested_offsets(last.suggestion) == [entity["end"], entity["end"] - 6]
    for warning in (first, last):
        for offset in suggested_offsets(warning.suggestion):
            fixed = apply(shifted, warning.pointer, offset)
            assert warning.pointer not in {w.pointer for w in cut_warnings(fixed, text, "f")}


def test_quotation_sources_and_cues_are_checked_too(seed_document):
    doc, text = seed_document
    cue = doc["quotations"][0]["cue"]
    broken = apply(doc, "/quotations/0/cue/end", cue["end"] - 1)
    (warning,) = check_document(broken, text)
    assert (warning.code, warning.pointer) == ("span-cuts-word", "/quotations/0/cue/end")
    assert warning.message.startswith(f"{doc['quotations'][0]['id']} cue ends at {cue['end'] - 1}")


def test_grapheme_messages_name_the_kind_of_character_and_its_code_points():
    text = "Flag 🇵🇰 team 👩\u200d💻 Jose\u0301 x"
    doc = {"entities": [{"id": "e1", "start": 5, "end": 6}, {"id": "e2", "start": 13, "end": 15},
                        {"id": "e3", "start": 17, "end": 20}], "dates": [], "quotations": [], "claims": []}
    found = {w.pointer: w for w in cut_warnings(doc, text, "f")}
    assert {p: w.code for p, w in found.items()} == {
        "/entities/0/end": "span-splits-grapheme", "/entities/1/end": "span-splits-grapheme",
        "/entities/2/end": "span-cuts-word"}  # e3 ends before the accented e, which is a whole character
    assert "flag" in found["/entities/0/end"].message and "U+1F1F5 U+1F1F0" in found["/entities/0/end"].message
    assert "ZWJ" in found["/entities/1/end"].message and "U+200D" in found["/entities/1/end"].message
    assert suggested_offsets(found["/entities/0/end"].suggestion) == [7]  # leaving the flag out would empty e1


def test_duplicate_article_built_in_tmp(tmp_path):
    for folder in ("annotations", "seeds"):
        (tmp_path / folder).mkdir()
    clean = json.loads(SINGLE.annotation_path("clean").read_text(encoding="utf-8"))
    shutil.copy(SINGLE.seeds_dir / "clean.txt", tmp_path / "seeds" / "a.txt")
    shutil.copy(SINGLE.seeds_dir / "clean.txt", tmp_path / "seeds" / "b.txt")
    for doc_id, seed in (("a-first", "a.txt"), ("b-again", "b.txt"), ("c-same-seed-file", "a.txt")):
        doc = mutated(clean)
        doc["id"], doc["seed"]["file"] = doc_id, seed
        (tmp_path / "annotations" / f"{doc_id}.json").write_text(json.dumps(doc), encoding="utf-8")
    corpus = Corpus(tmp_path)
    assert validate(corpus).problems == []
    found = [(Path(w.file).stem, w.code, w.pointer) for w in check_corpus(corpus)]
    assert found == [("b-again", "duplicate-article", "/seed/text_sha256"),
                     ("c-same-seed-file", "duplicate-article", "/seed/text_sha256")]
    (warning, _) = check_corpus(corpus)
    assert "a-first" in warning.message and str(corpus.annotation_path("a-first")) in warning.suggestion
    result = invoke(["check", "--root", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert [w["code"] for w in json.loads(result.stdout)["warnings"]] == ["duplicate-article"] * 2
    (tmp_path / "annotations" / "b-again.json").unlink()  # the fix: keep one document per text
    (tmp_path / "annotations" / "c-same-seed-file.json").unlink()
    assert check_corpus(corpus) == []


#: Pieces of text that are each exactly one grapheme cluster and stay one next to any other piece;
#: True for those inside words (letters, digits), False for the rest (Han letters: no spaces between words).
UNITS: dict[str, bool] = {
    "a": True, "Z": True, "é": True, "e\u0301": True, "a\u0308\u0301": True, "ß": True, "Ж": True, "ع": True,
    "क्ष": True, "7": True, "٣": True, "½": True,
    " ": False, ",": False, "-": False, "’": False, "\n": False, ".": False, "漢": False,
    "🇵🇰": False, "👩\u200d💻": False, "👍🏽": False, "🏳️\u200d🌈": False,
}


@st.composite
def text_and_span(draw):
    units = draw(st.lists(st.sampled_from(sorted(UNITS)), min_size=2, max_size=14))
    bounds = [0]
    for unit in units:
        bounds.append(bounds[-1] + len(unit))
    length = bounds[-1]
    start = draw(st.integers(0, length - 1))
    end = draw(st.integers(start + 1, length))
    return units, bounds, start, end


def expected_problem(units: list[str], bounds: list[int], offset: int) -> str | None:
    """What a boundary at ``offset`` does, from how the text was built (not from the code under test)."""
    if offset not in bounds:
        return "span-splits-grapheme"
    i = bounds.index(offset)
    inside = 0 < i < len(units) and UNITS[units[i - 1]] and UNITS[units[i]]
    return "span-cuts-word" if inside else None


@settings(max_examples=300, deadline=None)
@given(text_and_span())
def test_boundary_warnings_are_exactly_the_cuts_and_each_fix_clears_them(case):
    units, bounds, start, end = case
    text = "".join(units)
    doc = {"entities": [{"id": "e1", "start": start, "end": end}], "dates": [], "quotations": [], "claims": []}
    found = {w.pointer: w for w in cut_warnings(doc, text, "f")}
    expected = {f"/entities/0/{edge}": problem for edge, offset in (("start", start), ("end", end))
                if (problem := expected_problem(units, bounds, offset))}
    assert {p: w.code for p, w in found.items()} == expected
    for pointer, warning in found.items():
        offsets = suggested_offsets(warning.suggestion)
        assert offsets and all(o in bounds for o in offsets)
        for offset in offsets:  # every suggested offset is a clean boundary and keeps the span non-empty
            fixed = apply(doc, pointer, offset)
            span = fixed["entities"][0]
            assert span["start"] < span["end"]
            assert pointer not in {w.pointer for w in cut_warnings(fixed, text, "f")}


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(sorted(UNITS)), max_size=12))
def test_clusters_and_words_follow_the_pieces_the_text_is_made_of(units):
    text = "".join(units)
    bounds = TextBoundaries(text)
    offsets = [0]
    for unit in units:
        offsets.append(offsets[-1] + len(unit))
    assert [o for o in range(len(text) + 1) if bounds.is_cluster_boundary(o)] == (offsets if units else [0])
    for i in range(1, len(units)):
        word = bounds.word_around(offsets[i])
        assert (word is not None) == (UNITS[units[i - 1]] and UNITS[units[i]])
        if word:
            assert all(UNITS[u] for u, o in zip(units, offsets[:-1], strict=True) if word[0] <= o < word[1])


#: Characters that join or separate clusters in every way UAX #29 knows: CR LF, combining marks, ZWJ,
#: variation selectors, skin tones, regional indicators, Indic virama and consonants, Hangul jamo, Han.
JOINERS = "aZ7 .,’-\r\n\u0301\u0308\u200d\ufe0f🏽👩💻🏳🌈🇵🇰🇮🇳कषत्ि\u1100\u1161\u11a8漢ไทย\u0e31"


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=JOINERS, max_size=30))
def test_boundaries_agree_with_segmenting_the_whole_text(text):
    import regex

    clusters = [m.span() for m in regex.finditer(r"\X", text)]
    starts = {start for start, _ in clusters} | {len(text)}
    bounds = TextBoundaries(text)
    assert [o for o in range(len(text) + 1) if bounds.is_cluster_boundary(o)] == sorted(starts)
    for start, end in clusters:
        assert all(bounds.cluster_around(o) == (start, end) for o in range(start, end))
    words: list[tuple[int, int]] = []  # runs of clusters starting with a letter or digit (not Han, not Thai)
    for start, end in clusters:
        if regex.match(r"[\p{L}\p{N}]", text[start]) and not regex.match(r"[\p{Han}\p{Thai}]", text[start]):
            words[-1:] = [(words[-1][0], end)] if words and words[-1][1] == start else [*words[-1:], (start, end)]
    for offset in range(len(text) + 1):
        inside = [w for w in words if w[0] < offset < w[1] and offset in starts]
        assert bounds.word_around(offset) == (inside[0] if inside else None)


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
