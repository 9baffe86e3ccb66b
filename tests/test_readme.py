"""The README states facts about the corpus and the commands; keep them true."""

from __future__ import annotations

import re
from collections import Counter

from newsspan.model import LABEL_FIELD, LAYERS

from .conftest import REPO


def _readme() -> str:
    return (REPO / "README.md").read_text(encoding="utf-8")


def test_corpus_table_matches_the_annotations(repo_corpus):
    rows = {m[1]: (int(m[2]), m[3]) for m in re.finditer(r"^\| (\w+) \| (\d+) \| (.+?) \|$", _readme(), re.M)}
    counts = {layer: Counter() for layer in LAYERS}
    checkworthy = 0
    for doc, _ in repo_corpus.iter_documents():
        for layer in LAYERS:
            counts[layer].update(item[LABEL_FIELD[layer]] for item in doc[layer])
        checkworthy += sum(1 for claim in doc["claims"] if claim["checkworthy"])
    for layer in LAYERS:
        total, by_label = rows[layer]
        assert total == sum(counts[layer].values())
        stated = dict(re.findall(r"(\w+) (\d+)", by_label.split(" (")[0]))
        assert {label: int(n) for label, n in stated.items()} == dict(counts[layer])
    assert f"(check-worthy: {checkworthy})" in rows["claims"][1]


def test_quickstart_has_exactly_two_commands():
    section = _readme().split("## Quickstart", 1)[1].split("\n## ", 1)[0]
    block = section.split("```bash", 1)[1].split("```", 1)[0]
    commands = [line for line in block.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    assert len(commands) == 2
    assert "newsspan build" in commands[0] and "pip install" in commands[0]
    assert commands[1] == "bash scripts/test.sh"


def test_ci_runs_the_readme_test_command():
    assert "scripts/test.sh" in (REPO / ".ci" / "run").read_text(encoding="utf-8")
