"""benchmarks/bench.py's paired stage: one cold validate, each file's validation followed by the parse-only work
on another file, both timed apart."""

from __future__ import annotations

import builtins
import subprocess
import sys
from pathlib import Path

import orjson
import pytest

from newsspan.corpus import Corpus
from newsspan.validation import annotation_files

from .conftest import load_script, load_synthetic_generator

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"


def _bench():
    return load_script("bench", "benchmarks")


@pytest.fixture(scope="module")
def corpus_root(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("bench-corpus")
    assert load_synthetic_generator().main(["30", "--out", str(root), "--seed", "3", "--jobs", "1"]) == 0
    return root


def test_the_paired_stage_parses_every_file_once_beside_the_validation(corpus_root, monkeypatch):
    bench, opened = _bench(), []

    def counting_open(file, mode="r", *args, **kwargs):
        opened.append(file)
        return builtins.open(file, mode, *args, **kwargs)

    monkeypatch.setattr(bench, "PAIRED_WINDOW", 10)
    monkeypatch.setattr(bench, "open", counting_open, raising=False)
    found = bench.stage_paired(corpus_root)
    files = annotation_files(Corpus(corpus_root))
    assert found["docs"] == len(files) == 30
    assert sorted(opened) == sorted(files)  # the parse-only work: each file once
    assert opened[0] == files[15]  # the first parsed is half the corpus away from the first validated
    assert found["validate_cpu_seconds"] > 0 and found["parse_cpu_seconds"] > 0
    assert len(found["window_ratios"]) == 3 and all(ratio > 0 for ratio in found["window_ratios"])
    assert not (corpus_root / ".newsspan-cache").exists()  # its cache lives in a temporary folder


def test_an_invalid_corpus_stops_the_paired_stage(corpus_root, tmp_path):
    broken = tmp_path / "broken"
    (broken / "annotations").mkdir(parents=True)
    (broken / "seeds").symlink_to(corpus_root / "seeds", target_is_directory=True)
    for path in sorted((corpus_root / "annotations").glob("*.json"))[:4]:
        (broken / "annotations" / path.name).write_bytes(path.read_bytes())
    first = sorted((broken / "annotations").glob("*.json"))[0]
    first.write_bytes(first.read_bytes().replace(b'"start": ', b'"start": 1', 1))
    done = subprocess.run([sys.executable, str(BENCH), "--stage", "paired", "--root", str(broken)],
                          capture_output=True, text=True, check=False)
    assert done.returncode != 0
    assert "benchmark corpus is invalid" in done.stderr


def test_the_suggest_stage_splits_its_cpu_time_by_step(corpus_root):
    bench = _bench()
    sample = 12
    output = bench.stage_suggest(corpus_root, sample)
    assert output["docs"] == sample
    files = annotation_files(Corpus(corpus_root))[:sample]
    seeds = [orjson.loads(Path(f).read_bytes())["seed"]["file"] for f in files]
    texts = [(corpus_root / "seeds" / seed).read_text(encoding="utf-8").rstrip() for seed in seeds]  # canonical
    assert output["chars"] == sum(map(len, texts))  # the characters the suggesters read
    steps = output["step_cpu_seconds"]
    assert set(steps) == set(bench.SUGGEST_STEPS)
    assert all(seconds > 0 for seconds in steps.values())
    assert sum(steps.values()) <= output["cpu_seconds"]  # one thread's steps, within the process's CPU time
    figures = bench.suggest_steps(output)
    per_doc = figures["suggest_cpu_ms_per_doc"]
    assert list(per_doc) == [*bench.SUGGEST_STEPS, "other"]
    assert sum(per_doc.values()) == pytest.approx(1000 * output["cpu_seconds"] / sample, abs=0.01 * len(per_doc))
    assert figures["suggest_chars_per_doc"] == round(output["chars"] / sample)
