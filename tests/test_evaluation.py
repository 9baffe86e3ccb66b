"""`newsspan.evaluation` and `newsspan evaluate`: every figure below is worked out by hand in the comments.

Spans are written (start, end, label), end exclusive. P = tp / predicted, R = tp / gold, F1 = 2tp / (gold +
predicted); undefined values (0/0) are None.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspan.corpus import Corpus
from newsspan.evaluation import EvaluationError, evaluate_documents
from newsspan.evaluation.matching import exact_then_overlap, overlap, overlapping
from newsspan.formats import converter

from .conftest import invoke

FIXTURES = Path(__file__).parent / "fixtures" / "agreement"


def ents(*spans: tuple[int, int, str]) -> list[dict]:
    return [{"start": s, "end": e, "label": label} for s, e, label in spans]


def prf(score: dict) -> tuple:
    return score["p"], score["r"], score["f1"]


def entities(gold: list[dict], pred: list[dict]) -> dict:
    return evaluate_documents([{"id": "d", "entities": gold}], [{"id": "d", "entities": pred}])["layers"]["entities"]


# --- entities: SemEval-2013 task 9.1 schemes ---------------------------------------------

# gold G1 (0,5,PERSON) G2 (10,15,ORG) G3 (20,30,GPE) G4 (40,50,LOC) G5 (60,65,PERSON)
# pred P1 (0,5,PERSON)  same boundaries, same label      strict COR, exact COR, partial COR, type COR
#      P2 (10,15,GPE)   same boundaries, other label     strict INC, exact COR, partial COR, type INC
#      P3 (22,30,GPE)   overlaps G3, same label          strict INC, exact INC, partial PAR, type COR
#      P4 (40,45,ORG)   overlaps G4, other label         strict INC, exact INC, partial PAR, type INC
#      P5 (70,75,ORG)   spurious; G5 missed
GOLD = ents((0, 5, "PERSON"), (10, 15, "ORG"), (20, 30, "GPE"), (40, 50, "LOC"), (60, 65, "PERSON"))
PRED = ents((0, 5, "PERSON"), (10, 15, "GPE"), (22, 30, "GPE"), (40, 45, "ORG"), (70, 75, "ORG"))


def test_semeval_schemes_on_a_hand_worked_example():
    got = entities(GOLD, PRED)
    # 5 gold, 5 predicted: P = R = F1 = tp / 5
    assert prf(got["strict"]) == (0.2, 0.2, 0.2)          # P1
    assert prf(got["exact"]) == (0.4, 0.4, 0.4)           # P1, P2
    assert prf(got["partial"]) == (0.6, 0.6, 0.6)         # 2 COR + 0.5 x 2 PAR = 3
    assert prf(got["type"]) == (0.4, 0.4, 0.4)            # P1, P3
    assert prf(got["relaxed"]) == (0.8, 0.8, 0.8)         # P1..P4 overlap some gold span
    assert (got["partial"]["tp"], got["partial"]["fp"], got["partial"]["fn"]) == (3, 2, 2)
    assert (got["strict"]["tp"], got["strict"]["fp"], got["strict"]["fn"]) == (1, 4, 4)


def test_semeval_per_label_and_macro():
    labels = entities(GOLD, PRED)["labels"]
    assert sorted(labels) == ["GPE", "LOC", "ORG", "PERSON"]
    assert prf(labels["PERSON"]["strict"]) == (1.0, 0.5, 2 / 3)      # gold G1 G5, pred P1
    assert prf(labels["ORG"]["strict"]) == (0.0, 0.0, 0.0)           # gold G2, pred P4 P5: none overlaps G2
    assert prf(labels["ORG"]["relaxed"]) == (0.0, 0.0, 0.0)
    assert prf(labels["GPE"]["strict"]) == (0.0, 0.0, 0.0)           # gold G3, pred P2 P3
    assert prf(labels["GPE"]["relaxed"]) == (0.5, 1.0, 2 / 3)        # P3 overlaps G3
    assert prf(labels["GPE"]["partial"]) == (0.25, 0.5, 1 / 3)       # 0.5 / 2 predicted, 0.5 / 1 gold
    assert prf(labels["LOC"]["strict"]) == (None, 0.0, 0.0)          # nothing predicted: P undefined
    macro = entities(GOLD, PRED)["macro"]["strict"]
    # F1: (2/3 + 0 + 0 + 0) / 4; P: (1 + 0 + 0) / 3 (LOC undefined); R: (0.5 + 0 + 0 + 0) / 4
    assert macro["f1"] == pytest.approx(1 / 6) and macro["p"] == pytest.approx(1 / 3) and macro["r"] == 0.125


def nervaluate_scores(gold: list[dict], pred: list[dict]) -> dict:
    """nervaluate's results (its spans are end-inclusive, so end - 1)."""
    from nervaluate import Evaluator

    def inclusive(spans):
        return [[{"label": s["label"], "start": s["start"], "end": s["end"] - 1} for s in spans]]

    labels = sorted({s["label"] for s in (*gold, *pred)})
    return Evaluator(inclusive(gold), inclusive(pred), tags=labels, loader="dict").evaluate()


SCHEMES = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


def assert_same_as_nervaluate(gold: list[dict], pred: list[dict]) -> None:
    ours, theirs = entities(gold, pred), nervaluate_scores(gold, pred)
    pairs = [(ours[s], theirs["overall"][n]) for s, n in SCHEMES.items()]
    pairs += [(ours["labels"][label][s], theirs["entities"][label][n])
              for label in ours["labels"] for s, n in SCHEMES.items()]
    for mine, result in pairs:   # nervaluate reports 0 where a value is undefined (0/0)
        assert (mine["p"] or 0, mine["r"] or 0, mine["f1"] or 0) == pytest.approx(
            (result.precision, result.recall, result.f1))


def test_same_as_nervaluate_on_the_hand_worked_example():
    assert_same_as_nervaluate(GOLD, PRED)


# Slots 20 characters apart, each with at most one gold and one predicted span inside it: every span
# overlaps at most one span of the other side, where nervaluate's greedy matching is also the best one.
slot = st.tuples(st.booleans(), st.booleans(), st.integers(0, 8), st.integers(1, 9), st.integers(0, 8),
                 st.integers(1, 9), st.sampled_from(["PERSON", "GPE", "ORG"]), st.sampled_from(["PERSON", "GPE"]))


@settings(deadline=None, max_examples=60)
@given(st.lists(slot, min_size=1, max_size=6))
def test_same_as_nervaluate_where_each_span_meets_at_most_one(slots):
    gold, pred = [], []
    for n, (has_gold, has_pred, gs, gl, ps, pl, glabel, plabel) in enumerate(slots):
        if has_gold:
            gold.append({"start": 20 * n + gs, "end": 20 * n + gs + gl, "label": glabel})
        if has_pred:
            pred.append({"start": 20 * n + ps, "end": 20 * n + ps + pl, "label": plabel})
    if gold or pred:
        assert_same_as_nervaluate(gold, pred)


def test_nested_and_overlapping_spans_match_one_to_one():
    # gold: EVENT (0,40) with two GPEs nested in it, (0,8) and (9,19); pred: one GPE (0,19) over both.
    got = entities(ents((0, 40, "EVENT"), (0, 8, "GPE"), (9, 19, "GPE")), ents((0, 19, "GPE")))
    # one predicted span pairs once: with the EVENT unlabelled (19 shared characters, the most),
    # with the GPE (9,19) labelled (10 shared characters against 8). 3 gold, 1 predicted.
    assert prf(got["relaxed"]) == (1.0, 1 / 3, 0.5)
    assert prf(got["type"]) == (1.0, 1 / 3, 0.5)
    assert prf(got["strict"]) == (0.0, 0.0, 0.0)
    assert prf(got["partial"]) == (0.5, 0.5 / 3, 0.25)   # one PAR: 0.5 / 1, 0.5 / 3, 1 / 4
    # a gold span predicted as two halves counts once: 1 gold, 2 predicted, tp 1
    split = entities(ents((0, 10, "ORG")), ents((0, 4, "ORG"), (5, 10, "ORG")))
    assert prf(split["relaxed"]) == (0.5, 1.0, 2 / 3)
    assert prf(split["partial"]) == (0.25, 0.5, 1 / 3)


def test_label_confusions_cost_strict_and_type_but_not_exact():
    got = entities(ents((0, 5, "PERSON"), (6, 9, "GPE")), ents((0, 5, "ORG"), (6, 9, "NORP")))
    assert [got[s]["f1"] for s in ("strict", "exact", "partial", "type", "relaxed")] == [0.0, 1.0, 1.0, 0.0, 1.0]
    assert sorted(got["labels"]) == ["GPE", "NORP", "ORG", "PERSON"]


def test_empty_prediction_and_empty_gold():
    nothing = entities(ents((0, 5, "GPE"), (6, 9, "ORG")), [])
    assert prf(nothing["strict"]) == (None, 0.0, 0.0) and nothing["strict"]["fn"] == 2
    no_gold = entities([], ents((0, 5, "GPE")))
    assert prf(no_gold["relaxed"]) == (0.0, None, 0.0) and no_gold["relaxed"]["fp"] == 1
    neither = entities([], [])
    assert prf(neither["strict"]) == (None, None, None) and neither["labels"] == {}
    assert neither["macro"]["strict"] == {"p": None, "r": None, "f1": None}


# --- other layers ------------------------------------------------------------------------

def test_partial_layers_only_the_given_ones_are_scored():
    gold = [{"id": "d", "entities": ents((0, 5, "GPE")), "dates": [], "quotations": [], "claims": []}]
    result = evaluate_documents(gold, [{"id": "d", "dates": []}])
    assert list(result["layers"]) == ["dates"] and result["documents"] == 1
    # asked for, but the prediction does not give the layer: scored as predicted empty
    asked = evaluate_documents(gold, [{"id": "d", "dates": []}], layers=["entities"])
    assert prf(asked["layers"]["entities"]["strict"]) == (None, 0.0, 0.0)
    # a gold document that lacks a scored layer is an error, not a silent zero
    with pytest.raises(EvaluationError) as error:
        evaluate_documents([{"id": "d", "entities": []}], [{"id": "d", "dates": []}])
    assert [p.code for p in error.value.problems] == ["eval-missing-layer"]


def test_dates_tempeval3():
    gold = [{"start": 0, "end": 10, "type": "DATE", "value": "2026-02-03"},
            {"start": 20, "end": 30, "type": "DURATION", "value": "P2D"},
            {"start": 40, "end": 45, "type": "DATE", "value": "2026"}]
    pred = [{"start": 0, "end": 10, "type": "DATE", "value": "2026-02-03"},     # exact, type and value right
            {"start": 22, "end": 30, "type": "DURATION", "value": "P3D"},       # overlap, type right, value wrong
            {"start": 40, "end": 45, "type": "TIME", "value": "2026"},          # exact, type wrong, value right
            {"start": 50, "end": 55, "type": "DATE", "value": "2025"}]          # spurious
    got = evaluate_documents([{"id": "d", "dates": gold}], [{"id": "d", "dates": pred}])["layers"]["dates"]
    assert prf(got["strict"]) == (0.5, 2 / 3, 4 / 7)     # 2 exact of 4 predicted, 3 gold
    assert prf(got["relaxed"]) == (0.75, 1.0, 6 / 7)     # 3 overlap
    assert got["matched"] == 3
    assert got["type_accuracy"] == 2 / 3 and got["value_accuracy"] == 2 / 3
    assert got["type_f1"] == 4 / 7 and got["value_f1"] == 4 / 7   # 2 x 2 right / (3 + 4)


def test_quotations_content_source_cue_speaker():
    gold = {"id": "d", "entities": [{"id": "e1", "start": 25, "end": 30, "label": "PERSON"}], "quotations": [
        {"start": 0, "end": 20, "form": "direct", "source": {"start": 25, "end": 30}, "cue": {"start": 31, "end": 35},
         "speaker": "e1"},
        {"start": 40, "end": 60, "form": "indirect", "source": None, "cue": {"start": 62, "end": 66}, "speaker": None}]}
    pred = {"id": "d", "entities": [{"id": "e9", "start": 70, "end": 75, "label": "ORG"}], "quotations": [
        {"start": 1, "end": 19, "form": "direct", "source": {"start": 25, "end": 30}, "cue": {"start": 31, "end": 35},
         "speaker": {"start": 25, "end": 30}},
        {"start": 40, "end": 60, "form": "direct", "source": {"start": 70, "end": 75}, "speaker": "e9"}]}
    got = evaluate_documents([gold], [pred], layers=["quotations"])["layers"]["quotations"]
    assert prf(got["strict"]) == (0.5, 0.5, 0.5)          # only the second has the gold boundaries
    assert prf(got["relaxed"]) == (1.0, 1.0, 1.0)
    assert prf(got["source"]) == (0.5, 1.0, 2 / 3)        # gold 1 source, predicted 2, 1 right (first pair)
    assert prf(got["cue"]) == (1.0, 0.5, 2 / 3)           # gold 2 cues, predicted 1, 1 right
    assert got["speaker_accuracy"] == 0.5                 # first: same mention (id vs offsets); second: null vs e9
    assert got["form_accuracy"] == 0.5
    assert prf(got["labels"]["direct"]["strict"]) == (0.0, 0.0, 0.0)
    assert prf(got["labels"]["direct"]["relaxed"]) == (0.5, 1.0, 2 / 3)
    assert prf(got["labels"]["indirect"]["relaxed"]) == (None, 0.0, 0.0)


def test_claims_checkworthiness_and_types():
    def claim(start, end, checkworthy, kind):
        return {"start": start, "end": end, "checkworthy": checkworthy, "type": kind}

    gold = [claim(0, 10, True, "quantity_comparison"), claim(20, 30, True, "prediction"),
            claim(40, 50, False, "opinion"), claim(60, 70, True, "event_report")]
    pred = [claim(0, 10, True, "quantity_comparison"), claim(22, 30, False, "prediction"),
            claim(40, 50, True, "event_report"), claim(80, 90, True, "opinion")]
    got = evaluate_documents([{"id": "d", "claims": gold}], [{"id": "d", "claims": pred}])["layers"]["claims"]
    assert prf(got["strict"]) == (0.5, 0.5, 0.5)          # (0,10) and (40,50)
    assert prf(got["relaxed"]) == (0.75, 0.75, 0.75)      # + (22,30)
    # positives: gold 3, predicted 3; both true on a matched pair only for (0,10)
    assert prf(got["checkworthy"]) == (1 / 3, 1 / 3, 1 / 3) and got["checkworthy_f1"] == 1 / 3
    # per type F1: quantity_comparison 1, prediction 1, opinion 0, event_report 0
    assert {t: s["f1"] for t, s in got["types"].items()} == {
        "event_report": 0.0, "opinion": 0.0, "prediction": 1.0, "quantity_comparison": 1.0}
    assert got["type_macro_f1"] == 0.5 and got["type_accuracy"] == 2 / 3


def test_documents_pair_by_id_and_unpredicted_ones_count_as_empty():
    gold = [{"id": "a", "entities": ents((0, 5, "GPE"))}, {"id": "b", "entities": ents((0, 3, "ORG"))}]
    result = evaluate_documents(gold, [{"id": "a", "entities": ents((0, 5, "GPE"))}])
    assert result["documents"] == 2 and prf(result["layers"]["entities"]["strict"]) == (1.0, 0.5, 2 / 3)
    with pytest.raises(EvaluationError) as error:
        evaluate_documents(gold, [{"id": "zzz", "entities": []}])
    assert [p.code for p in error.value.problems] == ["eval-unknown-document"]
    with pytest.raises(EvaluationError) as error:
        evaluate_documents(gold, [{"id": "a", "entities": ents((5, 2, "GPE"), (0, 1, "PER"))}])
    assert [p.code for p in error.value.problems] == ["eval-offset", "eval-unknown-label"]


# --- bootstrap ---------------------------------------------------------------------------

def test_bootstrap_is_deterministic_and_hand_checkable():
    # one document: every replicate is that document, so the interval is the point estimate
    one = evaluate_documents([{"id": "d", "entities": GOLD}], [{"id": "d", "entities": PRED}], bootstrap=50)
    assert one["layers"]["entities"]["strict"]["ci"]["f1"] == [0.2, 0.2]
    assert one["bootstrap"] == {"samples": 50, "seed": 0, "level": 0.95}
    # two documents of one span each, one right (F1 1) and one wrong (F1 0): replicates are AA (1), AB or
    # BA (0.5) and BB (0), so the 2.5th percentile is 0 and the 97.5th is 1 (P(AA) = P(BB) = 1/4 > 2.5%)
    gold = [{"id": "a", "entities": ents((0, 5, "GPE"))}, {"id": "b", "entities": ents((0, 5, "GPE"))}]
    pred = [{"id": "a", "entities": ents((0, 5, "GPE"))}, {"id": "b", "entities": ents((6, 9, "GPE"))}]
    first = evaluate_documents(gold, pred, bootstrap=400, seed=7)
    assert first["layers"]["entities"]["strict"]["f1"] == 0.5
    assert first["layers"]["entities"]["strict"]["ci"]["f1"] == [0.0, 1.0]
    assert evaluate_documents(gold, pred, bootstrap=400, seed=7) == first          # same seed, same numbers
    assert "ci" not in evaluate_documents(gold, pred)["layers"]["entities"]["strict"]


def test_bootstrap_seed_changes_the_draws():
    gold = [{"id": f"d{n}", "entities": ents((0, 5, "GPE"), (6, 9, "ORG"))} for n in range(6)]
    pred = [{"id": f"d{n}", "entities": ents((0, 5, "GPE"))[: n % 2 + 0] + ents((6, 9, "ORG"))[: n % 3 // 2]}
            for n in range(6)]
    runs = {json.dumps(evaluate_documents(gold, pred, bootstrap=30, seed=s)["layers"]["entities"]["strict"]["ci"])
            for s in range(5)}
    assert len(runs) > 1


# --- properties --------------------------------------------------------------------------

labels = st.sampled_from(["PERSON", "GPE", "ORG"])
entity_lists = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 8), labels), max_size=8).map(
    lambda items: ents(*sorted({(s, s + n, label) for s, n, label in items})))


@settings(deadline=None, max_examples=80)
@given(entity_lists)
def test_prediction_equal_to_gold_scores_one(spans):
    gold = {"id": "d", "entities": spans,
            "dates": [{"start": s["start"], "end": s["end"], "type": "DATE", "value": "2026"} for s in spans],
            "claims": [{"start": s["start"], "end": s["end"], "checkworthy": True, "type": "opinion"} for s in spans]}
    result = evaluate_documents([gold], [gold])["layers"]
    rates = [v for layer in result.values() for k, v in layer.items() if k.endswith(("accuracy", "_f1"))]
    rates += [s["f1"] for layer in result.values() for s in layer.values() if isinstance(s, dict) and "f1" in s]
    rates += [s[k]["f1"] for s in result["entities"]["labels"].values() for k in s]
    if spans:
        assert rates and all(r == 1.0 for r in rates)
    else:
        assert all(r is None for r in rates)


@settings(deadline=None, max_examples=80)
@given(entity_lists, entity_lists, st.integers(1, 5), labels)
def test_a_spurious_span_never_raises_precision_nor_lowers_recall(gold, pred, length, label):
    def document(spans):   # the same spans in three layers
        return {"id": "d", "entities": spans,
                "dates": [{"start": s["start"], "end": s["end"], "type": "DATE", "value": "2026"} for s in spans],
                "claims": [{"start": s["start"], "end": s["end"], "checkworthy": True, "type": "opinion"}
                           for s in spans]}

    beyond = max((s["end"] for s in (*gold, *pred)), default=0) + 1   # overlaps no gold span
    before = evaluate_documents([document(gold)], [document(pred)])["layers"]
    after = evaluate_documents([document(gold)], [document([*pred, *ents((beyond, beyond + length, label))])])
    measures = [("entities", s) for s in ("strict", "relaxed", "exact", "partial", "type")]
    measures += [(layer, s) for layer in ("dates", "claims") for s in ("strict", "relaxed")]
    measures.append(("claims", "checkworthy"))
    for layer, name in measures:
        old, new = before[layer][name], after["layers"][layer][name]
        assert new["p"] <= (old["p"] if old["p"] is not None else 1.0), (layer, name)
        assert new["r"] == old["r"], (layer, name)


spans_xy = st.lists(st.tuples(st.integers(0, 40), st.integers(1, 12), st.sampled_from("XY")), max_size=8).map(
    lambda items: [(s, s + n, label) for s, n, label in items])


@settings(deadline=None)
@given(spans_xy, spans_xy, st.booleans())
def test_overlap_candidates_are_exactly_the_overlapping_pairs(a, b, labelled):
    brute = sorted((i, j, overlap(x, y)) for i, x in enumerate(a) for j, y in enumerate(b)
                   if overlap(x, y) > 0 and (not labelled or x[2] == y[2]))
    assert sorted(overlapping(a, b, labelled)) == brute
    exact, partial = exact_then_overlap(a, b)
    used_a, used_b = [i for i, _ in exact + partial], [j for _, j in exact + partial]
    assert len(set(used_a)) == len(used_a) and len(set(used_b)) == len(used_b)      # one-to-one
    assert all(a[i][:2] == b[j][:2] for i, j in exact) and all(overlap(a[i], b[j]) for i, j in partial)


# --- CLI ---------------------------------------------------------------------------------

def evaluate(*args: str):
    return invoke(["evaluate", str(FIXTURES / "a"), *args, "--root", str(FIXTURES)])


def write_jsonl(path: Path, *docs: dict | str) -> Path:
    path.write_text("\n".join(d if isinstance(d, str) else json.dumps(d) for d in docs) + "\n", encoding="utf-8")
    return path


# gold agree-one (text "Imran Khan met Nawaz Sharif in Lahore, Punjab, on Monday. ..."): Imran Khan (0,10) PERSON,
# Nawaz Sharif (15,27) PERSON, Lahore (31,37) GPE, Khan (70,74) PERSON; agree-two: Quetta (0,6) GPE.
ONE = {"id": "agree-one", "entities": [
    {"start": 0, "end": 10, "label": "PERSON", "text": "Imran Khan"},
    {"start": 15, "end": 27, "label": "ORG"},                           # label confusion
    {"start": 31, "end": 45, "label": "GPE", "text": "Lahore, Punjab"}]}   # longer than Lahore: overlap only


def test_cli_json_shape_and_figures(tmp_path):
    pred = write_jsonl(tmp_path / "pred.jsonl", ONE)
    result = evaluate(str(pred), "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert set(data) == {"ok", "documents", "layers"} and data["ok"] is True
    assert data["documents"] == 2 and list(data["layers"]) == ["entities"]   # agree-two: predicted empty
    got = data["layers"]["entities"]
    assert set(got) >= {"strict", "relaxed", "exact", "partial", "type", "labels"}
    assert set(got["strict"]) == {"p", "r", "f1", "tp", "fp", "fn"}
    # 5 gold, 3 predicted. strict: Imran Khan; exact: + Nawaz Sharif; relaxed: + Lahore...; partial 2 + 0.5
    assert (got["strict"]["tp"], got["exact"]["tp"], got["relaxed"]["tp"], got["partial"]["tp"]) == (1, 2, 3, 2.5)
    assert prf(got["strict"]) == (1 / 3, 0.2, 0.25)
    assert prf(got["partial"]) == (2.5 / 3, 0.5, 0.625)
    assert got["labels"]["PERSON"]["strict"]["fn"] == 2        # Nawaz Sharif and Khan


def test_cli_tables_bootstrap_and_model_index(tmp_path):
    pred = write_jsonl(tmp_path / "my-model.jsonl", ONE)
    out = tmp_path / "model-index.yaml"
    result = evaluate(str(pred), "--bootstrap", "20", "--seed", "3", "--model-index", str(out))
    assert result.exit_code == 0, result.output
    assert "entities" in result.stdout and "95% CI" in result.stdout and "macro strict" in result.stdout
    from huggingface_hub.repocard_data import model_index_to_eval_results

    name, results = model_index_to_eval_results(yaml.safe_load(out.read_text(encoding="utf-8"))["model-index"])
    assert name == "my-model"
    strict = next(r for r in results if r.metric_name == "entities strict F1 (SemEval-2013)")
    assert strict.metric_value == 0.25 and strict.dataset_split == "train" and strict.dataset_config == "entities"


def test_model_index_replaces_an_earlier_one_but_never_another_file(tmp_path, corpus_copy):
    """--model-index is derived output: an earlier model-index YAML is replaced, an annotation or seed is not."""
    pred = write_jsonl(tmp_path / "my-model.jsonl", ONE)
    earlier = tmp_path / "model-index.yaml"
    earlier.write_text("model-index:\n- name: old\n", encoding="utf-8")
    assert evaluate(str(pred), "--model-index", str(earlier)).exit_code == 0
    assert "name: my-model" in earlier.read_text(encoding="utf-8")
    for kept in [*corpus_copy.annotations_dir.iterdir(), *corpus_copy.seeds_dir.iterdir()]:
        before = kept.read_bytes()
        result = evaluate(str(pred), "--model-index", str(kept), "--json")
        assert result.exit_code == 1 and kept.read_bytes() == before
        [error] = json.loads(result.stdout)["errors"]
        assert str(kept) in error["message"] and "not replaced" in error["message"]


def test_cli_bad_input_names_file_and_line(tmp_path):
    cases = {
        "unknown id": ({"id": "nope", "entities": []}, "eval-unknown-document", ":2"),
        "offset out of range": ({"id": "agree-two", "entities": ents((0, 99, "GPE"))}, "eval-offset", ":2"),
        "malformed line": ('{"id": "agree-two", "entities": [', "eval-malformed", ":2"),
        "wrong text": ({"id": "agree-two", "entities": [{"start": 0, "end": 6, "label": "GPE", "text": "Quetto"}]},
                       "eval-text-mismatch", ":2"),
        "typo in a layer name": ({"id": "agree-two", "entites": []}, "eval-malformed", ":2"),
        "not an object": ("[1, 2]", "eval-malformed", ":2"),
        "null": ("null", "eval-malformed", ":2"),  # parsed to None, with no problem of its own
    }
    for name, (bad, code, line) in cases.items():
        pred = write_jsonl(tmp_path / "pred.jsonl", ONE, bad)
        result = evaluate(str(pred), "--json")
        assert result.exit_code == 1, name
        errors = json.loads(result.stdout)["errors"]
        assert [e["code"] for e in errors] == [code] and errors[0]["file"] == f"{pred}{line}", name
        people = evaluate(str(pred))
        assert people.exit_code == 1 and f"pred.jsonl{line}" in people.stdout and "Traceback" not in people.output
    nothing = write_jsonl(tmp_path / "nothing.jsonl", {"id": "agree-one"})
    assert json.loads(evaluate(str(nothing), "--json").stdout)["errors"][0]["code"] == "eval-malformed"
    assert evaluate(str(tmp_path / "pred.jsonl"), "--layers", "entities,names").exit_code == 2
    assert evaluate(str(tmp_path / "missing.jsonl")).exit_code == 2
    assert evaluate(str(tmp_path / "pred.jsonl"), "--format", "nope").exit_code == 2


def test_cli_annotation_folder_and_import_format(tmp_path):
    # B's annotation folder against A: the figures `newsspan agree` gives (tests/test_agreement.py), since
    # the matching is the same: strict = exact labelled 1, relaxed = overlap unlabelled 3 (4 gold in agree-one
    # + 1 in agree-two, which B does not have: 5 gold, 4 predicted)
    folder = evaluate(str(FIXTURES / "b"), "--json")
    assert folder.exit_code == 0, folder.output
    got = json.loads(folder.stdout)["layers"]
    assert (got["entities"]["strict"]["tp"], got["entities"]["relaxed"]["tp"]) == (1, 3)
    assert got["dates"]["value_accuracy"] == 0.0 and got["claims"]["checkworthy_f1"] == 0.0
    # A exported to brat and read back with --format: every score is 1
    corpus = Corpus(FIXTURES)
    converter("brat").export(corpus.iter_documents(corpus.annotation_files([FIXTURES / "a"])), tmp_path / "brat")
    result = evaluate(str(tmp_path / "brat"), "--format", "brat", "--json")
    assert result.exit_code == 0, result.output
    layers = json.loads(result.stdout)["layers"]
    assert all(layers[layer]["strict"]["f1"] == 1.0 for layer in layers) and len(layers) == 4


def test_cli_measures_a_format_cannot_carry_are_null(tmp_path):
    # doccano carries spans and links but no TIMEX3 values and no check-worthiness (docs/formats.md)
    corpus = Corpus(FIXTURES)
    converter("doccano").export(corpus.iter_documents(corpus.annotation_files([FIXTURES / "a"])), tmp_path / "dc")
    result = evaluate(str(tmp_path / "dc"), "--format", "doccano", "--json")
    assert result.exit_code == 0, result.output
    layers = json.loads(result.stdout)["layers"]
    assert layers["entities"]["strict"]["f1"] == 1.0 and layers["dates"]["type_accuracy"] == 1.0
    assert layers["dates"]["value_f1"] is None and layers["claims"]["checkworthy_f1"] is None
    assert layers["claims"]["checkworthy"]["f1"] is None and layers["claims"]["type_macro_f1"] == 1.0
    assert "reported as null: dates value_accuracy" in result.stderr


def test_console_command_in_a_real_process(tmp_path):
    pred = write_jsonl(tmp_path / "pred.jsonl", ONE)
    command = [sys.executable, "-m", "newsspan", "evaluate", str(FIXTURES / "a"), "--root", str(FIXTURES)]
    ok = subprocess.run([*command, str(pred), "--json"], capture_output=True, text=True, timeout=120)
    assert ok.returncode == 0, ok.stderr
    assert json.loads(ok.stdout)["layers"]["entities"]["strict"]["f1"] == 0.25
    bad = write_jsonl(tmp_path / "bad.jsonl", ONE, "{not json")
    failed = subprocess.run([*command, str(bad)], capture_output=True, text=True, timeout=120)
    assert failed.returncode == 1 and f"{bad}:2" in failed.stdout and "Traceback" not in failed.stderr
