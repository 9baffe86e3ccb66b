"""The fast paths of the entity suggester give what the straightforward forms give (property tests).

Each fast path (the phrase table instead of spaCy's EntityRuler, patterns rewritten to open with a character
set, anchored and merged searches, the bisecting span selection) is checked against the plain form it
replaces, on random texts built from pieces that exercise the rules: names, titles, punctuation, whitespace.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspan.suggest import entities, names
from newsspan.suggest.entities import Gazetteer, suggest_entities
from newsspan.suggest.phrases import PhraseTable

PIECES = (
    "Pakistan", "U.S.", "U.K.", "UK", "Saudi", "Arabia", "Arabia's", "Bosnia", "and", "Herzegovina", "Korea,",
    "Republic", "of", "Côte", "d'Ivoire", "Guinea-Bissau", "Iran-backed", "UN/EU", "New", "York", "Asia-Pacific",
    "Central", "South", "Asia", "East", "West", "Washington’s", "“Pakistan”", "(Pakistan)", "EU.", "Russia-Ukraine",
    "war", "Finance", "Minister", "Aisha", "Rahman", "economist", "Sana", "Qureshi", "chair,", "Tom", "Bradley",
    "Dr.", "Mr", "J.", "Mark", "Denholm", "Virgil", "de", "Wit", "Ministry", "Foreign", "Affairs", "Nobel", "Peace",
    "Prize", "Sitara-e-Imtiaz", "Aston", "Villa", "on", "Wednesday", "Paris", "for", "the", "Champions", "League",
    "Police", "Army", "said", "told", "says", "according", "to", "data", "from", "research", "firm", "FactSet",
    "Shares", "shares", "customers", "at", "with", "Target", "Jefferies", "analyst", "analysts", "co-founder",
    "head", "HEAD", "Capital", "Economics", "Everton", "boss", "Liverpool", "manager", "ONS", "LSEG", "CEO", "PTV",
    "Sports", "in", "into", "speaks", "French", "Urdu", "English", "translation", "language", "version",
    "from", "spoken", "Frenchman", "Urdu÷", "script", "line", "wallonne", "Région", "Łódź", "‘Pakistan’",
    "Zabihullah", "Mujahid,", "a", "government", "spokesman,", "wrote", "O'Neil", "McDonald", "É", "é", "x",
    ":)", "-", ".", ",", "&", "’s", "'s", "9", "Central and South Asia", "Shares of", "economist at",
)
SEPARATORS = (" ", " ", " ", " ", "  ", "\n", "\n\n", " \n ", ", ", ". ", "-", "", "\t", "\xa0")
texts = st.lists(st.tuples(st.sampled_from(PIECES), st.sampled_from(SEPARATORS)), max_size=40).map(
    lambda pairs: "".join(piece + sep for piece, sep in pairs))
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def data_ruler() -> Any:
    """spaCy's EntityRuler over the data patterns: the reference the phrase table must equal."""
    import spacy

    ruler = spacy.blank("en").add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns([{"label": label, "pattern": phrase} for phrase, label in entities.data_patterns()])
    return ruler


def ruler_matches(ruler: Any, text: str) -> list[tuple[str, int, int]]:
    """(label, start_char, end_char) of the EntityRuler's matches, in its order."""
    doc = entities.blank().make_doc(text)
    return [(doc.vocab.strings[m], doc[s:e].start_char, doc[s:e].end_char) for m, s, e in ruler.match(doc)]


@SETTINGS
@given(text=texts)
def test_phrase_table_matches_what_the_entity_ruler_matches(data_ruler: Any, text: str) -> None:
    assert entities.phrase_table().matches(text) == ruler_matches(data_ruler, text)


@SETTINGS
@given(text=texts, mentions=st.lists(st.sampled_from(PIECES), min_size=1, max_size=8))
def test_gazetteer_table_matches_its_entity_ruler(text: str, mentions: list[str]) -> None:
    gazetteer = Gazetteer({mention: Counter({"ORG": 1}) for mention in mentions})
    table = PhraseTable(entities.blank(), gazetteer.labels().items())
    assert table.exact
    assert table.matches(text) == ruler_matches(gazetteer.ruler(), text)


def test_ambiguous_gazetteer_falls_back_to_the_entity_ruler() -> None:
    """Two mentions with the same tokens and different labels: spaCy's order decides, so spaCy matches."""
    gazetteer = Gazetteer({"Guinea-Bissau": Counter({"GPE": 2}), "Guinea - Bissau": Counter({"ORG": 1}),
                           "Acme Widgets": Counter({"ORG": 1})})
    assert not PhraseTable(entities.blank(), gazetteer.labels().items()).exact
    assert gazetteer.matcher() is gazetteer.ruler()
    found = suggest_entities("Acme Widgets opened in Guinea-Bissau.", gazetteer)
    assert ("Acme Widgets", "ORG") in {(span["text"], span["label"]) for span in found}


# The plain forms of the rewritten patterns (as they read before the rewrite, and in the comments beside them).
_NAME_WORD = r"(?:[A-Z][a-zà-ÿ]+(?:[-'’][A-Z][a-zà-ÿ]+)*|[A-Z]\.)"
_PARTICLE = r"(?:bin|ibn|al|el|ul|ud|de|da|van|von|der|di|le|la)"
_CAP = r"[A-Z][A-Za-z\-]*[A-Za-z](?:(?<=s)'(?=\s))?|[A-Z]"
#: Runs of capitalised words, which entities._LONG_RUN finds when longer than one word or hyphenated.
PLAIN_RUN = r"(?:" + _CAP + r")(?:\s+(?:(?:of|for|on|and|the|de|&)\s+){0,2}(?:" + _CAP + r"))*"
PLAIN = {
    "entities._NAME_RUN": r"(?<![\w’'-])" + _NAME_WORD + r"(?:[ ]+(?:" + _PARTICLE + r"[ -])?" + _NAME_WORD + r"){0,6}",
    "entities._SAID": r"(?P<name>" + _NAME_WORD + r"(?:\s+" + _NAME_WORD + r"){1,2})(?:,?\s+(?:said|says|told|added|"
                      r"noted|stated|explained|wrote|asked|argued|insisted|warned|recalled)\b|:\s*[“\"])",
    "entities._COORDINATED": r"\b(?P<first>[A-Z][a-z]+) and (?P<second>[A-Z][a-z]+) (?P<head>[A-Z][a-z]+)\b",
    "entities._WAR": r"\b(?P<name>[A-Z][A-Za-z]+(?:-[A-Z][A-Za-z]+)*) war\b",
    "entities._COMPASS": r"\b(?P<word>East|West|North|South)\b(?!\s*[A-Z-])",
    "names._ACRONYM": r"(?<![\w.&'’-])(?P<org>[A-Z][A-Z&]{1,5}|[A-Z][a-z]?[A-Z]{1,4})(?![\w&-]|['’](?!s\b)|\.\w)",
    "names._PERSON": r"(?<![\w’'-])(?P<first>[A-Z][a-zà-ÿ]+)(?P<rest>(?:[ ]+(?:(?:de|da|van|von|der|den|del|di|la|le|"
                     r"bin|ibn|al|el|ul|ud)[ -])?(?:Mc|Mac|O['’])?[A-Z][a-zà-ÿ]+(?:-[A-Z][a-zà-ÿ]+)?){1,3})",
    "names._APPOSITION": r"(?<![\w’'-])(?P<name>[A-Z][a-zà-ÿ]+(?:[ -][A-Z][a-zà-ÿ]+){1,2}),\s+(?:a|an|the|his|her|its|"
                         r"their)\s+[^,.;:“”\"]{3,60},\s+(?:said|says|told|wrote|added|noted|stated|explained)\b",
}
_ORG_NAME = names._ORG_NAME
PLAIN_CONTEXTS = (
    r"\baccording to (?:(?:data|figures|research|a (?:report|survey|statement|note|study)) (?:from|by) )?"
    r"(?:(?:research|data|consulting|consultancy|analytics|law|brokerage|investment) (?:firm|company|provider|group) )?"
    + _ORG_NAME,
    r"\b(?:[Ss]hares|[Ss]tock|[Cc]ustomers|[Ee]mployees|[Ww]orkers|[Ss]taff) (?:of|in|at) " + _ORG_NAME,
)
PLAIN_LANGUAGE = (r"\b(?:in|into|from|speaks?|spoke|speaking|spoken)\s+(?P<lang>[A-Z][a-z]+)\b"
                  r"|\b(?P<lang2>[A-Z][a-z]+)\s+(?:language|translation|version|verse|poem|couplet|"
                  r"line|text|script|original)\b")


def spans(matches: Any) -> list[tuple[tuple[int, int], ...]]:
    """Each match's span and the spans of all its groups."""
    return [tuple(m.span(g) for g in range(m.re.groups + 1)) for m in matches]


@SETTINGS
@given(text=texts)
def test_rewritten_patterns_match_as_their_plain_forms(text: str) -> None:
    for name, plain in PLAIN.items():
        module, attr = name.split(".")
        fast = getattr(entities if module == "entities" else names, attr)
        assert spans(fast.finditer(text)) == spans(re.finditer(plain, text)), name
    for fast, plain in zip(names._CONTEXTS, PLAIN_CONTEXTS, strict=False):
        assert spans(fast.finditer(text)) == spans(re.finditer(plain, text))
    assert spans(names._after_role(text)) == spans(names._AFTER_ROLE.finditer(text))
    assert spans(entities._coordinated_matches(text)) == spans(entities._COORDINATED.finditer(text))
    assert spans(entities._war_matches(text)) == spans(entities._WAR.finditer(text))
    long_runs = [m for m in re.finditer(PLAIN_RUN, text) if "-" in m.group() or len(m.group().split()) > 1]
    assert spans(entities._LONG_RUN.finditer(text)) == spans(long_runs)
    with_role = [m for m in names._CONTEXTS[2].finditer(text) if m["role"] in names._ROLES]
    assert spans(names._before_roles(text)) == spans(with_role)
    languages = entities._languages()
    plain_languages = [m.span("lang") if m["lang"] else m.span("lang2") for m in re.finditer(PLAIN_LANGUAGE, text)
                       if (m["lang"] or m["lang2"]) in languages]
    assert entities._language_spans(text) == plain_languages


#: Phrases shaped like the context patterns' matches ("shares of Jefferies", "according to data from FactSet").
_CONTEXT_PHRASES = st.tuples(
    st.sampled_from(["shares", "Shares", "stock", "Stock", "customers", "Employees", "workers", "staff", "xshares",
                     "according to", "According to", "according to data from", "according  to"]),
    st.sampled_from([" of ", " in ", " at ", " ", "  ", "\n"]),
    st.sampled_from(["Jefferies", "Bank of England", "FactSet", "research firm FactSet", "Procter & Gamble", "x"]),
).map("".join)
_CONTEXT_TEXTS = st.lists(st.tuples(st.one_of(_CONTEXT_PHRASES, st.sampled_from(PIECES)), st.sampled_from(SEPARATORS)),
                          max_size=8).map(lambda pairs: "".join(piece + sep for piece, sep in pairs))


@SETTINGS
@given(text=st.one_of(texts, _CONTEXT_TEXTS))
def test_context_prefilters_keep_every_match(text: str) -> None:
    """Every match of a context pattern holds one of its prefilter's words (a text without any is not scanned);
    the role pattern has no such prefilter (None)."""
    for pattern, needs in zip(names._CONTEXTS, names._CONTEXT_WORDS, strict=True):
        if needs is None:
            assert "role" in pattern.groupindex
            continue
        assert all(any(word in m.group() for word in needs) for m in pattern.finditer(text)), pattern.pattern[:30]


@SETTINGS
@given(text=texts, at=st.integers(min_value=0, max_value=400))
def test_word_before_is_the_regex_search(text: str, at: int) -> None:
    at = min(at, len(text))
    m = re.compile(r"([\w.-]+),?\s+\Z").search(text, max(0, at - 30), at)
    assert entities._word_before(text[::-1], at) == (m.group(1) if m else None)


def plain_select(candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The selection as first written: every candidate against every kept span."""
    kept: list[dict[str, Any]] = []
    for cand in sorted(candidates, key=lambda c: (-(c["end"] - c["start"]), c["_rank"], c["start"])):
        ok = True
        for other in kept:
            if cand["end"] <= other["start"] or cand["start"] >= other["end"]:
                continue
            inside = other["start"] <= cand["start"] and cand["end"] <= other["end"]
            around = cand["start"] <= other["start"] and other["end"] <= cand["end"]
            same = (cand["start"], cand["end"]) == (other["start"], other["end"])
            if same or not ((inside and other["label"] in entities.CONTAINERS)
                            or (around and cand["label"] in entities.CONTAINERS)):
                ok = False
                break
        if ok:
            kept.append(cand)
    return kept


candidate = st.tuples(st.integers(0, 60), st.integers(1, 25), st.sampled_from(["ORG", "GPE", "PERSON", "EVENT"]),
                      st.integers(0, 5)).map(lambda c: {"start": c[0], "end": c[0] + c[1], "label": c[2],
                                                        "_rank": c[3]})


@settings(max_examples=500, deadline=None)
@given(candidates=st.lists(candidate, max_size=40))
def test_select_keeps_what_the_plain_selection_keeps(candidates: list[dict[str, Any]]) -> None:
    assert entities._select(candidates) == plain_select(candidates)


def test_real_suggestions_on_a_known_text() -> None:
    """End to end: the table, the anchored patterns and the selection together on one paragraph."""
    text = ("ISLAMABAD: Finance Minister Aisha Rahman met economist Sana Qureshi of Capital Economics in "
            "Saudi Arabia, according to FactSet. “We agree,” Rahman said. Jefferies analyst Tom Bradley "
            "spoke in Urdu at the Pakistan-Kazakhstan Business Forum with the U.S. delegation.")
    found = {(span["text"], span["label"]) for span in suggest_entities(text)}
    assert {("Aisha Rahman", "PERSON"), ("Saudi Arabia", "GPE"), ("FactSet", "ORG"), ("Urdu", "LANGUAGE"),
            ("Pakistan-Kazakhstan Business Forum", "EVENT"), ("Rahman", "PERSON")} <= found



def test_phrase_table_caches_are_bounded_and_match_after_clearing(monkeypatch: pytest.MonkeyPatch) -> None:
    import spacy

    from newsspan.suggest import phrases

    patterns = (*entities.data_patterns()[:2000], ("Saudi Arabia", "GPE"), ("U.S.", "GPE"), ("Riyadh", "GPE"))
    ruler = spacy.blank("en").add_pipe("entity_ruler", config={"phrase_matcher_attr": "ORTH"})
    ruler.add_patterns([{"label": label, "pattern": phrase} for phrase, label in patterns])
    monkeypatch.setattr(phrases, "CACHE_LIMIT", 3)
    table = PhraseTable(entities.blank(), patterns)
    texts = ["Saudi Arabia and Pakistan signed in Riyadh.", "The U.S. and U.K. met (Saudi Arabia's envoy).",
             "Saudi  Arabia, Saudi\nArabia and Saudi Arabia."] * 3
    for text in texts:
        assert table.matches(text) == ruler_matches(ruler, text)
        assert len(table._starts) <= 3 + len(set(text.split(" "))) and len(table._chunks) <= 4
