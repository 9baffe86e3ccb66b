"""Label maps: how the label names of other tools and corpora become newsspan layers and labels.

A map is a YAML or JSON object (or a built-in preset, :data:`PRESETS`) from a foreign label to
a target: ``PER: PERSON`` (a label of the span's own layer, or of the one layer that has it),
``DATE: dates/DATE`` (``<layer>/<label>`` routes the span into another layer), ``MISC: null``
(the span is dropped, and listed as dropped). A label the map does not name keeps its own name.
Every target is checked against the schema's label sets when the map is loaded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..model import LAYERS, Layer
from ..reading import read_regular
from ..schema import claim_types, entity_labels, quotation_forms, timex_types

#: A target: (layer, label), or None for "drop the span".
Target = tuple[Layer, str] | None

_ONTONOTES: dict[str, str | None] = {
    **{label: label for label in ("PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT",
                                  "WORK_OF_ART", "LAW", "LANGUAGE")},
    "DATE": "dates/DATE", "TIME": "dates/TIME",
    **dict.fromkeys(("PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL")),
}

#: Built-in maps (``--label-map NAME``). CoNLL-2003 and WikiANN ``LOC`` covers both countries and cities
#: (newsspan GPE) and rivers or mountains (newsspan LOC): it maps to LOC, to be reviewed; MISC has no
#: single newsspan type and is dropped (and listed).
PRESETS: dict[str, dict[str, str | None]] = {
    "conll2003": {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG", "MISC": None},
    "wikiann": {"PER": "PERSON", "LOC": "LOC", "ORG": "ORG"},
    "ontonotes": _ONTONOTES,
    "spacy-en": _ONTONOTES,  # spaCy's English pipelines use the 18 OntoNotes 5 types
    "wnut17": {"person": "PERSON", "location": "LOC", "corporation": "ORG", "group": "ORG",
               "creative-work": "WORK_OF_ART", "product": "PRODUCT"},
}


class LabelMapError(ValueError):
    """A label map that cannot be used; the message names the file, every bad entry, expected and found."""


def schema_labels() -> dict[Layer, tuple[str, ...]]:
    """The label set of each layer, from the schema."""
    return {"entities": entity_labels(), "dates": timex_types(), "quotations": quotation_forms(),
            "claims": claim_types()}


def native_target(label: str, layer: Layer | None = None) -> Target | None:
    """``label`` as it is: in ``layer`` when that layer has it, else in the one layer that has it."""
    sets = schema_labels()
    if layer is not None and label in sets[layer]:
        return (layer, label)
    found = [name for name in LAYERS if label in sets[name]]
    return (found[0], label) if len(found) == 1 else None


@dataclass(frozen=True)
class LabelMap:
    """A loaded label map: foreign label -> target (None drops the span)."""

    entries: Mapping[str, Target]
    source: str

    @classmethod
    def load(cls, spec: str) -> LabelMap:
        """A preset by name, or a YAML/JSON file; raises :class:`LabelMapError` naming every bad entry."""
        if spec in PRESETS and not Path(spec).exists():
            return cls.from_mapping(PRESETS[spec], f"preset {spec}")
        path = Path(spec)
        try:
            import yaml

            data = yaml.safe_load(read_regular(str(path)).decode("utf-8"))  # never a FIFO, within --max-bytes
        except OSError as exc:
            raise LabelMapError(f"--label-map {spec}: expected a preset ({', '.join(PRESETS)}) or a YAML/JSON "
                                f"file; found {exc.strerror or exc}") from None
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise LabelMapError(f"{path}: expected a YAML or JSON object; found {exc}") from None
        return cls.from_mapping(data, str(path))

    @classmethod
    def from_mapping(cls, data: Any, source: str) -> LabelMap:
        """A map from an already parsed object (``source`` names it in messages)."""
        if not isinstance(data, dict):
            raise LabelMapError(f"{source}: expected an object of label: target pairs; found {type(data).__name__}")
        entries: dict[str, Target] = {}
        errors = []
        for key, value in data.items():
            if not isinstance(key, str):
                errors.append(f"/{key}: expected a label name; found {key!r} (YAML reads yes/no/on/off as "
                              "booleans: quote such labels)")
                continue
            try:
                entries[key] = parse_target(value)
            except LabelMapError as exc:
                errors.append(f"/{key}: {exc}")
        if errors:
            raise LabelMapError(f"{source}: {len(errors)} bad entr{'y' if len(errors) == 1 else 'ies'}: "
                                + "; ".join(errors))
        return cls(entries, source)

    def resolve(self, label: str, layer: Layer | None = None) -> tuple[bool, Target]:
        """(named, target): whether the map names ``label``, and where the span goes.

        A named label goes to its target (None: dropped); an unnamed one keeps its name
        (:func:`native_target`; None: unknown).
        """
        if label in self.entries:
            return True, self.entries[label]
        return False, native_target(label, layer)


def parse_target(value: Any) -> Target:
    """``null`` -> None, ``LABEL`` -> the layer that has it, ``layer/LABEL`` -> that layer."""
    if value is None:
        return None
    if not isinstance(value, str):
        raise LabelMapError(f"expected a label, <layer>/<label> or null; found {value!r}")
    sets = schema_labels()
    layer, _, label = value.rpartition("/")
    if layer:
        if layer not in sets:
            raise LabelMapError(f"expected a layer of {', '.join(LAYERS)} before '/'; found {layer!r}")
        if label not in sets[layer]:  # type: ignore[index]
            raise LabelMapError(f"expected a label of {layer} ({', '.join(sets[layer])}); "  # type: ignore[index]
                                f"found {label!r}")
        return (layer, label)  # type: ignore[return-value]
    target = native_target(label)
    if target is None:
        every = ", ".join(f"{name}: {', '.join(values)}" for name, values in sets.items())
        raise LabelMapError(f"expected a newsspan label ({every}); found {label!r}")
    return target
