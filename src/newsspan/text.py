"""Canonical text: the one deterministic rule that turns a seed file into the text offsets point into.

Rule (newsspan canonical text v1):
1. decode the bytes as strict UTF-8 (invalid bytes are an error, never replaced);
2. drop one leading byte-order mark (U+FEFF);
3. normalise newlines: CRLF and lone CR become LF;
4. remove trailing whitespace at the very end of the text.
Nothing else changes: no Unicode normalisation, no whitespace folding inside the text.

Offsets are Python ``str`` indices (code points). Browser tools count UTF-16 code units;
:func:`to_utf16` and :func:`from_utf16` convert between the two.
"""

from __future__ import annotations

import hashlib
from bisect import bisect_right
from dataclasses import dataclass

CANONICAL_RULE = "newsspan-canonical-text-v1"


class SeedDecodeError(ValueError):
    """The seed bytes are not valid UTF-8; carries the byte offset and line of the first bad byte."""

    def __init__(self, byte_offset: int, line: int, reason: str):
        self.byte_offset = byte_offset
        self.line = line
        self.reason = reason
        super().__init__(f"not valid UTF-8 at byte {byte_offset} (line {line}): {reason}")


def canonical_text(data: bytes) -> str:
    """Apply the canonical-text rule to the raw bytes of a seed file."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        reason = exc.reason
        if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
            reason += " (the file starts with a UTF-16 byte order mark: save it as UTF-8)"
        raise SeedDecodeError(exc.start, line, reason) from None
    if text.startswith("\ufeff"):
        text = text[1:]
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.rstrip()


def text_sha256(text: str) -> str:
    """Lower-case hex SHA-256 of the UTF-8 encoding of ``text``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Utf16Index:
    """Converts code-point offsets of one text to UTF-16 code-unit offsets and back.

    Only astral characters (above U+FFFF) take two UTF-16 units, so the index stores
    their code-point positions and converts by counting how many precede an offset.
    """

    astral: tuple[int, ...]
    length: int

    @classmethod
    def of(cls, text: str) -> Utf16Index:
        return cls(tuple(i for i, ch in enumerate(text) if ord(ch) > 0xFFFF), len(text))

    def to_utf16(self, offset: int) -> int:
        """UTF-16 offset of code-point ``offset``."""
        return offset + bisect_right(self.astral, offset - 1)

    def from_utf16(self, offset: int) -> int:
        """Code-point offset of UTF-16 ``offset``; raises ValueError inside a surrogate pair."""
        lo, hi = 0, self.length
        while lo < hi:  # smallest code point whose UTF-16 offset is >= offset
            mid = (lo + hi) // 2
            if self.to_utf16(mid) < offset:
                lo = mid + 1
            else:
                hi = mid
        if offset < 0 or self.to_utf16(lo) != offset:
            where = "is negative" if offset < 0 else "falls inside a surrogate pair or past the end"
            raise ValueError(f"UTF-16 offset {offset} {where}")
        return lo


def to_utf16(text: str, offset: int) -> int:
    """UTF-16 code-unit offset of code-point ``offset`` in ``text``."""
    return Utf16Index.of(text).to_utf16(offset)


def from_utf16(text: str, offset: int) -> int:
    """Code-point offset of UTF-16 code-unit ``offset`` in ``text``."""
    return Utf16Index.of(text).from_utf16(offset)
