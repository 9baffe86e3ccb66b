"""Train a spaCy NER pipeline on the corpus's entities, on CPU, without downloading anything.

Steps (all files under the output folder, so the run can be repeated with spaCy alone):

1. ``corpus/train.spacy`` and ``corpus/dev.spacy``: the ``train`` and ``validation`` splits as DocBins
   (:mod:`newsspan.formats.spacy_docbin`; ``doc.ents`` = outermost entities). With no validation
   documents the training documents double as dev set, and the result says so (``dev_is_train``);
2. ``config.cfg``: written by spaCy's ``init config`` (blank English, ``ner`` pipeline, CPU, no vectors);
3. ``model-best/``, ``model-last/``: a real ``python -m spacy train`` run in a subprocess;
4. ``scores.json``: the best model evaluated on the dev set, overall and per label.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..files import atomic_write_text
from ..formats import spacy_docbin
from ..model import Document
from ..schema import entity_labels

#: Files and folders a run writes into its output folder (refused if present, unless overwrite).
ARTEFACTS = ("corpus/train.spacy", "corpus/dev.spacy", "config.cfg", "model-best", "model-last", "scores.json")

#: A row of spaCy's training log: epoch, step, losses and scores.
_LOG_ROW = re.compile(r"^\s*(\d+)\s+(\d+)\s+\d")


class TrainingError(RuntimeError):
    """Training could not run or failed; the message says why (spaCy's own error included)."""


@dataclass(frozen=True)
class LabelScore:
    """Precision, recall and F1 (0..1) of one entity label, and its number of gold entities."""

    label: str
    precision: float
    recall: float
    f1: float
    support: int


@dataclass
class TrainingResult:
    """What a run produced and how well the trained pipeline does on the dev set."""

    output_dir: Path
    model_dir: Path
    train_documents: int
    dev_documents: int
    dev_is_train: bool
    max_steps: int
    precision: float
    recall: float
    f1: float
    labels: list[LabelScore] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """Every field, paths as strings, for JSON output (``scores.json``, ``--json``)."""
        data = asdict(self)
        data["output_dir"], data["model_dir"] = str(self.output_dir), str(self.model_dir)
        return data


def train_ner(corpus: Corpus, out_dir: Path, *, paths: Iterable[Path] = (), max_steps: int = 500, seed: int = 0,
              overwrite: bool = False, on_step: Callable[[int], None] | None = None) -> TrainingResult:
    """Export, configure, train and evaluate; ``on_step(step)`` is called as spaCy logs progress."""
    out_dir = Path(out_dir)
    existing = [name for name in ARTEFACTS if (out_dir / name).exists()]
    if existing and not overwrite:
        raise TrainingError(f"{out_dir}: already holds {', '.join(existing)}; refusing to overwrite (use --force)")
    train_docs, dev_docs = split_documents(corpus.iter_documents(paths))
    if not train_docs:
        raise TrainingError(f"{corpus.annotations_dir}: expected documents of split 'train'; found none")
    dev_is_train = not dev_docs
    train_path, dev_path = export_docbins(out_dir / "corpus", train_docs, dev_docs or train_docs)
    config = write_config(out_dir / "config.cfg", max_steps=max_steps, seed=seed)
    run_spacy_train(config, out_dir, train_path, dev_path, on_step=on_step)
    model_dir = out_dir / "model-best" if (out_dir / "model-best").exists() else out_dir / "model-last"
    overall, labels = evaluate(model_dir, dev_path)
    result = TrainingResult(out_dir, model_dir, len(train_docs), len(dev_docs or train_docs), dev_is_train,
                            max_steps, *overall, labels=labels)
    atomic_write_text(out_dir / "scores.json", json.dumps(result.to_dict(), indent=2) + "\n", overwrite=True)
    return result


def split_documents(documents: Iterable[tuple[Document, str]]) -> tuple[list[tuple[Document, str]], ...]:
    """The documents of the ``train`` split and of the ``validation`` split (``test`` stays untouched)."""
    train: list[tuple[Document, str]] = []
    dev: list[tuple[Document, str]] = []
    for doc, text in documents:
        split = doc["metadata"]["split"]
        if split in ("train", "validation"):
            (train if split == "train" else dev).append((doc, text))
    return train, dev


def export_docbins(folder: Path, train: list[tuple[Document, str]],
                   dev: list[tuple[Document, str]]) -> tuple[Path, Path]:
    """``train.spacy`` and ``dev.spacy`` in ``folder`` (replaced if present)."""
    [train_path] = spacy_docbin.export(train, folder, name="train", overwrite=True)
    [dev_path] = spacy_docbin.export(dev, folder, name="dev", overwrite=True)
    return train_path, dev_path


def write_config(path: Path, *, max_steps: int, seed: int = 0) -> Path:
    """spaCy's ``init config`` for a blank English CPU ``ner`` pipeline, with the run's step budget."""
    from spacy.cli.init_config import init_config

    config = init_config(lang="en", pipeline=["ner"], optimize="efficiency", gpu=False, silent=True)
    config["system"]["seed"] = seed
    config["training"]["max_steps"] = max_steps
    config["training"]["eval_frequency"] = max(1, min(200, max_steps // 5))
    atomic_write_text(path, config.to_str(), overwrite=True)
    return path


def run_spacy_train(config: Path, out_dir: Path, train_path: Path, dev_path: Path, *,
                    on_step: Callable[[int], None] | None = None) -> None:
    """``python -m spacy train`` in a subprocess (CPU); raises TrainingError with spaCy's output on failure."""
    command = [sys.executable, "-m", "spacy", "train", str(config), "--output", str(out_dir),
               "--paths.train", str(train_path), "--paths.dev", str(dev_path), "--gpu-id", "-1"]
    log: list[str] = []
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                          encoding="utf-8", errors="replace") as process:
        assert process.stdout is not None
        for line in process.stdout:
            log.append(line)
            if on_step and (row := _LOG_ROW.match(line)):
                on_step(int(row.group(2)))
    if process.returncode != 0:
        tail = "".join(log[-20:]).strip()
        raise TrainingError(f"spacy train failed (exit {process.returncode}):\n{tail}")


def evaluate(model_dir: Path, data_path: Path) -> tuple[tuple[float, float, float], list[LabelScore]]:
    """Overall (precision, recall, F1) and per-label scores of a trained pipeline on a DocBin."""
    import spacy
    from spacy.training import Corpus as SpacyCorpus

    nlp = spacy.load(model_dir)
    examples = list(SpacyCorpus(str(data_path))(nlp))
    scores = nlp.evaluate(examples)
    support = Counter(ent.label_ for example in examples for ent in example.reference.ents)
    per_type = scores.get("ents_per_type") or {}
    labels = [
        LabelScore(label, per_type.get(label, {}).get("p", 0.0), per_type.get(label, {}).get("r", 0.0),
                   per_type.get(label, {}).get("f", 0.0), support[label])
        for label in entity_labels() if label in per_type or support[label]
    ]
    overall = (scores.get("ents_p") or 0.0, scores.get("ents_r") or 0.0, scores.get("ents_f") or 0.0)
    return overall, labels
