"""Phrase tables: the matches spaCy's EntityRuler (ORTH phrase patterns) would find, without making a Doc.

spaCy's tokenizer cuts a text at whitespace into chunks and splits each chunk on its own (affixes,
special cases): the tokens of a chunk depend on the chunk alone. A :class:`PhraseTable` keeps the
pattern phrases as a trie of spaCy tokens and tokenises only the chunks where a pattern can start,
with a per-chunk cache, so a document costs a ``str.split`` and a few dictionary look-ups instead of
a full tokenisation. :func:`matches` returns the same ``(label, start_char, end_char)`` as the
EntityRuler, in its order (longest in tokens first, then by start). A table whose patterns contain
whitespace tokens, or whose token sequences carry two labels, is not ``exact``: use the EntityRuler then.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from itertools import accumulate, compress
from typing import Any

from .common import NON_SPACE

#: Bound on each per-process cache of pieces and chunk tokenisations (cleared when exceeded; ~0.7 kB an entry).
CACHE_LIMIT = 20_000

Node = tuple[dict[str, Any], list[str]]  # children by token, labels of the phrase ending here


class PhraseTable:
    """Phrases tokenised by a spaCy tokenizer, matched over texts as the EntityRuler's PhraseMatcher does."""

    def __init__(self, nlp: Any, patterns: Iterable[tuple[str, str]]):
        self.nlp = nlp
        self.root: dict[str, Node] = {}
        self.exact = True
        self._chunks: dict[str, tuple[tuple[int, str], ...]] = {}
        self._starts: dict[str, tuple[tuple[int, int, int, str], ...]] = {}
        self._with_start: set[str] = set()
        for phrase, label in patterns:
            self._add(tuple(token.text for token in nlp.make_doc(phrase)), label)
        self._pieces, self._lower_roots = _piece_finder(self.root)

    def _add(self, tokens: tuple[str, ...], label: str) -> None:
        """Put one token sequence into the trie (an empty one matches nothing, as in spaCy)."""
        if not tokens:
            return
        if any(token.isspace() for token in tokens):
            self.exact = False
        children: dict[str, Node] = self.root
        node: Node | None = None
        for token in tokens:
            node = children.setdefault(token, ({}, []))
            children = node[0]
        assert node is not None
        if label not in node[1]:
            node[1].append(label)
            self.exact = self.exact and len(node[1]) == 1

    def tokens(self, chunk: str) -> tuple[tuple[int, str], ...]:
        """(offset, text) of the spaCy tokens of one whitespace-free chunk (cached)."""
        found = self._chunks.get(chunk)
        if found is None:
            if len(self._chunks) > CACHE_LIMIT:
                self._chunks.clear()
            found = self._chunks[chunk] = tuple((t.idx, t.text) for t in self.nlp.tokenizer(chunk))
        return found

    def _piece_starts(self, piece: str) -> tuple[tuple[int, int, int, str], ...]:
        """Where a phrase may start in a space-free piece: (chunk offset, token index, token offset, token)."""
        found = []
        for chunk in NON_SPACE.finditer(piece):
            for index, (offset, token) in enumerate(self.tokens(chunk.group())):
                if token in self.root:
                    found.append((chunk.start(), index, chunk.start() + offset, token))
        return tuple(found)

    def _candidates(self, text: str) -> Iterator[tuple[int, int, int, str]]:
        """(chunk start, token index, token start, token) of each token of ``text`` that starts a phrase.

        A token is part of the text, so a piece (a stretch between single spaces) can hold a phrase's first token
        only when it holds that token's first character: the pieces with one of those characters are found by one
        regex scan, unless a first token opens with an ASCII lower-case letter (a common one: every piece is read).
        """
        if any(root in text for root in self._lower_roots):
            yield from self._candidates_of_all_pieces(text)
            return
        starts_of = self._starts
        for m in self._pieces.finditer(text):
            piece = m.group()
            starts = starts_of.get(piece)
            if starts is None:
                if len(starts_of) > CACHE_LIMIT:
                    starts_of.clear()
                    self._with_start.clear()
                starts = starts_of[piece] = self._piece_starts(piece)
                if starts:
                    self._with_start.add(piece)
            base = m.start()
            for chunk, index, offset, token in starts:
                yield base + chunk, index, base + offset, token

    def _candidates_of_all_pieces(self, text: str) -> Iterator[tuple[int, int, int, str]]:
        """What :meth:`_candidates` gives, from every piece of ``text`` (each looked up in a per-piece cache)."""
        pieces = text.split(" ")
        unique = set(pieces)
        new = unique.difference(self._starts)
        if new:
            if len(self._starts) > CACHE_LIMIT:
                self._starts.clear()
                self._with_start.clear()
                new = unique
            for piece in new:
                starts = self._starts[piece] = self._piece_starts(piece)
                if starts:
                    self._with_start.add(piece)
        hits = unique & self._with_start
        if not hits:
            return
        ends = list(accumulate(map(len, pieces)))
        for i in compress(range(len(pieces)), map(hits.__contains__, pieces)):
            base = ends[i] - len(pieces[i]) + i
            for chunk, index, offset, token in self._starts[pieces[i]]:
                yield base + chunk, index, base + offset, token

    def _stream(self, text: str, chunk_start: int, index: int) -> Iterator[tuple[int, int, str]]:
        """The tokens from token ``index`` of the chunk at ``chunk_start`` on, up to a break other than one space."""
        at = chunk_start
        while True:
            chunk = NON_SPACE.match(text, at)
            if chunk is None:
                return
            for offset, token in self.tokens(chunk.group())[index:]:
                yield at + offset, at + offset + len(token), token
            at, index = chunk.end(), 0
            if text[at:at + 1] != " ":
                return  # end of text or another whitespace token: no phrase goes on
            at += 1

    def matches(self, text: str) -> list[tuple[str, int, int]]:
        """(label, start_char, end_char) of every phrase in ``text``, nested and overlapping ones too."""
        found: list[tuple[int, int, str, int, int]] = []
        for chunk_start, index, start, token in self._candidates(text):
            children, labels = self.root[token]
            for label in labels:
                found.append((-1, start, label, start, start + len(token)))
            if not children:
                continue
            for count, (_, token_end, token) in enumerate(self._stream(text, chunk_start, index + 1), 2):
                node = children.get(token)
                if node is None:
                    break
                children, labels = node
                for label in labels:
                    found.append((-count, start, label, start, token_end))
        found.sort(key=lambda m: (m[0], m[1]))
        return [(label, start, end) for _, _, label, start, end in found]


def _piece_finder(root: dict[str, Node]) -> tuple[re.Pattern[str], tuple[str, ...]]:
    """A regex for the pieces (stretches between single spaces) that hold a first character of a root token.

    Also returns the root tokens that open with an ASCII lower-case letter: those are left out of the regex
    (nearly every piece would hold one) and a text that contains one has every piece read.
    """
    lower = tuple(sorted(token for token in root if token[0] in _ASCII_LOWER))
    first = "".join(sorted({re.escape(token[0]) for token in root if token[0] not in _ASCII_LOWER}))
    if not first:
        return re.compile(r"(?!)"), lower
    # a piece start (no non-space before it), characters that are no first character, one that is, the rest
    return re.compile(rf"(?<![^ ])[^ {first}]*+[{first}][^ ]*+"), lower


_ASCII_LOWER = frozenset("abcdefghijklmnopqrstuvwxyz")
