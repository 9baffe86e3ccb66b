"""Where a span may start and end: grapheme clusters and words of a text (Unicode-aware).

A span boundary should not split a *grapheme cluster* (what a reader sees as one character: a letter
and its combining marks, an emoji ZWJ sequence such as 👩‍💻, a flag made of two regional indicators,
an Indic conjunct) and should not cut a *word* (a run of letters or digits, in any script). Clusters
are the extended grapheme clusters of Unicode UAX #29, found with the ``regex`` module's ``\\X``
(kept current with each Unicode release; the standard library has no grapheme segmentation).

Words are runs of clusters that start with a letter or digit (``\\p{L}``, ``\\p{N}``). Apostrophes,
hyphens and other punctuation end a run, so ``Pakistan’s`` is two runs and a span ending before ``’s``
cuts nothing. Scripts written without spaces between words (Han, Hiragana, Katakana, Thai, Lao, Khmer,
Myanmar) form no runs: there a boundary between letters is not a cut.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right

import regex

_CLUSTER = regex.compile(r"\X")
_NO_SPACES = r"\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Thai}\p{Script=Lao}" \
             r"\p{Script=Khmer}\p{Script=Myanmar}"
_WORD_CLUSTER = regex.compile(rf"(?=[\p{{L}}\p{{N}}])(?![{_NO_SPACES}])")
#: Stretches that may hold clusters of several code points. UAX #29 breaks between any two ASCII
#: characters except CR LF, so only non-ASCII characters (and CR) can join their neighbours.
_JOINING = regex.compile(r"[^\x00-\x0c\x0e-\x7f]+")
_ZWJ = "\u200d"


class TextBoundaries:
    """The grapheme clusters and word runs of one text, computed once and queried per offset.

    Only clusters of several code points are stored (found with ``\\X`` around the non-ASCII stretches,
    so mostly-ASCII news text costs little); every other code point is a cluster of its own.
    """

    def __init__(self, text: str):
        """Find the multi-code-point clusters of ``text`` (linear in its length)."""
        self.text = text
        multi: list[tuple[int, int]] = []
        for window_start, window_end in self._windows():
            position = window_start
            for cluster in _CLUSTER.findall(text, window_start, window_end):
                if len(cluster) > 1:
                    multi.append((position, position + len(cluster)))
                position += len(cluster)
        self._multi = multi
        self._multi_starts = [start for start, _ in multi]

    def _windows(self) -> list[tuple[int, int]]:
        """Stretches to segment: each non-ASCII stretch with one character either side, overlaps merged.

        Each window then starts where a cluster starts (after an ASCII character, or at the text's start).
        """
        windows: list[tuple[int, int]] = []
        for match in _JOINING.finditer(self.text):
            start, end = max(match.start() - 1, 0), min(match.end() + 1, len(self.text))
            if windows and start <= windows[-1][1]:
                windows[-1] = (windows[-1][0], end)
            else:
                windows.append((start, end))
        return windows

    def cluster_around(self, offset: int) -> tuple[int, int]:
        """``(start, end)`` of the cluster that contains the code point at ``offset``."""
        i = bisect_right(self._multi_starts, offset) - 1
        if i >= 0 and offset < self._multi[i][1]:
            return self._multi[i]
        return offset, min(offset + 1, len(self.text))

    def is_cluster_boundary(self, offset: int) -> bool:
        """True when ``offset`` lies between two clusters (or at either end of the text)."""
        return offset >= len(self.text) or self.cluster_around(offset)[0] == offset

    def _is_word(self, cluster_start: int) -> bool:
        return cluster_start < len(self.text) and _WORD_CLUSTER.match(self.text, cluster_start) is not None

    def word_around(self, offset: int) -> tuple[int, int] | None:
        """``(start, end)`` of the word that ``offset`` cuts (``start < offset < end``), or None when it cuts none.

        Only cluster boundaries are considered: an offset inside a cluster splits the cluster instead.
        """
        if not 0 < offset < len(self.text) or not self.is_cluster_boundary(offset):
            return None
        before = self.cluster_around(offset - 1)[0]
        if not (self._is_word(before) and self._is_word(offset)):
            return None
        start = before
        while start > 0 and self._is_word(previous := self.cluster_around(start - 1)[0]):
            start = previous
        end = self.cluster_around(offset)[1]
        while self._is_word(end):
            end = self.cluster_around(end)[1]
        return start, end


def describe_cluster(cluster: str) -> str:
    """What kind of cluster this is, in words, with its code points (they may be invisible)."""
    points = " ".join(f"U+{ord(c):04X}" for c in cluster[:8]) + (" …" if len(cluster) > 8 else "")
    if _ZWJ in cluster:
        kind = "an emoji ZWJ sequence"
    elif any("\U0001f1e6" <= c <= "\U0001f1ff" for c in cluster):
        kind = "a flag (a pair of regional indicators)"
    elif any("\U0001f3fb" <= c <= "\U0001f3ff" for c in cluster):
        kind = "an emoji with a skin-tone modifier"
    elif any(unicodedata.category(c).startswith("M") for c in cluster):
        kind = "a character with a combining mark"
    else:
        kind = "one character (grapheme cluster)"
    return f"{kind}, {points}"
