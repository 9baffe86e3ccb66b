"""The dataset card (``README.md``): huggingface_hub's ``DatasetCardData`` and a Jinja template.

The YAML front matter is a :class:`huggingface_hub.DatasetCardData` declaring the configs and their
features (so ``load_dataset`` needs no code and label names survive as ``ClassLabel``); the prose is
``templates/dataset_card.md.jinja``, rendered in an environment that escapes every printed value as
Markdown text (:mod:`.markdown`), so metadata and provenance strings never become structure. The
card reports the statistics of :mod:`.stats`, the facts of :mod:`.facts` and real rows of the
written files; it links only to files in the folder and to the homepage given to the build.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

import jinja2
import pyarrow.parquet as pq
from datasets import ClassLabel, DatasetInfo, Features, List, SplitDict, SplitInfo, Value
from huggingface_hub import DatasetCard, DatasetCardData

from ..files import atomic_write_text
from ..model import LAYERS
from ..schema import item_schema, load_schema, resolve
from .agreement import AgreementFigures
from .facts import PRETTY_NAME, CorpusFacts, Links, bibtex, newsspan_version
from .features import (
    CARD_NAME,
    DEFAULT_CONFIG,
    DESCRIPTIONS,
    GUIDELINES_NAME,
    LABELS,
    SCHEMA_NAME,
    SPAN_LABELS,
    config_features,
)
from .markdown import EMPTY, Markdown, code, escape_output, fenced, json_block, table
from .parquet import Tables

#: Documents whose evidence facts are listed in full.
EVIDENCE_DOCUMENTS = 10
TEMPLATE = "dataset_card.md.jinja"
#: The front matter's key order (the Hub shows them in this order).
FRONT_MATTER_ORDER = ["pretty_name", "language", "license", "annotations_creators", "language_creators",
                      "multilinguality", "size_categories", "source_datasets", "task_categories", "task_ids", "tags",
                      "configs", "dataset_info"]


# --- YAML front matter ---------------------------------------------------------------------------

def size_category(n: int) -> str:
    """The Hub's size category of a dataset with ``n`` rows (documents)."""
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M"


def dataset_info(tables: Tables) -> list[dict[str, Any]]:
    """``dataset_info`` of every config: declared features and split sizes (checked by ``load_dataset``)."""
    infos = []
    for config, features in config_features().items():
        split_dict = SplitDict()
        for split, files in tables.configs[config].items():
            split_dict.add(SplitInfo(name=split, num_bytes=files.num_bytes, num_examples=files.rows))
        info = DatasetInfo(features=features, splits=split_dict,
                           dataset_size=sum(f.num_bytes for f in tables.configs[config].values()))
        infos.append({"config_name": config, **info._to_yaml_dict()})
    return infos


def card_data(tables: Tables, facts: CorpusFacts) -> DatasetCardData:
    """The card's YAML front matter."""
    configs = []
    for config in tables.configs:
        entry: dict[str, Any] = {"config_name": config}
        if config == DEFAULT_CONFIG:
            entry["default"] = True
        entry["data_files"] = [{"split": split, "path": f"data/{config}/{split}-*.parquet"}
                               for split in tables.configs[config]]
        configs.append(entry)
    data = DatasetCardData(
        pretty_name=PRETTY_NAME,
        language=sorted(facts.languages),
        license=facts.license_id,
        annotations_creators=["expert-generated"],
        language_creators=["found"],
        multilinguality=["monolingual" if len(facts.languages) == 1 else "multilingual"],
        size_categories=[size_category(tables.documents)],
        source_datasets=["original"],
        task_categories=["token-classification", "text-classification"],
        task_ids=["named-entity-recognition", "fact-checking"],
        tags=["news", "span-annotation", "timex3", "quotation-attribution", "claim-detection", "check-worthiness"],
        configs=configs,
        dataset_info=dataset_info(tables),
    )
    data.to_yaml(original_order=FRONT_MATTER_ORDER)  # puts the keys in this order (to_yaml reorders in place)
    return data


# --- view model: what the template prints ------------------------------------------------------------

def _dtype(feature: Any) -> str:
    if isinstance(feature, ClassLabel):
        return f"ClassLabel ({len(feature.names)} names)"
    if isinstance(feature, Value):
        return feature.dtype
    if isinstance(feature, List):
        return f"list of {_dtype(feature.feature)}"
    return "struct"


def _schema_description(node: dict[str, Any]) -> str:
    """A field's description in the data contract (plain text: printed escaped)."""
    return resolve(node).get("description", "")


def _layer_table(layer: str, features: Features) -> dict[str, Any]:
    item, definition = load_schema()["properties"][layer], item_schema(layer)
    rows = [[code(name), _dtype(feature), _schema_description(definition["properties"].get(name, {}))]
            for name, feature in features[layer].feature.items()]
    return {"name": layer, "description": item["description"],
            "table": table(["field", "type", "meaning"], rows)}


def _structure(tables: Tables) -> dict[str, Any]:
    features = config_features()
    rows = [[Markdown(code(c) + (" (default)" if c == DEFAULT_CONFIG else "")), DESCRIPTIONS[c],
             ", ".join(f"{s}: {f.rows:,}" for s, f in tables.configs[c].items())] for c in tables.configs]
    doc_rows = [[code(name), _dtype(feature),
                 "The document's canonical text (the seed file after the canonical-text rule)." if name == "text"
                 else _schema_description(load_schema()["properties"][name])]
                for name, feature in features["documents"].items() if name not in LAYERS]
    md = Markdown
    return {
        "config_table": table(["config", "rows", "rows per split"], rows),
        "document_table": table(["field", "type", "meaning"], doc_rows),
        "layer_tables": [_layer_table(layer, features["documents"]) for layer in LAYERS],
        "ner_table": table(["field", "type", "meaning"], [
            [md("`id`"), "string", md("`<document id>-<sentence number>` (numbered from 0)")],
            [md("`document_id`"), "string", "the document the sentence comes from"],
            [md("`tokens`"), "list of string",
             "tokens (spaCy's rule-based English tokenizer, cut at every span boundary of every layer)"],
            [md("`ner_tags`"), "list of ClassLabel",
             md("IOB2 tags over the entity labels (`O`, `B-PERSON`, `I-PERSON`, ...)")],
            [md("`token_starts`, `token_ends`"), "list of int32",
             "each token's code-point offsets into the document text"],
        ]),
        "spans_table": table(["field", "type", "meaning"], [
            [md("`document_id`, `id`"), "string", md("the document and the span's id (`e3`, `d1`, `q2`, `c5`)")],
            [md("`layer`"), "ClassLabel", "entities, dates, quotations or claims"],
            [md("`start`, `end`, `text`"), "int32, int32, string", "code-point offsets and the covered text"],
            [md("`label`"), "ClassLabel", "entity label, TIMEX3 type, quotation form or claim type (one list)"],
            [md("`kb_id`"), "string", "entities: Wikidata QID, only where verified"],
            [md("`value`, `anchor`, `mod`, `begin_point`, `end_point`"), "string", "dates: the TIMEX3 attributes"],
            [md("`speaker`, `source_*`, `cue_*`"), "string / int32",
             "quotations: speaker entity, source and cue spans"],
            [md("`checkworthy`, `claimant`, `quotation`"), "bool, string, string",
             "claims: decision, claimant, quotation"],
            [md("`note`"), "string", "the annotator's remark on a hard case"],
        ]),
        "span_labels": Markdown(", ".join(f"{i}={code(name)}" for i, name in enumerate(SPAN_LABELS))),
        "token_spans_table": table(["field", "type", "meaning"], [
            [md("`id`, `document_id`"), "string", "as in `ner`"],
            [md("`tokens`, `token_starts`, `token_ends`"), "lists", "the sentence's tokens and their offsets"],
            [md("`spans`"), "list of struct", md("`start_token`, `end_token` (exclusive), `label` (ClassLabel, "
                                                 "as in `spans`), `layer` (ClassLabel), `id`: nested ones included")],
        ]),
        "claim_sentences_table": table(["field", "type", "meaning"], [
            [md("`id`, `document_id`"), "string", md("`<document id>-<sentence number>` and the document")],
            [md("`text`, `start`, `end`"), "string, int32, int32", "the sentence and its code-point offsets"],
            [md("`has_claim`"), "bool", "a claim overlaps the sentence"],
            [md("`checkworthy`"), "bool",
             "a claim of the sentence is check-worthy (null: undecided; false when no claim)"],
            [md("`claim_type`"), "ClassLabel", md("the type of the sentence's first claim; `none` without a claim")],
            [md("`claim_ids`"), "list of string", "the claims overlapping the sentence"],
        ]),
        "quotation_table": table(["field", "type", "meaning"], [
            [md("`id`, `document_id`"), "string", "the quotation's id and its document"],
            [md("`text`, `start`, `end`"), "string, int32, int32", "the quoted content"],
            [md("`form`"), "ClassLabel", "direct, indirect or mixed"],
            [md("`source`, `cue`"), "struct", md("`start`, `end`, `text` of who is credited and the attribution verb"
                                                  " (null when absent)")],
            [md("`speaker_id`, `speaker_text`, `speaker_label`"), "string, string, ClassLabel",
             "the entity that speaks (null when not annotated)"],
        ]),
        "dates_table": table(["field", "type", "meaning"], [
            [md("`id`, `document_id`, `text`, `start`, `end`"), "string, int32", "the expression"],
            [md("`type`"), "ClassLabel", "TIMEX3 type (DATE, TIME, DURATION, SET)"],
            [md("`value`, `mod`"), "string", "the normalised TIMEX3 value and modifier"],
            [md("`anchor`, `anchor_value`"), "string", md("what it was resolved against (`dct` or a date id) and "
                                                           "that anchor's value (the publication date for `dct`, "
                                                           "null when unknown)")],
            [md("`sentence`, `sentence_start`, `sentence_end`"), "string, int32, int32",
             "the sentence (or sentences) the expression sits in"],
        ]),
    }


def _first_row(folder: Path, tables: Tables, config: str) -> dict[str, Any] | None:
    for files in tables.configs[config].values():
        return pq.ParquetFile(folder / files.files[0]).read_row_group(0).slice(0, 1).to_pylist()[0]
    return None


def _examples(folder: Path, tables: Tables) -> Markdown:
    parts = []
    document = _first_row(folder, tables, "documents")
    if document:
        text = document["text"]
        abridged = {
            "id": document["id"],
            "text": text if len(text) <= 240 else text[:240] + " […]",
            "metadata": {k: document["metadata"][k] for k in ("publisher", "url", "language", "license", "split")},
            **{layer: document[layer][:1] for layer in LAYERS},
        }
        parts.append("`documents` (abridged: text cut at 240 characters, metadata reduced, first item of each "
                     "layer):\n\n" + json_block(abridged))
    for config in ("ner", "spans"):
        row = _first_row(folder, tables, config)
        if row:
            parts.append(f"`{config}`:\n\n" + json_block(row))
    return Markdown("\n\n".join(parts))


def _statistics(numbers: dict[str, Any]) -> dict[str, Any]:
    split_rows = [[s, f"{v['documents']:,}", f"{v['sentences']:,}", f"{v['tokens']:,}",
                   *(f"{v['spans'][layer]:,}" for layer in LAYERS)] for s, v in numbers["splits"].items()]
    split_rows.append([Markdown("**total**"), f"{numbers['documents']:,}", f"{numbers['sentences']:,}",
                       f"{numbers['tokens']:,}", *(f"{numbers['spans'][layer]:,}" for layer in LAYERS)])
    label_tables = "\n\n".join(
        f"{code(layer)}:\n\n" + table(["label", "spans"], [[code(k), f"{v:,}"] for k, v in labels.items()])
        for layer, labels in numbers["labels"].items())
    attribute_rows = [[Markdown(f"{layer}.{column}"), ", ".join(f"{value}: {n:,}" for value, n in values.items())]
                      for layer, columns in numbers["attributes"].items() for column, values in columns.items()]
    return {
        "stats": numbers,
        "span_totals": ", ".join(f"{numbers['spans'][layer]:,} {layer}" for layer in LAYERS),
        "split_table": table(["split", "documents", "sentences", "tokens", *LAYERS], split_rows),
        "label_tables": Markdown(label_tables),
        "attribute_table": table(["attribute", "distribution"], attribute_rows),
        "status_counts": ", ".join(f"{k}: {v:,}" for k, v in numbers["annotation_status"].items()),
    }


def _guidelines(facts: CorpusFacts, links: Links) -> Markdown:
    """Where the annotation guidelines are, and which versions the documents followed."""
    declared = escape(", ".join(sorted(facts.guidelines)))
    if not links.guidelines:
        return Markdown(f"not shipped with this build: the documents declare guidelines version(s) {declared}, but "
                        "the corpus the build read had no `docs/guidelines.md`")
    shipped = f"[{GUIDELINES_NAME}]({GUIDELINES_NAME})"
    if links.guidelines_version and set(facts.guidelines) != {links.guidelines_version}:
        return Markdown(f"{shipped} in this folder states version {escape(links.guidelines_version)}; the documents "
                        f"declare version(s) {declared}")
    return Markdown(f"{shipped} in this folder (version {declared}, as the documents declare)")


def escape(value: Any) -> Markdown:
    """``value`` as escaped Markdown text (what the template does to every printed value)."""
    return escape_output(value)


def _published(meta: dict[str, Any]) -> str:
    published = meta["published"]
    if published["date"]:
        return published["date"]
    bounds = f"{published['earliest'] or '?'} … {published['latest'] or '?'}"
    return "unknown" if bounds == "? … ?" else f"unknown ({bounds})"


def _provenance(facts: CorpusFacts) -> dict[str, Any]:
    rows = [[code(p["id"]), p["metadata"]["split"], p["metadata"]["publisher"] or "unknown",
             p["metadata"]["title"] or "unknown", p["metadata"]["url"] or "unknown", _published(p["metadata"]),
             p["metadata"]["license"],
             Markdown(f"{code(p['seed']['file'])} ({code(p['seed']['text_sha256'][:12] + '…')})")]
            for p in facts.provenance]
    header = ["document", "split", "publisher", "headline", "URL", "published", "licence", "seed file (text SHA-256)"]
    evidence = [{"id": p["id"], "facts": p["metadata"]["published"]["evidence"] + (p["metadata"].get("sources") or [])}
                for p in facts.provenance[:EVIDENCE_DOCUMENTS]]
    return {
        "complete": facts.documents <= len(facts.provenance),
        "listed": len(facts.provenance), "documents": facts.documents,
        "table": table(header, rows),
        "evidence": evidence,
        "evidence_of": "each document" if facts.documents <= EVIDENCE_DOCUMENTS
        else f"the first {EVIDENCE_DOCUMENTS} documents",
    }


def _creation(facts: CorpusFacts, numbers: dict[str, Any], links: Links) -> dict[str, Any]:
    status = load_schema()["properties"]["annotation"]["properties"]["status"]
    return {
        "publishers": ", ".join(f"{name} ({n:,})" for name, n in sorted(facts.publishers.items())),
        "provenance": _provenance(facts),
        "guideline_versions": ", ".join(f"{v} ({n:,} document(s))" for v, n in sorted(facts.guidelines.items())),
        "status": ", ".join(f"{n:,} {k}" for k, n in numbers["annotation_status"].items() if n),
        "status_meaning": status["description"].rstrip("."),
        "reviewers": ", ".join(sorted(facts.reviewers)) or "nobody yet",
        "licences": Markdown(", ".join(f"{code(k)} ({n:,} document(s))" for k, n in sorted(facts.licenses.items()))),
    }


def _limitations(numbers: dict[str, Any]) -> dict[str, Any]:
    drafts = numbers["annotation_status"].get("draft", 0)
    size = (f"{numbers['documents']:,} document(s): label counts are too small to train or compare models "
            "reliably, and any figure computed on them has wide uncertainty."
            if numbers["documents"] < 1000 else f"{numbers['documents']:,} documents.")
    review = (Markdown(f"{drafts:,} document(s) are `draft`: not yet checked by a second annotator.") if drafts else
              "Every document was reviewed or adjudicated; inter-annotator figures are under Agreement, when the "
              "corpus has two independent annotation sets.")
    return {"size": size, "review": review}


#: OntoNotes 5's 18 entity types that newsspan does not annotate as entities, and where they went.
ONTONOTES_ELSEWHERE: dict[str, str] = {
    "DATE": "the `dates` layer (TIMEX3 DATE, DURATION, SET), normalised",
    "TIME": "the `dates` layer (TIMEX3 TIME), normalised",
    "PERCENT": "not annotated: numbers are not entities here (comparisons are claims of type `quantity_comparison`)",
    "MONEY": "not annotated (as PERCENT)",
    "QUANTITY": "not annotated (as PERCENT)",
    "ORDINAL": "not annotated: no referent to link or normalise",
    "CARDINAL": "not annotated (as ORDINAL)",
}


def _ontonotes() -> Markdown:
    rows = [[code(label), code(label), "same definition (OntoNotes 5 name type)"] for label in LABELS["entities"]]
    rows += [[code(label), EMPTY, Markdown(where)] for label, where in ONTONOTES_ELSEWHERE.items()]
    return table(["OntoNotes 5 type", "newsspan entity label", "notes"], rows)


def _agreement(figures: AgreementFigures) -> dict[str, Any]:
    if figures.missing:
        return {"agreement_missing": figures.missing, "agreement_table": ""}
    rows = [[layer, f"{v['a']:,}", f"{v['b']:,}", _score(v["exact"]), _score(v["overlap"])]
            for layer, v in figures.layers.items()]
    return {"agreement_missing": "", "agreement": figures,
            "agreement_table": table(["layer", "spans (reference)", "spans (second)", "exact F1", "overlap F1"],
                                     rows),
            "agreement_kappa": _score(figures.entity_token_kappa)}


def _score(value: float | None) -> str:
    return "—" if value is None else f"{value:.3f}"


def _lengths(numbers: dict[str, Any]) -> Markdown:
    rows = [[layer, *(EMPTY if v[k] is None else f"{v[k]:,}" for k in ("mean", "median", "max")),
             EMPTY if numbers["spans_per_1000_tokens"][layer] is None else f"{numbers['spans_per_1000_tokens'][layer]}"]
            for layer, v in numbers["span_lengths"].items()]
    return table(["layer", "mean length (characters)", "median", "longest", "spans per 1,000 tokens"], rows)


def card_context(folder: Path, tables: Tables, numbers: dict[str, Any], facts: CorpusFacts,
                 links: Links, figures: AgreementFigures | None = None) -> dict[str, Any]:
    """Everything the template prints (plain values are escaped by the environment)."""
    return {
        "ontonotes_table": _ontonotes(), "length_table": _lengths(numbers),
        **_agreement(figures or AgreementFigures(missing="not computed for this build")),
        "pretty_name": PRETTY_NAME, "version": newsspan_version(), "homepage": links.homepage,
        "annotators": ", ".join(sorted(facts.annotators)), "languages": ", ".join(sorted(facts.languages)),
        "license_id": facts.license_id, "guidelines": _guidelines(facts, links),
        "schema_name": SCHEMA_NAME, "guidelines_name": GUIDELINES_NAME, "shipped_guidelines": links.guidelines,
        "examples": _examples(folder, tables),
        "bibtex": fenced(bibtex(facts, numbers["documents"], links), "bibtex"),
        **_structure(tables), **_statistics(numbers), **_creation(facts, numbers, links), **_limitations(numbers),
    }


@cache
def environment() -> jinja2.Environment:
    """The card's Jinja environment: templates from the package, every printed value escaped as Markdown text."""
    env = jinja2.Environment(loader=jinja2.PackageLoader("newsspan.dataset", "templates"), finalize=escape_output,
                             trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
                             undefined=jinja2.StrictUndefined, autoescape=False)
    env.filters["code"] = code
    return env


def render_card(folder: Path, tables: Tables, numbers: dict[str, Any], facts: CorpusFacts, links: Links,
                figures: AgreementFigures | None = None) -> DatasetCard:
    """The whole dataset card: front matter and prose."""
    body = environment().get_template(TEMPLATE).render(card_context(folder, tables, numbers, facts, links, figures))
    return DatasetCard(f"---\n{card_data(tables, facts).to_yaml()}\n---\n\n{body}")


def write_card(folder: Path, tables: Tables, numbers: dict[str, Any], facts: CorpusFacts, links: Links,
               figures: AgreementFigures | None = None) -> Path:
    """Write the dataset card to ``folder/README.md`` atomically and return its path.

    Raises ``files.FileExistsRefusal`` if the file already exists.
    """
    path = folder / CARD_NAME
    atomic_write_text(path, str(render_card(folder, tables, numbers, facts, links, figures)))
    return path
