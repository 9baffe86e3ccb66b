"""Review commands: ``review``, ``check`` and ``agree`` (library: :mod:`newsspan.review`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from ..corpus import Corpus
from ..files import FileExistsRefusal
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
)
from .render import print_agreement, print_warnings, review_pages_table


@app.command("review", rich_help_panel="Review")
def review_command(
    out: Annotated[Path, typer.Option("--out", help="Folder for the pages (created if missing).")],
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    force: Annotated[bool, typer.Option("--force", help="Replace existing pages in --out.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Write a static HTML review page per annotation file, plus OUT/index.html (opens from file://).

    Pages show validation errors and consistency warnings instead of failing on them: exit 0 once the
    pages are written, 1 when they cannot be (existing pages without --force), 2 on usage errors.
    """
    from ..review.site import write_review

    corpus = Corpus(root)
    files = selected_files(corpus, paths, as_json)
    if out.exists() and not out.is_dir():
        raise fail(f"--out: expected a folder; found a file at {out}", 2, as_json=as_json)
    require_outside_corpus(corpus, out, as_json)
    with progress_bar("rendering pages", len(files), as_json) as advance:
        try:
            pages = write_review(corpus, files, out, force=force, advance=advance)
        except FileExistsRefusal as exc:
            raise fail(f"{out}: {exc}", as_json=as_json) from None
        except OSError as exc:
            raise fail(f"{out}: expected a writable folder; found {exc.strerror or exc}", as_json=as_json) from None
    index = out / "index.html"
    if as_json:
        print_json(
            {
                "ok": True,
                "index": str(index),
                "pages": [p.to_dict() for p in pages],
                "errors": sum(p.errors for p in pages),
                "warnings": sum(p.warnings for p in pages),
            }
        )
        return
    console.print(review_pages_table(pages, out))
    console.print(f"open {index.resolve().as_uri()}", highlight=False, soft_wrap=True)


@app.command("check", rich_help_panel="Review")
def check_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    as_json: JsonOption = False,
    ignore: Annotated[
        Optional[list[str]],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--ignore", help="Warning code to leave out (repeatable), e.g. quote-unannotated."),
    ] = None,
) -> None:
    """Consistency warnings a reviewer would want, per document and across the corpus.

    Exit 0 when there is no warning, 1 when there are warnings or invalid files (like a linter), 2 on
    usage errors. Invalid files are reported with their validation errors and not checked.
    """
    from ..review.checks import CODES, check_all

    skipped = set(ignore or [])
    if unknown := sorted(skipped - CODES.keys()):
        raise fail(
            f"--ignore: expected warning codes ({', '.join(CODES)}); found {', '.join(unknown)}", 2, as_json=as_json
        )
    corpus = Corpus(root)
    files = selected_files(corpus, paths, as_json)
    report = validate(corpus, files)
    invalid = {p.file for p in report.problems}
    valid = [f for f in files if str(f) not in invalid]
    with progress_bar("checking", len(valid), as_json) as advance:
        found = check_all(corpus, valid, advance) if valid else []  # no paths would mean the whole corpus
    warnings = [w for w in found if w.code not in skipped]
    ok = report.ok and not warnings
    if as_json:
        print_json(
            {
                "ok": ok,
                "files": len(files),
                "checked": len(valid),
                "warnings": [w.to_dict() for w in warnings],
                "errors": [p.to_dict() for p in report.problems],
            }
        )
        raise typer.Exit(0 if ok else 1)
    if not report.ok:
        print_problems(report)
    print_warnings(warnings, len(valid))
    raise typer.Exit(0 if ok else 1)


@app.command("agree", rich_help_panel="Review")
def agree_command(
    a: Annotated[Path, typer.Argument(help="Reference annotations: a folder of annotation files, or one file.")],
    b: Annotated[Path, typer.Argument(help="Annotations to compare with A (same document ids).")],
    root: RootOption = Path("."),
    as_json: JsonOption = False,
    html: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--html", help="Write side-by-side diff pages: OUT.html for one document, else a folder."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace existing diff pages.")] = False,
) -> None:
    """Agreement of two annotation sets of the same documents: span F1, token kappa, attributes, diffs."""
    from ..review.agreement import agree, write_diff_pages

    with progress_bar("comparing", None, as_json) as advance:
        report, pairs, problems = agree(Corpus(root), a, b, advance)
    if html is not None and html.suffix == ".html" and len(pairs) > 1:
        raise fail(
            f"--html: {len(pairs)} documents compared; expected a folder, found the file name {html}",
            2,
            as_json=as_json,
        )
    if report is None:
        if as_json:
            print_json({"ok": False, "errors": [p.to_dict() for p in problems]})
        else:
            print_problems(Report(files=0, problems=problems))
        raise typer.Exit(1)
    written: list[Path] = []
    if html is not None:
        try:
            written = write_diff_pages(report, pairs, html, force=force)
        except FileExistsRefusal as exc:
            raise fail(str(exc), as_json=as_json) from None
        except OSError as exc:
            raise fail(f"--html {html}: expected a writable location; found {exc.strerror or exc}",
                       as_json=as_json) from None
    if as_json:
        print_json({"ok": True, **report.to_dict(), "html": [str(p) for p in written]})
    else:
        print_agreement(report)
        for path in written:
            console.print(Text.assemble(("wrote ", "green"), str(path)))
