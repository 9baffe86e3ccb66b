"""Shared test helpers of the suggesters: a hypothesis strategy of texts for the quotation rules and the
sentence splitter, and the quotations the pipeline suggests for a text, in short."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from newsspan.suggest import quotations
from newsspan.suggest.pipeline import suggest_layers

#: The quotation cue verbs, sorted.
CUE_WORDS = sorted(set(quotations.CUE_VERBS.split("|")))

#: Pieces that make the sentence splitter and the quotation rules work: ends, abbreviations, marks, cues.
PIECES = ["Mr.", "Dr.", "U.S.", "J.", "etc.", "a.m.", "St.", "Corp.", ".", "!", "?", "…", "...", "”", "“", "\"",
          "'", "’", ")", "(", "\n", "\n\n", " ", "  ", "\t", ":", ",", ";", "ASTANA:", "LONDON, Jan 4 (AP) - ",
          "said", "says", "told reporters", "that", "according to", "According to", "the minister", "He",
          "The company", "Smith", "will", "would", "has", "calling", "described", ", saying that", "pointed out",
          "expressed hope", "said,", "a", "the plan", "x", "İ", "ſ", "é", "3", "_", *CUE_WORDS[:40]]


#: Phrases the indirect rules react to, joined by spaces or sentence ends into plausible sentences.
PHRASES = ["The minister said that", "the plan will work", "Smith told reporters", "He said", "officials have agreed",
           "according to officials", "According to the report,", ", saying that", "the talks had failed", "The EU",
           "described it as", "“a disaster”", "Corp.", "Mr. Smith", "on Monday", "in a statement", "the company",
           ", the ministry said", "warned", "wrote", "and added that", "the deal is off", "(DMRC)", "who spoke",
           *CUE_WORDS[40:80]]


def quotation_texts(max_size: int = 40) -> st.SearchStrategy[str]:
    """Texts of up to ``max_size`` pieces, phrases and random bits, glued by spaces, sentence ends and line breaks."""
    glue = st.sampled_from([" ", " ", " ", "", ". ", ".\n", ", ", "\n"])
    phrase = st.tuples(st.one_of(st.sampled_from(PIECES), st.sampled_from(PHRASES), st.text(max_size=3)), glue)
    return st.lists(phrase.map("".join), max_size=max_size).map("".join)


def quotes(text: str) -> list[tuple[Any, ...]]:
    """The quotations suggested for ``text`` as (content, form, source, cue, speaker's text) tuples."""
    doc = {"id": "x", "metadata": {"published": {"date": "2026-02-04", "earliest": None, "latest": None}}}
    spans = suggest_layers(doc, text, ("entities", "quotations"))
    names = {e["id"]: e["text"] for e in spans["entities"]}
    return [(q["text"], q["form"], (q["source"] or {}).get("text"), (q["cue"] or {}).get("text"),
             names.get(q["speaker"])) for q in spans["quotations"]]
