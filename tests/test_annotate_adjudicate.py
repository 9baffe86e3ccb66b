"""Adjudication merge, ids in text order, guideline rules and TIMEX3 suggestions of ``newsspan annotate``."""

from __future__ import annotations

import copy
import json
import random
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.annotate.adjudicate import disagreements, merge, renumber
from newsspan.annotate.guidance import guideline_sections, guidelines_file, suggest_timex
from newsspan.corpus import Corpus
from newsspan.model import LABEL_FIELD, LAYERS, REFERENCES

from .conftest import REPO, SEED_ID


def _side(name: str) -> dict:
    return json.loads((REPO / "agreement" / name / f"{SEED_ID}.json").read_text(encoding="utf-8"))


def _resolved(doc: dict) -> dict:
    """Every layer as comparable rows: offsets, label, and references as the offsets they point to."""
    offsets = {item["id"]: (layer, item["start"], item["end"]) for layer in LAYERS for item in doc[layer]}
    rows = {}
    for layer in LAYERS:
        refs = [name for (ref_layer, name) in REFERENCES if ref_layer == layer]
        rows[layer] = sorted(
            (item["start"], item["end"], item[LABEL_FIELD[layer]],
             tuple(str(offsets.get(item.get(name), item.get(name))) for name in refs))
            for item in doc[layer])
    return rows


def _different_b() -> dict:
    b = _side("annotator-b")
    b["entities"][0]["label"] = "LOC"
    b["entities"][1]["start"], b["entities"][1]["text"] = b["entities"][1]["start"] + 1, b["entities"][1]["text"][1:]
    b["claims"][0]["checkworthy"] = not b["claims"][0]["checkworthy"]
    b["entities"].pop(5)
    return b


def test_all_left_is_a_and_all_right_is_b():
    corpus = Corpus(REPO)
    a, b = _side("annotator-a"), _different_b()
    text = corpus.read_text(a["seed"]["file"])
    found = disagreements(text, a, b, ("a", "b"))
    assert {d["kind"] for d in found} >= {"label", "boundary", "attribute", "missing_in_b"}
    left = merge(a, b, found, {i: "left" for i in range(len(found))})
    assert _resolved(left) == _resolved(a)
    right = merge(a, b, found, {i: "right" for i in range(len(found))})
    assert _resolved(right)["entities"] == _resolved(b)["entities"]
    assert [c["checkworthy"] for c in right["claims"]] == [c["checkworthy"] for c in b["claims"]]
    for layer in LAYERS:
        assert [item["id"] for item in right[layer]] == [f"{layer[0]}{n}" for n in range(1, len(right[layer]) + 1)]


@settings(max_examples=40, deadline=None)
@given(st.randoms(use_true_random=False))
def test_renumber_orders_ids_by_text_and_keeps_what_references_point_to(rnd: random.Random):
    doc = copy.deepcopy(_side("annotator-a"))
    before = _resolved(doc)
    for layer in LAYERS:
        rnd.shuffle(doc[layer])
    renumber(doc)
    assert _resolved(doc) == before
    for layer in LAYERS:
        keys = [(item["start"], -item["end"]) for item in doc[layer]]
        assert keys == sorted(keys)
        assert [item["id"] for item in doc[layer]] == [f"{layer[0]}{n}" for n in range(1, len(keys) + 1)]


def test_guideline_sections_hold_every_rule_of_the_guidelines():
    path = guidelines_file(REPO)
    sections = guideline_sections(path)
    written = re.findall(r"^- \*\*(§[A-Z]+\d+)", path.read_text(encoding="utf-8"), re.M)
    parsed = [rule["id"] for layer in ("general", "entities", "dates", "quotations", "claims")
              for rule in sections[layer]["rules"]]
    assert sorted(parsed) == sorted(written)  # rulings of later versions join their layer


def test_timex_suggestions_follow_the_guidelines_examples():
    seed = json.loads((REPO / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    by_text = {d["text"]: d for d in seed["dates"]}
    metadata = seed["metadata"]  # the publication window 2025-09-09..2026-02-02 (§D2)
    for text in ("February 3", "September"):
        got = suggest_timex(text, metadata)
        assert (got["value"], got["anchor"]) == (by_text[text]["value"], by_text[text]["anchor"])
    four = suggest_timex("4", metadata, anchor_value=by_text["February 3"]["value"], anchor_id="d2")
    assert (four["value"], four["anchor"]) == (by_text["4"]["value"], by_text["4"]["anchor"])
    assert suggest_timex("two-day", metadata)["value"] == by_text["two-day"]["value"]
    wide = {"published": {"date": None, "earliest": "2025-03-01", "latest": "2026-09-01", "evidence": []}}
    assert suggest_timex("February 3", wide)["value"] == "XXXX-02-03"  # the window allows two years
    assert suggest_timex("3 February 2026", {})["anchor"] is None
    assert suggest_timex("the visit", metadata) is None
