"""Format commands: ``export`` and ``import`` (library: :mod:`newsspan.formats`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.text import Text

from ..corpus import Corpus
from ..files import NO_SPACE, FileExistsRefusal
from ..validation import Report, validate
from .app import (
    JsonOption,
    PathsArgument,
    RootOption,
    app,
    console,
    fail,
    print_json,
    print_problems,
    progress_bar,
    require_outside_corpus,
    selected_files,
    validate_or_exit,
)
from .render import print_skipped

FormatOption = Annotated[
    str,
    typer.Option(
        "--format", help="brat, label-studio, spacy, conll, doccano, web-annotation or uima-cas (docs/formats.md)."
    ),
]


def format_module(name: str, as_json: bool) -> Any:
    """The converter module of a format name, or a usage error naming the known formats."""
    from ..formats import FORMATS, converter

    if name not in FORMATS:
        raise fail(f"--format: expected one of {', '.join(FORMATS)}; found {name!r}", 2, as_json=as_json)
    return converter(name)


@app.command("export", rich_help_panel="Formats and training")
def export_command(
    format_name: FormatOption,
    out: Annotated[Path, typer.Option("--out", help="Folder to write (created if missing; empty unless --force).")],
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    predictions: Annotated[
        bool,
        typer.Option(
            "--predictions", help="label-studio only: write spans as predictions (for review), not annotations."
        ),
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="Write into a non-empty --out, replacing files.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Convert annotation files to an annotation or NLP tool's format (validated first; exit 1 if invalid)."""
    module = format_module(format_name, as_json)
    if predictions and format_name != "label-studio":
        raise fail(f"--predictions: expected --format label-studio; found --format {format_name}", 2, as_json=as_json)
    corpus = Corpus(root)
    files = selected_files(corpus, paths, as_json)
    if out.exists() and not out.is_dir():
        raise fail(f"--out: expected a folder; found a file at {out}", 2, as_json=as_json)
    require_outside_corpus(corpus, out, as_json)
    if out.is_dir() and any(out.iterdir()) and not force:
        raise fail(
            f"{out}: expected an empty or new folder; found files in it (use --force to write into it)", as_json=as_json
        )
    validate_or_exit(corpus, files, as_json, refusal="not exported: {problems} validation problem(s); fix them first")
    with progress_bar(f"exporting to {format_name}", len(files), as_json) as advance:
        documents = (advance() or pair for pair in corpus.iter_documents(files))
        try:
            written = module.export(documents, out, overwrite=force, as_predictions=predictions)
        except FileExistsRefusal as exc:
            raise fail(str(exc), as_json=as_json) from None
        except OSError as exc:
            raise fail(f"{out}: expected a writable folder; found {exc.strerror or exc}", as_json=as_json) from None
    if as_json:
        print_json({"ok": True, "format": format_name, "documents": len(files), "files": [str(p) for p in written]})
    else:
        console.print(
            Text.assemble(
                ("exported ", "green"), f"{len(files)} document(s) as {format_name}: {len(written)} file(s) in {out}"
            )
        )


@app.command("import", rich_help_panel="Formats and training")
def import_command(
    format_name: FormatOption,
    src: Annotated[Path, typer.Argument(help="A file of the format, or a folder of such files.")],
    out: Annotated[Path, typer.Option("--out", help="Corpus root to write (seeds/ and annotations/).")],
    label_map: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--label-map", help="YAML/JSON label map (PER: PERSON, MISC: null, DATE: dates/DATE) or a "
                                         "preset: conll2003, ontonotes, wikiann, spacy-en, wnut17."),
    ] = None,
    on_unknown: Annotated[
        str, typer.Option("--on-unknown", help="A span with an unknown label: skip it (listed) or error.")
    ] = "skip",
    source_map: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--source-map", help="web-annotation: IRI=FILE, the local text of a target IRI (repeatable)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing seed and annotation files.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Read a tool's export into a corpus root; report every span that cannot be mapped (nothing written then)."""
    from ..formats.base import keep_existing_headers, read_with, unwritable_problems, write_corpus
    from ..formats.options import ImportOptionError, import_options

    module = format_module(format_name, as_json)
    if not src.exists():
        raise fail(f"{src}: expected a file or folder to import; found nothing", 2, as_json=as_json)
    try:
        options = import_options(label_map, on_unknown, source_map or [], seed_root=out)
    except ImportOptionError as exc:
        raise fail(str(exc), 2, as_json=as_json) from None
    with progress_bar(f"reading {format_name}", None, as_json):
        result = read_with(module, src, options)
    skipped = [s.to_dict() for s in options.skipped]
    keep_existing_headers(result, out)  # back into the working corpus: provenance the format lacks stays
    problems = result.problems + unwritable_problems(result)  # all checked before any file is written
    if problems:
        failed = Report(files=len(result.documents), problems=problems)
        if as_json:
            print_json({**failed.to_dict(), "skipped": skipped, "skipped_count": len(skipped)})
        else:
            print_problems(failed)
            print_skipped(skipped)
        raise fail(f"nothing imported: {len(problems)} problem(s)")
    if not result.documents and not result.sets:
        raise fail(f"{src}: found no documents", as_json=as_json)
    try:
        written = write_corpus(result.documents, out, force=force, sets=result.sets)
    except FileExistsRefusal as exc:
        raise fail(str(exc), as_json=as_json) from None
    except OSError as exc:
        if exc.errno in NO_SPACE:  # all temp files are written before any is placed: nothing was
            raise fail(f"{exc.filename or out}: no room to write it ({exc.strerror or exc}); nothing was imported "
                       f"into {out}", as_json=as_json) from None
        raise fail(f"{out}: expected a writable folder; found {exc.strerror or exc}", as_json=as_json) from None
    corpus = Corpus(out)
    report = validate(corpus, [corpus.annotation_path(doc["id"]) for doc, _ in result.documents])
    if as_json:
        print_json(
            {
                **report.to_dict(),
                "documents": [doc["id"] for doc, _ in result.documents],
                "files": [str(p) for p in written],
                "sets": {folder: [doc["id"] for doc, _ in docs] for folder, docs in result.sets.items()},
                "skipped": skipped,
                "skipped_count": len(skipped),
            }
        )
    else:
        print_problems(report)
        print_skipped(skipped)
        console.print(Text.assemble(("imported ", "green"), f"{len(result.documents)} document(s) into {out}"))
        for folder, docs in result.sets.items():
            console.print(f"  {len(docs)} document(s) into {out / folder}")
    raise typer.Exit(0 if report.ok else 1)
