"""Load a built dataset folder back with the real ``datasets.load_dataset`` and count what came back."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..iob import is_begin
from ..model import LAYERS
from .features import CONFIGS, TOKEN_SPAN_LAYERS


def load_summary(out: Path, cache_dir: Path | None = None) -> list[dict[str, Any]]:
    """Load every config with ``datasets.load_dataset`` and count rows and spans per layer per split.

    Loads into a temporary cache unless ``cache_dir`` is given, so checking a build leaves no cache behind.
    """
    import datasets
    from datasets.utils import logging as datasets_logging

    rows: list[dict[str, Any]] = []
    bars = datasets_logging.is_progress_bar_enabled()
    datasets_logging.disable_progress_bar()
    with tempfile.TemporaryDirectory(prefix="newsspan-load-") as tmp:
        for config in CONFIGS:
            if not (out / "data" / config).is_dir():
                continue
            loaded = datasets.load_dataset(str(out), config, cache_dir=str(cache_dir or tmp))
            for split, ds in loaded.items():
                rows.append({"config": config, "split": split, "rows": ds.num_rows,
                             "spans": loaded_spans(config, ds)})
            del loaded
    if bars:
        datasets_logging.enable_progress_bar()
    return rows


def loaded_spans(config: str, ds: Any) -> dict[str, int]:
    """Spans per layer in a loaded split: list lengths (documents), layer counts (spans, token_spans), B- tags
    (ner), rows (quotation_attribution, dates), sentences with a claim (claim_sentences)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    table = ds.data.table
    if config == "documents":
        return {layer: pc.sum(pc.list_value_length(table.column(layer))).as_py() or 0 for layer in LAYERS}
    if config in ("spans", "token_spans"):
        layers = table.column("layer") if config == "spans" else \
            pc.struct_field(pc.list_flatten(table.column("spans")), "layer")
        counts = {LAYERS[item["values"]]: item["counts"] for item in pc.value_counts(layers).to_pylist()}
        return {layer: counts.get(layer, 0) for layer in (LAYERS if config == "spans" else TOKEN_SPAN_LAYERS)}
    if config in ("quotation_attribution", "dates"):
        return {"quotations" if config == "quotation_attribution" else "dates": table.num_rows}
    if config == "claim_sentences":
        return {"claims": pc.sum(table.column("has_claim")).as_py() or 0}
    tags = ds.features["ner_tags"].feature.names
    begins = pa.array([i for i, tag in enumerate(tags) if is_begin(tag)], pa.int64())
    flat = pc.list_flatten(table.column("ner_tags"))
    return {"entities": pc.sum(pc.is_in(flat, value_set=begins)).as_py() or 0}
