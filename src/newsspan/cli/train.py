"""Training command: ``train`` (library: :mod:`newsspan.train.spacy_ner`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ..corpus import Corpus
from .app import (
    JsonOption,
    PathsArgument,
    RootOption,
    app,
    fail,
    print_json,
    require_outside_corpus,
    selected_files,
    step_bar,
    validate_or_exit,
)
from .render import print_training


@app.command("train", rich_help_panel="Formats and training")
def train_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the DocBins, config, trained pipelines, scores.")],
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    max_steps: Annotated[int, typer.Option("--max-steps", min=1, help="Training steps (updates) to run.")] = 500,
    seed: Annotated[int, typer.Option("--seed", help="Random seed of the run.")] = 0,
    force: Annotated[bool, typer.Option("--force", help="Replace the artefacts of an earlier run in --out.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Train a spaCy NER pipeline on the entities (blank English, CPU, no downloads); print per-label scores.

    Trains on the 'train' split and evaluates on 'validation' (on 'train' itself when there is no
    validation document, which measures fit, not generalisation). Exit 1 if the corpus is invalid.
    """
    from ..train.spacy_ner import TrainingError, train_ner

    corpus = Corpus(root)
    files = selected_files(corpus, paths, as_json)
    require_outside_corpus(corpus, out, as_json)
    validate_or_exit(corpus, files, as_json)
    with step_bar("spacy train", max_steps, as_json) as on_step:
        try:
            result = train_ner(
                corpus, out, paths=files, max_steps=max_steps, seed=seed, overwrite=force, on_step=on_step
            )
        except TrainingError as exc:
            raise fail(str(exc), as_json=as_json) from None
        except OSError as exc:
            raise fail(f"{out}: expected a writable folder; found {exc.strerror or exc}", as_json=as_json) from None
    if as_json:
        print_json({"ok": True, **result.to_dict()})
        return
    print_training(result)
