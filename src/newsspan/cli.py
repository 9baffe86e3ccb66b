"""The ``newsspan`` command: one sub-command per stage of the data flow.

Every command takes ``--root`` (the corpus root, default the current folder) and prints
tables for people or, with ``--json``, one JSON object for scripts and CI.
Exit codes: 0 success, 1 invalid input or failed check, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table

from .corpus import Corpus, add_article
from .files import FileExistsRefusal
from .model import LAYERS
from .text import SeedDecodeError
from .validate import Report, validate

app = typer.Typer(
    name="newsspan",
    help="Span-annotated news corpus: validate, build the Hugging Face dataset, convert, review.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)

RootOption = Annotated[Path, typer.Option("--root", help="Corpus root holding seeds/ and annotations/.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]
PathsArgument = Annotated[
    Optional[list[Path]],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Argument(help="Annotation files or folders (default: the root's annotations/)."),
]


def print_json(obj: Any) -> None:
    """Machine-readable output: one JSON object on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def fail(message: str, code: int = 1) -> typer.Exit:
    """Print an error for people and return the Exit to raise."""
    err_console.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


def print_problems(report: Report) -> None:
    """Problems one per line, compiler style (``file:pointer: code: message``), then a count."""
    if report.ok:
        console.print(f"[green]✓ {report.files} file(s) valid[/]")
        return
    for p in report.problems:
        console.print(f"{p.file}:{p.pointer or '/'}: [bold red]{p.code}[/]: {p.message}",
                      soft_wrap=True, highlight=False, markup=True)
    console.print(f"[red]✗ {len(report.problems)} problem(s) in {report.files} file(s)[/]")


def corpus_summary(corpus: Corpus, paths: list[Path]) -> Table:
    """Totals of a (valid) corpus: documents, characters, splits, statuses, spans per layer."""
    totals: Counter[str] = Counter()
    splits: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    for doc, text in corpus.iter_documents(paths):
        totals.update({layer: len(doc[layer]) for layer in LAYERS})
        totals["characters"] += len(text)
        splits[doc["metadata"]["split"]] += 1
        statuses[doc["annotation"]["status"]] += 1
    table = Table(title="corpus summary")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_row("documents", str(sum(splits.values())))
    table.add_row("characters", str(totals["characters"]))
    table.add_row("splits", ", ".join(f"{name} {n}" for name, n in sorted(splits.items())))
    table.add_row("annotation status", ", ".join(f"{name} {n}" for name, n in sorted(statuses.items())))
    for layer in LAYERS:
        table.add_row(f"{layer} spans", str(totals[layer]))
    return table


@app.command("validate")
def validate_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Check annotation files against the schema and the data contract; report every problem."""
    corpus = Corpus(root)
    files = corpus.annotation_files(paths or [])
    if not files:
        raise fail(f"no annotation files found under {paths or corpus.annotations_dir}", 2)
    report = validate(corpus, files)
    if as_json:
        print_json(report.to_dict())
    else:
        print_problems(report)
        if report.ok:
            console.print(corpus_summary(corpus, files))
    raise typer.Exit(0 if report.ok else 1)


@app.command("add")
def add_command(
    text_file: Annotated[Path, typer.Argument(help="The article text (UTF-8; CRLF and BOM accepted).")],
    doc_id: Annotated[str, typer.Option("--id", help="Document id: a slug such as 'kazakh-visit-2026'.")],
    split: Annotated[str, typer.Option(help="Dataset split of the document.")] = "train",
    root: RootOption = Path("."),
    as_json: JsonOption = False,
) -> None:
    """Add an article: copy its text into seeds/ and create a draft annotation file."""
    import re

    from .schema import load_schema, splits

    pattern = load_schema()["properties"]["id"]["pattern"]
    if not re.match(pattern, doc_id):
        raise fail(f"--id: expected a slug matching {pattern}; found {doc_id!r}", 2)
    if split not in splits():
        raise fail(f"--split: expected one of {', '.join(splits())}; found {split!r}", 2)
    try:
        created = add_article(Corpus(root), text_file, doc_id, split=split)
    except FileNotFoundError:
        raise fail(f"{text_file}: expected a text file; found none", 2) from None
    except (FileExistsError, FileExistsRefusal) as exc:
        raise fail(str(exc)) from None
    except SeedDecodeError as exc:
        raise fail(f"{text_file}: expected UTF-8 text; found bytes that are {exc}") from None
    if as_json:
        print_json({"ok": True, "annotation": str(created), "id": doc_id})
    else:
        console.print(f"[green]created[/] {created} (draft; annotate it, then run newsspan validate)")


def main() -> None:
    """Entry point of the ``newsspan`` console script."""
    app()
