"""Human output never sends a control character from a document or a file name to the terminal."""

from __future__ import annotations

import io
import unicodedata
from pathlib import Path
from types import SimpleNamespace

from hypothesis import given
from hypothesis import strategies as st
from rich.console import Console
from rich.text import Text

from newsspan.cli.render import TABLE_ROWS, Table, counts_table, review_pages_table

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


COUNTS = st.lists(st.integers(0, 10**6), min_size=2, max_size=2)


@given(st.lists(st.tuples(st.text("abc-01", min_size=1, max_size=5), COUNTS), max_size=45))
def test_a_counts_table_shows_the_first_documents_sums_the_rest_and_totals_all(rows) -> None:
    table = counts_table("t", ("a", "b"), rows)
    names, shown, rest = list(table.columns[0].cells), rows[:TABLE_ROWS], rows[TABLE_ROWS:]
    assert names == [name for name, _ in shown] + ([f"... {len(rest)} more"] if rest else [])
    for i in (0, 1):
        column = table.columns[i + 1]
        assert column.footer == str(sum(counts[i] for _, counts in rows))
        assert list(column.cells)[-1:] == ([str(sum(counts[i] for _, counts in rest))] if rest
                                           else [str(counts[i]) for _, counts in rows[-1:]])


def test_the_review_table_lists_pages_with_errors_first_and_sums_the_rest() -> None:
    pages = [SimpleNamespace(id=f"doc-{n:02}", file="", page=f"doc-{n:02}.html", errors=int(n in (30, 33)),
                             warnings=int(n % 2 == 0)) for n in range(40)]
    table = review_pages_table(pages, Path("review"))
    names = list(table.columns[0].cells)
    assert names[:2] == ["doc-30", "doc-33"] and names[2:4] == ["doc-00", "doc-02"]
    assert names[-1] == "... 20 more" and len(names) == TABLE_ROWS + 1
    shown_warnings = sum(int(str(cell)) for cell in list(table.columns[3].cells)[:-1])
    assert shown_warnings + int(str(list(table.columns[3].cells)[-1])) == 20
