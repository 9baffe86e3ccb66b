"""Suggestion commands: ``suggest`` and ``accept`` (library: :mod:`newsspan.suggest`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ..corpus import Corpus
from ..files import FileExistsRefusal
from ..model import LAYERS
from ..validation import Report
from .app import (
    JsonOption,
    LayersOption,
    PathsArgument,
    RootOption,
    app,
    console,
    fail,
    parse_layers,
    print_json,
    print_problems,
    progress_bar,
    require_existing,
    require_outside_corpus,
    selected_files,
    validate_or_exit,
)
from .render import accepted_table, suggestions_table


@app.command("suggest", rich_help_panel="Corpus")
def suggest_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the suggestion files (never annotations/).")],
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    layers: LayersOption = None,
    model: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--model", help="A local spaCy pipeline folder whose entities join the rules'."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace suggestion files already in OUT.")] = False,
    skip_existing: Annotated[bool, typer.Option(
        "--skip-existing", help="Keep suggestion files already in OUT; suggest only for the other documents "
                                "(completes a run that was stopped).")] = False,
    as_json: JsonOption = False,
) -> None:
    """Machine pre-annotations for every layer, written as suggestion files apart from the gold annotations."""
    from ..suggest.pipeline import SuggestError, gold_gazetteer, load_model, run

    if force and skip_existing:
        raise fail("--force and --skip-existing: expected at most one (replace the files in OUT, or keep them)", 2,
                   as_json=as_json)
    corpus = Corpus(root)
    chosen = parse_layers(layers, as_json) or LAYERS
    files = selected_files(corpus, paths, as_json)
    require_outside_corpus(corpus, out, as_json)
    try:
        pipeline = load_model(model)
    except SuggestError as exc:
        raise fail(str(exc), 2, as_json=as_json) from None
    validate_or_exit(corpus, files, as_json)
    gazetteer = gold_gazetteer(corpus, exclude={Path(f).stem for f in files})
    with progress_bar("suggesting", len(files), as_json) as advance:
        try:
            result = run(corpus, files, out, layers=chosen, model=pipeline, gazetteer=gazetteer, overwrite=force,
                         skip_existing=skip_existing, progress=advance)
        except FileExistsRefusal as exc:
            raise fail(str(exc), as_json=as_json) from None
    if as_json:
        print_json(result.to_dict())
        return
    console.print(suggestions_table(out, result.written, result.skipped))


@app.command("accept", rich_help_panel="Corpus")
def accept_command(
    suggestions: Annotated[list[Path], typer.Argument(help="Suggestion files or folders (from newsspan suggest).")],
    root: RootOption = Path("."),
    layers: LayersOption = None,
    min_confidence: Annotated[
        float, typer.Option("--min-confidence", min=0.0, max=1.0, help="Accept spans at least this confident.")
    ] = 0.0,
    by: Annotated[str, typer.Option("--by", help="Who accepts the spans (recorded in their provenance).")] = (
        "newsspan maintainers"),
    as_json: JsonOption = False,
) -> None:
    """Move suggested spans into the gold annotations (draft documents), keeping their provenance."""
    from ..suggest.accept import accept

    corpus = Corpus(root)
    chosen = parse_layers(layers, as_json) or LAYERS
    require_existing(suggestions, as_json)
    files = corpus.annotation_files(suggestions)
    if not files:
        raise fail(f"no suggestion files found under {suggestions}", 2, as_json=as_json)
    report = accept(corpus, files, layers=chosen, min_confidence=min_confidence, by=by)
    if as_json:
        print_json(report.to_dict())
    else:
        console.print(accepted_table(report.documents))
        if report.problems:
            print_problems(Report(files=len(files), problems=report.problems))
    raise typer.Exit(0 if report.ok else 1)
