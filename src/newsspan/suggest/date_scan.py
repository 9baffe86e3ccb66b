"""Faster scanning for the date recognisers, with exactly ``re``'s matches.

:mod:`newsspan.suggest.dates` looks for a recogniser's pattern only in windows around the hits of a cheap
"key" pattern. These make that cheaper without changing a single match:

- :class:`Key`: the key's hits (``[m.span() for m in key.finditer(text)]``), found with a faster
  equivalent where ``re`` is slow (a case-insensitive word list is looked up in the lower-cased text;
  a ``\\b`` before a word is checked on the few hits instead of at every position);
- :func:`matches`: the list of ``pattern.finditer(text, lo, hi)``, with ``pattern.match`` tried
  only where a ``starts`` pattern finds, in the lower-cased text, the beginning of one of the strings a match must
  begin with (a long case-insensitive pattern costs about 0.5 µs per position tried; most positions cannot start
  one); :func:`starts_pattern` writes the strings as a trie (:func:`prefix_trie`);
- :func:`lower_twin`: a case-insensitive pattern written in lower case, without re.IGNORECASE, for the lower-cased
  text (``re`` compares case-sensitive word lists several times faster).

The lower-cased text stands for the text only where ``re.IGNORECASE`` and ``str.lower()`` agree: for a text
holding one of the four characters ``re`` folds onto an ASCII letter (``İ``, ``ı``, ``ſ``, the Kelvin sign;
``İ`` is also the one character whose lower case is longer; :func:`.matching.folds_onto_ascii`), ``re`` does all the
work. The tests compare both ways on random texts.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from .matching import is_word, trie_source

Spans = list[tuple[int, int]]



def leftmost(found: Sequence[tuple[int, int, int]]) -> Spans:
    """The hits ``re`` picks from an alternation: found ``(start, alternative's rank, end)`` of every alternative,
    scanned left to right, the first alternative (lowest rank) at each start, none overlapping the previous."""
    out: Spans = []
    last_end = -1
    for start, _, end in sorted(found):
        if start >= last_end:
            out.append((start, end))
            last_end = end
    return out


#: A key's fast finder: its hits in a text.
Finder = Callable[[str], Spans]


class Key:
    """A key pattern's hits: ``[m.span() for m in re.compile(source, flags).finditer(text)]``, found by ``find``
    when it is set, else by ``re``.

    ``re_when_folds``: ``find`` gives ``re``'s hits only for a text holding no character ``re`` folds onto ASCII
    (:func:`.matching.folds_onto_ascii`: it reads the lower-cased text for a case-insensitive pattern); for any
    other text ``re`` finds them.
    """

    def __init__(self, source: str, flags: int = 0, find: Finder | None = None, *, re_when_folds: bool = False):
        self.regex = re.compile(source, flags)
        self.pattern, self.flags = source, self.regex.flags  # as re.Pattern has them
        #: Written in lower case without re.IGNORECASE: the recognisers match it in the lower-cased text.
        self.lower_case = self.flags & re.IGNORECASE == 0 and source.islower()
        self.find = find
        self.re_when_folds = re_when_folds

    def spans(self, text: str, folds: bool) -> Spans:
        """The hits in ``text``; ``folds``: whether the document's text holds a character ``re`` folds onto ASCII."""
        if self.find is not None and not (folds and self.re_when_folds):
            return self.find(text)
        return [m.span() for m in self.regex.finditer(text)]


def word_start_hits(regex: re.Pattern[str]) -> Finder:
    """Hits of ``\\b(?:regex)`` for a ``regex`` of word-character literals none of which can start inside
    another's hit after a word character: ``regex``'s hits with a non-word character (or nothing) before."""
    def find(text: str) -> Spans:
        return [m.span() for m in regex.finditer(text) if m.start() == 0 or not is_word(text[m.start() - 1])]
    return find


class Vocabulary:
    """The occurrences of a fixed set of strings in a text (overlapping ones included), each looked up once per
    text with ``str.find``; a string holding a shorter one of the set is found among that one's occurrences.
    Keeps the lists of the last text asked about (several keys ask about the same text in turn)."""

    def __init__(self, words: Sequence[str]):
        self.words = tuple(dict.fromkeys(words))
        self.base: dict[str, tuple[str, int]] = {}  # word -> (shortest other word inside it, its offset)
        for word in self.words:
            inner = [(len(b), b) for b in self.words if b != word and b in word]
            if inner:
                base = min(inner)[1]
                self.base[word] = (base, word.index(base))
        self._text: str | None = None
        self._found: dict[str, list[int]] = {}

    def occurrences(self, text: str, word: str) -> list[int]:
        """Every offset where ``word`` (one of the set) occurs in ``text``, in order."""
        if text is not self._text:
            self._text, self._found = text, {}
        found = self._found.get(word)
        if found is None:
            if word in self.base:
                base, offset = self.base[word]
                found = [at - offset for at in self.occurrences(text, base)
                         if at >= offset and text.startswith(word, at - offset)]
            else:
                found = []
                at = text.find(word)
                while at >= 0:
                    found.append(at)
                    at = text.find(word, at + 1)
            self._found[word] = found
        return found

    def ranked(self, text: str, words: Sequence[str], rank: int = 0) -> list[tuple[int, int, int]]:
        """Every occurrence of each of ``words`` in ``text`` as ``(start, rank, end)`` for :func:`leftmost`;
        ranks follow the order of ``words`` from ``rank``."""
        return [(at, n, at + len(word)) for n, word in enumerate(words, rank) for at in self.occurrences(text, word)]

    def key(self, source: str) -> Key:
        """The :class:`Key` of ``source``, an alternation of strings of the set (``"year|month"``)."""
        words = tuple(source.split("|"))
        if not all(_PLAIN.fullmatch(word) and word in self.words for word in words):
            raise ValueError(f"not an alternation of the vocabulary's words: {source!r}")
        return Key(source, find=lambda text: leftmost(self.ranked(text, words)))


_PLAIN = re.compile(r"[a-z]+(?: [a-z]+)*")


#: One token of a ``starts`` alternative: an escape, a character class or a character (no group, no repeat but
#: ``?``), and its ``?``, if any.
_TOKEN = re.compile(r"(?:\\.|\[[^\]]*\]|[^\\\[()|?*+{])\??")


def prefix_trie(alternatives: list[str]) -> str:
    """Regex source matching at the same positions as ``(?:alt1|alt2|…)`` (alternatives without groups), with
    shared leading tokens factored out (``a(?:bout|round|t )``): ``re`` tries a few tokens at each position
    instead of every alternative. An alternative that another one starts with makes the longer one redundant
    (only where a match begins matters), so the longer one is left out (:func:`.matching.trie_source` writes it)."""
    token_lists = []
    for alt in alternatives:
        tokens = _TOKEN.findall(alt)
        if "".join(tokens) != alt:
            raise ValueError(f"prefix_trie: cannot read {alt!r}")
        token_lists.append(tokens)
    return trie_source(token_lists, starts_only=True)


def starts_pattern(alternatives: str) -> re.Pattern[str]:
    """``\\b(?:alternatives)`` for :func:`matches`, each alternative (``|``-separated, no groups) starting with a
    lower-case letter or ``\\d``; a look-ahead for their first characters lets ``re`` skip most positions fast,
    and the alternatives are written as a trie (:func:`prefix_trie`), so ``re`` tries a few at each position."""
    alts = alternatives.split("|")
    firsts = sorted({r"\d" if alt.startswith(r"\d") else alt[0] for alt in alts})
    if not all(first == r"\d" or first.islower() for first in firsts):
        raise ValueError(f"an alternative starts with neither a lower-case letter nor \\d: {alternatives!r}")
    return re.compile(r"\b(?=[" + "".join(firsts) + "])" + prefix_trie(alts))


def lower_twin(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """``pattern`` without re.IGNORECASE, for the lower-cased text, when it has the flag and its source is written
    in lower case (then the twin matches the lower-cased text where ``pattern`` matches the text, with the same
    group spans, for a text holding no character ``re`` folds onto ASCII: :mod:`.matching`), else None.
    ``re`` compares case-sensitive words several times faster."""
    source = pattern.pattern.replace("(?P<", "(?:<")
    if not pattern.flags & re.IGNORECASE or source != source.lower():
        return None
    return re.compile(pattern.pattern, pattern.flags & ~re.IGNORECASE)


def matches(pattern: re.Pattern[str], starts: re.Pattern[str] | None, text: str, low: str | None,
            lo: int, hi: int) -> list[re.Match[str]]:
    """The list of ``pattern.finditer(text, lo, hi)``, with ``pattern.match`` tried only where ``starts`` matches in
    ``low``.

    ``starts`` must match (case-sensitively, in the lower-cased text, within ``hi``) at every position where
    ``pattern`` can match, and ``pattern`` must never match the empty string.
    """
    if starts is None or low is None:
        return list(pattern.finditer(text, lo, hi))
    search, match = starts.search, pattern.match
    found: list[re.Match[str]] = []
    pos = lo
    while (candidate := search(low, pos, hi)) is not None:
        at = candidate.start()
        hit = match(text, at, hi)
        if hit is None:
            pos = at + 1
        else:
            found.append(hit)
            end = hit.end()
            pos = end if end > at else at + 1
    return found
