"""Human output of the commands: rich tables built from what the library returns (no work, no I/O but printing)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich import table as rich_table
from rich.text import Text

from ..model import LAYERS
from ..validation.problems import printable
from .app import console


class Table(rich_table.Table):
    """A rich table whose title and text cells are made printable (:func:`newsspan.validation.problems.printable`):
    a control character from a document or a file name is shown as ``\\x1b``, never sent to the terminal (rich
    itself passes ESC sequences through)."""

    def __init__(self, *columns: Any, title: str | None = None, **options: Any) -> None:
        super().__init__(*columns, title=printable(title) if isinstance(title, str) else title, **options)

    def add_row(self, *cells: Any, **options: Any) -> None:
        """A row; ``str`` cells made printable."""
        super().add_row(*(printable(cell) if isinstance(cell, str) else cell for cell in cells), **options)


def summary_table(summary: dict[str, Any]) -> Table:
    """Totals of a (valid) corpus, from :func:`newsspan.corpus.summarise`."""
    table = Table(title="corpus summary")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("documents", str(summary["documents"]))
    table.add_row("characters", str(summary["characters"]))
    table.add_row("splits", ", ".join(f"{name} {n}" for name, n in summary["splits"].items()))
    table.add_row("annotation status", ", ".join(f"{name} {n}" for name, n in summary["statuses"].items()))
    for layer in LAYERS:
        table.add_row(f"{layer} spans", str(summary["spans"][layer]))
    return table


def review_pages_table(pages: list[Any], out: Path) -> Table:
    """The review pages written: pages with errors first, then with warnings; the first :data:`TABLE_ROWS` one
    per row, the rest summed in one row (``--json`` lists every page)."""
    table = Table(title=f"{len(pages)} review page(s) in {out}")
    for column in ("document", "page", "errors", "warnings"):
        table.add_column(column, justify="right" if column in ("errors", "warnings") else "left", overflow="fold")
    ranked = sorted(pages, key=lambda p: (not p.errors, not p.warnings))
    for p in ranked[:TABLE_ROWS]:
        table.add_row(p.id or p.file, p.page, Text(str(p.errors), style="red" if p.errors else ""), str(p.warnings))
    rest = ranked[TABLE_ROWS:]
    if rest:
        errors = sum(p.errors for p in rest)
        table.add_row(f"... {len(rest)} more", "", Text(str(errors), style="red" if errors else ""),
                      str(sum(p.warnings for p in rest)))
    return table


def print_warnings(warnings: list[Any], checked: int) -> None:
    """A table of consistency warnings, or a green line when there are none."""
    if not warnings:
        console.print(f"✓ no consistency warnings in {checked} file(s)", style="green")
        return
    table = Table(title=f"{len(warnings)} consistency warning(s) in {checked} file(s)")
    for column in ("file", "pointer", "code", "message", "suggestion"):
        table.add_column(column, overflow="fold")
    for w in warnings:
        table.add_row(w.file, w.pointer, w.code, w.message, w.suggestion)
    console.print(table)


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _span_table(report: Any) -> Table:
    spans = Table(title="spans, A as reference (P = matched/B, R = matched/A; labelled: labels must agree)")
    for column in ("layer", "match", "A", "B", "matched", "P", "R", "F1", "F1 any label"):
        spans.add_column(column, justify="left" if column in ("layer", "match") else "right")
    for layer, kinds in report.spans.items():
        for rule in ("exact", "overlap"):
            s, blind = kinds[f"{rule}_labelled"], kinds[f"{rule}_unlabelled"]
            spans.add_row(layer, rule, str(s.a), str(s.b), str(s.matched),
                          _score(s.precision), _score(s.recall), _score(s.f1), _score(blind.f1))
    return spans


def _label_table(report: Any) -> Table:
    labels = Table(title="per label (labels with spans on either side)")
    for column in ("layer", "label", "A", "B", "exact F1", "overlap F1"):
        labels.add_column(column, justify="left" if column in ("layer", "label") else "right")
    for layer, by_label in report.per_label.items():
        for label, by_rule in by_label.items():
            exact, overlap = by_rule["exact"], by_rule["overlap"]
            if exact.a or exact.b:
                labels.add_row(layer, label, str(exact.a), str(exact.b), _score(exact.f1), _score(overlap.f1))
    return labels


def _attribute_table(report: Any) -> Table:
    attributes = Table(title="attributes of spans matched by overlap")
    for column in ("layer", "attribute", "pairs", "agreement", "kappa"):
        attributes.add_column(column, justify="left" if column in ("layer", "attribute") else "right")
    for layer, names in report.attributes.items():
        for name, agreement in names.items():
            attributes.add_row(layer, name, str(agreement.n), _score(agreement.observed), _score(agreement.kappa))
    return attributes


def print_agreement(report: Any) -> None:
    """Rich tables: span scores per layer and label, token kappa, attribute agreement, disagreements."""
    console.print(
        f"A (reference) = {report.names[0]}   B = {report.names[1]}   documents: {len(report.documents)}"
        + (f"   only in A: {', '.join(report.only_in_a)}" if report.only_in_a else "")
        + (f"   only in B: {', '.join(report.only_in_b)}" if report.only_in_b else ""),
        highlight=False,
    )
    console.print(_span_table(report))
    console.print(_label_table(report))
    tokens = report.token_kappa
    console.print(
        f"entity tokens: {tokens.n}, observed agreement {_score(tokens.observed)}, "
        f"Cohen's kappa {_score(tokens.kappa)}",
        highlight=False,
    )
    console.print(_attribute_table(report))
    if not report.disagreements:
        console.print("✓ no disagreements", style="green")
        return
    table = Table(title=f"{len(report.disagreements)} disagreement(s)")
    for column in ("document", "layer", "kind", "A", "B", "message"):
        table.add_column(column, overflow="fold")
    for d in report.disagreements:
        table.add_row(d.doc, d.layer, d.kind, d.a_id or "", d.b_id or "", d.message)
    console.print(table)


def print_training(result: Any) -> None:
    """Per-label precision/recall/F1 of a training run, the overall scores, and where the model is."""
    title = "validation" if not result.dev_is_train else "training documents (no validation split)"
    table = Table(title=f"NER scores on {title}, {result.max_steps} steps")
    for column in ("label", "precision", "recall", "F1", "gold"):
        table.add_column(column, justify="left" if column == "label" else "right")
    for s in result.labels:
        table.add_row(s.label, f"{s.precision:.3f}", f"{s.recall:.3f}", f"{s.f1:.3f}", str(s.support))
    table.add_section()
    table.add_row(
        "overall",
        f"{result.precision:.3f}",
        f"{result.recall:.3f}",
        f"{result.f1:.3f}",
        str(sum(s.support for s in result.labels)),
    )
    console.print(table)
    if result.dev_is_train:
        console.print(
            Text.assemble(("warning: ", "yellow"), "no 'validation' documents: scores measure fit to the training data")
        )
    console.print(
        f"trained pipeline: {result.model_dir}  (spacy.load it; scores in {result.output_dir}/scores.json)",
        highlight=False,
        soft_wrap=True,
    )


def differences_table(out: Path, differences: list[tuple[str, str]]) -> Table:
    """The files of a stale dataset folder that differ from a fresh build."""
    table = Table(title=f"{out} is stale: {len(differences)} file(s) differ from a fresh build (run newsspan build)")
    table.add_column("change")
    table.add_column("file", overflow="fold")
    for change, path in differences:
        table.add_row(change, path)
    return table


def loaded_table(out: Path, loaded: list[dict[str, Any]]) -> Table:
    """What load_dataset returned for every config: splits, rows, spans per layer."""
    table = Table(title=f"load_dataset({str(out)!r}, config)")
    for column in ("config", "split", "rows", *LAYERS):
        table.add_column(column, justify="left" if column in ("config", "split") else "right")
    for row in loaded:
        table.add_row(
            row["config"],
            row["split"],
            f"{row['rows']:,}",
            *(f"{row['spans'][layer]:,}" if layer in row["spans"] else "—" for layer in LAYERS),
        )
    return table


def stats_table(stats: dict[str, Any]) -> Table:
    """Documents, sentences, tokens and spans per layer, per split and in total."""
    table = Table(title="corpus statistics")
    for column in ("split", "documents", "sentences", "tokens", *LAYERS):
        table.add_column(column, justify="left" if column == "split" else "right")
    for split, numbers in stats["splits"].items():
        table.add_row(
            split,
            *(f"{numbers[k]:,}" for k in ("documents", "sentences", "tokens")),
            *(f"{numbers['spans'][layer]:,}" for layer in LAYERS),
        )
    table.add_section()
    table.add_row(
        "total",
        *(f"{stats[k]:,}" for k in ("documents", "sentences", "tokens")),
        *(f"{stats['spans'][layer]:,}" for layer in LAYERS),
    )
    return table


def label_table(stats: dict[str, Any]) -> Table:
    """Spans per layer and label, and the attribute distributions."""
    table = Table(title="labels and attributes")
    for column in ("layer", "label / attribute", "count"):
        table.add_column(column, justify="right" if column == "count" else "left")
    for layer in LAYERS:
        for label, n in stats["labels"][layer].items():
            table.add_row(layer, label, f"{n:,}")
        for name, values in stats["attributes"][layer].items():
            table.add_row(layer, name, ", ".join(f"{value}: {n:,}" for value, n in values.items()))
        table.add_section()
    return table


def upload_table(plan: list[Any], repo_id: str, dry_run: bool) -> Table:
    """The files of a dataset folder that are (or would be) uploaded, with their sizes."""
    table = Table(
        title=f"{'would upload' if dry_run else 'uploaded'} {len(plan)} file(s) to "
        f"https://huggingface.co/datasets/{repo_id}"
    )
    table.add_column("file", overflow="fold")
    table.add_column("bytes", justify="right")
    for f in plan:
        table.add_row(f.path, f"{f.size:,}")
    return table


def _count(value: float) -> str:
    return f"{value:g}"


def _interval(ci: dict[str, Any] | None, key: str) -> str:
    interval = (ci or {}).get(key)
    return "—" if interval is None else f"{interval[0]:.3f}–{interval[1]:.3f}"


def print_evaluation(result: dict[str, Any]) -> None:
    """One rich table per layer: span scores (P, R, F1, counts), per-label rows, then the layer's accuracies."""
    with_ci = "bootstrap" in result
    console.print(f"{result['documents']} document(s) scored", highlight=False)
    for layer, scores in result["layers"].items():
        table = Table(title=f"{layer}")
        for column in ("measure", "P", "R", "F1 / value", "TP", "FP", "FN", *(("95% CI",) if with_ci else ())):
            table.add_column(column, justify="left" if column == "measure" else "right")
        rows = [(name, value) for name, value in scores.items() if isinstance(value, dict) and "f1" in value]
        rows += [
            (f"{label} {scheme}", s)
            for label, schemes in scores.get("labels", {}).items()
            for scheme, s in schemes.items()
            if scheme in ("strict", "relaxed")
        ]
        rows += [(f"type {name}", s) for name, s in scores.get("types", {}).items()]
        for name, s in rows:
            table.add_row(
                name,
                _score(s["p"]),
                _score(s["r"]),
                _score(s["f1"]),
                _count(s["tp"]),
                _count(s["fp"]),
                _count(s["fn"]),
                *((_interval(s.get("ci"), "f1"),) if with_ci else ()),
            )
        scalars = [(name, value) for name, value in scores.items() if not isinstance(value, dict) and name != "matched"]
        if scalars:
            table.add_section()
        for name, value in scalars:
            table.add_row(
                name, "", "", _score(value), "", "", "", *((_interval(scores.get("ci"), name),) if with_ci else ())
            )
        for scheme, rates in scores.get("macro", {}).items():
            table.add_row(
                f"macro {scheme}",
                _score(rates["p"]),
                _score(rates["r"]),
                _score(rates["f1"]),
                "",
                "",
                "",
                *((_interval(rates.get("ci"), "f1"),) if with_ci else ()),
            )
        console.print(table)


def print_skipped(skipped: list[dict[str, str]]) -> None:
    """The spans an import did not carry (file, place, label, text, why), as a table."""
    if not skipped:
        return
    table = Table(title=f"{len(skipped)} span(s) not imported (or a value changed, as the reason says)")
    for column in ("file", "where", "label", "text", "reason"):
        table.add_column(column)
    for row in skipped:
        table.add_row(*(row[key] for key in ("file", "where", "label", "text", "reason")))
    console.print(table)


#: Documents shown one per row in a table for people; the rest are summed up in one row (``--json`` lists all).
TABLE_ROWS = 20


def counts_table(title: str, columns: Sequence[str], rows: Sequence[tuple[str, Sequence[int]]]) -> Table:
    """Counts per document: a row each for the first :data:`TABLE_ROWS`, the rest summed in one row, and the
    totals in the footer."""
    table = Table(title=title, show_footer=len(rows) > 1)
    table.add_column("document", footer=f"{len(rows)} documents", overflow="fold")
    for i, column in enumerate(columns):
        table.add_column(column, justify="right", footer=str(sum(counts[i] for _, counts in rows)))
    for name, counts in rows[:TABLE_ROWS]:
        table.add_row(name, *map(str, counts))
    rest = rows[TABLE_ROWS:]
    if rest:
        table.add_row(f"... {len(rest)} more", *(str(sum(counts[i] for _, counts in rest))
                                                 for i in range(len(columns))))
    return table


def suggestions_table(out: Path, written: list[dict[str, Any]], skipped: Sequence[Any] = ()) -> Table:
    """Suggested spans per document and layer (see :func:`counts_table`)."""
    table = counts_table(f"suggestions in {out}", LAYERS,
                         [(row["id"], [row[layer] for layer in LAYERS]) for row in written])
    if skipped:
        table.caption = f"{len(skipped)} documents skipped: their file was already in {out} (--skip-existing)"
    return table


def accepted_table(documents: list[dict[str, Any]]) -> Table:
    """Spans accepted into gold per document: added, already there, in conflict (see :func:`counts_table`)."""
    return counts_table("accepted", ("added", "already there", "conflicts"),
                        [(row["id"], [row["added"], row["present"], row["conflicts"]]) for row in documents])


def splits_table(result: Any, ratios: Sequence[float], seed: int, by: str | None) -> Table:
    """Documents per split after ``newsspan split``, with the ratio asked for."""
    table = Table(title=f"splits ({'by ' + by if by else 'per document'}, seed {seed})")
    for column in ("split", "ratio", "documents"):
        table.add_column(column, justify="left" if column == "split" else "right")
    for (name, n), ratio in zip(result.counts().items(), ratios, strict=True):
        table.add_row(name, f"{ratio:g}", f"{n:,}")
    return table
