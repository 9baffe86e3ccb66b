"""``kill -9`` at every write step of ``newsspan split``: each annotation is whole (its old or its new
version), the corpus validates, and a rerun ends in exactly the state of a clean run."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from .conftest import invoke, load_synthetic_generator
from .test_fault_injection import hook_path, killed, newsspan, temp_files, trace, validated, visible

__all__ = ["hook_path"]  # the fixture, imported for pytest

ARGS = ("split", "--seed", "3", "--ratios", "0.34,0.33,0.33", "--root")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four generated documents: a corpus small enough to kill at every write step."""
    root = tmp_path_factory.mktemp("split-faults") / "corpus"
    load_synthetic_generator().generate(4, root)
    return root


def copy_of(generated: Path, root: Path) -> Path:
    shutil.copytree(generated, root)
    return root


def test_split_killed_after_any_write_step_is_completed_by_the_rerun(hook_path: Path, tmp_path: Path,
                                                                     generated: Path) -> None:
    clean = copy_of(generated, tmp_path / "clean")
    before = visible(clean)
    steps = trace(hook_path, clean, *ARGS, clean)
    expected = visible(clean)
    changed = {name for name in expected if expected[name] != before[name]}
    assert changed and steps, "the split must change some document for the test to mean anything"
    for n, step in enumerate(steps, 1):
        root = copy_of(generated, tmp_path / f"kill-{n}")
        killed(newsspan(hook_path, root, *ARGS, root, kill_at=n), step)
        after_kill = visible(root)
        assert set(after_kill) == set(before), step  # no file lost, none added
        assert all(after_kill[name] in (before[name], expected[name]) for name in after_kill), step  # whole files
        assert validated(root)["files"] == len([n for n in before if n.startswith("annotations/")]), step
        rerun = invoke([*ARGS, root])
        assert rerun.exit_code == 0, (step, rerun.output)
        assert visible(root) == expected, step
        assert temp_files(root) == [], step
        shutil.rmtree(root)
