"""Markdown text that cannot become structure: the escaping the card's Jinja environment applies.

Every value printed by the card template is escaped as text unless it is a :class:`Markdown`
fragment built here: a metadata string such as ``"M\\n\\n## Injected\\n<iframe src=x>"`` stays one
line of literal text (no heading, no HTML, no link, no emphasis), a code span stays one code span.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any

#: Characters that start inline structure in CommonMark/GFM (HTML, links, emphasis, code, strikethrough);
#: an underscore between two letters or digits cannot (``snake_case`` stays as it is).
_SPECIAL = re.compile(r"([\\`*\[\]<>~]|(?<![^\W_])_|_(?![^\W_]))")
#: An ampersand that would start a character reference (``&amp;``, ``&#60;``).
_ENTITY = re.compile(r"&(?=#?[0-9A-Za-z]+;)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
EMPTY = "—"


class Markdown(str):
    """A trusted Markdown fragment: printed as it is."""


def text(value: Any) -> Markdown:
    """``value`` as literal inline text: one line, every structure character escaped."""
    if isinstance(value, Markdown):
        return value
    flat = _LINE_BREAK.sub(" ", str(value))
    return Markdown(_ENTITY.sub("&amp;", _SPECIAL.sub(r"\\\1", flat)))


def code(value: Any) -> Markdown:
    """``value`` as one inline code span (its content is literal; a fence longer than any backtick run)."""
    flat = _LINE_BREAK.sub(" ", str(value))
    runs = [len(run) for run in re.findall(r"`+", flat)]
    if not runs:
        return Markdown(f"`{flat}`")
    fence = "`" * (max(runs) + 1)
    return Markdown(f"{fence} {flat} {fence}")


def cell(value: Any) -> str:
    """A table cell: text (or trusted Markdown), ``—`` when empty, pipes escaped (GFM splits cells on them)."""
    if value is None or value == "":
        return EMPTY
    return text(value).replace("|", "\\|")


def table(header: Sequence[Any], rows: Sequence[Sequence[Any]]) -> Markdown:
    """A GFM table; plain values are escaped as text."""
    lines = ["| " + " | ".join(cell(v) for v in header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return Markdown("\n".join(lines))


def json_block(obj: dict[str, Any]) -> Markdown:
    """A row as a fenced JSON block, one field per line (JSON strings hold no raw line break)."""
    lines = ",\n".join(f"  {json.dumps(k)}: {json.dumps(v, ensure_ascii=False)}" for k, v in obj.items())
    return Markdown("```json\n{\n" + lines + "\n}\n```")


def number(value: int) -> Markdown:
    """An integer with thousands separators."""
    return Markdown(f"{value:,}")


def escape_output(value: Any) -> Any:
    """The Jinja ``finalize`` hook: every printed value is text unless it is trusted Markdown."""
    if isinstance(value, Markdown):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return number(value)
    return text(value)


def fenced(content: str, info: str = "") -> Markdown:
    """A fenced code block holding ``content`` literally (the fence is longer than any backtick run inside)."""
    runs = [len(run) for run in re.findall(r"`+", content)]
    fence = "`" * max(3, max(runs, default=0) + 1)
    return Markdown(f"{fence}{info}\n{content}\n{fence}")
