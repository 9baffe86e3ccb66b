"""The dataset's configs and their declared :class:`datasets.Features`, label lists and file names.

A leaf of the package: every other module reads the columns from here. The declared features are the
single description of each config: the Arrow schema of the parquet files, the card's ``dataset_info``
and the Croissant record sets derive from them.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from datasets import ClassLabel, Features, List, Value

from ..iob import ner_tags
from ..model import LAYERS, SUBSPANS
from ..schema import annotation_statuses, layer_labels, splits

CONFIGS: tuple[str, ...] = (
    "documents", "ner", "spans", "token_spans", "claim_sentences", "quotation_attribution", "dates",
)
DEFAULT_CONFIG = "documents"
DESCRIPTIONS: dict[str, str] = {
    "documents": "one row per document: text, metadata and the four annotation layers with every field",
    "ner": "one row per sentence: tokens, IOB2 tags of the outermost entities, token character offsets",
    "spans": "one row per annotated span of any layer, with its label and attributes (flat, for pandas)",
    "token_spans": "one row per sentence: tokens and every entity and date as a token span (nested ones included)",
    "claim_sentences": "one row per sentence: does it hold a claim, is it check-worthy, which claim type",
    "quotation_attribution": "one row per quotation: content, form, source and cue spans, speaker entity",
    "dates": "one row per temporal expression: its sentence, TIMEX3 type and value, anchor resolved",
}
#: Layers whose spans the ``token_spans`` config holds (mention layers; quotations and claims are clauses).
TOKEN_SPAN_LAYERS: tuple[str, ...] = ("entities", "dates")
#: The class of a ``claim_sentences`` row without a claim.
NO_CLAIM = "none"

#: Files of a dataset folder besides ``data/``.
CARD_NAME = "README.md"
CROISSANT_NAME = "croissant.json"
MANIFEST = "SHA256SUMS"
#: The annotation guidelines and the data contract, copied into the dataset folder under these names.
GUIDELINES_NAME = "guidelines.md"
SCHEMA_NAME = "document.schema.json"
#: The file that marks a folder as written by ``newsspan build`` (only such folders are ever replaced).
MARKER = ".newsspan-build"

#: The closed label set of each layer's label field (ClassLabel names), from the schema.
LABELS: dict[str, tuple[str, ...]] = layer_labels()
#: One name list over every layer's labels (the ``label`` of the ``spans`` and ``token_spans`` configs).
SPAN_LABELS: tuple[str, ...] = tuple(label for layer in LAYERS for label in LABELS[layer])
if len(set(SPAN_LABELS)) != len(SPAN_LABELS):  # pragma: no cover - a schema change would have to cause it
    raise ValueError(f"span labels: expected names unique across layers; found {SPAN_LABELS}")
STRING = Value("string")
INT32 = Value("int32")


@cache
def label_index(names: tuple[str, ...]) -> dict[str, int]:
    """Name -> ClassLabel value (its index in ``names``)."""
    return {name: i for i, name in enumerate(names)}


def _subspan() -> dict[str, Value]:
    return {"start": INT32, "end": INT32, "text": STRING}


def _evidence() -> List:
    return List({"fact": STRING, "source": STRING})


def _provenance() -> dict[str, Value]:
    """Who or what made a span (guidelines §G7): kind, name, version and who accepted a machine span."""
    return {name: STRING for name in ("kind", "name", "version", "accepted_by", "accepted_on")}


def _span(**attributes: Any) -> List:
    return List({"id": STRING, "start": INT32, "end": INT32, "text": STRING, **attributes,
                 "provenance": _provenance(), "confidence": Value("float64")})


def document_features() -> Features:
    """Columns of the ``documents`` config: every field of the data contract, plus the text."""
    return Features({
        "id": STRING,
        "text": STRING,
        "schema_version": STRING,
        "seed": {"file": STRING, "text_sha256": STRING},
        "metadata": {
            "title": STRING, "publisher": STRING, "url": STRING,
            "published": {"date": STRING, "earliest": STRING, "latest": STRING, "evidence": _evidence()},
            "language": STRING, "license": STRING, "dateline": _subspan(),
            "split": ClassLabel(names=list(splits())), "sources": _evidence(),
        },
        "annotation": {
            "guidelines_version": STRING, "status": ClassLabel(names=list(annotation_statuses())),
            "annotators": List(STRING), "reviewers": List(STRING),
            "created": STRING, "modified": STRING, "notes": STRING,
        },
        "entities": _span(label=ClassLabel(names=list(LABELS["entities"])), kb_id=STRING, note=STRING),
        "dates": _span(type=ClassLabel(names=list(LABELS["dates"])), value=STRING, anchor=STRING, mod=STRING,
                       begin_point=STRING, end_point=STRING, note=STRING),
        "quotations": _span(form=ClassLabel(names=list(LABELS["quotations"])), source=_subspan(), cue=_subspan(),
                            speaker=STRING, note=STRING),
        "claims": _span(checkworthy=Value("bool"), type=ClassLabel(names=list(LABELS["claims"])), claimant=STRING,
                        quotation=STRING, note=STRING),
    })


def ner_features() -> Features:
    """Columns of the ``ner`` config: one sentence per row, conll2003-style, with token offsets."""
    return Features({
        "id": STRING,
        "document_id": STRING,
        "tokens": List(STRING),
        "ner_tags": List(ClassLabel(names=list(ner_tags()))),
        "token_starts": List(INT32),
        "token_ends": List(INT32),
    })


#: Layer attributes of the ``spans`` config that are copied from the span as they are.
SPAN_ATTRIBUTES: tuple[str, ...] = (
    "kb_id", "value", "anchor", "mod", "begin_point", "end_point", "speaker", "checkworthy", "claimant", "quotation",
)
#: Sub-span columns of the ``spans`` config: (sub-span field, part, column).
SUBSPAN_COLUMNS: tuple[tuple[str, str, str], ...] = tuple(
    (name, part, f"{name}_{part}")
    for names in SUBSPANS.values() for name in names for part in ("start", "end", "text"))


def span_features() -> Features:
    """Columns of the ``spans`` config: one row per span of any layer, attributes flattened."""
    attributes = {name: Value("bool") if name == "checkworthy" else STRING for name in SPAN_ATTRIBUTES}
    subspans = {column: INT32 if part != "text" else STRING for _, part, column in SUBSPAN_COLUMNS}
    return Features({
        "document_id": STRING, "layer": ClassLabel(names=list(LAYERS)), "id": STRING,
        "start": INT32, "end": INT32, "text": STRING, "label": ClassLabel(names=list(SPAN_LABELS)),
        **attributes, **subspans, "note": STRING, "provenance": _provenance(), "confidence": Value("float64"),
    })


def token_span_features() -> Features:
    """Columns of the ``token_spans`` config: tokens of a sentence and its spans as token ranges (end exclusive)."""
    return Features({
        "id": STRING,
        "document_id": STRING,
        "tokens": List(STRING),
        "token_starts": List(INT32),
        "token_ends": List(INT32),
        "spans": List({"start_token": INT32, "end_token": INT32, "label": ClassLabel(names=list(SPAN_LABELS)),
                       "layer": ClassLabel(names=list(LAYERS)), "id": STRING}),
    })


def claim_sentence_features() -> Features:
    """Columns of the ``claim_sentences`` config: one sentence per row, claims and their absence."""
    return Features({
        "id": STRING, "document_id": STRING, "text": STRING, "start": INT32, "end": INT32,
        "has_claim": Value("bool"), "checkworthy": Value("bool"),
        "claim_type": ClassLabel(names=[NO_CLAIM, *LABELS["claims"]]), "claim_ids": List(STRING),
    })


def quotation_features() -> Features:
    """Columns of the ``quotation_attribution`` config: a quotation with its source, cue and speaker."""
    return Features({
        "id": STRING, "document_id": STRING, "text": STRING, "start": INT32, "end": INT32,
        "form": ClassLabel(names=list(LABELS["quotations"])),
        "source": _subspan(), "cue": _subspan(),
        "speaker_id": STRING, "speaker_text": STRING, "speaker_label": ClassLabel(names=list(LABELS["entities"])),
    })


def date_features() -> Features:
    """Columns of the ``dates`` config: a TIMEX3 expression in its sentence, with its anchor resolved."""
    return Features({
        "id": STRING, "document_id": STRING, "text": STRING, "start": INT32, "end": INT32,
        "type": ClassLabel(names=list(LABELS["dates"])), "value": STRING, "mod": STRING,
        "anchor": STRING, "anchor_value": STRING,
        "sentence": STRING, "sentence_start": INT32, "sentence_end": INT32,
    })


def config_features() -> dict[str, Features]:
    """The declared features of every config."""
    return {"documents": document_features(), "ner": ner_features(), "spans": span_features(),
            "token_spans": token_span_features(), "claim_sentences": claim_sentence_features(),
            "quotation_attribution": quotation_features(), "dates": date_features()}
