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

import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from ..model import LABEL_FIELD, LAYERS, REFERENCES
from ..schema import layer_labels
from ..validation.problems import Problem, pointer
from .base import (
    DocumentBuilder,
    DocumentWithText,
    ImportResult,
    SpanDraft,
    header_of,
    label_of,
    read_listed,
    read_source,
    read_source_text,
    slug,
    source_files,
    subspan_fields,
    timex_mods,
    unreadable,
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
AGREEMENT_DIR = "agreement"
SUGGESTIONS_DIR = "suggestions"


def choice_values() -> dict[str, tuple[str, ...]]:
    """The options of each per-region Choices control, by control name (TIMEX3 modifiers from the schema)."""
    return {"timex_mod": timex_mods(), "anchor_dct": ("dct",), "checkworthy": ("true", "false")}


# --- export ------------------------------------------------------------------------------------

def export(docs: Iterable[DocumentWithText], out_dir: Path, *, as_predictions: bool = False,
           overwrite: bool = False, **_options: Any) -> list[Path]:
    """Write ``tasks.json`` and ``labeling_config.xml``.

    With ``as_predictions``, spans with model or rule provenance become one Label Studio prediction per
    model (``model_version`` ``[rule:]name@version``, region ``score`` = the span's confidence, the
    prediction's ``score`` = their mean), spans without provenance one prediction ``newsspan`` (for
    review), and human spans stay annotations. A relation between spans of two groups is not carried.
    """
    tasks = []
    for doc, text in docs:
        task: dict[str, Any] = {"data": {TEXT_NAME: text, "newsspan": header_of(doc)}}
        if not as_predictions:
            task["annotations"] = [{"result": results(doc, text)}]
        else:
            groups = provenance_groups(doc)
            if "human" in groups:
                task["annotations"] = [{"result": results(groups.pop("human"), text)}]
            task["predictions"] = [_prediction(version, part, text) for version, part in groups.items()]
        tasks.append(task)
    out_dir = Path(out_dir)
    return [write_json(out_dir / "tasks.json", tasks, overwrite=overwrite),
            write_text(out_dir / "labeling_config.xml", labeling_config(), overwrite=overwrite)]


def provenance_groups(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The document split by span provenance: ``human``, each ``[rule:]name@version``, and ``newsspan`` (none)."""
    groups: dict[str, dict[str, Any]] = {}
    for layer in LAYERS:
        for item in doc[layer]:
            group = groups.setdefault(_group_of(item.get("provenance")), {**doc, **{name: [] for name in LAYERS}})
            group[layer].append(item)
    return groups or {MODEL_VERSION: doc}


def _group_of(provenance: Any) -> str:
    if not isinstance(provenance, dict):
        return MODEL_VERSION
    if provenance.get("kind") == "human":
        return "human"
    prefix = "rule:" if provenance.get("kind") == "rule" else ""
    version = f"@{provenance['version']}" if provenance.get("version") else ""
    return f"{prefix}{provenance.get('name') or 'unnamed-model'}{version}"


def _prediction(version: str, part: dict[str, Any], text: str) -> dict[str, Any]:
    """One Label Studio prediction: the regions of ``part`` with their scores."""
    result = results(part, text)
    scores = [r["score"] for r in result if "score" in r]
    return {"model_version": version, "result": result,
            **({"score": sum(scores) / len(scores)} if scores else {})}


def results(doc: dict[str, Any], text: str) -> list[dict[str, Any]]:
    """The Label Studio result list of one document (regions, per-region attributes, relations)."""
    out: list[dict[str, Any]] = []
    relations: list[dict[str, Any]] = []
    present = {item["id"] for layer in LAYERS for item in doc[layer]}

    def region(region_id: str, control: str, span: dict[str, Any], kind: str, value: dict[str, Any]) -> None:
        offsets = {"start": span["start"], "end": span["end"]}
        if kind == "labels":
            offsets["text"] = span["text"]
        out.append({"id": region_id, "from_name": control, "to_name": TEXT_NAME, "type": kind,
                    "value": {**offsets, **value},
                    **({"score": span["confidence"]} if kind == "labels" and "confidence" in span else {})})

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
                if ref_layer == layer and isinstance(item.get(name), str) and item[name] in present:
                    relations.append(_relation(item["id"], item[name], name))
    if doc["metadata"].get("dateline"):
        region("dateline", PART_CONTROL, doc["metadata"]["dateline"], "labels", {"labels": [PARTS["dateline"]]})
    return out + relations


def _choice(value: Any) -> str:
    return {True: "true", False: "false"}.get(value, value) if isinstance(value, bool) else str(value)


def _relation(from_id: str, to_id: str, label: str) -> dict[str, Any]:
    return {"from_id": from_id, "to_id": to_id, "type": "relation", "direction": "right", "labels": [label]}


def labeling_config() -> str:
    """The Label Studio labeling config for the four layers, their parts, attributes and relations (XML)."""
    view = ET.Element("View")
    for control, values in [*((CONTROL[layer], v) for layer, v in layer_labels().items()),
                            (PART_CONTROL, tuple(PARTS.values()))]:
        labels = ET.SubElement(view, "Labels", name=control, toName=TEXT_NAME)
        for value in values:
            ET.SubElement(labels, "Label", value=value)
    ET.SubElement(view, "Text", name=TEXT_NAME, value=f"${TEXT_NAME}", granularity="symbol")
    relations = ET.SubElement(view, "Relations")
    for value in RELATION_LABELS:
        ET.SubElement(relations, "Relation", value=value)
    for control, (target, _) in TEXTAREAS.items():
        ET.SubElement(_per_region(view, control, target), "TextArea", name=control, toName=TEXT_NAME,
                      perRegion="true", editable="true", maxSubmissions="1")
    for control, (target, _) in CHOICES.items():
        choices = ET.SubElement(_per_region(view, control, target), "Choices", name=control, toName=TEXT_NAME,
                                perRegion="true", choice="single")
        for value in choice_values()[control]:
            ET.SubElement(choices, "Choice", value=value)
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def _per_region(view: ET.Element, control: str, target: str | None) -> ET.Element:
    """A view shown when a region (of ``target``'s control, if given) is selected, headed by ``control``."""
    shown = {"visibleWhen": "region-selected", **({"whenTagName": CONTROL[target]} if target else {})}
    box = ET.SubElement(view, "View", shown)
    ET.SubElement(box, "Header", value=control)
    return box


@dataclass(frozen=True)
class LabelingConfig:
    """What newsspan needs of a project's labeling config: its Labels controls and Text tags (name -> data key)."""

    labels: dict[str, str]  # Labels control name -> toName
    texts: dict[str, str]  # Text tag name -> data key (value="$key")
    file: str

    @classmethod
    def parse(cls, xml: str, file: str) -> LabelingConfig:
        """Parse a labeling config (raises ET.ParseError)."""
        root = ET.fromstring(xml)
        labels = {el.get("name", ""): el.get("toName", "") for el in root.iter("Labels")}
        texts = {el.get("name", ""): el.get("value", "").lstrip("$") for el in root.iter("Text")}
        return cls(labels, texts, file)


def find_config(folder: Path) -> tuple[LabelingConfig | None, Problem | None]:
    """The labeling config saved next to an export (an ``.xml`` file whose root is ``<View>``), if any."""
    for path in sorted(folder.glob("*.xml")) if folder.is_dir() else []:
        try:
            text = read_source_text(path)
            if ET.fromstring(text).tag == "View":
                return LabelingConfig.parse(text, str(path)), None
        except (OSError, UnicodeDecodeError, ET.ParseError) as exc:
            return None, unreadable(path, "a Label Studio labeling config (XML with a <View> root)", exc)
    return None, None


def provenance_of(model_version: Any) -> dict[str, Any]:
    """Span provenance from a prediction's ``model_version`` (``[rule:]name[@version]``, as :func:`export` writes)."""
    text = str(model_version or "unnamed-model")
    kind = "rule" if text.startswith("rule:") else "model"
    name, _, version = text.removeprefix("rule:").partition("@")
    return {"kind": kind, "name": name, "version": version or None}


# --- import ------------------------------------------------------------------------------------

def read(src: Path) -> ImportResult:
    """Documents from a Label Studio JSON export (a file, or every ``.json`` file of a folder).

    A labeling config next to the export (``*.xml`` with a ``<View>``) names the controls and the data
    key of the text; without one, they are inferred from the results.
    """
    files = source_files(Path(src), (".json",))
    config, problem = find_config(files[0].parent) if files else (None, None)
    if problem:
        return ImportResult(problems=[problem])
    return read_listed(files, Path(src), "Label Studio JSON export files", lambda path: read_file(path, config))


def read_file(path: Path, config: LabelingConfig | None = None) -> ImportResult:
    """Documents of one Label Studio JSON export (a list of tasks, or a single task).

    Per task: one annotator's annotation is the document; several annotators' annotations become one
    annotator set each (``agreement/<annotator>/``); predictions become suggestions
    (``suggestions/<model version>/``) whose spans carry ``provenance`` and ``confidence``.
    A file that cannot be read or parsed as JSON gives one ``import-unreadable`` problem.
    """
    try:
        tasks = orjson.loads(read_source(path))
    except (OSError, orjson.JSONDecodeError) as exc:
        return unreadable_file(path, "a Label Studio JSON export", exc)
    result = ImportResult()
    for n, task in enumerate(tasks if isinstance(tasks, list) else [tasks]):
        _read_task(result, path, n, task, config)
    return result


def _read_task(result: ImportResult, path: Path, n: int, task: Any, config: LabelingConfig | None) -> None:
    """Add the documents of one task to ``result``: annotations by annotator, predictions as suggestions."""
    if not isinstance(task, dict):
        result.problems.append(unreadable(path, "a task object", repr(task)[:60], where=pointer(n)))
        return
    key = "annotations" if "annotations" in task else "completions"  # completions: the legacy key
    kept = _kept_annotations(key, _listed(result, path, n, task, key))
    predictions = _listed(result, path, n, task, "predictions")
    by_annotator: dict[str, tuple[tuple[str | int, ...], dict[str, Any]]] = {}
    for where, entry in kept:
        by_annotator[annotator_name(entry.get("completed_by"))] = (where, entry)  # the last one of each
    several = len(by_annotator) > 1
    for name, (where, entry) in by_annotator.items():
        builder = _entry_builder(path, n, task, where, entry, config)
        result.add_to(f"{AGREEMENT_DIR}/{name}" if several else None, builder.build(), builder.problems)
    for k, entry in enumerate(predictions):
        if isinstance(entry, dict):
            builder = _entry_builder(path, n, task, ("predictions", k), entry, config, prediction=True)
            version = slug(str(entry.get("model_version") or "unnamed-model"))
            result.add_to(f"{SUGGESTIONS_DIR}/{version}", builder.build(), builder.problems)
    if not kept and not predictions:  # a task nobody annotated yet: the text alone
        builder = _entry_builder(path, n, task, ("annotations",), {"result": []}, config)
        result.add(builder.build(), builder.problems)


def _listed(result: ImportResult, path: Path, n: int, task: dict[str, Any], key: str) -> list[Any]:
    """The list under ``key`` of task ``n`` (empty when missing or null); anything else is a problem."""
    value = task.get(key)
    if value is None or isinstance(value, list):
        return value or []
    result.problems.append(Problem(str(path), pointer(n, key), "import-malformed",
                                   f"expected a list of {key}; found {value!r}"[:160]))
    return []


def _kept_annotations(key: str, entries: list[Any]) -> list[tuple[tuple[str | int, ...], dict[str, Any]]]:
    """(place, entry) of every annotation of ``entries`` (under ``key``) that was not cancelled or skipped."""
    return [((key, k), entry) for k, entry in enumerate(entries)
            if isinstance(entry, dict) and not (entry.get("was_cancelled") or entry.get("skipped"))]


def annotator_name(completed_by: Any) -> str:
    """A folder name for an annotator: the e-mail or name of ``completed_by``, else ``annotator-<id>``."""
    if isinstance(completed_by, dict):
        name = completed_by.get("email") or completed_by.get("username") or completed_by.get("id")
        return slug(str(name)) if name is not None else "annotator"
    return f"annotator-{completed_by}" if completed_by is not None else "annotator"


def _entry_builder(path: Path, n: int, task: dict[str, Any], where: tuple[str | int, ...], entry: dict[str, Any],
                   config: LabelingConfig | None, *, prediction: bool = False) -> DocumentBuilder:
    """A builder filled with the regions of one annotation or prediction of a task."""
    data = task.get("data")
    items = entry.get("result", [])
    key = text_key(data, items, config)
    fallback = slug(f"{path.stem}-{task.get('id', n + 1)}")
    builder = DocumentBuilder(str(path), "", None, fallback)
    text = data.get(key) if isinstance(data, dict) and key else None
    if not isinstance(text, str):
        builder.problem(pointer(n, "data"), "import-malformed",
                        f"expected a task whose data holds the text (key {key or TEXT_NAME!r}); found "
                        f"{str(data)[:60]!r}")
        return builder
    header = data.get("newsspan")
    builder.header = header if isinstance(header, dict) else {}
    if not builder.use_source(pointer(n, "data", key), text):
        return builder
    if not isinstance(items, list):
        builder.problem(pointer(n, *where, "result"), "import-malformed",
                        f"expected a result list; found {items!r}"[:120])
        return builder
    regions = _Regions(builder, pointer(n, *where, "result"), config)
    regions.read(items)
    if prediction:
        regions.mark_predicted(entry)
    return builder


def text_key(data: Any, items: Any, config: LabelingConfig | None) -> str | None:
    """The data key of the text: from the config's Text tag the results point to, else inferred."""
    if not isinstance(data, dict):
        return None
    to_names = [r.get("to_name") for r in items if isinstance(r, dict) and isinstance(r.get("to_name"), str)] \
        if isinstance(items, list) else []
    if config is not None:
        for name in [*to_names, *config.texts]:
            if name in config.texts:
                return config.texts[name]
    for name in [*to_names, TEXT_NAME]:
        if isinstance(name, str) and isinstance(data.get(name), str):
            return name
    strings = [k for k, v in data.items() if isinstance(v, str)]
    return strings[0] if len(strings) == 1 else None


class _Regions:
    """Turns one Label Studio result list into span drafts."""

    def __init__(self, builder: DocumentBuilder, base: str, config: LabelingConfig | None = None):
        self.builder = builder
        self.base = base
        self.config = config
        self.drafts: dict[str, SpanDraft] = {}
        self.scores: dict[str, Any] = {}
        self.parts: dict[str, tuple[str, tuple[int, int]]] = {}
        self.controls = {control: layer for layer, control in CONTROL.items()}

    def mark_predicted(self, entry: dict[str, Any]) -> None:
        """Give every span of a prediction its provenance (from ``model_version``) and confidence (its score)."""
        provenance = provenance_of(entry.get("model_version"))
        for key, draft in self.drafts.items():
            score = self.scores.get(key, entry.get("score"))
            draft.extra = {"provenance": provenance,
                           **({"confidence": float(score)} if isinstance(score, (int, float)) else {})}

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
                self.builder.unknown(where, str(r.get("type")), str(r.get("value"))[:60],
                                     "a labels, textarea, choices or relation result",
                                     f"a {r.get('type')} result ({r.get('from_name')}) newsspan has no place for")

    def _offsets(self, where: str, value: dict[str, Any], stated: Any) -> tuple[int, int] | None:
        return self.builder.source_span(where + "/value", value.get("start"), value.get("end"),
                                        stated if isinstance(stated, str) else None)

    def _region(self, where: str, r: dict[str, Any]) -> None:
        """One labelled region; when it has a problem, links to it are no follow-on problem."""
        known = len(self.builder.problems)
        self._add_region(where, r)
        if len(self.builder.problems) > known:
            self.builder.reject(str(r.get("id")))

    def _add_region(self, where: str, r: dict[str, Any]) -> None:
        value = r.get("value") if isinstance(r.get("value"), dict) else {}
        labels = value.get("labels")
        control, region_id = r.get("from_name"), str(r.get("id"))
        if not isinstance(control, str):
            self.builder.problem(where + "/from_name", "import-malformed",
                                 f"expected the name of a Labels control; found {control!r}"[:160])
            return
        if not (isinstance(labels, list) and len(labels) == 1):
            self.builder.problem(where + "/value/labels", "import-malformed",
                                 f"expected exactly one label; found {labels!r}")
            return
        label = labels[0]
        foreign = control not in self.controls and control != PART_CONTROL
        if foreign and self.config is not None and control not in self.config.labels:
            self.builder.problem(where + "/from_name", "import-unknown-label",
                                 f"expected a Labels control of the labeling config ({', '.join(self.config.labels)}); "
                                 f"found {control!r}")
            return
        if control == PART_CONTROL and label not in PARTS.values():
            self.builder.problem(where + "/value/labels/0", "import-unknown-label",
                                 f"expected one of {', '.join(PARTS.values())}; found {label!r}")
            return
        offsets = self._offsets(where, value, value.get("text"))
        if offsets is None:
            return
        if control == PART_CONTROL:
            part = next(name for name, shown in PARTS.items() if shown == label)
            if part == "dateline":
                self.builder.dateline = offsets
            else:
                self.parts[region_id] = (part, offsets)
            return
        target = self.builder.target(where + "/value/labels/0", label, self.builder.text[slice(*offsets)],
                                     self.controls.get(control), key=region_id)
        if target is None:
            return
        layer, label = target
        self.scores[region_id] = r.get("score")
        draft = SpanDraft(layer, region_id, *offsets, fields={LABEL_FIELD[layer]: label}, where=where,
                          proposed_id=region_id)
        self.drafts[region_id] = draft
        self.builder.add(draft)

    def _attribute(self, where: str, r: dict[str, Any]) -> None:
        control, value = r.get("from_name"), r.get("value") if isinstance(r.get("value"), dict) else {}
        spec = TEXTAREAS.get(control) or CHOICES.get(control) if isinstance(control, str) else None
        if spec is None:
            self.builder.unknown(where + "/from_name", str(control), str(r.get("value"))[:60],
                                 f"an attribute control ({', '.join([*TEXTAREAS, *CHOICES])})",
                                 f"a {r.get('type')} result newsspan has no place for")
            return
        target, name = spec
        if self.builder.attached_to_skipped(where, str(r.get("id")), str(control)):
            return
        draft = self.drafts.get(str(r.get("id")))
        if draft is None or target not in (None, draft.layer):
            self.builder.dangling(where + "/id", (str(r.get("id")),),
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
            self.builder.unknown(where + "/labels", str(labels), f"{from_id} -> {to_id}",
                                 f"one relation label of {', '.join(RELATION_LABELS)}",
                                 "a relation newsspan has no field for")
            return
        label = labels[0]
        if any(self.builder.attached_to_skipped(where, key, label) for key in (from_id, to_id)):
            return
        draft = self.drafts.get(from_id)
        if draft is None:
            self.builder.dangling(where + "/from_id", (from_id,),
                                 f"expected the id of a layer region; found {from_id!r}")
        elif label in subspan_fields(draft.layer):
            part = self.parts.get(to_id)
            if part is None or part[0] != label:
                self.builder.dangling(where + "/to_id", (to_id,),
                                     f"expected the id of a {PARTS[label]} region; found {to_id!r}")
            else:
                draft.subspans[label] = part[1]
        elif (draft.layer, label) in REFERENCES:
            if to_id not in self.drafts:
                self.builder.dangling(where + "/to_id", (to_id,),
                                     f"expected the id of a region of {REFERENCES[(draft.layer, label)]}; "
                                     f"found {to_id!r}")
            else:
                draft.links[label] = to_id
        else:
            self.builder.problem(where + "/labels", "import-unknown-label",
                                 f"expected a relation that {draft.layer} regions can have; found {label!r}")
