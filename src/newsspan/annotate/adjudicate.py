"""Adjudication: two annotators' versions of a document, every disagreement, and their merge into gold.

Disagreements come from the same code as ``newsspan agree`` (:func:`newsspan.review.agreement.compare`).
The merge starts from A (left) and applies B's side of each disagreement the adjudicator resolved
"right"; references are carried by offsets (ids differ between annotators) and ids are renumbered in
text order (guidelines §G3).
"""

from __future__ import annotations

import copy
from typing import Any

from ..model import ID_PREFIX, LAYERS, REFERENCES, Layer, layer_of_id

CHOICES = ("left", "right")


def disagreements(text: str, doc_a: dict[str, Any], doc_b: dict[str, Any],
                  names: tuple[str, str]) -> list[dict[str, Any]]:
    """Every disagreement of B with A in one document, as ``newsspan agree --json`` lists them."""
    from ..review.agreement import compare

    report = compare([(text, doc_a, doc_b)], names)
    return [d.to_dict() for d in report.disagreements]


def _by_id(doc: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["id"]: item for layer in LAYERS for item in doc.get(layer, []) if isinstance(item, dict)}


def _offsets_of(doc: dict[str, Any], ref: Any) -> Any:
    """A reference made portable: ``(layer, start, end)`` of the item it names ("dct" and None stay)."""
    if not isinstance(ref, str) or ref == "dct":
        return ref
    item = _by_id(doc).get(ref)
    return None if item is None else (layer_of_id(ref), item["start"], item["end"])


def _portable(doc: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``doc`` whose references are ``(layer, start, end)`` triples instead of ids."""
    out = copy.deepcopy(doc)
    for (layer, name), _target in REFERENCES.items():
        for item in out[layer]:
            if name in item:
                item[name] = _offsets_of(doc, item[name])
    return out


def merge(doc_a: dict[str, Any], doc_b: dict[str, Any], found: list[dict[str, Any]],
          choices: dict[int, str]) -> dict[str, Any]:
    """Gold from A with B's side of each disagreement ``i`` where ``choices[i] == "right"``.

    ``found`` is the list :func:`disagreements` returned for these two documents. Missing spans are
    added or removed, boundaries, labels and attributes copied from B; references are resolved by
    offsets, ids renumbered in text order. A reference whose target is gone becomes null (the
    validator and the adjudicator see it).
    """
    gold, b = _portable(doc_a), _portable(doc_b)
    a_index, b_index = _by_id(doc_a), _by_id(doc_b)
    removed: set[int] = set()
    added: list[tuple[Layer, dict[str, Any]]] = []
    for i, d in enumerate(found):
        if choices.get(i) != "right":
            continue
        layer = d["layer"]
        target = _find(gold, layer, a_index.get(d["a_id"])) if d["a_id"] else None
        source = _find(b, layer, b_index.get(d["b_id"])) if d["b_id"] else None
        if d["kind"] == "missing_in_b" and target is not None:
            removed.add(id(target))
        elif d["kind"] == "missing_in_a" and source is not None:
            added.append((layer, copy.deepcopy(source)))
        elif d["kind"] == "boundary" and target is not None and source is not None:
            target.update(start=source["start"], end=source["end"], text=source["text"])
        elif target is not None and source is not None and d.get("attribute"):
            _copy_attribute(target, source, d["attribute"])
    for layer in LAYERS:
        gold[layer] = [item for item in gold[layer] if id(item) not in removed]
    for layer, item in added:
        gold[layer].append(item)
    return renumber(gold)


def _find(doc: dict[str, Any], layer: str, original: dict[str, Any] | None) -> dict[str, Any] | None:
    """The item of ``doc``'s layer that has ``original``'s id (ids are unchanged in the portable copy)."""
    if original is None:
        return None
    return next((item for item in doc[layer] if item["id"] == original["id"]), None)


def _copy_attribute(target: dict[str, Any], source: dict[str, Any], name: str) -> None:
    if name in source:
        target[name] = copy.deepcopy(source[name])
    else:
        target.pop(name, None)


def renumber(doc: dict[str, Any]) -> dict[str, Any]:
    """Ids in text order per layer (by start, longer first), references rewritten to the new ids.

    References may be ids of ``doc`` or portable ``(layer, start, end)`` triples (:func:`merge`); a
    reference that names nothing becomes null.
    """
    old_ids = {layer: {id(item): item.get("id") for item in doc[layer]} for layer in LAYERS}
    by_offsets: dict[tuple[str, int, int], str] = {}
    by_old_id: dict[str, str] = {}
    for layer in LAYERS:
        doc[layer].sort(key=lambda s: (s["start"], -s["end"]))
        for n, item in enumerate(doc[layer], start=1):
            new = f"{ID_PREFIX[layer]}{n}"
            by_offsets.setdefault((layer, item["start"], item["end"]), new)
            old = old_ids[layer][id(item)]
            if isinstance(old, str):
                by_old_id.setdefault(old, new)
            item["id"] = new
    for (layer, name), _target in REFERENCES.items():
        for item in doc[layer]:
            if name not in item:
                continue
            ref = item[name]
            if isinstance(ref, (tuple, list)):
                item[name] = by_offsets.get((ref[0], ref[1], ref[2]))
            elif isinstance(ref, str) and ref != "dct":
                item[name] = by_old_id.get(ref)
    for item in doc["dates"]:  # begin/end points are optional: drop them rather than write null
        for name in ("begin_point", "end_point"):
            if name in item and item[name] is None:
                del item[name]
    return doc


def adjudicated(gold: dict[str, Any], doc_a: dict[str, Any], doc_b: dict[str, Any], adjudicator: str | None) -> None:
    """Set the provenance of an adjudicated gold document: both annotators, the adjudicator as reviewer."""
    annotation = gold["annotation"]
    names = [*doc_a["annotation"]["annotators"], *doc_b["annotation"]["annotators"]]
    annotation["annotators"] = list(dict.fromkeys(names))
    annotation["status"] = "adjudicated"
    if adjudicator:
        annotation["reviewers"] = list(dict.fromkeys([*annotation.get("reviewers", []), adjudicator]))

