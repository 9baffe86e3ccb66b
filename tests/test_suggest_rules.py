"""Suggestion rules added for styles the development articles lack (wire, court, sport, business, US politics).

Every expected span below is worked out by hand from the guidelines (docs/guidelines.md 1.1.0); the held-out
articles these rules came from are in tests/fixtures/suggest_heldout.
"""

from __future__ import annotations

import pytest

from newsspan.suggest.dates import suggest_dates
from newsspan.suggest.entities import suggest_entities

from .suggest_support import quotes


def _dates(text: str, dct: str) -> list[tuple[str, str, str]]:
    found = suggest_dates(text, {"published": {"date": dct, "earliest": None, "latest": None}})
    return [(d["text"], d["type"], d["value"]) for d in found]


@pytest.mark.parametrize(("text", "dct", "expected"), [
    # a present-tense clause of its own takes the nearest day, whatever the tense of the other clauses
    ("Liverpool, who have won eight of their last 10 league games, host Aston Villa on Wednesday.", "2026-03-02",
     [("Wednesday", "DATE", "2026-03-04")]),
    ("Walmart, which reports results Friday, has gained market share.", "2025-11-20",
     [("Friday", "DATE", "2025-11-21")]),
    ("Shares of Target fell 7.4% Wednesday.", "2025-11-20", [("Wednesday", "DATE", "2025-11-19")]),
    # "last" is past only before a time word ("last-16" is a round, "last 10 games" a count)
    ("They travel to Paris for the last-16 second leg on March 11.", "2026-03-02",
     [("March 11", "DATE", "2026-03-11")]),
    ("The Federal Reserve meets next Tuesday.", "2026-01-06", [("next Tuesday", "DATE", "2026-01-13")]),
    ("U.S. GDP grew 2.1% in the third quarter.", "2026-01-06", [("third quarter", "DATE", "2025-Q3")]),
    ("Profits will rise in the second quarter.", "2026-01-06", [("second quarter", "DATE", "2026-Q2")]),
    ("Walmart has gained market share for 12 consecutive quarters.", "2025-11-20",
     [("12 consecutive quarters", "DURATION", "P36M")]),
    ("The vote ended a monthslong standoff.", "2026-01-28", [("monthslong", "DURATION", "PXM")]),
    ("People need hundreds of trucks a day, not dozens.", "2026-03-08", [("a day", "SET", "P1D")]),
    ("She stayed in Gaza for a day.", "2026-03-08", [("a day", "DURATION", "P1D")]),
    # a day the sentence aims at ("warnings for", "until") is the nearest one, whatever the tense
    ("The Met Office has issued warnings for Wednesday and Thursday.", "2026-02-10",
     [("Wednesday", "DATE", "2026-02-11"), ("Thursday", "DATE", "2026-02-12")]),
])
def test_dates_of_the_held_out_styles(text: str, dct: str, expected: list) -> None:
    assert _dates(text, dct) == expected


@pytest.mark.parametrize(("text", "expected"), [
    # nested straight quotes; the apostrophe of "It's" does not close the inner quotation (§Q9)
    ("Mark Denholm was jailed. \"When we asked him, he simply said, 'It's been invested,'\" the chief executive, "
     "Priya Shah, said.",
     [("When we asked him, he simply said, 'It's been invested,'", "direct", "the chief executive, Priya Shah", "said",
       "Priya Shah"),
      ("It's been invested", "direct", "he", "said", "Mark Denholm")]),
    # a cue with an object and a colon before the quotation: the last cue is the attribution
    ("James Okafor told the court that Mark Denholm had written to the trustees in 2023: \"The accounts are in "
     "order.\"",
     [("The accounts are in order.", "direct", "Mark Denholm", "written", "Mark Denholm")]),
    # a trailing attribution followed by a participle clause
    ("Inflation eased to 2.9% in January, the Office for National Statistics said on Tuesday, strengthening the "
     "case for a cut.",
     [("Inflation eased to 2.9% in January", "indirect", "the Office for National Statistics", "said",
       "Office for National Statistics")]),
    # a trailing attribution with an apposition
    ("Dr. Ruiz will be sworn in next week, a White House spokeswoman, Karen Liu, said.",
     [("Dr. Ruiz will be sworn in next week", "indirect", "a White House spokeswoman, Karen Liu", "said",
       "Karen Liu")]),
    # "Mr." between the closing mark and the cue is no sentence end
    ("Thomas Whitaker voted yes. \"She is qualified,\" Mr. Whitaker said.",
     [("She is qualified", "direct", "Mr. Whitaker", "said", "Whitaker")]),
    # a speech verb with a noun-phrase object is no quotation (§Q7)
    ("Mark Denholm admitted 14 counts of fraud at the court in January.", []),
    ("Democrats had blocked the nomination, arguing that Dr. Ruiz lacked experience.",
     [("Dr. Ruiz lacked experience", "indirect", "Democrats", "arguing", "Democrats")]),
    ("Opposition leader Arvind Mehra called the plan \"an election gimmick\" and said the city had heard such "
     "promises before.",
     [("the plan \"an election gimmick\"", "mixed", "Opposition leader Arvind Mehra", "called", "Arvind Mehra"),
      ("the city had heard such promises before", "indirect", "Opposition leader Arvind Mehra", "said",
       "Arvind Mehra")]),
    # a description resolves to the organisation named before it; a "-based" place is not the speaker (§Q12)
    ("Shares of Target fell 7.4% on Wednesday. The Minneapolis-based company said sales dropped 2.8%.",
     [("sales dropped 2.8%", "indirect", "The Minneapolis-based company", "said", "Target")]),
    ("Environment Secretary Steve Reed told MPs the government would spend £2.4bn.",
     [("the government would spend £2.4bn", "indirect", "Environment Secretary Steve Reed", "told", "Steve Reed")]),
    ("A BBC spokesperson said the remark 'fell short of our standards' and that the presenter had apologised.",
     [("the remark 'fell short of our standards'", "mixed", "A BBC spokesperson", "said", "BBC"),
      ("the presenter had apologised", "indirect", "A BBC spokesperson", "said", "BBC")]),
    ("The BBC apologised after a presenter described the floods as 'nothing to worry about'.",
     [("the floods as 'nothing to worry about'", "mixed", "a presenter", "described", None)]),
    # a quotation resumed after an interrupting attribution keeps its source and cue
    ("“We are ready,” said coach Imran Khan, “and the fans deserve a win.”",
     [("We are ready", "direct", "coach Imran Khan", "said", "Imran Khan"),
      ("and the fans deserve a win.", "direct", "coach Imran Khan", "said", "Imran Khan")]),
    # an unnamed institution is no person quoted before it (§Q12); a relative or participle clause is no source
    ("“We are ready,” said coach Imran Khan. “The decision is final,” the ministry said.",
     [("We are ready", "direct", "coach Imran Khan", "said", "Imran Khan"),
      ("The decision is final", "direct", "the ministry", "said", None)]),
    ("“This is madness,” one resident, who asked not to be named, told AFP.",
     [("This is madness", "direct", "one resident", "told", None)]),
    ("The president, speaking at a rally in Lagos, said: “Nigeria will not be intimidated.”",
     [("Nigeria will not be intimidated.", "direct", "The president", "said", None)]),
    ("The Taliban said in a statement that schools would remain closed.",
     [("schools would remain closed", "indirect", "The Taliban", "said", "Taliban")]),
    ("Analysts had expected a 1.9% decline, according to research firm Placer.ai.",
     [("Analysts had expected a 1.9% decline", "indirect", "research firm Placer.ai", "according to",
       "Placer.ai")]),
])
def test_quotations_of_the_held_out_styles(text: str, expected: list) -> None:
    assert quotes(text) == expected


def _entities(text: str) -> list[tuple[str, str]]:
    return [(e["text"], e["label"]) for e in suggest_entities(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("Mark Denholm, 54, of Leeds, admitted fraud.", [("Mark Denholm", "PERSON"), ("Leeds", "GPE")]),
    ("Jefferies analyst Mark Ellison agreed.", [("Jefferies", "ORG"), ("Mark Ellison", "PERSON")]),
    ("Everton boss David Keane said so.", [("Everton", "ORG"), ("David Keane", "PERSON")]),
    ("Liverpool manager Arne Vos was pleased.", [("Liverpool", "ORG"), ("Arne Vos", "PERSON")]),
    ("Analysts had expected more, according to FactSet.", [("FactSet", "ORG")]),
    ("The ONS said GDP rose and the CEO left.", [("ONS", "ORG")]),
    ("said Ruth Callaghan, economist at Capital Economics.",
     [("Ruth Callaghan", "PERSON"), ("Capital Economics", "ORG")]),
    ("Zabihullah Mujahid, the government's chief spokesman, wrote on X.", [("Zabihullah Mujahid", "PERSON")]),
    ("May Day protests are planned.", []),
    ("They host Aston Villa on Wednesday before travelling to Paris for the Champions League.",
     [("Aston Villa", "ORG"), ("Paris", "GPE"), ("Champions League", "ORG")]),
    ("Chief Executive Dana Whitfield said it.", [("Dana Whitfield", "PERSON")]),
])
def test_names_without_titles_gazetteers_or_head_words(text: str, expected: list) -> None:
    assert _entities(text) == expected
