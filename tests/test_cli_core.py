"""The validate and add commands as users run them: output, JSON, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from newsspan.text import canonical_text, text_sha256
from newsspan.validation import validate

from .conftest import REPO, SEED_ID


def test_validate_repo_json_ok(cli):
    result = cli("validate", "--root", str(REPO), "--json", "--no-cache")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == {"ok": True, "files": 1, "errors": [], "speedups": True}


def test_validate_says_when_it_runs_without_its_speedups(cli, monkeypatch):
    """Without the extension (as an install without a C compiler has it): the same verdict, and a warning."""
    from newsspan.cli import corpus as corpus_command
    from newsspan.validation import document, rules

    monkeypatch.setattr(corpus_command, "COMPILED", False)
    monkeypatch.setattr(document, "speedups", None)
    monkeypatch.setattr(rules, "speedups", None)
    result = cli("validate", "--root", str(REPO), "--no-cache")
    assert result.exit_code == 0
    assert "without its C speedups" in result.stderr
    assert json.loads(cli("validate", "--root", str(REPO), "--no-cache", "--json").stdout)["speedups"] is False


def test_validate_reports_corrupted_offset_with_file_and_pointer(corpus_copy, cli):
    path = corpus_copy.annotation_path(SEED_ID)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entities"][5]["start"] += 1
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = cli("validate", "--root", str(corpus_copy.root), "--json")
    assert result.exit_code == 1
    errors = json.loads(result.stdout)["errors"]
    assert {(e["file"], e["pointer"], e["code"]) for e in errors} == {
        (str(path), "/entities/5/text", "span-text-mismatch")
    }


def test_validate_human_output_names_file_pointer_and_code(corpus_copy, cli):
    path = corpus_copy.annotation_path(SEED_ID)
    path.write_text(path.read_text(encoding="utf-8").replace('"label": "NORP"', '"label": "NATIONALITY"', 1))
    result = cli("validate", "--root", corpus_copy.root, terminal_width=250)
    assert result.exit_code == 1
    assert "schema-enum" in result.output and SEED_ID in result.output and "/label" in result.output


def test_validate_usage_errors_exit_2(tmp_path, cli):
    assert cli("validate", "--no-such-option").exit_code == 2
    assert cli("validate", "--root", str(tmp_path)).exit_code == 2  # no annotations at all


def test_console_script_runs_as_a_process():
    done = subprocess.run(
        [sys.executable, "-m", "newsspan", "validate", "--root", str(REPO), "--json", "--no-cache"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["ok"] is True


def test_add_creates_seed_and_draft_that_validates(tmp_path, cli):
    text_file = tmp_path / "incoming.txt"
    raw = "\ufeffLONDON: A text\r\nwith CRLF lines.\r\n\r\n".encode()
    text_file.write_bytes(raw)
    root = tmp_path / "corpus"
    result = cli("add", str(text_file), "--id", "london-text", "--root", str(root), "--json")
    assert result.exit_code == 0, result.output
    assert (root / "seeds" / "incoming.txt").read_bytes() == raw  # byte-for-byte
    doc = json.loads((root / "annotations" / "london-text.json").read_text(encoding="utf-8"))
    assert doc["seed"]["text_sha256"] == text_sha256("LONDON: A text\nwith CRLF lines.")
    assert doc["annotation"]["status"] == "draft"
    assert all(doc[layer] == [] for layer in ("entities", "dates", "quotations", "claims"))
    from newsspan.corpus import Corpus

    assert validate(Corpus(root)).ok


def test_add_refuses_to_overwrite(tmp_path, cli):
    text_file = tmp_path / "a.txt"
    text_file.write_text("Some text.", encoding="utf-8")
    root = tmp_path / "corpus"
    assert cli("add", str(text_file), "--id", "doc-one", "--root", str(root)).exit_code == 0
    annotation = root / "annotations" / "doc-one.json"
    before = annotation.read_bytes()
    again = cli("add", str(text_file), "--id", "doc-one", "--root", str(root))
    assert again.exit_code == 1
    assert "already exists" in again.output
    assert annotation.read_bytes() == before


def test_add_rejects_non_utf8_saying_where(tmp_path, cli):
    text_file = tmp_path / "latin1.txt"
    text_file.write_bytes("Caf\u00e9 au lait".encode("latin-1"))
    result = cli("add", str(text_file), "--id", "latin-one", "--root", str(tmp_path / "c"))
    assert result.exit_code == 1
    assert "byte 3" in result.output and "line 1" in result.output
    assert not (tmp_path / "c" / "seeds" / "latin1.txt").exists()


def test_add_rejects_bad_id(tmp_path, cli):
    text_file = tmp_path / "a.txt"
    text_file.write_text("x", encoding="utf-8")
    assert cli("add", str(text_file), "--id", "Bad_ID", "--root", str(tmp_path)).exit_code == 2


def test_canonical_text_of_seed_has_no_trailing_blank_lines(repo_corpus):
    text = canonical_text(repo_corpus.seed_path("000_6260d41548216105.txt").read_bytes())
    assert text.endswith("bilateral ties.") and text.count("\n") == 9  # 10 paragraphs


def test_add_a_folder_or_an_empty_text_is_an_error_not_a_traceback(tmp_path, cli):
    folder = cli("add", str(tmp_path), "--id", "some-doc", "--root", str(tmp_path / "c"))
    assert folder.exit_code == 2 and "readable text file" in folder.output
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"  \r\n\n")
    result = cli("add", str(empty), "--id", "empty-doc", "--root", str(tmp_path / "c"))
    assert result.exit_code == 1 and "expected some text" in result.output
    assert not (tmp_path / "c" / "seeds" / "empty.txt").exists()


def test_add_with_a_file_name_the_schema_refuses_needs_seed_name(tmp_path, cli):
    text_file = tmp_path / "my article.txt"
    text_file.write_text("Some text.", encoding="utf-8")
    root = tmp_path / "c"
    refused = cli("add", str(text_file), "--id", "my-article", "--root", str(root))
    assert refused.exit_code == 1 and "--seed-name" in refused.output
    assert (
        cli("add", str(text_file), "--id", "my-article", "--root", str(root), "--seed-name", "my-article.txt").exit_code
        == 0
    )
    from newsspan.corpus import Corpus

    assert validate(Corpus(root)).ok


def test_markup_like_text_is_printed_as_is(corpus_copy, cli):
    path = corpus_copy.annotation_path(SEED_ID)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["entities"][0]["text"] = "[/]"
    path.write_text(json.dumps(doc), encoding="utf-8")
    result = cli("validate", "--root", corpus_copy.root, "--no-cache", terminal_width=250)
    assert result.exit_code == 1
    assert '"[/]"' in result.output


def test_json_failures_are_json_on_stdout(tmp_path, cli):
    result = cli("validate", "--root", str(tmp_path), "--json")
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert payload["ok"] is False and payload["errors"][0]["code"] == "usage"


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["check"],
        ["review", "--out", "{tmp}/pages"],
        ["build", "--no-load", "--out", "{tmp}/dist"],
        ["stats"],
        ["export", "--format", "conll", "--out", "{tmp}/conll"],
    ],
)
def test_a_missing_path_argument_is_a_usage_error_everywhere(command, tmp_path, cli):
    args = [part.replace("{tmp}", str(tmp_path)) for part in command]
    result = cli(*args, str(tmp_path / "no-such.json"), "--root", str(REPO))
    assert result.exit_code == 2, result.output
    assert "no-such.json" in result.output


@pytest.mark.parametrize(
    ("blocked", "command", "extra"),
    [
        ("pyarrow", ["build", "--root", "{root}", "--out", "{tmp}/dist", "--no-load"], "dataset"),
        ("sklearn", ["agree", "{repo}/agreement/annotator-a", "{repo}/agreement/annotator-b", "--root", "{root}"],
         "review"),
        ("spacy", ["train", "--root", "{root}", "--out", "{tmp}/run", "--json"], "train"),
    ],
)
def test_a_command_whose_extra_is_missing_says_which_extra_to_install(blocked, command, extra, corpus_copy, tmp_path):
    """Run the console script in a process where a package of the extra cannot be imported."""
    blocker = tmp_path / "sitecustomize.py"
    blocker.write_text(
        "import sys\n"
        "class Block:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        f"        if name == {blocked!r} or name.startswith({blocked + '.'!r}):\n"
        "            raise ModuleNotFoundError(f'No module named {name!r}', name=name)\n"
        "sys.meta_path.insert(0, Block())\n",
        encoding="utf-8",
    )
    os = __import__("os")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))}
    args = [a.format(root=corpus_copy.root, tmp=tmp_path, repo=REPO) for a in command]
    done = subprocess.run(
        [sys.executable, "-c", "from newsspan.cli import main; main()", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 1, done.stderr
    assert f"pip install 'newsspan[{extra}]'" in done.stderr
    assert "Traceback" not in done.stderr
    if "--json" in args:
        assert f"newsspan[{extra}]" in json.loads(done.stdout)["errors"][0]["message"]


@pytest.mark.parametrize("command", [["review"], ["train", "--max-steps", "1"], ["export", "--format", "label-studio",
                                                                                "--force"]])
@pytest.mark.parametrize("folder", ["annotations", "seeds/pages"])
def test_outputs_never_go_into_the_corpus_folders(command, folder, corpus_copy, cli):
    """review/train/export --out in annotations/ or seeds/ is refused (train's scores.json or export's tasks.json
    there was read as a broken annotation file); nothing is written."""
    root = corpus_copy.root
    before = sorted(root.rglob("*"))
    result = cli(*command, "--root", root, "--out", root / folder, "--json")
    assert result.exit_code == 2, result.output
    [error] = json.loads(result.stdout)["errors"]
    assert f"corpus's {folder.split('/')[0]}/" in error["message"]
    assert sorted(root.rglob("*")) == before
