"""The dataset folder's metadata: the dataset card (``README.md``), ``croissant.json`` and ``SHA256SUMS``.

The card follows the Hugging Face dataset card template. Its YAML front matter declares the
configs and their features (so ``load_dataset`` needs no code and label names survive as
``ClassLabel``); its prose reports the statistics of :mod:`newsspan.stats`, facts read from the
documents' metadata (provenance, licence, guidelines) and real rows of the written files.
It links only to files in the folder (the shipped guidelines and JSON Schema) and to the homepage
given to the build, never to an address nobody has checked.
Nothing in these files depends on the time of the build.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.parquet as pq
import yaml
from datasets import ClassLabel, Features, List, Value

from .files import atomic_write_text
from .model import LAYERS
from .schema import load_schema, splits

if TYPE_CHECKING:
    from .build import Tables

PRETTY_NAME = "newsspan"
#: The annotation guidelines and the data contract, copied into the dataset folder under these names.
GUIDELINES_NAME = "guidelines.md"
SCHEMA_NAME = "document.schema.json"
#: Documents listed one by one in the card's provenance table (larger corpora are summarised).
PROVENANCE_ROWS = 100
#: Documents whose evidence facts are listed in full.
EVIDENCE_DOCUMENTS = 10
DESCRIPTIONS: dict[str, str] = {
    "documents": "one row per document: text, metadata and the four annotation layers with every field",
    "ner": "one row per sentence: tokens, IOB2 tags of the outermost entities, token character offsets",
    "spans": "one row per annotated span of any layer, with its label and attributes (flat, for pandas)",
}


def newsspan_version() -> str:
    """The installed newsspan version, or ``0+unknown`` when running from an uninstalled source tree."""
    try:
        return version("newsspan")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree
        return "0+unknown"


# --- facts gathered while documents stream by ------------------------------------------------

@dataclass
class CorpusFacts:
    """What the card says about the documents, gathered one document at a time (bounded memory)."""

    documents: int = 0
    languages: Counter[str] = field(default_factory=Counter)
    licenses: Counter[str] = field(default_factory=Counter)
    guidelines: Counter[str] = field(default_factory=Counter)
    annotators: Counter[str] = field(default_factory=Counter)
    reviewers: Counter[str] = field(default_factory=Counter)
    publishers: Counter[str] = field(default_factory=Counter)
    last_modified: str = ""
    provenance: list[dict[str, Any]] = field(default_factory=list)

    def add(self, doc: dict[str, Any]) -> None:
        """Fold one document into the tallies; its provenance is kept for the first ``PROVENANCE_ROWS`` documents."""
        meta, note = doc["metadata"], doc["annotation"]
        self.documents += 1
        self.languages[meta["language"]] += 1
        self.licenses[meta["license"]] += 1
        self.guidelines[note["guidelines_version"]] += 1
        self.annotators.update(note["annotators"])
        self.reviewers.update(note.get("reviewers") or [])
        self.publishers[meta["publisher"] or "unknown"] += 1
        self.last_modified = max(self.last_modified, note["modified"])
        if len(self.provenance) < PROVENANCE_ROWS:
            self.provenance.append({"id": doc["id"], "seed": doc["seed"], "metadata": meta})

    @property
    def license_id(self) -> str:
        """The card's ``license``: ``unknown`` unless every text has the same established licence."""
        if "unknown" in self.licenses or not self.licenses:
            return "unknown"
        return next(iter(self.licenses)).lower() if len(self.licenses) == 1 else "other"


@dataclass(frozen=True)
class Links:
    """What the card can point to besides the data: the homepage given to the build, the shipped guidelines."""

    homepage: str | None = None
    guidelines: bool = False  # guidelines.md is in the folder
    guidelines_version: str | None = None  # the version the shipped guidelines.md states, if it states one


def stated_version(guidelines: str) -> str | None:
    """The version a guidelines text states in its opening lines (``**Version 1.0.0**``), if any."""
    match = re.search(r"^\*\*Version ([0-9][^*\s]*)\*\*", guidelines[:2000], re.M)
    return match.group(1) if match else None


# --- YAML front matter ---------------------------------------------------------------------------

def size_category(n: int) -> str:
    """The Hub's size category of a dataset with ``n`` rows (documents)."""
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if n < limit:
            return name
    return "1M<n<10M"


def dataset_info(tables: Tables) -> list[dict[str, Any]]:
    """``dataset_info`` of every config: declared features and split sizes (checked by ``load_dataset``)."""
    from datasets import DatasetInfo, SplitDict, SplitInfo

    from .build import config_features

    infos = []
    for config, features in config_features().items():
        split_dict = SplitDict()
        for split, files in tables.configs[config].items():
            split_dict.add(SplitInfo(name=split, num_bytes=files.num_bytes, num_examples=files.rows))
        info = DatasetInfo(features=features, splits=split_dict,
                           dataset_size=sum(f.num_bytes for f in tables.configs[config].values()))
        infos.append({"config_name": config, **info._to_yaml_dict()})
    return infos


def card_metadata(tables: Tables, facts: CorpusFacts) -> dict[str, Any]:
    """The card's YAML front matter."""
    from .build import DEFAULT_CONFIG

    configs = []
    for config in tables.configs:
        entry: dict[str, Any] = {"config_name": config}
        if config == DEFAULT_CONFIG:
            entry["default"] = True
        entry["data_files"] = [{"split": split, "path": f"data/{config}/{split}-*.parquet"}
                               for split in tables.configs[config]]
        configs.append(entry)
    return {
        "pretty_name": PRETTY_NAME,
        "language": sorted(facts.languages),
        "license": facts.license_id,
        "annotations_creators": ["other"],
        "language_creators": ["found"],
        "multilinguality": ["monolingual" if len(facts.languages) == 1 else "multilingual"],
        "size_categories": [size_category(tables.documents)],
        "source_datasets": ["original"],
        "task_categories": ["token-classification", "text-classification"],
        "task_ids": ["named-entity-recognition", "fact-checking"],
        "tags": ["news", "span-annotation", "timex3", "quotation-attribution", "claim-detection", "check-worthiness"],
        "configs": configs,
        "dataset_info": dataset_info(tables),
    }


# --- prose helpers ---------------------------------------------------------------------------------

def _cell(value: Any) -> str:
    text = "—" if value is None or value == "" else str(value)
    return text.replace("|", "\\|").replace("\n", " ")


def table(header: list[str], rows: list[list[Any]]) -> str:
    """A Markdown table."""
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _json_block(obj: dict[str, Any]) -> str:
    """A row as JSON, one field per line (lists and structs kept on their line)."""
    lines = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in obj.items())
    return "```json\n{\n" + lines + "\n}\n```"


def _first_row(folder: Path, tables: Tables, config: str) -> dict[str, Any] | None:
    for files in tables.configs[config].values():
        return pq.ParquetFile(folder / files.files[0]).read_row_group(0).slice(0, 1).to_pylist()[0]
    return None


def _dtype(feature: Any) -> str:
    if isinstance(feature, ClassLabel):
        return f"ClassLabel ({len(feature.names)} names)"
    if isinstance(feature, Value):
        return feature.dtype
    if isinstance(feature, List):
        return f"list of {_dtype(feature.feature)}"
    return "struct"


def _schema_description(node: dict[str, Any]) -> str:
    if "$ref" in node:
        node = load_schema()["$defs"][node["$ref"].rsplit("/", 1)[1]] | {k: v for k, v in node.items() if k != "$ref"}
    return node.get("description", "")


def _layer_fields(layer: str, features: Features) -> str:
    item = load_schema()["properties"][layer]
    definition = load_schema()["$defs"][item["items"]["$ref"].rsplit("/", 1)[1]]
    rows = [[f"`{name}`", _dtype(feature), _schema_description(definition["properties"].get(name, {}))]
            for name, feature in features[layer].feature.items()]
    return f"`{layer}` items ({item['description']}):\n\n" + table(["field", "type", "meaning"], rows)


# --- prose sections ----------------------------------------------------------------------------------

def _guidelines(facts: CorpusFacts, links: Links) -> str:
    """Where the annotation guidelines are, and which versions the documents followed."""
    declared = ", ".join(sorted(facts.guidelines))
    if not links.guidelines:
        return (f"not shipped with this build: the documents declare guidelines version(s) {declared}, but the "
                "corpus the build read had no `docs/guidelines.md`")
    shipped = f"[{GUIDELINES_NAME}]({GUIDELINES_NAME})"
    if links.guidelines_version and set(facts.guidelines) != {links.guidelines_version}:
        return (f"{shipped} in this folder states version {links.guidelines_version}; the documents declare "
                f"version(s) {declared}")
    return f"{shipped} in this folder (version {declared}, as the documents declare)"


def _sources(facts: CorpusFacts, links: Links) -> str:
    repository = links.homepage or (f"none published. This folder was built with newsspan {newsspan_version()} "
                                    "from a local corpus\n  and holds every file the card refers to.")
    return f"""### Dataset Sources

- **Repository:** {repository}
- **Annotation guidelines:** {_guidelines(facts, links)}
- **Data contract:** [{SCHEMA_NAME}]({SCHEMA_NAME}) in this folder: the JSON Schema of an annotated document,
  which every document passed
"""


def _summary(tables: Tables, numbers: dict[str, Any], facts: CorpusFacts, links: Links) -> str:
    spans = ", ".join(f"{numbers['spans'][layer]:,} {layer}" for layer in LAYERS)
    return f"""# Dataset Card for {PRETTY_NAME}

News articles annotated with character-offset spans in four layers: named entities (OntoNotes 5 types),
temporal expressions (TimeML TIMEX3, normalised), quotations (direct, indirect, mixed; with source, cue and
speaker) and claims (check-worthiness and claim type, with claimant). This build holds
{numbers['documents']:,} document(s), {numbers['tokens']:,} tokens and {spans}.

## Dataset Details

### Dataset Description

- **Curated by:** {", ".join(sorted(facts.annotators))}
- **Language(s):** {", ".join(sorted(facts.languages))}
- **License:** `{facts.license_id}` — redistribution rights of the source texts are not established; see
  [Licensing](#licensing).
- **Built with:** newsspan {newsspan_version()}; offsets are Python `str` indices (Unicode code points) into the
  document's text, start inclusive, end exclusive.

{_sources(facts, links)}"""


def _uses() -> str:
    return """## Uses

### Direct Use

Supported tasks, one config each or all from `documents`:

- **Named-entity recognition** (`ner` config, conll2003-style IOB2 tags over OntoNotes 5 name types);
- **Temporal expression recognition and normalisation** (`dates` layer: TIMEX3 type, value, anchor, mod);
- **Quotation attribution** (`quotations` layer: content span, form, source and cue spans, speaker entity);
- **Claim detection and check-worthiness** (`claims` layer: claim type, check-worthy flag, claimant).

```python
from datasets import load_dataset

DATASET = "dist/newsspan"  # this folder, built by `newsspan build`; or its Hub repo id once published

ner = load_dataset(DATASET, "ner")
names = ner["train"].features["ner_tags"].feature.names
row = ner["train"][0]
print([(token, names[tag]) for token, tag in zip(row["tokens"], row["ner_tags"]) if tag])

documents = load_dataset(DATASET, "documents", split="train")
doc = documents[0]
for entity in doc["entities"]:
    assert doc["text"][entity["start"]:entity["end"]] == entity["text"]

spans = load_dataset(DATASET, "spans", split="train")
frame = spans.to_pandas()
frame["layer"] = frame["layer"].map(spans.features["layer"].int2str)
print(frame.groupby(["layer", "label"]).size())

for row in load_dataset(DATASET, "ner", split="train", streaming=True).take(2):
    print(row["id"], len(row["tokens"]))
```

### Out-of-Scope Use

The corpus is small and its texts come from a few outlets: it is an evaluation and teaching resource, not
training data for production systems. Check-worthiness labels are annotator judgements, not fact checks:
they say whether a claim is worth checking, never whether it is true.
"""


def _structure(folder: Path, tables: Tables) -> str:
    from .build import config_features

    features = config_features()
    rows = [[f"`{c}`" + (" (default)" if c == "documents" else ""), DESCRIPTIONS[c],
             ", ".join(f"{s}: {f.rows:,}" for s, f in tables.configs[c].items()) or "—"] for c in tables.configs]
    doc_rows = [[f"`{name}`", _dtype(feature),
                 "The document's canonical text (the seed file after the canonical-text rule)." if name == "text"
                 else _schema_description(load_schema()["properties"][name])]
                for name, feature in features["documents"].items() if name not in LAYERS]
    layer_tables = "\n\n".join(_layer_fields(layer, features["documents"]) for layer in LAYERS)
    return f"""## Dataset Structure

{table(["config", "rows", "rows per split"], rows)}

A document's split is its `metadata.split` (train, validation or test). A split without documents is not
emitted, and a config lists only the splits that have rows (a split whose documents have no spans has no
`spans` rows). A corpus of one article is all `train`: one document cannot be divided, and it is better
used whole for inspection and few-shot evaluation than split into unusable pieces.

Labels are `ClassLabel` features: the stored integers map to names with
`dataset.features[...].int2str` (or `.feature.names` inside a list). Label inventories come from the data
contract, so a label that never occurs is still declared.

### `documents`

{table(["field", "type", "meaning"], doc_rows)}

{layer_tables}

### `ner`

{table(["field", "type", "meaning"], [
        ["`id`", "string", "`<document id>-<sentence number>` (numbered from 0)"],
        ["`document_id`", "string", "the document the sentence comes from"],
        ["`tokens`", "list of string", "tokens (spaCy's rule-based English tokenizer, cut at every entity boundary)"],
        ["`ner_tags`", "list of ClassLabel", "IOB2 tags over the entity labels (`O`, `B-PERSON`, `I-PERSON`, ...)"],
        ["`token_starts`, `token_ends`", "list of int32", "each token's code-point offsets into the document text"],
    ])}

Sentences come from spaCy's rule-based sentencizer (no model download); a line break always ends a
sentence, and sentences an entity would straddle are joined. **Nested entities: the outermost span wins.**
An entity inside another (`Pakistan` inside `Pakistan-Kazakhstan Business Forum`) is in the `documents`
and `spans` configs but gets no tags of its own in `ner`. Turning the tags back into character spans with
the token offsets gives exactly the outermost entities of each document.

### `spans`

{table(["field", "type", "meaning"], [
        ["`document_id`, `id`", "string", "the document and the span's id (`e3`, `d1`, `q2`, `c5`)"],
        ["`layer`", "ClassLabel", "entities, dates, quotations or claims"],
        ["`start`, `end`, `text`", "int32, int32, string", "code-point offsets and the covered text"],
        ["`label`", "string", "entity label, TIMEX3 type, quotation form or claim type"],
        ["`kb_id`", "string", "entities: Wikidata QID, only where verified"],
        ["`value`, `anchor`, `mod`, `begin_point`, `end_point`", "string", "dates: the TIMEX3 attributes"],
        ["`speaker`, `source_*`, `cue_*`", "string / int32", "quotations: speaker entity, source and cue spans"],
        ["`checkworthy`, `claimant`, `quotation`", "bool, string, string", "claims: decision, claimant, quotation"],
        ["`note`", "string", "the annotator's remark on a hard case"],
    ])}

### Example rows

The first row of each config, as stored (ClassLabel columns hold integers):

{_examples(folder, tables)}
"""


def _examples(folder: Path, tables: Tables) -> str:
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
                     "layer):\n\n" + _json_block(abridged))
    for config in ("ner", "spans"):
        row = _first_row(folder, tables, config)
        if row:
            parts.append(f"`{config}`:\n\n" + _json_block(row))
    return "\n\n".join(parts)


def _statistics(numbers: dict[str, Any]) -> str:
    split_rows = [[s, f"{v['documents']:,}", f"{v['sentences']:,}", f"{v['tokens']:,}",
                   *(f"{v['spans'][layer]:,}" for layer in LAYERS)] for s, v in numbers["splits"].items()]
    split_rows.append(["**total**", f"{numbers['documents']:,}", f"{numbers['sentences']:,}",
                       f"{numbers['tokens']:,}", *(f"{numbers['spans'][layer]:,}" for layer in LAYERS)])
    label_tables = "\n\n".join(
        f"`{layer}`:\n\n" + table(["label", "spans"], [[f"`{k}`", f"{v:,}"] for k, v in labels.items()])
        for layer, labels in numbers["labels"].items())
    attribute_rows = [[f"{layer}.{column}", ", ".join(f"{value}: {n:,}" for value, n in values.items()) or "—"]
                      for layer, columns in numbers["attributes"].items() for column, values in columns.items()]
    status = ", ".join(f"{k}: {v:,}" for k, v in numbers["annotation_status"].items())
    return f"""## Statistics

Computed at build time from the written files (`newsspan stats` prints the same numbers);
{numbers['characters']:,} characters in all.

{table(["split", "documents", "sentences", "tokens", *LAYERS], split_rows)}

Spans per label:

{label_tables}

Attributes:

{table(["attribute", "distribution"], attribute_rows)}

In the `ner` config, {numbers['ner']['entities']:,} outermost entities are tagged;
{numbers['ner']['nested_entities_not_tagged']:,} entities nested inside another are not. Annotation status of
the documents: {status}.
"""


def _published(meta: dict[str, Any]) -> str:
    published = meta["published"]
    if published["date"]:
        return published["date"]
    bounds = f"{published['earliest'] or '?'} … {published['latest'] or '?'}"
    return "unknown" if bounds == "? … ?" else f"unknown ({bounds})"


def _evidence(entry: dict[str, Any]) -> str:
    meta = entry["metadata"]
    facts = meta["published"]["evidence"] + (meta.get("sources") or [])
    lines = [f"  - {e['fact']} — source: {e['source']}" for e in facts] or ["  - none recorded"]
    return f"- `{entry['id']}`:\n" + "\n".join(lines)


def _provenance(facts: CorpusFacts) -> str:
    rows = [[f"`{p['id']}`", p["metadata"]["split"], p["metadata"]["publisher"] or "unknown",
             p["metadata"]["title"] or "unknown", p["metadata"]["url"] or "unknown", _published(p["metadata"]),
             p["metadata"]["license"], f"`{p['seed']['file']}` (`{p['seed']['text_sha256'][:12]}…`)"]
            for p in facts.provenance]
    listed = ("Every source text:" if facts.documents <= len(facts.provenance) else
              f"The first {len(facts.provenance):,} of {facts.documents:,} source texts (every row's `metadata` "
              "and `seed` in the `documents` config carry the same facts for all of them):")
    evidence = "\n".join(_evidence(p) for p in facts.provenance[:EVIDENCE_DOCUMENTS])
    publishers = ", ".join(f"{name} ({n:,})" for name, n in sorted(facts.publishers.items()))
    return f"""#### Who are the source data producers?

News outlets: {publishers}. Unknown facts (headline, date) are left unknown, never invented; publication
dates that are not printed are bounded by evidence (`metadata.published`).

{listed}

{table(["document", "split", "publisher", "headline", "URL", "published", "licence", "seed file (text SHA-256)"], rows)}

Evidence and sources recorded in the metadata of {"each document" if facts.documents <= EVIDENCE_DOCUMENTS
                                                    else f"the first {EVIDENCE_DOCUMENTS} documents"}:

{evidence}
"""


def _creation(facts: CorpusFacts, numbers: dict[str, Any], links: Links) -> str:
    versions = ", ".join(f"{v} ({n:,} document(s))" for v, n in sorted(facts.guidelines.items()))
    reviewers = ", ".join(sorted(facts.reviewers)) or "nobody yet"
    status = ", ".join(f"{n:,} {k}" for k, n in numbers["annotation_status"].items() if n)
    meaning = load_schema()["properties"]["annotation"]["properties"]["status"]["description"].rstrip(".")
    return f"""## Dataset Creation

### Curation Rationale

Span-level annotation of news with entities, time expressions, attributed quotations and claims in one
consistent set of offsets, so that the layers can be studied together (who said what, when, and is it
checkable) and each can be loaded alone for a standard task.

### Source Data

#### Data Collection and Processing

Each article's text is kept byte-for-byte as received (in the corpus's `seeds/` folder, named by
`seed.file`). The text the offsets point into is its *canonical text*: decoded as strict UTF-8, one leading
byte-order mark dropped, CRLF and CR turned into LF, trailing whitespace at the very end removed; nothing
else changes. Each document pins the SHA-256 of its canonical text (`seed.text_sha256`), and the build
refuses documents that fail validation.

{_provenance(facts)}
### Annotations

#### Annotation process

Annotated following the newsspan annotation guidelines, version(s) {versions}:
{_guidelines(facts, links)}. Entities use the OntoNotes 5 name types; dates TimeML TIMEX3
(type, normalised value, anchor: the document creation time `dct` or another date); quotations PARC 3.0
forms; claims the CLEF CheckThat! notion of a claim with a newsspan claim-type taxonomy. Hard cases carry a
`note` citing the guideline section that decides them. Every document passed `newsspan validate` (offsets,
span texts, references between layers, TIMEX3 values, the JSON Schema
[{SCHEMA_NAME}]({SCHEMA_NAME})) before the build. Status: {status} ({meaning}).

#### Who are the annotators?

{", ".join(sorted(facts.annotators))} (each document's `annotation.annotators`); reviewers: {reviewers}.

#### Personal and Sensitive Information

The texts are published news: they name public figures and institutions in their public roles. No private
individuals' data was added by the annotation.
"""


def _licensing(facts: CorpusFacts) -> str:
    licences = ", ".join(f"`{k}` ({n:,} document(s))" for k, n in sorted(facts.licenses.items()))
    return f"""## Licensing

Licence of the source texts, from each document's `metadata.license`: {licences}. The YAML `license` field
says `{facts.license_id}`.{'' if facts.license_id != 'unknown' else '''

**The licence of the source texts is unknown: they are news articles by third parties, and the rights to
redistribute them have not been established.** Do not assume this dataset may be redistributed or used
commercially; the annotations cannot grant rights in texts the annotators do not hold. The newsspan software's
Apache-2.0 licence covers its code, not the texts in this dataset.'''}
"""


def _limitations(numbers: dict[str, Any]) -> str:
    drafts = numbers["annotation_status"].get("draft", 0)
    size = (f"{numbers['documents']:,} document(s): label counts are too small to train or compare models "
            "reliably, and any figure computed on them has wide uncertainty."
            if numbers["documents"] < 1000 else f"{numbers['documents']:,} documents.")
    review = (f"{drafts:,} document(s) are `draft`: not yet checked by a second annotator." if drafts else
              "Every document was reviewed or adjudicated; agreement figures are not part of this card.")
    return f"""## Bias, Risks, and Limitations

- **Size.** {size}
- **Coverage.** The texts come from few outlets and regions; entity and claim distributions reflect them.
- **Review.** {review}
- **Nested entities** exist only in `documents` and `spans`; the `ner` config keeps the outermost span.
- **Tokenisation** is rule-based (spaCy's English tokenizer, cut at entity boundaries); tokens of other
  tools will differ, so map predictions through the character offsets, not token indices.
- **Publication dates** are unknown when the outlet does not print them; relative TIMEX3 values were
  resolved against the bounds the evidence gives (`metadata.published`).

### Recommendations

Evaluate on character offsets (`documents` or `spans`), report the split and the build's checksums, and
treat check-worthiness as a judgement. Check the licensing section before any redistribution.
"""


def bibtex(facts: CorpusFacts, numbers: dict[str, Any], links: Links) -> str:
    """The dataset's BibTeX entry (``howpublished`` only when the build was given a homepage)."""
    year = facts.last_modified[:4] or "n.d."
    versions = ", ".join(sorted(facts.guidelines))
    fields = [
        ("title", "{newsspan: news articles annotated with entities, temporal expressions, quotations and claims}"),
        ("author", "{{newsspan maintainers}}"),
        ("year", f"{{{year}}}"),
        *([("howpublished", f"{{\\url{{{links.homepage}}}}}")] if links.homepage else []),
        ("note", f"{{Dataset, {numbers['documents']:,} document(s), annotation guidelines {versions},\n"
                 f"{' ' * 18}built with newsspan {newsspan_version()}}}"),
    ]
    body = ",\n".join(f"  {name:<12} = {value}" for name, value in fields)
    return f"@misc{{newsspan{year},\n{body}\n}}"


def _contact(links: Links) -> str:
    if links.homepage:
        return f"Through the dataset's homepage: {links.homepage}."
    return ("The people listed under [Dataset Card Authors](#dataset-card-authors) (no public repository or "
            "issue tracker was given to the build).")


def _citation(facts: CorpusFacts, numbers: dict[str, Any], links: Links) -> str:
    shipped = f"`{GUIDELINES_NAME}`, " if links.guidelines else ""
    return f"""## Checksums

`SHA256SUMS` lists the SHA-256 of every data file, this card, {shipped}`{SCHEMA_NAME}` and `croissant.json`;
check a download with `sha256sum -c SHA256SUMS`. `croissant.json` describes the folder in the Croissant format.

## Citation

```bibtex
{bibtex(facts, numbers, links)}
```

## Glossary

- **Canonical text**: the seed text after the canonical-text rule; all offsets point into it.
- **Outermost entity**: an entity not contained in another entity.
- **TIMEX3 anchor**: what a relative date was resolved against (`dct`: the document creation time).

## Dataset Card Authors

{", ".join(sorted(facts.annotators))} (generated by `newsspan build` from the annotations; do not edit by hand).

## Dataset Card Contact

{_contact(links)}
"""


def card_text(folder: Path, tables: Tables, numbers: dict[str, Any], facts: CorpusFacts, links: Links) -> str:
    """The whole dataset card: YAML front matter and prose."""
    front = yaml.safe_dump(card_metadata(tables, facts), sort_keys=False, allow_unicode=True, width=120)
    sections = [_summary(tables, numbers, facts, links), _uses(), _structure(folder, tables), _statistics(numbers),
                _creation(facts, numbers, links), _licensing(facts), _limitations(numbers),
                _citation(facts, numbers, links)]
    return f"---\n{front}---\n\n" + "\n".join(sections)


def write_card(folder: Path, tables: Tables, numbers: dict[str, Any], facts: CorpusFacts, links: Links) -> Path:
    """Write the dataset card to ``folder/README.md`` atomically and return its path.

    Raises ``files.FileExistsRefusal`` if the file already exists.
    """
    path = folder / "README.md"
    atomic_write_text(path, card_text(folder, tables, numbers, facts, links))
    return path


# --- Croissant ---------------------------------------------------------------------------------------

CROISSANT_CONTEXT: dict[str, Any] = {
    "@language": "en", "@vocab": "https://schema.org/", "arrayShape": "cr:arrayShape", "citeAs": "cr:citeAs",
    "column": "cr:column", "conformsTo": "dct:conformsTo", "containedIn": "cr:containedIn",
    "cr": "http://mlcommons.org/croissant/", "rai": "http://mlcommons.org/croissant/RAI/",
    "data": {"@id": "cr:data", "@type": "@json"}, "dataType": {"@id": "cr:dataType", "@type": "@vocab"},
    "dct": "http://purl.org/dc/terms/", "equivalentProperty": "cr:equivalentProperty",
    "examples": {"@id": "cr:examples", "@type": "@json"},
    "extract": "cr:extract", "field": "cr:field", "fileProperty": "cr:fileProperty", "fileObject": "cr:fileObject",
    "fileSet": "cr:fileSet", "format": "cr:format", "includes": "cr:includes", "isArray": "cr:isArray",
    "isLiveDataset": "cr:isLiveDataset", "jsonPath": "cr:jsonPath", "key": "cr:key", "md5": "cr:md5",
    "parentField": "cr:parentField", "path": "cr:path", "recordSet": "cr:recordSet", "references": "cr:references",
    "regex": "cr:regex", "repeated": "cr:repeated", "replace": "cr:replace", "samplingRate": "cr:samplingRate",
    "sc": "https://schema.org/", "separator": "cr:separator", "source": "cr:source", "subField": "cr:subField",
    "transform": "cr:transform",
}
_CROISSANT_TYPES = {"string": "sc:Text", "int32": "sc:Integer", "int64": "sc:Integer", "bool": "sc:Boolean",
                    "float64": "sc:Float"}


def _croissant_field(field_id: str, feature: Any, source: dict[str, Any], path: str = "") -> dict[str, Any]:
    """A Croissant field for one feature; struct members become sub-fields read with a JSON path."""
    node: dict[str, Any] = {"@type": "cr:Field", "@id": field_id, "name": field_id.rsplit("/", 1)[1]}
    if isinstance(feature, List):
        feature = feature.feature
        node.update(isArray=True, arrayShape="-1")
        if isinstance(feature, dict):
            path = f"{path}[*]"
    if isinstance(feature, dict):
        node["subField"] = [_croissant_field(f"{field_id}/{name}", sub, source, f"{path}.{name}".lstrip("."))
                            for name, sub in feature.items()]
        return node
    if isinstance(feature, ClassLabel):
        node["dataType"] = "sc:Integer"
        node["description"] = "Class label: " + ", ".join(f"{i}={n}" for i, n in enumerate(feature.names))
    else:
        node["dataType"] = _CROISSANT_TYPES[feature.dtype]
    node["source"] = {**source, **({"transform": {"jsonPath": path}} if path else {})}
    return node


def croissant(tables: Tables, facts: CorpusFacts, numbers: dict[str, Any], links: Links) -> dict[str, Any]:
    """Croissant 1.1 metadata of the folder: one file set and one record set per config.

    ``url`` is the homepage given to the build; without one it is left out (mlcroissant then warns).
    """
    from .build import config_features

    distribution, record_sets = [], []
    for config, features in config_features().items():
        if not tables.configs[config]:
            continue
        file_set = f"parquet-files-for-config-{config}"
        distribution.append({"@type": "cr:FileSet", "@id": file_set, "name": file_set,
                             "description": f"The parquet shards of the {config} config.",
                             "encodingFormat": "application/x-parquet", "includes": f"data/{config}/*.parquet"})
        pattern = f"^(?:.*/)?data/{config}/({'|'.join(splits())})-.*\\.parquet$"
        split_field = {"@type": "cr:Field", "@id": f"{config}/split", "name": "split", "dataType": "sc:Text",
                       "source": {"fileSet": {"@id": file_set}, "extract": {"fileProperty": "fullpath"},
                                  "transform": {"regex": pattern}}}
        fields = [_croissant_field(f"{config}/{name}", feature,
                                   {"fileSet": {"@id": file_set}, "extract": {"column": name}})
                  for name, feature in features.items()]
        record_sets.append({"@type": "cr:RecordSet", "@id": config, "name": config,
                            "description": DESCRIPTIONS[config], "field": [split_field, *fields]})
    homepage = {"url": links.homepage} if links.homepage else {}
    return {
        "@context": CROISSANT_CONTEXT,
        "@type": "sc:Dataset",
        "conformsTo": "http://mlcommons.org/croissant/1.1",
        "name": PRETTY_NAME,
        "description": "News articles annotated with entities, temporal expressions, quotations and claims.",
        **homepage,
        "license": facts.license_id,
        "version": newsspan_version(),
        "inLanguage": sorted(facts.languages),
        "creator": {"@type": "sc:Organization", "name": "newsspan maintainers", **homepage},
        "citeAs": bibtex(facts, numbers, links),
        "keywords": ["news", "named-entity-recognition", "timex3", "quotation attribution", "claim detection"],
        "distribution": distribution,
        "recordSet": record_sets,
    }


def write_croissant(folder: Path, tables: Tables, facts: CorpusFacts, numbers: dict[str, Any], links: Links) -> Path:
    """Write the Croissant metadata to ``folder/croissant.json`` atomically and return its path.

    Raises ``files.FileExistsRefusal`` if the file already exists.
    """
    path = folder / "croissant.json"
    atomic_write_text(path, json.dumps(croissant(tables, facts, numbers, links), ensure_ascii=False, indent=2) + "\n")
    return path


# --- checksums -----------------------------------------------------------------------------------------

def sha256_file(path: Path) -> str:
    """Lower-case hex SHA-256 of a file's bytes, read in 1 MiB chunks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def write_manifest(folder: Path) -> Path:
    """``SHA256SUMS`` (``sha256sum -c`` format) of every file of the folder but itself."""
    from .build import MANIFEST

    files = sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST)
    path = folder / MANIFEST
    atomic_write_text(path, "".join(f"{sha256_file(folder / name)}  {name}\n" for name in files))
    return path


def verify_manifest(folder: Path) -> list[tuple[str, str]]:
    """``(problem, file)`` for every file missing from, changed since, or not listed in ``SHA256SUMS``."""
    from .build import MANIFEST

    listed: dict[str, str] = {}
    for line in (folder / MANIFEST).read_text(encoding="utf-8").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file() and p.name != MANIFEST}
    problems = [("missing", name) for name in sorted(set(listed) - present)]
    problems += [("unlisted", name) for name in sorted(present - set(listed))]
    problems += [("changed", name) for name in sorted(set(listed) & present)
                 if sha256_file(folder / name) != listed[name]]
    return problems
