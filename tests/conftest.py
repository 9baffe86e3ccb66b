"""Shared fixtures: the repository's corpus, and throw-away copies of it to corrupt."""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pytest
from hypothesis.configuration import set_hypothesis_home_dir
from typer.testing import CliRunner

from newsspan.cli import app
from newsspan.corpus import Corpus
from newsspan.validation.cache import CACHE_DIR_ENV

REPO = Path(__file__).resolve().parents[1]
SEED_ID = "islamabadpost-214638"

# hypothesis keeps its examples and caches outside the repository (the suite never writes into it)
set_hypothesis_home_dir(Path(tempfile.gettempdir()) / "newsspan-hypothesis")


@pytest.fixture(scope="session", autouse=True)
def repository_stays_untouched() -> Any:
    """Fail the session if a test wrote the validation cache into the repository (tests use tmp copies)."""
    cache = REPO / ".newsspan-cache"
    existed = cache.exists()
    yield
    assert existed or not cache.exists(), f"a test wrote {cache}: run commands on a copy (corpus_copy, copy_corpus)"


def invoke(args: Sequence[str | Path], **kwargs: Any) -> Any:
    """Run the ``newsspan`` command in this process (typer's CliRunner); paths may be given as ``Path``.

    Returns click's ``Result``: ``stdout`` is the command's stdout alone, ``output`` has stderr too.
    """
    return CliRunner().invoke(app, [str(arg) for arg in args], **kwargs)


@pytest.fixture(scope="session")
def cli() -> Callable[..., Any]:
    """The ``newsspan`` command in this process: ``cli("validate", "--root", root, "--json")``."""
    return lambda *args, **kwargs: invoke(args, **kwargs)


def dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True,
                           check=True)
    return int(child.stdout)


def copy_corpus(root: Path) -> Corpus:
    """A writable copy of the repository's corpus at ``root``: seeds/, annotations/ and docs/guidelines.md."""
    for folder in ("seeds", "annotations"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("*.md"))
    (root / "docs").mkdir(exist_ok=True)
    shutil.copyfile(REPO / "docs" / "guidelines.md", root / "docs" / "guidelines.md")
    return Corpus(root)


def load_script(name: str, folder: str = "scripts"):
    """<folder>/<name>.py of the repository (scripts/, benchmarks/) as a module, registered under ``name``
    (loaded once)."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's chromium driven by Playwright, started as the screenshot scripts start it (scripts/browser.py)."""
    helper = load_script("browser")
    if not Path(helper.CHROMIUM).exists():
        pytest.fail(f"the browser tests need Debian's chromium at {helper.CHROMIUM}: apt-get install chromium "
                    "(or set NEWSSPAN_CHROMIUM to a Chromium executable)", pytrace=False)
    with helper.chromium() as chromium:
        yield chromium


@pytest.fixture(scope="session")
def seed_dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The repository's corpus built once per session (``build --no-load``, from a copy: nothing is written
    into the repository); read-only: copy it before changing it."""
    corpus = copy_corpus(tmp_path_factory.mktemp("seed-corpus"))
    out = tmp_path_factory.mktemp("seed-dataset") / "newsspan"
    result = invoke(["build", "--root", corpus.root, "--out", out, "--no-load"])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session", autouse=True)
def cache_outside_the_repository(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The validation cache goes to a temporary folder (NEWSSPAN_CACHE_DIR): tests never write into the repository."""
    folder = tmp_path_factory.mktemp("newsspan-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv(CACHE_DIR_ENV, str(folder))
        yield folder


@pytest.fixture(scope="session")
def repo_corpus() -> Corpus:
    """The corpus committed in this repository (read-only: never write to it in a test)."""
    return Corpus(REPO)


@pytest.fixture(scope="session")
def seed_document(repo_corpus: Corpus) -> tuple[dict[str, Any], str]:
    """The seed annotation and its canonical text (deep-copy before changing it)."""
    return repo_corpus.load(repo_corpus.annotation_path(SEED_ID))


@pytest.fixture
def corpus_copy(tmp_path: Path) -> Corpus:
    """A writable copy of the repository's corpus root (seeds/, annotations/, docs/guidelines.md)."""
    return copy_corpus(tmp_path)


def write_annotation(corpus: Corpus, doc: dict[str, Any], name: str | None = None) -> Path:
    """Write ``doc`` into the corpus (test helper; overwrites)."""
    path = corpus.annotations_dir / (name or f"{doc['id']}.json")
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def mutated(doc: dict[str, Any]) -> dict[str, Any]:
    """A deep copy to corrupt."""
    return copy.deepcopy(doc)


def load_synthetic_generator():
    """scripts/make_synthetic_corpus.py as a module (registered by name: its process pool pickles functions)."""
    return load_script("make_synthetic_corpus")  # once: pickled functions must resolve to the same module


@pytest.fixture(scope="session")
def repo_root_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session-wide copy of the repository's corpus root (seeds, annotations, guidelines): commands that
    write next to the corpus (a validation cache) run on it, so the suite never writes into the repository."""
    return copy_corpus(tmp_path_factory.mktemp("repo-root")).root
