"""brat standoff: ``<id>.txt`` + ``<id>.ann`` per document, and a generated ``annotation.conf``/``tools.conf``.

Mapping (one ``.ann`` line kind per role):

- T lines: entities (type = entity label), dates (type = TIMEX3 type), ``Quotation``, ``Claim``,
  and the sub-spans ``Source``, ``Cue`` and ``Dateline``. A span that crosses a line break is written
  as discontinuous fragments split at the line breaks (brat draws one fragment per line); on import,
  fragments separated only by whitespace join back into one span, others are reported.
- A lines: ``TimexValue``, ``TimexMod``, ``AnchorDCT`` (binary) on dates; ``Form`` on quotations;
  ``ClaimType`` and ``Checkworthy`` on claims.
- N lines: an entity's Wikidata QID (``Reference T3 Wikidata:Q42``).
- R lines: ``Speaker``, ``Claimant``, ``InQuotation``, ``Anchor``, ``BeginPoint``, ``EndPoint``,
  ``HasSource``, ``HasCue`` (Arg1 = the span holding the field, Arg2 = the span it names).
- ``#`` lines: span notes (``AnnotatorNotes``), with backslash, tab and line breaks escaped; a span's
  provenance and confidence (guidelines §G7) ride in a second note starting ``newsspan-provenance:``.

Offsets are code points of the ``.txt`` file (Python ``str`` indices), as brat's Python server
counts them. Reading uses the bratly line parsers.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

from ..model import LAYERS, Layer
from ..schema import claim_types, entity_labels, quotation_forms, timex_types
from .base import (
    DocumentBuilder,
    DocumentWithText,
    ImportResult,
    SourceText,
    SpanDraft,
    escape_line,
    flat,
    read_source,
    read_source_text,
    read_sources,
    slug,
    timex_mods,
    unescape_line,
    unreadable_file,
    write_text,
)

#: T-line types of the layers without a label of their own, and of sub-spans.
SPAN_TYPE = {"quotations": "Quotation", "claims": "Claim", "source": "Source", "cue": "Cue", "dateline": "Dateline"}
#: R-line type -> reference field it carries.
RELATIONS = {"Speaker": "speaker", "Claimant": "claimant", "InQuotation": "quotation", "Anchor": "anchor",
             "BeginPoint": "begin_point", "EndPoint": "end_point"}
SUBSPAN_RELATIONS = {"HasSource": "source", "HasCue": "cue"}
#: A-line type -> (layer, field).
ATTRIBUTES = {"TimexValue": ("dates", "value"), "TimexMod": ("dates", "mod"), "AnchorDCT": ("dates", "anchor"),
              "Form": ("quotations", "form"), "ClaimType": ("claims", "type"), "Checkworthy": ("claims", "checkworthy")}
NORMALIZATION_DB = "Wikidata"
#: Prefix of the note that carries a span's provenance and confidence as JSON.
PROVENANCE_NOTE = "newsspan-provenance: "


@cache
def type_layers() -> dict[str, str]:
    """T-line type -> layer (or sub-span role); the label sets come from the schema and must not collide."""
    mapping: dict[str, str] = {}
    for name, layer in [*((label, "entities") for label in entity_labels()),
                        *((kind, "dates") for kind in timex_types()),
                        *((value, key) for key, value in SPAN_TYPE.items())]:
        if name in mapping:
            raise RuntimeError(f"brat type {name!r} would stand for both {mapping[name]} and {layer}")
        mapping[name] = layer
    return mapping


# --- export ------------------------------------------------------------------------------------

def export(docs: Iterable[DocumentWithText], out_dir: Path, *, overwrite: bool = False, **_options: Any) -> list[Path]:
    """Write ``<id>.txt`` and ``<id>.ann`` per document, then ``annotation.conf`` and ``tools.conf``."""
    out_dir = Path(out_dir)
    written: list[Path] = []
    values: set[str] = set()
    for doc, text in docs:
        values.update(date["value"] for date in doc["dates"])
        written.append(write_text(out_dir / f"{doc['id']}.txt", text, overwrite=overwrite))
        written.append(write_text(out_dir / f"{doc['id']}.ann", ann_text(doc, text), overwrite=overwrite))
    written.append(write_text(out_dir / "annotation.conf", annotation_conf(sorted(values)), overwrite=overwrite))
    written.append(write_text(out_dir / "tools.conf", TOOLS_CONF, overwrite=overwrite))
    return written


class _AnnWriter:
    """Numbers and formats the lines of one ``.ann`` file."""

    def __init__(self, text: str):
        self.text = text
        self.lines: list[str] = []
        self.relations: list[str] = []
        self.counts = {"T": 0, "A": 0, "R": 0, "N": 0, "#": 0}
        self.t_of: dict[str, str] = {}

    def next_id(self, kind: str) -> str:
        self.counts[kind] += 1
        return f"{kind}{self.counts[kind]}"

    def span(self, brat_type: str, start: int, end: int) -> str:
        tid = self.next_id("T")
        frags = fragments(self.text, start, end)
        offsets = ";".join(f"{a} {b}" for a, b in frags)
        content = flat(" ".join(self.text[a:b] for a, b in frags))
        self.lines.append(f"{tid}\t{brat_type} {offsets}\t{content}")
        return tid

    def attribute(self, name: str, tid: str, value: str | None = None) -> None:
        self.lines.append(f"{self.next_id('A')}\t{name} {tid}" + (f" {value}" if value is not None else ""))

    def relation(self, name: str, arg1: str, arg2: str) -> None:
        self.relations.append(f"{self.next_id('R')}\t{name} Arg1:{arg1} Arg2:{arg2}")

    def note(self, tid: str, note: str) -> None:
        self.lines.append(f"{self.next_id('#')}\tAnnotatorNotes {tid}\t{escape_line(note)}")


def ann_text(doc: dict[str, Any], text: str) -> str:
    """The ``.ann`` file of one document."""
    out = _AnnWriter(text)
    links: list[tuple[str, str, str]] = []  # (relation, source T id, target newsspan id)
    for layer in LAYERS:
        for item in doc[layer]:
            tid = out.span(_brat_type(layer, item), item["start"], item["end"])
            out.t_of[item["id"]] = tid
            _write_attributes(out, layer, item, tid)
            for relation, name in RELATIONS.items():
                if isinstance(item.get(name), str) and item[name] != "dct":
                    links.append((relation, tid, item[name]))
            for relation, name in SUBSPAN_RELATIONS.items():
                if item.get(name):
                    out.relation(relation, tid, out.span(SPAN_TYPE[name], item[name]["start"], item[name]["end"]))
            if "note" in item:
                out.note(tid, item["note"])
            made = {key: item[key] for key in ("provenance", "confidence") if key in item}
            if made:
                out.note(tid, PROVENANCE_NOTE + json.dumps(made, ensure_ascii=False, sort_keys=True))
    if doc["metadata"].get("dateline"):
        out.span(SPAN_TYPE["dateline"], doc["metadata"]["dateline"]["start"], doc["metadata"]["dateline"]["end"])
    for relation, tid, target in links:
        out.relation(relation, tid, out.t_of[target])
    return "\n".join(out.lines + out.relations) + "\n"


def _brat_type(layer: Layer, item: dict[str, Any]) -> str:
    return {"entities": item.get("label"), "dates": item.get("type")}.get(layer) or SPAN_TYPE[layer]


def _write_attributes(out: _AnnWriter, layer: Layer, item: dict[str, Any], tid: str) -> None:
    if layer == "entities" and "kb_id" in item:
        nid = out.next_id("N")
        out.lines.append(f"{nid}\tReference {tid} {NORMALIZATION_DB}:{item['kb_id']}\t{flat(item['text'])}")
    elif layer == "dates":
        out.attribute("TimexValue", tid, item["value"])
        if "mod" in item:
            out.attribute("TimexMod", tid, item["mod"])
        if item["anchor"] == "dct":
            out.attribute("AnchorDCT", tid)
    elif layer == "quotations":
        out.attribute("Form", tid, item["form"])
    elif layer == "claims":
        out.attribute("ClaimType", tid, item["type"])
        if item["checkworthy"] is not None:
            out.attribute("Checkworthy", tid, "true" if item["checkworthy"] else "false")


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """``start:end`` split at line breaks into whitespace-trimmed, non-empty fragments."""
    result = []
    position = start
    for piece in text[start:end].split("\n"):
        left = len(piece) - len(piece.lstrip())
        stripped = piece.strip()
        if stripped:
            result.append((position + left, position + left + len(stripped)))
        position += len(piece) + 1
    return result


def annotation_conf(timex_values: list[str]) -> str:
    """brat's ``annotation.conf`` for the newsspan layers (TimexValue lists the values in the export)."""
    entities, timex = "|".join(entity_labels()), "|".join(timex_types())
    quotation, claim = SPAN_TYPE["quotations"], SPAN_TYPE["claims"]
    lines = [
        "# newsspan layers for brat (generated by `newsspan export --format brat`)",
        "[entities]", "!Entity", *(f"\t{label}" for label in entity_labels()),
        "!Timex3", *(f"\t{kind}" for kind in timex_types()),
        quotation, claim, SPAN_TYPE["source"], SPAN_TYPE["cue"], SPAN_TYPE["dateline"],
        "", "[relations]",
        f"Speaker\tArg1:{quotation}, Arg2:{entities}",
        f"Claimant\tArg1:{claim}, Arg2:{entities}",
        f"InQuotation\tArg1:{claim}, Arg2:{quotation}",
        *(f"{name}\tArg1:{timex}, Arg2:{timex}" for name in ("Anchor", "BeginPoint", "EndPoint")),
        f"HasSource\tArg1:{quotation}, Arg2:{SPAN_TYPE['source']}",
        f"HasCue\tArg1:{quotation}, Arg2:{SPAN_TYPE['cue']}",
        "<OVERLAP>\tArg1:<ANY>, Arg2:<ANY>, <OVL-TYPE>:<ANY>",
        "", "[events]", "", "[attributes]",
        f"TimexValue\tArg:{timex}, Value:{'|'.join(timex_values) or 'XXXX-XX-XX'}",
        f"TimexMod\tArg:{timex}, Value:{'|'.join(timex_mods())}",
        f"AnchorDCT\tArg:{timex}",
        f"Form\tArg:{quotation}, Value:{'|'.join(quotation_forms())}",
        f"ClaimType\tArg:{claim}, Value:{'|'.join(claim_types())}",
        f"Checkworthy\tArg:{claim}, Value:true|false",
    ]
    return "\n".join(lines) + "\n"


TOOLS_CONF = f"""# newsspan brat tool configuration (generated). Entity Wikidata ids are N lines of this database.
[normalization]
{NORMALIZATION_DB}\tDB:dbs/wikidata, <URL>:https://www.wikidata.org/, <URLBASE>:https://www.wikidata.org/wiki/%s
"""


# --- import ------------------------------------------------------------------------------------

def read(src: Path) -> ImportResult:
    """Documents from a brat folder (every ``.ann`` with its ``.txt``) or from one ``.ann`` file."""
    return read_sources(src, (".ann",), "brat .ann files", read_document)


def read_document(ann: Path) -> ImportResult:
    """One document from ``<name>.ann`` and ``<name>.txt``."""
    txt = ann.with_suffix(".txt")
    try:
        source = SourceText.of(read_source(txt))
        lines = read_source_text(ann).split("\n")
    except (OSError, UnicodeDecodeError) as exc:
        return unreadable_file(ann, f"{ann.name} and {txt.name} as UTF-8 text", exc)
    builder = DocumentBuilder(str(ann), source.canonical, None, slug(ann.stem))
    _AnnReader(builder, source).read(lines)
    doc = builder.build()
    return ImportResult([doc] if doc else [], builder.problems)


class _AnnReader:
    """Turns the lines of one ``.ann`` file into span drafts (bratly parses each line)."""

    def __init__(self, builder: DocumentBuilder, source: SourceText):
        self.builder = builder
        self.source = source
        self.entities: dict[str, Any] = {}
        self.drafts: dict[str, SpanDraft] = {}
        self.subspans: dict[str, tuple[str, tuple[int, int]]] = {}
        self.rejected: dict[str, str] = {}

    def read(self, lines: list[str]) -> None:
        import bratly

        numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip()]
        for n, line in numbered:
            if line.startswith("T"):
                self._parse(n, line, lambda line=line: bratly.EntityAnnotation.from_line(line), self._textbound)
        handlers = {
            "A": (lambda line: bratly.AttributeAnnotation.from_line(line, self.entities), self._attribute),
            "R": (lambda line: bratly.RelationAnnotation.from_line(line, self.entities), self._relation),
            "N": (lambda line: bratly.NormalizationAnnotation.from_line(line, self.entities), self._normalization),
            "#": (lambda line: bratly.NoteAnnotation.from_line(line, self.entities), self._note),
        }
        for n, line in numbered:
            if line.startswith("T") or self._unsupported(n, line):
                continue
            if line[0] not in handlers:
                self.builder.problem(f"line {n}", "import-unknown-label",
                                     f"expected a T, A, R, N or # line; found {line[:40]!r} (events, equivalences "
                                     "and other annotation kinds have no place in newsspan)")
                continue
            parse, handle = handlers[line[0]]
            self._parse(n, line, lambda parse=parse, line=line: parse(line), handle)

    def _unsupported(self, n: int, line: str) -> bool:
        """True (and listed, or a problem with ``--on-unknown error``) for a line newsspan cannot carry:
        an event (E), an equivalence (*), or an attribute, note or normalization on an event or relation."""
        fields = line.split("\t")
        words = fields[1].split() if len(fields) > 1 else []
        where, shown = f"line {n}", line[:80]
        if line[0] == "E":
            self.builder.unknown(where, fields[0], shown, "a T, A, R, N or # line", "newsspan has no events "
                                 "(their trigger and argument T lines are imported as spans)", code="import-brat-event")
        elif line[0] == "*":
            self.builder.unknown(where, "*", shown, "a T, A, R, N or # line", "newsspan has no equivalence sets",
                                 code="import-brat-equivalence")
        elif line[0] in "AN#" and len(words) > 1 and words[1][:1] in ("E", "R"):
            self.builder.unknown(where, fields[0], shown, "an attribute, note or normalization on a T span",
                                 f"it is on {words[1]}, an {'event' if words[1][0] == 'E' else 'relation'}",
                                 code="import-brat-on-event-or-relation")
        else:
            return False
        return True

    def _about_rejected(self, where: str, ann: Any) -> bool:
        """True (with a problem saying so) when a line refers to a T line that could not be imported."""
        refs = [getattr(ann, "component", None), *(arg[1] for arg in (getattr(ann, "argument1", None),
                                                                      getattr(ann, "argument2", None)) if arg)]
        ids = [getattr(ref, "id", ref) for ref in refs if ref is not None]
        if any(self.builder.attached_to_skipped(where, str(tid), type(ann).__name__) for tid in ids):
            return True
        bad = [tid for tid in ids if tid in self.rejected]
        if bad:
            self.builder.problem(where, "import-dangling-link",
                                 f"expected {bad[0]} to be an imported span; found it rejected "
                                 f"({self.rejected[bad[0]]}), so this line cannot be attached")
        return bool(bad)

    def _parse(self, n: int, line: str, parse: Any, handle: Any) -> None:
        import bratly
        from bratly import ParsingError

        try:
            annotation = parse()
        except (ParsingError, ValueError, IndexError) as exc:
            self.builder.problem(f"line {n}", "import-malformed",
                                 f"expected a well-formed brat standoff line; found {line[:60]!r} ({str(exc).strip()})")
            return
        if isinstance(annotation, bratly.EntityAnnotation) or not self._about_rejected(f"line {n}", annotation):
            handle(f"line {n}", annotation)

    def _textbound(self, where: str, ann: Any) -> None:
        self.entities[ann.id] = ann  # known to bratly, so lines about a rejected span parse
        self.rejected[ann.id] = where  # until it proves usable
        offsets = self._offsets(where, ann)
        if offsets is None:
            return
        role, label = self._role(where, ann, offsets)
        if role is None:
            return
        del self.rejected[ann.id]
        if role == "dateline":
            self.builder.dateline = offsets
        elif role in ("source", "cue"):
            self.subspans[ann.id] = (role, offsets)
        else:
            layer: Layer = role  # type: ignore[assignment]
            label_field = {"entities": {"label": label}, "dates": {"type": label}}.get(layer, {})
            draft = SpanDraft(layer, ann.id, *offsets, fields=dict(label_field), where=where)
            if layer == "dates":
                draft.fields["anchor"] = None
            self.drafts[ann.id] = draft
            self.builder.add(draft)

    def _role(self, where: str, ann: Any, offsets: tuple[int, int]) -> tuple[str | None, str]:
        """(layer or sub-span role, label) of a T line: newsspan's own types, else through the label map."""
        own = type_layers().get(ann.label)
        label_map = self.builder.options.label_map
        if own is not None and not (label_map and ann.label in label_map.entries):
            return own, ann.label
        target = self.builder.target(where, ann.label, self.builder.text[slice(*offsets)], key=ann.id)
        if target is None:
            return None, ann.label
        if target[0] not in ("entities", "dates"):
            self.builder.problem(where, "import-unknown-label", f"expected a target of entities or dates for a brat "
                                                                f"type; found {target[0]}/{target[1]}")
            return None, ann.label
        return target

    def _offsets(self, where: str, ann: Any) -> tuple[int, int] | None:
        """Canonical offsets of a T line: its fragments joined when only whitespace lies between them."""
        raw = self.source.raw
        frags = [(f.start, f.end) for f in ann.fragments]
        for (a, b), (c, _) in pairwise(frags):
            if not (a < b <= c) or raw[b:c].strip():
                self.builder.problem(where, "import-unmapped-span",
                                     f"expected fragments in order with only whitespace between them; found "
                                     f"{b}:{c} = {raw[b:c][:40]!r} between fragments of {ann.id}")
                return None
        start, end = frags[0][0], frags[-1][1]
        if not 0 <= start < end <= len(raw):
            self.builder.check_span(where, start, end)
            return None
        stated = flat(" ".join(raw[a:b] for a, b in frags))
        if stated != ann.content and flat(raw[start:end]) != ann.content:
            self.builder.problem(where, "import-text-mismatch",
                                 f"expected the text at {start}:{end}, {flat(raw[start:end])[:60]!r}; "
                                 f"found {ann.content[:60]!r}")
            return None
        start, end = self.source.to_canonical(start), self.source.to_canonical(end)
        return (start, end) if self.builder.check_span(where, start, end) else None

    def _target(self, where: str, tid: str, kinds: tuple[str, ...]) -> SpanDraft | None:
        draft = self.drafts.get(tid)
        if draft is None or draft.layer not in kinds:
            found = draft.layer if draft else (self.subspans[tid][0] if tid in self.subspans else "nothing usable")
            self.builder.problem(where, "import-unknown-label", f"expected {tid} to be a span of {' or '.join(kinds)}; "
                                                                f"found {found}")
            return None
        return draft

    def _attribute(self, where: str, ann: Any) -> None:
        if ann.label not in ATTRIBUTES:
            self.builder.unknown(where, ann.label, f"on {ann.component.id}",
                                 f"an attribute of annotation.conf ({', '.join(ATTRIBUTES)})",
                                 "an attribute newsspan has no place for")
            return
        layer, name = ATTRIBUTES[ann.label]
        draft = self._target(where, ann.component.id, (layer,))
        if draft is None:
            return
        value: Any = " ".join(ann.values or [])
        if ann.label == "AnchorDCT":
            value = "dct"
        elif ann.label == "Checkworthy":
            value = {"true": True, "false": False}.get(value, value)
        draft.fields[name] = value

    def _relation(self, where: str, ann: Any) -> None:
        arg1, arg2 = ann.argument1[1].id, ann.argument2[1].id
        if ann.label in SUBSPAN_RELATIONS:
            draft = self._target(where, arg1, ("quotations",))
            role, offsets = self.subspans.get(arg2, (None, None))
            if draft is None:
                return
            if role != SUBSPAN_RELATIONS[ann.label]:
                self.builder.problem(where, "import-unknown-label",
                                     f"expected Arg2 of {ann.label} to be a {SUBSPAN_RELATIONS[ann.label]} span; "
                                     f"found {arg2} ({role or 'another type'})")
                return
            draft.subspans[role] = offsets
        elif ann.label in RELATIONS:
            draft = self.drafts.get(arg1)
            if draft is None:
                self.builder.problem(where, "import-unknown-label",
                                     f"expected Arg1 {arg1} to be a layer span; found a sub-span")
                return
            if arg2 not in self.drafts:
                self.builder.problem(where, "import-unknown-label",
                                     f"expected Arg2 {arg2} of {ann.label} to be a layer span; found a sub-span")
                return
            draft.links[RELATIONS[ann.label]] = arg2
        else:
            known = ", ".join([*RELATIONS, *SUBSPAN_RELATIONS])
            self.builder.unknown(where, ann.label, f"{arg1} -> {arg2}", f"a relation of annotation.conf ({known})",
                                 "a relation type newsspan has no place for")

    def _normalization(self, where: str, ann: Any) -> None:
        draft = self._target(where, ann.component.id, ("entities",))
        database, identifier = ann.external_resource
        if draft is None:
            return
        if database != NORMALIZATION_DB:
            self.builder.unknown(where, f"{database}:{identifier}", f"on {ann.component.id}",
                                 f"a {NORMALIZATION_DB} reference", "a normalization to a database newsspan does "
                                 f"not hold (only {NORMALIZATION_DB})")
            return
        draft.fields["kb_id"] = identifier

    def _note(self, where: str, ann: Any) -> None:
        component = getattr(ann.component, "id", ann.component)
        draft = self.drafts.get(component) if isinstance(component, str) else None
        if draft is None:
            self.builder.problem(where, "import-unknown-label",
                                 f"expected a note on a span of a layer; found one on {component!r}")
            return
        value = unescape_line(ann.value)
        if value.startswith(PROVENANCE_NOTE):
            try:
                draft.fields.update(json.loads(value[len(PROVENANCE_NOTE):]))
            except json.JSONDecodeError as exc:
                self.builder.problem(where, "import-unknown-label",
                                     f"expected JSON after {PROVENANCE_NOTE.strip()!r}; found {exc.msg}")
            return
        draft.fields["note"] = value
