"""Human output never sends a control character from a document or a file name to the terminal."""

from __future__ import annotations

import io
import unicodedata

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from newsspan.cli.render import Table

HOSTILE = "x\x1b]0;pwned\x07y\x1b[2Jz\x9b31m\r\n"


def rendered(table: Table) -> str:
    console = Console(file=io.StringIO(), markup=False, highlight=False, width=200, color_system=None)
    console.print(table)
    return console.file.getvalue()


def test_a_table_shows_control_characters_as_escapes() -> None:
    table = Table(title=f"title {HOSTILE}")
    table.add_column("cell")
    table.add_column("number", justify="right")
    table.add_row(HOSTILE, Text("3"))
    out = rendered(table)
    assert not any(ch in out for ch in "\x1b\x07\x9b\r"), repr(out)
    assert "x\\x1b]0;pwned\\x07y\\x1b[2Jz" in out and "\\x9b31m" in out


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=40))
def test_any_text_cell_renders_without_a_control_character(text: str) -> None:
    table = Table()
    table.add_column("cell")
    table.add_row(text)
    out = rendered(table).replace("\n", "")
    assert not any(unicodedata.category(ch) in ("Cc", "Cs") for ch in out), repr(out)  # no control, no lone surrogate
