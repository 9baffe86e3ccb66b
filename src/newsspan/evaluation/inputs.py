"""Reading GOLD and PRED for ``newsspan evaluate``, and checking predicted documents.

GOLD is a corpus root, a folder of annotation files or one annotation file, validated like any
annotation (``newsspan.validation``). PRED is any of those, a file in an import format (``--format``, read
by :mod:`newsspan.formats`), or a JSONL file of *partial documents*, one per line::

    {"id": "doc-id", "entities": [{"start": 0, "end": 5, "label": "GPE"}], "dates": [...]}

Only the layers a prediction gives are scored; span ids, ``text`` and metadata are optional. Where a
span gives ``text`` it must equal the slice of the gold text. A quotation's ``speaker`` is an entity id
of the same line, or the ``{"start", "end"}`` of the mention. Every problem names the file, the line
(JSONL) and a JSON pointer, and says what was expected and what was found.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..model import LAYERS, Layer
from ..reading import ReadRefused, read_regular
from ..schema import claim_types, entity_labels, quotation_forms, timex_types
from ..text import text_sha256
from ..validation import Problem, codes, load_json, parse
from ..validation.document import parsed
from ..validation.document import unreadable as unreadable_problem
from ..validation.problems import printable

#: Problem codes of evaluate's inputs (the catalogue is ``newsspan.validation.REGISTRY``).
CODES: dict[str, str] = codes("evaluate")

#: Closed attributes of each layer and their label sets (from the schema).
CLOSED: dict[Layer, dict[str, Callable[[], tuple[str, ...]]]] = {
    "entities": {"label": entity_labels},
    "dates": {"type": timex_types},
    "quotations": {"form": quotation_forms},
    "claims": {"type": claim_types},
}

#: Attributes a predicted span must have besides its offsets.
REQUIRED: dict[Layer, tuple[str, ...]] = {"entities": ("label",), "dates": ("type",), "quotations": (), "claims": ()}

#: Measures resting on attributes an import format cannot carry (its import fills in placeholders).
FORMAT_LOSES: dict[str, dict[Layer, tuple[str, ...]]] = {
    "doccano": {"dates": ("value_accuracy", "value_f1"), "claims": ("checkworthy", "checkworthy_f1")},
}

#: Keys a partial document may have: the id, the layers, and the other fields of an annotation file.
DOCUMENT_KEYS = frozenset({"id", "text", *LAYERS, "schema_version", "seed", "metadata", "annotation"})

#: Layers an import format carries (formats not listed carry all four).
FORMAT_LAYERS: dict[str, tuple[Layer, ...]] = {"conll": ("entities",)}


class EvaluationError(Exception):
    """Inputs that cannot be scored; ``problems`` says every reason."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(f"{p.file}:{p.pointer}: {p.code}: {p.message}" for p in problems[:5]))
        self.problems = problems


# --- checking one predicted document -----------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def offset_problems(item: Any, text: str | None, file: str, ptr: str) -> list[Problem]:
    """The offsets (and ``text``, if given) of a span or sub-span."""
    if not isinstance(item, dict):
        return [Problem(file, ptr, "eval-malformed", f"expected an object with start and end; found {item!r:.60}")]
    start, end = item.get("start"), item.get("end")
    if not (_is_int(start) and _is_int(end)):
        return [
            Problem(
                file,
                ptr,
                "eval-malformed",
                f"expected integer start and end; found start {start!r:.20}, end {end!r:.20}",
            )
        ]
    limit = len(text) if text is not None else None
    if not 0 <= start < end or (limit is not None and end > limit):
        bound = f"0 <= start < end <= {limit}" if limit is not None else "0 <= start < end"
        return [Problem(file, ptr, "eval-offset", f"expected offsets with {bound}; found start {start}, end {end}")]
    if text is not None and "text" in item and item["text"] != text[start:end]:
        return [
            Problem(
                file,
                f"{ptr}/text",
                "eval-text-mismatch",
                f"expected {text[start:end]!r:.60} (the gold text at {start}-{end}); found {item['text']!r:.60}",
            )
        ]
    return []


def attribute_problems(
    layer: Layer, item: dict[str, Any], entity_ids: set[str], text: str | None, file: str, ptr: str
) -> list[Problem]:
    """Required and closed attributes, sub-spans and the speaker of one predicted span."""
    found = [
        Problem(file, f"{ptr}/{name}", "eval-malformed", f"expected a {name}; found none")
        for name in REQUIRED[layer]
        if item.get(name) is None
    ]
    for name, labels in CLOSED[layer].items():
        value = item.get(name)
        if value is not None and value not in labels():
            found.append(
                Problem(
                    file,
                    f"{ptr}/{name}",
                    "eval-unknown-label",
                    f"expected one of {', '.join(labels())}; found {value!r:.40}",
                )
            )
    if layer == "dates" and item.get("value") is not None and not isinstance(item["value"], str):
        found.append(
            Problem(
                file, f"{ptr}/value", "eval-malformed", f"expected a TIMEX3 value string; found {item['value']!r:.40}"
            )
        )
    if layer == "claims" and item.get("checkworthy") not in (None, True, False):
        found.append(
            Problem(
                file,
                f"{ptr}/checkworthy",
                "eval-malformed",
                f"expected true, false or null; found {item['checkworthy']!r:.40}",
            )
        )
    if layer == "quotations":
        for name in ("source", "cue"):
            if item.get(name) is not None:
                found += offset_problems(item[name], text, file, f"{ptr}/{name}")
        found += speaker_problems(item.get("speaker"), entity_ids, text, file, f"{ptr}/speaker")
    return found


def speaker_problems(speaker: Any, entity_ids: set[str], text: str | None, file: str, ptr: str) -> list[Problem]:
    """A speaker is null, the id of an entity of the document, or the offsets of the mention."""
    if speaker is None:
        return []
    if isinstance(speaker, str):
        if speaker in entity_ids:
            return []
        return [
            Problem(
                file,
                ptr,
                "eval-dangling-speaker",
                f"expected the id of an entity of this document ({', '.join(sorted(entity_ids)[:8]) or 'none'});"
                f" found {speaker!r:.40}",
            )
        ]
    return offset_problems(speaker, text, file, ptr)


def check_document(doc: Any, layers: Iterable[Layer], text: str | None, file: str) -> list[Problem]:
    """Every problem of one (possibly partial) document in the layers scored; ``text`` None skips range checks."""
    if not isinstance(doc, dict):
        return [Problem(file, "", "eval-malformed", f"expected a JSON object; found {type(doc).__name__}")]
    found: list[Problem] = []
    entities = doc.get("entities")
    entity_ids = (
        {e["id"] for e in entities if isinstance(e, dict) and isinstance(e.get("id"), str)}
        if isinstance(entities, list)
        else set()
    )
    for layer in layers:
        items = doc.get(layer)
        if items is None:
            continue
        if not isinstance(items, list):
            found.append(Problem(file, f"/{layer}", "eval-malformed", f"expected a list of spans; found {items!r:.40}"))
            continue
        for index, item in enumerate(items):
            ptr = f"/{layer}/{index}"
            found += offset_problems(item, text, file, ptr)
            if isinstance(item, dict):
                found += attribute_problems(layer, item, entity_ids, text, file, ptr)
    return found


# --- pairing documents -------------------------------------------------------------------


def given_layers(docs: Iterable[Mapping[str, Any]]) -> tuple[Layer, ...]:
    """The layers at least one document gives, in the canonical order."""
    present = {key for doc in docs if isinstance(doc, dict) for key in doc}
    return tuple(layer for layer in LAYERS if layer in present)


def pair_documents(
    gold: Sequence[Mapping[str, Any]],
    pred: Sequence[Mapping[str, Any]],
    layers: Sequence[Layer],
    names: tuple[str, str] = ("gold", "pred"),
) -> list[tuple[Mapping[str, Any], Mapping[str, Any]]]:
    """Each gold document with its prediction (by ``id``; by position when no document has an id).

    A gold document without a prediction is scored against an empty one. Raises :class:`EvaluationError`
    for a predicted id the gold documents lack, duplicate ids, or a scored layer a gold document lacks.
    """
    problems: list[Problem] = []
    for n, doc in enumerate(gold):
        problems += [
            Problem(
                names[0],
                f"/{n}/{layer}",
                "eval-missing-layer",
                f"expected the {layer} layer, which is scored; found none",
            )
            for layer in layers
            if isinstance(doc, dict) and not isinstance(doc.get(layer), list)
        ]
    if not any("id" in d for d in (*gold, *pred)) and len(gold) == len(pred):
        pairs = list(zip(gold, pred, strict=True))
    else:
        by_id: dict[Any, Mapping[str, Any]] = {}
        for n, doc in enumerate(pred):
            if doc.get("id") in by_id:
                problems.append(
                    Problem(
                        names[1],
                        f"/{n}/id",
                        "eval-duplicate-document",
                        f"expected one prediction per document; found {doc.get('id')!r:.60} again",
                    )
                )
            by_id[doc.get("id")] = doc
        gold_ids = {doc.get("id") for doc in gold}
        problems += [
            Problem(names[1], f"/{n}/id", "eval-unknown-document", unknown_id_message(doc.get("id"), gold_ids))
            for n, doc in enumerate(pred)
            if doc.get("id") not in gold_ids
        ]
        pairs = [(doc, by_id.get(doc.get("id"), {})) for doc in gold]
    if problems:
        raise EvaluationError(problems)
    return pairs


def unknown_id_message(doc_id: Any, gold_ids: Iterable[Any]) -> str:
    """What an unknown predicted id is compared with."""
    known = sorted(str(i) for i in gold_ids)
    shown = ", ".join(known[:5]) + (f" (and {len(known) - 5} more)" if len(known) > 5 else "")
    return f"expected the id of a gold document ({shown or 'none'}); found {doc_id!r:.60}"


# --- reading files ------------------------------------------------------------------------


@dataclass
class Inputs:
    """Gold documents with their texts, predicted documents, the layers the prediction gives, and problems."""

    gold: list[dict[str, Any]] = field(default_factory=list)
    texts: dict[str, str] = field(default_factory=dict)
    pred: list[dict[str, Any]] = field(default_factory=list)
    layers: tuple[Layer, ...] = LAYERS
    problems: list[Problem] = field(default_factory=list)


def corpus_of(path: Path, root: Path | None) -> tuple[Corpus, Path]:
    """The corpus root of a GOLD or PRED path, and the annotation file or folder to read.

    A folder holding ``annotations/`` is a corpus root; otherwise the root is ``root`` if given, else the
    parent of an ``annotations`` folder the path is in, else the current folder.
    """
    if path.is_dir() and (path / "annotations").is_dir():
        return Corpus(path), path / "annotations"
    if root is not None:
        return Corpus(root), path
    folder = path if path.is_dir() else path.parent
    return Corpus(folder.parent if folder.name == "annotations" else Path(".")), path


def read_gold(path: Path, root: Path | None, inputs: Inputs) -> None:
    """Validated gold documents and their canonical texts (reuses ``newsspan agree``'s loading)."""
    from ..review.agreement import load_side

    corpus, files = corpus_of(path, root)
    side = load_side(corpus, files)
    inputs.problems += side.problems
    for doc_id in sorted(side.documents):
        _, doc, text = side.documents[doc_id]
        inputs.gold.append(doc)
        inputs.texts[doc_id] = text
    if not side.problems and not inputs.gold:
        inputs.problems.append(Problem(str(path), "", "eval-no-documents", "expected gold documents; found none"))


def read_jsonl(path: Path, inputs: Inputs, layers: Sequence[Layer] | None) -> None:
    """Partial documents, one JSON object per line (blank lines skipped)."""
    try:
        lines = read_regular(str(path)).splitlines()
    except OSError as exc:
        inputs.problems.append(unreadable_problem(str(path), exc) if isinstance(exc, ReadRefused) else
                               Problem(str(path), "", "eval-unreadable",
                                       f"expected a readable file; found {exc.strerror or exc}"))
        return
    docs: list[tuple[str, Any]] = []
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        doc, problems = parse(where, line)
        if parsed(problems):
            inputs.problems += problems
            docs.append((where, doc))
        elif problems[0].code == "json-too-deep":
            inputs.problems += problems
        else:
            inputs.problems.append(Problem(where, "", "eval-malformed", "expected one JSON object per line; found "
                                                                        f"invalid JSON ({problems[0].message})"))
    for where, doc in docs:
        inputs.problems += key_problems(doc, where)
    inputs.layers = given_layers(doc for _, doc in docs)
    if docs and not inputs.layers and layers is None:
        inputs.problems.append(
            Problem(
                str(path),
                "",
                "eval-malformed",
                f"expected at least one layer ({', '.join(LAYERS)}) on some line; found none",
            )
        )
    add_predictions(docs, inputs, layers)


def key_problems(doc: Any, where: str) -> list[Problem]:
    """A partial document's keys that are neither a layer nor a part of an annotation file (typos, say)."""
    if not isinstance(doc, dict):
        return []
    unknown = sorted(set(doc) - DOCUMENT_KEYS)
    return [
        Problem(
            where,
            f"/{key}",
            "eval-malformed",
            f"expected id, a layer ({', '.join(LAYERS)}) or a document field; found {key!r:.40}",
        )
        for key in unknown
    ]


def read_annotation_files(path: Path, root: Path | None, inputs: Inputs, layers: Sequence[Layer] | None) -> None:
    """Predicted annotation files (complete documents), not validated: only what scoring needs is checked."""
    corpus, files = corpus_of(path, root)
    docs: list[tuple[str, Any]] = []
    for file in corpus.annotation_files([files]):
        doc, problems = load_json(str(file), corpus.max_bytes, corpus.root)
        inputs.problems += problems
        if doc is not None:
            docs.append((printable(str(file)), doc))
    if not docs and not inputs.problems:
        inputs.problems.append(Problem(str(path), "", "eval-unreadable", "expected annotation files; found none"))
    add_predictions(docs, inputs, layers)


def read_format(path: Path, format_name: str, inputs: Inputs, layers: Sequence[Layer] | None) -> None:
    """Predictions in an import format, read by its :mod:`newsspan.formats` converter."""
    from ..formats import converter

    result = converter(format_name).read(path)
    inputs.problems += result.problems
    inputs.layers = FORMAT_LAYERS.get(format_name, LAYERS)
    docs = []
    for doc, text in result.documents:
        where = f"{path} ({doc['id']})"
        if doc["id"] in inputs.texts and text != inputs.texts[doc["id"]]:
            inputs.problems.append(text_differs(where, doc["id"]))
            continue
        docs.append((where, doc))
    add_predictions(docs, inputs, layers)


def text_differs(where: str, doc_id: str) -> Problem:
    """A prediction made for another version of a gold document's text."""
    return Problem(
        where,
        "/seed/text_sha256",
        "eval-text-differs",
        f"expected the text of gold document {doc_id!r}; found a prediction for another text",
    )


def add_predictions(docs: list[tuple[str, Any]], inputs: Inputs, layers: Sequence[Layer] | None) -> None:
    """Check each predicted document against its gold text and keep it (one per id)."""
    scored = tuple(layers) if layers is not None else inputs.layers
    seen: dict[str, str] = {}
    for where, doc in docs:
        if not isinstance(doc, dict):
            inputs.problems.append(
                Problem(where, "", "eval-malformed", f"expected a JSON object; found {type(doc).__name__}")
            )
            continue
        doc_id = doc.get("id")
        if not isinstance(doc_id, str):
            inputs.problems.append(
                Problem(where, "/id", "eval-malformed", f"expected a document id (string); found {doc_id!r:.40}")
            )
            continue
        if doc_id not in inputs.texts:
            inputs.problems.append(
                Problem(where, "/id", "eval-unknown-document", unknown_id_message(doc_id, inputs.texts))
            )
            continue
        if doc_id in seen:
            inputs.problems.append(
                Problem(
                    where,
                    "/id",
                    "eval-duplicate-document",
                    f"expected one prediction per document; found {doc_id!r} also in {seen[doc_id]}",
                )
            )
            continue
        pinned = (doc.get("seed") or {}).get("text_sha256") if isinstance(doc.get("seed"), dict) else None
        if pinned is not None and pinned != text_sha256(inputs.texts[doc_id]):
            inputs.problems.append(text_differs(where, doc_id))
            continue
        seen[doc_id] = where
        problems = check_document(doc, scored, inputs.texts[doc_id], where)
        inputs.problems += problems
        if not problems:
            inputs.pred.append(doc)


def read_inputs(
    gold: Path,
    pred: Path,
    *,
    root: Path | None = None,
    format_name: str | None = None,
    layers: Sequence[Layer] | None = None,
) -> Inputs:
    """GOLD and PRED as documents; every problem found on the way (the caller stops if there is any)."""
    inputs = Inputs()
    read_gold(gold, root, inputs)
    if inputs.problems:
        return inputs
    if format_name is not None:
        read_format(pred, format_name, inputs, layers)
    elif pred.is_file() and pred.suffix == ".jsonl":
        read_jsonl(pred, inputs, layers)
    else:
        read_annotation_files(pred, root, inputs, layers)
    return inputs


def drop_uncarried(layers: dict[str, Any], format_name: str | None) -> list[str]:
    """Null the measures of attributes ``format_name`` cannot carry (rates only); their names, for a warning."""
    dropped = []
    for layer, names in FORMAT_LOSES.get(format_name or "", {}).items():
        scores = layers.get(layer)
        for name in names if scores is not None else ():
            if isinstance(scores[name], dict):
                scores[name].update({"p": None, "r": None, "f1": None}, **({"ci": {}} if "ci" in scores[name] else {}))
            else:
                scores[name] = None
                scores.get("ci", {}).pop(name, None)
            dropped.append(f"{layer} {name}")
    return dropped
