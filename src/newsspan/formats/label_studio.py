"""Label Studio: ``tasks.json`` (one task per document) and a generated ``labeling_config.xml``.

- Each task's ``data`` holds ``text`` (the canonical text) and ``newsspan`` (id, seed, metadata,
  annotation provenance), so nothing about the document is lost.
- Spans are ``labels`` regions of the controls ``entity`` (entity labels), ``date`` (TIMEX3 types),
  ``quotation`` (forms), ``claim`` (claim types) and ``part`` (Source, Cue, Dateline); the region id
  is the newsspan id (sub-spans: ``q1-source``, ``q1-cue``).
- Attributes are per-region controls: ``timex_value``, ``kb_id``, ``note`` (TextArea) and
  ``timex_mod``, ``anchor_dct``, ``checkworthy`` (Choices).
- References and sub-spans are relations labelled with the field name (``speaker``, ``source``, ...).
- Offsets are Unicode code points, as Label Studio stores them: its Text tag converts the browser's
  UTF-16 offsets to code points before it saves a region (``charsToCodePoints`` in the frontend's
  ``src/utils/selection-tools.js``), and label-studio-sdk's converter slices Python strings with them.

Export as ``annotations`` (default) or as ``predictions`` (for review: ``as_predictions=True``).
Import reads a Label Studio JSON export: per task the last annotation that was not cancelled,
otherwise the last prediction.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

import orjson

from ..model import LABEL_FIELD, LAYERS, REFERENCES, Layer
from ..schema import claim_types, entity_labels, quotation_forms, timex_types
from ..validate import pointer
from .base import (
    DocumentBuilder,
    DocumentWithText,
    ImportResult,
    SpanDraft,
    header_of,
    label_of,
    read_sources,
    slug,
    subspan_fields,
    timex_mods,
    unreadable_file,
    write_json,
    write_text,
)

TEXT_NAME = "text"
#: Labels control name of each layer.
CONTROL = {"entities": "entity", "dates": "date", "quotations": "quotation", "claims": "claim"}
PART_CONTROL = "part"
PARTS = {"source": "Source", "cue": "Cue", "dateline": "Dateline"}
#: Per-region TextArea controls: name -> (layer or None for every layer, field).
TEXTAREAS = {"timex_value": ("dates", "value"), "kb_id": ("entities", "kb_id"), "note": (None, "note")}
#: Per-region Choices controls: name -> (layer, field).
CHOICES = {"timex_mod": ("dates", "mod"), "anchor_dct": ("dates", "anchor"), "checkworthy": ("claims", "checkworthy")}
RELATION_LABELS = (*dict.fromkeys(name for _, name in REFERENCES), "source", "cue")
MODEL_VERSION = "newsspan"


def choice_values() -> dict[str, tuple[str, ...]]:
    """The options of each per-region Choices control, by control name (TIMEX3 modifiers from the schema)."""
    return {"timex_mod": timex_mods(), "anchor_dct": ("dct",), "checkworthy": ("true", "false")}


def layer_labels() -> dict[Layer, tuple[str, ...]]:
    """The label values of each layer's Labels control, from the schema's label sets."""
    return {"entities": entity_labels(), "dates": timex_types(), "quotations": quotation_forms(),
            "claims": claim_types()}


# --- export ------------------------------------------------------------------------------------

def export(docs: Iterable[DocumentWithText], out_dir: Path, *, as_predictions: bool = False,
           overwrite: bool = False, **_options: Any) -> list[Path]:
    """Write ``tasks.json`` (annotations, or predictions with ``as_predictions``) and ``labeling_config.xml``."""
    key = "predictions" if as_predictions else "annotations"
    tasks = []
    for doc, text in docs:
        entry: dict[str, Any] = {"result": results(doc, text)}
        if as_predictions:
            entry["model_version"] = MODEL_VERSION
        tasks.append({"data": {TEXT_NAME: text, "newsspan": header_of(doc)}, key: [entry]})
    out_dir = Path(out_dir)
    return [write_json(out_dir / "tasks.json", tasks, overwrite=overwrite),
            write_text(out_dir / "labeling_config.xml", labeling_config(), overwrite=overwrite)]


def results(doc: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The Label Studio result list of one document (regions, per-region attributes, relations)."""
    out: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []

    def region(region_id: str, control: str, span: dict[str, Any], kind: str, value: dict[str, Any]) -> None:
        offsets = {"start": span["start"], "end": span["end"]}
        if kind == "labels":
            offsets["text"] = span["text"]
        out.append({"id": region_id, "from_name": control, "to_name": TEXT_NAME, "type": kind,
                    "value": {**offsets, **value}})

    for layer in LAYERS:
        for item in doc[layer]:
            region(item["id"], CONTROL[layer], item, "labels", {"labels": [label_of(layer, item)]})
            for control, (target, name) in TEXTAREAS.items():
                if target in (None, layer) and name in item:
                    region(item["id"], control, item, "textarea", {"text": [item[name]]})
            for control, (target, name) in CHOICES.items():
                value = item.get(name) if target == layer else None
                if value is not None and not (name == "anchor" and value != "dct"):
                    region(item["id"], control, item, "choices", {"choices": [_choice(value)]})
            for name in subspan_fields(layer):
                if item[name]:
                    part_id = f"{item['id']}-{name}"
                    region(part_id, PART_CONTROL, item[name], "labels", {"labels": [PARTS[name]]})
                    relations.append(_relation(item["id"], part_id, name))
            for (ref_layer, name), _ in REFERENCES.items():
                if ref_layer == layer and isinstance(item.get(name), str) and item[name] != "dct":
                    relations.append(_relation(item["id"], item[name], name))
    if doc["metadata"].get("dateline"):
        region("dateline", PART_CONTROL, doc["metadata"]["dateline"], "labels", {"labels": [PARTS["dateline"]]})
    return out + relations


def _choice(value: Any) -> str:
    return {True: "true", False: "false"}.get(value, value) if isinstance(value, bool) else str(value)


def _relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right", "labels": [label]}


def labeling_config() -> str:
    """The Label Studio labeling config for the four layers, their parts, attributes and relations."""
    def labels(name: str, values: Iterable[str]) -> str:
        inner = "".join(f"\n    <Label value={quoteattr(v)}/>" for v in values)
        return f'  <Labels name="{name}" toName="{TEXT_NAME}">{inner}\n  </Labels>'

    def per_region(control: str, target: str | None, body: str) -> str:
        when = f' whenTagName="{CONTROL[target]}"' if target else ""  # type: ignore[index]
        return f'  <View visibleWhen="region-selected"{when}>\n    <Header value="{control}"/>\n    {body}\n  </View>'

    parts = [labels(CONTROL[layer], values) for layer, values in layer_labels().items()]
    parts.append(labels(PART_CONTROL, PARTS.values()))
    parts.append(f'  <Text name="{TEXT_NAME}" value="${TEXT_NAME}" granularity="symbol"/>')
    relations = "".join(f'\n    <Relation value="{v}"/>' for v in RELATION_LABELS)
    parts.append(f"  <Relations>{relations}\n  </Relations>")
    for control, (target, _) in TEXTAREAS.items():
        parts.append(per_region(control, target, f'<TextArea name="{control}" toName="{TEXT_NAME}" perRegion="true" '
                                                 'editable="true" maxSubmissions="1"/>'))
    for control, (target, _) in CHOICES.items():
        options = "".join(f"<Choice value={quoteattr(v)}/>" for v in choice_values()[control])
        parts.append(per_region(control, target, f'<Choices name="{control}" toName="{TEXT_NAME}" perRegion="true" '
                                                  f'choice="single">{options}</Choices>'))
    return "<View>\n" + "\n".join(parts) + "\n</View>\n"


# --- import ------------------------------------------------------------------------------------

def read(src: Path) -> ImportResult:
    """Documents from a Label Studio JSON export (a file, or every ``.json`` file of a folder)."""
    return read_sources(src, (".json",), "Label Studio JSON export files", read_file)


def read_file(path: Path) -> ImportResult:
    """Documents of one Label Studio JSON export (a list of tasks, or a single task).

    A file that cannot be read or parsed as JSON gives one ``import-unreadable`` problem.
    """
    try:
        tasks = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        return unreadable_file(path, "a Label Studio JSON export", exc)
    result = ImportResult()
    for n, task in enumerate(tasks if isinstance(tasks, list) else [tasks]):
        builder = _task_builder(path, n, task)
        if builder is not None:
            result.add(builder.build(), builder.problems)
    return result


def _task_builder(path: Path, n: int, task: Any) -> DocumentBuilder | None:
    """A builder filled with the regions of one task (problems recorded in it)."""
    data = task.get("data") if isinstance(task, dict) else None
    text = data.get(TEXT_NAME) if isinstance(data, dict) else None
    fallback = slug(f"{path.stem}-{task.get('id', n + 1) if isinstance(task, dict) else n + 1}")
    builder = DocumentBuilder(str(path), text if isinstance(text, str) else "", None, fallback)
    if not isinstance(text, str):
        builder.problem(pointer(n, "data", TEXT_NAME), "import-malformed",
                        f"expected a task with data.{TEXT_NAME} holding the text; found {str(task)[:60]!r}")
        return builder
    header = data.get("newsspan")
    builder.header = header if isinstance(header, dict) else {}
    if not builder.use_source(pointer(n, "data", TEXT_NAME), text):
        return builder
    chosen = _chosen_result(task)
    if chosen is not None:
        where, items = chosen
        if not isinstance(items, list):
            builder.problem(pointer(n, *where), "import-malformed", f"expected a result list; found {items!r}"[:120])
        else:
            _Regions(builder, pointer(n, *where)).read(items)
    return builder


def _chosen_result(task: dict[str, Any]) -> tuple[tuple[str | int, ...], Any] | None:
    """Where the result list to import is, and the list: last kept annotation, else last prediction."""
    for key in ("annotations", "predictions"):
        entries = task.get(key) or []
        for k in range(len(entries) - 1, -1, -1):
            entry = entries[k]
            if isinstance(entry, dict) and not entry.get("was_cancelled"):
                return (key, k, "result"), entry.get("result", [])
    return None


class _Regions:
    """Turns one Label Studio result list into span drafts."""

    def __init__(self, builder: DocumentBuilder, base: str):
        self.builder = builder
        self.base = base
        self.drafts: dict[str, SpanDraft] = {}
        self.parts: dict[str, tuple[str, tuple[int, int]]] = {}
        self.controls = {control: layer for layer, control in CONTROL.items()}

    def read(self, items: list[Any]) -> None:
        regions = [(k, r) for k, r in enumerate(items) if isinstance(r, dict) and r.get("type") == "labels"]
        for k, r in regions:
            self._region(f"{self.base}/{k}", r)
        for k, r in enumerate(items):
            where = f"{self.base}/{k}"
            if not isinstance(r, dict):
                self.builder.problem(where, "import-malformed", f"expected a result object; found {r!r}"[:120])
            elif r.get("type") == "relation":
                self._relation(where, r)
            elif r.get("type") in ("textarea", "choices"):
                self._attribute(where, r)
            elif r.get("type") != "labels":
                self.builder.problem(where, "import-unknown-label",
                                     "expected a labels, textarea, choices or relation result; "
                                     f"found type {r.get('type')!r}")

    def _offsets(self, where: str, value: dict[str, Any], stated: Any) -> tuple[int, int] | None:
        return self.builder.source_span(where + "/value", value.get("start"), value.get("end"),
                                        stated if isinstance(stated, str) else None)

    def _region(self, where: str, r: dict[str, Any]) -> None:
        value = r.get("value") if isinstance(r.get("value"), dict) else {}
        labels = value.get("labels")
        control, region_id = r.get("from_name"), str(r.get("id"))
        if not (isinstance(labels, list) and len(labels) == 1):
            self.builder.problem(where + "/value/labels", "import-malformed",
                                 f"expected exactly one label; found {labels!r}")
            return
        label = labels[0]
        layer = self.controls.get(control)
        if layer is None and control != PART_CONTROL:
            self.builder.problem(where + "/from_name", "import-unknown-label",
                                 "expected a control of labeling_config.xml "
                                 f"({', '.join([*CONTROL.values(), PART_CONTROL])}); found {control!r}")
            return
        if layer is None and label not in PARTS.values():
            self.builder.problem(where + "/value/labels/0", "import-unknown-label",
                                 f"expected one of {', '.join(PARTS.values())}; found {label!r}")
            return
        offsets = self._offsets(where, value, value.get("text"))
        if offsets is None:
            return
        if layer is not None:
            target = self.builder.target(where + "/value/labels/0", label, self.builder.text[slice(*offsets)],
                                         layer, key=region_id)
            if target is None:
                return
            layer, label = target
        else:
            part = next(name for name, shown in PARTS.items() if shown == label)
            if part == "dateline":
                self.builder.dateline = offsets
            else:
                self.parts[region_id] = (part, offsets)
            return
        draft = SpanDraft(layer, region_id, *offsets, fields={LABEL_FIELD[layer]: label}, where=where,
                          proposed_id=region_id)
        self.drafts[region_id] = draft
        self.builder.add(draft)

    def _attribute(self, where: str, r: dict[str, Any]) -> None:
        control, value = r.get("from_name"), r.get("value") if isinstance(r.get("value"), dict) else {}
        spec = TEXTAREAS.get(control) or CHOICES.get(control)
        if spec is None:
            self.builder.problem(where + "/from_name", "import-unknown-label",
                                 f"expected an attribute control ({', '.join([*TEXTAREAS, *CHOICES])}); "
                                 f"found {control!r}")
            return
        target, name = spec
        if self.builder.attached_to_skipped(where, str(r.get("id")), str(control)):
            return
        draft = self.drafts.get(str(r.get("id")))
        if draft is None or target not in (None, draft.layer):
            self.builder.problem(where + "/id", "import-dangling-link",
                                 f"expected {control} on a region of {target or 'a layer'}; "
                                 f"found it on {r.get('id')!r}")
            return
        values = value.get("text") if r.get("type") == "textarea" else value.get("choices")
        if not (isinstance(values, list) and len(values) == 1 and isinstance(values[0], str)):
            self.builder.problem(where + "/value", "import-malformed",
                                 f"expected exactly one {control} value; found {values!r}")
            return
        found: Any = values[0]
        if control == "checkworthy":
            found = {"true": True, "false": False}.get(found, found)
        draft.fields[name] = found

    def _relation(self, where: str, r: dict[str, Any]) -> None:
        labels = r.get("labels") or []
        from_id, to_id = str(r.get("from_id")), str(r.get("to_id"))
        if len(labels) != 1 or labels[0] not in RELATION_LABELS:
            self.builder.problem(where + "/labels", "import-unknown-label",
                                 f"expected one relation label of {', '.join(RELATION_LABELS)}; found {labels!r}")
            return
        label = labels[0]
        if any(self.builder.attached_to_skipped(where, key, label) for key in (from_id, to_id)):
            return
        draft = self.drafts.get(from_id)
        if draft is None:
            self.builder.problem(where + "/from_id", "import-dangling-link",
                                 f"expected the id of a layer region; found {from_id!r}")
        elif label in subspan_fields(draft.layer):
            part = self.parts.get(to_id)
            if part is None or part[0] != label:
                self.builder.problem(where + "/to_id", "import-dangling-link",
                                     f"expected the id of a {PARTS[label]} region; found {to_id!r}")
            else:
                draft.subspans[label] = part[1]
        elif (draft.layer, label) in REFERENCES:
            if to_id not in self.drafts:
                self.builder.problem(where + "/to_id", "import-dangling-link",
                                     f"expected the id of a region of {REFERENCES[(draft.layer, label)]}; "
                                     f"found {to_id!r}")
            else:
                draft.links[label] = to_id
        else:
            self.builder.problem(where + "/labels", "import-unknown-label",
                                 f"expected a relation that {draft.layer} regions can have; found {label!r}")
