"""The claims layer's and the sentence splitter's fast paths give what their straightforward forms give.

``suggest_claims`` skips sentences inside quotations by bisection; :func:`_plain_claims` judges every sentence
outside the quotations and their sub-spans with :func:`~newsspan.suggest.claims._claim`. (The sentence splitter's
plain form is in test_suggest_fast_paths.py.)
"""

from __future__ import annotations

import re
from operator import itemgetter
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from newsspan.suggest import claims, common
from newsspan.suggest.common import Sentence, sentences

#: Sentences (some with cue words, clause breaks, frames or quotations) repeated to make documents.
_SENTENCES = ["The minister signed the agreement on Monday in Astana",
              "Prices rose because the harvest failed in the north",
              "“The new law requires every company to publish its accounts,” she said",
              "I am convinced that the agreement will boost trade between us",
              "Exports grew by 12 percent; imports fell by 3 percent compared with 2025",
              "The talks were held in a friendly and cordial atmosphere",
              "Is this the best deal for the two countries in question",
              "Sales reached 5 million, with exports accounting for half of them",
              "Short one", "İstanbul officials said the deal will make history", "ſo it waſ ſigned yeſterday"]
_ENDS = [". ", ".\n", "? ", "! ", "\n", "; ", "... ", ".” ", ". . ", ".\n\n"]


def _documents() -> st.SearchStrategy[str]:
    sentence = st.one_of(st.sampled_from(_SENTENCES), st.text(alphabet="ab .;“”\n", max_size=12))
    return st.lists(st.tuples(sentence, st.sampled_from(_ENDS)).map("".join), max_size=14).map("".join)


def _plain_claims(text: str, quotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """``suggest_claims`` stated plainly: every clause of every sentence outside a quotation judged anew."""
    cues = claims._Cues(text)
    found, covered = [], []
    for quotation in quotations:
        claim = claims._claim(text, quotation["start"], quotation["end"], cues)
        if claim is not None:
            claim.update(claimant=quotation["speaker"], quotation=quotation)
            found.append(claim)
            covered.append((quotation["start"], quotation["end"]))
            covered += [(sub["start"], sub["end"]) for sub in (quotation["source"], quotation["cue"]) if sub]
    covered.sort()
    for sent in sentences(text):
        if any(start < sent.end and end > sent.start for start, end in covered):  # it overlaps a covered span
            continue
        for start, end in claims._clauses(text, sent.start, sent.end):
            claim = claims._claim(text, start, end, cues)
            if claim is not None:
                found.append(claim)
    for claim in found:
        claim["provenance"] = common.provenance("claims")
    return sorted(found, key=itemgetter("start"))


def _quotations(text: str) -> list[dict[str, Any]]:
    """Each quoted stretch; its source (when the text goes on) is the next 12 characters, as an attribution is."""
    return [{"start": m.start() + 1, "end": m.end() - 1, "speaker": None, "cue": None,
             "source": {"start": m.end() + 1, "end": m.end() + 13} if m.end() + 13 <= len(text) else None}
            for m in re.finditer(r"“[^”]*”", text)]


@settings(max_examples=400, deadline=None)
@given(_documents())
@example("The minister signed the agreement on Monday in Astana. The minister signed the agreement on Monday in "
         "Astana.\nThe minister signed the agreement on Monday in Astana; Prices rose because the harvest failed.")
def test_suggest_claims_is_the_plain_form(text: str) -> None:
    quotations = _quotations(text)
    assert claims.suggest_claims(text, quotations) == _plain_claims(text, quotations)


@settings(max_examples=200, deadline=None)
@given(_documents(), st.data())
def test_suggest_claims_is_the_plain_form_with_a_quotation_enclosing_others(text: str, data: st.DataObject) -> None:
    """A long quotation around the others (nested quotes): every sentence it overlaps is covered."""
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    quotations = [*_quotations(text), {"start": start, "end": end, "speaker": None, "cue": None, "source": None}]
    assert claims.suggest_claims(text, quotations) == _plain_claims(text, quotations)


def test_a_repeated_sentence_gets_claims_of_its_own() -> None:
    """Each occurrence of a repeated sentence is a claim with its own offsets and its own dict."""
    sentence = "The minister signed the agreement on Monday in Astana."
    text = f"{sentence} {sentence}\n{sentence}"
    found = claims.suggest_claims(text, [])
    assert [(c["start"], c["end"]) for c in found] == [(m.start(), m.end() - 1) for m in re.finditer(
        re.escape(sentence), text)]
    assert all(c["text"] == sentence[:-1] and c["type"] == "event_report" and c["checkworthy"] for c in found)
    found[0]["provenance"]["name"] = "changed"
    assert len({id(c) for c in found}) == 3 and found[1]["provenance"]["name"] == "newsspan-suggest-claims"


def test_sentence_is_a_pair_of_offsets() -> None:
    """Sentence keeps its attributes, equality and immutability (a NamedTuple since the splitter's speed-up)."""
    sent = sentences("One two three. Four five six.")[1]
    assert (sent.start, sent.end) == (15, 29) and sent == Sentence(15, 29) and hash(sent) == hash(Sentence(15, 29))
    try:
        sent.start = 0  # type: ignore[misc]
    except AttributeError:
        pass
    else:
        raise AssertionError("a Sentence could be changed")
