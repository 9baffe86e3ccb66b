"""Faster matching of cue-word regular expressions (``\\b(?:said|told|…)\\b``), with re's exact matches.

Under ``re.IGNORECASE``, ``re`` compares every alternative of a long word list at every position of the text
case-insensitively, which makes a 40-word cue list cost about 15 µs per sentence. :func:`cue_pattern` reads
the same source into a :class:`CuePattern` whose :meth:`CuePattern.search` first decides from the text's
words whether a match exists (a set lookup for each one-word alternative, ``str.find`` for each
several-word one, ``re`` only for what is not a fixed string such as ``\\w+est``) and asks ``re`` for the
match only then; :meth:`CuePattern.finditer` lets ``re`` try only where an alternative starts. The
matches are those of ``re``:

- the alternatives are read from ``re``'s own parse of the source (``re._parser``); each alternative that
  spells a finite set of strings is looked up, with a ``\\b`` before or after it where the source has
  one, the others stay a regular expression (the alternatives match somewhere iff one of them does);
- with ``re.IGNORECASE``, the lookup compares the lower-cased text with the ASCII alternatives; a text
  holding one of the four characters ``re`` folds onto an ASCII letter (``İ``, ``ı``, ``ſ``, the Kelvin
  sign) is given to ``re`` as it is;
- a source this module cannot read (back-references, inline flags, ...) is left to ``re`` unchanged.

Case-sensitive word lists gain little or nothing (``re`` is fast there); the suggesters use this for the
case-insensitive lists only, and where a measurement showed a gain.

For a case-sensitive word list scanned over a whole text, :func:`word_trie` writes the alternation as a trie
(``s(?:aid|ay(?:s|))``): the same matches between ``\\b``, found about three times faster by ``re`` itself.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any

try:  # Python 3.11+
    from re import _constants as _c
    from re import _parser as _p
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _p  # type: ignore[no-redef]

_TOKEN = re.compile(r"\w+")
#: The non-ASCII characters ``re.IGNORECASE`` matches to an ASCII letter (İ ı ſ K: checked by the tests);
#: str.lower() of every other character is the same length and never ASCII.
_FOLDS_ONTO_ASCII = re.compile("[\u0130\u0131\u017f\u212a]")
#: Most strings one alternative may expand to (``colou?r`` is two); beyond it the alternative stays a regex.
_MAX_EXPANSION = 256


def is_word(ch: str) -> bool:
    """``re``'s ``\\w`` for one character of a str pattern."""
    return ch.isalnum() or ch == "_"


def folds_onto_ascii(text: str) -> bool:
    """True when ``text`` holds a character ``re.IGNORECASE`` matches to an ASCII letter other than its own case
    (then ``str.lower()`` does not give what ``re`` compares: ask ``re``)."""
    return not text.isascii() and _FOLDS_ONTO_ASCII.search(text) is not None


class _Words:
    """What every pattern asks of one text, computed once: its lower-cased form and its set of words."""

    __slots__ = ("folded", "low", "text", "words")

    def __init__(self, text: str):
        self.text = text
        #: False when ``re`` may fold a letter of the text onto an ASCII one that str.lower() does not: ask ``re``.
        self.folded = not folds_onto_ascii(text)
        self.low = text.lower() if self.folded else text
        self.words = frozenset(_TOKEN.findall(self.low)) if self.folded else frozenset()


_last: list[Any] = [None]


def _words_of(text: str) -> _Words:
    """The :class:`_Words` of ``text``, kept for the next pattern asking about the same text."""
    cached = _last[0]
    if cached is not None and (cached.text is text or cached.text == text):
        return cached
    words = _Words(text)
    _last[0] = words
    return words


class CuePattern:
    """A compiled cue pattern: :meth:`search` and :meth:`finditer` give ``re``'s matches, found faster."""

    def __init__(self, source: str, flags: int = 0):
        self.regex = re.compile(source, flags)
        self.pattern, self.flags = source, self.regex.flags  # as re.Pattern has them
        self.ignorecase = bool(self.flags & re.IGNORECASE)
        self.single: frozenset[str] = frozenset()  # one-word alternatives with \b both sides: a set lookup
        self.heads: dict[str, list[tuple[str, bool]]] = {}  # first word -> \b-started alternatives (end bounded?)
        self.loose: list[tuple[str, bool, bool]] = []  # other alternatives: str.find (bounded start, end)
        self.rest: re.Pattern[str] | None = self.regex  # what stays a regex (all of it until read)
        self.firsts: frozenset[str] = frozenset()
        if self.flags & (re.ASCII | re.LOCALE):
            return
        try:
            literals, residual = _split(_p.parse(source, flags))
            rest = re.compile("|".join(_unparse(seq) for seq in residual), self.flags) if residual else None
        except _Unsupported:
            return
        single, heads, loose = set(), {}, []
        for phrase, start_bound, end_bound in literals:
            phrase = phrase.lower() if self.ignorecase else phrase
            if self.ignorecase and not phrase.isascii():
                return  # re's case folding of non-ASCII letters is not str.lower(): keep the regex
            head = _TOKEN.match(phrase)
            whole = head is not None and head.end() == len(phrase)
            if start_bound and whole and end_bound:
                single.add(phrase)
            elif start_bound and head is not None and not whole:
                heads.setdefault(head.group(), []).append((phrase, end_bound))
            else:
                loose.append((phrase, start_bound, end_bound))
        self.single, self.heads, self.loose, self.rest = frozenset(single), heads, loose, rest
        self.firsts = self.single | frozenset(heads)  # words an alternative can start with

    def _low(self, text: str) -> str | None:
        """The text as the literals are compared with it (lower-cased under IGNORECASE), or None when only ``re``
        can tell (a letter ``re`` folds onto ASCII, or a pattern this module cannot read)."""
        if self.rest is self.regex:
            return None
        if not self.ignorecase:
            return text
        words = _words_of(text)
        return words.low if words.folded else None

    def search(self, text: str) -> re.Match[str] | None:
        """``re.search(pattern, text)``: the match is looked for with ``re`` only once it is known to exist."""
        return self.regex.search(text) if self.holds(text) else None

    def holds(self, text: str) -> bool:
        """True when ``re.search`` would find a match in ``text``."""
        low = self._low(text)
        if low is None:
            return self.regex.search(text) is not None
        found = _words_of(text).words if self.ignorecase else frozenset(_TOKEN.findall(text))
        if not found.isdisjoint(self.single):
            return True
        for head in found.intersection(self.heads):
            if any(_occurs(text, low, phrase, True, end) for phrase, end in self.heads[head]):
                return True
        if any(_occurs(text, low, phrase, start, end) for phrase, start, end in self.loose):
            return True
        return self.rest is not None and self.rest.search(text) is not None

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """``re.finditer(pattern, text)``: ``re`` tries only where an alternative's words start."""
        low = None if self.rest is not None else self._low(text)
        if low is None:
            yield from self.regex.finditer(text)
            return
        starts: set[int] = set()
        if self.single or self.heads:
            firsts = self.firsts
            starts.update(m.start() for m in _TOKEN.finditer(low) if m.group() in firsts)
        for phrase, _, _ in self.loose:
            at = low.find(phrase)
            while at >= 0:
                starts.add(at)
                at = low.find(phrase, at + 1)
        last_end = 0
        for at in sorted(starts):
            if at >= last_end:
                m = self.regex.match(text, at)
                if m is not None:
                    last_end = m.end()
                    yield m


def cue_pattern(source: str, flags: int = 0) -> CuePattern:
    """A :class:`CuePattern` of ``source``: ``cue_pattern(r"\\b(?:said|told)\\b", re.I).search(text)``."""
    return CuePattern(source, flags)


def _occurs(text: str, low: str, phrase: str, start_bound: bool, end_bound: bool) -> bool:
    """True when ``phrase`` occurs in ``low`` with a ``\\b`` before and after it where asked (for a phrase
    starting and ending with a word character; word characters are read in ``text``)."""
    at = low.find(phrase)
    size = len(phrase)
    while at >= 0:
        end = at + size
        if (not start_bound or at == 0 or not is_word(text[at - 1])) and (
                not end_bound or end == len(text) or not is_word(text[end])):
            return True
        at = low.find(phrase, at + 1)
    return False


class _Unsupported(ValueError):
    """A construct this module does not translate (the pattern then stays a plain regex)."""


def _split(parsed: Any) -> tuple[list[tuple[str, bool, bool]], list[list[Any]]]:
    """The literal alternatives of a parsed pattern, each ``(string, \\b before, \\b after)``, and the other
    alternatives (as parses). A ``\\b`` is kept only next to a word character, where it means "no word
    character on the other side"."""
    items = list(parsed)
    if len(items) == 1 and items[0][0] is _c.BRANCH:
        literals, residual = [], []
        for alternative in items[0][1][1]:
            more, rest = _split(alternative)
            literals += more
            residual += rest
        return literals, residual
    boundary = (_c.AT, _c.AT_BOUNDARY)
    start_bound = bool(items) and items[0] == boundary
    end_bound = len(items) > start_bound and items[-1] == boundary
    middle = items[start_bound:len(items) - end_bound]
    alternatives = middle[0][1][1] if len(middle) == 1 and middle[0][0] is _c.BRANCH else [middle]
    literals, residual = [], []
    for alternative in alternatives:
        strings = _expand(list(alternative))
        if strings is None or not all(s and (not start_bound or is_word(s[0])) and (not end_bound or is_word(s[-1]))
                                      for s in strings):
            residual.append([boundary] * start_bound + [(_c.SUBPATTERN, (None, 0, 0, list(alternative)))]
                            + [boundary] * end_bound)
        else:
            literals += [(string, start_bound, end_bound) for string in strings]
    return literals, residual


def _expand(items: list[Any]) -> list[str] | None:
    """Every string a sequence of parse items matches, or None when it is not a small finite set."""
    strings = [""]
    for op, av in items:
        if op is _c.LITERAL:
            options = [chr(av)]
        elif op is _c.IN and all(o is _c.LITERAL for o, _ in av):
            options = [chr(v) for _, v in av]
        elif op is _c.BRANCH:
            options = []
            for alternative in av[1]:
                more = _expand(list(alternative))
                if more is None:
                    return None
                options += more
        elif op is _c.SUBPATTERN and not av[1] and not av[2]:  # a group: only whether it matches counts
            options = _expand(list(av[3]))
            if options is None:
                return None
        elif op in (_c.MAX_REPEAT, _c.MIN_REPEAT) and av[0] == 0 and av[1] == 1:
            inner = _expand(list(av[2]))
            if inner is None:
                return None
            options = ["", *inner]
        else:
            return None
        strings = [s + o for s in strings for o in options]
        if len(strings) > _MAX_EXPANSION:
            return None
    return strings


_CATEGORIES = {_c.CATEGORY_DIGIT: r"\d", _c.CATEGORY_NOT_DIGIT: r"\D", _c.CATEGORY_SPACE: r"\s",
               _c.CATEGORY_NOT_SPACE: r"\S", _c.CATEGORY_WORD: r"\w", _c.CATEGORY_NOT_WORD: r"\W"}
_ATS = {_c.AT_BOUNDARY: r"\b", _c.AT_NON_BOUNDARY: r"\B", _c.AT_BEGINNING: "^", _c.AT_END: "$",
        _c.AT_BEGINNING_STRING: r"\A", _c.AT_END_STRING: r"\Z"}


def _unparse(items: list[Any]) -> str:
    """Regex source for a sequence of parse items (the constructs the cue patterns use)."""
    return "".join(_unparse_item(op, av) for op, av in items)


def _unparse_item(op: Any, av: Any) -> str:
    if op is _c.LITERAL:
        return re.escape(chr(av))
    if op is _c.NOT_LITERAL:
        return "[^" + _class_char(av) + "]"
    if op is _c.ANY:
        return "."
    if op is _c.AT and av in _ATS:
        return _ATS[av]
    if op is _c.IN:
        return _unparse_class(av)
    if op is _c.BRANCH:
        return "(?:" + "|".join(_unparse(list(alt)) for alt in av[1]) + ")"
    if op is _c.SUBPATTERN and not av[1] and not av[2]:
        return "(?:" + _unparse(list(av[3])) + ")"
    if op in (_c.MAX_REPEAT, _c.MIN_REPEAT):
        low, high, inner = av
        bound = "{" + str(low) + "," + ("" if high is _c.MAXREPEAT else str(high)) + "}"
        return "(?:" + _unparse(list(inner)) + ")" + bound + ("?" if op is _c.MIN_REPEAT else "")
    if op in (_c.ASSERT, _c.ASSERT_NOT):
        direction, inner = av
        kind = ("=" if op is _c.ASSERT else "!") if direction == 1 else ("<=" if op is _c.ASSERT else "<!")
        return "(?" + kind + _unparse(list(inner)) + ")"
    raise _Unsupported(op)


def _class_char(value: int) -> str:
    return re.escape(chr(value)).replace("]", r"\]")


def _unparse_class(items: Any) -> str:
    parts = []
    for op, av in items:
        if op is _c.NEGATE:
            parts.insert(0, "^")
        elif op is _c.LITERAL:
            parts.append(_class_char(av))
        elif op is _c.RANGE:
            parts.append(_class_char(av[0]) + "-" + _class_char(av[1]))
        elif op is _c.CATEGORY and av in _CATEGORIES:
            parts.append(_CATEGORIES[av])
        else:
            raise _Unsupported(op)
    return "[" + "".join(parts) + "]"


def word_trie(words: Iterable[str]) -> str:
    """Regex source matching the same as ``(?:w1|w2|…)`` between two ``\\b``, with the words shared prefixes
    factored out (``s(?:aid|ay(?:s|))``): ``re`` then tries a few letters at each position instead of every word.

    ``\\b(?:said|says|…)\\b`` and ``\\b`` + ``word_trie(…)`` + ``\\b`` find the same matches when at most one word
    can match at a position, which holds unless a word is another one followed by a non-word character
    ("pointed" and "pointed out"): such lists raise ValueError. Words must start and end with a word character.
    """
    words = list(dict.fromkeys(words))
    for word in words:
        if not word or not (is_word(word[0]) and is_word(word[-1])):
            raise ValueError(f"word_trie: {word!r} does not start and end with a word character")
        for other in words:
            if other != word and other.startswith(word) and not is_word(other[len(word)]):
                raise ValueError(f"word_trie: {word!r} and {other!r} may both match at one position")
    tree: dict[str, Any] = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}
    return _trie_source(tree)


def _trie_source(node: dict[str, Any]) -> str:
    alternatives = [re.escape(ch) + _trie_source(child) if ch else "" for ch, child in node.items()]
    return alternatives[0] if len(alternatives) == 1 else "(?:" + "|".join(alternatives) + ")"


@lru_cache(maxsize=256)
def _cached(source: str, flags: int) -> CuePattern:
    return CuePattern(source, flags)


def search(source: str, text: str, flags: int = 0) -> re.Match[str] | None:
    """``re.search(source, text, flags)`` through a cached :class:`CuePattern` (a drop-in replacement)."""
    return _cached(source, flags).search(text)
