"""Hostile input: a catalogue of annotation files and corpus layouts a stranger could send.

Every case asserts the exit code, the problem code, that no traceback appears, that nothing of the
file outside the corpus root is read into the output, and that no file changed (inside the root and
outside it). Cases that could hang (a FIFO) run in a subprocess with a timeout.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsspan.cli import app
from newsspan.reading import MAX_BYTES_ENV
from newsspan.validation import REGISTRY

from .conftest import REPO, SEED_ID, invoke

SECRET = "SECRET-MARKER-7f3a9c"
SEED = "000_6260d41548216105.txt"
Doc = dict[str, Any]
Setup = Callable[[Path, Path], Any]


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the repository's corpus at tmp/root, and a secret file next to it, outside the root."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    for folder in ("seeds", "annotations"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("*.md"))
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}\nroot:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
    (outside / "secret.json").write_text(json.dumps({"id": SECRET, "seed": {"file": SECRET}}), encoding="utf-8")
    return root, outside


def _doc(root: Path) -> Doc:
    return json.loads((root / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8"))


def _write(root: Path, doc: Doc, name: str = f"{SEED_ID}.json") -> None:
    (root / "annotations" / name).write_text(json.dumps(doc, ensure_ascii=False, indent=2), encoding="utf-8")


def _edit(change: Callable[[Doc], None]) -> Callable[[Path, Path], None]:
    def setup(root: Path, outside: Path) -> None:
        doc = _doc(root)
        change(doc)
        _write(root, doc)
    return setup


def _seed_file(name: str) -> Callable[[Path, Path], None]:
    return _edit(lambda doc: doc["seed"].update(file=name))


def _seed_symlink(target: Callable[[Path, Path], Path]) -> Callable[[Path, Path], None]:
    def setup(root: Path, outside: Path) -> None:
        (root / "seeds" / "linked.txt").symlink_to(target(root, outside))
        _seed_file("linked.txt")(root, outside)
    return setup


def _raw(data: bytes) -> Callable[[Path, Path], None]:
    def setup(root: Path, outside: Path) -> None:
        (root / "annotations" / f"{SEED_ID}.json").write_bytes(data)
    return setup


def _duplicate_key_in_entity(root: Path, outside: Path) -> None:
    text = (root / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8")
    _raw(text.replace('"label": "', '"label": "PERSON", "label": "', 1).encode())(root, outside)


def _anchor_cycle(doc: Doc) -> None:
    doc["dates"][1]["anchor"], doc["dates"][2]["anchor"] = doc["dates"][2]["id"], doc["dates"][1]["id"]


def _dangling_speaker(doc: Doc) -> None:
    quoted = next(c["quotation"] for c in doc["claims"] if c.get("quotation"))
    next(q for q in doc["quotations"] if q["id"] == quoted)["speaker"] = "e999"


def _utf16_shift(doc: Doc) -> None:
    text = "Leaders 🤝 met Tokayev in Astana."
    doc["seed"]["text_sha256"] = hashlib.sha256(text.encode()).hexdigest()
    doc["entities"] = [{"id": "e1", "start": 15, "end": 22, "text": "Tokayev", "label": "PERSON"}]
    for layer in ("dates", "quotations", "claims"):
        doc[layer] = []
    doc["metadata"]["dateline"] = None


def _astral_seed(root: Path, outside: Path) -> None:
    (root / "seeds" / SEED).write_text("Leaders 🤝 met Tokayev in Astana.", encoding="utf-8")
    _edit(_utf16_shift)(root, outside)


def _non_utf8_name(root: Path, outside: Path) -> None:
    source = root / "annotations" / f"{SEED_ID}.json"
    os.rename(source, os.path.join(os.fsencode(root / "annotations"), b"caf\xe9.json"))


def _escape_name(root: Path, outside: Path) -> None:
    os.rename(ANNOTATION(root), root / "annotations" / "x\x1b]0;owned\x07\x1b[2J\n✓ 1 file(s) valid.json")


def _fifo(where: Callable[[Path], Path]) -> Callable[[Path, Path], None]:
    def setup(root: Path, outside: Path) -> None:
        path = where(root)
        path.unlink(missing_ok=True)
        os.mkfifo(path)
    return setup


def _directory(where: Callable[[Path], Path]) -> Callable[[Path, Path], None]:
    def setup(root: Path, outside: Path) -> None:
        path = where(root)
        if path.exists():
            path.unlink()
        path.mkdir()
    return setup


ANNOTATION = lambda root: root / "annotations" / f"{SEED_ID}.json"  # noqa: E731
SEED_PATH = lambda root: root / "seeds" / SEED  # noqa: E731
VALIDATE = ("validate", "--json", "--no-cache")
NOTHING: Setup = lambda root, outside: None  # noqa: E731


@dataclass(frozen=True)
class Case:
    """A hostile input: how to make it, the command run on it, and what must come out.

    ``command`` may hold ``{root}``, ``{outside}``, ``{tmp}`` and ``{out}`` (a folder the command may write, which
    is searched for the secret and the codes too); ``--root {root}`` is added after the command name unless given.
    ``codes`` must appear, ``absent`` must not; ``expect`` are texts the output must hold. ``subprocess`` runs the
    command in a child with a timeout (anything that could block or exhaust memory if the guard failed).
    """

    setup: Setup
    command: tuple[str, ...]
    exit_code: int
    codes: frozenset[str] = frozenset()
    absent: frozenset[str] = frozenset()
    expect: tuple[str, ...] = ()
    subprocess: bool = False
    env: tuple[tuple[str, str], ...] = ()


def case(setup: Setup, command: tuple[str, ...], exit_code: int, codes: Iterable[str] = (),
         absent: Iterable[str] = (), **options: Any) -> Case:
    return Case(setup, command, exit_code, frozenset(codes), frozenset(absent), **options)


def _raw_replace(old: str, new: str, count: int = 1) -> Setup:
    def setup(root: Path, outside: Path) -> None:
        text = ANNOTATION(root).read_text(encoding="utf-8")
        assert old in text
        ANNOTATION(root).write_bytes(text.replace(old, new, count).encode("utf-8", "surrogatepass"))
    return setup


def _annotation_link_out(root: Path, outside: Path) -> None:
    (root / "annotations" / "linked.json").symlink_to(outside / "secret.json")


def _annotations_folder_link_out(root: Path, outside: Path) -> None:
    shutil.move(root / "annotations", outside / "annotations")
    (root / "annotations").symlink_to(outside / "annotations")


def _annotation_link_inside(root: Path, outside: Path) -> None:
    (root / "kept").mkdir()
    shutil.move(ANNOTATION(root), root / "kept" / ANNOTATION(root).name)
    ANNOTATION(root).symlink_to(root / "kept" / ANNOTATION(root).name)


def _outside_annotation(root: Path, outside: Path) -> None:
    doc = _doc(root)
    doc["seed"]["file"] = "../outside/secret.txt"
    (outside / "ann").mkdir()
    (outside / "ann" / f"{SEED_ID}.json").write_text(json.dumps(doc), encoding="utf-8")


def _big_seed(root: Path, outside: Path) -> None:
    with SEED_PATH(root).open("ab") as handle:  # trailing whitespace: the same canonical text, a larger file
        handle.write(b"\n" * 100_000)


def _seed_bytes(data: bytes) -> Setup:
    return lambda root, outside: SEED_PATH(root).write_bytes(data)


def _injected_metadata(doc: Doc) -> None:
    doc["annotation"]["annotators"] = [INJECTED]
    doc["metadata"]["title"] = INJECTED


INJECTED = "M\n\n## Injected\n<iframe src=x></iframe><script>alert(1)</script>"


def _fifo_link_in_seeds(root: Path, outside: Path) -> None:
    os.mkfifo(root / "seeds" / "pipe")
    (root / "seeds" / "linked.txt").symlink_to(root / "seeds" / "pipe")
    _seed_file("linked.txt")(root, outside)


def _suggestions(change: Callable[[Path, Path], None] = NOTHING) -> Setup:
    """A suggestion file for the corpus's document in outside/sg (a draft copy of it), then ``change``."""
    def setup(root: Path, outside: Path) -> None:
        doc = _doc(root)
        doc["annotation"]["status"] = "draft"
        _write(root, doc)
        (outside / "sg").mkdir()
        (outside / "sg" / f"{SEED_ID}.json").write_text(json.dumps(doc), encoding="utf-8")
        change(root, outside)
    return setup


def _suggestion_seed_outside(root: Path, outside: Path) -> None:
    doc = _doc(root)
    doc["seed"]["file"] = "../outside/secret.txt"
    (outside / "sg" / f"{SEED_ID}.json").write_text(json.dumps(doc), encoding="utf-8")


def _source(fmt: str, change: Callable[[Path], None]) -> Setup:
    """outside/src: the corpus exported as ``fmt``, then ``change(src)``."""
    def setup(root: Path, outside: Path) -> None:
        args = ["export", "--format", fmt, "--root", str(root), "--out", str(outside / "src")]
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        change(outside / "src")
    return setup


def _replace_file(pattern: str, make: Callable[[Path], None]) -> Callable[[Path], None]:
    def change(src: Path) -> None:
        [path] = src.glob(pattern)
        path.unlink()
        make(path)
    return change


def _fifo_at(path: Path) -> None:
    os.mkfifo(path)


def _deep_json(path: Path) -> None:
    path.write_bytes(b"[" * 100000 + b"]" * 100000)


def _web_target_out(src: Path) -> None:
    [path] = src.glob("*.jsonld")
    path.write_text(path.read_text(encoding="utf-8").replace(f'"{SEED_ID}.txt"', '"../secret.txt"'), encoding="utf-8")


def _brat_text_link_out(src: Path) -> None:
    [txt] = src.glob("*.txt")
    txt.unlink()
    txt.symlink_to(src.parent / "secret.txt")


def _target_fifo(root: Path, outside: Path) -> None:
    """outside/src: the corpus as brat; the import's target root already holds a FIFO where the document goes."""
    _source("brat", lambda src: None)(root, outside)
    (root.parent / "out" / "annotations").mkdir(parents=True)
    os.mkfifo(root.parent / "out" / "annotations" / f"{SEED_ID}.json")


def _text_file(data: bytes, name: bytes = b"article.txt") -> Setup:
    def setup(root: Path, outside: Path) -> None:
        with open(os.path.join(os.fsencode(outside), name), "wb") as handle:
            handle.write(data)
    return setup


DEEP = b'{"id": ' + b"[" * 254 + b"]" * 254 + b"}"
UTF16 = json.dumps({"id": SEED_ID}).encode("utf-16")

#: The same hostile corpora under every command that reads a corpus.
HOSTILE_CORPORA: dict[str, tuple[Setup, set[str]]] = {
    "seed ../ outside": (_seed_file("../outside/secret.txt"), {"seed-outside"}),
    "seed link to /dev/zero": (_seed_symlink(lambda root, outside: Path("/dev/zero")), {"seed-outside"}),
    "annotation link leading out": (_annotation_link_out, {"file-outside"}),
    "JSON 254 levels deep": (_raw(DEEP), {"json-too-deep"}),
    "duplicate key": (_duplicate_key_in_entity, {"json-duplicate-key"}),
    "file name not UTF-8": (_non_utf8_name, {"id-filename-mismatch"}),
    "file name with a terminal escape and a newline": (_escape_name, {"id-filename-mismatch"}),
    "folder named *.json": (_directory(ANNOTATION), {"file-not-regular"}),
}
COMMANDS: dict[str, tuple[tuple[str, ...], int]] = {
    "validate": (VALIDATE, 1),
    "validate table": (("validate", "--no-cache"), 1),
    "check": (("check", "--json"), 1),
    "review": (("review", "--out", "{out}", "--json"), 0),  # pages show the problems; they are searched
    "build": (("build", "--no-load", "--json", "--out", "{out}"), 1),
    "export": (("export", "--format", "brat", "--json", "--out", "{out}"), 1),
    "stats": (("stats",), 1),
    "agree": (("agree", "{root}/annotations", "{root}/annotations", "--json"), 1),
    "evaluate": (("evaluate", "{root}", "{root}", "--json"), 1),
    "suggest": (("suggest", "--out", "{out}", "--json"), 1),
    "train": (("train", "--out", "{out}", "--max-steps", "1", "--json"), 1),
    "split": (("split", "--json"), 1),
}

CASES: dict[str, Case] = {
    # --- reads stay inside the corpus ---
    "seed ../ outside": case(_seed_file("../outside/secret.txt"), VALIDATE, 1, {"seed-outside", "schema-pattern"}),
    "seed deep ../ to /etc/passwd": case(_seed_file("../../../../../../../../etc/passwd"), VALIDATE, 1,
                                         {"seed-outside"}, {"span-text-mismatch"}),
    "seed absolute path": case(_seed_file("/etc/passwd"), VALIDATE, 1, {"seed-outside"}, {"span-text-mismatch"}),
    "seed name with a newline": case(_seed_file(SEED + "\n"), VALIDATE, 1, {"seed-outside"}),
    "seed name with a NUL": case(_seed_file(SEED + "\0"), VALIDATE, 1, {"seed-outside", "schema-pattern"}),
    "seed name empty": case(_seed_file(""), VALIDATE, 1, {"seed-outside"}),
    "seed symlink leading out": case(_seed_symlink(lambda root, outside: outside / "secret.txt"), VALIDATE, 1,
                                     {"seed-outside"}, {"span-text-mismatch", "text-hash-mismatch"}),
    "seed symlink to /dev/zero": case(_seed_symlink(lambda root, outside: Path("/dev/zero")), VALIDATE, 1,
                                      {"seed-outside"}),
    "seed symlink staying inside": case(_seed_symlink(lambda root, outside: root / "seeds" / SEED), VALIDATE, 0),
    "seed symlink to a FIFO in seeds/": case(_fifo_link_in_seeds, VALIDATE, 1, {"file-not-regular"},
                                             subprocess=True),
    "seed is a folder": case(_directory(SEED_PATH), VALIDATE, 1, {"file-not-regular"}),
    "seed is a FIFO": case(_fifo(SEED_PATH), VALIDATE, 1, {"file-not-regular"}, subprocess=True),
    "seed over --max-bytes": case(_big_seed, ("--max-bytes", "50000", *VALIDATE), 1, {"file-too-large"}),
    "seed in UTF-16": case(_seed_bytes("ASTANA".encode("utf-16")), VALIDATE, 1, {"seed-not-utf8"},
                           expect=("UTF-16",)),
    "annotation is a FIFO": case(_fifo(ANNOTATION), VALIDATE, 1, {"file-not-regular"}, subprocess=True),
    "folder named *.json": case(_directory(ANNOTATION), VALIDATE, 1, {"file-not-regular"}),
    "annotation over --max-bytes": case(NOTHING, ("--max-bytes", "5000", *VALIDATE), 1, {"file-too-large"}),
    "annotations/ is a link leading out": case(_annotations_folder_link_out, VALIDATE, 1, {"file-outside"}),
    "annotation link staying inside": case(_annotation_link_inside, VALIDATE, 0),
    "named file outside the root: its seed stays confined": case(
        _outside_annotation, (*VALIDATE, "{outside}/ann/" + f"{SEED_ID}.json"), 1, {"seed-outside"}),
    # --- JSON that parsers disagree on or choke on ---
    "JSON 254 levels deep": case(_raw(DEEP), VALIDATE, 1, {"json-too-deep"}),
    "JSON 100000 levels deep": case(_raw(b"[" * 100000 + b"]" * 100000), VALIDATE, 1, {"json-too-deep"}),
    "duplicate key at the top": case(_raw(b'{"id": "a", "id": "b"}'), VALIDATE, 1, {"json-duplicate-key"}),
    "duplicate key in an entity": case(_duplicate_key_in_entity, VALIDATE, 1, {"json-duplicate-key"}),
    "not UTF-8": case(_raw(b'{"id": "caf\xe9"}'), VALIDATE, 1, {"json-malformed"}),
    "UTF-16 annotation file": case(_raw(UTF16), VALIDATE, 1, {"json-malformed"}),
    "UTF-8 byte order mark": case(lambda root, outside: ANNOTATION(root).write_bytes(
        b"\xef\xbb\xbf" + ANNOTATION(root).read_bytes()), VALIDATE, 1, {"json-malformed"}),
    "NaN token": case(_raw_replace('"start": 0,', '"start": NaN,'), VALIDATE, 1, {"json-malformed"}),
    "Infinity token": case(_raw_replace('"start": 0,', '"start": Infinity,'), VALIDATE, 1, {"json-malformed"}),
    "1e400": case(_raw_replace('"start": 0,', '"start": 1e400,'), VALIDATE, 1, {"json-malformed"}),
    "lone surrogate escape": case(_raw_replace('"text": "', '"text": "\\ud800'), VALIDATE, 1, {"json-malformed"}),
    "layer that is not a list": case(_edit(lambda d: d.update(claims=True)), VALIDATE, 1, {"schema-type"}),
    # --- numbers: reported as written ---
    "integral float offset": case(_edit(lambda d: d["entities"][0].update(start=float(d["entities"][0]["start"]))),
                                  VALIDATE, 1, {"offset-not-integer"}),
    "offset 1e2 as written": case(_raw_replace('"start": 0,', '"start": 1e2,'), VALIDATE, 1, {"offset-not-integer"},
                                  expect=("found 1e2",)),
    "offset 12.0 as written": case(_raw_replace('"start": 0,', '"start": 12.0,'), VALIDATE, 1,
                                   {"offset-not-integer"}, expect=("found 12.0",)),
    "offset 12.5 as written": case(_raw_replace('"start": 0,', '"start": 12.5,'), VALIDATE, 1,
                                   {"offset-not-integer"}, expect=("found 12.5",)),
    "offset 1E+1 as written": case(_raw_replace('"start": 0,', '"start": 1E+1,'), VALIDATE, 1,
                                   {"offset-not-integer"}, expect=("found 1E+1",)),
    "huge integer offset": case(_edit(lambda d: d["entities"][0].update(end=10**30)), VALIDATE, 1,
                                {"offset-out-of-range"}, {"offset-not-integer"}, expect=(f"found {10**30}",)),
    # --- holes in the data contract ---
    "id with a trailing newline": case(_edit(lambda d: d.update(id=SEED_ID + "\n")), VALIDATE, 1, {"schema-pattern"}),
    "entity id with a control character": case(_edit(lambda d: d["entities"][0].update(id="e1\x1b[2J")), VALIDATE,
                                               1, {"schema-pattern"}),
    "calendar-invalid TIMEX3 value": case(_edit(lambda d: d["dates"][1].update(value="2026-02-31")), VALIDATE, 1,
                                          {"date-invalid"}),
    "29 February of a common year": case(_edit(lambda d: d["metadata"]["published"].update(date="2025-02-29")),
                                         VALIDATE, 1, {"date-invalid"}),
    "month 13 in the metadata": case(_edit(lambda d: d["annotation"].update(created="2026-13-01")), VALIDATE, 1,
                                     {"date-invalid"}),
    "anchor cycle": case(_edit(_anchor_cycle), VALIDATE, 1, {"anchor-cycle"}),
    "dangling speaker, no follow-on": case(_edit(_dangling_speaker), VALIDATE, 1, {"dangling-reference"},
                                           {"claimant-mismatch"}),
    "offsets in UTF-16 units": case(_astral_seed, VALIDATE, 1, {"span-text-mismatch"}, expect=("UTF-16",)),
    "file name not UTF-8": case(_non_utf8_name, VALIDATE, 1, {"id-filename-mismatch"}),
    # --- what is published or printed is text ---
    "markup in the card metadata": case(_edit(_injected_metadata), ("build", "--no-load", "--json", "--out", "{out}"),
                                        0),
    "markup in a review page": case(_edit(_injected_metadata), ("review", "--out", "{out}", "--json"), 0),
    "ascii terminal, name not UTF-8, table": case(_non_utf8_name, ("validate", "--no-cache"), 1,
                                                  {"id-filename-mismatch"}, subprocess=True,
                                                  env=(("PYTHONIOENCODING", "ascii"),)),
    "ascii terminal, name not UTF-8, --json": case(_non_utf8_name, VALIDATE, 1, {"id-filename-mismatch"},
                                                   subprocess=True, env=(("PYTHONIOENCODING", "ascii"),)),
    "ascii terminal, check table": case(_non_utf8_name, ("check",), 1, {"id-filename-mismatch"}, subprocess=True,
                                        env=(("PYTHONIOENCODING", "ascii"),)),
    # --- import: source files are read like annotation files, only from inside the source ---
    "import brat: .ann is a FIFO": case(_source("brat", _replace_file("*.ann", _fifo_at)),
                                        ("import", "--format", "brat", "{outside}/src", "--out", "{out}"), 1,
                                        {"file-not-regular"}, subprocess=True),
    "import label-studio: the file named is /dev/zero": case(
        NOTHING, ("import", "--format", "label-studio", "/dev/zero", "--out", "{out}"), 1, {"file-not-regular"},
        subprocess=True),
    "import uima-cas: .xmi is a FIFO": case(_source("uima-cas", _replace_file("*.xmi", _fifo_at)),
                                            ("import", "--format", "uima-cas", "{outside}/src", "--out", "{out}"), 1,
                                            {"file-not-regular"}, subprocess=True),
    "import conll: over --max-bytes": case(_source("conll", lambda src: None),
                                           ("--max-bytes", "1000", "import", "--format", "conll", "{outside}/src",
                                            "--out", "{out}"), 1, {"file-too-large"}),
    "import doccano: an empty folder": case(lambda root, outside: (outside / "src").mkdir(),
                                            ("import", "--format", "doccano", "{outside}/src", "--out", "{out}"), 1,
                                            {"import-no-input"}),
    "import label-studio: JSON 100000 deep": case(_source("label-studio", _replace_file("*.json", _deep_json)),
                                                  ("import", "--format", "label-studio", "{outside}/src", "--out",
                                                   "{out}"), 1, {"json-too-deep"}),
    "import doccano: a line 100000 deep": case(_source("doccano", _replace_file("*.jsonl", _deep_json)),
                                               ("import", "--format", "doccano", "{outside}/src", "--out", "{out}"),
                                               1, {"json-too-deep"}),
    "import web-annotation: target ../ outside": case(_source("web-annotation", _web_target_out),
                                                      ("import", "--format", "web-annotation", "{outside}/src",
                                                       "--out", "{out}"), 1, {"file-outside"}),
    "import brat: .txt links out of the folder": case(_source("brat", _brat_text_link_out),
                                                      ("import", "--format", "brat", "{outside}/src", "--out",
                                                       "{out}"), 1, {"file-outside"}),
    "import spacy: not a DocBin": case(_source("spacy", _replace_file("*.spacy", lambda p: p.write_bytes(b"\0" * 9))),
                                       ("import", "--format", "spacy", "{outside}/src", "--out", "{out}"), 1,
                                       {"import-unreadable"}),
    "import spacy: a DocBin that inflates past --max-bytes": case(
        _source("spacy", _replace_file("*.spacy", lambda p: p.write_bytes(zlib.compress(b"\0" * 1_000_000)))),
        ("--max-bytes", "100000", "import", "--format", "spacy", "{outside}/src", "--out", "{out}"), 1,
        {"file-too-large"}),
    "import into a root whose annotation is a FIFO": case(
        _target_fifo, ("import", "--format", "brat", "{outside}/src", "--out", "{out}"), 1, subprocess=True,
        expect=("refusing to overwrite",)),
    # --- add ---
    "add /dev/zero": case(NOTHING, ("add", "/dev/zero", "--id", "new-article"), 2, expect=("device",),
                          subprocess=True),
    "add a folder": case(NOTHING, ("add", "{outside}", "--id", "new-article"), 2, expect=("folder",)),
    "add over --max-bytes": case(_text_file(b"x" * 2000), ("--max-bytes", "1000", "add", "{outside}/article.txt",
                                                           "--id", "new-article"), 2, expect=("--max-bytes",)),
    "add UTF-16 text": case(_text_file("ASTANA: talks.".encode("utf-16")),
                            ("add", "{outside}/article.txt", "--id", "new-article"), 1,
                            expect=("article.txt", "UTF-16")),
    "add id with a control character": case(_text_file(b"ASTANA: talks."),
                                            ("add", "{outside}/article.txt", "--id", "new\x1barticle"), 2),
    "add --seed-name ../": case(_text_file(b"ASTANA: talks."), ("add", "{outside}/article.txt", "--id",
                                                                "new-article", "--seed-name", "../x.txt"), 1),
    "add a file name not UTF-8": case(_text_file(b"ASTANA: talks.", b"caf\xe9.txt"),
                                      ("add", os.fsdecode(b"{outside}/caf\xe9.txt"), "--id", "new-article"), 1,
                                      expect=("--seed-name",)),
    # --- accept ---
    "accept: suggestion is a FIFO": case(lambda root, outside: os.mkfifo(outside / "s.json"),
                                         ("accept", "{outside}/s.json", "--json"), 1, {"file-not-regular"},
                                         subprocess=True),
    "accept: suggestion 100000 deep": case(lambda root, outside: _deep_json(outside / "s.json"),
                                           ("accept", "{outside}/s.json", "--json"), 1, {"json-too-deep"}),
    "accept: gold is a FIFO": case(_suggestions(_fifo(ANNOTATION)), ("accept", "{outside}/sg", "--json"), 1,
                                   {"file-not-regular"}, subprocess=True),
    "accept: gold is malformed": case(_suggestions(_raw(b"[[[")), ("accept", "{outside}/sg", "--json"), 1,
                                      {"json-malformed"}),
    "accept: gold links out": case(_suggestions(lambda root, outside: (
        ANNOTATION(root).unlink(), ANNOTATION(root).symlink_to(outside / "secret.json"))),
        ("accept", "{outside}/sg", "--json"), 1, {"file-outside"}),
    "accept: suggestion's seed outside": case(_suggestions(_suggestion_seed_outside),
                                              ("accept", "{outside}/sg", "--json"), 1, {"seed-outside"}),
    # --- evaluate, agree ---
    "evaluate: predictions are a FIFO": case(lambda root, outside: os.mkfifo(outside / "p.jsonl"),
                                             ("evaluate", "{root}", "{outside}/p.jsonl", "--json"), 1,
                                             {"file-not-regular"}, subprocess=True),
    "evaluate: a line 100000 deep": case(lambda root, outside: _deep_json(outside / "p.jsonl"),
                                         ("evaluate", "{root}", "{outside}/p.jsonl", "--json"), 1, {"json-too-deep"}),
    "evaluate: a prediction file 100000 deep": case(lambda root, outside: (
        (outside / "p").mkdir(), _deep_json(outside / "p" / f"{SEED_ID}.json")),
        ("evaluate", "{root}", "{outside}/p", "--json"), 1, {"json-too-deep"}),
    "evaluate: a prediction file is a FIFO": case(lambda root, outside: (
        (outside / "p").mkdir(), os.mkfifo(outside / "p" / f"{SEED_ID}.json")),
        ("evaluate", "{root}", "{outside}/p", "--json"), 1, {"file-not-regular"}, subprocess=True),
    "agree: a file of B is a FIFO": case(lambda root, outside: ((outside / "b").mkdir(),
                                                                os.mkfifo(outside / "b" / f"{SEED_ID}.json")),
                                         ("agree", "{root}/annotations", "{outside}/b", "--json"), 1,
                                         {"file-not-regular"}, subprocess=True),
}
for _corpus_name, (_setup, _codes) in HOSTILE_CORPORA.items():
    for _command_name, (_command, _exit) in COMMANDS.items():
        CASES[f"{_command_name}: {_corpus_name}"] = case(_setup, _command, _exit, _codes)

#: Each command, as the first argument that names one (global options such as --max-bytes come before it).
COMMAND_NAMES = {"validate", "check", "review", "build", "export", "stats", "agree", "evaluate", "suggest", "train",
                 "import", "add", "accept", "split"}
#: Every code a case can look for (a word of the output or of a written file).
KNOWN_CODES = sorted(set(REGISTRY) | {"schema-pattern", "schema-type"})


def _snapshot(*folders: Path) -> dict[str, str]:
    found = {}
    for folder in folders:
        for dirpath, dirnames, names in os.walk(folder):
            for name in names + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                path = os.path.join(dirpath, name)
                info = os.lstat(path)
                found[path] = f"{info.st_mode:o}:{info.st_size}:{info.st_mtime_ns}"
    return found


def _run(args: list[str], needs_subprocess: bool, env: dict[str, str] | None = None) -> tuple[int, str]:
    if needs_subprocess:  # could hang if a FIFO were opened: a subprocess with a timeout
        done = subprocess.run([sys.executable, "-m", "newsspan", *args], capture_output=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path), **(env or {})})
        return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def _args(command: tuple[str, ...], root: Path, outside: Path, tmp: Path) -> list[str]:
    places = {"{root}": str(root), "{outside}": str(outside), "{out}": str(tmp / "out"), "{tmp}": str(tmp)}
    args = []
    for part in command:
        for key, value in places.items():
            part = part.replace(key, value)
        args.append(part)
    split = args.index(next(a for a in args if a in COMMAND_NAMES))
    if "--root" not in args and args[split] != "import":
        args[split + 1:split + 1] = ["--root", str(root)]
    return args


def _written(folder: Path) -> str:
    """Every file a command wrote into ``folder``, as text (searched for the secret and for codes)."""
    if not folder.is_dir():
        return ""
    return "\n".join(p.read_bytes().decode("utf-8", "replace") for p in sorted(folder.rglob("*")) if p.is_file())


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case(name, tmp_path, monkeypatch):
    monkeypatch.setenv(MAX_BYTES_ENV, str(64 * 1024 * 1024))  # restored after a case that sets --max-bytes
    hostile = CASES[name]
    root, outside = _corpus(tmp_path)
    hostile.setup(root, outside)
    args = _args(hostile.command, root, outside, tmp_path)
    before = _snapshot(root, outside)
    code, output = _run(args, hostile.subprocess, dict(hostile.env))
    written = _written(tmp_path / "out")
    assert code == hostile.exit_code, output[-2000:]
    assert "Traceback" not in output
    for text in (output, written):
        assert SECRET not in text and "root:x:0:0" not in text  # nothing outside the root was read into the output
    assert _snapshot(root, outside) == before  # nothing changed, inside the root or outside it
    assert {p.name for p in tmp_path.iterdir()} <= {"outside", "root", "out"}
    if hostile.exit_code:
        assert not written, "a failed command left files in --out"
    found = {c for c in KNOWN_CODES if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", output + written)}
    assert hostile.codes <= found, output[-3000:]
    assert not (hostile.absent & found), output[-3000:]
    for text in hostile.expect:
        assert text in output, output[-3000:]
    assert "\x1b" not in output and "\n✓ 1 file(s) valid" not in output  # no terminal escape, no forged line
    if name.startswith("markup in"):
        _assert_escaped(tmp_path / "out", hostile.command[0])


def _assert_escaped(out: Path, command: str) -> None:
    """The injected heading, iframe and script are text in the card and the pages, never structure."""
    if command == "build":
        card = (out / "README.md").read_text(encoding="utf-8")
        assert not re.search(r"^#+ Injected", card, re.MULTILINE), card
        assert not re.search(r"(?<!\\)<(iframe|script)", card), card  # a Markdown escape (backslash) shows the text
    else:
        for page in out.glob("*.html"):
            html = page.read_text(encoding="utf-8")
            assert "<iframe src=x>" not in html and "<script>alert(1)" not in html


def test_utf16_offsets_get_a_hint(tmp_path):
    root, outside = _corpus(tmp_path)
    _astral_seed(root, outside)
    result = CliRunner().invoke(app, [*VALIDATE, "--root", str(root)])
    [error] = [e for e in json.loads(result.stdout)["errors"] if e["pointer"] == "/entities/0/text"]
    assert "UTF-16" in error["message"] and "14:21" in error["message"]


def test_off_by_n_span_suggests_the_nearest_place(tmp_path):
    root, _ = _corpus(tmp_path)
    doc = _doc(root)
    entity = doc["entities"][2]
    entity["start"] += 3
    entity["end"] += 3
    _write(root, doc)
    result = CliRunner().invoke(app, [*VALIDATE, "--root", str(root)])
    messages = [e["message"] for e in json.loads(result.stdout)["errors"] if e["code"] == "span-text-mismatch"]
    assert any(f"did you mean {entity['start'] - 3}:{entity['end'] - 3}" in m for m in messages), messages


def test_a_bad_date_value_shows_examples_not_the_regex(tmp_path):
    root, outside = _corpus(tmp_path)
    _edit(lambda d: d["dates"][1].update(value="3 Feb 2026"))(root, outside)
    result = CliRunner().invoke(app, [*VALIDATE, "--root", str(root)])
    [error] = json.loads(result.stdout)["errors"]
    assert error["code"] == "schema-pattern" and "e.g. 2026-02-03" in error["message"]
    assert len(error["message"]) < 250


def test_a_corrupt_or_locked_cache_is_rebuilt_silently(tmp_path, monkeypatch):
    import sqlite3

    from newsspan.validation.cache import CACHE_DIR_ENV, DB_NAME

    root, _ = _corpus(tmp_path)
    cache = tmp_path / "cache"
    monkeypatch.setenv(CACHE_DIR_ENV, str(cache))
    assert invoke(["validate", "--root", str(root), "--json"]).exit_code == 0
    (cache / DB_NAME).write_bytes(b"SQLite format 3\x00" + b"\xff" * 4000)  # a damaged database
    for _ in range(2):
        result = invoke(["validate", "--root", str(root)])
        assert result.exit_code == 0 and "warning" not in result.output, result.output
    assert "1 unchanged file(s) skipped" in result.output  # rebuilt on the first run, used on the second
    locker = sqlite3.connect(cache / DB_NAME)
    locker.execute("BEGIN EXCLUSIVE")  # another process holds the write lock
    try:
        result = invoke(["validate", "--root", str(root), "--json"])
        assert result.exit_code == 0 and json.loads(result.stdout)["ok"], result.output
    finally:
        locker.rollback()
        locker.close()


@pytest.mark.parametrize("case", ["orphan same bytes", "orphan other bytes", "id with newline", "fifo text"])
def test_add_is_all_or_nothing(case, tmp_path):
    root = tmp_path / "corpus"
    text_file = tmp_path / "article.txt"
    text_file.write_text("ASTANA: Leaders met.", encoding="utf-8")
    (root / "seeds").mkdir(parents=True)
    args = ["add", str(text_file), "--id", "article-one", "--root", str(root), "--json"]
    if case == "orphan same bytes":  # a kill between the two writes left the seed only
        shutil.copyfile(text_file, root / "seeds" / "article.txt")
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 0, result.output
        assert (root / "annotations" / "article-one.json").is_file()
        return
    if case == "orphan other bytes":
        (root / "seeds" / "article.txt").write_text("another text", encoding="utf-8")
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 1 and "other bytes" in result.output and "--seed-name" in result.output
        assert (root / "seeds" / "article.txt").read_text(encoding="utf-8") == "another text"
    elif case == "id with newline":
        args[3] = "article-one\n"
        result = CliRunner().invoke(app, args)
        assert result.exit_code == 2
    else:
        text_file.unlink()
        os.mkfifo(text_file)
        code, output = _run(args[:-1], needs_subprocess=True)
        assert code == 2 and "FIFO" in output and "Traceback" not in output
    assert not (root / "annotations").exists() or not any((root / "annotations").iterdir())
    assert [p.name for p in (root / "seeds").iterdir()] in ([], ["article.txt"])


def test_the_annotation_server_reads_seeds_and_files_as_validate_does(tmp_path):
    """``newsspan annotate``'s store: a seed link leading out and an annotation link leading out are refused unread
    (the page would otherwise show the other file's text), a FIFO seed is refused without blocking."""
    from newsspan.annotate.store import Store
    from newsspan.reading import ReadRefused

    root, outside = _corpus(tmp_path)
    _seed_symlink(lambda root, outside: outside / "secret.txt")(root, outside)
    store = Store.open(root, [])
    doc = _doc(root)
    with pytest.raises(ReadRefused) as refused:
        store.seed_text(doc)
    assert refused.value.code == "seed-outside"
    os.mkfifo(root / "seeds" / "pipe.txt")
    with pytest.raises(ReadRefused) as refused:
        store.seed_text({**doc, "seed": {**doc["seed"], "file": "pipe.txt"}})
    assert refused.value.code == "file-not-regular"
    ANNOTATION(root).unlink()
    ANNOTATION(root).symlink_to(outside / "secret.json")
    with pytest.raises(ReadRefused) as refused:
        store.read(SEED_ID)
    assert refused.value.code == "file-outside"
    assert [e["code"] for e in store.validate(SEED_ID, ANNOTATION(root))] == ["file-outside"]


NAME_NOT_UTF8 = {  # command -> exit code; the root and --out folders are named with a byte that is not UTF-8
    ("validate", "--no-cache"): 0,
    ("validate", "--no-cache", "--json"): 0,
    ("stats", "--json"): 0,
    ("export", "--format", "brat", "--out", "{out}", "--json"): 0,
    ("export", "--format", "brat", "--out", "{out}"): 0,
    ("review", "--out", "{out}", "--json"): 0,
    ("build", "--no-load", "--out", "{out}", "--json"): 1,  # pyarrow writes only UTF-8 paths: a clear refusal
    ("suggest", "--out", "{out}", "--json"): 0,
}


@pytest.mark.parametrize("command", list(NAME_NOT_UTF8), ids=" ".join)
def test_folder_names_not_utf8_print_in_every_output(command, tmp_path):
    """A root and an --out folder whose names are not UTF-8: every output prints them (bytes as \\xNN), --json
    is strict JSON (no lone surrogates), and nothing raises."""
    base = os.fsencode(tmp_path)
    root, out = Path(os.fsdecode(base + b"/r\xe9")), os.fsdecode(base + b"/o\xe9")
    for folder in ("seeds", "annotations"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("*.md"))
    args = [part.replace("{out}", out) for part in command]
    args[1:1] = ["--root", str(root)]
    code, output = _run(args, needs_subprocess=True)
    assert code == NAME_NOT_UTF8[command], output[-2000:]
    assert "Traceback" not in output and "\\udc" not in output
    if "--json" in command:
        import orjson

        output = json.dumps(orjson.loads(output[: output.rindex("}") + 1]))  # strict: no lone surrogate escape
    if "{out}" in command and "suggest" not in command:
        assert "o\\xe9" in output.replace("\\\\", "\\")
