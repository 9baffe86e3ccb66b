"""newsspan suggest and accept: offsets in code points, TIMEX3 values, attributions, provenance, gold kept apart."""

from __future__ import annotations

import copy
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from newsspan.cli import app
from newsspan.corpus import Corpus, add_article
from newsspan.formats import converter
from newsspan.review.checks import check_document
from newsspan.suggest import pipeline
from newsspan.suggest.accept import accept
from newsspan.suggest.dates import suggest_dates
from newsspan.suggest.pipeline import suggest_layers, suggestion_document
from newsspan.text import canonical_text
from newsspan.validation import document_problems

from .conftest import REPO
from .suggest_support import quotes

runner = CliRunner()
DEV = REPO / "tests" / "fixtures" / "suggest"


def run(*args: str) -> Any:
    return runner.invoke(app, list(args), catch_exceptions=False)


def all_spans(doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Every span and sub-span of a document's four layers."""
    spans = []
    for layer in ("entities", "dates", "quotations", "claims"):
        for item in doc[layer]:
            spans.append(item)
            spans += [item[key] for key in ("source", "cue") if item.get(key)]
    return spans


def dev_documents() -> list[tuple[dict[str, Any], str]]:
    corpus = Corpus(DEV)
    return [corpus.load(path) for path in corpus.annotation_files()]


@pytest.fixture
def dev_copy(tmp_path: Path) -> Corpus:
    """A writable copy of the development articles' corpus root."""
    for folder in ("seeds", "annotations"):
        shutil.copytree(DEV / folder, tmp_path / folder)
    return Corpus(tmp_path)


# --- offsets ---------------------------------------------------------------------------------

@pytest.mark.parametrize("name", sorted(p.stem for p in (DEV / "annotations").glob("*.json")))
def test_every_suggested_span_is_the_slice_of_the_text_and_the_file_validates(name: str) -> None:
    corpus = Corpus(DEV)
    doc, text = corpus.load(corpus.annotation_path(name))
    suggestion = suggestion_document(doc, suggest_layers(doc, text))
    for span in all_spans(suggestion):
        assert text[span["start"]:span["end"]] == span["text"]
    path = corpus.annotation_path(name)
    assert document_problems(str(path), suggestion, text) == []
    made = {item["provenance"]["kind"] for layer in ("entities", "dates", "quotations", "claims")
            for item in suggestion[layer]}
    assert made == {"rule"} and suggestion["annotation"]["status"] == "draft"


def test_crlf_emoji_and_rtl_lines_keep_code_point_offsets(tmp_path: Path) -> None:
    raw = ("LAHORE: 🏏🔥 The minister said on Tuesday that the plan will start on February 3.\r\n"
           "\"ہم نے دیکھا ہے زمانے کو بدلتے ہوئے\" said Noor Jahan Baig.\r\n"
           "“We will win 🏆 the series in Colombo,” said Captain Fatima Sana.\r\n").encode()
    (tmp_path / "in.txt").write_bytes(raw)
    corpus = Corpus(tmp_path / "root")
    add_article(corpus, tmp_path / "in.txt", "emoji-rtl-crlf")
    result = run("suggest", "--root", str(corpus.root), "--out", str(tmp_path / "out"), "--json")
    assert result.exit_code == 0, result.output
    suggestion = json.loads((tmp_path / "out" / "emoji-rtl-crlf.json").read_text(encoding="utf-8"))
    text = canonical_text(raw)
    for span in all_spans(suggestion):
        assert text[span["start"]:span["end"]] == span["text"]
    dates = {d["text"]: d["start"] for d in suggestion["dates"]}
    assert dates["February 3"] == text.index("February 3")  # code points: the emoji count once each
    quotes = {q["text"]: q for q in suggestion["quotations"]}
    assert "ہم نے دیکھا ہے زمانے کو بدلتے ہوئے" in quotes
    assert quotes["We will win 🏆 the series in Colombo"]["source"]["text"] == "Captain Fatima Sana"
    names = {e["text"]: e["label"] for e in suggestion["entities"]}
    assert names["Fatima Sana"] == "PERSON" and names["Colombo"] == "GPE" and names["LAHORE"] == "GPE"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["😀", "🇵🇰", "é", "\u0301", "ہ", "\u200f", "\u05d0", " ", "x", "\t"]),
                max_size=12).map("".join))
def test_any_prefix_shifts_every_span_by_its_length_in_code_points(prefix: str) -> None:
    body = "The minister said on Tuesday that Pakistan will host talks on March 12–14 in Karachi."
    meta = {"published": {"date": "2026-02-04", "earliest": None, "latest": None, "evidence": []}}
    doc = {"id": "x", "metadata": meta}
    plain = suggest_layers(doc, body)
    text = prefix.strip() + "\n" + body if prefix.strip() else body
    shift = len(text) - len(body)
    shifted = suggest_layers(doc, text)
    for layer in ("entities", "dates"):
        assert [(s["start"] - shift, s["end"] - shift, s["text"]) for s in shifted[layer]] == \
               [(s["start"], s["end"], s["text"]) for s in plain[layer]]
        for span in shifted[layer]:
            assert text[span["start"]:span["end"]] == span["text"]


# --- dates: values worked out by hand from the DCT -------------------------------------------

def _dates(text: str, date: str | None = None, earliest: str | None = None, latest: str | None = None) -> list:
    meta = {"published": {"date": date, "earliest": earliest, "latest": latest, "evidence": []}}
    found = suggest_dates(text, meta)
    return [(d["text"], d["type"], d["value"],
             d["anchor"]["text"] if isinstance(d["anchor"], dict) else d["anchor"]) for d in found]


@pytest.mark.parametrize(("text", "dct", "expected"), [
    ("He will visit on February 3–4.", (None, "2025-09-09", "2026-02-02"),
     [("February 3", "DATE", "2026-02-03", "dct"), ("4", "DATE", "2026-02-04", "February 3")]),
    ("The talks were held on Feb 3–4, 2026.", ("2026-03-01",),
     [("Feb 3", "DATE", "2026-02-03", None), ("4, 2026", "DATE", "2026-02-04", "Feb 3")]),
    ("Sindh will host the summit on March 12–14.", ("2026-02-09",),
     [("March 12", "DATE", "2026-03-12", "dct"), ("14", "DATE", "2026-03-14", "March 12")]),
    ("Exports rose last year and will rise next year and later this month.", ("2026-02-04",),
     [("last year", "DATE", "2025", "dct"), ("next year", "DATE", "2027", "dct"),
      ("later this month", "DATE", "2026-02", "dct")]),
    ("The bank said on Tuesday it had agreed.", ("2026-02-04",), [("Tuesday", "DATE", "2026-02-03", "dct")]),
    ("The board will meet on Tuesday.", ("2026-02-04",), [("Tuesday", "DATE", "2026-02-10", "dct")]),
    ("a two-day visit after 23 years, held every year", ("2026-02-04",),
     [("two-day", "DURATION", "P2D", None), ("23 years", "DURATION", "P23Y", None),
      ("every year", "SET", "P1Y", None)]),
    ("Sales fell last year; talks resume on Tuesday.", (None, None, None),
     [("last year", "DATE", "XXXX", "dct"), ("Tuesday", "DATE", "XXXX-WXX-2", "dct")]),
    ("Sales fell last year.", (None, "2025-12-20", "2026-01-10"), [("last year", "DATE", "XXXX", "dct")]),
    ("In September, the two sides signed the plan.", (None, "2025-09-09", "2026-02-02"),
     [("September", "DATE", "2025-09", "dct")]),
    ("ISLAMABAD, FEB 4: The ministry said exports rose.", ("2026-02-04",), [("FEB 4", "DATE", "2026-02-04", "dct")]),
])
def test_dates_are_typed_and_normalised_against_the_document_date(text, dct, expected) -> None:
    assert _dates(text, *dct) == expected


def test_a_range_spelled_out_by_a_duration_links_begin_and_end_points() -> None:
    found = suggest_dates("a two-day official visit to Pakistan on February 3–4",
                          {"published": {"date": "2026-01-20", "earliest": None, "latest": None}})
    duration = next(d for d in found if d["type"] == "DURATION")
    assert (duration["begin_point"]["text"], duration["end_point"]["text"]) == ("February 3", "4")


# --- quotations ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("“Prices will fall by June,” said Finance Minister Aisha Rahman.",
     [("Prices will fall by June", "direct", "Finance Minister Aisha Rahman", "said", "Aisha Rahman")]),
    ("Aisha Rahman told reporters that the government would cut tariffs.",
     [("the government would cut tariffs", "indirect", "Aisha Rahman", "told", "Aisha Rahman")]),
    ("Exports rose 18 percent last year, the State Bank of Pakistan said on Tuesday.",
     [("Exports rose 18 percent last year", "indirect", "the State Bank of Pakistan", "said",
       "State Bank of Pakistan")]),
    ("The minister highlighted the significance of the tradition for young readers.", []),
    ("Imran Siddiqui: “Two years ago nobody believed in us.”",
     [("Two years ago nobody believed in us.", "direct", "Imran Siddiqui", ":", "Imran Siddiqui")]),
])
def test_quotations_get_content_source_cue_and_speaker(text: str, expected: list) -> None:
    assert quotes(text) == expected


def test_a_pronoun_source_links_to_the_nearest_earlier_mention() -> None:
    text = "Captain Fatima Sana led the team. “We are ready,” she said."
    assert quotes(text) == [("We are ready", "direct", "she", "said", "Fatima Sana")]


# --- accept, provenance, build ---------------------------------------------------------------

def _draft(corpus: Corpus, tmp_path: Path, name: str = "dawn-style-exports") -> str:
    """A new draft of one development article in ``corpus`` (its gold copy removed)."""
    seed = DEV / "seeds" / f"{name}.txt"
    shutil.copy(seed, tmp_path / f"{name}.txt")
    corpus.annotation_path(name).unlink()
    corpus.seed_path(seed.name).unlink()
    add_article(corpus, tmp_path / f"{name}.txt", name)
    return name


def test_accept_moves_spans_into_a_draft_keeping_provenance(dev_copy: Corpus, tmp_path: Path) -> None:
    name = _draft(dev_copy, tmp_path)
    out = tmp_path / "suggestions"
    assert run("suggest", str(dev_copy.annotation_path(name)), "--root", str(dev_copy.root),
               "--out", str(out)).exit_code == 0
    result = run("accept", str(out), "--root", str(dev_copy.root), "--layers", "entities,quotations",
                 "--min-confidence", "0.65", "--by", "Reviewer R", "--json")
    assert result.exit_code == 0, result.output
    gold = json.loads(dev_copy.annotation_path(name).read_text(encoding="utf-8"))
    suggestion = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
    assert gold["dates"] == [] and gold["claims"] == []
    expected = {(e["start"], e["end"]) for e in suggestion["entities"] if e["confidence"] >= 0.65}
    assert {(e["start"], e["end"]) for e in gold["entities"]} == expected
    for item in gold["entities"] + gold["quotations"]:
        assert item["provenance"]["kind"] == "rule" and item["provenance"]["accepted_by"] == "Reviewer R"
    spans = {e["id"]: e["text"] for e in suggestion["entities"] if e["confidence"] >= 0.65}  # others: links dropped
    gold_spans = {e["id"]: e["text"] for e in gold["entities"]}
    speakers = {q["text"]: spans.get(q["speaker"]) for q in suggestion["quotations"] if q["confidence"] >= 0.65}
    assert {q["text"]: gold_spans.get(q["speaker"]) for q in gold["quotations"]} == speakers  # links follow
    assert run("validate", "--root", str(dev_copy.root)).exit_code == 0


def test_accept_never_overwrites_a_gold_span_silently(dev_copy: Corpus, tmp_path: Path) -> None:
    name = _draft(dev_copy, tmp_path)
    out = tmp_path / "suggestions"
    run("suggest", str(dev_copy.annotation_path(name)), "--root", str(dev_copy.root), "--out", str(out))
    gold_path = dev_copy.annotation_path(name)
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    suggestion = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
    first = suggestion["entities"][0]
    gold["entities"] = [{k: first[k] for k in ("id", "start", "end", "text")} | {"label": "ORG"}]
    gold_path.write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    result = run("accept", str(out), "--root", str(dev_copy.root), "--layers", "entities", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert [e["code"] for e in report["errors"]] == ["accept-conflict"]
    kept = json.loads(gold_path.read_text(encoding="utf-8"))
    twin = [e for e in kept["entities"] if (e["start"], e["end"]) == (first["start"], first["end"])]
    assert [(e["label"], "provenance" in e) for e in twin] == [("ORG", False)]


def test_accept_refuses_reviewed_documents_and_unaccepted_machine_spans_are_invalid_there(dev_copy: Corpus,
                                                                                        tmp_path: Path) -> None:
    name = "wire-water-summit"
    out = tmp_path / "suggestions"
    doc, text = dev_copy.load(dev_copy.annotation_path(name))
    out.mkdir()
    (out / f"{name}.json").write_text(json.dumps(suggestion_document(doc, suggest_layers(doc, text))),
                                      encoding="utf-8")
    report = accept(dev_copy, [out / f"{name}.json"])
    assert [p.code for p in report.problems] == ["accept-not-draft"]
    polluted = copy.deepcopy(doc)
    polluted["dates"][0]["provenance"] = {"kind": "rule", "name": "newsspan-suggest-dates", "version": "1.1.0"}
    path = dev_copy.annotation_path(name)
    assert [p.code for p in document_problems(str(path), polluted, text)] == ["unaccepted-suggestion"]
    polluted["dates"][0]["provenance"]["accepted_by"] = "Reviewer R"
    assert document_problems(str(path), polluted, text) == []


@pytest.mark.parametrize("folder", ["annotations", "seeds"])
def test_suggest_refuses_to_write_into_the_corpus(dev_copy: Corpus, folder: str) -> None:
    before = sorted(p.name for p in (dev_copy.root / folder).iterdir())
    result = run("suggest", "--root", str(dev_copy.root), "--out", str(dev_copy.root / folder / "suggestions"))
    assert result.exit_code == 2 and f"apart from the corpus's {folder}/" in result.output
    assert sorted(p.name for p in (dev_copy.root / folder).iterdir()) == before


def test_suggest_into_a_symlink_loop_is_one_line_not_a_traceback(dev_copy: Corpus, tmp_path: Path) -> None:
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    done = subprocess.run([sys.executable, "-m", "newsspan", "suggest", "--root", str(dev_copy.root), "--out",
                           str(tmp_path / "a" / "out")], capture_output=True, text=True, timeout=300,
                          env={**os.environ, "PYTHONPATH": os.pathsep.join([str(REPO / "src"),
                                                                            os.environ.get("PYTHONPATH", "")])})
    assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "symbolic links" in done.stderr


def test_skip_existing_keeps_the_files_there_and_writes_the_others(dev_copy: Corpus, tmp_path: Path) -> None:
    out = tmp_path / "suggestions"
    assert run("suggest", "--root", str(dev_copy.root), "--out", str(out)).exit_code == 0
    first = {p.name: p.read_bytes() for p in out.iterdir()}
    kept, removed = sorted(first)[:2]
    (out / kept).write_bytes(b'{"edited": "by hand"}\n')  # not rewritten, not even read
    (out / removed).unlink()
    refused = run("suggest", "--root", str(dev_copy.root), "--out", str(out), "--json")
    assert refused.exit_code == 1 and json.loads(refused.stdout)["ok"] is False
    both = run("suggest", "--root", str(dev_copy.root), "--out", str(out), "--force", "--skip-existing")
    assert both.exit_code == 2
    done = run("suggest", "--root", str(dev_copy.root), "--out", str(out), "--skip-existing", "--json")
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert [row["file"] for row in report["suggestions"]] == [str(out / removed)]
    assert sorted(Path(row["file"]).name for row in report["skipped"]) == sorted(set(first) - {removed})
    assert (out / kept).read_bytes() == b'{"edited": "by hand"}\n'
    assert (out / removed).read_bytes() == first[removed]


def test_the_suggest_table_sums_up_documents_beyond_the_first_twenty(tmp_path: Path) -> None:
    from .conftest import load_synthetic_generator

    root = tmp_path / "corpus"
    load_synthetic_generator().generate(23, root)
    result = run("suggest", "--root", str(root), "--out", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    written = {p.stem: json.loads(p.read_bytes()) for p in sorted((tmp_path / "out").iterdir())}
    rest = sorted(written)[20:]
    assert f"... {len(rest)} more" in result.output
    assert sorted(written)[19] in result.output and rest[0] not in result.output
    entities = sum(len(doc["entities"]) for doc in written.values())
    footer = next(line for line in result.output.splitlines() if "23 documents" in line)
    assert footer.split("│")[2].strip() == str(entities)


@pytest.mark.parametrize("name", ["spacy", "brat"])
def test_provenance_survives_formats_that_carry_it(name: str, tmp_path: Path) -> None:
    doc, text = dev_documents()[0]
    doc = copy.deepcopy(doc)
    made = {"kind": "model", "name": "ner-pipeline", "version": "3", "accepted_by": "R", "accepted_on": "2026-11-29"}
    doc["entities"][0].update(provenance=made, confidence=0.42)
    doc["claims"][1].update(provenance={"kind": "human", "name": "annotator A"})
    module = converter(name)
    module.export([(doc, text)], tmp_path / "out")
    result = module.read(tmp_path / "out")
    assert result.problems == []
    (back, _), = result.documents
    assert back["entities"][0]["provenance"] == made and back["entities"][0]["confidence"] == 0.42
    assert back["claims"][1]["provenance"] == {"kind": "human", "name": "annotator A"}


def test_suggestions_never_reach_the_built_dataset(corpus_copy: Corpus, tmp_path: Path) -> None:
    from datasets import load_dataset

    suggestions = corpus_copy.root / "suggestions"
    assert run("suggest", "--root", str(corpus_copy.root), "--out", str(suggestions)).exit_code == 0
    assert list(suggestions.glob("*.json"))
    dist = tmp_path / "dist"
    result = run("build", "--root", str(corpus_copy.root), "--out", str(dist), "--no-load", "--json")
    assert result.exit_code == 0, result.output
    rows = load_dataset(str(dist), "documents", split="train")
    gold = {doc["id"]: doc for doc, _ in corpus_copy.iter_documents()}
    assert len(rows) == len(gold)
    for row in rows:
        for layer in ("entities", "dates", "quotations", "claims"):
            assert [s["id"] for s in row[layer]] == [s["id"] for s in gold[row["id"]][layer]]
            assert all(s["provenance"] is None for s in row[layer])  # the seed's spans are all human-made


def test_check_accepts_unresolved_values_when_no_publication_date_is_known() -> None:
    doc, text = next(pair for pair in dev_documents() if pair[0]["id"] == "social-cricket-nodate")
    assert check_document(doc, text) == []
    resolved = copy.deepcopy(doc)
    resolved["dates"][0]["value"] = "2026-02"  # a value no DCT supports
    assert [w.code for w in check_document(resolved, text)] == ["date-unresolvable-anchor"]


def test_a_local_spacy_pipeline_adds_model_entities(dev_copy: Corpus, tmp_path: Path) -> None:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("entity_ruler").add_patterns([{"label": "ORG", "pattern": "Federation"}])
    nlp.meta["name"] = "test_pipeline"
    nlp.to_disk(tmp_path / "model")
    out = tmp_path / "out"
    name = "dawn-style-exports"
    result = run("suggest", str(dev_copy.annotation_path(name)), "--root", str(dev_copy.root), "--out", str(out),
                 "--model", str(tmp_path / "model"), "--layers", "entities", "--json")
    assert result.exit_code == 0, result.output
    suggestion = json.loads((out / f"{name}.json").read_text(encoding="utf-8"))
    made = [e["provenance"] for e in suggestion["entities"] if e["text"] == "Federation"]
    assert made == [{"kind": "model", "name": "test_pipeline", "version": "0.0.0"}]
    assert suggestion["dates"] == suggestion["quotations"] == suggestion["claims"] == []
    missing = run("suggest", "--root", str(dev_copy.root), "--out", str(out), "--model", str(tmp_path / "none"))
    assert missing.exit_code == 2


def test_a_timed_run_writes_the_same_files_and_charges_every_step(dev_copy: Corpus, tmp_path: Path) -> None:
    corpus = dev_copy
    files = corpus.annotation_files()
    plain, timed = tmp_path / "plain", tmp_path / "timed"
    pipeline.run(corpus, files, plain)
    times: dict[str, float] = {}
    pipeline.run(corpus, files, timed, times=times)
    assert sorted(times) == sorted(["read", "entities", "dates", "quotations", "claims", "numbering", "write"])
    assert all(seconds >= 0 for seconds in times.values())
    assert sorted(p.name for p in timed.iterdir()) == sorted(p.name for p in plain.iterdir())
    for path in plain.iterdir():
        assert (timed / path.name).read_bytes() == path.read_bytes()


def test_a_timed_run_charges_only_the_steps_it_runs(dev_copy: Corpus, tmp_path: Path) -> None:
    times: dict[str, float] = {}
    pipeline.run(dev_copy, dev_copy.annotation_files()[:1], tmp_path / "out", layers=["dates"], times=times)
    assert sorted(times) == ["dates", "numbering", "read", "write"]


def test_a_run_freezes_the_cycle_collector_only_while_it_runs_and_keeps_a_callers_freeze(
        dev_copy: Corpus, tmp_path: Path) -> None:
    import gc

    files = dev_copy.annotation_files()[:2]
    during: list[int] = []
    pipeline.run(dev_copy, files, tmp_path / "a", progress=lambda: during.append(gc.get_freeze_count()))
    assert during and all(count > 0 for count in during) and gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        pipeline.run(dev_copy, files, tmp_path / "b")
        assert gc.get_freeze_count() > frozen // 2  # the caller's freeze stays (less what died meanwhile)
    finally:
        gc.unfreeze()
    with pytest.raises(FileExistsError):
        pipeline.run(dev_copy, files, tmp_path / "a")  # refused: the files are there
    assert gc.get_freeze_count() == 0
