"""Transformers helpers (issue 14 item 5): ``compute_metrics`` with seqeval strict IOB2, and
``scripts/train_transformers_ner.py`` training a tiny token classifier on CPU and decoding its
predictions back to document offsets. Real tokenizers, real torch, real Trainer; nothing downloaded."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from newsspan.train.align import IGNORE, label2id
from newsspan.train.metrics import make_compute_metrics

from .conftest import REPO, invoke, load_synthetic_generator

SCRIPT = REPO / "scripts" / "train_transformers_ner.py"


def script_module():
    spec = importlib.util.spec_from_file_location("train_transformers_ner", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_compute_metrics_is_strict_iob2_and_skips_ignored_positions() -> None:
    ids = label2id()
    gold = [[IGNORE, ids["B-GPE"], ids["I-GPE"], ids["O"], ids["B-PERSON"], IGNORE]]
    exact = np.array([[0, ids["B-GPE"], ids["I-GPE"], ids["O"], ids["B-PERSON"], ids["B-ORG"]]])
    assert make_compute_metrics()((exact, np.array(gold)))["f1"] == 1.0  # the IGNORE position does not count
    loose = np.array([[0, ids["I-GPE"], ids["I-GPE"], ids["O"], ids["B-PERSON"], 0]])  # no B-: strict drops GPE
    scores = make_compute_metrics()((loose, np.array(gold)))
    assert scores["precision"] == 1.0 and scores["recall"] == 0.5


@pytest.fixture(scope="module")
def dataset_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("tiny") / "corpus"
    load_synthetic_generator().generate(6, root)
    out = root.parent / "dist"
    result = invoke(["build", "--root", str(root), "--out", str(out), "--no-load"])
    assert result.exit_code == 0, result.output
    return out


@pytest.mark.slow
def test_gold_labels_through_the_script_decode_to_the_gold_document_spans(dataset_folder: Path) -> None:
    """The script's own path (tokenizer trained on the corpus, word labels aligned, decode with the row's token
    offsets) gives back exactly the outermost gold entities in document offsets when fed the gold labels."""
    import datasets

    script = script_module()
    ner = datasets.load_dataset(str(dataset_folder), "ner", split="validation")
    documents = datasets.load_dataset(str(dataset_folder), "documents", split="validation")
    tokenizer = script.train_tokenizer(ner["tokens"], 500)
    encoded = script.encode(tokenizer, ner, 512)
    width = len(label2id())
    oracle = [np.eye(width)[[label if label != IGNORE else 0 for label in row]] for row in encoded["labels"]]
    spans = script.predicted_spans(tokenizer, ner, oracle, 512)
    predicted = {(s["document_id"], s["start"], s["end"], s["label"]) for s in spans}
    assert predicted == script.gold_spans(documents) and predicted


@pytest.mark.slow
def test_training_script_runs_on_cpu_and_learns(dataset_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1",
           "HF_DATASETS_CACHE": str(tmp_path / "cache"), "CUDA_VISIBLE_DEVICES": ""}
    done = subprocess.run([sys.executable, str(SCRIPT), "--dataset", str(dataset_folder), "--out", str(out),
                           "--max-steps", "12", "--vocab-size", "500"], env=env, capture_output=True, text=True,
                          timeout=900, check=False)
    assert done.returncode == 0, done.stderr[-3000:]
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert scores["last_loss"] < scores["first_loss"]
    assert {"precision", "recall", "f1"} <= set(scores["seqeval"]) and scores["document_offsets"]["gold"] > 0
    assert (out / "model" / "config.json").is_file() and (out / "predictions.jsonl").is_file()
