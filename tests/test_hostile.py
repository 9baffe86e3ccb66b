"""Hostile input: a catalogue of annotation files and corpus layouts a stranger could send.

Every case asserts the exit code, the problem code, that no traceback appears, that nothing of the
file outside the corpus root is read into the output, and that no file changed (inside the root and
outside it). Cases that could hang (a FIFO) run in a subprocess with a timeout.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from newsspan.cli import app
from newsspan.reading import MAX_BYTES_ENV

from .conftest import REPO, SEED_ID, invoke

SECRET = "SECRET-MARKER-7f3a9c"
SEED = "000_6260d41548216105.txt"
Doc = dict[str, Any]


def _corpus(tmp_path: Path) -> tuple[Path, Path]:
    """A copy of the repository's corpus at tmp/root, and a secret file next to it, outside the root."""
    root, outside = tmp_path / "root", tmp_path / "outside"
    for folder in ("seeds", "annotations"):
        shutil.copytree(REPO / folder, root / folder, ignore=shutil.ignore_patterns("*.md"))
    outside.mkdir()
    (outside / "secret.txt").write_text(f"{SECRET}\nroot:x:0:0:root:/root:/bin/bash\n", encoding="utf-8")
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

#: name -> (setup, command, exit code, problem codes that must appear, codes that must not)
CASES: dict[str, tuple[Callable[[Path, Path], None], tuple[str, ...], int, set[str], set[str]]] = {
    "seed ../ outside": (_seed_file("../outside/secret.txt"), VALIDATE, 1, {"seed-outside", "schema-pattern"}, set()),
    "seed deep ../ to /etc/passwd": (_seed_file("../../../../../../../../etc/passwd"), VALIDATE, 1,
                                     {"seed-outside"}, {"span-text-mismatch"}),
    "seed absolute path": (_seed_file("/etc/passwd"), VALIDATE, 1, {"seed-outside"}, {"span-text-mismatch"}),
    "seed name with a newline": (_seed_file(SEED + "\n"), VALIDATE, 1, {"seed-outside"}, set()),
    "seed symlink leading out": (_seed_symlink(lambda root, outside: outside / "secret.txt"), VALIDATE, 1,
                                 {"seed-outside"}, {"span-text-mismatch", "text-hash-mismatch"}),
    "seed symlink to /dev/zero": (_seed_symlink(lambda root, outside: Path("/dev/zero")), VALIDATE, 1,
                                  {"seed-outside"}, set()),
    "seed symlink staying inside": (_seed_symlink(lambda root, outside: root / "seeds" / SEED), VALIDATE, 0,
                                    set(), set()),
    "seed is a folder": (_directory(SEED_PATH), VALIDATE, 1, {"file-not-regular"}, set()),
    "seed is a FIFO": (_fifo(SEED_PATH), VALIDATE, 1, {"file-not-regular"}, set()),
    "annotation is a FIFO": (_fifo(ANNOTATION), VALIDATE, 1, {"file-not-regular"}, set()),
    "folder named *.json": (_directory(ANNOTATION), VALIDATE, 1, {"file-not-regular"}, set()),
    "annotation over --max-bytes": (lambda root, outside: None, ("--max-bytes", "5000", *VALIDATE), 1,
                                    {"file-too-large"}, set()),
    "JSON 254 levels deep": (_raw(b'{"id": ' + b"[" * 254 + b"]" * 254 + b"}"), VALIDATE, 1, {"json-too-deep"},
                             set()),
    "JSON 100000 levels deep": (_raw(b"[" * 100000 + b"]" * 100000), VALIDATE, 1, {"json-too-deep"}, set()),
    "duplicate key at the top": (_raw(b'{"id": "a", "id": "b"}'), VALIDATE, 1, {"json-duplicate-key"}, set()),
    "duplicate key in an entity": (_duplicate_key_in_entity, VALIDATE, 1, {"json-duplicate-key"}, set()),
    "not UTF-8": (_raw(b'{"id": "caf\xe9"}'), VALIDATE, 1, {"json-malformed"}, set()),
    "calendar-invalid TIMEX3 value": (_edit(lambda d: d["dates"][1].update(value="2026-02-31")), VALIDATE, 1,
                                      {"date-invalid"}, set()),
    "month 13 in the metadata": (_edit(lambda d: d["annotation"].update(created="2026-13-01")), VALIDATE, 1,
                                 {"date-invalid"}, set()),
    "anchor cycle": (_edit(_anchor_cycle), VALIDATE, 1, {"anchor-cycle"}, set()),
    "dangling speaker, no follow-on": (_edit(_dangling_speaker), VALIDATE, 1, {"dangling-reference"},
                                       {"claimant-mismatch"}),
    "offsets in UTF-16 units": (_astral_seed, VALIDATE, 1, {"span-text-mismatch"}, set()),
    "integral float offset": (_edit(lambda d: d["entities"][0].update(start=float(d["entities"][0]["start"]))),
                              VALIDATE, 1, {"offset-not-integer"}, set()),
    "huge integer offset": (_edit(lambda d: d["entities"][0].update(end=10**30)), VALIDATE, 1, set(), set()),
    "id with a trailing newline": (_edit(lambda d: d.update(id=SEED_ID + "\n")), VALIDATE, 1, {"schema-pattern"},
                                   set()),
    "layer that is not a list": (_edit(lambda d: d.update(claims=True)), VALIDATE, 1, {"schema-type"}, set()),
    "file name not UTF-8": (_non_utf8_name, VALIDATE, 1, {"id-filename-mismatch"}, set()),
    "check, seed outside": (_seed_file("../outside/secret.txt"), ("check", "--json"), 1, {"seed-outside"}, set()),
    "export, seed outside": (_seed_file("../outside/secret.txt"), ("export", "--format", "brat", "--json", "--out",
                                                                   "{tmp}/export"), 1, {"seed-outside"}, set()),
    "build, seed outside": (_seed_file("../outside/secret.txt"), ("build", "--no-load", "--json", "--out",
                                                                  "{tmp}/dist"), 1, {"seed-outside"}, set()),
    "stats, seed outside": (_seed_file("../outside/secret.txt"), ("stats", "--json"), 1, {"seed-outside"}, set()),
    "build, seed symlink out": (_seed_symlink(lambda root, outside: outside / "secret.txt"),
                                ("build", "--no-load", "--json", "--out", "{tmp}/dist"), 1, {"seed-outside"}, set()),
}

#: Cases whose command may write (a folder outside root and outside the secret's folder).
WRITES = {"export, seed outside", "build, seed outside", "build, seed symlink out"}


def _snapshot(*folders: Path) -> dict[str, str]:
    found = {}
    for folder in folders:
        for dirpath, dirnames, names in os.walk(folder):
            for name in names + [d for d in dirnames if os.path.islink(os.path.join(dirpath, d))]:
                path = os.path.join(dirpath, name)
                info = os.lstat(path)
                found[path] = f"{info.st_mode:o}:{info.st_size}:{info.st_mtime_ns}"
    return found


def _run(args: list[str], needs_subprocess: bool) -> tuple[int, str]:
    if needs_subprocess:  # could hang if a FIFO were opened: a subprocess with a timeout
        done = subprocess.run([sys.executable, "-m", "newsspan", *args], capture_output=True, timeout=120,
                              env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
        return done.returncode, (done.stdout + done.stderr).decode("utf-8", "replace")
    result = CliRunner().invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case(name, tmp_path, monkeypatch):
    monkeypatch.setenv(MAX_BYTES_ENV, str(64 * 1024 * 1024))  # restored after a case that sets --max-bytes
    setup, command, exit_code, codes, absent = CASES[name]
    root, outside = _corpus(tmp_path)
    setup(root, outside)
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    split = args.index(next(a for a in args if a in ("validate", "check", "export", "build", "stats")))
    args = [*args[: split + 1], "--root", str(root), *args[split + 1:]]
    before = _snapshot(root, outside)
    code, output = _run(args, needs_subprocess="FIFO" in name)
    assert code == exit_code, output[-2000:]
    assert "Traceback" not in output
    assert SECRET not in output and "root:x:0:0" not in output
    assert _snapshot(root, outside) == before  # nothing changed, inside the root or outside it
    if name not in WRITES:
        assert sorted(p.name for p in tmp_path.iterdir()) == ["outside", "root"]
    found = set()
    for line in output.splitlines():
        found.update(code for code in CASES_CODES if f'"{code}"' in line or f": {code}: " in line)
    assert codes <= found, output[-3000:]
    assert not (absent & found), output[-3000:]


CASES_CODES = sorted({c for case in CASES.values() for c in case[3] | case[4]} | {"schema-pattern", "schema-type"})


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
