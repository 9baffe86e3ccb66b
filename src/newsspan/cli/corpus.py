"""Corpus commands: ``validate`` and ``add`` (library: :mod:`newsspan.validation`, :mod:`newsspan.corpus`)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from ..corpus import AddConflict, Corpus, add_article, summarise
from ..files import FileExistsRefusal
from ..schema import load_schema, splits
from ..text import SeedDecodeError
from ..validation import Problem
from ..validation.speedups import COMPILED
from .app import (
    EngineOption,
    JsonOption,
    PathsArgument,
    RootOption,
    SchedulerOption,
    app,
    console,
    engine_or_exit,
    fail,
    fail_problem,
    print_json,
    print_problems,
    print_warning,
    progress_bar,
    selected_files,
    validate_cached,
)
from .render import summary_table

#: Above this many files, `validate` skips the corpus summary (a second pass over every file; see `stats`).
SUMMARY_MAX_FILES = 1000


@app.command("validate", rich_help_panel="Corpus")
def validate_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs", "-j", min=0, help="Worker processes; 0 (default): one per CPU, serial for small corpora."
        ),
    ] = 0,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache",
            help="Check every file, and neither read nor write the cache of files that passed (ROOT/.newsspan-cache/).",
        ),
    ] = False,
    engine: EngineOption = "local",
    scheduler: SchedulerOption = None,
    as_json: JsonOption = False,
) -> None:
    """Check annotation files against the schema and the data contract; report every problem.

    Files that passed before and whose bytes, seed bytes, schema and newsspan version are unchanged
    are skipped (incremental); --no-cache checks everything. The problems are the same either way,
    and on either engine (--engine dask checks every file: its workers share no cache).
    """
    corpus = Corpus(root)
    files = selected_files(corpus, paths, as_json, names=True)  # str paths: less memory for very large corpora
    stats: dict[str, int] = {}
    with engine_or_exit(engine, scheduler, as_json) as runner, \
            progress_bar("validating", len(files), as_json) as advance:
        report = validate_cached(corpus, files, jobs=jobs, use_cache=not no_cache, warn=True, progress=advance,
                                 stats=stats, engine=runner)
    if as_json:
        print_json({**report.to_dict(), "speedups": COMPILED})
    else:
        if not COMPILED:
            print_warning("validation ran without its C speedups (installed without a C compiler): the same results, "
                 "~1.8x slower; reinstall with gcc or clang at hand to build them")
        print_problems(report)
        if stats.get("skipped"):
            console.print(f"{stats['skipped']} unchanged file(s) skipped (passed before; --no-cache checks them)")
        if report.ok and len(files) <= SUMMARY_MAX_FILES:
            console.print(summary_table(summarise(corpus, [Path(f) for f in files])))
    raise typer.Exit(0 if report.ok else 1)


@app.command("add", rich_help_panel="Corpus")
def add_command(
    text_file: Annotated[Path, typer.Argument(help="The article text (UTF-8; CRLF and BOM accepted).")],
    doc_id: Annotated[str, typer.Option("--id", help="Document id: a slug such as 'kazakh-visit-2026'.")],
    split: Annotated[str, typer.Option(help="Dataset split of the document.")] = "train",
    seed_name: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--seed-name", help="File name in seeds/ (default: the text file's name)."),
    ] = None,
    root: RootOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Add an article: copy its text into seeds/ and create a draft annotation file."""
    pattern = load_schema()["properties"]["id"]["pattern"]
    if not re.fullmatch(pattern, doc_id):
        raise fail(f"--id: expected a slug matching {pattern}; found {doc_id!r}", 2, as_json=as_json)
    if split not in splits():
        raise fail(f"--split: expected one of {', '.join(splits())}; found {split!r}", 2, as_json=as_json)
    try:
        created = add_article(Corpus(root), text_file, doc_id, split=split, seed_name=seed_name)
    except FileNotFoundError:
        raise fail(f"{text_file}: expected a text file; found none", 2, as_json=as_json) from None
    except AddConflict as exc:
        raise fail_problem(Problem(exc.filename, "", exc.code, exc.strerror), as_json=as_json) from None
    except SeedDecodeError as exc:  # before ValueError, which it is: the message names the file
        raise fail(f"{text_file}: expected UTF-8 text; found bytes that are {exc}", as_json=as_json) from None
    except (FileExistsError, FileExistsRefusal, ValueError) as exc:
        raise fail(str(exc), as_json=as_json) from None
    except OSError as exc:
        if exc.filename != str(text_file):  # a write into the corpus failed: main() reports it
            raise
        raise fail(
            f"{text_file}: expected a readable text file; found {exc.strerror or exc}", 2, as_json=as_json
        ) from None
    if as_json:
        print_json({"ok": True, "annotation": str(created), "id": doc_id})
    else:
        console.print(
            Text.assemble(("created ", "green"), f"{created} (draft; annotate it, then run newsspan validate)")
        )
