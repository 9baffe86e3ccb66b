"""Scores as a Hugging Face Hub ``model-index`` (``newsspan evaluate --model-index FILE``).

The YAML goes into the front matter of a model card, where the Hub shows it as evaluation results. It
is built with ``huggingface_hub``'s :class:`~huggingface_hub.EvalResult` and
``eval_results_to_model_index``, so it has the shape the Hub validates. One result per scored layer
(``dataset.config`` names the layer, ``task.name`` says what it is); undefined scores are left out.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..files import atomic_write_text

#: Per layer: task name, and (metric type, metric name, path into the layer's scores).
METRICS: dict[str, tuple[str, tuple[tuple[str, str, tuple[str, ...]], ...]]] = {
    "entities": (
        "Named entity recognition",
        (
            ("precision", "strict precision (SemEval-2013)", ("strict", "p")),
            ("recall", "strict recall (SemEval-2013)", ("strict", "r")),
            ("f1", "strict F1 (SemEval-2013)", ("strict", "f1")),
            ("f1", "partial F1 (SemEval-2013)", ("partial", "f1")),
            ("f1", "relaxed F1 (overlap, any label)", ("relaxed", "f1")),
        ),
    ),
    "dates": (
        "Temporal expression recognition and normalisation (TIMEX3)",
        (
            ("f1", "strict span F1 (TempEval-3)", ("strict", "f1")),
            ("f1", "relaxed span F1 (TempEval-3)", ("relaxed", "f1")),
            ("accuracy", "type accuracy (TempEval-3)", ("type_accuracy",)),
            ("f1", "value F1 (TempEval-3)", ("value_f1",)),
        ),
    ),
    "quotations": (
        "Quotation extraction and attribution",
        (
            ("f1", "content strict F1", ("strict", "f1")),
            ("f1", "content relaxed F1", ("relaxed", "f1")),
            ("f1", "source F1", ("source", "f1")),
            ("f1", "cue F1", ("cue", "f1")),
            ("accuracy", "speaker accuracy", ("speaker_accuracy",)),
        ),
    ),
    "claims": (
        "Claim detection and check-worthiness",
        (
            ("f1", "span strict F1", ("strict", "f1")),
            ("f1", "span relaxed F1", ("relaxed", "f1")),
            ("f1", "check-worthiness F1, positive class (CheckThat!)", ("checkworthy_f1",)),
            ("f1", "claim type macro F1", ("type_macro_f1",)),
        ),
    ),
}


def _at(tree: dict[str, Any], path: tuple[str, ...]) -> Any:
    for key in path:
        tree = tree.get(key) if isinstance(tree, dict) else None
    return tree


def eval_results(
    layers: dict[str, Any], *, dataset_id: str = "newsspan", dataset_name: str = "newsspan", split: str | None = None
) -> list[Any]:
    """``huggingface_hub.EvalResult`` objects for the defined scores of every scored layer."""
    from huggingface_hub import EvalResult

    results = []
    for layer, scores in layers.items():
        task_name, metrics = METRICS[layer]
        for metric_type, metric_name, path in metrics:
            value = _at(scores, path)
            if value is None:
                continue
            results.append(
                EvalResult(
                    task_type="token-classification",
                    task_name=task_name,
                    dataset_type=dataset_id,
                    dataset_name=dataset_name,
                    dataset_config=layer,
                    dataset_split=split,
                    metric_type=metric_type,
                    metric_name=f"{layer} {metric_name}",
                    metric_value=round(float(value), 4),
                )
            )
    return results


def model_index_yaml(model_name: str, layers: dict[str, Any], **dataset: Any) -> str:
    """The ``model-index:`` YAML block for a model card's front matter."""
    import yaml
    from huggingface_hub.repocard_data import eval_results_to_model_index

    index = eval_results_to_model_index(model_name, eval_results(layers, **dataset))
    return yaml.safe_dump({"model-index": index}, sort_keys=False, allow_unicode=True)


def write_model_index(path: Path, model_name: str, layers: dict[str, Any], **dataset: Any) -> None:
    """Write the YAML atomically, replacing an earlier model-index file (derived output); any other file that is
    there (an annotation, a seed, a card) is not replaced: :class:`newsspan.files.FileExistsRefusal`."""
    atomic_write_text(path, model_index_yaml(model_name, layers, **dataset), overwrite=is_model_index(path))


def is_model_index(path: Path) -> bool:
    """Whether ``path`` is a regular file that starts as this module's YAML does (``model-index:``)."""
    prefix = b"model-index:"
    try:
        if not path.is_file():
            return False
        with path.open("rb") as file:
            return file.read(len(prefix)) == prefix
    except OSError:
        return False
