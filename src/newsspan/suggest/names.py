"""Name rules that need no title, head word or gazetteer (guidelines §E1, §E2): candidates for :mod:`.entities`.

- PERSON: a known first name followed by one to three capitalised words ("Mark Denholm, 54,", "Mateo Silva
  scored", "Virgil de Wit"); the first names come from Faker's person providers (census and registry lists of
  many locales, shipped in the package), without those that are also places, months, titles or common words;
- ORG from the context a name stands in: "according to FactSet", "shares of Target", "Jefferies analyst",
  "Everton boss", "economist at Capital Economics";
- ORG for an acronym ("ONS", "LSEG") that is no place and no common abbreviation ("CEO", "GDP", "VAT").

Each yields ``(start, end, label, rank)``; :func:`.entities.suggest_entities` weighs them against its other
sources (a lower rank is a stronger source).
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
from functools import cache

from .common import NON_SPACE, reversed_text, word_set

#: Faker person providers whose first names are read (a broad spread of the languages of news names).
FIRST_NAME_LOCALES = ("en_US", "en_GB", "en_IE", "en_IN", "en_PK", "fr_FR", "de_DE", "es_ES", "it_IT", "nl_NL",
                      "pt_BR", "ar_AA", "tr_TR", "hi_IN", "fa_IR", "yo_NG", "sw", "id_ID", "pl_PL", "ru_RU")
#: First names that are far more often a common capitalised word than a person's name in news text.
NOT_FIRST_NAMES = word_set(
    "Will May June April August Summer Winter Autumn Hope Faith Grace Joy Chase Grant Bill Rose Sky Star Said "
    "Christian Guy Max Don Earl Major Young Long Art Iris Liberty Justice Prince King Royal General Page Case "
    "Marshal Pat Dean Rich Sterling Cash Price Ray Mercedes Porsche Jaguar Lincoln Ford Paris Jordan Georgia "
    "Israel Victoria Florence Chelsea Aston Santos Real Inter Brook Dale Hall Wood Gay Amen Ali Islam Allah "
    "Jesus Christ God Lord Saint Bishop Deacon Aurora Orion Apollo Alpha Delta Echo Nova Sun Moon Mars Venus"
)
#: Abbreviations in capitals that name no organisation.
NOT_ACRONYMS = word_set(
    "CEO CFO COO CTO MP MPs PM GDP GNP CPI VAT TV AI IT EV EVs US USA UK UAE EU UN OK AM PM FM ID PhD MBA BA "
    "MA IPO ETF FAQ PR HR RD DNA HIV AIDS COVID SARS LGBT LGBTQ NGO NGOs CCTV GPS SUV VIP WHO'S ATM PIN QR SMS "
    "USB PDF URL AD BC BCE CE FY YTD YOY QOQ II III IV VI VII VIII IX XI XII ET GMT UTC BST EST PST CET IST PKT "
    "KM KG MW GW KW KWH NO TBC TBA ASAP RIP BREAKING UPDATE EXCLUSIVE LIVE VIDEO PHOTO WATCH READ MORE ALSO"
)
#: Roles after an organisation's name ("Jefferies analyst", "Everton boss"); sports roles also after a city
#: name, which then names a club ("Liverpool manager").
ORG_ROLES = word_set("analyst analysts economist economists strategist strategists spokesman spokeswoman "
                     "spokesperson executive executives")
SPORT_ROLES = word_set("manager boss coach striker midfielder defender goalkeeper winger captain skipper")
_ROLES = ORG_ROLES | SPORT_ROLES
_CAPWORD = r"[A-Z][\w&'’.]*(?:-[A-Z][\w&'’.]*)*[\w&]"
_ORG_NAME = r"(?P<org>" + _CAPWORD + r"(?:\s+(?:of\s+|&\s+)?" + _CAPWORD + r"){0,3})"
_CONTEXTS = (
    # a literal start with the word boundary checked behind it: the regex engine skips to each "according to"
    re.compile(r"according to(?<!\waccording to) (?:(?:data|figures|research|a (?:report|survey|statement|note|study)) "
               r"(?:from|by) )?(?:(?:research|data|consulting|consultancy|analytics|law|brokerage|investment) "
               r"(?:firm|company|provider|group) )?" + _ORG_NAME),
    # r"\b(?:[Ss]hares|[Ss]tock|[Cc]ustomers|[Ee]mployees|[Ww]orkers|[Ss]taff) (?:of|in|at) ", starting with a
    # character set (which the regex engine scans for quickly) and the word boundary checked behind it
    re.compile(r"[SsCcEeWw](?<!\w[SsCcEeWw])(?:(?<=[Ss])(?:hares|tock|taff)|(?<=[Cc])ustomers|(?<=[Ee])mployees|"
               r"(?<=[Ww])orkers) (?:of|in|at) " + _ORG_NAME),
    re.compile(_ORG_NAME + r"\s+(?P<role>[a-z]+)\b"),
)
#: Substrings of which every match of the :data:`_CONTEXTS` pattern at the same place holds one (None: no such
#: prefilter; the role pattern is run only near role words, :func:`_before_roles`).
_CONTEXT_WORDS: tuple[tuple[str, ...] | None, ...] = (
    ("according to",), ("hares ", "tock ", "ustomers ", "mployees ", "orkers ", "taff "), None)
#: A role word of :data:`_ROLES` after whitespace.
_ROLE_WORD = re.compile(r"\s(?:" + "|".join(sorted(_ROLES)) + r")\b")
#: A lower-case word other than "of" after whitespace (``\s(?!of\b)[a-z]+\b``), read backwards on the reversed text.
_LOWER_WORD_BACK = re.compile(r"(?<!\w)(?!fo\s)[a-z]+\s")
_AFTER_ROLE = re.compile(r"\b(?i:economists?|analysts?|strategists?|executives?|director|partners?|researchers?|"
                         r"professor|fellow|officials?|officers?|spokesman|spokeswoman|spokesperson|head|chief|chair|"
                         r"chairman|president|founder|advisers?|advisors?|lawyers?|manager|editor|scientists?|"
                         r"engineers?|traders?|investors?)\s+(?:at|with)\s+" + _ORG_NAME)
#: ``(?<![\w.&'’-])(?P<org>[A-Z][A-Z&]{1,5}|[A-Z][a-z]?[A-Z]{1,4})``, written to start with a character set (which the
#: regex engine scans for quickly) and check the character before it behind the first letter.
_ACRONYM = re.compile(r"(?P<org>[A-Z](?<![\w.&'’-].)(?:[A-Z&]{1,5}|[a-z]?[A-Z]{1,4}))(?![\w&-]|['’](?!s\b)|\.\w)")
#: Possessive letter runs (``++``): what follows one is never a letter, so giving letters back never helps.
_PERSON = re.compile(r"(?P<first>[A-Z](?<![\w’'-].)[a-zà-ÿ]++)(?P<rest>(?:[ ]+(?:(?:de|da|van|von|der|den|del|di|la|le|"
                     r"bin|ibn|al|el|ul|ud)[ -])?(?:Mc|Mac|O['’])?[A-Z][a-zà-ÿ]++(?:-[A-Z][a-zà-ÿ]++)?+){1,3})")


#: "Name Name, a/the/his … role …, said": a name with an apposition before a speech verb.
_APPOSITION = re.compile(r"(?P<name>[A-Z](?<![\w’'-].)[a-zà-ÿ]+(?:[ -][A-Z][a-zà-ÿ]+){1,2}),\s+(?:a|an|the|his|her|its|"
                         r"their)\s+[^,.;:“”\"]{3,60},\s+(?:said|says|told|wrote|added|noted|stated|explained)\b")


#: "at" or "with" after whitespace and before a capital (the look-behinds let the engine skip to each "a" and "w").
_ROLE_ANCHOR = re.compile(r"a(?<=\sa)t\s+[A-Z]|w(?<=\sw)ith\s+[A-Z]")
_WORD_CHARS = re.compile(r"\w*")


def _before_roles(text: str) -> Iterator[re.Match[str]]:
    """The matches of ``_CONTEXTS[2]`` ("Jefferies analyst") that end in a role word, as its ``finditer`` gives them.

    A lower-case word after whitespace other than "of" can only end a match (as its role), so no match
    crosses the end of one: the pattern is run from the last such word before each role word to that role.
    """
    pattern, done, size = _CONTEXTS[2], 0, len(text)
    back = reversed_text(text)  # the last lower-case word before a role is the first one read backwards
    for role in _ROLE_WORD.finditer(text):
        word = _LOWER_WORD_BACK.search(back, size - role.start(), size - max(done, role.start() - 300))
        start = size - word.start() if word else done
        for m in pattern.finditer(text, start, role.end()):
            if m.end() == role.end():
                yield m
        done = role.end()


def _after_role(text: str) -> Iterator[re.Match[str]]:
    """The matches of :data:`_AFTER_ROLE`'s ``finditer``, found from each " at "/" with " before a capital.

    A match is a role word, then that anchor: the word ending where the anchor starts is the only place
    one can start, so the (slow to scan) pattern is only tried there.
    """
    end = 0
    for anchor in _ROLE_ANCHOR.finditer(text):
        at = anchor.start() - 1
        while at > 0 and text[at - 1].isspace():
            at -= 1
        start = at - _WORD_CHARS.match(text[max(0, at - 13):at][::-1]).end()
        if start < at and start >= end:
            m = _AFTER_ROLE.match(text, start)
            if m:
                end = m.end()
                yield m

#: What every :data:`_APPOSITION` match ends with (starting with a comma, which the engine skips to quickly).
_APPOSITION_TAIL = re.compile(r",\s+(?:a|an|the|his|her|its|their)\s+[^,.;:“”\"]{3,60},\s+(?:said|says|told|wrote|"
                              r"added|noted|stated|explained)\b")


@cache
def first_names() -> frozenset[str]:
    """First names of :data:`FIRST_NAME_LOCALES` (Faker's data), in Latin letters, less :data:`NOT_FIRST_NAMES`."""
    found: set[str] = set()
    for locale in FIRST_NAME_LOCALES:
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        for attr in ("first_names", "first_names_male", "first_names_female"):
            names = getattr(provider, attr, None) or ()
            found.update(names.keys() if isinstance(names, dict) else names)
    return frozenset(name for name in found if re.fullmatch(r"[A-Z][a-zà-ÿ]{2,}", name)) - NOT_FIRST_NAMES


def persons(text: str, excluded: Callable[[str], bool]) -> Iterator[tuple[int, int, str, int]]:
    """A known first name and one to three capitalised words, none of them ``excluded`` (places, heads, ...)."""
    names = first_names()
    for m in _PERSON.finditer(text):
        if m["first"] not in names or excluded(m["first"]):
            continue
        words = list(NON_SPACE.finditer(m["rest"]))
        while words and excluded(words[-1].group().split("-")[0]):
            words.pop()
        if not words or any(excluded(w.group()) for w in words if w.group()[:1].isupper()):
            continue
        yield m.start(), m.start("rest") + words[-1].end(), "PERSON", 3
    if not _APPOSITION_TAIL.search(text):
        return  # speed: the apposition and speech verb that every match ends with are nowhere
    for m in _APPOSITION.finditer(text):  # "Zabihullah Mujahid, the government's chief spokesman, wrote"
        if not any(excluded(word) for word in m["name"].split()):
            yield m.start("name"), m.end("name"), "PERSON", 3


def organisations(text: str, places: frozenset[str], excluded: Callable[[str], bool]) -> Iterator[
        tuple[int, int, str, int]]:
    """Names that the words around them make organisations (rank 3), and acronyms (rank 5)."""
    for pattern, needs in zip(_CONTEXTS, _CONTEXT_WORDS, strict=True):
        if needs is not None and not any(word in text for word in needs):
            continue  # speed: a substring test rules out the regex scan
        with_role = "role" in pattern.groupindex
        for m in _before_roles(text) if with_role else pattern.finditer(text):
            club = False
            if with_role:
                role = m["role"]
                if role not in _ROLES:
                    continue
                club = role in SPORT_ROLES  # "Liverpool manager": a city name names the club
            name = m["org"]
            if name in places and not club:
                continue
            words = name.split()
            while words and not club and excluded(words[0]):
                words.pop(0)
            if not words or (not club and all(excluded(word) for word in words)):
                continue
            start = m.start("org") + name.index(words[0])
            yield start, m.end("org"), "ORG", 3
    for m in _after_role(text):
        if m["org"] not in places and not all(map(excluded, m["org"].split())):
            yield m.start("org"), m.end("org"), "ORG", 3
    for m in _ACRONYM.finditer(text):
        word = m["org"]
        if word in NOT_ACRONYMS or word in places or excluded(word):
            continue
        neighbours = text[max(0, m.start() - 2):m.start()] + text[m.end():m.end() + 2]
        if re.search(r"[A-Z]{2}", neighbours) or re.match(r" [A-Z]", text[m.end():m.end() + 2]):
            continue  # a heading or dateline in capitals, or the start of a longer name ("PTV Sports")
        yield m.start(), m.end(), "ORG", 5
