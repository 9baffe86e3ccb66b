"""Quality of ``newsspan suggest`` against a gold corpus: suggest every document, then evaluate.

    python benchmarks/suggest_eval.py ROOT [--layers L,...] [--json]

Each document is suggested with a gazetteer built from the *other* reviewed or adjudicated documents of
ROOT (leave one document out), so no document is suggested from its own gold mentions. The suggestions
are scored by ``newsspan.evaluation.evaluate_documents`` (the scorer behind ``newsspan evaluate``), once
on all layers and once on the direct quotations alone; the issue's floors are printed next to the figures:
dates strict span F1 >= 0.80 and value accuracy on matched spans >= 0.80, direct quotations relaxed
F1 >= 0.85 with speaker accuracy >= 0.70, entities relaxed F1 >= 0.60.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

from newsspan.corpus import Corpus
from newsspan.model import LAYERS
from newsspan.suggest.entities import Gazetteer
from newsspan.suggest.pipeline import suggest_layers

GOLD_STATUSES = ("reviewed", "adjudicated")


def load_gold(root: Path) -> list[tuple[dict[str, Any], str]]:
    """The reviewed and adjudicated documents of a corpus root, with their texts."""
    corpus = Corpus(root)
    docs = [corpus.load(path) for path in corpus.annotation_files()]
    return [(doc, text) for doc, text in docs if doc["annotation"]["status"] in GOLD_STATUSES]


def predictions(gold: list[tuple[dict[str, Any], str]], layers: tuple[str, ...] = LAYERS) -> list[dict[str, Any]]:
    """Suggestions for every gold document, each with a gazetteer of the other documents (leave one out)."""
    predicted = []
    for index, (doc, text) in enumerate(gold):
        others = Gazetteer.from_documents(other for n, (other, _) in enumerate(gold) if n != index)
        spans = suggest_layers(doc, text, layers, gazetteer=others)
        predicted.append({"id": doc["id"], **spans})
    return predicted


def value_accuracy(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> tuple[float | None, int]:
    """Share of the dates matched on exact offsets whose TIMEX3 value is the gold value (TempEval-3 value)."""
    matched = correct = 0
    for g_doc, p_doc in zip(gold, pred, strict=True):
        values = {(d["start"], d["end"]): d["value"] for d in p_doc.get("dates", [])}
        for date in g_doc["dates"]:
            if (date["start"], date["end"]) in values:
                matched += 1
                correct += values[(date["start"], date["end"])] == date["value"]
    return (correct / matched if matched else None), matched


def only_direct(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The documents with their direct quotations only (entities kept for the speaker links)."""
    return [{**doc, "quotations": [q for q in doc["quotations"] if q["form"] == "direct"]} for doc in docs]


def evaluate(root: Path, layers: tuple[str, ...]) -> dict[str, Any]:
    """Suggest, then score: all layers, direct quotations, date values; with the floors and timing."""
    from newsspan.evaluation import evaluate_documents  # lands with issue 12 part 1 (newsspan evaluate)

    gold_pairs = load_gold(root)
    started = time.perf_counter()
    pred = predictions(gold_pairs, layers)
    seconds = time.perf_counter() - started
    gold = [doc for doc, _ in gold_pairs]
    scores = evaluate_documents(gold, pred, layers=list(layers))
    result: dict[str, Any] = {"root": str(root), "documents": len(gold), "seconds": round(seconds, 3),
                              "scores": scores}
    if "quotations" in layers:
        result["direct_quotations"] = evaluate_documents(only_direct(gold), only_direct(pred),
                                                         layers=["quotations"])["layers"]["quotations"]
    if "dates" in layers:
        accuracy, matched = value_accuracy(gold, pred)
        result["date_value_accuracy"] = {"accuracy": accuracy, "matched": matched}
    result["floors"] = floors(result)
    return result


def floors(result: dict[str, Any]) -> list[dict[str, Any]]:
    """Each floor of the issue with the measured figure and whether it is met."""
    layers = result["scores"]["layers"]
    rows = []

    def add(name: str, value: float | None, floor: float) -> None:
        rows.append({"measure": name, "value": value, "floor": floor, "met": value is not None and value >= floor})

    if "dates" in layers:
        add("dates strict span F1", layers["dates"]["strict"]["f1"], 0.80)
        add("dates value accuracy (matched)", result["date_value_accuracy"]["accuracy"], 0.80)
    if "direct_quotations" in result:
        add("direct quotations relaxed F1", result["direct_quotations"]["relaxed"]["f1"], 0.85)
        add("direct quotations speaker accuracy", result["direct_quotations"]["speaker_accuracy"], 0.70)
    if "entities" in layers:
        add("entities relaxed F1", layers["entities"]["relaxed"]["f1"], 0.60)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("root", type=Path, help="corpus root (seeds/ + annotations/) with reviewed gold")
    parser.add_argument("--layers", default=",".join(LAYERS), help="comma-separated layers (default: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    layers = tuple(name for name in args.layers.split(",") if name)
    try:
        result = evaluate(args.root, layers)
    except ModuleNotFoundError as exc:
        print(f"error: {exc.name} is needed to score suggestions (newsspan evaluate, issue 12 part 1)",
              file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(f"{result['documents']} document(s) from {result['root']}, suggested in {result['seconds']} s")
    for layer, scores in result["scores"]["layers"].items():
        figures = {k: v["f1"] for k, v in scores.items() if isinstance(v, dict) and "f1" in v}
        extra = {k: v for k, v in scores.items() if not isinstance(v, dict)}
        print(f"  {layer:<11} " + "  ".join(f"{k} F1 {v:.3f}" for k, v in figures.items())
              + "".join(f"  {k} {v:.3f}" for k, v in extra.items() if isinstance(v, float)))
    for row in result["floors"]:
        value = "n/a" if row["value"] is None else f"{row['value']:.3f}"
        print(f"  {'met ' if row['met'] else 'MISS'} {row['measure']}: {value} (floor {row['floor']:.2f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
