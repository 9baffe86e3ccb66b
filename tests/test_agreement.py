"""Agreement and diff: hand-computed values on small fixtures, edge cases, matching properties, and the CLI.

Fixture tests/fixtures/agreement/{a,b}/agree-one.json, text
"Imran Khan met Nawaz Sharif in Lahore, Punjab, on Monday. “We agree,” Khan said."

    entities  A: Imran Khan PERSON, Nawaz Sharif PERSON, Lahore GPE, Khan (2nd) PERSON
              B: Khan (1st) PERSON, Nawaz Sharif ORG,    Lahore GPE, Punjab GPE
    dates     Monday: A XXXX-WXX-1, B 2026-02-02 (both DATE, anchor dct)
    quotes    "We agree" direct, same source/cue; speaker A = Khan (2nd), B = Khan (1st)
    claims    c1 checkworthy A true / B false; c2 claimant A = Khan (2nd), B = Khan (1st)
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.corpus import Corpus
from newsspan.review.agreement import (
    Scores,
    agree,
    cohen_kappa,
    compare,
    exact_pairs,
    overlap_pairs,
    span_scores,
)

from .conftest import invoke, mutated

ROOT = Path(__file__).parent / "fixtures" / "agreement"
CORPUS = Corpus(ROOT)


@pytest.fixture(scope="module")
def report():
    result, pairs, problems = agree(CORPUS, ROOT / "a", ROOT / "b")
    assert problems == [] and len(pairs) == 1
    return result


def scores(s: Scores) -> tuple:
    return s.a, s.b, s.matched, s.precision, s.recall, s.f1


def test_documents_are_matched_by_id(report):
    assert report.documents == ["agree-one"]
    assert report.only_in_a == ["agree-two"] and report.only_in_b == []


def test_entity_span_scores(report):
    entities = report.spans["entities"]
    assert scores(entities["exact_labelled"]) == (4, 4, 1, 0.25, 0.25, 0.25)        # Lahore
    assert scores(entities["exact_unlabelled"]) == (4, 4, 2, 0.5, 0.5, 0.5)         # + Nawaz Sharif
    assert scores(entities["overlap_labelled"]) == (4, 4, 2, 0.5, 0.5, 0.5)         # Lahore, Imran Khan~Khan
    assert scores(entities["overlap_unlabelled"]) == (4, 4, 3, 0.75, 0.75, 0.75)    # all three pairs


def test_entity_scores_per_label(report):
    labels = report.per_label["entities"]
    assert scores(labels["PERSON"]["exact"]) == (3, 1, 0, 0.0, 0.0, 0.0)
    assert scores(labels["PERSON"]["overlap"]) == (3, 1, 1, 1.0, 1 / 3, 0.5)
    assert scores(labels["GPE"]["exact"]) == (1, 2, 1, 0.5, 1.0, 2 / 3)
    assert scores(labels["ORG"]["exact"]) == (0, 1, 0, 0.0, None, 0.0)   # only B has one: recall undefined
    assert scores(labels["NORP"]["exact"]) == (0, 0, 0, None, None, None)


def test_other_layers_span_scores(report):
    for layer, n in (("dates", 1), ("quotations", 1), ("claims", 2)):
        for kind in ("exact_labelled", "overlap_unlabelled"):
            assert scores(report.spans[layer][kind]) == (n, n, n, 1.0, 1.0, 1.0)


def test_token_kappa(report):
    # 21 tokens; A labels PERSON x5, GPE x1, O x15; B PERSON x1, ORG x2, GPE x2, O x16; 5 tokens differ
    # (Imran, Nawaz, Sharif, Punjab, 2nd Khan). p_o = 16/21, p_e = (5*1 + 1*2 + 15*16)/21² = 247/441.
    tokens = report.token_kappa
    assert tokens.n == 21
    assert tokens.observed == pytest.approx(16 / 21)
    assert tokens.kappa == pytest.approx(89 / 194)


def test_attribute_agreement(report):
    got = {(layer, name): (a.n, a.observed, a.kappa)
           for layer, names in report.attributes.items() for name, a in names.items()}
    # entity labels of the 3 overlap pairs: A PERSON PERSON GPE, B PERSON ORG GPE: p_o 2/3, p_e 1/3 -> 0.5
    assert got[("entities", "label")] == (3, pytest.approx(2 / 3), pytest.approx(0.5))
    assert got[("entities", "kb_id")] == (3, 1.0, None)            # open value set: no kappa
    assert got[("dates", "type")] == (1, 1.0, None)                # one label on both sides: kappa undefined
    assert got[("dates", "value")] == (1, 0.0, None)
    assert got[("dates", "anchor")] == (1, 1.0, None)
    assert got[("quotations", "form")] == (1, 1.0, None)
    assert got[("quotations", "speaker")] == (1, 0.0, None)        # same text "Khan", different mention
    assert got[("quotations", "source")] == (1, 1.0, None)
    # check-worthiness A [true, false], B [false, false]: p_o 1/2, p_e 1/2 -> 0
    assert got[("claims", "checkworthy")] == (2, 0.5, 0.0)
    assert got[("claims", "type")] == (2, 1.0, 1.0)
    assert got[("claims", "claimant")] == (2, 0.5, None)
    assert got[("claims", "quotation")] == (2, 1.0, None)


def test_every_disagreement_is_listed(report):
    found = {(d.layer, d.kind, d.a_id, d.b_id, d.attribute) for d in report.disagreements}
    assert found == {
        ("entities", "missing_in_b", "e4", None, None),      # 2nd Khan
        ("entities", "missing_in_a", None, "e4", None),      # Punjab
        ("entities", "boundary", "e1", "e1", None),          # Imran Khan vs Khan
        ("entities", "label", "e2", "e2", "label"),          # Nawaz Sharif PERSON vs ORG
        ("dates", "attribute", "d1", "d1", "value"),
        ("quotations", "attribute", "q1", "q1", "speaker"),
        ("claims", "attribute", "c1", "c1", "checkworthy"),
        ("claims", "attribute", "c2", "c2", "claimant"),
    }
    assert len(report.disagreements) == len(found)
    assert all(d.doc == "agree-one" and d.message for d in report.disagreements)


# --- edge cases -------------------------------------------------------------------------

def quetta(with_entity: bool):
    doc, text = CORPUS.load(ROOT / "a" / "agree-two.json")
    doc = mutated(doc)
    if not with_entity:
        doc["entities"] = []
    return doc, text


def test_no_spans_at_all():
    doc, text = quetta(with_entity=False)
    result = compare([(text, doc, doc)])
    for layer in ("entities", "dates", "quotations", "claims"):
        for kind in ("exact_labelled", "overlap_unlabelled"):
            assert scores(result.spans[layer][kind]) == (0, 0, 0, None, None, None)
    assert (result.token_kappa.n, result.token_kappa.observed, result.token_kappa.kappa) == (4, 1.0, None)
    assert result.attributes["claims"]["checkworthy"].observed is None
    assert result.disagreements == []


def test_one_side_empty():
    (full, text), (empty, _) = quetta(True), quetta(False)
    result = compare([(text, full, empty)])
    assert scores(result.spans["entities"]["exact_labelled"]) == (1, 0, 0, None, 0.0, 0.0)
    assert [(d.kind, d.a_id, d.b_id) for d in result.disagreements] == [("missing_in_b", "e1", None)]
    # tokens Quetta/is/cold/.: A GPE O O O, B O O O O: p_o 3/4, p_e 3/4 -> kappa 0
    assert result.token_kappa.observed == 0.75 and result.token_kappa.kappa == 0.0
    swapped = compare([(text, empty, full)])
    assert scores(swapped.spans["entities"]["exact_labelled"]) == (0, 1, 0, 0.0, None, 0.0)
    assert [d.kind for d in swapped.disagreements] == ["missing_in_a"]


def test_identical_sets(seed_document):
    doc, text = seed_document
    result = compare([(text, doc, doc)])
    for layer, kinds in result.spans.items():
        assert all(s.f1 == 1.0 for s in kinds.values()), layer
    assert result.token_kappa.kappa == 1.0
    assert result.disagreements == []


def test_identical_single_label_kappa_is_undefined_not_nan():
    assert cohen_kappa(["O", "O"], ["O", "O"]) is None
    assert cohen_kappa([], []) is None
    assert cohen_kappa(["A", "B"], ["A", "B"]) == 1.0


def test_overlap_matching_is_one_to_one_and_maximum():
    # Greedy by largest overlap would pair A0-B0 (5 chars) and leave A1 alone; the maximum matching pairs both.
    a = [(0, 10, "X"), (9, 12, "X")]
    b = [(5, 11, "X"), (0, 3, "X")]
    assert overlap_pairs(a, b, labelled=False) == [(0, 1), (1, 0)]
    # one A span overlapping two B spans: only one pair, the one sharing more characters
    assert overlap_pairs([(0, 10, "X")], [(0, 4, "X"), (5, 10, "X")], labelled=False) == [(0, 1)]
    assert overlap_pairs([(0, 10, "X")], [(0, 10, "Y")], labelled=True) == []
    assert overlap_pairs([(0, 5, "X")], [(5, 9, "X")], labelled=False) == []   # touching is not overlapping


def test_partial_overlap_scores():
    a = [(0, 10, "PERSON"), (20, 30, "GPE")]
    b = [(5, 10, "PERSON"), (20, 30, "ORG"), (40, 45, "GPE")]
    got = span_scores(a, b)
    assert scores(got["exact_labelled"]) == (2, 3, 0, 0.0, 0.0, 0.0)
    assert scores(got["exact_unlabelled"]) == (2, 3, 1, 1 / 3, 0.5, 0.4)
    assert scores(got["overlap_labelled"]) == (2, 3, 1, 1 / 3, 0.5, 0.4)
    assert scores(got["overlap_unlabelled"]) == (2, 3, 2, 2 / 3, 1.0, 0.8)


spans = st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from("XY")), max_size=6).map(
    lambda items: sorted({(s, s + n, label) for s, n, label in items}))


@settings(deadline=None)
@given(spans, spans)
def test_matching_properties(a, b):
    pairs = overlap_pairs(a, b, labelled=False)
    assert len({i for i, _ in pairs}) == len({j for _, j in pairs}) == len(pairs)   # one-to-one
    assert all(min(a[i][1], b[j][1]) > max(a[i][0], b[j][0]) for i, j in pairs)
    got = span_scores(a, b)
    assert got["exact_labelled"].matched <= got["exact_unlabelled"].matched <= got["overlap_unlabelled"].matched
    assert got["exact_labelled"].matched <= got["overlap_labelled"].matched <= got["overlap_unlabelled"].matched
    assert len(exact_pairs(a, b, True)) <= min(len(a), len(b))
    assert {k: s.f1 for k, s in span_scores(b, a).items()} == {k: s.f1 for k, s in got.items()}  # F1 is symmetric
    if a:
        assert all(s.f1 == 1.0 for s in span_scores(a, a).values())


# --- CLI --------------------------------------------------------------------------------

def run(*args: str):
    return invoke(["agree", *args, "--root", str(ROOT)])


def test_cli_json():
    result = run(str(ROOT / "a"), str(ROOT / "b"), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["spans"]["entities"]["overlap_unlabelled"]["f1"] == 0.75
    assert data["entity_token_kappa"]["kappa"] == pytest.approx(89 / 194)
    assert data["only_in_a"] == ["agree-two"] and len(data["disagreements"]) == 8


def test_cli_tables():
    result = run(str(ROOT / "a"), str(ROOT / "b"))
    assert result.exit_code == 0, result.output
    assert "8 disagreement(s)" in result.stdout and "missing_in_b" in result.stdout


def test_cli_html_page_is_written_atomically_and_not_overwritten(tmp_path):
    out = tmp_path / "diff.html"
    assert run(str(ROOT / "a"), str(ROOT / "b"), "--html", str(out)).exit_code == 0
    page = out.read_text(encoding="utf-8")
    assert page.lstrip().lower().startswith("<!doctype html") and "Punjab" in page
    assert [p.name for p in tmp_path.iterdir()] == ["diff.html"]   # no temp file left behind
    out.write_text("kept", encoding="utf-8")
    refused = run(str(ROOT / "a"), str(ROOT / "b"), "--html", str(out))
    assert refused.exit_code == 1 and out.read_text(encoding="utf-8") == "kept"
    assert run(str(ROOT / "a"), str(ROOT / "b"), "--html", str(out), "--force").exit_code == 0
    assert out.read_text(encoding="utf-8") == page


def test_cli_html_folder_for_several_documents(tmp_path):
    assert run(str(ROOT / "a"), str(ROOT / "a"), "--html", str(tmp_path / "one.html")).exit_code == 2
    result = run(str(ROOT / "a"), str(ROOT / "a"), "--html", str(tmp_path / "pages"))
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "pages").iterdir()) == ["agree-one.html", "agree-two.html"]


def test_cli_bad_input_is_an_error_not_a_traceback(tmp_path):
    missing = run(str(ROOT / "a"), str(tmp_path / "nowhere.json"), "--json")
    assert missing.exit_code == 1
    assert [e["code"] for e in json.loads(missing.stdout)["errors"]] == ["file-unreadable"]
    root = tmp_path / "root"
    shutil.copytree(ROOT, root)
    other = json.loads((root / "a" / "agree-two.json").read_text(encoding="utf-8"))
    other["id"] = "agree-one"
    (root / "b" / "agree-one.json").write_text(json.dumps(other), encoding="utf-8")  # same id, another text
    result = invoke(["agree", str(root / "a"), str(root / "b"), "--root", str(root), "--json"])
    assert result.exit_code == 1
    assert [e["code"] for e in json.loads(result.stdout)["errors"]] == ["text-differs"]
