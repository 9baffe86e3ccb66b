"""Import options from their command-line spelling: label map, unknown labels, source map."""

from __future__ import annotations

from pathlib import Path

from .base import ImportOptions
from .labels import LabelMap, LabelMapError

ON_UNKNOWN = ("skip", "error")


class ImportOptionError(ValueError):
    """An option value that cannot be used (the message names the option, expected and found)."""


def import_options(label_map: str | None, on_unknown: str, source_map: list[str], *,
                   seed_root: Path | None = None) -> ImportOptions:
    """:class:`ImportOptions` from the values of ``--label-map``, ``--on-unknown`` and ``--source-map``."""
    if on_unknown not in ON_UNKNOWN:
        raise ImportOptionError(f"--on-unknown: expected one of {', '.join(ON_UNKNOWN)}; found {on_unknown!r}")
    try:
        loaded = LabelMap.load(label_map) if label_map else None
    except LabelMapError as exc:
        raise ImportOptionError(str(exc)) from None
    return ImportOptions(label_map=loaded, on_unknown=on_unknown, source_map=parse_source_map(source_map),
                         seed_root=seed_root)


def parse_source_map(pairs: list[str]) -> dict[str, Path]:
    """``IRI=FILE`` pairs as a dict; the IRI is everything before the last ``=`` that leaves a file name."""
    mapping: dict[str, Path] = {}
    for pair in pairs:
        iri, sep, file = pair.rpartition("=")
        if not (sep and iri and file):
            raise ImportOptionError(f"--source-map: expected IRI=FILE; found {pair!r}")
        if not Path(file).is_file():
            raise ImportOptionError(f"--source-map {pair}: expected {file} to be a text file; found none")
        mapping[iri] = Path(file)
    return mapping
