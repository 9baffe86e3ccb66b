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
from itertools import accumulate
from operator import itemgetter
from typing import Any

from .common import provenance, sentences
from .matching import folds_onto_ascii, is_word

#: Cue lists of the check-worthiness rules, as the reference functions claim_type and checkworthy use them (the
#: pipeline asks the same of :class:`_Cues`, below, and these only for texts where str.lower() differs from re).
_NUMBER = re.compile(r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|"
                     r"trillion|dozen|half|percent|per cent)\b", re.I)
_COMPARISON = re.compile(r"\b(?:more|less|fewer|higher|lower|larger|smaller|greater|increase[sd]?|decrease[sd]?|"
                         r"rose|risen|fell|fallen|grew|grown|doubled|tripled|halved|surged|dropped|declined|"
                         r"compared|than)\b", re.I)
_CAUSATION = re.compile(r"\b(?:because|due to|led to|leads to|lead to|caused|causes|resulted in|results in|"
                        r"as a result|owing to|thanks to|blamed|triggered|responsible for)\b", re.I)
_RULES = re.compile(r"\b(?:law|laws|act|constitution|regulation|regulations|rule|rules|requires?|prohibits?|"
                    r"bans?|banned|mandates?|illegal|legal|under the|article \d+|court ruled|ordinance)\b", re.I)
_UNCERTAIN = re.compile(r"\b(?:will help|will boost|will strengthen|will improve|will increase|will lead|"
                        r"will create|will bring|will make|will become|could|might|may|would|likely|expected to "
                        r"(?:grow|rise|fall|increase|reach|boost)|forecasts?|projected|predicts?|is set to become)\b",
                        re.I)
_OPINION = re.compile(r"\b(?:friendly|excellent|important|significant|historic|unique|strong|great|win-win|crucial|"
                      r"vital|remarkable|valuable|timely|brotherly|cordial|deep|successful|good|bad|best|beautiful|"
                      r"wonderful|commendable|impressive|terrible|unfortunate|welcome|should|must|believe|"
                      r"think|feel|hope|convinced|proud|happy|glad|seen as|regarded as|considered)\b", re.I)
#: A first-person frame opening a claim ("I am convinced that ..."; §C8), for ``match(text, start, end)``.
_FRAME = re.compile(r"\s*(?:I|We)\s+(?:am|are|was|were|have|had)?\s*(?:firmly\s+|strongly\s+|fully\s+)?"
                    r"(?:convinced|confident|sure|certain|believe|think|feel|hope|know|expect|trust|understand)"
                    r"\s+(?:that\s+)?", re.I)


def claim_type(text: str) -> str:
    """The claim type suggested by the cue words of ``text`` (§C1)."""
    if _CAUSATION.search(text):
        return "causation"
    if _RULES.search(text) and re.search(r"\b(?:requires?|prohibits?|bans?|mandates?|under the|illegal)\b", text, re.I):
        return "rules_laws"
    if _UNCERTAIN.search(text):
        return "prediction"
    if (_NUMBER.search(text) and _COMPARISON.search(text)) or re.search(
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



# The fast path. Every cue list above is a set of fixed words and phrases with ``\b`` at both ends, apart from
# ``\d`` and the "5 percent" pattern. A word cue matches a span iff it is one of the span's ``\w+`` runs; a
# phrase cue iff it occurs in the span with no word character just before or after it inside the span.
# :class:`_Cues` looks the span's words up in one table of bits (one bit per cue list) instead of running
# every list's regex on every sentence. The bits of a list are named after its use in claim_type/checkworthy.
_CAUSE, _RULE, _FUTURE, _NUM, _MORE, _TOP, _OPINE, _DATED, _ACT = (1 << n for n in range(9))

#: Lower-cased cues (``re.I`` lists); several words: a phrase.
_FOLDED_CUES = {
    _CAUSE: "because|due to|led to|leads to|lead to|caused|causes|resulted in|results in|as a result|owing to|"
            "thanks to|blamed|triggered|responsible for",
    _RULE: "require|requires|prohibit|prohibits|ban|bans|mandate|mandates|under the|illegal",
    _FUTURE: "will help|will boost|will strengthen|will improve|will increase|will lead|will create|will bring|"
             "will make|will become|could|might|may|would|likely|expected to grow|expected to rise|"
             "expected to fall|expected to increase|expected to reach|expected to boost|forecast|forecasts|"
             "projected|predict|predicts|is set to become",
    _NUM: "one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|million|billion|trillion|dozen|half|"
          "percent|per cent",
    _MORE: "more|less|fewer|higher|lower|larger|smaller|greater|increase|increases|increased|decrease|decreases|"
           "decreased|rose|risen|fell|fallen|grew|grown|doubled|tripled|halved|surged|dropped|declined|compared|than",
    _TOP: "largest|biggest|highest|lowest|top|smallest|fastest|record",
    _OPINE: "friendly|excellent|important|significant|historic|unique|strong|great|win-win|crucial|vital|"
            "remarkable|valuable|timely|brotherly|cordial|deep|successful|good|bad|best|beautiful|wonderful|"
            "commendable|impressive|terrible|unfortunate|welcome|should|must|believe|think|feel|hope|convinced|"
            "proud|happy|glad|seen as|regarded as|considered",
}
#: Case-sensitive cues (checkworthy's dates and official acts; a four-digit number is dated too).
_EXACT_CUES = {
    _DATED: "January|February|March|April|May|June|July|August|September|October|November|December|Monday|"
            "Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|last week|last month|last year",
    _ACT: "signed|agreed|approved|announced|arrested|killed|died|elected|appointed|launched|visited|will undertake|"
          "will visit|met|passed|rejected|imposed|won|lost|resigned",
}
_TOKEN = re.compile(r"\w+")
_DIGIT = re.compile(r"\d")
_PER = re.compile(r"\d+(?:\.\d+)?\s*(?:%|percent|per cent|million|billion|trillion)", re.I)

#: A cue table: each word that is a cue or starts one -> (its bits as a one-word cue, the phrases it starts, and a
#: pattern finding any of them or None, see :func:`_any_of`).
_Table = dict[str, tuple[int, tuple[tuple[str, int], ...], re.Pattern[str] | None]]


def _any_of(cues: list[tuple[str, int]]) -> re.Pattern[str] | None:
    """A pattern finding any of several ``cues`` anywhere (no word boundaries): where it finds none in a span,
    :func:`_occurs` finds none either, and the cues need no search of their own. None for fewer than two."""
    return re.compile("|".join(re.escape(cue) for cue, _ in cues)) if len(cues) > 1 else None


def _table(cues: dict[int, str]) -> _Table:
    """The table of ``cues`` (bit -> ``|``-separated alternatives)."""
    words: dict[str, int] = {}
    phrases: dict[str, list[tuple[str, int]]] = {}
    for bit, alternatives in cues.items():
        for cue in alternatives.split("|"):
            head = _TOKEN.match(cue)
            if head is None:
                raise ValueError(f"cue {cue!r}: expected it to start with a word character")
            if head.end() == len(cue):
                words[cue] = words.get(cue, 0) | bit
            else:
                phrases.setdefault(head.group(), []).append((cue, bit))
    return {word: (words.get(word, 0), tuple(phrases.get(word, ())), _any_of(phrases.get(word, [])))
            for word in words.keys() | phrases.keys()}


_FOLDED = _table(_FOLDED_CUES)
_FOLDED_KEYS = frozenset(_FOLDED)
#: The case-sensitive cues under their lower-cased first word, each with its bit (matched as ``\\bcue\\b``).
_EXACT_LISTS: dict[str, list[tuple[str, int]]] = {}
for _bit, _alternatives in _EXACT_CUES.items():
    for _cue in _alternatives.split("|"):
        _EXACT_LISTS.setdefault(_TOKEN.match(_cue.lower()).group(), []).append((_cue, _bit))
#: The same with a pattern finding any of a word's cues (:func:`_any_of`).
_EXACT = {word: (tuple(cues), _any_of(cues)) for word, cues in _EXACT_LISTS.items()}
_EXACT_KEYS = frozenset(_EXACT)


def _occurs(text: str, low: str, phrase: str, start: int, end: int) -> bool:
    """True when ``re.search(r"\\b" + phrase + r"\\b", text[start:end])`` would find ``phrase`` in ``low`` (the
    text or its lower-cased form; word characters are read in ``text``)."""
    at, size = low.find(phrase, start, end), len(phrase)
    while at >= 0:
        after = at + size
        if (at == start or not is_word(text[at - 1])) and (after == end or not is_word(text[after])):
            return True
        at = low.find(phrase, at + 1, end)
    return False


class _Cues:
    """One document's text, lower-cased once, and the cue verdicts of its spans (the same as
    :func:`claim_type` and :func:`checkworthy` give, found with set lookups instead of a regex per list)."""

    def __init__(self, text: str):
        self.text = text
        #: None when ``re.I`` could match a letter ``str.lower()`` misses: the reference functions decide.
        self.low = None if folds_onto_ascii(text) else text.lower()

    def judge(self, start: int, end: int) -> tuple[str, bool]:
        """The claim type and check-worthiness of ``text[start:end]``."""
        text, low = self.text, self.low
        if low is None:
            kind = claim_type(text[start:end])
            return kind, checkworthy(text[start:end], kind)
        words = _TOKEN.findall(low, start, end)  # the \w+ runs of text[start:end], lower-cased
        bits = 0
        for word in _FOLDED_KEYS.intersection(words):
            bit, phrases, any_phrase = _FOLDED[word]
            bits |= bit
            if any_phrase is not None and any_phrase.search(low, start, end) is None:
                continue
            for phrase, bit in phrases:
                if not bits & bit and _occurs(text, low, phrase, start, end):
                    bits |= bit
        digit = _DIGIT.search(text, start, end) is not None
        kind = _kind(text, start, end, bits, digit)
        if kind in ("quantity_comparison", "causation", "rules_laws"):
            return kind, True
        if kind != "event_report":
            return kind, False
        facts = 0
        for word in _EXACT_KEYS.intersection(words):
            cues, any_cue = _EXACT[word]
            if any_cue is not None and any_cue.search(text, start, end) is None:
                continue
            for cue, bit in cues:
                if not facts & bit and _occurs(text, text, cue, start, end):
                    facts |= bit
        return kind, bool(facts & _ACT and (digit or bits & _NUM or facts & _DATED))


def _kind(text: str, start: int, end: int, bits: int, digit: bool) -> str:
    """:func:`claim_type` of ``text[start:end]`` from its cue bits (``digit``: it holds a ``\\d``)."""
    if bits & _CAUSE:
        return "causation"
    if bits & _RULE:
        return "rules_laws"
    if bits & _FUTURE:
        return "prediction"
    if ((digit or bits & _NUM) and bits & _MORE) or bits & _TOP:
        return "quantity_comparison"
    if digit and _PER.search(text, start, end):
        return "quantity_comparison"
    if bits & _OPINE:
        return "opinion"
    return "event_report"


def _claim(text: str, start: int, end: int, cues: _Cues) -> dict[str, Any] | None:
    """The claim over text[start:end] without final punctuation, a first-person frame or enclosing marks, its type
    and check-worthiness from the document's :class:`_Cues` (no claimant, no quotation, no provenance yet; the keys
    in the order of the suggestion files), or None. It depends on ``text[start:end]`` alone."""
    body = text[start:end].rstrip(_TRAILING)
    end = start + len(body)
    start = end - len(body.lstrip(_LEADING))
    frame = _FRAME.match(text, start, end)
    if frame:
        start = frame.end()
    body = text[start:end]
    if len(body.split(None, 4)) < 5 or body.endswith("?"):
        return None
    stripped = body.strip()  # make_span's trimming (str.strip and str.isspace agree on whitespace)
    start += len(body) - len(body.lstrip())
    end = start + len(stripped)
    kind, worthy = cues.judge(start, end)
    confidence = 0.7 if worthy and kind == "quantity_comparison" else 0.6 if worthy else 0.5
    return {"start": start, "end": end, "text": stripped, "checkworthy": worthy, "type": kind, "claimant": None,
            "quotation": None, "confidence": confidence}


#: What a claim does not end or start with (final punctuation, closing or opening marks, spaces).
_TRAILING = ".!?;:,”\"’» \n"
_LEADING = "“\"‘« "
_CLAUSE_BREAK = re.compile(r";\s+|,\s+with\s+(?=(?:\S+\s+){0,4}?(?:being|accounting|making|leaving|reaching|"
                           r"having)\b)")


def _clauses(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """A sentence split into independent assertions at semicolons and absolute ", with X being …" (§C4)."""
    if text.find(";", start, end) < 0 and text.find("with", start, end) < 0:
        return [(start, end)]
    pieces, at = [], start
    for m in _CLAUSE_BREAK.finditer(text, start, end):
        pieces.append((at, m.start()))
        at = m.end()
    pieces.append((at, end))
    return pieces


def suggest_claims(text: str, quotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Claim suggestions in text order; ``claimant``/``quotation`` hold the speaker and quotation dicts."""
    cues = _Cues(text)
    made_by = provenance("claims")  # copied into each claim
    claims: list[dict[str, Any]] = []
    covered: list[tuple[int, int]] = []
    for quotation in quotations:
        claim = _claim(text, quotation["start"], quotation["end"], cues)
        if claim is None:
            continue
        claim.update(claimant=quotation["speaker"], quotation=quotation, provenance=made_by.copy())
        claims.append(claim)
        covered.append((quotation["start"], quotation["end"]))
        for sub in (quotation.get("source"), quotation.get("cue")):
            if sub:
                covered.append((sub["start"], sub["end"]))
    covered.sort()
    starts = [s for s, _ in covered]
    reach = list(accumulate((e for _, e in covered), max))  # the furthest end of the spans up to each one
    for start, end in sentences(text):
        at = bisect_left(starts, end)  # spans starting before the sentence ends
        if at and reach[at - 1] > start:  # one of them ends inside or after the sentence: covered
            continue
        for first, last in _clauses(text, start, end):  # one claim per clause (§C4)
            claim = _claim(text, first, last, cues)
            if claim is not None:
                claim["provenance"] = made_by.copy()
                claims.append(claim)
    return sorted(claims, key=itemgetter("start"))
