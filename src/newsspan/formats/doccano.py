"""doccano JSONL, sequence labelling with relations: one line per document.

Shape (doccano's "JSONL (relation)" export)::

    {"text": "...", "entities": [{"id": 1, "label": "GPE", "start_offset": 0, "end_offset": 6}, ...],
     "relations": [{"id": 1, "from_id": 7, "to_id": 3, "type": "speaker"}, ...], "newsspan": {...}}

Offsets are UTF-16 code units, as doccano stores them in a sequence-labelling project whose
"Count grapheme clusters as one character" option (``grapheme_mode``) is off, its default: the
annotator (doccano/v-annotator) takes them from the browser's selection, which counts JavaScript
string units (doccano issue #2290). Export converts code points to UTF-16 and import converts back;
an offset inside a surrogate pair is reported. Projects in grapheme mode are not supported.

Labels: entity labels, TIMEX3 types,
``quotation:<form>``, ``claim:<type>``, and ``source``, ``cue``, ``dateline`` for sub-spans.
Relation types are the newsspan field names (``speaker``, ``claimant``, ``quotation``, ``anchor``,
``begin_point``, ``end_point``, ``source``, ``cue``). The ``newsspan`` column (doccano keeps extra
columns as metadata) carries the document id, seed, metadata and provenance.

doccano has no span attributes: TIMEX3 values, modifiers and ``dct`` anchors, Wikidata ids,
check-worthiness and notes are lost (an import marks TIMEX3 values unknown with X digits).
Import also accepts doccano's plain sequence-labelling shape (``"label": [[start, end, "GPE"], ...]``).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import Any

import orjson

from ..model import LABEL_FIELD, LAYERS, REFERENCES, Layer
from ..schema import claim_types, entity_labels, quotation_forms, timex_types
from ..text import Utf16Index
from ..validation.problems import pointer
from .base import (
    DocumentBuilder,
    DocumentWithText,
    ImportResult,
    SpanDraft,
    header_of,
    label_of,
    read_source_text,
    read_sources,
    slug,
    subspan_fields,
    unreadable,
    unreadable_file,
    write_text,
)

FILE_NAME = "corpus.jsonl"
PARTS = ("source", "cue", "dateline")
PREFIX = {"quotations": "quotation:", "claims": "claim:"}


@cache
def label_table() -> dict[str, tuple[str, str]]:
    """doccano label -> (layer or part, newsspan label); built from the schema's label sets."""
    table: dict[str, tuple[str, str]] = {}
    rows = [*((label, ("entities", label)) for label in entity_labels()),
            *((kind, ("dates", kind)) for kind in timex_types()),
            *((PREFIX["quotations"] + form, ("quotations", form)) for form in quotation_forms()),
            *((PREFIX["claims"] + kind, ("claims", kind)) for kind in claim_types()),
            *((part, (part, part)) for part in PARTS)]
    for name, target in rows:
        if name in table:
            raise RuntimeError(f"doccano label {name!r} would stand for both {table[name]} and {target}")
        table[name] = target
    return table


def doccano_label(layer: Layer, item: dict[str, Any]) -> str:
    """The doccano label of a layer's item: its label, prefixed ``quotation:`` or ``claim:`` for those layers."""
    return PREFIX.get(layer, "") + label_of(layer, item)


# --- export ------------------------------------------------------------------------------------

def export(docs: Iterable[DocumentWithText], out_dir: Path, *, overwrite: bool = False, **_options: Any) -> list[Path]:
    """Write every document as one line of ``corpus.jsonl``."""
    lines = [orjson.dumps(record(doc, text)).decode() for doc, text in docs]
    return [write_text(Path(out_dir) / FILE_NAME, "".join(line + "\n" for line in lines), overwrite=overwrite)]


def record(doc: dict[str, Any], text: str) -> dict[str, Any]:
    """The doccano record of one document."""
    entities: list[dict[str, Any]] = []
    links: list[tuple[int, int, str]] = []
    number: dict[str, int] = {}

    index = Utf16Index.of(text)

    def span(label: str, item: dict[str, Any]) -> int:
        entities.append({"id": len(entities) + 1, "label": label,
                         "start_offset": index.to_utf16(item["start"]), "end_offset": index.to_utf16(item["end"])})
        return len(entities)

    for layer in LAYERS:
        for item in doc[layer]:
            number[item["id"]] = span(doccano_label(layer, item), item)
            for name in subspan_fields(layer):
                if item[name]:
                    links.append((number[item["id"]], span(name, item[name]), name))
    if doc["metadata"].get("dateline"):
        span("dateline", doc["metadata"]["dateline"])
    for layer in LAYERS:
        for item in doc[layer]:
            for (ref_layer, name), _ in REFERENCES.items():
                if ref_layer == layer and isinstance(item.get(name), str) and item[name] != "dct":
                    links.append((number[item["id"]], number[item[name]], name))
    relations = [{"id": n, "from_id": a, "to_id": b, "type": kind} for n, (a, b, kind) in enumerate(links, 1)]
    return {"text": text, "entities": entities, "relations": relations, "newsspan": header_of(doc)}


# --- import ------------------------------------------------------------------------------------

def read(src: Path) -> ImportResult:
    """Documents from a doccano JSONL file (or every ``.jsonl`` file of a folder)."""
    return read_sources(src, (".jsonl",), "doccano .jsonl files", read_file)


def read_file(path: Path) -> ImportResult:
    """Documents of one doccano JSONL file, one per non-blank line (named ``<file stem>-<line>`` without a header).

    An unreadable file gives one ``import-unreadable`` problem; a line that is not JSON gives one too
    and the other lines are still read.
    """
    try:
        lines = read_source_text(path).split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        return unreadable_file(path, "a UTF-8 JSONL file", exc)
    result = ImportResult()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            result.problems.append(unreadable(path, "one JSON object per line", exc, where=f"line {n}"))
            continue
        builder = DocumentBuilder(str(path), "", None, slug(f"{path.stem}-{n}"))
        result.add(_read_record(builder, n, obj), builder.problems)
    return result


def _read_record(builder: DocumentBuilder, n: int, obj: Any) -> DocumentWithText | None:
    where = f"line {n}"
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        builder.problem(where, "import-malformed", "expected an object with the document's text under \"text\"; "
                                                   f"found {str(obj)[:60]!r}")
        return None
    if not builder.use_source(f"{where} /text", obj["text"]):
        return None
    header = obj.get("newsspan")
    builder.header = header if isinstance(header, dict) else {}
    if "id" in obj and not isinstance(header, dict):
        builder.fallback_id = slug(f"doccano-{obj['id']}")
    spans = _spans(builder, where, obj)
    _relations(builder, where, _listed(builder, where, obj, "relations"), spans)
    return builder.build()


def _listed(builder: DocumentBuilder, where: str, obj: dict[str, Any], key: str) -> list[Any]:
    """The list under ``key`` (empty when missing or null); anything else is a problem."""
    value = obj.get(key)
    if value is None or isinstance(value, list):
        return value or []
    builder.problem(f"{where} {pointer(key)}", "import-malformed", f"expected a list of {key}; found {value!r}"[:160])
    return []


Found = dict[str, SpanDraft | tuple[str, tuple[int, int]]]


def _spans(builder: DocumentBuilder, where: str, obj: dict[str, Any]) -> Found:
    """Drafts (layers) and parts (sub-spans) by doccano span id."""
    if "entities" in obj:
        rows = [(pointer("entities", k), e.get("id") if isinstance(e, dict) else None,
                 *(e.get(f) if isinstance(e, dict) else None for f in ("start_offset", "end_offset", "label")))
                for k, e in enumerate(_listed(builder, where, obj, "entities"))]
    else:
        rows = [(pointer("label", k), None, *(s if isinstance(s, list) and len(s) == 3 else (None, None, None)))
                for k, s in enumerate(_listed(builder, where, obj, "label"))]
    found: Found = {}
    label_map = builder.options.label_map
    for k, (ptr, span_id, start, end, label) in enumerate(rows):
        place = f"{where} {ptr}"
        key = str(span_id if span_id is not None else f"#{k}")
        offsets = builder.source_span(place, start, end, utf16=True)
        if offsets is None:
            builder.reject(key)
            continue
        start, end = offsets
        own = label_table().get(label) if isinstance(label, str) else None
        if own is None or (label_map and label in label_map.entries):
            mapped = builder.target(place, label, builder.text[start:end], key=key)
            if mapped is None:
                continue
            own = mapped
        kind, value = own
        if kind == "dateline":
            builder.dateline = (start, end)
        elif kind in PARTS:
            found[key] = (kind, (start, end))
        else:
            draft = SpanDraft(kind, key, start, end, fields={LABEL_FIELD[kind]: value}, where=place)  # type: ignore[arg-type]
            found[key] = draft
            builder.add(draft)
    return found


def _relations(builder: DocumentBuilder, where: str, relations: list[Any], spans: Found) -> None:
    for k, rel in enumerate(relations):
        place = f"{where} {pointer('relations', k)}"
        rel = rel if isinstance(rel, dict) else {}
        source, target, kind = spans.get(str(rel.get("from_id"))), spans.get(str(rel.get("to_id"))), rel.get("type")
        if any(builder.attached_to_skipped(place, str(rel.get(end)), str(kind)) for end in ("from_id", "to_id")):
            continue
        if not isinstance(source, SpanDraft) or target is None:
            builder.dangling(place, (str(rel.get("from_id")), str(rel.get("to_id"))),
                            f"expected from_id and to_id naming spans of this line (from_id a layer span); "
                            f"found {rel.get('from_id')!r} -> {rel.get('to_id')!r}")
        elif not isinstance(kind, str):
            builder.problem(f"{place}/type", "import-malformed", f"expected a relation type; found {kind!r}"[:160])
        elif kind in subspan_fields(source.layer) and isinstance(target, tuple) and target[0] == kind:
            source.subspans[kind] = target[1]
        elif (source.layer, kind) in REFERENCES and isinstance(target, SpanDraft):
            source.links[kind] = target.key  # type: ignore[index]
        else:
            builder.unknown(place, str(kind), f"{rel.get('from_id')} -> {rel.get('to_id')}",
                            f"a relation a {source.layer} span can have towards this span",
                            "a relation type newsspan has no place for")
