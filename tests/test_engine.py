"""The Dask engine on a real 2-worker LocalCluster: the same problems in the same order and a byte-identical
dataset folder as the local engine; a worker killed mid-build still gives the identical folder; a cluster
restarted mid-build is a clear failure that leaves --out untouched.

One cluster serves the module; the synthetic corpus and its local build are made once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from newsspan.corpus import Corpus
from newsspan.dataset.build import build_dataset, folder_differences
from newsspan.engine import LOCAL, EngineError, open_engine
from newsspan.engine.cluster import SCRATCH, DaskEngine, ShardCutter, local_cluster, partitions
from newsspan.validation import annotation_files, validate

from .conftest import load_synthetic_generator
from .test_scale import BREAKAGES, _edit, _seed_of

distributed = pytest.importorskip("distributed")  # the [scale] extra; installed with [dev]

DOCS = 2000
#: Several shards per token and span config (a partition of 97 files holds ~9,000 span rows, so shard boundaries
#: fall inside partitions, and 5,000 is no multiple of the 2,048/4,096-row row groups); one per documents split.
SHARD_ROWS = 5000
PARTITION = 97  # partitions that do not line up with shards or row groups


@pytest.fixture(scope="module")
def cluster() -> Any:
    with local_cluster(n_workers=2) as local, distributed.Client(local) as client:
        yield client


@pytest.fixture(scope="module")
def engine(cluster: Any) -> DaskEngine:
    return DaskEngine(cluster, partition_files=PARTITION)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    root = tmp_path_factory.mktemp("synthetic")
    load_synthetic_generator().generate(DOCS, root, seed=5, jobs=2)
    return Corpus(root)


@pytest.fixture(scope="module")
def local_build(synthetic: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("local") / "dataset"
    build_dataset(synthetic, [], out, shard_rows=SHARD_ROWS)
    return out


def test_partitions_keep_file_order_and_shards_are_cut_like_the_local_writer() -> None:
    assert [list(p) for p in partitions(list(range(7)), 3)] == [[0, 1, 2], [3, 4, 5], [6]]
    pieces = [("a", 5), ("b", 0), ("c", 4)]
    exact = ShardCutter(4)  # a partition that fills a shard exactly leaves nothing over
    assert exact.add("a", 4) == [[("a", 0, 4)]] and exact.rest() == []
    streamed = ShardCutter(4)  # counts arrive one partition at a time; shards are cut across partitions
    assert [streamed.add(*piece) for piece in pieces] == [[[("a", 0, 4)]], [], [[("a", 4, 1), ("c", 0, 3)]]]
    assert streamed.rest() == [[("c", 3, 1)]]


def test_the_cluster_scratch_space_is_a_temporary_folder(cluster: Any) -> None:
    folders = cluster.run(lambda dask_worker: dask_worker.local_directory).values()
    assert len(folders) == 2
    for folder in folders:
        assert Path(folder).is_relative_to(Path(tempfile.gettempdir()).resolve())
        assert not Path(folder).is_relative_to(Path.cwd())


def test_the_dask_build_is_byte_identical_to_the_local_build(synthetic: Corpus, local_build: Path,
                                                             engine: DaskEngine, tmp_path: Path) -> None:
    out = tmp_path / "dataset"
    result = build_dataset(synthetic, [], out, shard_rows=SHARD_ROWS, engine=engine)
    assert result.tables.documents == DOCS
    assert len(result.tables.configs["spans"]["train"].files) > 1  # more than one shard was cut
    assert set(result.tables.counted) == {name for config in ("documents", "ner", "spans")  # counted on workers
                                          for files in result.tables.configs[config].values() for name in files.files}
    assert sorted(p.name for p in out.rglob("*.parquet")) == sorted(p.name for p in local_build.rglob("*.parquet"))
    assert folder_differences(out, local_build) == []
    assert not list(tmp_path.glob(".*"))  # no staging or scratch left


def test_dask_validation_reports_the_local_problems_in_the_same_order(tmp_path: Path, engine: DaskEngine) -> None:
    load_synthetic_generator().generate(60, tmp_path, seed=11, jobs=1)
    corpus = Corpus(tmp_path)
    for index, change in BREAKAGES.items():
        _edit(corpus, index, change)
    corpus.annotation_path("synth-000037").write_bytes(b'{"id": "synth-000037", ')
    _seed_of(corpus, 43).unlink()
    (corpus.annotations_dir / "control\x1b[2J.json").write_bytes(b"{")  # names shown escaped by both engines
    files = [str(p) for p in corpus.annotation_files()]
    small = DaskEngine(engine.client, partition_files=7)
    local, dask = LOCAL.validate(corpus, files), small.validate(corpus, files)
    assert len({p.file for p in local.problems}) == len(BREAKAGES) + 3
    assert any("control\\x1b[2J.json" in p.file for p in local.problems)
    assert dask.problems == local.problems
    assert dask.files == local.files == 61
    assert validate(corpus).problems == local.problems
    on_url = Corpus(Path(tmp_path.as_uri()))  # workers read through fsspec (file://; memory:// is per process)
    remote = small.validate(on_url, annotation_files(on_url))
    assert [(Path(p.file).name, p.pointer, p.code) for p in remote.problems] == \
        [(Path(p.file).name, p.pointer, p.code) for p in local.problems]


def _kill_when_converting(out: Path, act: Any) -> threading.Thread:
    """Call ``act()`` once the first step of the build has written its first partition."""
    def watch() -> None:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            if list(out.parent.glob(f".{out.name}.build-*/{SCRATCH}/*.arrow")):
                act()
                return
            time.sleep(0.05)

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    return thread


def test_a_worker_killed_mid_build_still_gives_the_identical_folder(synthetic: Corpus, local_build: Path,
                                                                     engine: DaskEngine, tmp_path: Path) -> None:
    out = tmp_path / "dataset"
    pids = engine.client.run(os.getpid)
    killed: list[int] = []

    def kill() -> None:
        pid = sorted(pids.values())[0]
        os.kill(pid, signal.SIGKILL)
        killed.append(pid)

    watcher = _kill_when_converting(out, kill)
    build_dataset(synthetic, [], out, shard_rows=SHARD_ROWS, engine=engine)
    watcher.join()
    assert killed  # the kill happened during the build
    assert folder_differences(out, local_build) == []
    engine.client.wait_for_workers(2, timeout=240)  # a restarted worker imports slowly on a loaded machine


def test_a_cluster_restarted_mid_build_fails_clearly_and_leaves_out_untouched(synthetic: Corpus,
                                                                               tmp_path: Path) -> None:
    # A cluster of its own: after a restart a nanny may close instead of bringing its worker back (a race in Dask's
    # restart), which must not starve the tests that share the module's cluster.
    work = tmp_path / "work"
    work.mkdir()
    out = work / "dataset"
    with local_cluster(n_workers=2) as local, distributed.Client(local) as client:
        engine = DaskEngine(client, partition_files=PARTITION)
        watcher = _kill_when_converting(out, lambda: client.restart(wait_for_workers=False))
        with pytest.raises(EngineError, match="nothing was written"):
            build_dataset(synthetic, [], out, shard_rows=SHARD_ROWS, engine=engine)
        watcher.join()
    assert not out.exists()
    assert not list(work.iterdir())  # no staging folder left either


def test_the_cli_runs_both_commands_on_a_dask_scheduler(cli: Any, cluster: Any, corpus_copy: Corpus,
                                                        tmp_path: Path) -> None:
    root, address = corpus_copy.root, cluster.scheduler.address
    local = cli("build", "--root", root, "--out", tmp_path / "local", "--no-load", "--json")
    dask = cli("build", "--root", root, "--out", tmp_path / "dask", "--no-load", "--json",
               "--engine", "dask", "--scheduler", address)
    assert local.exit_code == dask.exit_code == 0, dask.output
    assert folder_differences(tmp_path / "dask", tmp_path / "local") == []
    checked = cli("build", "--root", root, "--out", tmp_path / "local", "--check", "--engine", "dask",
                  "--scheduler", address)
    assert checked.exit_code == 0, checked.output
    (corpus_copy.annotations_dir / "broken.json").write_text("{", encoding="utf-8")
    runs = [cli("validate", "--root", root, "--json", "--no-cache", *engine) for engine in
            ([], ["--engine", "dask", "--scheduler", address])]
    assert runs[0].exit_code == runs[1].exit_code == 1
    assert runs[0].stdout == runs[1].stdout


def test_engine_options_are_checked(cli: Any, corpus_copy: Corpus) -> None:
    wrong = cli("validate", "--root", corpus_copy.root, "--engine", "spark")
    assert wrong.exit_code == 2 and "--engine: expected one of local, dask; found 'spark'" in wrong.output
    alone = cli("validate", "--root", corpus_copy.root, "--scheduler", "tcp://127.0.0.1:1")
    assert alone.exit_code == 2 and "--scheduler: only with --engine dask" in alone.output
    with pytest.raises(ValueError, match="--engine"), open_engine("spark"):
        pass


def newsspan(*args: str | Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "newsspan", *map(str, args)], capture_output=True, text=True,
                          env={**os.environ, **env}, check=False, timeout=300)


def test_scheduler_local_starts_a_local_cluster_from_the_command(corpus_copy: Corpus) -> None:
    done = newsspan("validate", "--root", corpus_copy.root, "--engine", "dask", "--scheduler", "local", "--json")
    assert done.returncode == 0, done.stderr
    assert '"ok": true' in done.stdout
    unreachable = newsspan("validate", "--root", corpus_copy.root, "--engine", "dask", "--scheduler",
                           "tcp://127.0.0.1:9", DASK_DISTRIBUTED__COMM__TIMEOUTS__CONNECT="2s")
    assert unreachable.returncode == 1 and "Traceback" not in unreachable.stderr
    assert "--scheduler tcp://127.0.0.1:9: expected a running Dask scheduler" in unreachable.stderr


def test_without_the_scale_extra_the_dask_engine_names_it(corpus_copy: Corpus, tmp_path: Path) -> None:
    blocked = tmp_path / "blocked"
    blocked.mkdir()
    (blocked / "distributed.py").write_text("raise ModuleNotFoundError(\"No module named 'distributed'\", "
                                            "name='distributed')\n", encoding="utf-8")
    path = os.pathsep.join([str(blocked), os.environ.get("PYTHONPATH", "")])
    done = newsspan("validate", "--root", corpus_copy.root, "--engine", "dask", PYTHONPATH=path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "pip install 'newsspan[scale]'" in done.stderr
    assert newsspan("validate", "--root", corpus_copy.root, PYTHONPATH=path).returncode == 0  # local needs no Dask
