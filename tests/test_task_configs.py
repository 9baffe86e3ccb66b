"""The task configs (issue 14 items 1 and 2): each loads with the real ``load_dataset`` (also streaming)
and its rows agree with the ``documents`` config; every span of every layer covers whole tokens."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import datasets
import huggingface_hub.constants
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings

from newsspan.dataset.features import SPAN_LABELS, TOKEN_SPAN_LAYERS, config_features
from newsspan.dataset.rows import TokenSpanColumns, claim_sentence_rows, span_boundaries
from newsspan.model import LABEL_FIELD, LAYERS, SUBSPANS
from newsspan.tokenize import segment

from .conftest import invoke, load_synthetic_generator
from .strategies import documents

TASKS = ("token_spans", "claim_sentences", "quotation_attribution", "dates")


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory, hf_home: Path) -> dict[str, Any]:
    """A generated corpus of 12 documents in three splits, built through the CLI and loaded back."""
    root = tmp_path_factory.mktemp("synthetic") / "corpus"
    load_synthetic_generator().generate(12, root)
    out = root.parent / "dist"
    result = invoke(["build", "--root", str(root), "--out", str(out), "--shard-rows", "40", "--json"])
    assert result.exit_code == 0, result.output
    loaded = {config: datasets.load_dataset(str(out), config, cache_dir=str(hf_home)) for config in config_features()}
    return {"out": out, "report": json.loads(result.stdout), "loaded": loaded}


@pytest.fixture(scope="module")
def hf_home(tmp_path_factory: pytest.TempPathFactory) -> Any:
    """datasets and huggingface_hub offline, with their caches in a temporary folder."""
    cache = tmp_path_factory.mktemp("hf")
    with pytest.MonkeyPatch.context() as mp:
        for name, value in {"HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "HF_HOME": str(cache)}.items():
            mp.setenv(name, value)
        mp.setattr(datasets.config, "HF_HUB_OFFLINE", True)
        mp.setattr(datasets.config, "HF_DATASETS_OFFLINE", True)
        mp.setattr(datasets.config, "HF_DATASETS_CACHE", cache)
        mp.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", True)
        yield cache


def named_documents(loaded: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """Every document row, labels as names."""
    docs = {}
    for ds in loaded["documents"].values():
        features = ds.features
        for row in ds:
            for layer in LAYERS:
                names = features[layer].feature[LABEL_FIELD[layer]]
                for span in row[layer]:
                    span[LABEL_FIELD[layer]] = names.int2str(span[LABEL_FIELD[layer]])
            docs[row["id"]] = row
    return docs


@pytest.mark.parametrize("config", TASKS)
def test_task_config_loads_with_declared_features_also_streaming(synthetic: dict[str, Any], config: str) -> None:
    loaded = synthetic["loaded"][config]
    assert loaded and all(ds.features == config_features()[config] for ds in loaded.values())
    streamed = datasets.load_dataset(str(synthetic["out"]), config, streaming=True)
    for split, ds in loaded.items():
        assert list(streamed[split]) == ds.to_list()
    assert {row["config"] for row in synthetic["report"]["loaded"]} >= {config}


def test_spans_label_is_one_class_label_agreeing_with_documents(synthetic: dict[str, Any]) -> None:
    docs = named_documents(synthetic["loaded"])
    for ds in synthetic["loaded"]["spans"].values():
        assert ds.features["label"].names == list(SPAN_LABELS)
        for row in ds:
            layer = LAYERS[row["layer"]]
            span = next(s for s in docs[row["document_id"]][layer] if s["id"] == row["id"])
            assert ds.features["label"].int2str(row["label"]) == span[LABEL_FIELD[layer]]


def test_token_spans_hold_every_entity_and_date_as_whole_tokens(synthetic: dict[str, Any]) -> None:
    docs = named_documents(synthetic["loaded"])
    found = set()
    for ds in synthetic["loaded"]["token_spans"].values():
        for row in ds:
            text = docs[row["document_id"]]["text"]
            for span in row["spans"]:
                start, end = row["token_starts"][span["start_token"]], row["token_ends"][span["end_token"] - 1]
                found.add((row["document_id"], LAYERS[span["layer"]], span["id"], start, end,
                           SPAN_LABELS[span["label"]], text[start:end]))
    expected = {(doc_id, layer, s["id"], s["start"], s["end"], s[LABEL_FIELD[layer]], s["text"])
                for doc_id, doc in docs.items() for layer in TOKEN_SPAN_LAYERS for s in doc[layer]}
    assert found == expected and any(layer == "dates" for _, layer, *_ in found)


def _document_tokens(loaded: dict[str, Any], config: str) -> dict[str, list[tuple[int, int]]]:
    tokens: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for ds in loaded[config].values():
        for row in ds:
            tokens[row["document_id"]] += list(zip(row["token_starts"], row["token_ends"], strict=True))
    return tokens


def test_every_span_of_every_layer_covers_whole_ner_tokens(synthetic: dict[str, Any]) -> None:
    docs = named_documents(synthetic["loaded"])
    ner = _document_tokens(synthetic["loaded"], "ner")
    assert ner == _document_tokens(synthetic["loaded"], "token_spans")
    for doc_id, doc in docs.items():
        starts, ends = {s for s, _ in ner[doc_id]}, {e for _, e in ner[doc_id]}
        for start, end in _all_spans(doc):
            assert start in starts and end in ends, (doc_id, start, end)


def _all_spans(doc: dict[str, Any]) -> list[tuple[int, int]]:
    spans = []
    for layer in LAYERS:
        for span in doc[layer]:
            spans.append((span["start"], span["end"]))
            spans += [(span[n]["start"], span[n]["end"]) for n in SUBSPANS.get(layer, ()) if span.get(n)]
    return spans


def test_claim_sentences_cover_every_claim_and_keep_the_negatives(synthetic: dict[str, Any]) -> None:
    docs = named_documents(synthetic["loaded"])
    claims_seen, negatives = set(), 0
    for ds in synthetic["loaded"]["claim_sentences"].values():
        types = ds.features["claim_type"]
        for row in ds:
            doc = docs[row["document_id"]]
            assert doc["text"][row["start"]:row["end"]] == row["text"]
            inside = [c for c in doc["claims"] if c["start"] < row["end"] and c["end"] > row["start"]]
            assert row["claim_ids"] == [c["id"] for c in sorted(inside, key=lambda c: (c["start"], c["end"]))]
            assert row["has_claim"] == bool(inside)
            assert types.int2str(row["claim_type"]) == ((inside and min(inside, key=lambda c: (c["start"], c["end"]))
                                                         ["type"]) or "none")
            negatives += not inside
            claims_seen |= {(row["document_id"], c) for c in row["claim_ids"]}
    assert claims_seen == {(d, c["id"]) for d, doc in docs.items() for c in doc["claims"]} and negatives


def test_quotation_attribution_rows_are_the_quotations_with_their_speaker(synthetic: dict[str, Any]) -> None:
    docs = named_documents(synthetic["loaded"])
    rows = {(r["document_id"], r["id"]): (r, ds.features)
            for ds in synthetic["loaded"]["quotation_attribution"].values() for r in ds}
    assert set(rows) == {(d, q["id"]) for d, doc in docs.items() for q in doc["quotations"]}
    for (doc_id, _), (row, features) in rows.items():
        quote = next(q for q in docs[doc_id]["quotations"] if q["id"] == row["id"])
        assert (row["text"], row["start"], row["end"], features["form"].int2str(row["form"])) == \
            (quote["text"], quote["start"], quote["end"], quote["form"])
        assert row["source"] == quote["source"] and row["cue"] == quote["cue"]
        speaker = next((e for e in docs[doc_id]["entities"] if e["id"] == quote["speaker"]), None)
        assert row["speaker_text"] == (speaker and speaker["text"])


def test_dates_rows_sit_in_their_sentence_with_the_anchor_resolved(synthetic: dict[str, Any]) -> None:
    docs = named_documents(synthetic["loaded"])
    count = 0
    for ds in synthetic["loaded"]["dates"].values():
        for row in ds:
            doc = docs[row["document_id"]]
            date = next(d for d in doc["dates"] if d["id"] == row["id"])
            assert (row["value"], ds.features["type"].int2str(row["type"])) == (date["value"], date["type"])
            assert row["sentence_start"] <= row["start"] < row["end"] <= row["sentence_end"]
            assert doc["text"][row["sentence_start"]:row["sentence_end"]] == row["sentence"]
            anchors = {d["id"]: d["value"] for d in doc["dates"]} | {"dct": doc["metadata"]["published"]["date"]}
            assert row["anchor_value"] == anchors.get(row["anchor"])
            count += 1
    assert count == sum(len(doc["dates"]) for doc in docs.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents())
def test_random_documents_cut_whole_tokens_for_every_layer(document: tuple[dict[str, Any], str]) -> None:
    """Property: every span of every layer starts at a token start and ends at a token end; token_spans
    give back every entity and date; claim sentences account for every claim."""
    doc, text = document
    seg = segment(text, span_boundaries(doc))
    starts, ends = set(seg.starts.tolist()), set(seg.ends.tolist())
    for start, end in _all_spans(doc):
        assert start in starts and end in ends
    columns = TokenSpanColumns()
    columns.add(doc, text, seg)
    offsets = np.array(columns.offsets)
    back = set()
    for row, spans in enumerate(columns.spans):
        first = offsets[row]
        for span in spans:
            back.add((int(seg.starts[first + span["start_token"]]), int(seg.ends[first + span["end_token"] - 1]),
                      span["id"]))
    assert back == {(s["start"], s["end"], s["id"]) for layer in TOKEN_SPAN_LAYERS for s in doc[layer]}
    covered = {c for row in claim_sentence_rows(doc, text, seg) for c in row["claim_ids"]}
    assert covered == {c["id"] for c in doc["claims"]}
