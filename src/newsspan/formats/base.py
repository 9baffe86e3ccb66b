"""What every converter shares: the import result and writing an imported corpus root."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..validate import Problem

#: A document with its canonical text, as converters pass them around.
DocumentWithText = tuple[dict[str, Any], str]


@dataclass
class ImportResult:
    """Documents read from a foreign format, and every span that could not be mapped."""

    documents: list[DocumentWithText] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
