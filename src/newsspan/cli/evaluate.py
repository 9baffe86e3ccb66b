"""Evaluation command: ``evaluate`` (library: :mod:`newsspan.evaluation`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.text import Text

from ..files import FileExistsRefusal
from ..validation import Report
from .app import (
    JsonOption,
    app,
    console,
    fail,
    parse_layers,
    print_json,
    print_problems,
    print_warning,
    progress_bar,
    require_existing,
)
from .formats import format_module
from .render import print_evaluation


@app.command("evaluate", rich_help_panel="Review")
def evaluate_command(
    gold: Annotated[Path, typer.Argument(help="Gold: a corpus root, a folder of annotation files, or one file.")],
    pred: Annotated[
        Path,
        typer.Argument(help="Predictions: the same, a JSONL of partial documents, or files of --format."),
    ],
    layers: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--layers", help="Comma-separated layers to score (default: the layers PRED gives)."),
    ] = None,
    format_name: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--format", help="Read PRED with an import format (brat, label-studio, spacy, conll, ...)."),
    ] = None,
    bootstrap: Annotated[
        int, typer.Option("--bootstrap", min=0, help="Bootstrap samples over documents for 95% intervals.")
    ] = 0,
    seed: Annotated[int, typer.Option("--seed", help="Seed of the bootstrap.")] = 0,
    model_index: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--model-index", help="Also write the scores as Hub model-index YAML to this file."),
    ] = None,
    root: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--root", help="Corpus root of GOLD's seeds (default: inferred from GOLD)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Score predicted spans against gold ones: SemEval-2013 entity schemes, TempEval-3 dates, quotations, claims.

    Exit 0 once scored (whatever the scores), 1 on invalid input, 2 on usage errors. docs/evaluation.md
    defines every measure.
    """
    from ..evaluation import EvaluationError, evaluate_documents
    from ..evaluation.inputs import drop_uncarried, read_inputs

    require_existing([gold, pred], as_json)
    chosen = parse_layers(layers, as_json)
    if format_name is not None:
        format_module(format_name, as_json)
    import scipy.optimize  # noqa: F401 - a missing [review] extra is reported by main() before any work
    with progress_bar("reading", None, as_json):
        inputs = read_inputs(gold, pred, root=root, format_name=format_name, layers=chosen)
    try:
        if inputs.problems:
            raise EvaluationError(inputs.problems)
        with progress_bar("scoring", None, as_json):
            result = evaluate_documents(inputs.gold, inputs.pred, chosen or inputs.layers, bootstrap, seed)
    except EvaluationError as exc:
        if as_json:
            print_json({"ok": False, "errors": [p.to_dict() for p in exc.problems]})
        else:
            print_problems(Report(files=0, problems=exc.problems))
        raise typer.Exit(1) from None
    if lost := drop_uncarried(result["layers"], format_name):
        print_warning(f"{format_name} cannot carry what these measures need; reported as null: {', '.join(lost)}")
    predicted = {doc["id"] for doc in inputs.pred}
    unpredicted = [doc["id"] for doc in inputs.gold if doc["id"] not in predicted]
    if unpredicted:
        print_warning(f"{len(unpredicted)} gold document(s) without a prediction, "
                      f"scored as predicted empty: {', '.join(unpredicted[:10])}")
    if model_index is not None:
        write_evaluation_model_index(model_index, pred, inputs.gold, result, as_json)
    if as_json:
        extra = {key: result[key] for key in ("bootstrap",) if key in result}
        print_json({"ok": True, "documents": result["documents"], "layers": result["layers"], **extra})
        return
    print_evaluation(result)
    if model_index is not None:
        console.print(Text.assemble(("wrote ", "green"), str(model_index)))


def write_evaluation_model_index(
    path: Path, pred: Path, gold: list[Any], result: dict[str, Any], as_json: bool
) -> None:
    """Write ``--model-index`` (model name: PRED's file name; split: the gold documents' split if they share one)."""
    from ..evaluation.model_index import write_model_index

    splits = {doc["metadata"]["split"] for doc in gold}
    try:
        write_model_index(path, pred.stem, result["layers"], split=splits.pop() if len(splits) == 1 else None)
    except FileExistsRefusal:
        raise fail(f"--model-index {path}: expected a new file or a model-index YAML written earlier; found another "
                   "file (not replaced)", as_json=as_json) from None
    except OSError as exc:
        raise fail(
            f"--model-index {path}: expected a writable file; found {exc.strerror or exc}", as_json=as_json
        ) from None
