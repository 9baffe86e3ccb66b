"""Throughput and peak memory of newsspan validate and build on synthetic corpora, against baselines.

    python benchmarks/bench.py                       # 1k, 10k and 100k documents: a table with ratios
    python benchmarks/bench.py --docs 10000 --json   # one size: one JSON object

Every measured stage runs in a fresh subprocess, so its peak RSS (``ru_maxrss`` of the largest
process it ran, worker processes included) is its own. Throughputs exclude start-up: the interpreter's,
and what a stage does once before its first document (imports; validate's compiled schema and cache
fingerprint; suggest's pattern tables), which is timed apart; the build is timed end to end as a command.

Stages, on the same files:
  validate (cold)         newsspan's validation, one process (--jobs 1), empty cache (it fills it)
  validate (incremental)  the same again: every file unchanged, so only hashed and skipped
  validate (parallel)     cold, one worker per core
  naive jsonschema        per document: json.load, a new jsonschema Draft202012Validator (schema parsed
                          once), list(iter_errors)
                          (structure only; sampled on --naive-sample documents at most)
  parse only              read each annotation file and orjson.loads it (the parser newsspan uses):
                          the floor no validator can beat
  paired                  the cold validate stage again, each file's validation followed by the parse-only
                          work on another file, both timed file by file in one process: the ratio of their
                          CPU times, which a slower spell of a shared machine changes less than that of
                          two stages run minutes apart (validate / parse only, paired)
  build                   newsspan build --no-load (validates, then writes the sharded parquet dataset)
  suggest                 newsspan suggest, rules only (no gazetteer, no model), one process, writing the
                          suggestion files; on --suggest-sample documents at most, after its patterns are built
                          (floor: 200 docs/s on one core); its start-up (spaCy import, pattern tables) is timed
                          apart, and its CPU time is split by step (read, each layer, numbering, write, other)

With ``--engines``, the build is also timed in-process on each engine (``--stage build-local`` and
``--stage build-dask``: validate without cache, then write the dataset folder): the local engine with one
worker per core, the Dask engine on a ``LocalCluster`` of 2 single-threaded workers (its start-up timed
apart). The Dask rows report each worker's peak RSS (``ru_maxrss`` read on the worker) and the client's.
Both rows report the CPU seconds of every process that did the work (``build_*_cpu_seconds``: the stage
process and its reaped pool workers, or the client plus the Dask workers) and ``dask_vs_local_cpu``,
the ratio to read on a shared machine, and the load average at the end.

CPU-time throughputs (``*_cpu_docs_per_s``) are reported too: on a shared machine they are the
fairer comparison between one-process stages.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
GENERATOR = REPO / "scripts" / "make_synthetic_corpus.py"
SIZES = (1_000, 10_000, 100_000)


# --- stages (run in a child process: ``bench.py --stage NAME --root ROOT``) ----------------

def _files(root: Path) -> list[str]:
    from newsspan.corpus import Corpus
    from newsspan.validation import annotation_files

    return annotation_files(Corpus(root))


def stage_validate(root: Path, jobs: int, use_cache: bool) -> int:
    from newsspan.corpus import Corpus
    from newsspan.validation import validate

    report = validate(Corpus(root), jobs=jobs, use_cache=use_cache)
    if not report.ok:
        raise SystemExit(f"benchmark corpus is invalid: {report.problems[:3]}")
    return report.files


def stage_parse_only(root: Path) -> int:
    import orjson

    files = _files(root)
    for file in files:
        with open(file, "rb") as handle:
            orjson.loads(handle.read())
    return len(files)


#: Files per window of the paired stage's spread figures.
PAIRED_WINDOW = 2_000


def stage_paired(root: Path) -> dict[str, Any]:
    """The cold validate stage (one process, filling a new cache), with each file's validation followed by the
    parse-only work on another file (the one half the corpus away, so every file is parsed once and none just
    after its own validation): the two are timed apart, file by file, in one process, so a slower spell of a
    shared machine falls on both alike. ``window_ratios``: the ratio per window of 2,000 files (its spread)."""
    import tempfile

    import orjson

    from newsspan.corpus import Corpus
    from newsspan.validation import validate

    began = time.process_time()
    files = _files(root)  # the parse-only stage lists the files too
    listing = time.process_time() - began
    validating: list[float] = []  # CPU seconds of each file's validation, and of each parse after it
    parsing: list[float] = []
    mark = 0.0

    def parse_next(_files_done: int) -> None:
        nonlocal mark
        now = time.process_time()
        validating.append(now - mark)
        with open(files[(len(parsing) + len(files) // 2) % len(files)], "rb") as handle:
            orjson.loads(handle.read())
        mark = time.process_time()
        parsing.append(mark - now)

    with tempfile.TemporaryDirectory() as cache:
        mark = time.process_time()
        report = validate(Corpus(root), jobs=1, use_cache=True, cache_dir=cache, progress=parse_next)
        last = time.process_time() - mark  # after the last file: the cache's last batch
    if not report.ok or len(parsing) != len(files):
        raise SystemExit("benchmark corpus is invalid")
    whole = range(0, len(files) - len(files) % PAIRED_WINDOW, PAIRED_WINDOW)
    windows = [round(sum(parsing[i:i + PAIRED_WINDOW]) / sum(validating[i:i + PAIRED_WINDOW]), 3) for i in whole]
    return {"docs": len(files), "validate_cpu_seconds": sum(validating) + last,
            "parse_cpu_seconds": sum(parsing) + listing, "window_ratios": windows}


def stage_naive_jsonschema(root: Path, sample: int) -> int:
    import jsonschema

    from newsspan.schema import schema_path

    files = _files(root)
    step = max(1, len(files) // sample)
    chosen = files[::step][:sample]
    with open(schema_path(), encoding="utf-8") as handle:
        schema = json.load(handle)
    for file in chosen:
        with open(file, encoding="utf-8") as handle:
            doc = json.load(handle)
        errors = list(jsonschema.Draft202012Validator(schema).iter_errors(doc))
        if errors:
            raise SystemExit(f"{file}: {errors[0].message}")
    return len(chosen)


def stage_suggest(root: Path, sample: int) -> dict[str, Any]:
    """Suggest for the first ``sample`` documents into a temporary folder (its removal is not timed); also this
    thread's CPU seconds per step (``pipeline.run``'s ``times``) and the documents' characters."""
    import tempfile

    from newsspan.corpus import Corpus
    from newsspan.suggest.pipeline import run

    corpus = Corpus(root)
    files = [Path(f) for f in _files(root)][:sample]
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as out:
        wall, cpu = time.perf_counter(), time.process_time()
        run(corpus, files, Path(out), times=times)
        seconds, cpu_seconds = time.perf_counter() - wall, time.process_time() - cpu
    chars = sum(len(corpus.load(path)[1]) for path in files)
    return {"docs": len(files), "seconds": seconds, "cpu_seconds": cpu_seconds, "chars": chars,
            "step_cpu_seconds": times}


def _prepare_suggest() -> None:
    """Build the suggesters' pattern tables (start-up, not throughput)."""
    from newsspan.suggest.entities import warm_up
    from newsspan.suggest.pipeline import suggest_layers

    warm_up()
    suggest_layers({"id": "warm-up", "metadata": {}}, "Warm-up: the minister said on Tuesday “it works”.")


def _cpu_seconds(who: int = resource.RUSAGE_SELF) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def stage_build_engine(root: Path, engine_name: str) -> dict[str, Any]:
    """Validate (no cache) and build ``root`` into a temporary folder on one engine.

    Reports wall seconds, the CPU seconds of every process that did the work (this one, its reaped
    process-pool children, or the Dask workers) and the Dask workers' peak RSS.
    """
    import tempfile
    from contextlib import ExitStack

    from newsspan.corpus import Corpus
    from newsspan.dataset.build import build_dataset
    from newsspan.engine import LOCAL

    corpus = Corpus(root)
    files = _files(root)
    extra: dict[str, Any] = {}
    client = None
    engine: Any = LOCAL
    with ExitStack() as stack:
        if engine_name == "dask":
            from distributed import Client

            from newsspan.engine.cluster import DaskEngine, local_cluster

            began = time.perf_counter()
            cluster = stack.enter_context(local_cluster(n_workers=2))
            client = stack.enter_context(Client(cluster))
            extra["cluster_start_seconds"] = round(time.perf_counter() - began, 2)
            engine = DaskEngine(client)
        workers_cpu = sum(client.run(_cpu_seconds).values()) if client else 0.0
        wall, cpu = time.perf_counter(), _cpu_seconds() + _cpu_seconds(resource.RUSAGE_CHILDREN)
        with tempfile.TemporaryDirectory(prefix="newsspan-bench-") as tmp:
            report = engine.validate(corpus, files, jobs=0)
            if not report.ok:
                raise SystemExit(f"benchmark corpus is invalid: {report.problems[:3]}")
            build_dataset(corpus, files, Path(tmp) / "dataset", engine=engine)
        seconds = time.perf_counter() - wall
        cpu_seconds = _cpu_seconds() + _cpu_seconds(resource.RUSAGE_CHILDREN) - cpu
        if client is not None:
            cpu_seconds += sum(client.run(_cpu_seconds).values()) - workers_cpu
            peaks = client.run(lambda: resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
            extra["worker_peak_rss_mb"] = sorted(round(v, 1) for v in peaks.values())
            extra["client_peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return {"docs": len(files), "seconds": seconds, "cpu_seconds": cpu_seconds, **extra}


def _prepare_validate() -> None:
    """Import validation and make what a run makes once (the compiled schema, the cache's fingerprint)."""
    from newsspan.validation import runner, structure

    structure.validator()
    runner.fingerprint()


def _prepare_parse_only() -> None:
    import orjson  # noqa: F401


def _prepare_naive() -> None:
    import jsonschema  # noqa: F401


#: What each stage does once before its work (imports, tables): timed apart as its start-up.
PREPARE = {"suggest": _prepare_suggest, "validate": _prepare_validate, "validate-nocache": _prepare_validate,
           "validate-parallel": _prepare_validate, "paired": _prepare_validate, "parse-only": _prepare_parse_only,
           "naive-jsonschema": _prepare_naive}


def run_stage(name: str, root: Path, sample: int) -> dict[str, Any]:
    """Run one stage in this process; its start-up (:data:`PREPARE`) and its work are timed apart, in wall and CPU
    seconds."""
    extra: dict[str, Any] = {}
    if name in PREPARE:
        wall, cpu = time.perf_counter(), time.process_time()
        PREPARE[name]()
        extra = {"startup_seconds": time.perf_counter() - wall, "startup_cpu_seconds": time.process_time() - cpu}
    stages = {
        "validate": lambda: stage_validate(root, 1, True),
        "validate-nocache": lambda: stage_validate(root, 1, False),
        "validate-parallel": lambda: stage_validate(root, 0, True),
        "parse-only": lambda: stage_parse_only(root),
        "naive-jsonschema": lambda: stage_naive_jsonschema(root, sample),
    }
    if name in ("build-local", "build-dask"):
        return stage_build_engine(root, name.removeprefix("build-"))
    if name == "paired":
        return {**stage_paired(root), **extra}
    if name == "suggest":
        return {**stage_suggest(root, sample), **extra}
    wall, cpu = time.perf_counter(), time.process_time()
    docs = stages[name]()
    return {"docs": docs, "seconds": time.perf_counter() - wall, "cpu_seconds": time.process_time() - cpu, **extra}


# --- the parent: corpora, subprocesses, figures ----------------------------------------------

def measured(command: list[str]) -> tuple[dict[str, Any], float, float]:
    """Run ``command`` in a fresh process (via ``--measure``): its JSON output, wall seconds, peak RSS in MB."""
    wrapper = [sys.executable, __file__, "--measure", "--", *command]
    done = subprocess.run(wrapper, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr[-2000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    return result["output"], result["seconds"], result["peak_rss_mb"]


def measure_main(command: list[str]) -> int:
    """Run ``command`` as our only child; print its output (last line parsed as JSON if possible), time, RSS."""
    began = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - began
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024  # KiB on Linux
    if done.returncode != 0:
        sys.stderr.write(done.stderr)
        return done.returncode
    try:
        output = json.loads(done.stdout)
    except json.JSONDecodeError:
        output = {}
    print(json.dumps({"output": output, "seconds": seconds, "peak_rss_mb": round(peak, 1)}))
    return 0


def corpus(workdir: Path, docs: int) -> Path:
    """A synthetic corpus of ``docs`` documents, generated once and reused."""
    root = workdir / f"corpus-{docs}"
    annotations = root / "annotations"
    if annotations.is_dir() and sum(1 for _ in os.scandir(annotations)) == docs:
        return root
    shutil.rmtree(root, ignore_errors=True)
    print(f"generating {docs} documents in {root} ...", file=sys.stderr)
    subprocess.run([sys.executable, str(GENERATOR), str(docs), "--out", str(root)], check=True)
    return root


def stage(name: str, root: Path, sample: int) -> tuple[dict[str, Any], float]:
    output, _, peak = measured([sys.executable, __file__, "--stage", name, "--root", str(root),
                                "--naive-sample", str(sample)])
    return output, peak


def clear_cache(root: Path) -> None:
    from newsspan.validation.cache import CACHE_DIR

    shutil.rmtree(root / CACHE_DIR, ignore_errors=True)


def bench_engines(docs: int, workdir: Path) -> dict[str, Any]:
    """The build (validate + write) on the local engine and on a 2-worker Dask LocalCluster, same files."""
    root = corpus(workdir, docs)
    figures: dict[str, Any] = {"docs": docs, "machine": machine()}
    stage("parse-only", root, 1)  # warm the page cache
    for name in ("local", "dask"):
        output, peak = stage(f"build-{name}", root, 1)
        figures[f"build_{name}_seconds"] = round(output["seconds"], 1)
        figures[f"build_{name}_docs_per_s"] = round(output["docs"] / output["seconds"], 1)
        figures[f"build_{name}_peak_rss_mb"] = peak
        figures[f"build_{name}_cpu_seconds"] = round(output["cpu_seconds"], 1)
        for key in ("cluster_start_seconds", "worker_peak_rss_mb", "client_peak_rss_mb"):
            if key in output:
                figures[f"dask_{key}"] = output[key]
    figures["dask_vs_local_time"] = round(figures["build_dask_seconds"] / figures["build_local_seconds"], 2)
    figures["dask_vs_local_cpu"] = round(figures["build_dask_cpu_seconds"] / figures["build_local_cpu_seconds"], 2)
    figures["load_average"] = [round(x, 1) for x in os.getloadavg()]  # the 1, 5, 15-minute load at the end
    return figures


def bench(docs: int, workdir: Path, sample: int, suggest_sample: int = 1000) -> dict[str, Any]:
    """Every figure for one corpus size."""
    root = corpus(workdir, docs)
    figures: dict[str, Any] = {"docs": docs}
    clear_cache(root)
    stage("parse-only", root, sample)  # warm the page cache: every stage then reads from memory
    for key, name in (("parse_only", "parse-only"), ("validate", "validate"),
                      ("validate_incremental", "validate"), ("validate_nocache", "validate-nocache"),
                      ("naive_jsonschema", "naive-jsonschema")):
        output, peak = stage(name, root, sample)
        figures[f"{key}_docs_per_s"] = round(output["docs"] / output["seconds"], 1)
        figures[f"{key}_cpu_docs_per_s"] = round(output["docs"] / output["cpu_seconds"], 1)
        figures[f"{key}_peak_rss_mb"] = peak
        if key == "naive_jsonschema":
            figures["naive_jsonschema_sampled_docs"] = output["docs"]
        if key == "validate":
            figures["validate_startup_cpu_seconds"] = round(output["startup_cpu_seconds"], 2)
    clear_cache(root)
    output, peak = stage("validate-parallel", root, sample)
    figures["validate_parallel_docs_per_s"] = round(output["docs"] / output["seconds"], 1)
    figures["validate_parallel_peak_rss_mb"] = peak
    figures.update(bench_build(root, workdir / f"dataset-{docs}"))
    output, peak = stage("suggest", root, suggest_sample)  # its sample travels as --naive-sample
    figures["suggest_docs_per_s"] = round(output["docs"] / output["seconds"], 1)
    figures["suggest_cpu_docs_per_s"] = round(output["docs"] / output["cpu_seconds"], 1)
    figures["suggest_peak_rss_mb"] = peak
    figures["suggest_sampled_docs"] = output["docs"]
    figures["suggest_startup_seconds"] = round(output["startup_seconds"], 1)
    figures["suggest_startup_cpu_seconds"] = round(output["startup_cpu_seconds"], 1)
    figures.update(suggest_steps(output))
    cpu = figures["validate_cpu_docs_per_s"]
    figures["validate_vs_naive"] = round(cpu / figures["naive_jsonschema_cpu_docs_per_s"], 1)
    figures["validate_vs_parse_only"] = round(cpu / figures["parse_only_cpu_docs_per_s"], 2)
    clear_cache(root)
    output, _ = stage("paired", root, sample)
    figures["validate_vs_parse_only_paired"] = round(output["parse_cpu_seconds"] / output["validate_cpu_seconds"], 2)
    figures["paired_window_ratios"] = output["window_ratios"]
    figures["machine"] = machine()
    return figures


#: The steps of a suggest run, in their order (``pipeline.run``'s ``times``).
SUGGEST_STEPS = ("read", "entities", "dates", "quotations", "claims", "numbering", "write")


def suggest_steps(output: dict[str, Any]) -> dict[str, Any]:
    """Where the suggest stage's CPU time went, in ms per document: each step of its main thread, and ``other``
    (the rest of the process: other threads, the run's set-up and end)."""
    docs, steps = output["docs"], output["step_cpu_seconds"]
    per_doc = {step: round(1000 * steps.get(step, 0.0) / docs, 2) for step in SUGGEST_STEPS}
    per_doc["other"] = round(1000 * (output["cpu_seconds"] - sum(steps.values())) / docs, 2)
    return {"suggest_cpu_ms_per_doc": per_doc, "suggest_chars_per_doc": round(output["chars"] / docs),
            "suggest_cpu_chars_per_s": round(output["chars"] / output["cpu_seconds"])}


def bench_build(root: Path, out: Path) -> dict[str, Any]:
    shutil.rmtree(out, ignore_errors=True)
    newsspan = [sys.executable, "-m", "newsspan"]
    _, seconds, peak = measured([*newsspan, "build", "--no-load", "--out", str(out), "--root", str(root), "--json"])
    docs = sum(1 for _ in os.scandir(root / "annotations"))
    return {"build_seconds": round(seconds, 1), "build_docs_per_s": round(docs / seconds, 1), "build_peak_rss_mb": peak}


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, {platform.system()}"


TABLE_ROWS = (
    ("validate, cold, 1 process", "validate_docs_per_s", "validate_cpu_docs_per_s", "validate_peak_rss_mb"),
    ("validate, incremental (unchanged)", "validate_incremental_docs_per_s", "validate_incremental_cpu_docs_per_s",
     "validate_incremental_peak_rss_mb"),
    ("validate, no cache, 1 process", "validate_nocache_docs_per_s", "validate_nocache_cpu_docs_per_s",
     "validate_nocache_peak_rss_mb"),
    ("validate, cold, all cores", "validate_parallel_docs_per_s", None, "validate_parallel_peak_rss_mb"),
    ("parse only (orjson)", "parse_only_docs_per_s", "parse_only_cpu_docs_per_s", "parse_only_peak_rss_mb"),
    ("naive jsonschema (sampled)", "naive_jsonschema_docs_per_s", "naive_jsonschema_cpu_docs_per_s",
     "naive_jsonschema_peak_rss_mb"),
    ("build --no-load (all cores)", "build_docs_per_s", None, "build_peak_rss_mb"),
    ("suggest, rules only, 1 process (sampled)", "suggest_docs_per_s", "suggest_cpu_docs_per_s",
     "suggest_peak_rss_mb"),
)


def table(results: list[dict[str, Any]]) -> str:
    """A Markdown table: one row per stage, docs/s (wall, CPU) and peak RSS per corpus size."""
    head = "| stage | " + " | ".join(f"{r['docs']:,} docs: docs/s (CPU) · peak RSS" for r in results) + " |"
    lines = [head, "|---" * (len(results) + 1) + "|"]
    for label, wall, cpu, rss in TABLE_ROWS:
        cells = []
        for r in results:
            cpu_text = f" ({r[cpu]:,.0f})" if cpu else ""
            cells.append(f"{r[wall]:,.0f}{cpu_text} · {r[rss]:.0f} MB")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    lines.append("| **validate / naive jsonschema** (CPU) | " + " | ".join(f"**{r['validate_vs_naive']}x**"
                                                                          for r in results) + " |")
    lines.append("| **validate / parse only** (CPU) | " + " | ".join(f"**{r['validate_vs_parse_only']}**"
                                                                      for r in results) + " |")
    lines.append("| **validate / parse only, paired file by file** (CPU) | " + " | ".join(
        f"**{r['validate_vs_parse_only_paired']}**" for r in results) + " |")
    lines.append("| build time | " + " | ".join(f"{r['build_seconds']} s" for r in results) + " |")
    lines.append("| suggest start-up (imports, pattern tables), wall (CPU) | " + " | ".join(
        f"{r['suggest_startup_seconds']} s ({r['suggest_startup_cpu_seconds']} s)" for r in results) + " |")
    lines.append("| suggest, CPU ms per document: " + " · ".join(SUGGEST_STEPS) + " · other | " + " | ".join(
        " · ".join(str(r["suggest_cpu_ms_per_doc"][step]) for step in (*SUGGEST_STEPS, "other"))
        for r in results) + " |")
    lines.append("| suggest, characters per document; per CPU second | " + " | ".join(
        f"{r['suggest_chars_per_doc']:,}; {r['suggest_cpu_chars_per_s']:,}" for r in results) + " |")
    lines.append("| validate start-up (imports, compiled schema, cache fingerprint), CPU | " + " | ".join(
        f"{r['validate_startup_cpu_seconds']} s" for r in results) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:2] == ["--measure", "--"]:
        return measure_main(argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--docs", type=int, action="append", help="corpus size (repeatable; default 1k, 10k, 100k)")
    parser.add_argument("--json", action="store_true", help="print one JSON object per size")
    parser.add_argument("--workdir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "newsspan-bench",
                        help="where synthetic corpora and builds go (corpora are reused between runs)")
    parser.add_argument("--naive-sample", type=int, default=1000,
                        help="documents the naive jsonschema baseline validates at most (default 1000)")
    parser.add_argument("--suggest-sample", type=int, default=1000,
                        help="documents the suggest stage runs on at most (default 1000)")
    parser.add_argument("--engines", action="store_true",
                        help="only the build on the local and the Dask engine (2-worker LocalCluster), as JSON")
    parser.add_argument("--stage", help=argparse.SUPPRESS)
    parser.add_argument("--root", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.stage:
        print(json.dumps(run_stage(args.stage, args.root, args.naive_sample)))
        return 0
    if args.engines:
        for docs in args.docs or SIZES[:2]:
            print(json.dumps(bench_engines(docs, args.workdir)), flush=True)
        return 0
    results = []
    for docs in args.docs or SIZES:
        results.append(bench(docs, args.workdir, args.naive_sample, args.suggest_sample))
        if args.json:
            print(json.dumps(results[-1]), flush=True)
    if not args.json:
        print(f"machine: {results[0]['machine']}\n")
        print(table(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
