"""W3C Web Annotation (JSON-LD): ``<id>.jsonld`` (an AnnotationCollection) + ``<id>.txt`` (its target).

Each span is one ``Annotation`` whose target is the text file with two selectors:
``TextPositionSelector`` (code points, as the Web Annotation model prescribes) and
``TextQuoteSelector`` (exact text with 32 characters of prefix and suffix). Bodies carry:

- the label (``purpose: tagging``): entity label, TIMEX3 type, quotation form or claim type;
- attributes (``purpose: describing``, with ``attribute``: ``value``, ``mod``, ``anchor`` = ``dct``,
  ``checkworthy`` = ``true``/``false``);
- the note (``purpose: commenting``) and the Wikidata item (``purpose: identifying``);
- links (``purpose: linking``, ``role`` = field name, ``source`` = the id of the annotation named).

Quotation sources and cues and the dateline are annotations of their own (``layer`` ``source``,
``cue``, ``dateline``). The collection carries the document's id, seed, metadata and provenance
(``newsspan``), so the round trip is lossless. ``layer``, ``attribute``, ``role`` and ``newsspan`` are
defined in the document's own JSON-LD context (vocabulary ``urn:newsspan:vocab#``).

Import re-anchors a span by its quote (with prefix and suffix) when the position no longer matches
and the quote occurs exactly once; otherwise it reports the span.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import orjson

from ..model import LABEL_FIELD, LAYERS, REFERENCES
from ..reading import ReadRefused, read_regular
from ..validation.problems import pointer
from .base import (
    DocumentBuilder,
    DocumentWithText,
    ImportResult,
    SourceText,
    SpanDraft,
    header_of,
    label_of,
    read_source,
    read_sources,
    slug,
    subspan_fields,
    unreadable_file,
    write_json,
    write_text,
)

CONTEXT: list[Any] = [
    "http://www.w3.org/ns/anno.jsonld",
    {"ns": "urn:newsspan:vocab#", "layer": "ns:layer", "attribute": "ns:attribute", "role": "ns:role",
     "newsspan": {"@id": "ns:document", "@type": "@json"}},
]
QUOTE_CONTEXT = 32
WIKIDATA = "http://www.wikidata.org/entity/"
PARTS = ("source", "cue", "dateline")
#: Attributes carried as describing bodies: layer -> fields.
ATTRIBUTES: dict[str, tuple[str, ...]] = {"dates": ("value", "mod", "anchor"), "claims": ("checkworthy",)}


def annotation_id(doc_id: str, key: str) -> str:
    """The IRI ``urn:newsspan:<doc_id>:<key>`` of an annotation (or the collection or page) of a document."""
    return f"urn:newsspan:{doc_id}:{key}"


# --- export ------------------------------------------------------------------------------------

def export(docs: Iterable[DocumentWithText], out_dir: Path, *, overwrite: bool = False, **_options: Any) -> list[Path]:
    """Write ``<id>.txt`` and ``<id>.jsonld`` per document."""
    out_dir = Path(out_dir)
    written = []
    for doc, text in docs:
        written.append(write_text(out_dir / f"{doc['id']}.txt", text, overwrite=overwrite))
        written.append(write_json(out_dir / f"{doc['id']}.jsonld", collection(doc, text), overwrite=overwrite))
    return written


def collection(doc: dict[str, Any], text: str) -> dict[str, Any]:
    """The AnnotationCollection of one document."""
    doc_id, source = doc["id"], f"{doc['id']}.txt"
    items: list[dict[str, Any]] = []

    def annotate(key: str, layer: str, span: dict[str, Any], bodies: list[dict[str, Any]]) -> None:
        items.append({"id": annotation_id(doc_id, key), "type": "Annotation", "layer": layer,
                      "motivation": "tagging" if layer in LAYERS else "identifying",
                      "body": bodies, "target": target(source, text, span["start"], span["end"])})

    for layer in LAYERS:
        for item in doc[layer]:
            bodies = [_tag(label_of(layer, item))]
            bodies += [_describe(name, item[name]) for name in ATTRIBUTES.get(layer, ())
                       if item.get(name) is not None and not (name == "anchor" and item[name] != "dct")]
            if "kb_id" in item:
                bodies.append({"type": "SpecificResource", "purpose": "identifying",
                               "source": WIKIDATA + item["kb_id"]})
            if "note" in item:
                bodies.append({"type": "TextualBody", "purpose": "commenting", "value": item["note"]})
            for (ref_layer, name), _ in REFERENCES.items():
                if ref_layer == layer and isinstance(item.get(name), str) and item[name] != "dct":
                    bodies.append(_link(name, annotation_id(doc_id, item[name])))
            for name in subspan_fields(layer):
                if item[name]:
                    key = f"{item['id']}-{name}"
                    annotate(key, name, item[name], [_tag(name)])
                    bodies.append(_link(name, annotation_id(doc_id, key)))
            annotate(item["id"], layer, item, bodies)
    if doc["metadata"].get("dateline"):
        annotate("dateline", "dateline", doc["metadata"]["dateline"], [_tag("dateline")])
    return {"@context": CONTEXT, "id": annotation_id(doc_id, "annotations"), "type": "AnnotationCollection",
            "label": f"newsspan annotations of {doc_id}", "total": len(items), "newsspan": header_of(doc),
            "first": {"id": annotation_id(doc_id, "page1"), "type": "AnnotationPage", "startIndex": 0, "items": items}}


def target(source: str, text: str, start: int, end: int) -> dict[str, Any]:
    """A Web Annotation target: text file ``source`` with a position and a quote selector for ``start:end``."""
    return {"source": source, "selector": [
        {"type": "TextPositionSelector", "start": start, "end": end},
        {"type": "TextQuoteSelector", "exact": text[start:end],
         "prefix": text[max(0, start - QUOTE_CONTEXT):start], "suffix": text[end:end + QUOTE_CONTEXT]},
    ]}


def _tag(value: str) -> dict[str, Any]:
    return {"type": "TextualBody", "purpose": "tagging", "value": value}


def _describe(name: str, value: Any) -> dict[str, Any]:
    shown = ("true" if value else "false") if isinstance(value, bool) else str(value)
    return {"type": "TextualBody", "purpose": "describing", "attribute": name, "value": shown}


def _link(role: str, annotation: str) -> dict[str, Any]:
    return {"type": "SpecificResource", "purpose": "linking", "role": role, "source": annotation}


# --- import ------------------------------------------------------------------------------------

def read(src: Path) -> ImportResult:
    """Documents from ``.jsonld`` files (a file, or every one of a folder) and the text files they target."""
    return read_sources(src, (".jsonld",), "Web Annotation .jsonld files", read_file)


def read_file(path: Path) -> ImportResult:
    """The document of one ``.jsonld`` file, with the canonical text of the text file its annotations target.

    An unreadable file, an unrecognised shape or a missing or unreadable target text is reported as a
    problem and gives no document.
    """
    try:
        data = orjson.loads(read_source(path))
    except (OSError, orjson.JSONDecodeError) as exc:
        return unreadable_file(path, "a JSON-LD file", exc)
    builder = DocumentBuilder(str(path), "", None, slug(path.stem))
    items, base = _items(data)
    if items is None:
        builder.problem("", "import-malformed", "expected an AnnotationCollection (first.items), an AnnotationPage "
                                                "(items), a list of annotations or one annotation; found none")
        return ImportResult([], builder.problems)
    header = data.get("newsspan") if isinstance(data, dict) else None
    builder.header = header if isinstance(header, dict) else {}
    source = _source_text(builder, path, items, base)
    if source is not None:
        _Annotations(builder, source, base).read(items)
    doc = builder.build() if source is not None else None
    return ImportResult([doc] if doc else [], builder.problems)


def _items(data: Any) -> tuple[list[Any] | None, tuple[str | int, ...]]:
    """The annotations of a file and the JSON pointer parts where they are."""
    if isinstance(data, list):
        return data, ()
    if not isinstance(data, dict):
        return None, ()
    if isinstance(data.get("first"), dict) and isinstance(data["first"].get("items"), list):
        return data["first"]["items"], ("first", "items")
    if isinstance(data.get("items"), list):
        return data["items"], ("items",)
    return ([data], ()) if data.get("type") == "Annotation" else (None, ())


def _source_text(builder: DocumentBuilder, path: Path, items: list[Any],
                 base: tuple[str | int, ...]) -> SourceText | None:
    """The text the annotations target: one local file, named relative to the ``.jsonld`` file."""
    targets = [a["target"] for a in items if isinstance(a, dict) and isinstance(a.get("target"), dict)]
    sources = {t.get("source") if isinstance(t.get("source"), str) else repr(t.get("source")) + " (not a file name)"
               for t in targets} or {f"{path.stem}.txt"}
    if len(sources) != 1 or next(iter(sources)).endswith(" (not a file name)"):
        builder.problem(pointer(*base), "import-malformed",
                        f"expected every annotation to target one text file; found {sorted(map(str, sources))}")
        return None
    name = next(iter(sources))
    mapped = builder.options.source_map.get(name)
    if mapped is None and _is_iri(name):
        builder.problem(pointer(*base), "import-unreadable",
                        f"expected a local text for the target IRI {name}; found none (give it with "
                        f"--source-map {name}=FILE)")
        return None
    file = mapped if mapped is not None else path.parent / name
    try:
        source = SourceText.of(read_regular(str(file)) if mapped is not None else read_source(file))
    except (OSError, UnicodeDecodeError) as exc:
        where = "given by --source-map" if mapped is not None else f"next to {path.name}"
        builder.problem(pointer(*base), exc.code if isinstance(exc, ReadRefused) else "import-unreadable",
                        f"expected the target text {file} ({where}) as a UTF-8 file; found {exc}")
        return None
    builder.text = source.canonical
    return source


class _Annotations:
    """Turns the annotations of one collection into span drafts."""

    def __init__(self, builder: DocumentBuilder, source: SourceText, base: tuple[str | int, ...]):
        self.builder = builder
        self.source = source
        self.base = base
        self.drafts: dict[str, SpanDraft] = {}
        self.parts: dict[str, tuple[str, tuple[int, int]]] = {}
        self.pending: list[tuple[str, SpanDraft, list[dict[str, Any]]]] = []

    def read(self, items: list[Any]) -> None:
        for k, annotation in enumerate(items):
            where = pointer(*self.base, k)
            if isinstance(annotation, dict):
                self._annotation(where, annotation)
            else:
                self.builder.problem(where, "import-malformed",
                                     f"expected an annotation object; found {annotation!r}"[:120])
        for where, draft, links in self.pending:
            self._links(where, draft, links)

    def _annotation(self, where: str, a: dict[str, Any]) -> None:
        bodies = a.get("body", [])
        bodies = [b for b in (bodies if isinstance(bodies, list) else [bodies]) if isinstance(b, dict)]
        tags = [b.get("value") for b in bodies if b.get("purpose") == "tagging"]
        layer = a.get("layer")
        if len(tags) != 1 or (layer is not None and layer not in (*LAYERS, *PARTS)):
            self.builder.problem(where, "import-unknown-label",
                                 f"expected one tagging body and no layer or one of {', '.join((*LAYERS, *PARTS))}; "
                                 f"found tags {tags!r} and layer {layer!r}")
            return
        offsets = self._offsets(where, a.get("target"))
        if offsets is None:
            return
        key = str(a.get("id"))
        if layer is None or (self.builder.options.label_map and tags[0] in self.builder.options.label_map.entries):
            target = self.builder.target(where, tags[0], self.builder.text[slice(*offsets)], key=key)
            if target is None:
                return
            layer, tags = target[0], [target[1]]
        if layer == "dateline":
            self.builder.dateline = offsets
        elif layer in PARTS:
            self.parts[key] = (layer, offsets)
        else:
            draft = SpanDraft(layer, key, *offsets, fields={LABEL_FIELD[layer]: tags[0]}, where=where,
                              proposed_id=key.rsplit(":", 1)[-1])
            self._attributes(where, draft, bodies)
            self.drafts[key] = draft
            self.builder.add(draft)
            self.pending.append((where, draft, [b for b in bodies if b.get("purpose") == "linking"]))

    def _offsets(self, where: str, target: Any) -> tuple[int, int] | None:
        selectors = target.get("selector", []) if isinstance(target, dict) else []
        selectors = selectors if isinstance(selectors, list) else [selectors]
        by_type = {s["type"]: s for s in selectors if isinstance(s, dict) and isinstance(s.get("type"), str)}
        position, quote = by_type.get("TextPositionSelector"), by_type.get("TextQuoteSelector")
        raw = self.source.raw
        if (position and quote and _covered(raw, position) != quote.get("exact")) or (not position and quote):
            position = self._reanchor(where, quote)
        if not position:
            if not quote:
                self.builder.problem(where + "/target", "import-malformed",
                                     "expected a TextPositionSelector or TextQuoteSelector; found neither")
            return None
        start, end = position.get("start"), position.get("end")
        if not self.builder.check_span(where + "/target", start, end):
            return None
        start, end = self.source.to_canonical(start), self.source.to_canonical(end)
        return (start, end) if self.builder.check_span(where + "/target", start, end) else None

    def _reanchor(self, where: str, quote: dict[str, Any]) -> dict[str, Any] | None:
        """The position of a quote (with prefix and suffix) that occurs exactly once in the text."""
        texts = [quote.get(k) for k in ("prefix", "exact", "suffix")]
        if not all(text is None or isinstance(text, str) for text in texts):
            self.builder.problem(where + "/target", "import-malformed", "expected strings as the prefix, exact and "
                                 f"suffix of a TextQuoteSelector; found {texts!r}"[:160])
            return None
        prefix, exact, suffix = (text or "" for text in texts)
        needle, raw, hits = prefix + exact + suffix, self.source.raw, []
        at = raw.find(needle) if exact else -1
        while at != -1 and len(hits) < 2:
            hits.append(at + len(prefix))
            at = raw.find(needle, at + 1)
        if len(hits) != 1:
            self.builder.problem(where + "/target", "import-text-mismatch",
                                 f"expected the quote {exact[:40]!r} (with its prefix and suffix) at its position or "
                                 f"exactly once in the text; found it {len(hits) if hits else 'no'} time(s)")
            return None
        return {"start": hits[0], "end": hits[0] + len(exact)}

    def _attributes(self, where: str, draft: SpanDraft, bodies: list[dict[str, Any]]) -> None:
        for body in bodies:
            purpose, value = body.get("purpose"), body.get("value")
            if purpose == "describing" and body.get("attribute") in ATTRIBUTES.get(draft.layer, ()):
                name = body["attribute"]
                if name == "checkworthy":
                    value = {"true": True, "false": False}.get(value, value)
                draft.fields[name] = value
            elif purpose == "commenting":
                draft.fields["note"] = value
            elif purpose == "identifying" and draft.layer == "entities" and _is_wikidata(body.get("source")):
                draft.fields["kb_id"] = body["source"][len(WIKIDATA):]
            elif purpose not in ("tagging", "linking"):
                self.builder.unknown(where + "/body", str(purpose), str(body)[:80],
                                     f"bodies newsspan can hold for {draft.layer}", "a body newsspan has no place for")

    def _links(self, where: str, draft: SpanDraft, links: list[dict[str, Any]]) -> None:
        for body in links:
            role, target = body.get("role"), str(body.get("source"))
            if self.builder.attached_to_skipped(where + "/body", target, str(role)):
                continue
            if role in subspan_fields(draft.layer) and self.parts.get(target, ("",))[0] == role:
                draft.subspans[role] = self.parts[target][1]
            elif (draft.layer, role) in REFERENCES and target in self.drafts:
                draft.links[role] = target
            else:
                self.builder.problem(where + "/body", "import-dangling-link",
                                     f"expected a {role!r} link to an annotation of this collection; found {target!r}")


def _is_iri(name: str) -> bool:
    """Whether a target source is an IRI (``http://...``, ``urn:...``) rather than a file name next to the file."""
    return re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", name) is not None and not re.match(r"^[A-Za-z]:[\\/]", name)


def _is_wikidata(source: Any) -> bool:
    return isinstance(source, str) and source.startswith(WIKIDATA)


def _covered(raw: str, position: dict[str, Any]) -> str | None:
    start, end = position.get("start"), position.get("end")
    if type(start) is int and type(end) is int and 0 <= start < end <= len(raw):
        return raw[start:end]
    return None
