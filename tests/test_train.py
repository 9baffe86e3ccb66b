"""spaCy NER training: a real ``spacy train`` run on CPU, its config, splits and refusals."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest
import spacy

from newsspan.corpus import Corpus
from newsspan.schema import entity_labels
from newsspan.train.spacy_ner import TrainingError, split_documents, train_ner, write_config

from .conftest import SEED_ID, invoke, mutated, write_annotation


def _outermost(doc: dict) -> set[tuple[int, int, str]]:
    """Entities not contained in another entity (what spaCy's doc.ents can hold)."""
    spans = {(e["start"], e["end"], e["label"]) for e in doc["entities"]}
    return {(s, e, label) for s, e, label in spans
            if not any(a <= s and e <= b and (a, b) != (s, e) for a, b, _ in spans)}


def _with_split(corpus: Corpus, doc: dict, doc_id: str, split: str) -> None:
    copy = mutated(doc)
    copy["id"], copy["metadata"]["split"] = doc_id, split
    write_annotation(corpus, copy)


@pytest.mark.slow
def test_cli_trains_a_pipeline_that_finds_the_seed_entities(corpus_copy, seed_document, tmp_path):
    doc, text = seed_document
    out = tmp_path / "run"
    result = invoke(["train", "--root", str(corpus_copy.root), "--out", str(out),
                     "--max-steps", "100", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    gold = _outermost(doc)
    assert report["dev_is_train"] is True  # only a 'train' document: scored on itself, and said so
    assert {s["label"]: s["support"] for s in report["labels"]} == Counter(label for *_, label in gold)
    assert report["f1"] >= 0.8
    assert json.loads((out / "scores.json").read_text()) == {k: v for k, v in report.items() if k != "ok"}
    assert (out / "config.cfg").is_file() and (out / "corpus" / "train.spacy").is_file()

    nlp = spacy.load(report["model_dir"])
    assert nlp.pipe_names == ["tok2vec", "ner"]
    predicted = {(e.start_char, e.end_char, e.label_) for e in nlp(text).ents}
    assert predicted, "the trained pipeline predicts no entity on its own training text"
    assert {label for *_, label in predicted} <= set(entity_labels())
    assert len(predicted & gold) >= 0.8 * len(gold)


def test_config_is_a_blank_english_cpu_ner_pipeline_without_vectors(tmp_path):
    path = write_config(tmp_path / "config.cfg", max_steps=37, seed=5)
    config = spacy.util.load_config(path, interpolate=True)
    assert config["nlp"]["lang"] == "en"
    assert config["nlp"]["pipeline"] == ["tok2vec", "ner"]
    assert config["paths"]["vectors"] is None and config["initialize"]["vectors"] is None
    assert config["components"]["tok2vec"]["model"]["embed"]["include_static_vectors"] is False
    assert config["system"]["gpu_allocator"] is None
    assert (config["training"]["max_steps"], config["system"]["seed"]) == (37, 5)
    nlp = spacy.util.load_model_from_config(config, auto_fill=True)  # builds offline, nothing downloaded
    assert nlp.pipe_names == ["tok2vec", "ner"]


def test_splits_train_on_train_and_evaluate_on_validation(corpus_copy, seed_document):
    doc, _ = seed_document
    _with_split(corpus_copy, doc, "seed-validation", "validation")
    _with_split(corpus_copy, doc, "seed-test", "test")
    train, dev = split_documents(corpus_copy.iter_documents())
    assert [d["id"] for d, _ in train] == [SEED_ID]
    assert [d["id"] for d, _ in dev] == ["seed-validation"]  # test documents stay unseen


def test_refuses_to_overwrite_an_earlier_run(corpus_copy, tmp_path):
    (tmp_path / "model-best").mkdir()
    with pytest.raises(TrainingError, match=r"model-best.*--force"):
        train_ner(corpus_copy, tmp_path, max_steps=1)
    result = invoke(["train", "--root", str(corpus_copy.root), "--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "refusing to overwrite" in result.output


def test_no_training_documents_is_an_error(corpus_copy, seed_document, tmp_path):
    doc, _ = seed_document
    _with_split(corpus_copy, doc, SEED_ID, "test")
    with pytest.raises(TrainingError, match="split 'train'; found none"):
        train_ner(corpus_copy, tmp_path / "out", max_steps=1)
    assert not (tmp_path / "out").exists()


def test_invalid_corpus_is_reported_not_trained(corpus_copy, tmp_path):
    path = corpus_copy.annotation_path(SEED_ID)
    path.write_text(path.read_text(encoding="utf-8").replace('"label": "NORP"', '"label": "NATION"', 1))
    result = invoke(["train", "--root", str(corpus_copy.root), "--out", str(tmp_path / "o"), "--json"])
    assert result.exit_code == 1
    assert [e["code"] for e in json.loads(result.stdout)["errors"]] == ["schema-enum"]
    assert not (tmp_path / "o").exists()


def test_usage_errors_exit_2(tmp_path):
    result = invoke(["train", "--root", str(tmp_path), "--out", str(tmp_path / "o")])
    assert result.exit_code == 2
    assert invoke(["train", "--root", str(tmp_path), "--out", "o", "--max-steps", "0"]).exit_code == 2


def test_script_runs_the_train_command(tmp_path):
    script = Path(__file__).resolve().parents[1] / "scripts" / "train_spacy_ner.py"
    done = subprocess.run([sys.executable, str(script), "--root", str(tmp_path), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "no annotation files found" in done.stderr


def test_script_without_the_train_extra_names_it_in_one_line(corpus_copy, tmp_path):
    hidden = tmp_path / "no-spacy" / "spacy"  # spaCy as if the [train] extra were not installed
    hidden.mkdir(parents=True)
    (hidden / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'spacy'\", name='spacy')\n",
                                        encoding="utf-8")
    script = Path(__file__).resolve().parents[1] / "scripts" / "train_spacy_ner.py"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(hidden.parent), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, str(script), "--root", str(corpus_copy.root), "--out", str(tmp_path / "o")],
                          capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert "[train]" in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr


def test_out_that_is_a_file_is_an_error_not_a_traceback(corpus_copy, tmp_path):
    (tmp_path / "taken").write_text("mine", encoding="utf-8")
    result = invoke(["train", "--root", str(corpus_copy.root), "--out", str(tmp_path / "taken")])
    assert result.exit_code == 1
    assert "expected a writable folder" in result.output and "Traceback" not in result.output
    assert (tmp_path / "taken").read_text(encoding="utf-8") == "mine"
