"""The ``newsspan`` command: one sub-command per stage of the data flow.

Every command takes ``--root`` (the corpus root, default the current folder) and prints
tables for people or, with ``--json``, one JSON object for scripts and CI.
Exit codes: 0 success, 1 invalid input or failed check, 2 usage error.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

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
# markup=False: file names, span texts and messages are printed as they are (a "[/]" in a text is not rich markup).
console = Console(markup=False, highlight=False)
err_console = Console(stderr=True, markup=False, highlight=False)

RootOption = Annotated[Path, typer.Option("--root", help="Corpus root holding seeds/ and annotations/.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]
PathsArgument = Annotated[
    Optional[list[Path]],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Argument(help="Annotation files or folders (default: the root's annotations/)."),
]


def print_json(obj: Any) -> None:
    """Machine-readable output: one JSON object on stdout."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2) + "\n")


def fail(message: str, code: int = 1, as_json: bool = False) -> typer.Exit:
    """Report an error (on stderr for people; also as JSON on stdout with --json); return the Exit to raise."""
    err_console.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)
    if as_json:
        kind = "usage" if code == 2 else "error"
        print_json({"ok": False, "errors": [{"file": "", "pointer": "", "code": kind, "message": message}]})
    return typer.Exit(code)


def require_existing(paths: list[Path] | None, as_json: bool) -> None:
    """A path named on the command line that does not exist is a usage error (exit 2)."""
    for path in paths or []:
        if not path.exists():
            raise fail(f"{path}: expected an annotation file or folder; found nothing", 2, as_json=as_json)


def selected_files(corpus: Corpus, paths: list[Path] | None, as_json: bool) -> list[Path]:
    """The annotation files named on the command line (default: the root's annotations/), or exit 2."""
    require_existing(paths, as_json)
    files = corpus.annotation_files(paths or [])
    if not files:
        raise fail(f"no annotation files found under {paths or corpus.annotations_dir}", 2, as_json=as_json)
    return files


def print_problems(report: Report) -> None:
    """Problems one per line, compiler style (``file:pointer: code: message``), then a count."""
    if report.ok:
        console.print(f"✓ {report.files} file(s) valid", style="green")
        return
    for p in report.problems:
        where = f"{p.file}:{p.pointer}" if p.pointer else p.file
        console.print(Text.assemble(f"{where}: ", (p.code, "bold red"), f": {p.message}"), soft_wrap=True)
    console.print(f"✗ {len(report.problems)} problem(s) in {report.files} file(s)", style="red")


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
    as_json: JsonOption = False,
) -> None:
    """Check annotation files against the schema and the data contract; report every problem.

    Files that passed before and whose bytes, seed bytes, schema and newsspan version are unchanged
    are skipped (incremental); --no-cache checks everything. The problems are the same either way.
    """
    import sqlite3

    from .validate import annotation_files

    corpus = Corpus(root)
    require_existing(paths, as_json)
    files = annotation_files(corpus, paths or [])  # str paths: less memory for very large corpora
    if not files:
        raise fail(f"no annotation files found under {paths or corpus.annotations_dir}", 2, as_json=as_json)
    stats: dict[str, int] = {}
    with review_progress("validating", len(files), as_json) as advance:
        try:
            report = validate(corpus, files, jobs=jobs, use_cache=not no_cache, progress=advance, stats=stats)
        except (OSError, sqlite3.Error) as exc:  # e.g. a read-only corpus root: validate without the cache
            err_console.print(Text.assemble(("warning: ", "yellow"), f"cache unavailable ({exc}); checking every file"))
            report = validate(corpus, files, jobs=jobs, progress=advance, stats=stats)
    if as_json:
        print_json(report.to_dict())
    else:
        print_problems(report)
        if stats.get("skipped"):
            console.print(f"{stats['skipped']} unchanged file(s) skipped (passed before; --no-cache checks them)")
        if report.ok and len(files) <= SUMMARY_MAX_FILES:
            console.print(corpus_summary(corpus, [Path(f) for f in files]))
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
    import re

    from .schema import load_schema, splits

    pattern = load_schema()["properties"]["id"]["pattern"]
    if not re.match(pattern, doc_id):
        raise fail(f"--id: expected a slug matching {pattern}; found {doc_id!r}", 2, as_json=as_json)
    if split not in splits():
        raise fail(f"--split: expected one of {', '.join(splits())}; found {split!r}", 2, as_json=as_json)
    try:
        created = add_article(Corpus(root), text_file, doc_id, split=split, seed_name=seed_name)
    except FileNotFoundError:
        raise fail(f"{text_file}: expected a text file; found none", 2, as_json=as_json) from None
    except (FileExistsError, FileExistsRefusal, ValueError) as exc:
        raise fail(str(exc), as_json=as_json) from None
    except SeedDecodeError as exc:
        raise fail(f"{text_file}: expected UTF-8 text; found bytes that are {exc}", as_json=as_json) from None
    except OSError as exc:
        raise fail(
            f"{text_file}: expected a readable text file; found {exc.strerror or exc}", 2, as_json=as_json
        ) from None
    if as_json:
        print_json({"ok": True, "annotation": str(created), "id": doc_id})
    else:
        console.print(
            Text.assemble(("created ", "green"), f"{created} (draft; annotate it, then run newsspan validate)")
        )


@contextmanager
def review_progress(description: str, total: int | None, quiet: bool) -> Iterator[Callable[..., None]]:
    """A transient rich progress bar on stderr (hidden with --json or when not a terminal); yields advance()."""
    from rich.progress import Progress

    with Progress(console=err_console, transient=True, disable=quiet or not err_console.is_terminal) as progress:
        task = progress.add_task(description, total=total)
        yield lambda *_: progress.advance(task)


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
    from .review.page import write_review

    corpus = Corpus(root)
    files = selected_files(corpus, paths, as_json)
    if out.exists() and not out.is_dir():
        raise fail(f"--out: expected a folder; found a file at {out}", 2, as_json=as_json)
    with review_progress("rendering pages", len(files), as_json) as advance:
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
    table = Table(title=f"{len(pages)} review page(s) in {out}")
    for column in ("document", "page", "errors", "warnings"):
        table.add_column(column, justify="right" if column in ("errors", "warnings") else "left", overflow="fold")
    for p in pages:
        table.add_row(p.id or p.file, p.page, Text(str(p.errors), style="red" if p.errors else ""), str(p.warnings))
    console.print(table)
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
    from .review.checks import CODES, check_all

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
    with review_progress("checking", len(valid), as_json) as advance:
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
    from .review.agreement import agree

    try:
        import scipy.optimize  # noqa: F401
        import sklearn.metrics  # noqa: F401
        import spacy  # noqa: F401
    except ImportError as exc:
        missing = f"newsspan agree needs the review extra (missing {exc.name}): pip install 'newsspan[review]'"
        raise fail(missing, as_json=as_json) from None
    with review_progress("comparing", None, as_json) as advance:
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
    written = write_diff_pages(report, pairs, html, force) if html is not None else []
    if as_json:
        print_json({"ok": True, **report.to_dict(), "html": [str(p) for p in written]})
    else:
        print_agreement(report)
        for path in written:
            console.print(Text.assemble(("wrote ", "green"), str(path)))


def write_diff_pages(report: Any, pairs: list[Any], out: Path, force: bool) -> list[Path]:
    """Write the diff page(s) atomically; refuses to replace existing pages without --force."""
    from .files import atomic_write_text
    from .review.agreement import diff_pages

    pages = diff_pages(report, pairs)
    targets = {doc_id: out if out.suffix == ".html" else out / f"{doc_id}.html" for doc_id in pages}
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing and not force:
        raise fail(f"{', '.join(existing)}: already exists; refusing to overwrite (use --force to replace it)")
    try:
        for doc_id, path in targets.items():
            atomic_write_text(path, pages[doc_id], overwrite=force)
    except FileExistsRefusal as exc:
        raise fail(str(exc)) from None
    except OSError as exc:
        raise fail(f"--html {out}: expected a writable location; found {exc.strerror or exc}") from None
    return list(targets.values())


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def print_agreement(report: Any) -> None:
    """Rich tables: span scores per layer and label, token kappa, attribute agreement, disagreements."""
    console.print(
        f"A (reference) = {report.names[0]}   B = {report.names[1]}   documents: {len(report.documents)}"
        + (f"   only in A: {', '.join(report.only_in_a)}" if report.only_in_a else "")
        + (f"   only in B: {', '.join(report.only_in_b)}" if report.only_in_b else ""),
        highlight=False,
    )
    spans = Table(title="spans, A as reference (P = matched/B, R = matched/A; labelled: labels must agree)")
    for column in ("layer", "match", "A", "B", "matched", "P", "R", "F1", "F1 any label"):
        spans.add_column(column, justify="left" if column in ("layer", "match") else "right")
    for layer, kinds in report.spans.items():
        for rule in ("exact", "overlap"):
            s, blind = kinds[f"{rule}_labelled"], kinds[f"{rule}_unlabelled"]
            spans.add_row(
                layer,
                rule,
                str(s.a),
                str(s.b),
                str(s.matched),
                _score(s.precision),
                _score(s.recall),
                _score(s.f1),
                _score(blind.f1),
            )
    console.print(spans)
    labels = Table(title="per label (labels with spans on either side)")
    for column in ("layer", "label", "A", "B", "exact F1", "overlap F1"):
        labels.add_column(column, justify="left" if column in ("layer", "label") else "right")
    for layer, by_label in report.per_label.items():
        for label, by_rule in by_label.items():
            if by_rule["exact"].a or by_rule["exact"].b:
                labels.add_row(
                    layer,
                    label,
                    str(by_rule["exact"].a),
                    str(by_rule["exact"].b),
                    _score(by_rule["exact"].f1),
                    _score(by_rule["overlap"].f1),
                )
    console.print(labels)
    tokens = report.token_kappa
    console.print(
        f"entity tokens: {tokens.n}, observed agreement {_score(tokens.observed)}, "
        f"Cohen's kappa {_score(tokens.kappa)}",
        highlight=False,
    )
    attributes = Table(title="attributes of spans matched by overlap")
    for column in ("layer", "attribute", "pairs", "agreement", "kappa"):
        attributes.add_column(column, justify="left" if column in ("layer", "attribute") else "right")
    for layer, names in report.attributes.items():
        for name, agreement in names.items():
            attributes.add_row(layer, name, str(agreement.n), _score(agreement.observed), _score(agreement.kappa))
    console.print(attributes)
    if not report.disagreements:
        console.print("✓ no disagreements", style="green")
        return
    table = Table(title=f"{len(report.disagreements)} disagreement(s)")
    for column in ("document", "layer", "kind", "A", "B", "message"):
        table.add_column(column, overflow="fold")
    for d in report.disagreements:
        table.add_row(d.doc, d.layer, d.kind, d.a_id or "", d.b_id or "", d.message)
    console.print(table)


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
    try:
        from .train.spacy_ner import TrainingError, train_ner
    except ImportError as exc:
        raise fail(
            f"newsspan train needs the [train] extra (pip install 'newsspan[train]'); {exc}", as_json=as_json
        ) from None
    corpus = Corpus(root)
    files = selected_files(corpus, paths, as_json)
    report = validate(corpus, files)
    if not report.ok:
        if as_json:
            print_json(report.to_dict())
        else:
            print_problems(report)
        raise typer.Exit(1)
    from rich.progress import Progress

    with Progress(console=err_console, transient=True, disable=as_json or not err_console.is_terminal) as progress:
        task = progress.add_task("spacy train", total=max_steps)
        try:
            result = train_ner(
                corpus,
                out,
                paths=files,
                max_steps=max_steps,
                seed=seed,
                overwrite=force,
                on_step=lambda step: progress.update(task, completed=step),
            )
        except TrainingError as exc:
            raise fail(str(exc), as_json=as_json) from None
        except OSError as exc:
            raise fail(f"{out}: expected a writable folder; found {exc.strerror or exc}", as_json=as_json) from None
    if as_json:
        print_json({"ok": True, **result.to_dict()})
        return
    print_training(result)


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


# --- dataset: build, stats, publish (issue 3) --------------------------------------------------

OutOption = Annotated[Path, typer.Option("--out", help="The dataset folder to write.")]
ShardRowsOption = Annotated[int, typer.Option("--shard-rows", min=1, help="Rows per parquet shard at most.")]


def validated_files(corpus: Corpus, paths: list[Path] | None, as_json: bool, use_cache: bool = True) -> list[str]:
    """The annotation files to build from, after validation; exits 1 (printing the problems) if any is invalid.

    File names are strings: 100,000 ``Path`` objects held through a build would cost ~35 MB.
    ``use_cache=False`` validates every file and writes no validation cache.
    """
    import sqlite3

    from .dataset.parquet import PARALLEL_FROM
    from .validate import annotation_files

    require_existing(paths, as_json)
    files = annotation_files(corpus, paths or [])
    if not files:
        raise fail(f"no annotation files found under {paths or corpus.annotations_dir}", 2, as_json=as_json)
    jobs = 0 if len(files) >= PARALLEL_FROM else 1
    with review_progress("validating", len(files), as_json) as advance:
        try:  # incremental: files unchanged since they last passed `newsspan validate` are not checked again
            report = validate(corpus, files, jobs=jobs, use_cache=use_cache, progress=advance)
        except (OSError, sqlite3.Error):  # e.g. a read-only corpus root: check every file
            report = validate(corpus, files, jobs=jobs, progress=advance)
    if not report.ok:
        if as_json:
            print_json(report.to_dict())
        else:
            print_problems(report)
            err_console.print(
                Text.assemble(
                    ("error: ", "bold red"), "refusing to build from invalid annotations (fix the problems above)"
                )
            )
        raise typer.Exit(1)
    return files


@app.command("build", rich_help_panel="Dataset")
def build_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    out: OutOption = Path("dist/newsspan"),
    check: Annotated[bool, typer.Option("--check", help="Compare OUT with a fresh build; exit 1 if stale.")] = False,
    no_load: Annotated[bool, typer.Option("--no-load", help="Skip loading the result with load_dataset.")] = False,
    shard_rows: ShardRowsOption = 50_000,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier build in OUT even if files were added to it.")
    ] = False,
    homepage: Annotated[
        str | None,
        typer.Option("--homepage", help="Public URL of the dataset, cited by the card and Croissant (default: none)."),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """Validate, build the Hugging Face dataset folder (parquet, card, Croissant, checksums), then load it.

    The folder also ships the JSON Schema and the root's docs/guidelines.md. Only an earlier build in OUT
    (marked by newsspan) is replaced. --check writes nothing: exit 0 if OUT is fresh, 1 if stale.
    """
    from .dataset.build import BuildError, build_dataset, check_dataset, check_homepage
    from .dataset.load import load_summary
    from .dataset.target import check_out

    if homepage is not None:
        try:
            check_homepage(homepage)
        except ValueError as exc:
            raise fail(str(exc), 2, as_json=as_json) from None
    corpus = Corpus(root)
    if not check:  # before validating: a refused --out leaves even the validation cache unwritten
        try:
            check_out(out, corpus.root, force=force)
        except BuildError as exc:
            raise fail(str(exc), as_json=as_json) from None
    files = validated_files(corpus, paths, as_json, use_cache=not check)  # --check writes nothing, not even a cache
    with review_progress("building", len(files), as_json) as advance:
        if check:
            try:
                differences = check_dataset(
                    corpus, files, out, shard_rows=shard_rows, homepage=homepage, on_document=advance
                )
            except BuildError as exc:
                raise fail(str(exc), as_json=as_json) from None
            report_check(out, differences, as_json)
            return
        try:
            result = build_dataset(
                corpus, files, out, shard_rows=shard_rows, homepage=homepage, force=force, on_document=advance
            )
        except (FileExistsRefusal, BuildError) as exc:
            raise fail(str(exc), as_json=as_json) from None
    loaded = [] if no_load else load_summary(out)
    if as_json:
        print_json({"ok": True, **result.summary(), "loaded": loaded})
        return
    console.print(Text.assemble(("built ", "green"), f"{out} from {result.tables.documents} document(s)"))
    if loaded:
        console.print(loaded_table(out, loaded))
    else:
        console.print(stats_table(result.stats))


def report_check(out: Path, differences: list[tuple[str, str]], as_json: bool) -> None:
    """Print the outcome of ``build --check`` and exit 0 (fresh) or 1 (stale)."""
    if as_json:
        print_json(
            {
                "ok": not differences,
                "out": str(out),
                "differences": [{"change": change, "path": path} for change, path in differences],
            }
        )
    elif not differences:
        console.print(f"✓ {out} is up to date", style="green")
    else:
        table = Table(
            title=f"{out} is stale: {len(differences)} file(s) differ from a fresh build (run newsspan build)"
        )
        table.add_column("change")
        table.add_column("file", overflow="fold")
        for change, path in differences:
            table.add_row(change, path)
        console.print(table)
    raise typer.Exit(1 if differences else 0)


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


@app.command("stats", rich_help_panel="Dataset")
def stats_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    dist: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--out", help="Read the numbers from this built dataset folder instead of the annotations."),
    ] = None,
    as_json: JsonOption = False,
    old_dist: Annotated[Optional[Path], typer.Option("--dist", hidden=True)] = None,  # noqa: UP045 - old name of --out
) -> None:
    """Corpus statistics (documents, tokens, spans per layer and label, attributes), as the card reports them."""
    dist = dist or old_dist
    import tempfile

    from .dataset import stats
    from .dataset.parquet import write_tables

    if dist is not None:
        if not (dist / "data" / "spans").is_dir():
            raise fail(
                f"--out: expected a dataset folder made by newsspan build; found none at {dist}", 2, as_json=as_json
            )
        numbers = stats.compute(dist)
    else:
        corpus = Corpus(root)
        files = validated_files(corpus, paths, as_json)
        with (
            tempfile.TemporaryDirectory(prefix="newsspan-stats-") as tmp,
            review_progress("counting", len(files), as_json) as advance,
        ):
            tables = write_tables(corpus, files, Path(tmp), on_document=advance)
            numbers = stats.compute(Path(tmp), tables)
    if as_json:
        print_json(numbers)
        return
    console.print(stats_table(numbers))
    console.print(label_table(numbers))
    console.print(
        f"{numbers['characters']:,} characters; ner tags {numbers['ner']['entities']:,} outermost entities, "
        f"{numbers['ner']['nested_entities_not_tagged']:,} nested ones are not tagged",
        highlight=False,
    )


@app.command("publish", rich_help_panel="Dataset")
def publish_command(
    repo_id: Annotated[str, typer.Option("--repo-id", help="Hugging Face dataset repo, OWNER/NAME.")],
    dist: Annotated[Path, typer.Option("--out", help="The built dataset folder to upload.")] = Path("dist/newsspan"),
    dry_run: Annotated[bool, typer.Option("--dry-run", help="List what would be uploaded; upload nothing.")] = False,
    private: Annotated[bool, typer.Option("--private", help="Create the repo as private.")] = False,
    root: RootOption = Path("."),
    as_json: JsonOption = False,
    old_dist: Annotated[Optional[Path], typer.Option("--dist", hidden=True)] = None,  # noqa: UP045 - old name of --out
) -> None:
    """Upload the dataset folder to the Hugging Face Hub (credentials: HF_TOKEN or `hf auth login`).

    The folder must be an unmodified build (every file matches SHA256SUMS); --root is unused here.
    """
    dist = old_dist or dist
    from .dataset.publish import PublishError, check_repo_id, publish, upload_plan

    try:
        check_repo_id(repo_id)
    except PublishError as exc:
        raise fail(str(exc), 2, as_json=as_json) from None
    try:
        plan = upload_plan(dist)
        url = None if dry_run else publish(dist, repo_id, private=private)
    except PublishError as exc:
        raise fail(str(exc), as_json=as_json) from None
    except Exception as exc:  # network and Hub errors: report, never a traceback
        raise fail(f"upload to {repo_id} failed: {exc}", as_json=as_json) from None
    if as_json:
        print_json(
            {
                "ok": True,
                "repo_id": repo_id,
                "dry_run": dry_run,
                "url": url,
                "files": [{"path": f.path, "size": f.size} for f in plan],
            }
        )
        return
    table = Table(
        title=f"{'would upload' if dry_run else 'uploaded'} {len(plan)} file(s) to "
        f"https://huggingface.co/datasets/{repo_id}"
    )
    table.add_column("file", overflow="fold")
    table.add_column("bytes", justify="right")
    for f in plan:
        table.add_row(f.path, f"{f.size:,}")
    console.print(table)
    if url:
        console.print(Text.assemble(("committed ", "green"), str(url)))


@app.command("split", rich_help_panel="Dataset")
def split_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    ratios: Annotated[str, typer.Option("--ratios", help="Shares of train,validation,test.")] = "0.8,0.1,0.1",
    seed: Annotated[int, typer.Option("--seed", help="Seed of the hash that draws each split.")] = 0,
    by: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--by", help="Keep documents of one publisher, or one publication month (date), together."),
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show the splits; change no file.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Assign metadata.split of every document by a seeded hash (stable when documents are added)."""
    from .dataset.split import GROUPINGS, parse_ratios, split_corpus

    try:
        parsed = parse_ratios(ratios)
        if by is not None and by not in GROUPINGS:
            raise ValueError(f"--by: expected one of {', '.join(GROUPINGS)}; found {by!r}")
    except ValueError as exc:
        raise fail(str(exc), 2, as_json=as_json) from None
    files = validated_files(Corpus(root), paths, as_json)
    result = split_corpus(files, ratios=parsed, seed=seed, by=by, dry_run=dry_run)
    if as_json:
        print_json({"ok": True, "dry_run": dry_run, **result.to_dict()})
        return
    table = Table(title=f"splits ({'by ' + by if by else 'per document'}, seed {seed})")
    for column in ("split", "ratio", "documents"):
        table.add_column(column, justify="left" if column == "split" else "right")
    for (name, n), ratio in zip(result.counts().items(), parsed, strict=True):
        table.add_row(name, f"{ratio:g}", f"{n:,}")
    console.print(table)
    console.print(f"{'would change' if dry_run else 'changed'} the split of {len(result.changed):,} document(s)")


FormatOption = Annotated[
    str,
    typer.Option(
        "--format", help="brat, label-studio, spacy, conll, doccano, web-annotation or uima-cas (docs/formats.md)."
    ),
]


def show_report(report: Report, as_json: bool) -> None:
    """Validation or import problems: one JSON object, or a table."""
    if as_json:
        print_json(report.to_dict())
    else:
        print_problems(report)


def format_module(name: str) -> Any:
    """The converter module of a format name, or a usage error naming the known formats."""
    from .formats import FORMATS, converter

    if name not in FORMATS:
        raise fail(f"--format: expected one of {', '.join(FORMATS)}; found {name!r}", 2)
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
    module = format_module(format_name)
    if predictions and format_name != "label-studio":
        raise fail(f"--predictions: expected --format label-studio; found --format {format_name}", 2, as_json=as_json)
    corpus = Corpus(root)
    files = selected_files(corpus, paths, as_json)
    if out.exists() and not out.is_dir():
        raise fail(f"--out: expected a folder; found a file at {out}", 2, as_json=as_json)
    if out.is_dir() and any(out.iterdir()) and not force:
        raise fail(
            f"{out}: expected an empty or new folder; found files in it (use --force to write into it)", as_json=as_json
        )
    report = validate(corpus, files)
    if not report.ok:
        show_report(report, as_json)  # with --json, the report is the output
        raise fail(f"not exported: {len(report.problems)} validation problem(s); fix them first")
    with review_progress(f"exporting to {format_name}", len(files), as_json) as advance:
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
    force: Annotated[bool, typer.Option("--force", help="Replace existing seed and annotation files.")] = False,
    as_json: JsonOption = False,
) -> None:
    """Read a tool's export into a corpus root; report every span that cannot be mapped (nothing written then)."""
    from .formats.base import duplicate_problems, write_corpus

    module = format_module(format_name)
    if not src.exists():
        raise fail(f"{src}: expected a file or folder to import; found nothing", 2, as_json=as_json)
    with review_progress(f"reading {format_name}", None, as_json):
        result = module.read(src)
    problems = result.problems + duplicate_problems(result)
    if problems:
        show_report(Report(files=len(result.documents), problems=problems), as_json)  # with --json, the output
        raise fail(f"nothing imported: {len(problems)} problem(s)")
    if not result.documents:
        raise fail(f"{src}: found no documents", as_json=as_json)
    try:
        written = write_corpus(result.documents, out, force=force)
    except FileExistsRefusal as exc:
        raise fail(str(exc), as_json=as_json) from None
    except OSError as exc:
        raise fail(f"{out}: expected a writable folder; found {exc.strerror or exc}", as_json=as_json) from None
    corpus = Corpus(out)
    report = validate(corpus, [corpus.annotation_path(doc["id"]) for doc, _ in result.documents])
    if as_json:
        print_json(
            {
                **report.to_dict(),
                "documents": [doc["id"] for doc, _ in result.documents],
                "files": [str(p) for p in written],
            }
        )
    else:
        print_problems(report)
        console.print(Text.assemble(("imported ", "green"), f"{len(result.documents)} document(s) into {out}"))
    raise typer.Exit(0 if report.ok else 1)


#: Optional packages and the extra that installs them (see pyproject.toml).
EXTRA_OF: dict[str, str] = {
    "pyarrow": "dataset",
    "pandas": "dataset",
    "datasets": "dataset",
    "huggingface_hub": "dataset",
    "spacy": "dataset",
    "jinja2": "dataset",
    "mlcroissant": "dataset",
    "cassis": "formats",
    "bratly": "formats",
    "tokenizers": "train",
    "seqeval": "train",
    "sklearn": "review",
    "scipy": "review",
}


def main() -> None:
    """Entry point of the ``newsspan`` console script."""
    try:
        app()
    except ModuleNotFoundError as exc:  # a command of an extra that is not installed
        extra = EXTRA_OF.get((exc.name or "").split(".")[0])
        if extra is None:
            raise
        err_console.print(
            Text.assemble(
                ("error: ", "bold red"),
                f"this command needs {exc.name}, which is not installed: pip install 'newsspan[{extra}]'",
            ),
            soft_wrap=True,
        )
        raise SystemExit(1) from None
