"""Validation of annotation files: structure (JSON Schema) and meaning (offsets, references, ...).

Every problem of a file is reported at once as a :class:`Problem` with the file, a JSON pointer,
a stable code from :data:`REGISTRY` and a message saying what was expected and found.

Modules, in the order a file goes through them: :mod:`.problems` (the finding type, the code
catalogue, JSON pointers), :mod:`.structure` (the schema), :mod:`.rules` (the table of semantic
rules), :mod:`.document` (one annotation: parse, structure, seed, rules), :mod:`.cache` and
:mod:`.runner` (many files: listing, incremental cache, process pool, :func:`load_valid`).
"""

from __future__ import annotations

from .document import Checked, document_problems, load_json, parse
from .problems import CODES, REGISTRY, Code, Problem, Report, codes, pointer, pointer_parts
from .rules import RULES, Context
from .runner import (
    annotation_files,
    iter_valid,
    load_valid,
    validate,
    validate_file,
    validate_parsed,
    validate_record,
)

__all__ = [
    "CODES",
    "REGISTRY",
    "RULES",
    "Checked",
    "Code",
    "Context",
    "Problem",
    "Report",
    "annotation_files",
    "codes",
    "document_problems",
    "iter_valid",
    "load_json",
    "load_valid",
    "parse",
    "pointer",
    "pointer_parts",
    "validate",
    "validate_file",
    "validate_parsed",
    "validate_record",
]
