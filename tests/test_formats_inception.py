"""An INCEpTION export (UIMA CAS XMI + TypeSystem.xml, UTF-16 offsets, emoji and CRLF in the sofa): the
built-in NamedEntity layer and custom ``webanno.custom.*`` layers come in through the label map, and every
annotation type that is not imported is counted and listed (fixture: tests/fixtures/formats/inception/)."""

from __future__ import annotations

import json
import re
import shutil

from newsspan.corpus import Corpus

from .conftest import REPO, invoke

FIXTURE = REPO / "tests" / "fixtures" / "formats" / "inception"


def test_named_entities_custom_layers_and_a_count_of_what_is_not_imported(tmp_path):
    src = tmp_path / "inception"
    shutil.copytree(FIXTURE, src)
    result = invoke(["import", "--format", "uima-cas", str(src), "--out", str(tmp_path / "root"),
                                 "--label-map", "conll2003", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    corpus = Corpus(tmp_path / "root")
    doc, text = corpus.load(corpus.annotation_path("merkel-tokayev"))
    assert "\r" not in text
    assert [(e["text"], e["label"], e.get("kb_id")) for e in doc["entities"]] == [
        ("Angela Merkel", "PERSON", "Q567"), ("Kassym-Jomart Tokayev", "PERSON", None), ("Berlin", "LOC", None),
        ("Tokayev", "PERSON", None), ("Kazakhstan", "LOC", None), ("Siemens", "ORG", None)]
    assert [(q["text"], q["form"]) for q in doc["quotations"]] == [("“Kazakhstan will deliver.”", "direct")]
    listed = {(s["label"], s["text"]) for s in report["skipped"]}
    xmi = (FIXTURE / "merkel-tokayev.xmi").read_text(encoding="utf-8")
    tokens, sentences = len(re.findall(r"<\w+:Token ", xmi)), len(re.findall(r"<\w+:Sentence ", xmi))
    assert listed == {
        ("MISC", "Monday"),  # dropped by the conll2003 preset
        ("economy", "Siemens agreed on Monday."),  # webanno.custom.Topic: no newsspan label
        ("de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token", f"{tokens} annotation(s)"),
        ("de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Sentence", f"{sentences} annotation(s)"),
    }


def test_an_unknown_custom_layer_label_is_an_error_when_asked(tmp_path):
    src = tmp_path / "inception"
    shutil.copytree(FIXTURE, src)
    result = invoke(["import", "--format", "uima-cas", str(src), "--out", str(tmp_path / "root"),
                                 "--label-map", "conll2003", "--on-unknown", "error", "--json"])
    assert result.exit_code == 1 and not (tmp_path / "root").exists()
    [problem] = json.loads(result.stdout)["errors"]
    assert problem["code"] == "import-unknown-label" and "webanno.custom.Topic" in problem["pointer"]
