"""Importing back into the corpus you are working on: nothing changes without --force, with --force the
annotation is replaced while its provenance (which brat does not carry), its seed and the agreement folders
stay; an unchanged round trip rewrites nothing."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from newsspan.corpus import Corpus
from newsspan.validation import validate

from .conftest import REPO, SEED_ID, invoke


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_brat_edit_comes_back_with_provenance_seed_and_agreement_kept(corpus_copy, tmp_path):
    root = corpus_copy.root
    shutil.copytree(REPO / "agreement", root / "agreement")
    before, text = corpus_copy.load(corpus_copy.annotation_path(SEED_ID))
    agreement, seeds = snapshot(root / "agreement"), snapshot(root / "seeds")
    assert invoke(["export", "--format", "brat", "--out", str(tmp_path / "brat"),
                               "--root", str(root)]).exit_code == 0
    ann = tmp_path / "brat" / f"{SEED_ID}.ann"
    lines = ann.read_text(encoding="utf-8").split("\n")
    k = next(i for i, line in enumerate(lines) if line.split("\t")[1].startswith("GPE "))
    lines[k] = lines[k].replace("\tGPE ", "\tLOC ", 1)
    ann.write_text("\n".join(lines), encoding="utf-8")
    annotation = corpus_copy.annotation_path(SEED_ID)
    unforced = invoke(["import", "--format", "brat", str(tmp_path / "brat"), "--out", str(root)])
    assert unforced.exit_code == 1 and "refusing to overwrite" in unforced.output
    assert json.loads(annotation.read_text(encoding="utf-8")) == before
    forced = invoke(["import", "--format", "brat", str(tmp_path / "brat"), "--out", str(root),
                                 "--force", "--json"])
    assert forced.exit_code == 0, forced.output
    after, after_text = Corpus(root).load(annotation)
    assert after_text == text
    assert after["annotation"] == before["annotation"] and after["metadata"] == before["metadata"]
    assert after["seed"] == before["seed"]
    changed = [(a["text"], a["label"], b["label"]) for a, b in zip(before["entities"], after["entities"], strict=True)
               if a["label"] != b["label"]]
    assert len(changed) == 1 and changed[0][1:] == ("GPE", "LOC")
    assert snapshot(root / "agreement") == agreement and snapshot(root / "seeds") == seeds
    assert validate(Corpus(root)).problems == []


def test_an_unchanged_round_trip_rewrites_nothing(corpus_copy, tmp_path):
    root = corpus_copy.root
    everything = snapshot(root / "annotations"), snapshot(root / "seeds")
    assert invoke(["export", "--format", "label-studio", "--out", str(tmp_path / "ls"),
                               "--root", str(root)]).exit_code == 0
    done = invoke(["import", "--format", "label-studio", str(tmp_path / "ls"), "--out", str(root)])
    assert done.exit_code == 0, done.output
    assert (snapshot(root / "annotations"), snapshot(root / "seeds")) == everything
