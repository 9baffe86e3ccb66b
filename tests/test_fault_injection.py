"""``kill -9`` at every write step of ``add`` and ``import``, and at several steps of ``build``: a rerun
recovers with nothing lost (issue 10, item 3).

The real command runs in a child process with :mod:`tests.fault_hook` as its ``sitecustomize``: it counts
the process's own write steps (temp file created, fsync, link, rename, unlink, mkdir...) and sends itself
SIGKILL right after the N-th. A first run records the trace of a clean run; then every step of it is a kill
point. After each kill: what is visible is complete (no half-written seed or annotation), ``validate`` takes
no temp file for data, and the rerun ends in exactly the state of a clean run, with no temp file left.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from newsspan.dataset.manifest import write_manifest

from .conftest import REPO, copy_corpus, invoke

HOOK = Path(__file__).with_name("fault_hook.py")
DATE = re.compile(rb'"(created|modified)": "\d{4}-\d{2}-\d{2}"')


@pytest.fixture(scope="module")
def hook_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder holding the fault hook as ``sitecustomize.py`` (first on the child's PYTHONPATH)."""
    folder = tmp_path_factory.mktemp("fault-hook")
    shutil.copyfile(HOOK, folder / "sitecustomize.py")
    return folder


def newsspan(hook: Path, under: Path, *args: str | Path, kill_at: int = 0, match: str = "",
             log: Path | None = None, **env: str) -> subprocess.CompletedProcess[str]:
    """``python -m newsspan ARGS`` in a child process that kills itself after its ``kill_at``-th write step
    under ``under`` (counting the steps matching ``match``; 0: never), logging the steps to ``log``; ``env``
    is added to its environment."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hook), str(REPO / "src"), os.environ.get("PYTHONPATH", "")]),
        "PYTHONDONTWRITEBYTECODE": "1", "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "COLUMNS": "200",
        "NEWSSPAN_FAULT_UNDER": str(under), "NEWSSPAN_FAULT_KILL_AT": str(kill_at), "NEWSSPAN_FAULT_MATCH": match,
        "NEWSSPAN_FAULT_LOG": str(log or ""), **env,
    }
    return subprocess.run([sys.executable, "-m", "newsspan", *map(str, args)], capture_output=True, text=True,
                          env=env, check=False, timeout=600)


def trace(hook: Path, under: Path, *args: str | Path) -> list[str]:
    """The write steps (``kind<TAB>path``) of a clean run of ``newsspan ARGS``, which must succeed."""
    log = under.parent / f"{under.name}.trace"
    done = newsspan(hook, under, *args, log=log)
    assert done.returncode == 0, done.stdout + done.stderr
    steps = log.read_text(encoding="utf-8").splitlines()
    log.unlink()
    return steps


def killed(done: subprocess.CompletedProcess[str], step: str) -> None:
    """Check that the child died of SIGKILL (it reached the step), not of an error before it."""
    assert done.returncode == -signal.SIGKILL, f"not killed after {step!r}: {done.stdout}{done.stderr}"


def visible(root: Path) -> dict[str, bytes]:
    """The files under ``root`` that are data (temp files, hidden files and the cache left out), dates masked."""
    return {p.relative_to(root).as_posix(): DATE.sub(rb'"\1": "DATE"', p.read_bytes())
            for p in sorted(root.rglob("*")) if p.is_file() and not any(part.startswith(".")
                                                                      for part in p.relative_to(root).parts)}


def temp_files(root: Path) -> list[str]:
    """Temp files of atomic writes anywhere under ``root``."""
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.tmp"))


def validated(root: Path) -> dict:
    """``validate --json`` of a corpus root (in this process); it must pass."""
    result = invoke(["validate", "--root", root, "--json", "--no-cache"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


# --- add -------------------------------------------------------------------------------------------------------

ARTICLE = "ASTANA, 3 March 2026 — Leaders met on Tuesday.\r\nThey said “the talks went well”.\r\n"


def test_add_killed_after_any_write_step_is_taken_up_by_the_rerun(hook_path: Path, tmp_path: Path) -> None:
    article = tmp_path / "astana-talks.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    args = ("add", article, "--id", "astana-talks", "--root")
    clean = copy_corpus(tmp_path / "clean").root
    before = visible(clean)
    steps = trace(hook_path, tmp_path / "clean", *args, clean)
    expected = visible(clean)
    assert set(expected) - set(before) == {"seeds/astana-talks.txt", "annotations/astana-talks.json"}
    assert expected["seeds/astana-talks.txt"] == article.read_bytes() and not temp_files(clean)
    assert [s.split("\t")[0] for s in steps].count("link") + [s.split("\t")[0] for s in steps].count("rename") >= 2
    for n, step in enumerate(steps, 1):
        root = copy_corpus(tmp_path / f"kill-{n}").root
        killed(newsspan(hook_path, root, *args, root, kill_at=n), step)
        after_kill = visible(root)
        assert {name: expected[name] for name in after_kill} == after_kill, step  # nothing half-written
        annotated = "annotations/astana-talks.json" in after_kill
        assert not annotated or "seeds/astana-talks.txt" in after_kill, step  # never an annotation without seed
        assert validated(root)["files"] == 1 + annotated, step  # temp files are not taken for data
        rerun = invoke([*args, root])
        if annotated:  # the kill came after the add was complete: the rerun says so and changes nothing
            assert rerun.exit_code == 1 and "already exists" in rerun.output, (step, rerun.output)
        else:
            assert rerun.exit_code == 0, (step, rerun.output)
        assert visible(root) == expected, step
        assert temp_files(root) == [], step
        shutil.rmtree(root)


def test_a_seed_left_by_a_killed_add_blocks_only_another_text_of_that_name(hook_path: Path, tmp_path: Path) -> None:
    article = tmp_path / "astana-talks.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    root = copy_corpus(tmp_path / "corpus").root
    seed = root / "seeds" / "astana-talks.txt"
    killed(newsspan(hook_path, root, "add", article, "--id", "astana-talks", "--root", root, kill_at=1,
                    match=r"^link .*astana-talks\.txt"), "seed linked")
    assert seed.read_bytes() == article.read_bytes() and not (root / "annotations" / "astana-talks.json").exists()
    other = tmp_path / "elsewhere" / "astana-talks.txt"
    other.parent.mkdir()
    other.write_text("Another article with the same file name.\n", encoding="utf-8")
    refused = invoke(["add", other, "--id", "other-article", "--root", root, "--json"])
    assert refused.exit_code == 1
    error = json.loads(refused.stdout)["errors"][0]
    assert error["code"] == "add-seed-conflict" and error["file"] == str(seed), error
    assert "other bytes" in error["message"] and "--seed-name" in error["message"]
    assert seed.read_bytes() == article.read_bytes() and not (root / "annotations" / "other-article.json").exists()
    taken = invoke(["add", article, "--id", "astana-talks", "--root", root])
    assert taken.exit_code == 0, taken.output
    assert validated(root)["files"] == 2 and temp_files(root) == []


# --- import ----------------------------------------------------------------------------------------------------

SECOND = "KYIV, 4 March 2026 — Ministers met again on Wednesday.\nNo statement followed.\n"


@pytest.fixture
def exported(tmp_path: Path) -> Path:
    """A Label Studio export of a corpus of two documents."""
    corpus = copy_corpus(tmp_path / "source")
    article = tmp_path / "kyiv-talks.txt"
    article.write_text(SECOND, encoding="utf-8")
    assert invoke(["add", article, "--id", "kyiv-talks", "--root", corpus.root]).exit_code == 0
    out = tmp_path / "label-studio"
    result = invoke(["export", "--format", "label-studio", "--root", corpus.root, "--out", out])
    assert result.exit_code == 0, result.output
    return out


def test_import_killed_after_any_write_step_is_completed_by_the_rerun(hook_path: Path, tmp_path: Path,
                                                                       exported: Path) -> None:
    args = ("import", "--format", "label-studio", exported, "--out")
    steps = trace(hook_path, tmp_path / "clean", *args, tmp_path / "clean")
    expected = visible(tmp_path / "clean")
    assert sum(name.startswith("annotations/") for name in expected) == 2 and not temp_files(tmp_path / "clean")
    moves = [n for n, step in enumerate(steps, 1) if step.startswith(("link", "rename", "replace"))]
    creates = [n for n, step in enumerate(steps, 1) if step.startswith("create")]
    assert len(moves) == 4 and max(creates) < min(moves)  # every temp file is written before any file is placed
    for n, step in enumerate(steps, 1):
        root = tmp_path / f"kill-{n}"
        killed(newsspan(hook_path, root, *args, root, kill_at=n), step)
        after_kill = visible(root) if root.exists() else {}
        assert {name: expected[name] for name in after_kill} == after_kill, step  # nothing half-written
        annotated = [name for name in after_kill if name.startswith("annotations/")]
        if annotated:  # what was placed is a valid corpus: every annotation has its seed, no temp file is data
            assert validated(root)["files"] == len(annotated), step
        rerun = invoke([*args, root])
        assert rerun.exit_code == 0, (step, rerun.output)
        assert visible(root) == expected, step
        assert temp_files(root) == [], step
        shutil.rmtree(root)


def test_an_import_with_one_bad_document_writes_no_file_of_any(tmp_path: Path, exported: Path) -> None:
    tasks = json.loads((exported / "tasks.json").read_text(encoding="utf-8"))
    last = next(task for task in tasks if task["annotations"][0]["result"])
    tasks.remove(last)
    last["annotations"][0]["result"][0]["value"]["text"] = "ASTANB"  # read last, after a good document
    (exported / "tasks.json").write_text(json.dumps([*tasks, last]), encoding="utf-8")
    root = copy_corpus(tmp_path / "corpus").root
    (root / "annotations" / "islamabadpost-214638.json").unlink()
    before = visible(root)
    done = invoke(["import", "--format", "label-studio", exported, "--out", root, "--json"])
    assert done.exit_code == 1
    assert "import-text-mismatch" in [e["code"] for e in json.loads(done.stdout)["errors"]]
    assert visible(root) == before and temp_files(root) == []


def test_import_with_force_killed_while_replacing_leaves_whole_files(hook_path: Path, tmp_path: Path,
                                                                     exported: Path) -> None:
    args = ("import", "--format", "label-studio", exported, "--out")
    clean = tmp_path / "clean"
    assert invoke([*args, clean]).exit_code == 0
    expected = visible(clean)
    old = tmp_path / "old"  # the same corpus with another entity layer in each annotation
    shutil.copytree(clean, old)
    for path in (old / "annotations").glob("*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        first = doc["entities"][:1] or [{"id": "e1", "start": 0, "end": 4, "text": "KYIV", "label": "GPE"}]
        doc["entities"] = first if doc["entities"] != first else []
        path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    before = visible(old)
    for kind, n, replaced in (("create", 1, 0), ("create", 2, 0), ("fsync", 2, 0), ("replace", 1, 1)):
        root = tmp_path / f"kill-{kind}-{n}"
        shutil.copytree(old, root)
        killed(newsspan(hook_path, root, *args, root, "--force", kill_at=n, match=f"^{kind} "), f"{kind} {n}")
        after_kill = visible(root)
        assert set(after_kill) == set(expected), kind
        for name, data in after_kill.items():  # each file is the old one or the new one, never a mix
            assert data in (before[name], expected[name]), (kind, n, name)
        assert sum(after_kill[name] == expected[name] != before[name] for name in after_kill) == replaced
        assert invoke([*args, root]).exit_code == 1  # without --force the rerun refuses the rest, changing nothing
        assert visible(root) == after_kill
        rerun = invoke([*args, root, "--force"])
        assert rerun.exit_code == 0, rerun.output
        assert visible(root) == expected and temp_files(root) == []


# --- build -----------------------------------------------------------------------------------------------------

#: Kill points of ``build`` (a step kind and a path pattern, the how-many-th such step) over an earlier build;
#: the finished build goes in by one atomic exchange (Linux ``renameat2``).
BUILD_KILLS = {
    "marker placed in the staging folder": (r"^link .*/\.newsspan-build$", 1),
    "first parquet shard placed": (r"^rename .*\.parquet\.tmp", 1),
    "fourth parquet shard placed": (r"^rename .*\.parquet\.tmp", 4),
    "card written": (r"^link .*/README\.md$", 1),
    "manifest written": (r"^link .*/SHA256SUMS$", 1),
    "new build swapped in, earlier one not yet removed": (r"^exchange .*/\.dist\.build-[^/]* -> .*/dist$", 1),
    "earlier build half removed": (r"^unlink .*/\.dist\.build-[^/]*/[^.][^/]*$", 3),
}
#: Kill points of the two-rename replacement, where the system has no atomic exchange.
BUILD_KILLS_WITHOUT_EXCHANGE = {
    "earlier build moved aside": (r"^rename .*/dist -> .*/\.dist\.old-[0-9]+$", 1),
    "new build in place, earlier one not yet removed": (r"^rename .*/\.dist\.build-[^/]* -> .*/dist$", 1),
    "earlier build half removed": (r"^unlink .*/\.dist\.old-[0-9]+/", 3),
}


def earlier_build(tmp_path: Path, seed_dataset: Path) -> tuple[Path, Path, dict[str, bytes], dict[str, bytes]]:
    """A corpus root, an earlier build at ``dist`` (another card: told apart from the new one), and the
    snapshots of the earlier and of the new build."""
    root = copy_corpus(tmp_path / "corpus").root
    out = tmp_path / "dist"
    shutil.copytree(seed_dataset, out)
    (out / "README.md").write_text("# an earlier build\n", encoding="utf-8")
    (out / "SHA256SUMS").unlink()
    write_manifest(out)  # the earlier build is whole: its manifest matches its files
    return root, out, snapshot(out), snapshot(seed_dataset)


KILL_POINTS = [(point, True) for point in BUILD_KILLS] + [(point, False) for point in BUILD_KILLS_WITHOUT_EXCHANGE]


@pytest.mark.slow
@pytest.mark.parametrize(("point", "exchange"), KILL_POINTS,
                         ids=[f"{p}{'' if e else ' (two renames)'}" for p, e in KILL_POINTS])
def test_build_killed_at_a_step_loses_nothing(hook_path: Path, tmp_path: Path, seed_dataset: Path, point: str,
                                              exchange: bool) -> None:
    """``--out`` keeps the earlier build or gets the new one, never a mixture; with two renames it may be missing
    only between them, and the next build puts the earlier one back first (even a build that fails)."""
    root, out, earlier, new = earlier_build(tmp_path, seed_dataset)
    match, n = (BUILD_KILLS if exchange else BUILD_KILLS_WITHOUT_EXCHANGE)[point]
    no_exchange = {} if exchange else {"NEWSSPAN_FAULT_NO_EXCHANGE": "1"}
    killed(newsspan(hook_path, tmp_path, "build", "--root", root, "--out", out, "--no-load", kill_at=n,
                    match=match, **no_exchange), point)
    if not exchange and point == "earlier build moved aside":
        assert not out.exists()
        (root / "annotations" / "broken.json").write_text("{", encoding="utf-8")
        failed = invoke(["build", "--root", root, "--out", out, "--no-load"])
        assert failed.exit_code != 0, failed.output
        assert snapshot(out) == earlier  # put back before the failing build judged --out
        (root / "annotations" / "broken.json").unlink()
    assert snapshot(out) in (earlier, new), point
    rerun = invoke(["build", "--root", root, "--out", out, "--no-load"])
    assert rerun.exit_code == 0, rerun.output
    assert snapshot(out) == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus", "dist"]  # no staging or earlier build left


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden ones included) with its bytes."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- suggest ---------------------------------------------------------------------------------------------------

@pytest.mark.slow
def test_suggest_killed_midway_is_completed_by_a_rerun_with_skip_existing(hook_path: Path, tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    shutil.copytree(REPO / "tests" / "fixtures" / "suggest", root, ignore=shutil.ignore_patterns("*.py"))
    clean, out = tmp_path / "clean", tmp_path / "out"
    assert invoke(["suggest", "--root", root, "--out", clean]).exit_code == 0
    killed(newsspan(hook_path, tmp_path, "suggest", "--root", root, "--out", out, kill_at=2,
                    match=r"^link .*/out/[^/]*\.json$"), "second suggestion file placed")
    left = {name: data for name, data in snapshot(out).items() if not name.startswith(".")}  # temp files aside
    assert 2 <= len(left) < len(snapshot(clean)) and all(left[name] == snapshot(clean)[name] for name in left)
    rerun = invoke(["suggest", "--root", root, "--out", out, "--skip-existing", "--json"])
    assert rerun.exit_code == 0, rerun.output
    assert len(json.loads(rerun.stdout)["skipped"]) == len(left)
    assert snapshot(out) == snapshot(clean)  # the killed run's temp files are gone too


# --- the validation cache ---------------------------------------------------------------------------------------

def test_validate_killed_while_creating_its_cache_leaves_a_whole_gitignore(hook_path: Path, tmp_path: Path) -> None:
    root = copy_corpus(tmp_path / "corpus").root
    cache = root / ".newsspan-cache"
    args = ("validate", "--root", root)
    for n in (1, 2):  # the cache folder created; the .gitignore's temp file created
        killed(newsspan(hook_path, cache, *args, kill_at=n, NEWSSPAN_CACHE_DIR=""), f"cache step {n}")
        assert not (cache / ".gitignore").exists() or (cache / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
        done = newsspan(hook_path, cache, *args, NEWSSPAN_CACHE_DIR="")
        assert done.returncode == 0, done.stderr
        assert (cache / ".gitignore").read_text(encoding="utf-8").endswith("*\n")
        assert temp_files(root) == []
        shutil.rmtree(cache)
