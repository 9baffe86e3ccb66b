"""Validation at scale: parallel and incremental runs report exactly what a serial cold run reports;
the cache forgets what changed; validation also runs as a `datasets` map over parquet shards."""

from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path
from typing import Any

import orjson
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newsspan.validation.runner as nv
from newsspan.corpus import Corpus
from newsspan.files import dump_json
from newsspan.model import LAYERS
from newsspan.text import canonical_text
from newsspan.validation.cache import CACHE_DIR, CACHE_DIR_ENV, cache_path

from .conftest import load_synthetic_generator
from .test_validation_rules import same_with_and_without_layer_tests

REPO = Path(__file__).resolve().parents[1]
DOCS = 60


def _generator():
    return load_synthetic_generator()


def _edit(corpus: Corpus, index: int, change) -> None:
    path = corpus.annotation_path(f"synth-{index:06d}")
    doc = orjson.loads(path.read_bytes())
    change(doc)
    path.write_text(dump_json(doc), encoding="utf-8")


def _seed_of(corpus: Corpus, index: int) -> Path:
    doc = orjson.loads(corpus.annotation_path(f"synth-{index:06d}").read_bytes())
    return corpus.seed_path(doc["seed"]["file"])


#: One broken file per kind of mistake (index -> how it is broken).
BREAKAGES: dict[int, Any] = {
    3: lambda d: d["entities"][2].update(start=d["entities"][2]["start"] + 1),  # text mismatch
    7: lambda d: d["entities"][0].update(label="PERSONA"),  # schema enum
    11: lambda d: d["dates"][0].update(anchor="d999"),  # dangling
    13: lambda d: d["claims"].append(copy.deepcopy(d["claims"][0])),  # duplicate id and span
    17: lambda d: d["dates"][0].update(type="DURATION", value="2024-01-01"),  # timex value/type
    19: lambda d: d["annotation"].update(created="2030-01-01"),  # date bounds
    23: lambda d: d.update(id="synth-999999"),  # file named after another id
    29: lambda d: d["quotations"][0].update(end=10**6),  # offset out of range
    31: lambda d: d.pop("claims"),  # schema required
}


@pytest.fixture(scope="module")
def broken(tmp_path_factory) -> Corpus:
    """A synthetic corpus with a dozen broken files of different kinds."""
    root = tmp_path_factory.mktemp("broken")
    _generator().generate(DOCS, root, seed=11, jobs=1)
    corpus = Corpus(root)
    for index, change in BREAKAGES.items():
        _edit(corpus, index, change)
    corpus.annotation_path("synth-000037").write_bytes(b'{"id": "synth-000037", ')  # truncated JSON
    _seed_of(corpus, 41).write_bytes(b"caf\xe9")  # not UTF-8
    _seed_of(corpus, 43).unlink()  # missing seed
    seed = _seed_of(corpus, 47)
    seed.write_text(seed.read_text(encoding="utf-8").replace("the", "teh", 1), encoding="utf-8")  # text changed
    return corpus


@pytest.fixture
def copy_of(broken, tmp_path, monkeypatch) -> Corpus:
    """A private copy of the broken corpus (without any cache; the cache in its default place, the copy's root)."""
    monkeypatch.delenv(CACHE_DIR_ENV)
    for folder in ("seeds", "annotations"):
        shutil.copytree(broken.root / folder, tmp_path / folder)
    return Corpus(tmp_path)


@pytest.fixture
def pool_for_small_corpora(monkeypatch):
    """Let the process pool start even for 60 files (normally they are checked in-process)."""
    monkeypatch.setattr(nv, "MIN_FILES_PER_WORKER", 1)


def test_serial_cold_run_finds_every_breakage(broken):
    report = nv.validate(broken)
    files = {Path(p.file).name for p in report.problems}
    assert len(files) == len(BREAKAGES) + 4
    codes = {p.code for p in report.problems}
    assert {"span-text-mismatch", "schema-enum", "dangling-reference", "duplicate-id", "duplicate-span",
            "timex-value-type", "date-bounds", "id-filename-mismatch", "offset-out-of-range", "schema-required",
            "json-malformed", "seed-not-utf8", "seed-missing", "text-hash-mismatch"} <= codes


def test_parallel_and_incremental_runs_report_exactly_the_serial_cold_problems(copy_of, pool_for_small_corpora):
    serial = nv.validate(copy_of)
    parallel = nv.validate(copy_of, jobs=2)
    stats: dict[str, int] = {}
    cold = nv.validate(copy_of, jobs=2, use_cache=True, stats=stats)
    assert stats == {"checked": DOCS, "skipped": 0}
    warm = nv.validate(copy_of, jobs=2, use_cache=True, stats=stats)
    warm_serial = nv.validate(copy_of, jobs=1, use_cache=True)
    assert serial.problems  # the comparison below is not between empty lists
    for other in (parallel, cold, warm, warm_serial):
        assert other.problems == serial.problems
        assert other.files == serial.files
    assert stats == {"checked": len({p.file for p in serial.problems}), "skipped": DOCS - stats["checked"]}


def test_a_file_with_problems_is_never_cached(copy_of):
    stats: dict[str, int] = {}
    for _ in range(2):
        report = nv.validate(copy_of, use_cache=True, stats=stats)
    bad = {p.file for p in report.problems}
    assert stats["checked"] == len(bad)


@pytest.mark.parametrize("change", ["annotation", "seed bytes", "seed text", "schema"])
def test_the_cache_forgets_what_changed(copy_of, change, monkeypatch, tmp_path):
    stats: dict[str, int] = {}
    nv.validate(copy_of, use_cache=True)
    baseline = nv.validate(copy_of, use_cache=True, stats=stats)
    bad = stats["checked"]
    expected_checked = bad + 1
    if change == "annotation":  # a valid edit: checked again, still passes
        _edit(copy_of, 5, lambda d: d["entities"][0].update(note="checked twice"))
    elif change == "seed bytes":  # same canonical text, other bytes: checked again, still passes
        seed = _seed_of(copy_of, 5)
        seed.write_bytes(seed.read_bytes() + b"\n\n")
    elif change == "seed text":  # the text under the spans changed: checked again, and now it fails
        seed = _seed_of(copy_of, 5)
        seed.write_bytes(seed.read_bytes().replace(b" ", b"  ", 1))
    else:  # another schema: nothing in the cache holds any more
        schema = tmp_path / "schema.json"
        schema.write_text(nv.schema_path().read_text(encoding="utf-8").replace("newsspan annotated", "changed"))
        monkeypatch.setattr(nv, "schema_path", lambda: schema)
        nv.fingerprint.cache_clear()
        expected_checked = DOCS
    report = nv.validate(copy_of, use_cache=True, stats=stats)
    nv.fingerprint.cache_clear()
    assert stats["checked"] == expected_checked
    assert report.problems == nv.validate(copy_of).problems  # still exactly what a cold run says
    if change == "seed text":
        assert "text-hash-mismatch" in {p.code for p in report.problems if p.file.endswith("synth-000005.json")}
        assert not any(p.file.endswith("synth-000005.json") for p in baseline.problems)


def test_a_damaged_or_deleted_cache_is_harmless(copy_of):
    cold = nv.validate(copy_of)
    nv.validate(copy_of, use_cache=True)
    cache_path(copy_of.root).write_bytes(b"this is not a database")
    assert nv.validate(copy_of, use_cache=True).problems == cold.problems
    shutil.rmtree(copy_of.root / CACHE_DIR)
    stats: dict[str, int] = {}
    assert nv.validate(copy_of, use_cache=True, stats=stats).problems == cold.problems
    assert stats["skipped"] == 0


def test_cli_parallel_incremental_output_equals_serial_uncached(copy_of, pool_for_small_corpora, cli):
    root = str(copy_of.root)
    serial = cli("validate", "--root", root, "--jobs", "1", "--no-cache", "--json")
    assert not (copy_of.root / CACHE_DIR).exists()  # --no-cache writes nothing
    outputs = [cli("validate", "--root", root, "--jobs", "2", "--json") for _ in range(2)]
    assert (copy_of.root / CACHE_DIR).is_dir()
    assert serial.exit_code == 1
    assert json.loads(serial.stdout)["errors"]
    for result in outputs:
        assert result.exit_code == 1
        assert json.loads(result.stdout) == json.loads(serial.stdout)
    human = cli("validate", "--root", root, terminal_width=250)
    assert "unchanged file(s) skipped" in human.stdout


# --- the rules' whole-layer tests agree with their item-by-item walk -------------------------

@pytest.fixture(scope="module")
def valid_docs(broken) -> list[tuple[dict[str, Any], str]]:
    """A few valid documents with their canonical texts."""
    docs = []
    for index in (0, 1, 2):
        doc, _ = broken.load(broken.annotation_path(f"synth-{index:06d}"))
        docs.append((doc, canonical_text(_seed_of(broken, index).read_bytes())))
    return docs


FIELDS = ("start", "end", "text", "id", "anchor", "speaker", "claimant", "quotation", "type", "value",
          "begin_point", "end_point", "source", "cue", "label")
VALUES = st.one_of(st.integers(-2, 12000), st.sampled_from(["e1", "e2", "d1", "d2", "q1", "c1", "dct", None, "P2D",
                                                            "2024-05", "XXXX-WXX-1", "DATE", "DURATION", "SET",
                                                            "TIME", "GPE", " Pakistan", "Pakistan", "x"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(which=st.integers(0, 2), layer=st.sampled_from(LAYERS), item=st.integers(0, 200), field=st.sampled_from(FIELDS),
       value=VALUES, shift=st.sampled_from([None, -1, 1]))
def test_layer_tests_agree_with_the_walk_on_synthetic_documents(valid_docs, which, layer, item, field, value, shift):
    doc, text = copy.deepcopy(valid_docs[which][0]), valid_docs[which][1]
    items = doc[layer]
    span = items[item % len(items)]
    if shift is not None and field in ("start", "end"):
        span[field] += shift
    elif field == "source" and layer == "quotations" and span["source"]:
        span["source"]["start"] += 1
    else:
        span[field] = value
    same_with_and_without_layer_tests(doc, text, f"{doc['id']}.json")


def test_validate_record_reports_what_validate_file_reports(broken):
    for index in (0, 3, 11, 13, 17, 47):
        path = broken.annotation_path(f"synth-{index:06d}")
        doc = orjson.loads(path.read_bytes())
        seed = broken.seed_path(doc["seed"]["file"]).read_bytes()
        from_files = [(p.pointer, p.code) for p in nv.validate_file(path, broken)]
        assert [(p.pointer, p.code) for p in nv.validate_record(path.name, path.read_bytes(), seed)] == from_files


# --- beyond one machine: a datasets map over parquet shards -----------------------------------

def _validate_batch(batch: dict[str, list]) -> dict[str, list]:
    """The map function of docs/scaling.md: one row per document in, its problems (as JSON) out."""
    problems = [nv.validate_record(name, annotation, seed)
                for name, annotation, seed in zip(batch["file"], batch["annotation"], batch["seed"], strict=True)]
    return {"problems": [json.dumps([p.to_dict() for p in found]) for found in problems]}


def test_validation_as_a_datasets_map_over_parquet_shards(broken, tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq
    from datasets import load_dataset

    rows: dict[str, list] = {"file": [], "annotation": [], "seed": []}
    skip = {"synth-000041.json", "synth-000043.json"}  # their seeds are unreadable: not representable as rows
    for path in broken.annotation_files():
        if path.name in skip:
            continue
        data = path.read_bytes()
        try:
            seed_name = orjson.loads(data)["seed"]["file"]
        except (orjson.JSONDecodeError, KeyError):
            seed_name = ""
        seed = broken.seed_path(seed_name)
        rows["file"].append(path.name)
        rows["annotation"].append(data.decode("utf-8"))
        rows["seed"].append(seed.read_text(encoding="utf-8") if seed_name and seed.is_file() else "")
    table = pa.table(rows)
    half = table.num_rows // 2
    shards = [tmp_path / "shard-00000.parquet", tmp_path / "shard-00001.parquet"]
    pq.write_table(table.slice(0, half), shards[0])
    pq.write_table(table.slice(half), shards[1])

    files = [str(s) for s in shards]
    mapped = load_dataset("parquet", data_files=files, split="train").map(_validate_batch, batched=True,
                                                                         batch_size=8, num_proc=2)
    streamed = load_dataset("parquet", data_files=files, split="train", streaming=True).map(_validate_batch,
                                                                                          batched=True, batch_size=8)
    expected: dict[str, list[tuple[str, str]]] = {name: [] for name in rows["file"]}
    for p in nv.validate(broken).problems:
        if Path(p.file).name not in skip:
            expected[Path(p.file).name].append((p.pointer, p.code))
    assert any(expected.values())
    for result in (mapped, streamed):
        found = {row["file"]: [(p["pointer"], p["code"]) for p in json.loads(row["problems"])] for row in result}
        assert found == expected
