"""The dataset package's imports point one way only: no cycles, no function-level imports dodging one,
and IOB2 encoding in one module (issue 9 item 1)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "newsspan"


def module_name(path: Path) -> str:
    parts = path.relative_to(SRC).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> list[tuple[str, bool]]:
    """``(imported newsspan module, at module level)`` for every import of ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module_name(path) if path.name == "__init__.py" else module_name(path).rsplit(".", 1)[0]
    top_level = {id(node) for node in tree.body}
    guarded = [node for node in tree.body if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)]
    type_checking = {id(n) for node in guarded for n in ast.walk(node)}
    found = []
    for node in ast.walk(tree):
        if id(node) in type_checking:
            continue
        if isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            target = ".".join([*base, node.module] if node.module else base)
            names = [f"{target}.{alias.name}" for alias in node.names]
            for name in [target, *names]:
                where = SRC / Path(*name.split("."))
                if where.with_suffix(".py").is_file() or where.is_dir():
                    found.append((name, id(node) in top_level))
        elif isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top_level) for alias in node.names if alias.name.startswith("newsspan")]
    return [(name, level) for name, level in found if name.startswith("newsspan")]


def graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in PACKAGE.rglob("*.py"):
        edges[module_name(path)] = {name for name, _ in imports(path) if name != module_name(path)}
    return edges


def cycles_through(start: str, edges: dict[str, set[str]]) -> list[list[str]]:
    """Import cycles that pass through ``start`` (depth-first search)."""
    found, stack = [], [(start, [start])]
    while stack:
        node, path = stack.pop()
        for nxt in edges.get(node, ()):
            if nxt == start:
                found.append([*path, start])
            elif nxt not in path and len(path) < 12:
                stack.append((nxt, [*path, nxt]))
    return found


DATASET_MODULES = sorted(module_name(p) for p in (PACKAGE / "dataset").glob("*.py"))


@pytest.mark.parametrize("module", [*DATASET_MODULES, "newsspan.iob"])
def test_no_import_cycle_through(module: str) -> None:
    assert cycles_through(module, graph()) == []


@pytest.mark.parametrize("path", [*sorted((PACKAGE / "dataset").glob("*.py")), PACKAGE / "iob.py"], ids=str)
def test_no_function_level_imports_of_newsspan(path: Path) -> None:
    assert [name for name, top in imports(path) if not top] == []


def test_features_is_a_leaf_of_the_package() -> None:
    assert not [name for name in graph()["newsspan.dataset.features"] if name.startswith("newsspan.dataset")]


def test_iob2_encoding_lives_only_in_iob() -> None:
    """No other module builds B-/I- tags or decodes them itself."""
    offenders = []
    for path in PACKAGE.rglob("*.py"):
        if path.name == "iob.py":
            continue
        source = path.read_text(encoding="utf-8")
        if any(marker in source for marker in ('"B-" if', '("B", "I")', '"I-" + ', 'f"B-{', 'startswith("B-")')):
            offenders.append(path.relative_to(PACKAGE).as_posix())
    assert offenders == []
