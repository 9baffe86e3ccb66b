"""UIMA CAS XMI for INCEpTION (via dkpro-cassis): ``<id>.xmi`` per document + ``TypeSystem.xml``.

Type system (names follow INCEpTION's custom-layer convention ``webanno.custom.*``):

- ``NewsspanEntity`` (``label``, ``kbId``), ``NewsspanTimex3`` (``timexType``, ``value``, ``mod``,
  ``anchorDct`` and the references ``anchor``, ``beginPoint``, ``endPoint`` to other Timex3),
  ``NewsspanQuotation`` (``form``; references ``source``, ``cue`` to ``NewsspanQuotationSource`` /
  ``NewsspanQuotationCue`` and ``speaker`` to an entity), ``NewsspanClaim`` (``claimType``,
  ``checkworthy`` = ``true``/``false``/unset; references ``claimant`` and ``quotation``), and
  ``NewsspanDateline``; every layer type has ``note`` and ``newsspanId``;
- ``NewsspanDocument`` (not an annotation): the document id and, as JSON, seed, metadata and provenance.

XMI counts offsets in UTF-16 code units (Java strings); dkpro-cassis converts them to and from
code points when it reads and writes, so documents with astral characters round-trip exactly.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from io import BytesIO
from pathlib import Path
from typing import Any

from ..model import LABEL_FIELD, LAYERS, Layer
from ..reading import ReadRefused
from .base import (
    DocumentBuilder,
    DocumentWithText,
    ImportResult,
    Skipped,
    SpanDraft,
    read_listed,
    read_source,
    slug,
    source_files,
    unreadable,
    unreadable_file,
    write_text,
)

NS = "webanno.custom."
STRING, BOOLEAN = "uima.cas.String", "uima.cas.Boolean"
TYPE = {"entities": NS + "NewsspanEntity", "dates": NS + "NewsspanTimex3", "quotations": NS + "NewsspanQuotation",
        "claims": NS + "NewsspanClaim"}
PART_TYPE = {"source": NS + "NewsspanQuotationSource", "cue": NS + "NewsspanQuotationCue",
             "dateline": NS + "NewsspanDateline"}
DOCUMENT_TYPE = NS + "NewsspanDocument"
#: INCEpTION's built-in named entity layer (DKPro Core), and what a CAS holds about the document itself.
NAMED_ENTITY = "de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"
DOCUMENT_TYPES = ("uima.tcas.DocumentAnnotation", "de.tudarmstadt.ukp.dkpro.core.api.metadata.type.DocumentMetaData")
WIKIDATA = "http://www.wikidata.org/entity/"
TYPESYSTEM_FILE = "TypeSystem.xml"
OWN_TYPES = frozenset([*TYPE.values(), *PART_TYPE.values(), DOCUMENT_TYPE])
#: Primitive features: layer -> (newsspan field, UIMA feature) pairs (the label field first).
FEATURES: dict[Layer, tuple[tuple[str, str], ...]] = {
    "entities": (("label", "label"), ("kb_id", "kbId")),
    "dates": (("type", "timexType"), ("value", "value"), ("mod", "mod")),
    "quotations": (("form", "form"),),
    "claims": (("type", "claimType"), ("checkworthy", "checkworthy")),
}
#: Reference features: layer -> (newsspan field, UIMA feature, range type).
REFERENCES: dict[Layer, tuple[tuple[str, str, str], ...]] = {
    "entities": (),
    "dates": (("anchor", "anchor", TYPE["dates"]), ("begin_point", "beginPoint", TYPE["dates"]),
              ("end_point", "endPoint", TYPE["dates"])),
    "quotations": (("speaker", "speaker", TYPE["entities"]),),
    "claims": (("claimant", "claimant", TYPE["entities"]), ("quotation", "quotation", TYPE["quotations"])),
}


@cache
def typesystem_xml() -> str:
    """The type system as XML (built once; :func:`typesystem` parses a fresh copy)."""
    from cassis import TypeSystem

    ts = TypeSystem()
    for name in [*PART_TYPE.values(), *TYPE.values()]:
        ts.create_type(name, "uima.tcas.Annotation")
    for layer, features in FEATURES.items():
        for _, feature in features:
            ts.create_feature(TYPE[layer], feature, STRING)
        for _, feature, range_type in REFERENCES[layer]:
            ts.create_feature(TYPE[layer], feature, range_type)
        ts.create_feature(TYPE[layer], "note", STRING)
        ts.create_feature(TYPE[layer], "newsspanId", STRING)
    ts.create_feature(TYPE["dates"], "anchorDct", BOOLEAN)
    ts.create_feature(TYPE["quotations"], "source", PART_TYPE["source"])
    ts.create_feature(TYPE["quotations"], "cue", PART_TYPE["cue"])
    ts.create_type(DOCUMENT_TYPE, "uima.cas.TOP")
    ts.create_feature(DOCUMENT_TYPE, "documentId", STRING)
    ts.create_feature(DOCUMENT_TYPE, "header", STRING)
    return ts.to_xml()


def typesystem() -> Any:
    """A fresh dkpro-cassis ``TypeSystem`` parsed from :func:`typesystem_xml` (callers may extend it safely)."""
    from cassis import load_typesystem

    return load_typesystem(typesystem_xml())


# --- export ------------------------------------------------------------------------------------

def export(docs: Iterable[DocumentWithText], out_dir: Path, *, overwrite: bool = False, **_options: Any) -> list[Path]:
    """Write ``TypeSystem.xml`` and ``<id>.xmi`` per document."""
    out_dir = Path(out_dir)
    ts = typesystem()
    written = [write_text(out_dir / TYPESYSTEM_FILE, typesystem_xml(), overwrite=overwrite)]
    for doc, text in docs:
        written.append(write_text(out_dir / f"{doc['id']}.xmi", to_cas(doc, text, ts).to_xmi(), overwrite=overwrite))
    return written


def to_cas(doc: dict[str, Any], text: str, ts: Any) -> Any:
    """One document as a CAS of the newsspan type system."""
    from cassis import Cas

    cas = Cas(typesystem=ts)
    cas.sofa_string = text
    structures: dict[str, Any] = {}
    for layer in LAYERS:
        for item in doc[layer]:
            fs = ts.get_type(TYPE[layer])(begin=item["start"], end=item["end"], newsspanId=item["id"])
            for name, feature in (*FEATURES[layer], ("note", "note")):
                if item.get(name) is not None:
                    value = item[name]
                    fs.set(feature, ("true" if value else "false") if isinstance(value, bool) else value)
            if layer == "dates":
                fs.anchorDct = item["anchor"] == "dct"
            for name in ("source", "cue") if layer == "quotations" else ():
                if item[name]:
                    part = ts.get_type(PART_TYPE[name])(begin=item[name]["start"], end=item[name]["end"])
                    cas.add(part)
                    fs.set(name, part)
            structures[item["id"]] = (layer, item, fs)
            cas.add(fs)
    for layer, item, fs in structures.values():
        for name, feature, _ in REFERENCES[layer]:
            if isinstance(item.get(name), str) and item[name] in structures:
                fs.set(feature, structures[item[name]][2])
    if doc["metadata"].get("dateline"):
        line = doc["metadata"]["dateline"]
        cas.add(ts.get_type(PART_TYPE["dateline"])(begin=line["start"], end=line["end"]))
    header = {key: doc[key] for key in ("seed", "metadata", "annotation")}
    cas.add(ts.get_type(DOCUMENT_TYPE)(documentId=doc["id"], header=json.dumps(header, ensure_ascii=False)))
    return cas


# --- import ------------------------------------------------------------------------------------

def read(src: Path) -> ImportResult:
    """Documents from ``.xmi`` files (a file, or every one of a folder), with the folder's ``TypeSystem.xml``."""
    files = source_files(Path(src), (".xmi",))
    ts, problem = _typesystem_for(files[0].parent) if files else (None, None)
    if problem:
        return ImportResult(problems=[problem])
    return read_listed(files, Path(src), "UIMA CAS .xmi files", lambda path: read_file(path, ts))


def _typesystem_for(folder: Path) -> tuple[Any, Any]:
    """The newsspan type system, merged with the folder's own type system file if it has one."""
    from cassis import load_typesystem, merge_typesystems

    ours = typesystem()
    found = [p for p in folder.iterdir() if p.name.lower() == TYPESYSTEM_FILE.lower()] if folder.is_dir() else []
    if not found:
        return ours, None
    try:
        return merge_typesystems(ours, load_typesystem(read_source(found[0]).decode("utf-8"))), None
    except Exception as exc:
        return None, unreadable(found[0], "a UIMA type system compatible with newsspan's", exc)


def read_file(path: Path, ts: Any) -> ImportResult:
    """One document from one XMI file."""
    from cassis import load_cas_from_xmi

    try:
        cas = load_cas_from_xmi(BytesIO(read_source(path)), typesystem=ts, lenient=True)
    except ReadRefused as exc:
        return unreadable_file(path, "UIMA CAS XMI", exc)
    except Exception as exc:
        return unreadable_file(path, "UIMA CAS XMI", f"{type(exc).__name__}: {exc}")
    builder = DocumentBuilder(str(path), "", None, slug(path.stem))
    if not builder.use_source("sofa", cas.sofa_string or ""):
        return ImportResult([], builder.problems)
    _header(builder, cas)
    drafts: dict[int, tuple[SpanDraft, Any]] = {}
    for layer in LAYERS:
        for fs in cas.select(TYPE[layer]):
            where = f"xmi:id {fs.xmiID}"
            offsets = builder.source_span(where, fs.begin, fs.end)
            if offsets is None:
                builder.reject(str(fs.xmiID))
            draft = _draft(builder, layer, fs, where, offsets) if offsets else None
            if draft is not None:
                drafts[fs.xmiID] = (draft, fs)
    for draft, fs in drafts.values():
        _resolve(builder, draft, fs, drafts)
    for fs in cas.select(PART_TYPE["dateline"]):
        builder.dateline = builder.source_span(f"xmi:id {fs.xmiID}", fs.begin, fs.end) or builder.dateline
    for fs in cas.select_all_annotations():
        if fs.type.name == NAMED_ENTITY or _is_foreign_custom(fs.type.name):
            _foreign_span(builder, fs)
    _count_not_imported(builder, cas)
    doc = builder.build()
    return ImportResult([doc] if doc else [], builder.problems)


def _is_foreign_custom(name: str) -> bool:
    """An INCEpTION custom layer (``webanno.custom.*``) that is not one of newsspan's own types."""
    return name.startswith(NS) and name not in OWN_TYPES


def _foreign_span(builder: DocumentBuilder, fs: Any) -> None:
    """A span of INCEpTION's NamedEntity layer or of a custom layer, through the label map.

    NamedEntity: the label is its ``value``, a Wikidata ``identifier`` becomes ``kb_id``. A custom
    layer: the label map may name the layer (``Quote: quotations/direct``); otherwise the label is the
    value of its ``value`` or ``label`` feature, or of its only string feature, else the layer's name.
    """
    where = f"xmi:id {fs.xmiID} ({fs.type.name})"
    offsets = builder.source_span(where, fs.begin, fs.end)
    if offsets is None:
        return
    short = fs.type.name.rsplit(".", 1)[-1]
    label_map = builder.options.label_map
    label = short if label_map and short in label_map.entries else _label_feature(fs) or short
    target = builder.target(where, label, builder.text[slice(*offsets)], None, key=str(fs.xmiID))
    if target is None:
        return
    layer, name = target
    fields: dict[str, Any] = {LABEL_FIELD[layer]: name}
    identifier = fs.get("identifier") if fs.type.name == NAMED_ENTITY else None
    if layer == "entities" and isinstance(identifier, str) and identifier.startswith(WIKIDATA):
        fields["kb_id"] = identifier[len(WIKIDATA):]
    builder.add(SpanDraft(layer, str(fs.xmiID), *offsets, fields=fields, where=where))


def _label_feature(fs: Any) -> str | None:
    """The label-like string feature of an annotation (``value``, ``label``, or its only string feature)."""
    strings = [f.name for f in fs.type.all_features if f.rangeType.name == STRING]
    for name in ("value", "label", *(strings if len(strings) == 1 else [])):
        if name in strings and isinstance(fs.get(name), str) and fs.get(name):
            return fs.get(name)
    return None


def _count_not_imported(builder: DocumentBuilder, cas: Any) -> None:
    """List every annotation type of the CAS that the import does not carry, with its count (one entry per type)."""
    counts: dict[str, int] = {}
    for fs in cas.select_all_annotations():
        name = fs.type.name
        if name in OWN_TYPES or name == NAMED_ENTITY or _is_foreign_custom(name) or name in DOCUMENT_TYPES:
            continue
        counts[name] = counts.get(name, 0) + 1
    for name, count in sorted(counts.items()):
        builder.options.skipped.append(Skipped(builder.file, "", name, f"{count} annotation(s)",
                                               "an annotation type newsspan does not import"))


def _header(builder: DocumentBuilder, cas: Any) -> None:
    documents = list(cas.select(DOCUMENT_TYPE))
    if not documents:
        return
    info = documents[0]
    try:
        header = json.loads(info.header or "{}")
    except json.JSONDecodeError as exc:
        builder.problem(f"xmi:id {info.xmiID}", "import-malformed",
                        f"expected the document header as JSON; found {exc}")
        return
    builder.header = {"id": info.documentId, **header} if info.documentId else header


def _draft(builder: DocumentBuilder, layer: Layer, fs: Any, where: str, offsets: tuple[int, int]) -> SpanDraft | None:
    fields: dict[str, Any] = {}
    for name, feature in (*FEATURES[layer], ("note", "note")):
        value = fs.get(feature)
        if value is not None:
            fields[name] = {"true": True, "false": False}.get(value, value) if name == "checkworthy" else value
    if layer == "dates" and fs.get("anchorDct"):
        fields["anchor"] = "dct"
    if LABEL_FIELD[layer] not in fields:
        builder.problem(where, "import-malformed", f"expected a {FEATURES[layer][0][1]} feature on the {layer} span "
                                                   f"{fs.begin}:{fs.end}; found none")
        return None
    draft = SpanDraft(layer, str(fs.xmiID), *offsets, fields=fields, where=where,
                      proposed_id=fs.get("newsspanId"))
    builder.add(draft)
    return draft


def _resolve(builder: DocumentBuilder, draft: SpanDraft, fs: Any, drafts: dict[int, tuple[SpanDraft, Any]]) -> None:
    """Links and sub-spans of one draft from the feature structure's reference features."""
    for name, feature, _ in REFERENCES[draft.layer]:
        target = fs.get(feature)
        if target is None:
            continue
        if target.xmiID in drafts:
            draft.links[name] = str(target.xmiID)
        else:
            builder.dangling(draft.where, (str(target.xmiID),),
                            f"expected {feature} to name a span of this document; found xmi:id {target.xmiID}")
    for name in ("source", "cue") if draft.layer == "quotations" else ():
        part = fs.get(name)
        offsets = builder.source_span(draft.where, part.begin, part.end) if part is not None else None
        if offsets:
            draft.subspans[name] = offsets
