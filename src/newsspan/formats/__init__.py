"""Converters between newsspan documents and the formats annotators and ML people use.

Each format is one module here exposing ``export(docs, out_dir, **options) -> list[Path]`` and
``read(src) -> ImportResult``; :data:`FORMATS` maps the format names of the CLI contract to them.
Import options (label map, unknown labels, source map, the corpus to re-align to) apply through
``base.read_with(module, src, ImportOptions(...))``; ``labels`` holds label maps and presets,
``options`` parses the command-line spelling of the options.
"""

from __future__ import annotations

from importlib import import_module
from types import ModuleType

#: Format name (CLI contract) -> module implementing it.
FORMATS: dict[str, str] = {
    "brat": "newsspan.formats.brat",
    "label-studio": "newsspan.formats.label_studio",
    "spacy": "newsspan.formats.spacy_docbin",
    "conll": "newsspan.formats.conll",
    "doccano": "newsspan.formats.doccano",
    "web-annotation": "newsspan.formats.web_annotation",
    "uima-cas": "newsspan.formats.uima_cas",
}


def converter(name: str) -> ModuleType:
    """The module implementing format ``name`` (raises KeyError for an unknown name)."""
    return import_module(FORMATS[name])
