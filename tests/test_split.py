"""``newsspan split`` (issue 14 item 3): document-level, hash-based splits that stay put when documents are added."""

from __future__ import annotations

import json
import shutil
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from newsspan.corpus import Corpus

from .conftest import invoke, load_synthetic_generator


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 generated documents (the first 40 are the 'old' corpus, the rest are added later)."""
    root = tmp_path_factory.mktemp("generated") / "corpus"
    load_synthetic_generator().generate(60, root)
    return root


def corpus_of(generated: Path, tmp_path: Path, count: int) -> Path:
    """A corpus root holding the first ``count`` generated documents."""
    root = tmp_path / f"corpus-{count}"
    (root / "annotations").mkdir(parents=True)
    shutil.copytree(generated / "seeds", root / "seeds")
    for path in sorted((generated / "annotations").glob("*.json"))[:count]:
        shutil.copyfile(path, root / "annotations" / path.name)
    return root


def split(root: Path, *extra: str) -> dict:
    result = invoke(["split", "--root", str(root), "--json", *extra])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def splits_of(root: Path) -> dict[str, str]:
    return {doc["id"]: doc["metadata"]["split"] for doc, _ in Corpus(root).iter_documents()}


def test_split_is_stable_when_documents_are_added(generated: Path, tmp_path: Path) -> None:
    old = corpus_of(generated, tmp_path, 40)
    report = split(old, "--seed", "7")
    before = splits_of(old)
    assert report["counts"] == dict(Counter(before.values())) | {k: 0 for k in ("train", "validation", "test")
                                                                if k not in before.values()}
    grown = corpus_of(generated, tmp_path, 60)
    split(grown, "--seed", "7")
    after = splits_of(grown)
    assert {doc_id: after[doc_id] for doc_id in before} == before
    assert split(grown, "--seed", "7")["changed"] == []  # idempotent: nothing left to change


def test_ratios_are_followed_and_the_seed_matters(generated: Path, tmp_path: Path) -> None:
    root = corpus_of(generated, tmp_path, 60)
    counts = split(root, "--ratios", "0.5,0.25,0.25")["counts"]
    assert sum(counts.values()) == 60 and 18 <= counts["train"] <= 42 and counts["validation"] and counts["test"]
    assert split(root, "--ratios", "1,0,0")["counts"] == {"train": 60, "validation": 0, "test": 0}
    first = splits_of(root)
    split(root, "--ratios", "0.5,0.25,0.25", "--seed", "1")
    split(root, "--ratios", "0.5,0.25,0.25", "--seed", "2")
    assert splits_of(root) != first


@pytest.mark.parametrize("by", ["publisher", "date"])
def test_by_keeps_a_group_in_one_split(generated: Path, tmp_path: Path, by: str) -> None:
    root = corpus_of(generated, tmp_path, 60)
    for n, path in enumerate(sorted((root / "annotations").glob("*.json"))):  # five outlets
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["metadata"]["publisher"] = f"Outlet {n % 5}"
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    split(root, "--by", by, "--ratios", "0.4,0.3,0.3")
    groups: dict[str, set[str]] = defaultdict(set)
    for doc, _ in Corpus(root).iter_documents():
        meta = doc["metadata"]
        day = meta["published"]["date"] or meta["published"]["earliest"] or ""
        groups[meta["publisher"] if by == "publisher" else day[:7]].add(meta["split"])
    assert len(groups) > 1 and all(len(found) == 1 for found in groups.values())


def test_dry_run_changes_no_file(generated: Path, tmp_path: Path) -> None:
    root = corpus_of(generated, tmp_path, 20)
    before = {p.name: p.read_bytes() for p in (root / "annotations").iterdir()}
    report = split(root, "--dry-run", "--seed", "3")
    assert report["dry_run"] and report["changed"]
    assert {p.name: p.read_bytes() for p in (root / "annotations").iterdir()} == before


@pytest.mark.parametrize("options", [["--ratios", "0.8,0.3,0.1"], ["--ratios", "1,0"], ["--ratios", "a,b,c"],
                                     ["--ratios", "nan,0.5,0.5"], ["--by", "topic"]])  # NaN passed every comparison
def test_bad_options_are_usage_errors(generated: Path, tmp_path: Path, options: list[str]) -> None:
    root = corpus_of(generated, tmp_path, 3)
    result = invoke(["split", "--root", str(root), *options])
    assert result.exit_code == 2 and "expected" in result.output and "Traceback" not in result.output
