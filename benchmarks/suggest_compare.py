"""Whether ``newsspan suggest`` writes the same suggestions as a baseline revision: the check every speed change
of the rules must pass (their output is to stay byte for byte the same).

    python benchmarks/suggest_compare.py BASELINE [--candidate SRC] [--root R ...] [--synthetic N] [--json]

BASELINE is a git revision of this repository; its ``src/`` and ``schema/`` are taken with ``git archive`` into a
temporary folder (nothing is written into the repository). The candidate is this checkout's ``src/`` unless
``--candidate`` names another ``src`` folder. Both run ``python -m newsspan suggest --root R --out DIR`` (rules
only) on each root: by default the repository itself (the seed), ``tests/fixtures/suggest`` and
``tests/fixtures/suggest_heldout``; ``--synthetic N`` adds N synthetic documents (seeded). The files are compared
byte for byte, except the header's ``created`` and ``modified`` dates (a run on another day differs there). A
differing document is reported with its first differing layer and span. Exit status 0 when every document is the
same, 1 otherwise.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from newsspan.model import LAYERS

REPO = Path(__file__).resolve().parents[1]
DEFAULT_ROOTS = (REPO, REPO / "tests" / "fixtures" / "suggest", REPO / "tests" / "fixtures" / "suggest_heldout")


def baseline_source(revision: str, into: Path) -> Path:
    """``src/`` and ``schema/`` of ``revision`` unpacked into ``into``; the path of its ``src``."""
    done = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", revision, "src", "schema"],
                          capture_output=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"suggest_compare: git archive {revision}: {done.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(done.stdout)) as archive:
        archive.extractall(into, filter="data")
    return into / "src"


def suggest(src: Path, root: Path, out: Path) -> None:
    """Run ``newsspan suggest`` of the code in ``src`` on ``root`` into ``out``."""
    env = {**os.environ, "PYTHONPATH": str(src), "HF_DATASETS_OFFLINE": "1", "HF_HUB_OFFLINE": "1"}
    done = subprocess.run([sys.executable, "-m", "newsspan", "suggest", "--root", str(root), "--out", str(out),
                           "--json"], capture_output=True, text=True, env=env, check=False)
    if done.returncode != 0:
        raise SystemExit(f"suggest_compare: suggest with {src} on {root} failed:\n{done.stderr[-2000:]}")


def first_difference(old: dict[str, Any], new: dict[str, Any]) -> str:
    """Where two suggestion files first differ: a layer and span index, or the header."""
    for layer in LAYERS:
        before, after = old.get(layer, []), new.get(layer, [])
        for index, (a, b) in enumerate(zip(before, after, strict=False)):  # a length difference is reported below
            if a != b:
                return f"{layer}[{index}]: {json.dumps(a, ensure_ascii=False)} -> {json.dumps(b, ensure_ascii=False)}"
        if len(before) != len(after):
            return f"{layer}: {len(before)} spans -> {len(after)}"
    return "the header or the layout"


def compare(old_dir: Path, new_dir: Path) -> dict[str, Any]:
    """The documents of two output folders that are the same, and those that differ (with where)."""
    names = sorted({p.name for p in old_dir.glob("*.json")} | {p.name for p in new_dir.glob("*.json")})
    same, differ = 0, []
    for name in names:
        old, new = old_dir / name, new_dir / name
        if not old.exists() or not new.exists():
            differ.append({"file": name, "where": "only in the " + ("candidate" if new.exists() else "baseline")})
            continue
        old_bytes, new_bytes = old.read_bytes(), new.read_bytes()
        if old_bytes == new_bytes:
            same += 1
            continue
        old_doc, new_doc = json.loads(old_bytes), json.loads(new_bytes)
        if _same_but_dates(old_bytes.decode("utf-8"), new_bytes.decode("utf-8"), old_doc, new_doc):
            same += 1
        else:
            differ.append({"file": name, "where": first_difference(old_doc, new_doc)})
    return {"documents": len(names), "same": same, "different": differ}


def _same_but_dates(old_text: str, new_text: str, old_doc: dict[str, Any], new_doc: dict[str, Any]) -> bool:
    """Whether the two files are the same text once the candidate's header carries the baseline's dates."""
    header, theirs = old_doc.get("annotation", {}), new_doc.get("annotation", {})
    for key in ("created", "modified"):
        if key in header and key in theirs:
            new_text = new_text.replace(f'"{key}": {json.dumps(theirs[key])}', f'"{key}": {json.dumps(header[key])}', 1)
    return old_text == new_text


def synthetic_root(count: int, into: Path) -> Path:
    """A synthetic corpus of ``count`` documents (seed 0) made by scripts/make_synthetic_corpus.py."""
    root = into / f"synthetic-{count}"
    subprocess.run([sys.executable, str(REPO / "scripts" / "make_synthetic_corpus.py"), str(count), "--out",
                    str(root), "--seed", "0", "--jobs", "1"], check=True, capture_output=True)
    return root


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("baseline", help="git revision whose suggestions are the reference (e.g. main, HEAD~3)")
    parser.add_argument("--candidate", type=Path, default=REPO / "src", help="src folder to test (default: ./src)")
    parser.add_argument("--root", type=Path, action="append", help="corpus root (repeatable; default: the seed "
                        "and the two suggest fixture sets)")
    parser.add_argument("--synthetic", type=int, default=0, help="also N synthetic documents (seed 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="newsspan-suggest-compare-") as tmp:
        work = Path(tmp)
        old_src = baseline_source(args.baseline, work / "baseline")
        roots = {str(root): root for root in args.root or DEFAULT_ROOTS}
        if args.synthetic:
            roots[f"synthetic ({args.synthetic} documents, seed 0)"] = synthetic_root(args.synthetic, work)
        results = {}
        for number, (name, root) in enumerate(roots.items()):
            old_out, new_out = work / f"old-{number}", work / f"new-{number}"
            suggest(old_src, root, old_out)
            suggest(args.candidate, root, new_out)
            results[name] = compare(old_out, new_out)
    same = all(not r["different"] for r in results.values())
    if args.json:
        print(json.dumps({"ok": same, "baseline": args.baseline, "roots": results}))
    else:
        for root, result in results.items():
            verdict = "same" if not result["different"] else f"{len(result['different'])} DIFFERENT"
            print(f"{root}: {result['documents']} documents, {verdict}")
            for item in result["different"][:5]:
                print(f"  {item['file']}: {item['where']}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
