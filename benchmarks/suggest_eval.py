"""Quality of ``newsspan suggest`` against gold corpora: suggest every document, then evaluate.

    python benchmarks/suggest_eval.py ROOT [ROOT ...] [--layers L,...] [--json]

Each document is suggested with a gazetteer built from the *other* reviewed or adjudicated documents of all
the ROOTs given (leave one document out), so no document is suggested from its own gold mentions. The
suggestions are scored by ``newsspan.evaluation.evaluate_documents`` (the scorer behind ``newsspan evaluate``)
per article, per ROOT (an article set) and over all of them; the issue's floors are checked on each set:
dates strict span F1 >= 0.80 and value accuracy on matched spans >= 0.80, direct quotations relaxed
F1 >= 0.85 with speaker accuracy >= 0.70, entities relaxed F1 >= 0.60.

For example ``python benchmarks/suggest_eval.py . tests/fixtures/suggest tests/fixtures/suggest_heldout``
scores the seed, the development articles and the held-out articles.
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
#: (measure, floor) of issue 12 part 2; the measures are keys of :func:`summary`.
FLOORS = (("dates_strict_f1", 0.80), ("dates_value_accuracy", 0.80), ("direct_relaxed_f1", 0.85),
          ("direct_speaker_accuracy", 0.70), ("entities_relaxed_f1", 0.60))
#: Column titles of the figures table, in order.
COLUMNS = {"entities_relaxed_f1": "ent relaxed F1", "entities_type_f1": "ent type F1",
           "dates_strict_f1": "dates strict F1", "dates_value_accuracy": "date values",
           "quotations_relaxed_f1": "quot relaxed F1", "direct_relaxed_f1": "direct relaxed F1",
           "direct_speaker_accuracy": "direct speaker", "claims_relaxed_f1": "claims relaxed F1"}


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


def score(gold: list[dict[str, Any]], pred: list[dict[str, Any]], layers: tuple[str, ...]) -> dict[str, Any]:
    """All layers, the direct quotations alone and the date values of one set of documents."""
    from newsspan.evaluation import evaluate_documents

    result: dict[str, Any] = {"documents": len(gold), "scores": evaluate_documents(gold, pred, layers=list(layers))}
    if "quotations" in layers:
        result["direct_quotations"] = evaluate_documents(only_direct(gold), only_direct(pred),
                                                         layers=["quotations"])["layers"]["quotations"]
    if "dates" in layers:
        accuracy, matched = value_accuracy(gold, pred)
        result["date_value_accuracy"] = {"accuracy": accuracy, "matched": matched}
    result["summary"] = summary(result)
    result["floors"] = floors(result["summary"])
    return result


def summary(result: dict[str, Any]) -> dict[str, float | None]:
    """The headline figures of a scored set (None where the set has nothing to score)."""
    layers = result["scores"]["layers"]
    figures: dict[str, float | None] = {}

    def f1(scores: dict[str, Any], key: str) -> float | None:
        counts = scores[key]
        return None if counts["tp"] + counts["fp"] + counts["fn"] == 0 else counts["f1"]

    if "entities" in layers:
        figures["entities_relaxed_f1"] = f1(layers["entities"], "relaxed")
        figures["entities_type_f1"] = f1(layers["entities"], "type")
    if "dates" in layers:
        figures["dates_strict_f1"] = f1(layers["dates"], "strict")
        figures["dates_value_accuracy"] = result["date_value_accuracy"]["accuracy"]
    if "quotations" in layers:
        direct = result["direct_quotations"]
        figures["quotations_relaxed_f1"] = f1(layers["quotations"], "relaxed")
        figures["direct_relaxed_f1"] = f1(direct, "relaxed")
        figures["direct_speaker_accuracy"] = direct.get("speaker_accuracy") if figures["direct_relaxed_f1"] else None
    if "claims" in layers:
        figures["claims_relaxed_f1"] = f1(layers["claims"], "relaxed")
    return figures


def floors(figures: dict[str, float | None]) -> list[dict[str, Any]]:
    """Each floor of the issue with the measured figure and whether it is met."""
    return [{"measure": name, "value": figures[name], "floor": floor,
             "met": figures[name] is not None and figures[name] >= floor}
            for name, floor in FLOORS if name in figures]


def evaluate(roots: list[Path], layers: tuple[str, ...]) -> dict[str, Any]:
    """Suggest every gold document of ``roots`` (one gazetteer pool), then score per article, per set and overall."""
    sets = [(str(root), load_gold(root)) for root in roots]
    pairs = [pair for _, gold in sets for pair in gold]
    started = time.process_time()
    pred = predictions(pairs, layers)
    seconds = time.process_time() - started
    by_id = {p["id"]: p for p in pred}
    result: dict[str, Any] = {"layers": list(layers), "documents": len(pairs), "cpu_seconds": round(seconds, 3),
                              "sets": {}}
    for name, gold_pairs in sets:
        gold = [doc for doc, _ in gold_pairs]
        scored = score(gold, [by_id[doc["id"]] for doc in gold], layers)
        scored["articles"] = {doc["id"]: score([doc], [by_id[doc["id"]]], layers)["summary"] for doc in gold}
        result["sets"][name] = scored
    result["overall"] = score([doc for doc, _ in pairs], pred, layers)
    return result


def table(result: dict[str, Any]) -> Any:
    """A rich table: one row per article, one per set and one overall; floors in the last row."""
    from rich.table import Table

    keys = [key for key in COLUMNS if key in result["overall"]["summary"]]
    out = Table(title=f"suggest vs gold: {result['documents']} document(s), {result['cpu_seconds']} s CPU")
    out.add_column("set / article", no_wrap=True, min_width=30)
    for key in keys:
        out.add_column(COLUMNS[key], justify="right")

    def cells(figures: dict[str, float | None], checked: bool = False) -> list[str]:
        limits = dict(FLOORS) if checked else {}
        shown = []
        for key in keys:
            value = figures.get(key)
            text = "—" if value is None else f"{value:.2f}"
            if key in limits and value is not None and value < limits[key]:
                text = f"[red]{text}[/red]"
            shown.append(text)
        return shown

    for name, scored in result["sets"].items():
        for article, figures in scored["articles"].items():
            out.add_row(f"  {article}", *cells(figures))
        out.add_row(f"[bold]{name}[/bold] ({scored['documents']})", *cells(scored["summary"], True), end_section=True)
    out.add_row("[bold]all sets[/bold]", *cells(result["overall"]["summary"], True))
    out.add_row("floor", *[f"≥ {dict(FLOORS)[key]:.2f}" if key in dict(FLOORS) else "" for key in keys])
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("roots", type=Path, nargs="+", metavar="ROOT",
                        help="corpus roots (seeds/ + annotations/) with reviewed gold; each is one article set")
    parser.add_argument("--layers", default=",".join(LAYERS), help="comma-separated layers (default: all)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    layers = tuple(name for name in args.layers.split(",") if name)
    result = evaluate(args.roots, layers)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    from rich.console import Console

    console = Console(width=max(Console().width, 150))
    console.print(table(result))
    for name, scored in [*result["sets"].items(), ("all sets", result["overall"])]:
        missed = [row for row in scored["floors"] if not row["met"]]
        status = "all floors met" if not missed else "MISSED: " + ", ".join(
            f"{row['measure']} {row['value'] if row['value'] is None else round(row['value'], 3)} < {row['floor']}"
            for row in missed)
        console.print(f"{name}: {status}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
