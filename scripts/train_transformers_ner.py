"""Train a small transformers token classifier on the ``ner`` config, on CPU, without downloading anything.

    python scripts/train_transformers_ner.py --dataset dist/newsspan --out runs/tiny-bert [--max-steps 200]

The tokenizer (WordPiece) is trained on the corpus's own tokens and the model (a BERT of two tiny
layers) is built from a config: nothing comes from the Hub. Labels are aligned with
:func:`newsspan.train.align.align_word_labels`; ``Trainer`` reports seqeval's strict IOB2 scores
(:mod:`newsspan.train.metrics`). Predictions on the evaluation split (``validation``, else ``train``) are
decoded back to **document offsets** with :func:`newsspan.train.align.decode` and the row's token
offsets, written to ``predictions.jsonl`` and scored against the outermost gold entities of the
``documents`` config (exact spans: start, end and label) in ``scores.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from newsspan.iob import outermost
from newsspan.train.align import align_word_labels, decode, label_list
from newsspan.train.metrics import make_compute_metrics

SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]


def train_tokenizer(words: list[list[str]], vocab_size: int) -> Any:
    """A cased WordPiece tokenizer trained on the corpus tokens, as a transformers fast tokenizer."""
    from tokenizers import Tokenizer, models, normalizers, pre_tokenizers, processors, trainers
    from transformers import PreTrainedTokenizerFast

    tokenizer = Tokenizer(models.WordPiece(unk_token="[UNK]"))
    tokenizer.normalizer = normalizers.BertNormalizer(lowercase=False)
    tokenizer.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    tokenizer.train_from_iterator((" ".join(row) for row in words),
                                  trainers.WordPieceTrainer(vocab_size=vocab_size, special_tokens=SPECIAL))
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    tokenizer.post_processor = processors.TemplateProcessing(single="[CLS] $A [SEP]",
                                                             special_tokens=[("[CLS]", cls), ("[SEP]", sep)])
    return PreTrainedTokenizerFast(tokenizer_object=tokenizer, unk_token="[UNK]", pad_token="[PAD]",
                                   cls_token="[CLS]", sep_token="[SEP]", mask_token="[MASK]")


def tiny_model(tokenizer: Any, seed: int) -> Any:
    """A two-layer BERT token classifier built from a config (random weights, no download)."""
    import torch
    from transformers import BertConfig, BertForTokenClassification

    torch.manual_seed(seed)
    labels = label_list()
    config = BertConfig(vocab_size=len(tokenizer), hidden_size=64, num_hidden_layers=2, num_attention_heads=2,
                        intermediate_size=128, max_position_embeddings=512, num_labels=len(labels),
                        id2label=dict(enumerate(labels)), label2id={tag: i for i, tag in enumerate(labels)})
    return BertForTokenClassification(config)


def encode(tokenizer: Any, rows: Any, max_length: int) -> Any:
    """Subword encodings of ``ner`` rows with labels on each word's first subword."""
    def one(batch: dict[str, list[Any]]) -> dict[str, Any]:
        encoded = tokenizer(batch["tokens"], is_split_into_words=True, truncation=True, max_length=max_length)
        encoded["labels"] = [align_word_labels(encoded.word_ids(i), tags) for i, tags in enumerate(batch["ner_tags"])]
        return encoded

    return rows.map(one, batched=True, remove_columns=rows.column_names)


def predicted_spans(tokenizer: Any, rows: Any, predictions: Any, max_length: int) -> list[dict[str, Any]]:
    """Predicted entities of every row, in document offsets."""
    spans = []
    for row, logits in zip(rows, predictions, strict=True):
        encoded = tokenizer(row["tokens"], is_split_into_words=True, truncation=True, max_length=max_length,
                            return_offsets_mapping=True)
        ids = logits[: len(encoded["input_ids"])].argmax(-1).tolist()
        for start, end, label in decode(encoded["offset_mapping"], encoded.word_ids(), ids,
                                        token_starts=row["token_starts"], token_ends=row["token_ends"]):
            spans.append({"document_id": row["document_id"], "start": start, "end": end, "label": label})
    return spans


def gold_spans(documents: Any) -> set[tuple[str, int, int, str]]:
    """The outermost entities of the documents (what one IOB2 sequence can hold)."""
    names = documents.features["entities"].feature["label"].names
    return {(doc["id"], s, e, label) for doc in documents
            for s, e, label in outermost((x["start"], x["end"], names[x["label"]]) for x in doc["entities"])}


def span_scores(predicted: set[tuple[str, int, int, str]], gold: set[tuple[str, int, int, str]]) -> dict[str, float]:
    """Exact-match precision, recall and F1 over character-offset spans."""
    hits = len(predicted & gold)
    precision = hits / len(predicted) if predicted else 0.0
    recall = hits / len(gold) if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "predicted": len(predicted), "gold": len(gold)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dataset", type=Path, required=True, help="a folder built by `newsspan build`")
    parser.add_argument("--out", type=Path, required=True, help="where the model, predictions and scores go")
    parser.add_argument("--max-steps", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--vocab-size", type=int, default=2000)
    parser.add_argument("--max-length", type=int, default=256)
    args = parser.parse_args(argv)

    import datasets
    from transformers import DataCollatorForTokenClassification, Trainer, TrainingArguments

    ner = datasets.load_dataset(str(args.dataset), "ner")
    documents = datasets.load_dataset(str(args.dataset), "documents")
    evaluation = "validation" if "validation" in ner else "train"
    tokenizer = train_tokenizer(ner["train"]["tokens"], args.vocab_size)
    model = tiny_model(tokenizer, args.seed)
    training = TrainingArguments(output_dir=str(args.out), max_steps=args.max_steps, per_device_train_batch_size=8,
                                 learning_rate=1e-3, logging_steps=1, save_strategy="no", report_to=[],
                                 use_cpu=True, seed=args.seed, disable_tqdm=True)
    trainer = Trainer(model=model, args=training, train_dataset=encode(tokenizer, ner["train"], args.max_length),
                      eval_dataset=encode(tokenizer, ner[evaluation], args.max_length),
                      data_collator=DataCollatorForTokenClassification(tokenizer),
                      compute_metrics=make_compute_metrics())
    trainer.train()
    metrics = trainer.evaluate()
    output = trainer.predict(encode(tokenizer, ner[evaluation], args.max_length))
    spans = predicted_spans(tokenizer, ner[evaluation], output.predictions, args.max_length)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "predictions.jsonl").write_text("".join(json.dumps(s) + "\n" for s in spans), encoding="utf-8")
    predicted = {(s["document_id"], s["start"], s["end"], s["label"]) for s in spans}
    losses = [entry["loss"] for entry in trainer.state.log_history if "loss" in entry]
    scores = {"split": evaluation, "seqeval": {k.removeprefix("eval_"): v for k, v in metrics.items()},
              "document_offsets": span_scores(predicted, gold_spans(documents[evaluation])),
              "first_loss": losses[0] if losses else None, "last_loss": losses[-1] if losses else None,
              "max_steps": args.max_steps}
    (args.out / "scores.json").write_text(json.dumps(scores, indent=2) + "\n", encoding="utf-8")
    trainer.save_model(str(args.out / "model"))
    tokenizer.save_pretrained(str(args.out / "model"))
    print(json.dumps(scores))
    return 0


if __name__ == "__main__":
    sys.exit(main())
