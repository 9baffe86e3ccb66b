"""The Hugging Face dataset folder, checked with the real ``datasets.load_dataset`` (offline).

One multi-document corpus (three splits, several shards per split) is built once per session
through the CLI; the tests load it back and compare what they get with the annotation files.
"""

from __future__ import annotations

import copy
import json
import math
import os
import re
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import datasets
import huggingface_hub.constants
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspan.corpus import Corpus
from newsspan.dataset.features import config_features
from newsspan.dataset.manifest import verify_manifest
from newsspan.dataset.parquet import PARQUET_OPTIONS, ShardedWriter, write_tables
from newsspan.dataset.publish import upload_plan
from newsspan.dataset.rows import SpanColumns, ner_rows
from newsspan.iob import iob2_labels, outermost, spans_from_iob2
from newsspan.model import LABEL_FIELD, LAYERS
from newsspan.schema import (
    annotation_statuses,
    claim_types,
    entity_labels,
    quotation_forms,
    schema_path,
    splits,
    timex_types,
)
from newsspan.tokenize import Token

from .conftest import REPO, SEED_ID, copy_corpus, invoke
from .strategies import documents

CONFIGS = ("documents", "ner", "spans", "token_spans", "claim_sentences", "quotation_attribution", "dates")
SHARD_ROWS = 5


# --- fixtures ------------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def hf_cache(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """datasets and huggingface_hub offline, with their caches in a temporary folder."""
    cache = tmp_path_factory.mktemp("hf")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(cache),
                            "HF_DATASETS_CACHE": str(cache / "datasets")}.items():
            mp.setenv(name, value)
        # both libraries read the environment at import time: patch what they already read
        mp.setattr(datasets.config, "HF_HUB_OFFLINE", True)
        mp.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
        mp.setattr(datasets.config, "HF_DATASETS_CACHE", cache / "datasets")
        mp.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
        yield cache / "datasets"


def make_corpus(root: Path) -> Corpus:
    """Three documents in three splits: the seed (train), a reduced copy (validation), a new draft (test).

    The draft has text but no spans, so its split has ``documents`` and ``ner`` rows but no ``spans`` rows.
    The root has the repository's annotation guidelines (``docs/guidelines.md``).
    """
    copy_corpus(root)
    seed = json.loads((root / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    copy_ = copy.deepcopy(seed)
    copy_.update(id=f"{SEED_ID}-v", quotations=[], claims=[], entities=seed["entities"][:12])
    copy_["metadata"]["split"] = "validation"
    (root / "annotations" / f"{copy_['id']}.json").write_text(json.dumps(copy_, ensure_ascii=False), encoding="utf-8")
    article = root / "second.txt"
    article.write_text("LONDON: A second article.\nIt has two lines and no annotations yet.\n", encoding="utf-8")
    result = invoke(["add", str(article), "--id", "second-article", "--split", "test", "--root", str(root)])
    assert result.exit_code == 0, result.output
    return Corpus(root)


@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Corpus:
    return make_corpus(tmp_path_factory.mktemp("corpus"))


@pytest.fixture(scope="session")
def built(corpus: Corpus, hf_cache: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """``newsspan build --json`` of the corpus (with its load_dataset summary); the folder is at ``out``."""
    out = tmp_path_factory.mktemp("work") / "dist" / "newsspan"
    result = invoke(["build", "--root", str(corpus.root), "--out", str(out),
                     "--shard-rows", str(SHARD_ROWS), "--json"])
    assert result.exit_code == 0, result.output
    return {"out": out, "report": json.loads(result.stdout)}


@pytest.fixture(scope="session")
def loaded(built: dict[str, Any], hf_cache: Path) -> dict[str, datasets.DatasetDict]:
    return {config: datasets.load_dataset(str(built["out"]), config, cache_dir=str(hf_cache)) for config in CONFIGS}


@pytest.fixture(scope="session")
def annotations(corpus: Corpus) -> list[tuple[dict[str, Any], str]]:
    return list(corpus.iter_documents())


# --- the folder ------------------------------------------------------------------------------------

METADATA_FILES = {"README.md", "croissant.json", "SHA256SUMS", "guidelines.md", "document.schema.json",
                  ".newsspan-build"}


def test_folder_holds_metadata_guidelines_schema_and_parquet_only(built: dict[str, Any]) -> None:
    out = built["out"]
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert files >= METADATA_FILES
    data = files - METADATA_FILES
    shard = re.compile(r"data/(" + "|".join(CONFIGS) + r")/[a-z]+-\d{5}-of-\d{5}\.parquet")
    assert data and all(shard.fullmatch(f) for f in data)
    assert not any(f.endswith(".py") for f in files)


def test_guidelines_and_schema_are_shipped_checksummed_and_uploaded(built: dict[str, Any], corpus: Corpus) -> None:
    out = built["out"]
    assert (out / "guidelines.md").read_bytes() == (corpus.root / "docs" / "guidelines.md").read_bytes()
    assert (out / "document.schema.json").read_bytes() == schema_path().read_bytes()
    listed = {line.split("  ", 1)[1] for line in (out / "SHA256SUMS").read_text(encoding="utf-8").splitlines()}
    assert {"guidelines.md", "document.schema.json", "README.md", "croissant.json"} <= listed
    assert verify_manifest(out) == []
    assert {"guidelines.md", "document.schema.json"} <= {f.path for f in upload_plan(out)}


def test_shards_follow_hub_naming_and_row_limit(built: dict[str, Any], loaded: dict[str, Any]) -> None:
    out = built["out"]
    for config in CONFIGS:
        for split, ds in loaded[config].items():
            names = sorted(p.name for p in (out / "data" / config).glob(f"{split}-*.parquet"))
            total = math.ceil(ds.num_rows / SHARD_ROWS)
            assert names == [f"{split}-{i:05d}-of-{total:05d}.parquet" for i in range(total)]
    assert len(list((out / "data" / "spans").glob("train-*.parquet"))) > 1


def test_splits_come_from_metadata_and_empty_ones_are_left_out(
    loaded: dict[str, Any], annotations: list[tuple[dict[str, Any], str]],
) -> None:
    by_split = Counter(doc["metadata"]["split"] for doc, _ in annotations)
    spans_by_split = Counter()
    for doc, _ in annotations:
        spans_by_split[doc["metadata"]["split"]] += sum(len(doc[layer]) for layer in LAYERS)
    assert {split: ds.num_rows for split, ds in loaded["documents"].items()} == dict(by_split)
    assert {split: ds.num_rows for split, ds in loaded["spans"].items()} == {
        split: n for split, n in spans_by_split.items() if n}
    assert "test" in loaded["documents"] and "test" not in loaded["spans"]
    assert set(loaded["ner"]) == set(by_split)


def test_build_prints_what_load_dataset_returned(built: dict[str, Any], loaded: dict[str, Any]) -> None:
    summary = {(row["config"], row["split"]): row for row in built["report"]["loaded"]}
    for config in CONFIGS:
        for split, ds in loaded[config].items():
            assert summary[config, split]["rows"] == ds.num_rows
    documents = loaded["documents"]["train"][0]
    assert summary["documents", "train"]["spans"] == {layer: len(documents[layer]) for layer in LAYERS}
    assert summary["spans", "train"]["spans"] == summary["documents", "train"]["spans"]


# --- load_dataset: features, rows, streaming --------------------------------------------------------

LABEL_NAMES = {"entities": entity_labels(), "dates": timex_types(), "quotations": quotation_forms(),
               "claims": claim_types()}


@pytest.mark.parametrize("config", CONFIGS)
def test_load_dataset_returns_declared_features(loaded: dict[str, Any], config: str) -> None:
    for ds in loaded[config].values():
        assert ds.features == config_features()[config]


def test_class_label_names_survive(loaded: dict[str, Any]) -> None:
    features = loaded["documents"]["train"].features
    for layer in LAYERS:
        label = features[layer].feature[LABEL_FIELD[layer]]
        assert isinstance(label, datasets.ClassLabel) and tuple(label.names) == LABEL_NAMES[layer]
    assert tuple(features["metadata"]["split"].names) == splits()
    assert tuple(features["annotation"]["status"].names) == annotation_statuses()
    tags = loaded["ner"]["train"].features["ner_tags"].feature
    assert isinstance(tags, datasets.ClassLabel) and tags.names == iob2_labels(entity_labels())
    assert tuple(loaded["spans"]["train"].features["layer"].names) == LAYERS


@pytest.mark.parametrize("config", CONFIGS)
def test_streaming_gives_the_same_rows(built: dict[str, Any], loaded: dict[str, Any], config: str) -> None:
    streamed = datasets.load_dataset(str(built["out"]), config, streaming=True)
    assert set(streamed) == set(loaded[config])
    for split, ds in loaded[config].items():
        assert list(streamed[split]) == ds.to_list()


def test_documents_rows_carry_every_field_of_the_annotations(
    loaded: dict[str, Any], annotations: list[tuple[dict[str, Any], str]],
) -> None:
    rows = {row["id"]: row for ds in loaded["documents"].values() for row in ds}
    assert set(rows) == {doc["id"] for doc, _ in annotations}
    features = loaded["documents"]["train"].features
    for doc, text in annotations:
        row = rows[doc["id"]]
        assert row["text"] == text
        assert row["seed"] == doc["seed"]
        assert features["metadata"]["split"].int2str(row["metadata"]["split"]) == doc["metadata"]["split"]
        assert row["metadata"]["url"] == doc["metadata"]["url"]
        assert row["annotation"]["annotators"] == doc["annotation"]["annotators"]
        for layer in LAYERS:
            label = features[layer].feature[LABEL_FIELD[layer]]
            got = [{k: v for k, v in item.items() if v is not None} for item in row[layer]]
            for item in got:
                item[LABEL_FIELD[layer]] = label.int2str(item[LABEL_FIELD[layer]])
            expected = [{k: v for k, v in item.items() if v is not None} for item in doc[layer]]
            assert got == expected


def test_every_span_of_every_layer_matches_the_text(loaded: dict[str, Any]) -> None:
    checked = 0
    for ds in loaded["documents"].values():
        for doc in ds:
            text = doc["text"]
            for layer in LAYERS:
                for span in doc[layer]:
                    assert text[span["start"]:span["end"]] == span["text"], (doc["id"], layer, span["id"])
                    checked += 1
                    for sub in ("source", "cue"):
                        if span.get(sub):
                            assert text[span[sub]["start"]:span[sub]["end"]] == span[sub]["text"]
            if doc["metadata"]["dateline"]:
                dateline = doc["metadata"]["dateline"]
                assert text[dateline["start"]:dateline["end"]] == dateline["text"]
    assert checked > 60


def test_spans_config_lists_every_span_with_its_label(loaded: dict[str, Any]) -> None:
    layer_names, labels = loaded["spans"]["train"].features["layer"], loaded["spans"]["train"].features["label"]
    spans = {(r["document_id"], layer_names.int2str(r["layer"]), r["id"], r["start"], r["end"], r["text"],
              labels.int2str(r["label"])) for ds in loaded["spans"].values() for r in ds}
    features = loaded["documents"]["train"].features
    expected = set()
    for ds in loaded["documents"].values():
        for doc in ds:
            for layer in LAYERS:
                label = features[layer].feature[LABEL_FIELD[layer]]
                expected |= {(doc["id"], layer, s["id"], s["start"], s["end"], s["text"],
                              label.int2str(s[LABEL_FIELD[layer]])) for s in doc[layer]}
    assert spans == expected


def test_ner_round_trips_to_the_outermost_entities(loaded: dict[str, Any]) -> None:
    names = loaded["ner"]["train"].features["ner_tags"].feature.names
    decoded: dict[str, list[tuple[int, int, str]]] = {}
    texts = {doc["id"]: doc["text"] for ds in loaded["documents"].values() for doc in ds}
    for ds in loaded["ner"].values():
        for row in ds:
            tokens = [Token(t, s, e) for t, s, e in zip(row["tokens"], row["token_starts"], row["token_ends"],
                                                        strict=True)]
            assert all(texts[row["document_id"]][t.start:t.end] == t.text for t in tokens)
            decoded.setdefault(row["document_id"], []).extend(
                spans_from_iob2(tokens, [names[tag] for tag in row["ner_tags"]]))
    features = loaded["documents"]["train"].features
    for ds in loaded["documents"].values():
        for doc in ds:
            entities = [(e["start"], e["end"], features["entities"].feature["label"].int2str(e["label"]))
                        for e in doc["entities"]]
            assert sorted(decoded.get(doc["id"], [])) == outermost(entities)


def test_ner_tokens_cover_every_non_space_character(loaded: dict[str, Any]) -> None:
    texts = {doc["id"]: doc["text"] for ds in loaded["documents"].values() for doc in ds}
    covered: dict[str, str] = {}
    for ds in loaded["ner"].values():
        for row in ds:
            covered[row["document_id"]] = covered.get(row["document_id"], "") + "".join(row["tokens"])
    assert covered == {doc_id: re.sub(r"\s", "", text) for doc_id, text in texts.items()}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_ner_rows_round_trip_for_random_documents(document: tuple[dict[str, Any], str]) -> None:
    doc, text = document
    entities = [(e["start"], e["end"], e["label"]) for e in doc["entities"]]
    names = iob2_labels(entity_labels())
    decoded = []
    for row in ner_rows(doc["id"], text, entities):
        tokens = [Token(t, s, e) for t, s, e in zip(row["tokens"], row["token_starts"], row["token_ends"], strict=True)]
        assert tokens and all(text[t.start:t.end] == t.text for t in tokens)
        decoded += spans_from_iob2(tokens, [names[tag] for tag in row["ner_tags"]])
    assert sorted(decoded) == outermost(entities)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.integers(1, 40), min_size=1, max_size=12))
def test_sharded_writer_output_does_not_depend_on_how_rows_arrive(
    seed_document: tuple[dict[str, Any], str], tmp_path_factory: pytest.TempPathFactory, chunks: list[int],
) -> None:
    """Rows arriving in tables of any sizes give the files of writing them row group by row group from dicts."""
    schema = config_features()["spans"].arrow_schema
    columns = SpanColumns()
    columns.add(seed_document[0])
    rows = columns.table(schema).to_pylist()
    folder = tmp_path_factory.mktemp("shards")
    writer = ShardedWriter(folder, "train", schema, shard_rows=25, row_group_rows=8)
    done = 0
    for size in chunks:
        writer.add(pa.Table.from_pylist(rows[done:done + size], schema=schema))
        done += size
    shards = writer.close()
    expected_bytes = 0
    for index, shard in enumerate(shards):  # the reference: every 25 rows a shard, every 8 a row group
        in_shard = rows[:done][index * 25:(index + 1) * 25]
        reference = folder / f"reference-{index}.parquet"
        with pq.ParquetWriter(reference, schema, **PARQUET_OPTIONS) as ref:
            for start in range(0, len(in_shard), 8):
                group = pa.Table.from_pylist(in_shard[start:start + 8], schema=schema)
                ref.write_table(group, row_group_size=group.num_rows)
                expected_bytes += group.nbytes
        assert shard.read_bytes() == reference.read_bytes()
    assert len(shards) == -(-min(done, len(rows)) // 25)
    assert (writer.rows, writer.num_bytes) == (min(done, len(rows)), expected_bytes)


# --- card, Croissant ----------------------------------------------------------------------------------

def test_card_yaml_parses_with_huggingface_hub(built: dict[str, Any]) -> None:
    card = huggingface_hub.DatasetCard.load(built["out"] / "README.md")
    data = card.data.to_dict()
    assert [c["config_name"] for c in data["configs"] if c.get("default")] == ["documents"]
    assert {c["config_name"] for c in data["configs"]} == set(CONFIGS)
    assert {i["config_name"] for i in data["dataset_info"]} == set(CONFIGS)
    assert data["license"] in ("other", "unknown")
    for key in ("language", "task_categories", "task_ids", "pretty_name", "size_categories",
                "annotations_creators", "source_datasets"):
        assert data.get(key), key
    spans = next(c for c in data["configs"] if c["config_name"] == "spans")
    assert [f["split"] for f in spans["data_files"]] == ["train", "validation"]


def test_card_states_licence_provenance_guidelines_and_citation(built: dict[str, Any]) -> None:
    text = (built["out"] / "README.md").read_text(encoding="utf-8")
    assert "redistribute them have not been established" in text
    assert "https://islamabadpost.com.pk/?p=214638" in text
    assert "second-article" in text and "000_6260d41548216105.txt" in text
    assert "[guidelines.md](guidelines.md)" in text and "1.1.0" in text
    assert "[document.schema.json](document.schema.json)" in text
    assert "outermost span wins" in text and "all `train`" in text
    assert re.search(r"```bibtex\n@misc\{newsspan\d{4},", text)
    assert '"id": "islamabadpost-214638-0"' in text  # a real ner row


def test_card_usage_snippets_run(built: dict[str, Any], hf_cache: Path, monkeypatch: pytest.MonkeyPatch,
                                 capsys: pytest.CaptureFixture[str]) -> None:
    text = (built["out"] / "README.md").read_text(encoding="utf-8")
    snippets = re.findall(r"```python\n(.*?)```", text, re.S)
    assert snippets
    monkeypatch.chdir(built["out"].parent.parent)  # the snippets load "dist/newsspan"
    for code in snippets:
        exec(compile(code, "README.md", "exec"), {})
    assert "ASTANA" in capsys.readouterr().out


def test_docs_usage_snippets_run(built: dict[str, Any], hf_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snippets = re.findall(r"```python\n(.*?)```", (REPO / "docs" / "dataset.md").read_text(encoding="utf-8"), re.S)
    assert snippets
    monkeypatch.chdir(built["out"].parent.parent)
    for code in snippets:
        exec(compile(code, "docs/dataset.md", "exec"), {})


def test_croissant_validates_and_its_records_match_the_parquet(built: dict[str, Any], loaded: dict[str, Any],
                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import mlcroissant as mlc

    monkeypatch.chdir(built["out"])
    dataset = mlc.Dataset(jsonld="croissant.json")  # raises ValidationError on any error
    assert dataset.metadata.ctx.issues.errors == set()
    for config in ("ner", "spans"):  # mlcroissant cannot yet read structs nested two deep (documents.metadata)
        records = list(dataset.records(config))
        assert len(records) == sum(ds.num_rows for ds in loaded[config].values())
        splits_seen = Counter(r[f"{config}/split"].decode() for r in records)
        assert splits_seen == {split: ds.num_rows for split, ds in loaded[config].items()}


# --- links: only the homepage given to the build, and files in the folder ---------------------------

URL = re.compile(r"https?://[^\s)>|`\"\\]+")


def test_without_homepage_the_folder_cites_no_address_of_its_own(built: dict[str, Any], corpus: Corpus) -> None:
    out = built["out"]
    for path in out.rglob("*"):
        if path.is_file():
            assert b"github.com/newsspan" not in path.read_bytes(), path
    card = (out / "README.md").read_text(encoding="utf-8")
    sources = "".join(p.read_text(encoding="utf-8") for p in corpus.annotation_files())
    assert [u for u in URL.findall(card) if u.rstrip(".,;:") not in sources] == []  # only the articles' own URLs
    assert "howpublished" not in card and "none published" in card
    contact = card.split("## Dataset Card Contact", 1)[1]
    assert "[Dataset Card Authors](#dataset-card-authors)" in contact and not URL.search(contact)
    croissant = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    assert "url" not in croissant and "url" not in croissant["creator"]
    assert "howpublished" not in croissant["citeAs"] and croissant["citeAs"].startswith("@misc{newsspan")


def test_homepage_is_cited_by_card_and_croissant(corpus: Corpus, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import mlcroissant as mlc

    out = tmp_path / "dist"
    homepage = "https://example.org/x"
    result = invoke(["build", "--root", str(corpus.root), "--out", str(out), "--no-load",
                     "--homepage", homepage])
    assert result.exit_code == 0, result.output
    card = (out / "README.md").read_text(encoding="utf-8")
    assert f"- **Repository:** {homepage}\n" in card
    assert f"howpublished = {{\\url{{{homepage}}}}}" in card
    assert homepage in card.split("## Dataset Card Contact", 1)[1]
    croissant = json.loads((out / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["url"] == homepage and croissant["creator"]["url"] == homepage
    assert homepage in croissant["citeAs"]
    monkeypatch.chdir(out)
    assert mlc.Dataset(jsonld="croissant.json").metadata.ctx.issues.errors == set()
    fresh = invoke(["build", "--root", str(corpus.root), "--out", str(out), "--check",
                    "--homepage", homepage])
    assert fresh.exit_code == 0, fresh.output
    without = invoke(["build", "--root", str(corpus.root), "--out", str(out), "--check", "--json"])
    assert without.exit_code == 1
    assert {d["path"] for d in json.loads(without.stdout)["differences"]} == {"README.md", "croissant.json",
                                                                             "SHA256SUMS"}


@pytest.mark.parametrize("homepage", ["example.org/x", "ftp://example.org/x", "https://", "https://exa mple.org"])
def test_a_homepage_that_is_not_an_http_url_is_a_usage_error(corpus: Corpus, tmp_path: Path, homepage: str) -> None:
    out = tmp_path / "dist"
    result = invoke(["build", "--root", str(corpus.root), "--out", str(out), "--homepage", homepage])
    assert result.exit_code == 2 and "--homepage" in result.output and repr(homepage) in result.output
    assert not out.exists()


def test_changed_guidelines_make_the_build_stale(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    out = tmp_path / "dist"
    build = ["build", "--root", str(corpus.root), "--out", str(out)]
    assert invoke([*build, "--no-load"]).exit_code == 0
    guidelines = corpus.root / "docs" / "guidelines.md"
    guidelines.write_text(guidelines.read_text(encoding="utf-8") + "\n- **§G9 New rule.** Constructed.\n",
                          encoding="utf-8")
    stale = invoke([*build, "--check", "--json"])
    assert stale.exit_code == 1
    assert {d["path"] for d in json.loads(stale.stdout)["differences"]} == {"guidelines.md", "SHA256SUMS"}

    guidelines.write_text(guidelines.read_text(encoding="utf-8").replace("**Version 1.1.0**", "**Version 1.2.0**"),
                          encoding="utf-8")
    assert invoke([*build, "--no-load"]).exit_code == 0
    assert (out / "guidelines.md").read_bytes() == guidelines.read_bytes()
    card = " ".join((out / "README.md").read_text(encoding="utf-8").split())
    assert "[guidelines.md](guidelines.md) in this folder states version 1.2.0; the documents declare version(s) " \
           "1.1.0" in card
    assert invoke([*build, "--check"]).exit_code == 0


def test_without_guidelines_the_card_says_they_were_not_shipped(tmp_path: Path, hf_cache: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    shutil.rmtree(corpus.root / "docs")
    out = tmp_path / "dist"
    result = invoke(["build", "--root", str(corpus.root), "--out", str(out), "--json"])
    assert result.exit_code == 0, result.output
    assert not (out / "guidelines.md").exists() and (out / "document.schema.json").is_file()
    assert "guidelines.md" not in (out / "SHA256SUMS").read_text(encoding="utf-8")
    card = " ".join((out / "README.md").read_text(encoding="utf-8").split())
    assert "not shipped with this build: the documents declare guidelines version(s) 1.1.0" in card
    assert "](guidelines.md)" not in card
    assert {row["config"] for row in json.loads(result.stdout)["loaded"]} == set(CONFIGS)


# --- determinism, --check, refusals -----------------------------------------------------------------

def folder_bytes(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_rebuild_is_byte_identical(corpus: Corpus, built: dict[str, Any], tmp_path: Path) -> None:
    again = tmp_path / "again"
    result = invoke(["build", "--root", str(corpus.root), "--out", str(again),
                     "--shard-rows", str(SHARD_ROWS), "--no-load", "--json"])
    assert result.exit_code == 0, result.output
    assert folder_bytes(again) == folder_bytes(built["out"])


def test_parallel_tokenising_writes_the_same_bytes(corpus: Corpus, tmp_path: Path) -> None:
    files = corpus.annotation_files()
    write_tables(corpus, files, tmp_path / "one", shard_rows=SHARD_ROWS, jobs=1)
    write_tables(corpus, files, tmp_path / "two", shard_rows=SHARD_ROWS, jobs=2)
    assert folder_bytes(tmp_path / "one") == folder_bytes(tmp_path / "two")


def test_check_passes_when_fresh_and_fails_when_stale(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    out = tmp_path / "dist"
    build = ["build", "--root", str(corpus.root), "--out", str(out), "--shard-rows", str(SHARD_ROWS)]
    assert invoke([*build, "--no-load"]).exit_code == 0
    fresh = invoke([*build, "--check", "--json"])
    assert fresh.exit_code == 0, fresh.output
    assert json.loads(fresh.stdout)["differences"] == []

    path = corpus.annotation_path(SEED_ID)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entities"][0]["note"] = "changed after the build"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    stale = invoke([*build, "--check", "--json"])
    assert stale.exit_code == 1
    changed = {d["path"] for d in json.loads(stale.stdout)["differences"]}
    assert "data/documents/train-00000-of-00001.parquet" in changed and "README.md" in changed
    assert "changed after the build" not in (out / "README.md").read_text(encoding="utf-8")  # --check writes nothing

    assert invoke([*build, "--no-load"]).exit_code == 0
    (out / "data" / "ner" / "test-00000-of-00001.parquet").unlink()
    missing = invoke([*build, "--check"])
    assert missing.exit_code == 1 and "test-00000-of-00001.parquet" in missing.output


def test_check_writes_nothing_not_even_the_validation_cache(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    result = invoke(["build", "--root", str(corpus.root), "--out", str(tmp_path / "dist"), "--check", "--json"])
    assert result.exit_code == 1 and json.loads(result.stdout)["ok"] is False  # nothing built yet: stale
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before


def test_check_fails_when_nothing_was_built(corpus: Corpus, tmp_path: Path) -> None:
    result = invoke(["build", "--root", str(corpus.root), "--out", str(tmp_path / "none"), "--check"])
    assert result.exit_code == 1


def test_refuses_to_build_from_invalid_annotations(tmp_path: Path) -> None:
    corpus = make_corpus(tmp_path / "corpus")
    path = corpus.annotation_path(SEED_ID)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entities"][1]["text"] = "Kazakstan"
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "dist"
    result = invoke(["build", "--root", str(corpus.root), "--out", str(out), "--json"])
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert [(e["pointer"], e["code"]) for e in errors] == [("/entities/1/text", "span-text-mismatch")]
    assert not out.exists()
    human = invoke(["build", "--root", str(corpus.root), "--out", str(out)])
    assert human.exit_code == 1 and "span-text-mismatch" in human.output and "refusing to build" in human.output


def test_never_replaces_a_folder_it_did_not_build(corpus: Corpus, tmp_path: Path) -> None:
    """Changed on purpose (issue 10): --force no longer replaces a folder newsspan did not build."""
    out = tmp_path / "precious"
    out.mkdir()
    (out / "notes.txt").write_text("keep me", encoding="utf-8")
    build = ["build", "--root", str(corpus.root), "--out", str(out), "--no-load"]
    for extra in ([], ["--force"]):
        refused = invoke([*build, *extra])
        assert refused.exit_code == 1 and ".newsspan-build" in " ".join(refused.output.split())
        assert (out / "notes.txt").read_text(encoding="utf-8") == "keep me"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no staging folder left behind


def test_no_annotations_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "annotations").mkdir()
    result = invoke(["build", "--root", str(tmp_path), "--out", str(tmp_path / "dist")])
    assert result.exit_code == 2


def test_build_works_on_the_repository_corpus(corpus_copy: Corpus, hf_cache: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist" / "newsspan"
    result = invoke(["build", "--root", str(corpus_copy.root), "--out", str(out)], env={**os.environ, "COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "load_dataset" in result.output and "documents" in result.output and "ner" in result.output
