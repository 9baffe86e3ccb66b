"""Quotation suggestions (guidelines §Q1-§Q12): quotation marks plus PARC-style attribution cues.

- direct: a stretch in double quotation marks (straight, curly, guillemets; single marks nest inside,
  or stand alone in texts without double marks), attributed by a cue before it ("X said: “…”",
  "According to X, “…”") or after it ("“…,” X said", "“…,” said X", "“…,” read the statement");
  an unattributed quoted sentence takes the speaker of the nearest quotation before it (§Q4);
- mixed: a short quoted fragment inside a reported clause ("X said Y will provide “…” of …");
- indirect: a cue with a clause ("X said (that) …", "X told reporters that …", "…, according to X").
  A speech verb with a noun-phrase object ("highlighted the significance of …") is not a quotation (§Q7).

The source is the attributed subject; the speaker is the entity it names, or, for a pronoun or a
description ("he", "the statement", "the embassy"), the nearest earlier mention of the referent (§Q8, §Q12).
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from .common import Sentence, dateline_end, make_span, provenance, sentence_of, sentences, word_set
from .matching import is_word, word_trie

CUE_VERBS = (
    "said|says|say|told|tells|added|adds|stated|states|noted|notes|explained|explains|stressed|stresses|"
    "emphasised|emphasized|emphasises|emphasizes|insisted|insists|warned|warns|argued|argues|asserted|"
    "claimed|claims|declared|declares|announced|announces|remarked|observed|wrote|writes|asked|asks|"
    "replied|replies|responded|recalled|recalls|acknowledged|admitted|maintained|maintains|continued|"
    "concluded|urged|urges|vowed|pledged|affirmed|reiterated|reiterates|underlined|underscored|mentioned|"
    "commented|tweeted|posted|confirmed|confirms|suggested|predicted|read|reads|highlighted|pointed out|"
    "pointed out|believes|believed|hoped|hopes|assured|informed|reported|reports|revealed|disclosed|"
    "clarified|announced|alleged|denied|proposed|recommended|acknowledged|expressed hope|argue|warn|claim|insist|"
    "believe|note|stress"
)
_CUE = re.compile(r"\b(?:" + CUE_VERBS + r")\b")
#: The cue verbs as a trie (the same matches as ``(?:CUE_VERBS)`` between ``\b``, a few times faster).
_CUE_TRIE = word_trie(CUE_VERBS.split("|"))
_FAST_CUE = re.compile(r"\b" + _CUE_TRIE + r"\b")
#: Cues that take a reported clause without quotation marks (indirect quotations).
CLAUSE_CUES = word_set(
    "said says say told tells added adds stated states noted notes explained stressed emphasised emphasized "
    "insisted warned argued asserted claimed declared announced announces remarked observed wrote replied "
    "recalled acknowledged admitted maintained concluded affirmed reiterated underlined underscored confirmed "
    "confirms suggested predicted highlighted believes believed hoped assured informed reported revealed "
    "disclosed clarified alleged denied argue warn claim insist believe note stress"
)
PRONOUNS = word_set("he she they it we i you him her them")
_DESCRIPTION_DOCS = word_set("statement report letter document release communique communiqué notice "
                              "announcement post tweet message press")
#: Descriptions of an organisation ("the company", "the club"): they refer to the nearest earlier one (§Q12).
_ORG_DESCRIPTIONS = word_set("company firm group retailer lender bank insurer airline carrier manufacturer maker "
                             "producer operator developer conglomerate business club team side fund council board "
                             "agency regulator watchdog authority charity trust union federation association "
                             "organisation organization institute university newspaper broadcaster network "
                             "committee party court")
#: Those of them that may name a club by its city ("Liverpool ... The club said": a GPE mention).
_CLUB_DESCRIPTIONS = word_set("club team side")
_SPOKESPEOPLE = word_set("spokesman spokeswoman spokesperson official representative source "
                         "ministry office embassy department")
_OPEN_CLOSE = {"“": "”", "\"": "\"", "«": "»", "„": "“"}
_STOP_WORDS = ("and", "but", "while", "as", "then", "which", "who", "that", "when", "where", "because", "after",
               "before", "since", "until", "although", "though", "if", "unless", "once")


def _first_letter_alternation(words: Iterable[str]) -> str:
    r"""``\b(?:w1|w2|…)\b`` as alternatives that each open with a letter (``a(?<!\w.)(?:nd|s)\b``), so that ``re``
    skips fast over characters no alternative opens with (``(?<!\w.)`` after the letter is ``\b`` before it)."""
    groups: dict[str, list[str]] = {}
    for word in words:
        groups.setdefault(word[0], []).append(word[1:])
    return "|".join(re.escape(first) + r"(?<!\w.)(?:" + "|".join(map(re.escape, rests)) + r")\b"
                    for first, rests in groups.items())


#: Where a source's words stop: a mark (``[,;:“”"«»()\[\]]``) or one of :data:`_STOP_WORDS` (``\b(?:and|but|…)\b``),
#: written so that every alternative opens with a literal character (``re`` skips fast to the next one).
_FAST_STOP = re.compile("|".join(map(re.escape, ",;:“”\"«»()[]")) + "|" + _first_letter_alternation(_STOP_WORDS))


@dataclass
class Quoted:
    """A stretch between quotation marks: offsets of the content (marks excluded)."""

    start: int
    end: int

    def words(self, text: str) -> int:
        return len(text[self.start:self.end].split())


_SINGLES = {"‘": "’", "'": "'"}


def quoted_stretches(text: str) -> list[Quoted]:
    """Top-level quoted stretches per paragraph (line): double marks (single marks only in texts without them)."""
    found: list[Quoted] = []
    doubles = any(mark in text for mark in "“\"«„")
    pairs = _OPEN_CLOSE if doubles else _SINGLES
    marks = _mark_offsets(text, pairs)
    i = 0
    for at in marks:
        if at < i:
            continue
        i = at
        if not _opens(text, i):
            i += 1
            continue
        end = text.find("\n", i)  # the paragraph's end (no mark is a line break)
        if end < 0:
            end = len(text)
        close = _closing(text, i + 1, end, pairs[text[i]])
        if close is None:  # an opening mark without a closing one: a quotation running to the paragraph's end
            found.append(Quoted(i + 1, end))
            i = end
            continue
        found.append(Quoted(i + 1, close))
        i = close + 1
    return found


def _mark_offsets(text: str, marks: Iterable[str]) -> list[int]:
    """Every offset holding one of ``marks`` (characters), in order: ``str.find`` is faster than a class regex."""
    found = []
    for mark in marks:
        at = text.find(mark)
        while at >= 0:
            found.append(at)
            at = text.find(mark, at + 1)
    found.sort()
    return found


def _opens(text: str, i: int) -> bool:
    if text[i] in "“«„‘":
        return True
    before = text[i - 1] if i > 0 else " "
    return before.isspace() or before in "([—–-:"


def _closing(text: str, i: int, end: int, mark: str) -> int | None:
    """Offset of the closing mark (a straight mark closes when followed by a non-letter)."""
    while i < end:
        j = text.find(mark, i, end)
        if j < 0:
            return None
        if mark in "'’" and j + 1 < end and text[j + 1].isalpha():
            i = j + 1  # an apostrophe
            continue
        return j
    return None


def _content(text: str, q: Quoted) -> tuple[int, int]:
    """Content offsets without a trailing comma or a trailing/leading space (§Q1)."""
    start, end = q.start, q.end
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return start, end


@dataclass
class Attribution:
    """A cue and its source (offsets), found around a quotation."""

    cue: tuple[int, int] | None
    source: tuple[int, int] | None


_RELATIVE_BEFORE_CUE = re.compile(r",\s+(?:who|which|\w+ing)\b[^,]*,\s*$")  # "Mr. Smith, who spoke …, said"
_FINAL_BRACKET = re.compile(r"\s*\([^()]*\)\s*$")  # "The Delhi Metro Rail Corporation (DMRC) said"
_LEADING_CONNECTIVES = re.compile(r"\s*(?:(?:and|but|so|also|then|however|meanwhile|later|separately)\b\s*)*")
_ADVERBS = ("also|further|later|then|again|earlier|previously|has|have|had|had also|once|recently|simply|only|just|"
            "repeatedly|publicly|privately|separately|reportedly|allegedly|angrily|firmly|openly|finally|quietly|"
            "bluntly|candidly|flatly|promptly")
_TRAILING_ADVERBS = re.compile(r"\s*(?:(?:" + _ADVERBS + r")\s*)+$")
#: A text :data:`_TRAILING_ADVERBS` matches in ends, but for spaces, with one of them.
_ADVERB_ENDINGS = tuple(_ADVERBS.split("|"))


def _trim_source(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The subject noun phrase in text[start:end]: after the last clause break, without leading connectives."""
    segment = text[start:end]
    relative = _RELATIVE_BEFORE_CUE.search(segment)  # "Mr. Smith, who spoke …, said"
    if relative:
        end = start + relative.start()
        segment = text[start:end]
    bracket = _FINAL_BRACKET.search(segment) if ")" in segment else None  # "The Delhi Metro Rail Corporation (DMRC)"
    core = segment[:bracket.start()] if bracket else segment
    cut = 0
    for m in _FAST_STOP.finditer(core):
        cut = m.end()
    piece = segment[cut:]
    if not piece.strip() and segment.rstrip().endswith(","):  # "Its president, Tariq Mehmood, said": an apposition
        end = start + len(segment.rstrip()) - 1
        segment, cut = text[start:end], 0
        for m in _FAST_STOP.finditer(segment):
            if m.group() != ",":
                cut = m.end()
        piece = segment[cut:]
    lead = _LEADING_CONNECTIVES.match(piece)
    offset = start + cut + (lead.end() if lead else 0)
    piece = text[offset:end]
    trailing = _TRAILING_ADVERBS.search(piece) if piece.rstrip().endswith(_ADVERB_ENDINGS) else None
    if trailing:
        piece = piece[:trailing.start()]
    words = piece.split()
    if not words or len(words) > 12:
        return None
    new_start = offset + (len(piece) - len(piece.lstrip()))
    new_end = offset + len(piece.rstrip())
    return (new_start, new_end) if new_end > new_start else None


_ABBREVIATION = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|Sen|Rep|Gov|Gen|Lt|Col|Capt|Sgt|Prof|Rev|St|Jr|Sr|Fr|[A-Z])\.")


#: An open relative or participle clause before a position ("X, who asked not to be named"): no cue in there.
_INSIDE_RELATIVE = re.compile(r",\s+(?:who|which|\w+ing)\b[^,]*$")


_CLOSING_PUNCTUATION = re.compile(r"[”\"»’']?\s*[,.?!]?\s*[”\"»’']?\s*")
_CLAUSE_BREAK = re.compile(r"[.;:“\"]")
_NOUN_AFTER_CUE = re.compile(r"\s*((?:[^,.;:!?“”\"(]|\.(?=\w))+)")
_NOUN_END = re.compile(r"\b(?:on|in|at|during|after|before|while|when|adding|referring|as|who|which|that)\b")


def _no_stop(m: re.Match[str]) -> str:
    """An abbreviation's full stop turned into a space."""
    return m.group()[:-1] + " "


def _after(text: str, end: int, limit: int) -> Attribution | None:
    """Attribution after a closing mark: "…,” X said", "…,” said X", "…,” read the statement", "…,” X told Y"."""
    tail = text[end:limit]
    m = _CLOSING_PUNCTUATION.match(tail)
    if m is None:
        return None
    rest_start = end + m.end()
    rest = text[rest_start:limit]
    cue = next((c for c in _FAST_CUE.finditer(rest[:100]) if not _INSIDE_RELATIVE.search(rest, 0, c.start())), None)
    if cue is None:  # "one resident, who asked not to be named, told AFP": "asked" is inside the relative clause
        return None
    before = rest[:cue.start()]
    plain = _ABBREVIATION.sub(_no_stop, before) if "." in before else before  # "Mr. Whitaker said": no sentence end
    if before.strip() and (len(before.split()) > 10 or _CLAUSE_BREAK.search(plain)):
        return None
    cue_span = (rest_start + cue.start(), rest_start + cue.end())
    if before.strip():
        return Attribution(cue_span, _trim_source(text, rest_start, cue_span[0]))
    after = rest[cue.end():]
    noun = _NOUN_AFTER_CUE.match(after)
    if not noun:
        return Attribution(cue_span, None)
    phrase = noun.group(1)
    phrase = _NOUN_END.split(phrase, maxsplit=1)[0]
    source = _trim_source(text, cue_span[1], cue_span[1] + (len(after) - len(after.lstrip())) + len(phrase.strip()))
    return Attribution(cue_span, source)


_BEFORE = re.compile(r"(?:(?P<according>[Aa]ccording to)\s+(?P<asource>[^,:“\"]{2,80}?)\s*,\s*$|"
                     r"(?P<cue>\b" + _CUE_TRIE + r"\b)(?P<obj>\s+(?:\w+\s+){0,3}?)?\s*(?:[:,]|that)?\s*$)")


#: "X had written to the trustees in 2023: “…”": the last cue before a colon that opens the quotation.
_COLON_CUE = re.compile(r"^.*(?P<cue>\b" + word_trie([*CUE_VERBS.split("|"), "written"]) + r"\b)[^.:;“”\"]{0,100}:\s*$",
                        re.S)
_COLON = re.compile(r"^\s*(?P<source>(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*)\s*(?P<colon>:)\s*$")


_STOP_SPACE = re.compile(r"[.!?]\s+")
_MEDIA_OBJECT = re.compile(r"\s*(?:(?:the|a|an|his|her|their|our|local)\s+)?(?:reporters|journalists|"
                           r"media|press|newsmen|the\s+media|\w+)\s*")


def _before(text: str, start: int, sent: Sentence, hits: _Hits | None = None) -> Attribution | None:
    """Attribution before an opening mark: "X said: “…”", "X told reporters, “…”", "According to X, “…”".

    ``hits``: the text's :class:`_Hits`, to skip the cue searches when the head holds no cue.
    """
    head_end = start - 1
    head = text[sent.start:head_end]
    if not head.strip() and sent.start > 0:  # a quotation on its own line after "X said:" on the line before
        previous = text[:sent.start].rstrip()
        if previous.endswith(":"):
            line_start = previous.rfind("\n") + 1
            sentence_start = max(line_start, *(m.end() for m in _STOP_SPACE.finditer(previous[:-1])), 0)
            return _before(text, len(previous) + 1, Sentence(sentence_start, len(previous)), hits)
    colon = _COLON.search(head)
    if colon:
        return Attribution((sent.start + colon.start("colon"), sent.start + colon.end("colon")),
                           (sent.start + colon.start("source"), sent.start + colon.end("source")))
    if hits is not None and "ccording to" not in head and _bounded(text, sent.start, head_end) and \
            not hits.cue_within(sent.start, head_end):
        return None  # _BEFORE needs "according to" or a cue, _COLON_CUE a cue or "written"
    m = _BEFORE.search(head)
    if m is None:
        colon_cue = _COLON_CUE.search(head) if ":" in head else None
        if colon_cue is None:
            return None
        cue = (sent.start + colon_cue.start("cue"), sent.start + colon_cue.end("cue"))
        return Attribution(cue, _trim_source(text, sent.start, cue[0]))
    if m["according"]:
        cue = (sent.start + m.start("according"), sent.start + m.end("according"))
        return Attribution(cue, _trim_source(text, sent.start + m.start("asource"), sent.start + m.end("asource")))
    obj = m["obj"] or ""
    if obj.strip() and not _MEDIA_OBJECT.fullmatch(obj):
        return None
    cue = (sent.start + m.start("cue"), sent.start + m.end("cue"))
    return Attribution(cue, _trim_source(text, sent.start, cue[0]))


_ACCORDING_AFTER = re.compile(r",\s*(according to)\s+((?:[^,.;]|\.(?=\w))+?)\s*[.;]?\s*$")
_ACCORDING_BEFORE = re.compile(r"\s*(According to)\s+([^,]+?),\s*")
_DOUBLE_MARK = re.compile(r"[“\"]")


class _Taken:
    """The quoted stretches of a text (sorted and disjoint, as :func:`quoted_stretches` gives them), looked up
    by bisection."""

    __slots__ = ("ends", "starts")

    def __init__(self, stretches: list[Quoted]):
        self.starts = [q.start for q in stretches]
        self.ends = [q.end for q in stretches]

    def starts_in(self, low: int, high: int) -> list[int]:
        """The starts ``s`` with ``low <= s < high``, in order."""
        return self.starts[bisect_left(self.starts, low):bisect_left(self.starts, high)]

    def overlaps(self, start: int, end: int) -> bool:
        """True when a stretch ``(s, e)`` has ``start < e and s < end``."""
        i = bisect_right(self.ends, start)
        return i < len(self.starts) and self.starts[i] < end


#: The cues of :data:`_TRAILING`; a sentence without one of them as a cue word cannot match it.
_TRAILING_CUES = word_set("said says added announced noted stated reported confirmed told wrote")


def _indirect(text: str, sent: Sentence, taken: _Taken,
              cues: list[tuple[int, int, str]] | None = None) -> Iterator[dict[str, Any]]:
    """Indirect (or mixed) quotations: "X said (that) CLAUSE", "CLAUSE, according to X", "According to X, CLAUSE".

    ``cues``: the matches of :data:`_FAST_CUE` in the sentence as ``(start, end, word)``, offsets in the sentence
    (found in the sentence when not given).
    """
    body = text[sent.start:sent.end]
    final = len(body.rstrip(".!?…"))
    acc = _ACCORDING_AFTER.search(body) if "according to" in body else None
    if acc:
        content = (sent.start, sent.start + acc.start())
        source = (sent.start + acc.start(2), sent.start + acc.end(2))
        yield _item(text, content, (sent.start + acc.start(1), sent.start + acc.end(1)), source, taken)
        return
    acc = _ACCORDING_BEFORE.match(body) if "According to" in body else None
    if acc:
        content = (sent.start + acc.end(), sent.start + final)
        yield _item(text, content, (sent.start + acc.start(1), sent.start + acc.end(1)),
                    (sent.start + acc.start(2), sent.start + acc.end(2)), taken)
        return
    if cues is None:
        cues = [(m.start(), m.end(), m.group()) for m in _FAST_CUE.finditer(body)]  # _CUE's matches
    trailing = _TRAILING.match(body) if "," in body and any(cue[2] in _TRAILING_CUES for cue in cues) else None
    if trailing and not _DOUBLE_MARK.search(trailing["content"]):
        yield _item(text, (sent.start + trailing.start("content"), sent.start + trailing.end("content")),
                    (sent.start + trailing.start("cue"), sent.start + trailing.end("cue")),
                    (sent.start + trailing.start("source"), sent.start + trailing.end("source")), taken)
        return
    fragments = taken.starts_in(sent.start, sent.end)
    praises = [m for m in _NP_OBJECT.finditer(body) if sent.start + m.end() <= fragments[-1]] if fragments else []
    praise = praises[-1] if praises else None
    if praise and taken.starts_in(sent.start + praise.end(), sent.end):
        if praise["cue"].endswith("ing"):  # "The EU condemned the decision, calling it “…”": the subject speaks
            subject = _SUBJECT.match(body)
            source = None if subject is None else (sent.start, sent.start + subject.end())
        else:
            source = _trim_source(text, sent.start, sent.start + praise.start("cue"))
        if source is not None:
            yield from _coordinated(text, (sent.start + praise.end(), sent.start + final),
                                    (sent.start + praise.start("cue"), sent.start + praise.end("cue")), source, taken,
                                    "mixed")
            return
    for cue_start, cue_end, word in cues:
        if word not in CLAUSE_CUES:
            continue
        after = body[cue_end:]
        obj = (_TOLD_OBJECT if word in ("told", "informed", "assured") else _NO_OBJECT).match(after)
        clause_start = cue_end + (obj.end() if obj else 0)
        has_that = bool(obj and obj["that"])
        rest = body[clause_start:final]
        if word == "told" and not has_that and not _FINITE_CLAUSE.match(rest):
            continue  # "told MPs the government would spend …" is reported; "told a story" is not
        if rest.lstrip()[:1] in (",", ";", ":", ")") or _TIME_AFTER_CUE.match(body, cue_end, final):
            continue  # "…, the United Nations said, as talks resumed": the cue closes its clause
        if not has_that and not _looks_like_clause(rest):
            continue
        if not has_that and word in _NP_PRONE and not _FINITE_CLAUSE.match(rest):
            continue  # "admitted 14 counts of fraud": a noun-phrase object, not a reported clause (§Q7)
        source = _trim_source(text, sent.start, sent.start + cue_start)
        if source is None:
            continue
        yield from _coordinated(text, (sent.start + clause_start, sent.start + final),
                                (sent.start + cue_start, sent.start + cue_end), source, taken)
        return
    yield from _participle(text, sent, final, taken)


#: A second attribution inside a reported clause: "…, adding that …", "… and said …" (a new quotation), or a
#: second predicate of the speaker ("… and blamed delays on Hamas"), which ends the reported clause.
_SECOND = re.compile(r",?\s+(?:and\s+)?(?P<cue>adding|saying|noting|arguing|warning|insisting|stressing)\b\s*"
                     r"(?:that\b)?"
                     r"|\s+and\s+(?P<cue2>said|says|added|told\s+\w+|warned|urged|insisted|argued|noted)\b\s*"
                     r"(?:that\b)?|\s+and\s+(?P<stop>blamed|accused|criticised|criticized|called|urged|vowed|"
                     r"pledged|denied|rejected|dismissed)\b|,?\s+and\s+(?P<that>that)\b")
#: Every match of :data:`_SECOND` holds one of these words (a clause without them is not searched).
_SECOND_WORDS = ("and", "adding", "saying", "noting", "arguing", "warning", "insisting", "stressing")
#: ", arguing that …" after a sentence whose subject is its source ("Democrats had blocked …, arguing that …").
_PARTICIPLE_CUES = "saying|adding|arguing|noting|warning|insisting|claiming|stressing|explaining|stating"
_PARTICIPLE = re.compile(r",\s+(?P<cue>" + _PARTICIPLE_CUES + r")\s+(?P<that>that\s+)?")


def _coordinated(text: str, content: tuple[int, int], cue: tuple[int, int], source: tuple[int, int],
                 taken: _Taken, form: str = "indirect") -> Iterator[dict[str, Any]]:
    """One reported clause, or two when a second cue of the same source follows ("… and said …")."""
    start, end = content
    clause = text[start:end]
    m = _SECOND.search(text, start, end) if any(word in clause for word in _SECOND_WORDS) else None
    if m is None or m.start() - start < 12:
        yield _item(text, content, cue, source, taken, form)
        return
    yield _item(text, (start, m.start()), cue, source, taken, form)
    second = (m.start("cue"), m.end("cue")) if m["cue"] else (m.start("cue2"), m.end("cue2")) if m["cue2"] else \
        cue if m["that"] else None  # "said the remark '…' and that the presenter had apologised": the same cue
    if second is not None and _looks_like_clause(text[m.end():end]):
        yield _item(text, (m.end(), end), second, source, taken)


#: The subject at a sentence start: a capitalised name (with "The") or a pronoun.
_SUBJECT = re.compile(r"(?:(?:The|A|An)\s+)?(?:[A-Z][\w’'.-]*\s+){0,4}?[A-Z][\w’'.-]*(?=\s+[a-z])(?<!\bThe)(?<!\bA)"
                      r"(?<!\bAn)|(?:He|She|They|It|We)\b")


def _participle(text: str, sent: Sentence, final: int, taken: _Taken) -> Iterator[dict[str, Any]]:
    """"SUBJECT …, arguing that CLAUSE": the subject at the sentence start (a name or a pronoun) is the source."""
    body = text[sent.start:sent.start + final]
    m = _PARTICIPLE.search(body)
    if m is None or not (m["that"] or _looks_like_clause(body[m.end():])):
        return
    subject = _SUBJECT.match(body)
    if subject is None:
        return
    cue = (sent.start + m.start("cue"), sent.start + m.end("cue"))
    yield _item(text, (sent.start + m.end(), sent.start + final), cue, (sent.start, sent.start + subject.end()), taken)


#: "CLAUSE, SOURCE said (on Monday)." — an attribution after the reported clause, without quotation marks.
_TRAILING = re.compile(r"\s*(?P<content>.{12,}?),\s+(?P<source>(?:[\w’'.-]+\s+){0,7}?[\w’'.-]+"
                       r"(?:,\s+(?:[\w’'.-]+\s+){0,4}?[\w’'.-]+(?=,))?),?\s+"
                       r"(?P<cue>said|says|added|announced|noted|stated|reported|confirmed|told\s+\w+|wrote)"
                       r"(?:\s+(?:on|in|at|late|earlier|this|last|after|during|yesterday|today|tonight|tomorrow|Monday|"
                       r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b"
                       r"(?:\s+(?!that\b)[\w’'.-]+){0,4})?"
                       r"(?:,\s+(?:[a-z]+ing|as|while|after|before|when|but|although|though|amid|despite)\b[^“\"]*)?"
                       r"\s*[.!]?\s*$")
#: Speech verbs with a noun-phrase object ("lauded X as “…”", "called it “…”"): mixed only with a quoted fragment (§Q7).
_NP_CUES = ("lauded|praised|described|called|termed|hailed|dubbed|branded|labelled|labeled|criticised|criticized|"
            "condemned|highlighted|welcomed|calling|describing|terming|dubbing|branding|labelling|labeling|hailing|"
            "praising")
_NP_OBJECT = re.compile(r"\b(?P<cue>" + _NP_CUES + r")\s+")
_TOLD_OBJECT = re.compile(r"\s+(?:(?:the\s+|a\s+|his\s+|her\s+|their\s+)?(?:reporters|journalists|media|press|"
                          r"newsmen|parliament|lawmakers|the\s+house|the\s+assembly|him|her|them|us|[A-Z]\w+"
                          r"(?:\s+[A-Z]\w+)*)\s+)?"
                          r"(?:(?:on|in|at|during)\s+(?:[A-Z][\w.-]*\s+){1,4}|(?:on|in)\s+\w+\s+)?"
                          r"(?P<that>that\s+)?")
#: What may stand between a cue and its clause: "said (on Truth Social|on Monday) (that)".
_NO_OBJECT = re.compile(r"\s+(?:(?:on|in|at|during|through|via)\s+[^,.;:“\"]{1,40}?\s+(?=that\s)"
                        r"|(?:on|in|at|during)\s+(?:[A-Z][\w.-]*\s+){1,4}|(?:on|in)\s+\w+\s+"
                        r"|(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|yesterday|today)\s+(?=that\s))?"
                        r"(?P<that>that\s+)?")
#: A time adverbial right after a cue ("said Thursday,", "said on Monday."): the cue then closes its clause.
_TIME_AFTER_CUE = re.compile(r"\s*(?:(?:on|late|early|earlier|later)\s+)?(?:Monday|Tuesday|Wednesday|Thursday|"
                             r"Friday|Saturday|Sunday|yesterday|today|tonight|this week|last week)\b"
                             r"(?:\s+(?:morning|afternoon|evening|night))?\s*(?:[,;:.)]|$)")


#: Cues that take a noun-phrase object as often as a clause ("announced a plan", "admitted the charges").
_NP_PRONE = word_set("admitted denied announced announces confirmed confirms reported revealed disclosed "
                     "acknowledged highlighted alleged predicted suggested claimed declared reiterated underlined "
                     "underscored stressed emphasised emphasized noted notes observed recalled clarified")
#: A reported clause without "that": a short subject, then an auxiliary or modal verb.
_FINITE_CLAUSE = re.compile(r"\s*(?:[\w’'$£€%.,-]+\s+){1,6}?(?:will|would|is|are|was|were|has|have|had|could|can|"
                            r"should|must|may|might|did|does|do)\b")


_CLAUSE_VERB = re.compile(r"\s*(?:\S+\s+){0,8}?(?:will|would|is|are|was|were|has|have|had|could|can|should|"
                          r"must|may|might|did|does|do|\w+ed|\w+s)\b")
_NP_OF_IMPORTANCE = re.compile(r"\s*(?:the|a|an|his|her|their|its)\s+(?:significance|importance|need|role|efforts?|"
                               r"contribution)")


def _looks_like_clause(rest: str) -> bool:
    """A reported clause without "that": a subject followed by a finite verb within a few words (§Q7)."""
    if not rest.strip() or rest.lstrip()[:1] in "“\"":
        return False
    return bool(_CLAUSE_VERB.match(rest)) and not _NP_OF_IMPORTANCE.match(rest)


def _quotation(text: str, start: int, end: int, form: str, source: tuple[int, int] | None,
               cue: tuple[int, int] | None) -> dict[str, Any]:
    """A quotation span with its source and cue sub-spans (None when missing) and no speaker yet."""
    return make_span(text, start, end, form=form, source=None if source is None else make_span(text, *source),
                     cue=None if cue is None else make_span(text, *cue), speaker=None)


def _item(text: str, content: tuple[int, int], cue: tuple[int, int] | None, source: tuple[int, int] | None,
          taken: _Taken, form: str = "indirect") -> dict[str, Any]:
    start, end = content
    while end > start and text[end - 1] in ".,;: ":
        end -= 1
    span = _quotation(text, start, end, form, source, cue)
    if taken.overlaps(span["start"], span["end"]):
        span["form"] = "mixed"
    return span


#: Every word one of the indirect rules needs (§Q7): a clause cue, "according", a participle or praise verb.
_REPORT_WORDS = frozenset(CLAUSE_CUES | _TRAILING_CUES | {"according", "According"} | set(_PARTICIPLE_CUES.split("|"))
                          | set(_NP_CUES.split("|")))
_CUE_WORDS = frozenset(CUE_VERBS.split("|"))
#: The cue verbs, the report words and "written" (of :data:`_COLON_CUE`), found in one pass over the text.
_SCAN_WORDS = _CUE_WORDS | _REPORT_WORDS | {"written"}
#: ``(?<!\w)(?:word|…)\b`` split by what stands before the word, so that ``re`` looks for that character fast
#: (a pattern opening with a look-behind is tried at every position): a space, another non-word character, or
#: the text's start. Every match's group 1 is the word.
_SCAN_TRIE = word_trie(sorted(_SCAN_WORDS))
_AFTER_SPACE = re.compile(r" (" + _SCAN_TRIE + r")\b")
_AFTER_OTHER = re.compile(r"[^\w ](" + _SCAN_TRIE + r")\b")
_AT_START = re.compile(r"(" + _SCAN_TRIE + r")\b")


def _word_hits(text: str) -> list[tuple[int, int, str]]:
    """The matches of ``(?<!\\w)(?:word|…)\\b`` over :data:`_SCAN_WORDS` in ``text`` as ``(start, end, word)``, in
    order (whole words, none overlapping another)."""
    hits = [(m.start(1), m.end(1), m[1]) for m in _AFTER_SPACE.finditer(text)]
    hits += [(m.start(1), m.end(1), m[1]) for m in _AFTER_OTHER.finditer(text)]
    first = _AT_START.match(text)
    if first is not None:
        hits.append((0, first.end(), first[1]))
    hits.sort()
    return hits


class _Hits:
    """The :func:`_word_hits` of a text, looked up by bisection."""

    __slots__ = ("hits", "starts")

    def __init__(self, text: str):
        self.hits = _word_hits(text)
        self.starts = [hit[0] for hit in self.hits]

    def within(self, start: int, end: int) -> list[tuple[int, int, str]]:
        """The hits inside ``text[start:end]``."""
        found = self.hits[bisect_left(self.starts, start):bisect_left(self.starts, end)]
        return found if not found or found[-1][1] <= end else [hit for hit in found if hit[1] <= end]

    def cue_within(self, start: int, end: int) -> bool:
        """True when a cue verb (or "written") lies inside ``text[start:end]``."""
        return any(word in _CUE_OR_WRITTEN for _, _, word in self.within(start, end))


_CUE_OR_WRITTEN = _CUE_WORDS | {"written"}


def _bounded(text: str, start: int, end: int) -> bool:
    """True when ``text[start:end]`` is not next to a word character (its words are the whole text's)."""
    return (start <= 0 or not is_word(text[start - 1])) and (end >= len(text) or not is_word(text[end]))


def _reporting_sentences(text: str, sents: list[Sentence], skip: set[int], hits: _Hits | None = None
                         ) -> Iterator[tuple[Sentence, list[tuple[int, int, str]] | None]]:
    """The sentences (in order, those starting at an offset of ``skip`` left out) that may hold an indirect
    quotation, each with its cue verbs for :func:`_indirect` (None: find them in the sentence).

    A sentence holding none of :data:`_REPORT_WORDS` yields nothing in :func:`_indirect` and is left out. The words
    are found in one pass over the whole text (``hits``), which reads them as the sentence would: the ends of the
    sentences :func:`sentences` gives touch a space or the text's ends (tested); a sentence a match crosses is given
    without cues.
    """
    hits = hits or _Hits(text)
    starts = [s.start for s in sents]
    found: dict[int, list[tuple[int, int, str]]] = {}
    crossed: set[int] = set()
    for hit in hits.hits:
        i = bisect_right(starts, hit[0]) - 1
        if i < 0 or hit[0] >= sents[i].end:
            continue  # between sentences (a dateline)
        if hit[1] > sents[i].end:
            crossed.update((i, i + 1))
        else:
            found.setdefault(i, []).append(hit)
    for i in sorted(found.keys() | crossed) if crossed else found:
        if i >= len(sents) or sents[i].start in skip:
            continue
        sent = sents[i]
        if i in crossed:
            yield sent, None
            continue
        words = [hit[2] for hit in found[i]]
        if not _REPORT_WORDS.isdisjoint(words):
            base = sent.start
            yield sent, [(start - base, end - base, word) for start, end, word in found[i] if word in _CUE_WORDS]


_PROVENANCE = provenance("quotations")


def suggest_quotations(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quotation suggestions in text order; ``speaker`` holds the entity dict (or None)."""
    sents = sentences(text)
    quotations: list[dict[str, Any]] = []
    quoted = quoted_stretches(text)
    hits = _Hits(text)
    spans = [_content(text, q) for q in quoted]
    used_sentences: set[int] = set()
    for q, (start, end) in zip(quoted, spans, strict=True):
        if end <= start:
            continue
        sent = sentence_of(sents, start) or Sentence(start, end)
        last = sentence_of(sents, max(start, end - 1)) or sent
        after = _after(text, q.end, min(len(text), _paragraph_end(text, q.end)))
        before = _before(text, q.start, sent, hits)
        opens_sentence = not text[sent.start:max(sent.start, q.start - 1)].strip()
        closes = text[q.end + 1:last.end].strip(" .!?,;”\"’»'") == ""
        resumed = _resumes(text, quotations, q.start, sent)
        if resumed is not None:  # "“We are ready,” said coach X, “and the fans deserve a win.”"
            before = resumed
        if not ((opens_sentence or before) and (closes or after)):
            continue  # a fragment inside a sentence: mixed quotations come from the indirect rules below
        if len(text[start:end].split()) < 3 and not (before or after):
            continue
        attribution = after or before
        source = attribution.source if attribution else None
        cue = attribution.cue if attribution else None
        item = _quotation(text, start, end, "direct", source, cue)
        item["_confidence"] = 0.9 if attribution and attribution.cue else 0.6
        quotations.append(item)
        used_sentences.update({sent.start, last.start})
    quotations += _nested(text, quotations)
    taken = _Taken(quoted)
    for sent, cues in _reporting_sentences(text, sents, used_sentences, hits):
        for item in _indirect(text, sent, taken, cues):
            if item["end"] > item["start"] and len(item["text"].split()) >= 3:
                item["_confidence"] = 0.7 if item["form"] == "indirect" else 0.75
                quotations.append(item)
    quotations.sort(key=lambda s: s["start"])
    _link_speakers(text, quotations, entities)
    for item in quotations:
        item["provenance"] = dict(_PROVENANCE)
        item["confidence"] = item.pop("_confidence")
    return quotations


_INNER = re.compile(r"(?P<cue>\b" + _CUE_TRIE + r"\b)(?:\s+(?:me|us|him|her|them|reporters))?,?\s*"
                    r"[‘'](?P<body>(?:[^’']|[’'](?=\w)){3,}?)[’'](?!\w)")


def _has_single_mark(text: str) -> bool:
    """False when ``text`` holds no single quotation mark (then :data:`_INNER` finds nothing in it)."""
    return "‘" in text or "'" in text


def _nested(text: str, quotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quotations inside direct quotations: "…they told me, ‘Give us the data’…" (§Q9)."""
    found = []
    for outer in list(quotations):
        for m in _INNER.finditer(outer["text"]) if _has_single_mark(outer["text"]) else ():
            base = outer["start"]
            start, end = base + m.start("body"), base + m.end("body")
            while end > start and text[end - 1] in ",":
                end -= 1
            source = _trim_source(text, base, base + m.start("cue"))
            item = _quotation(text, start, end, "direct", source, (base + m.start("cue"), base + m.end("cue")))
            item["_confidence"] = 0.6
            found.append(item)
    return found


_SENTENCE_BREAK = re.compile(r"[.!?;:]")


def _resumes(text: str, quotations: list[dict[str, Any]], start: int, sent: Sentence) -> Attribution | None:
    """The attribution of the quotation this one continues after an interrupting ", X said, " in one sentence."""
    if not quotations or quotations[-1]["cue"] is None or quotations[-1]["end"] < sent.start:
        return None
    previous = quotations[-1]
    between = text[previous["cue"]["end"]:start - 1]
    if previous["cue"]["start"] < previous["end"] or not between.rstrip().endswith(",") or \
            _SENTENCE_BREAK.search(between):
        return None
    source, cue = previous["source"], previous["cue"]
    return Attribution((cue["start"], cue["end"]), None if source is None else (source["start"], source["end"]))


def _paragraph_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


_BASED = re.compile(r"-(?:based|born|bred|headquartered)\b")


class _Mentions:
    """The entities of a text, indexed for the speaker look-ups; every list keeps the entities' own order."""

    def __init__(self, entities: list[dict[str, Any]]):
        self.entities = entities
        starts = [e["start"] for e in entities]
        #: Entities sorted by start (as the entity layer gives them): those ending by an offset start by it too,
        #: so they are looked for in the prefix found by bisection.
        self._ordered = starts == sorted(starts)
        self._by_start: Sequence[int] = range(len(entities))
        if not self._ordered:
            self._by_start = sorted(self._by_start, key=starts.__getitem__)
            starts = sorted(starts)
        self._starts = starts
        self._labelled: dict[str | None, list[dict[str, Any]]] = {None: entities}
        for entity in entities:
            self._labelled.setdefault(entity["label"], []).append(entity)
        self._labelled_starts = {label: [e["start"] for e in found] for label, found in self._labelled.items()}
        #: Per label, a lower-cased word -> the positions (in ``_labelled[label]``, ascending) of the entities
        #: holding it (every word of an organisation, the last word of a person): built when first asked for.
        self._words: dict[str, dict[str, list[int]]] = {}

    def within(self, start: int, end: int) -> list[dict[str, Any]]:
        """The entities with ``start <= e.start`` and ``e.end <= end``."""
        low, high = bisect_left(self._starts, start), bisect_right(self._starts, end)
        if self._ordered:
            return [e for e in self.entities[low:high] if e["end"] <= end]
        candidates = sorted(self._by_start[low:high])
        return [e for e in map(self.entities.__getitem__, candidates) if e["end"] <= end]

    def earlier(self, before: int, label: str | None = None) -> list[dict[str, Any]]:
        """The entities (of ``label``, if given) ending at or before ``before``."""
        found = self._labelled.get(label, [])
        if self._ordered and found:
            found = found[:bisect_right(self._labelled_starts[label], before)]
        return [e for e in found if e["end"] <= before]

    def _limit(self, before: int, label: str | None) -> int:
        """How many of ``_labelled[label]`` may end at or before ``before`` (a prefix, when ordered)."""
        if self._ordered:
            return bisect_right(self._labelled_starts[label], before)
        return len(self._labelled[label])

    def last_labelled(self, before: int, labels: tuple[str, ...]) -> dict[str, Any] | None:
        """The last of ``earlier(before)`` with a label in ``labels``."""
        found = self.entities
        for i in range(self._limit(before, None) - 1, -1, -1):
            if found[i]["end"] <= before and found[i]["label"] in labels:
                return found[i]
        return None

    def _last_holding(self, before: int, label: str, word: str) -> int:
        """The position of the last of ``earlier(before, label)`` holding ``word`` (see ``_words``), or -1."""
        index = self._words.get(label)
        if index is None:
            index = self._words[label] = self._word_index(label)
        positions = index.get(word)
        if positions is None:
            return -1
        found = self._labelled[label]
        for i in reversed(positions[:bisect_left(positions, self._limit(before, label))]):
            if found[i]["end"] <= before:
                return i
        return -1

    def _word_index(self, label: str) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, entity in enumerate(self._labelled.get(label, [])):
            words = entity["text"].lower().split() if label != "PERSON" else entity["text"].split()[-1:]
            for word in dict.fromkeys(words):
                index.setdefault(word if label != "PERSON" else word.lower(), []).append(i)
        return index

    def last_organisation_named(self, before: int, word: str) -> dict[str, Any] | None:
        """The last of ``earlier(before, "ORG")`` with ``word`` among its lower-cased words."""
        i = self._last_holding(before, "ORG", word)
        return None if i < 0 else self._labelled["ORG"][i]

    def last_person_called(self, before: int, words: list[str]) -> dict[str, Any] | None:
        """The last of ``earlier(before, "PERSON")`` whose last word, lower-cased, is one of ``words``."""
        i = max((self._last_holding(before, "PERSON", word) for word in set(words)), default=-1)
        return None if i < 0 else self._labelled["PERSON"][i]


def _link_speakers(text: str, quotations: list[dict[str, Any]], entities: list[dict[str, Any]]) -> None:
    """Each quotation's speaker: the entity in its source, else the referent of a pronoun or description."""
    previous: dict[str, Any] | None = None
    mentions = _Mentions(entities)
    for item in quotations:
        source = item["source"]
        speaker = None
        if source is not None:
            speaker = _best(text, mentions.within(source["start"], source["end"]))
            if speaker is None:
                speaker = _referent(text, source, mentions, previous, before=source["start"])
        elif previous is not None:
            speaker = previous["speaker"]
        item["speaker"] = speaker
        previous = item


def _best(text: str, inside: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The speaker among the names in a source: the last person, else the longest organisation (the first of
    equals), else the longest place; a name before "-based" ("the London-based firm") is no speaker."""
    person = organisation = place = None
    for e in inside:
        label = e["label"]
        if label not in _SPEAKER_LABELS or _BASED.match(text, e["end"], e["end"] + 20):
            continue
        if label == "PERSON":
            person = e
        elif label == "ORG":
            if organisation is None or e["end"] - e["start"] > organisation["end"] - organisation["start"]:
                organisation = e
        elif place is None or e["end"] - e["start"] > place["end"] - place["start"]:
            place = e
    return person if person is not None else organisation if organisation is not None else place


_SPEAKER_LABELS = frozenset(("PERSON", "ORG", "GPE", "NORP"))


def _referent(text: str, source: dict[str, Any], mentions: _Mentions, previous: dict[str, Any] | None,
              before: int) -> dict[str, Any] | None:
    """The nearest earlier mention a pronoun or description refers to (§Q8, §Q12)."""
    words = source["text"].lower().replace("’s", "").replace("'s", "").split()
    head = words[-1] if words else ""
    if head in PRONOUNS or (words and words[0] in ("his", "her", "its", "their")):
        pronoun = head if head in PRONOUNS else words[0]
        if pronoun in ("they", "we", "you", "i", "them"):
            return None
        return mentions.last_labelled(before, ("ORG", "GPE") if pronoun in ("it", "its", "their") else ("PERSON",))
    for word in reversed(words):
        if word in ("the", "of", "a", "an", "in", "and", "for"):
            continue
        organisation = mentions.last_organisation_named(before, word)
        if organisation is not None:
            return organisation
    person = mentions.last_person_called(before, words)
    if person is not None:
        return person
    if head in _DESCRIPTION_DOCS or head in _SPOKESPEOPLE:  # an institution's voice: the institution quoted last
        speaker = previous["speaker"] if previous is not None else None
        return speaker if speaker is not None and speaker["label"] != "PERSON" else None
    if head in _ORG_DESCRIPTIONS:
        return _described(text, mentions.earlier(before), ("ORG", "GPE") if head in _CLUB_DESCRIPTIONS else ("ORG",))
    return None


def _described(text: str, earlier: list[dict[str, Any]], labels: tuple[str, ...]) -> dict[str, Any] | None:
    """The organisation a description refers to: the nearest earlier sentence subject with a label of ``labels``,
    else the nearest earlier mention with one (never the dateline's agency)."""
    dateline = dateline_end(text)
    after_dateline = [e for e in earlier if e["label"] in labels and e["start"] >= dateline]
    sents = sentences(text)  # cached per text; a mention starts a sentence when the sentence holding it starts there
    for mention in reversed(after_dateline):
        sent = sentence_of(sents, mention["start"])
        if sent is not None and sent.start == mention["start"]:
            return mention
    return after_dateline[-1] if after_dateline else None
