"""``croissant.json``: Croissant 1.1 metadata of the folder, built with mlcroissant's own objects.

One file set and one record set per config; each feature becomes a ``cr:Field`` (struct members
sub-fields read with a JSON path, ClassLabel columns integers whose description lists the names).
mlcroissant writes the JSON-LD, its ``@context`` included, and validates the graph as it is built.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import mlcroissant as mlc
from datasets import ClassLabel, List

from ..files import atomic_write_text
from ..schema import splits
from .facts import PRETTY_NAME, CorpusFacts, Links, bibtex, newsspan_version
from .features import CROISSANT_NAME, DESCRIPTIONS, config_features
from .parquet import Tables

VERSION = "http://mlcommons.org/croissant/1.1"
DESCRIPTION = "News articles annotated with entities, temporal expressions, quotations and claims."
KEYWORDS = ["news", "named-entity-recognition", "timex3", "quotation attribution", "claim detection"]
_DATA_TYPES = {"string": mlc.DataType.TEXT, "int32": mlc.DataType.INTEGER, "int64": mlc.DataType.INTEGER,
               "bool": mlc.DataType.BOOL, "float64": mlc.DataType.FLOAT}


def _field(ctx: mlc.Context, field_id: str, feature: Any, file_set: str, column: str, path: str = "") -> mlc.Field:
    """A Croissant field for one feature; struct members become sub-fields read with a JSON path."""
    options: dict[str, Any] = {}
    if isinstance(feature, List):
        feature = feature.feature
        options.update(is_array=True, array_shape="-1")
        if isinstance(feature, dict):
            path = f"{path}[*]"
    name = field_id.rsplit("/", 1)[1]
    if isinstance(feature, dict):
        subs = [_field(ctx, f"{field_id}/{sub}", value, file_set, column, f"{path}.{sub}".lstrip("."))
                for sub, value in feature.items()]
        return mlc.Field(ctx=ctx, id=field_id, name=name, sub_fields=subs, **options)
    if isinstance(feature, ClassLabel):
        options.update(data_types=[mlc.DataType.INTEGER],
                       description="Class label: " + ", ".join(f"{i}={n}" for i, n in enumerate(feature.names)))
    else:
        options["data_types"] = [_DATA_TYPES[feature.dtype]]
    source = mlc.Source(ctx=ctx, file_set=file_set, extract=mlc.Extract(ctx=ctx, column=column),
                        transforms=[mlc.Transform(ctx=ctx, json_path=path)] if path else [])
    return mlc.Field(ctx=ctx, id=field_id, name=name, source=source, **options)


def _record_set(ctx: mlc.Context, config: str, features: Any) -> tuple[mlc.FileSet, mlc.RecordSet]:
    file_set = f"parquet-files-for-config-{config}"
    files = mlc.FileSet(ctx=ctx, id=file_set, name=file_set, description=f"The parquet shards of the {config} config.",
                        encoding_formats=["application/x-parquet"], includes=[f"data/{config}/*.parquet"])
    pattern = f"^(?:.*/)?data/{config}/({'|'.join(splits())})-.*\\.parquet$"
    path = mlc.Source(ctx=ctx, file_set=file_set, extract=mlc.Extract(ctx=ctx, file_property="fullpath"),
                      transforms=[mlc.Transform(ctx=ctx, regex=pattern)])
    split = mlc.Field(ctx=ctx, id=f"{config}/split", name="split", data_types=[mlc.DataType.TEXT], source=path)
    fields = [_field(ctx, f"{config}/{name}", feature, file_set, name) for name, feature in features.items()]
    return files, mlc.RecordSet(ctx=ctx, id=config, name=config, description=DESCRIPTIONS[config],
                                fields=[split, *fields])


def croissant(tables: Tables, facts: CorpusFacts, documents: int, links: Links) -> mlc.Metadata:
    """Croissant 1.1 metadata of the folder (``url``: the homepage given to the build, else none)."""
    ctx = mlc.Context(conforms_to=VERSION)
    distribution, record_sets = [], []
    for config, features in config_features().items():
        if tables.configs[config]:
            files, records = _record_set(ctx, config, features)
            distribution.append(files)
            record_sets.append(records)
    return mlc.Metadata(
        ctx=ctx, name=PRETTY_NAME, description=DESCRIPTION, url=links.homepage, license=[facts.license_id],
        version=newsspan_version(), in_language=sorted(facts.languages),
        creators=[mlc.Organization(ctx=ctx, name="newsspan maintainers", url=links.homepage)],
        cite_as=bibtex(facts, documents, links), keywords=KEYWORDS, distribution=distribution, record_sets=record_sets,
    )


def write_croissant(folder: Path, tables: Tables, facts: CorpusFacts, documents: int, links: Links) -> Path:
    """Write the Croissant metadata to ``folder/croissant.json`` atomically and return its path.

    Raises ``files.FileExistsRefusal`` if the file already exists.
    """
    path = folder / CROISSANT_NAME
    metadata = croissant(tables, facts, documents, links).to_json()
    atomic_write_text(path, json.dumps(metadata, ensure_ascii=False, indent=2) + "\n")
    return path
