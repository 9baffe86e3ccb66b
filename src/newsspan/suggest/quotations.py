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
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from .common import Sentence, make_span, provenance, sentence_of, sentences, subspan, word_set

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
_SPOKESPEOPLE = word_set("spokesman spokeswoman spokesperson official officials representative source sources "
                         "ministry office embassy department")
_OPEN_CLOSE = {"“": "”", "\"": "\"", "«": "»", "„": "“"}
_SOURCE_STOP = re.compile(r"[,;:“”\"«»()\[\]]|\b(?:and|but|while|as|then|which|who|that|when|where|because)\b")


@dataclass
class Quoted:
    """A stretch between quotation marks: offsets of the content (marks excluded)."""

    start: int
    end: int

    def words(self, text: str) -> int:
        return len(text[self.start:self.end].split())


def quoted_stretches(text: str) -> list[Quoted]:
    """Top-level quoted stretches per paragraph: double marks (single marks only in texts without them)."""
    found: list[Quoted] = []
    doubles = any(mark in text for mark in "“\"«„")
    pairs = _OPEN_CLOSE if doubles else {"‘": "’", "'": "'"}
    opening = re.compile("[" + re.escape("".join(pairs)) + "]")
    for para in re.finditer(r"[^\n]+", text):
        i, end = para.start(), para.end()
        while True:
            hit = opening.search(text, i, end)
            if hit is None:
                break
            i = hit.start()
            if not _opens(text, i):
                i += 1
                continue
            close = _closing(text, i + 1, end, pairs[text[i]])
            if close is None:  # an opening mark without a closing one: a quotation running to the paragraph's end
                found.append(Quoted(i + 1, end))
                break
            found.append(Quoted(i + 1, close))
            i = close + 1
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


def _trim_source(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The subject noun phrase in text[start:end]: after the last clause break, without leading connectives."""
    segment = text[start:end]
    cut = 0
    for m in _SOURCE_STOP.finditer(segment):
        cut = m.end()
    piece = segment[cut:]
    if not piece.strip() and segment.rstrip().endswith(","):  # "Its president, Tariq Mehmood, said": an apposition
        end = start + len(segment.rstrip()) - 1
        segment, cut = text[start:end], 0
        for m in _SOURCE_STOP.finditer(segment):
            if m.group() != ",":
                cut = m.end()
        piece = segment[cut:]
    lead = re.match(r"\s*(?:(?:and|but|so|also|then|however|meanwhile|later|separately)\b\s*)*", piece)
    offset = start + cut + (lead.end() if lead else 0)
    piece = text[offset:end]
    trailing = re.search(r"\s*(?:(?:also|further|later|then|again|earlier|previously|has|have|had|had also|"
                         r"once|recently)\s*)+$", piece)
    if trailing:
        piece = piece[:trailing.start()]
    words = piece.split()
    if not words or len(words) > 12:
        return None
    new_start = offset + (len(piece) - len(piece.lstrip()))
    new_end = offset + len(piece.rstrip())
    return (new_start, new_end) if new_end > new_start else None


def _after(text: str, end: int, limit: int) -> Attribution | None:
    """Attribution after a closing mark: "…,” X said", "…,” said X", "…,” read the statement", "…,” X told Y"."""
    tail = text[end:limit]
    m = re.match(r"[”\"»’']?\s*[,.?!]?\s*[”\"»’']?\s*", tail)
    if m is None:
        return None
    rest_start = end + m.end()
    rest = text[rest_start:limit]
    cue = _CUE.search(rest[:80])
    if cue is None:
        return None
    before = rest[:cue.start()]
    if before.strip() and (len(before.split()) > 10 or re.search(r"[.;:“\"]", before)):
        return None
    cue_span = (rest_start + cue.start(), rest_start + cue.end())
    if before.strip():
        return Attribution(cue_span, _trim_source(text, rest_start, cue_span[0]))
    after = rest[cue.end():]
    noun = re.match(r"\s*((?:[^,.;:!?“”\"(]|\.(?=\w))+)", after)
    if not noun:
        return Attribution(cue_span, None)
    phrase = noun.group(1)
    phrase = re.split(r"\b(?:on|in|at|during|after|before|while|when|adding|referring|as|who|which|that)\b",
                      phrase)[0]
    source = _trim_source(text, cue_span[1], cue_span[1] + len(re.match(r"\s*", after).group()) + len(phrase.strip()))
    return Attribution(cue_span, source)


_BEFORE = re.compile(r"(?:(?P<according>[Aa]ccording to)\s+(?P<asource>[^,:“\"]{2,80}?)\s*,\s*$|"
                     r"(?P<cue>\b(?:" + CUE_VERBS + r")\b)(?P<obj>\s+(?:\w+\s+){0,3}?)?\s*(?:[:,]|that)?\s*$)")


_COLON = re.compile(r"^\s*(?P<source>(?:[A-Z][\w’'.-]*\s+){0,4}[A-Z][\w’'.-]*)\s*(?P<colon>:)\s*$")


def _before(text: str, start: int, sent: Sentence) -> Attribution | None:
    """Attribution before an opening mark: "X said: “…”", "X told reporters, “…”", "According to X, “…”"."""
    head_end = start - 1
    head = text[sent.start:head_end]
    if not head.strip() and sent.start > 0:  # a quotation on its own line after "X said:" on the line before
        previous = text[:sent.start].rstrip()
        if previous.endswith(":"):
            line_start = previous.rfind("\n") + 1
            sentence_start = max(line_start, *(m.end() for m in re.finditer(r"[.!?]\s+", previous[:-1])), 0)
            return _before(text, len(previous) + 1, Sentence(sentence_start, len(previous)))
    colon = _COLON.search(head)
    if colon:
        return Attribution((sent.start + colon.start("colon"), sent.start + colon.end("colon")),
                           (sent.start + colon.start("source"), sent.start + colon.end("source")))
    m = _BEFORE.search(head)
    if m is None:
        return None
    if m["according"]:
        cue = (sent.start + m.start("according"), sent.start + m.end("according"))
        return Attribution(cue, _trim_source(text, sent.start + m.start("asource"), sent.start + m.end("asource")))
    obj = m["obj"] or ""
    if obj.strip() and not re.fullmatch(r"\s*(?:(?:the|a|an|his|her|their|our|local)\s+)?(?:reporters|journalists|"
                                        r"media|press|newsmen|the\s+media|\w+)\s*", obj):
        return None
    cue = (sent.start + m.start("cue"), sent.start + m.end("cue"))
    return Attribution(cue, _trim_source(text, sent.start, cue[0]))


def _indirect(text: str, sent: Sentence, taken: list[tuple[int, int]]) -> Iterator[dict[str, Any]]:
    """Indirect (or mixed) quotations: "X said (that) CLAUSE", "CLAUSE, according to X", "According to X, CLAUSE"."""
    body = text[sent.start:sent.end]
    final = len(body.rstrip(".!?…"))
    acc = re.search(r",\s*(according to)\s+([^,.;]+?)\s*[.;]?\s*$", body)
    if acc:
        content = (sent.start, sent.start + acc.start())
        source = (sent.start + acc.start(2), sent.start + acc.end(2))
        yield _item(text, content, (sent.start + acc.start(1), sent.start + acc.end(1)), source, taken)
        return
    acc = re.match(r"\s*(According to)\s+([^,]+?),\s*", body)
    if acc:
        content = (sent.start + acc.end(), sent.start + final)
        yield _item(text, content, (sent.start + acc.start(1), sent.start + acc.end(1)),
                    (sent.start + acc.start(2), sent.start + acc.end(2)), taken)
        return
    trailing = _TRAILING.match(body)
    if trailing and not re.search(r"[“\"]", trailing["content"]):
        yield _item(text, (sent.start + trailing.start("content"), sent.start + trailing.end("content")),
                    (sent.start + trailing.start("cue"), sent.start + trailing.end("cue")),
                    (sent.start + trailing.start("source"), sent.start + trailing.end("source")), taken)
        return
    praise = _NP_OBJECT.search(body)
    if praise and any(sent.start + praise.end() <= s < sent.end for s, _ in taken):
        source = _trim_source(text, sent.start, sent.start + praise.start("cue"))
        if source is not None:
            yield _item(text, (sent.start + praise.end(), sent.start + final),
                        (sent.start + praise.start("cue"), sent.start + praise.end("cue")), source, taken, "mixed")
            return
    for cue in _CUE.finditer(body):
        word = cue.group()
        if word not in CLAUSE_CUES:
            continue
        after = body[cue.end():]
        obj = (_TOLD_OBJECT if word in ("told", "informed", "assured") else _NO_OBJECT).match(after)
        clause_start = cue.end() + (obj.end() if obj else 0)
        has_that = bool(obj and obj["that"])
        if word == "told" and not has_that:
            continue
        rest = body[clause_start:final]
        if not has_that and not _looks_like_clause(rest):
            continue
        source = _trim_source(text, sent.start, sent.start + cue.start())
        if source is None:
            continue
        yield _item(text, (sent.start + clause_start, sent.start + final),
                    (sent.start + cue.start(), sent.start + cue.end()), source, taken)
        return


#: "CLAUSE, SOURCE said (on Monday)." — an attribution after the reported clause, without quotation marks.
_TRAILING = re.compile(r"\s*(?P<content>.{12,}?),\s+(?P<source>(?:[\w’'.-]+\s+){0,7}?[\w’'.-]+)\s+"
                       r"(?P<cue>said|says|added|announced|noted|stated|reported|confirmed|told\s+\w+|wrote)"
                       r"(?:\s+(?:on|in|at|late|earlier|this|last|after|during|yesterday|today|tonight|tomorrow)\b"
                       r"[^,]*)?\s*[.!]?\s*$")
#: Speech verbs with a noun-phrase object ("lauded X as “…”", "called it “…”"): mixed only with a quoted fragment (§Q7).
_NP_OBJECT = re.compile(r"\b(?P<cue>lauded|praised|described|called|termed|hailed|dubbed|branded|labelled|"
                        r"labeled|criticised|criticized|condemned|highlighted|welcomed)\s+")
_TOLD_OBJECT = re.compile(r"\s+(?:(?:the\s+|a\s+|his\s+|her\s+|their\s+)?(?:reporters|journalists|media|press|"
                          r"newsmen|parliament|lawmakers|the\s+house|the\s+assembly|him|her|them|us|[A-Z]\w+"
                          r"(?:\s+[A-Z]\w+)*)\s+)?(?:(?:on|in)\s+\w+\s+)?(?P<that>that\s+)?")
_NO_OBJECT = re.compile(r"\s+(?:(?:on|in)\s+\w+\s+)?(?P<that>that\s+)?")


def _looks_like_clause(rest: str) -> bool:
    """A reported clause without "that": a subject followed by a finite verb within a few words (§Q7)."""
    if not rest.strip() or rest.lstrip()[:1] in "“\"":
        return False
    return bool(re.match(r"\s*(?:\S+\s+){0,8}?(?:will|would|is|are|was|were|has|have|had|could|can|should|"
                         r"must|may|might|did|does|do|\w+ed|\w+s)\b", rest)) and not re.match(
        r"\s*(?:the|a|an|his|her|their|its)\s+(?:significance|importance|need|role|efforts?|contribution)", rest)


def _item(text: str, content: tuple[int, int], cue: tuple[int, int] | None, source: tuple[int, int] | None,
          taken: list[tuple[int, int]], form: str = "indirect") -> dict[str, Any]:
    start, end = content
    while end > start and text[end - 1] in ".,;: ":
        end -= 1
    span = make_span(text, start, end, form=form, source=None if source is None else subspan(text, *source),
                     cue=None if cue is None else subspan(text, *cue), speaker=None)
    if any(span["start"] < e and s < span["end"] for s, e in taken):
        span["form"] = "mixed"
    return span


def suggest_quotations(text: str, entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quotation suggestions in text order; ``speaker`` holds the entity dict (or None)."""
    sents = sentences(text)
    quotations: list[dict[str, Any]] = []
    quoted = quoted_stretches(text)
    spans = [_content(text, q) for q in quoted]
    used_sentences: set[int] = set()
    for q, (start, end) in zip(quoted, spans, strict=True):
        if end <= start:
            continue
        sent = sentence_of(sents, start) or Sentence(start, end)
        last = sentence_of(sents, max(start, end - 1)) or sent
        after = _after(text, q.end, min(len(text), _paragraph_end(text, q.end)))
        before = _before(text, q.start, sent)
        opens_sentence = not text[sent.start:max(sent.start, q.start - 1)].strip()
        closes = text[q.end + 1:last.end].strip(" .!?,;”\"’»'") == ""
        if not ((opens_sentence or before) and (closes or after)):
            continue  # a fragment inside a sentence: mixed quotations come from the indirect rules below
        if len(text[start:end].split()) < 3 and not (before or after):
            continue
        attribution = after or before
        source = attribution.source if attribution else None
        cue = attribution.cue if attribution else None
        item = make_span(text, start, end, form="direct", source=None if source is None else subspan(text, *source),
                         cue=None if cue is None else subspan(text, *cue), speaker=None)
        item["_confidence"] = 0.9 if attribution and attribution.cue else 0.6
        quotations.append(item)
        used_sentences.update({sent.start, last.start})
    quotations += _nested(text, quotations)
    taken = [(q.start, q.end) for q in quoted]
    for sent in sents:
        if sent.start in used_sentences:
            continue
        for item in _indirect(text, sent, taken):
            if item["end"] > item["start"] and len(item["text"].split()) >= 3:
                item["_confidence"] = 0.7 if item["form"] == "indirect" else 0.75
                quotations.append(item)
    quotations.sort(key=lambda s: s["start"])
    _link_speakers(text, quotations, entities)
    for item in quotations:
        item["provenance"] = provenance("quotations")
        item["confidence"] = item.pop("_confidence")
    return quotations


_INNER = re.compile(r"(?P<cue>\b(?:" + CUE_VERBS + r")\b)(?:\s+(?:me|us|him|her|them|reporters))?,?\s*"
                    r"[‘'](?P<body>[^’']{3,}?)[’'](?!\w)")


def _nested(text: str, quotations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Quotations inside direct quotations: "…they told me, ‘Give us the data’…" (§Q9)."""
    found = []
    for outer in list(quotations):
        for m in _INNER.finditer(outer["text"]):
            base = outer["start"]
            start, end = base + m.start("body"), base + m.end("body")
            while end > start and text[end - 1] in ",":
                end -= 1
            source = _trim_source(text, base, base + m.start("cue"))
            item = make_span(text, start, end, form="direct", source=None if source is None else subspan(text, *source),
                             cue=subspan(text, base + m.start("cue"), base + m.end("cue")), speaker=None)
            item["_confidence"] = 0.6
            found.append(item)
    return found


def _paragraph_end(text: str, offset: int) -> int:
    end = text.find("\n", offset)
    return len(text) if end < 0 else end


def _link_speakers(text: str, quotations: list[dict[str, Any]], entities: list[dict[str, Any]]) -> None:
    """Each quotation's speaker: the entity in its source, else the referent of a pronoun or description."""
    previous: dict[str, Any] | None = None
    for item in quotations:
        source = item["source"]
        speaker = None
        if source is not None:
            inside = [e for e in entities if source["start"] <= e["start"] and e["end"] <= source["end"]]
            speaker = _best(inside)
            if speaker is None:
                speaker = _referent(text, source, entities, previous, before=source["start"])
        elif previous is not None:
            speaker = previous["speaker"]
        item["speaker"] = speaker
        previous = item


def _best(inside: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The speaker among the names in a source: a person, else an organisation, else a place."""
    for labels in (("PERSON",), ("ORG",), ("GPE", "NORP")):
        found = [e for e in inside if e["label"] in labels]
        if found:
            return max(found, key=lambda e: e["end"] - e["start"]) if labels != ("PERSON",) else found[-1]
    return None


def _referent(text: str, source: dict[str, Any], entities: list[dict[str, Any]], previous: dict[str, Any] | None,
              before: int) -> dict[str, Any] | None:
    """The nearest earlier mention a pronoun or description refers to (§Q8, §Q12)."""
    words = source["text"].lower().replace("’s", "").replace("'s", "").split()
    head = words[-1] if words else ""
    earlier = [e for e in entities if e["end"] <= before]
    if head in PRONOUNS or (words and words[0] in ("his", "her", "its", "their")):
        pronoun = head if head in PRONOUNS else words[0]
        if pronoun in ("they", "we", "you", "i", "them"):
            return None
        labels = ("ORG", "GPE") if pronoun in ("it", "its", "their") else ("PERSON",)
        found = [e for e in earlier if e["label"] in labels]
        return found[-1] if found else None
    for word in reversed(words):
        if word in ("the", "of", "a", "an", "in", "and", "for"):
            continue
        orgs = [e for e in earlier if e["label"] == "ORG" and word in e["text"].lower().split()]
        if orgs:
            return orgs[-1]
    people = [e for e in earlier if e["label"] == "PERSON" and e["text"].split()[-1].lower() in words]
    if people:
        return people[-1]
    if head in _DESCRIPTION_DOCS or head in _SPOKESPEOPLE:
        return previous["speaker"] if previous is not None else None
    return None
