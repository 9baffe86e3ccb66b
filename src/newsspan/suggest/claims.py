"""Claim suggestions (guidelines §C1-§C9): sentences and quotation contents with check-worthiness cues.

Every sentence of five words or more is a candidate; a sentence carrying a quotation gives the
quotation's content instead (the claimant is the quotation's speaker, §C5), and an attribution or
first-person frame ("I am convinced that …") stays outside the claim (§C8). The type comes from cue
words (numbers and quantities, superlatives and comparisons -> quantity_comparison; "because", "led to"
-> causation; laws and rules -> rules_laws; uncertain futures -> prediction; evaluative words ->
opinion; otherwise event_report), check-worthiness from verifiable content (figures, rankings,
official acts with named actors and dates), each with a confidence.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

from .common import make_span, provenance, sentences
from .matching import cue_pattern
from .matching import search as _search

#: Cue lists of the check-worthiness rules. The case-insensitive word lists are ``cue_pattern``s (the same
#: matches as re, looked up in the words of the text; see matching.py); the rest stay plain regexes.
_NUMBER = cue_pattern(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|"
                      r"trillion|dozen|half|percent|per cent)\b", re.I)
_SUPERLATIVE = re.compile(r"\b(?:largest|biggest|highest|lowest|smallest|top|most|least|best|worst|first|last|only|"
                          r"record|fastest|slowest|oldest|newest|longest|\w+est)\b", re.I)
_COMPARISON = cue_pattern(r"\b(?:more|less|fewer|higher|lower|larger|smaller|greater|increase[sd]?|decrease[sd]?|"
                          r"rose|risen|fell|fallen|grew|grown|doubled|tripled|halved|surged|dropped|declined|"
                          r"compared|than)\b", re.I)
_CAUSATION = cue_pattern(r"\b(?:because|due to|led to|leads to|lead to|caused|causes|resulted in|results in|"
                         r"as a result|owing to|thanks to|blamed|triggered|responsible for)\b", re.I)
_RULES = re.compile(r"\b(?:law|laws|act|constitution|regulation|regulations|rule|rules|requires?|prohibits?|"
                    r"bans?|banned|mandates?|illegal|legal|under the|article \d+|court ruled|ordinance)\b", re.I)
_UNCERTAIN = re.compile(r"\b(?:will help|will boost|will strengthen|will improve|will increase|will lead|"
                        r"will create|will bring|will make|will become|could|might|may|would|likely|expected to "
                        r"(?:grow|rise|fall|increase|reach|boost)|forecasts?|projected|predicts?|is set to become)\b",
                        re.I)
_OPINION = cue_pattern(r"\b(?:friendly|excellent|important|significant|historic|unique|strong|great|win-win|crucial|"
                       r"vital|remarkable|valuable|timely|brotherly|cordial|deep|successful|good|bad|best|beautiful|"
                       r"wonderful|commendable|impressive|terrible|unfortunate|welcome|should|must|believe|"
                       r"think|feel|hope|convinced|proud|happy|glad|seen as|regarded as|considered)\b", re.I)
_FRAME = re.compile(r"^\s*(?:I|We)\s+(?:am|are|was|were|have|had)?\s*(?:firmly\s+|strongly\s+|fully\s+)?"
                    r"(?:convinced|confident|sure|certain|believe|think|feel|hope|know|expect|trust|understand)"
                    r"\s+(?:that\s+)?", re.I)
_WORDS = re.compile(r"\S+")


def claim_type(text: str) -> str:
    """The claim type suggested by the cue words of ``text`` (§C1)."""
    if _CAUSATION.search(text):
        return "causation"
    if _RULES.search(text) and re.search(r"\b(?:requires?|prohibits?|bans?|mandates?|under the|illegal)\b", text, re.I):
        return "rules_laws"
    if _UNCERTAIN.search(text):
        return "prediction"
    if (_NUMBER.search(text) and _COMPARISON.search(text)) or _search(
            r"\b(?:largest|biggest|highest|lowest|top|smallest|fastest|record)\b", text, re.I):
        return "quantity_comparison"
    if re.search(r"\d+(?:\.\d+)?\s*(?:%|percent|per cent|million|billion|trillion)", text, re.I):
        return "quantity_comparison"
    if _OPINION.search(text):
        return "opinion"
    return "event_report"


def checkworthy(text: str, kind: str) -> bool:
    """A verifiable factual statement the public would want checked (§C2, §C3)."""
    if kind in ("quantity_comparison", "causation", "rules_laws"):
        return True
    if kind == "event_report":
        dated = bool(re.search(r"\b(?:January|February|March|April|May|June|July|August|September|October|"
                               r"November|December|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                               r"\d{4}|yesterday|last (?:week|month|year))\b", text))
        acts = re.search(r"\b(?:signed|agreed|approved|announced|arrested|killed|died|elected|appointed|launched|"
                         r"visited|will undertake|will visit|met|passed|rejected|imposed|won|lost|resigned)\b", text)
        return bool(dated and acts) or bool(_NUMBER.search(text) and acts)
    return False


def _claim(text: str, start: int, end: int) -> dict[str, Any] | None:
    """A claim over text[start:end] without final punctuation, a first-person frame or enclosing marks."""
    while end > start and text[end - 1] in ".!?;:,”\"’» \n":
        end -= 1
    while start < end and text[start] in "“\"‘« ":
        start += 1
    frame = _FRAME.match(text[start:end])
    if frame:
        start += frame.end()
    if len(_WORDS.findall(text[start:end])) < 5 or text[start:end].endswith("?"):
        return None
    span = make_span(text, start, end)
    kind = claim_type(span["text"])
    worthy = checkworthy(span["text"], kind)
    span.update(checkworthy=worthy, type=kind, claimant=None, quotation=None)
    span["confidence"] = 0.7 if worthy and kind == "quantity_comparison" else 0.6 if worthy else 0.5
    return span


_CLAUSE_BREAK = re.compile(r";\s+|,\s+with\s+(?=(?:\S+\s+){0,4}?(?:being|accounting|making|leaving|reaching|"
                           r"having)\b)")


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence split into independent assertions at semicolons and absolute ", with X being …" (§C4)."""
    pieces, at = [], start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        pieces.append((at, m.start()))
        at = m.end()
    pieces.append((at, end))
    return pieces


def suggest_claims(text: str, quotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claim suggestions in text order; ``claimant``/``quotation`` hold the speaker and quotation dicts."""
    claims: list[dict[str, Any]] = []
    covered: list[tuple[int, int]] = []
    for quotation in quotations:
        claim = _claim(text, quotation["start"], quotation["end"])
        if claim is None:
            continue
        claim.update(claimant=quotation["speaker"], quotation=quotation)
        claims.append(claim)
        covered.append((quotation["start"], quotation["end"]))
        for sub in (quotation.get("source"), quotation.get("cue")):
            if sub:
                covered.append((sub["start"], sub["end"]))
    covered.sort()
    starts = [s for s, _ in covered]
    for sent in sentences(text):
        at = bisect_left(starts, sent.end)  # spans starting before the sentence ends
        if any(e > sent.start for _, e in covered[max(0, at - 8):at]):
            continue
        for start, end in _clauses(text, sent.start, sent.end):
            claim = _claim(text, start, end)
            if claim is not None:
                claims.append(claim)
    for claim in claims:
        claim["provenance"] = provenance("claims")
    return sorted(claims, key=lambda c: c["start"])
