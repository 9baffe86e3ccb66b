"""Corpus statistics: counted from the written tables, equal to counts taken straight from the annotations."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from newsspan.corpus import Corpus
from newsspan.iob import outermost
from newsspan.model import LABEL_FIELD, LAYERS

from .conftest import invoke
from .test_build import make_corpus


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp("stats-corpus"))


@pytest.fixture(scope="module")
def numbers(corpus: Corpus) -> dict[str, Any]:
    result = invoke(["stats", "--root", str(corpus.root), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def dist(corpus: Corpus, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("stats-dist") / "newsspan"
    result = invoke(["build", "--root", str(corpus.root), "--out", str(out), "--no-load",
                     "--shard-rows", "7"])
    assert result.exit_code == 0, result.output
    return out


def test_document_and_span_counts_match_the_annotations(corpus: Corpus, numbers: dict[str, Any]) -> None:
    docs = list(corpus.iter_documents())
    assert numbers["documents"] == len(docs)
    assert numbers["characters"] == sum(len(text) for _, text in docs)
    assert {s: v["documents"] for s, v in numbers["splits"].items()} == Counter(d["metadata"]["split"] for d, _ in docs)
    assert numbers["spans"] == {layer: sum(len(d[layer]) for d, _ in docs) for layer in LAYERS}
    for split, values in numbers["splits"].items():
        assert values["spans"] == {layer: sum(len(d[layer]) for d, _ in docs if d["metadata"]["split"] == split)
                                   for layer in LAYERS}
    assert numbers["annotation_status"] == {
        status: sum(d["annotation"]["status"] == status for d, _ in docs) for status in numbers["annotation_status"]}


def test_labels_cover_the_whole_inventory_and_count_right(corpus: Corpus, numbers: dict[str, Any]) -> None:
    docs = [d for d, _ in corpus.iter_documents()]
    for layer in LAYERS:
        counted = Counter(span[LABEL_FIELD[layer]] for d in docs for span in d[layer])
        assert {k: v for k, v in numbers["labels"][layer].items() if v} == counted
    assert numbers["labels"]["entities"]["LANGUAGE"] == 0  # declared, never used: still reported


def test_attribute_distributions(corpus: Corpus, numbers: dict[str, Any]) -> None:
    docs = [d for d, _ in corpus.iter_documents()]
    claims = [c for d in docs for c in d["claims"]]
    checkworthy = Counter({True: "true", False: "false", None: "undecided"}[c["checkworthy"]] for c in claims)
    assert numbers["attributes"]["claims"]["checkworthy"] == dict(checkworthy)
    claimants = Counter("author" if c["claimant"] is None else "entity" for c in claims)
    assert numbers["attributes"]["claims"]["claimant"] == dict(claimants)
    dates = [x for d in docs for x in d["dates"]]
    anchors = Counter("none" if x["anchor"] is None else "dct" if x["anchor"] == "dct" else "date" for x in dates)
    assert numbers["attributes"]["dates"]["anchor"] == dict(anchors)


def test_tokens_and_nested_entities(corpus: Corpus, numbers: dict[str, Any]) -> None:
    docs = list(corpus.iter_documents())
    total_tokens = sum(numbers["splits"][s]["tokens"] for s in numbers["splits"])
    assert numbers["tokens"] == total_tokens > len(docs)
    outer = sum(len(outermost([(e["start"], e["end"], e["label"]) for e in d["entities"]])) for d, _ in docs)
    assert numbers["ner"]["entities"] == outer
    assert numbers["ner"]["nested_entities_not_tagged"] == numbers["spans"]["entities"] - outer > 0


@pytest.mark.parametrize("option", ["--out", "--dist"])  # --dist: the old name, hidden
def test_stats_of_a_built_folder_are_the_same(dist: Path, numbers: dict[str, Any], option: str) -> None:
    result = invoke(["stats", option, str(dist), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == numbers


def test_the_card_reports_exactly_these_numbers(dist: Path, numbers: dict[str, Any]) -> None:
    card = (dist / "README.md").read_text(encoding="utf-8")
    total = " | ".join(f"{numbers[k]:,}" for k in ("documents", "sentences", "tokens"))
    spans = " | ".join(f"{numbers['spans'][layer]:,}" for layer in LAYERS)
    assert f"| **total** | {total} | {spans} |" in card
    for split, values in numbers["splits"].items():
        assert f"| {split} | {values['documents']:,} | {values['sentences']:,} | {values['tokens']:,} |" in card
    for label, n in numbers["labels"]["entities"].items():
        assert f"| `{label}` | {n:,} |" in card
    assert f"{numbers['ner']['nested_entities_not_tagged']:,} entities nested inside another" in card


def test_stats_prints_tables_for_people(corpus: Corpus) -> None:
    result = invoke(["stats", "--root", str(corpus.root)])
    assert result.exit_code == 0, result.output
    assert "corpus statistics" in result.output and "checkworthy" in result.output


def test_stats_refuses_invalid_input_and_missing_folders(corpus: Corpus, tmp_path: Path) -> None:
    missing = invoke(["stats", "--out", str(tmp_path / "nothing"), "--json"])
    assert missing.exit_code == 2 and json.loads(missing.stdout)["errors"][0]["message"].startswith("--out: ")
    (tmp_path / "annotations").mkdir()
    assert invoke(["stats", "--root", str(tmp_path)]).exit_code == 2
    broken = tmp_path / "annotations" / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    result = invoke(["stats", "--root", str(tmp_path), "--json"])
    assert result.exit_code == 1
    assert json.loads(result.stdout)["errors"][0]["code"] == "json-malformed"
    people = invoke(["stats", "--root", str(tmp_path)])
    assert people.exit_code == 1 and "refusing to count invalid annotations" in people.output, people.output
    split = invoke(["split", "--root", str(tmp_path)])
    assert split.exit_code == 1 and "refusing to split invalid annotations" in split.output, split.output
    assert broken.read_text(encoding="utf-8") == "{not json"  # split changed nothing
