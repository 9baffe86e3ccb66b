"""Shared fixtures: the repository's corpus, and throw-away copies of it to corrupt."""

from __future__ import annotations

import copy
import importlib.util
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings
from hypothesis.configuration import set_hypothesis_home_dir

from newsspan.corpus import Corpus

REPO = Path(__file__).resolve().parents[1]
SEED_ID = "islamabadpost-214638"


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
    """A writable copy of the repository's corpus root (seeds/ and annotations/)."""
    for folder in ("seeds", "annotations"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.md"))
    return Corpus(tmp_path)


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
    if "make_synthetic_corpus" in sys.modules:  # load once: pickled functions must resolve to the same module
        return sys.modules["make_synthetic_corpus"]
    script = REPO / "scripts" / "make_synthetic_corpus.py"
    spec = importlib.util.spec_from_file_location("make_synthetic_corpus", script)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def repo_root_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A session-wide copy of the repository's corpus root (seeds, annotations, guidelines): commands that
    write next to the corpus (a validation cache) run on it, so the suite never writes into the repository."""
    root = tmp_path_factory.mktemp("repo-root")
    for folder in ("seeds", "annotations"):
        shutil.copytree(REPO / folder, root / folder)
    (root / "docs").mkdir()
    shutil.copyfile(REPO / "docs" / "guidelines.md", root / "docs" / "guidelines.md")
    return root


# hypothesis keeps no example database and its other files in a temporary folder (by default it writes
# .hypothesis/ into the working directory, the repository)
set_hypothesis_home_dir(tempfile.mkdtemp(prefix="newsspan-hypothesis-"))
settings.register_profile("no-database", database=None)
settings.load_profile("no-database")
