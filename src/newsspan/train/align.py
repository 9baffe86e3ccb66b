"""Labels for transformers token classification: entity spans aligned to a subword tokenizer's output.

Works with anything that gives per-subword character offsets and word ids: a ``tokenizers.Encoding``
(``.offsets``, ``.word_ids``) or a transformers fast tokenizer's ``offset_mapping`` and ``word_ids()``.
Offsets are code points, like newsspan's (``tokenizers`` reports them that way for Python strings).

Two inputs, one convention (the one of Hugging Face's token-classification examples):

- :func:`align_word_labels`: the dataset's ``ner`` representation (IOB2 tag ids per newsspan token),
  tokenized with ``is_pretokenized=True`` / ``is_split_into_words=True``;
- :func:`align_spans`: character-offset spans over raw text.

The first subword of each word gets the word's tag and the other subwords :data:`IGNORE` (-100, which
the loss skips); with ``label_all_subwords=True`` they get the tag too (``B-X`` continues as ``I-X``).
Special tokens (``[CLS]``, word id ``None``) always get :data:`IGNORE`. :func:`decode` turns labels
(aligned or predicted) back into character spans.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..iob import continuation, iob2_tag, ner_tags, outermost, spans_from_iob2, tag_ids
from ..tokenize import Token

#: Label id the loss ignores (PyTorch's CrossEntropyLoss default ignore_index).
IGNORE = -100

Offsets = Sequence[tuple[int, int]]
WordIds = Sequence[int | None]
Span = tuple[int, int, str]


class AlignmentError(ValueError):
    """Spans whose boundaries fall inside a word (or subword) of the tokenization; all of them at once."""

    def __init__(self, problems: list[str]):
        """Keep every problem (one message per misaligned span) and join them into the message."""
        self.problems = problems
        super().__init__("; ".join(problems))


#: IOB2 tag inventory, the index is the label id: O, B-PERSON, I-PERSON, ... (schema order).
label_list = ner_tags
#: Tag -> id (for a model config's ``label2id``).
label2id = tag_ids


def align_word_labels(word_ids: WordIds, word_labels: Sequence[int], *, label_all_subwords: bool = False,
                      labels: Sequence[str] | None = None) -> list[int]:
    """Per-subword label ids from per-word tag ids (the ``ner`` representation)."""
    labels = labels or label_list()
    aligned: list[int] = []
    previous: int | None = None
    for word in word_ids:
        if word is None:
            aligned.append(IGNORE)
        elif word != previous:
            aligned.append(word_labels[word])
        else:
            aligned.append(continuation(word_labels[word], labels) if label_all_subwords else IGNORE)
        previous = word
    return aligned


@dataclass(frozen=True)
class _Unit:
    """What gets one tag: a word (first-subword labelling) or a subword (all subwords labelled)."""

    first: int  # index of its first subword
    start: int
    end: int


def document_offsets(offsets: Offsets, word_ids: WordIds, token_starts: Sequence[int],
                     token_ends: Sequence[int]) -> list[tuple[int, int]]:
    """Offsets of an ``is_split_into_words`` encoding (relative to each word) as document offsets.

    ``token_starts``/``token_ends`` are the words' offsets in the document (the ``ner`` config's columns);
    a subword keeps its place inside its word, clamped to the word.
    """
    mapped = []
    for (start, end), word in zip(offsets, word_ids, strict=True):
        if word is None:
            mapped.append((0, 0))
            continue
        base, limit = token_starts[word], token_ends[word]
        mapped.append((min(base + start, limit), min(base + end, limit)))
    return mapped


def _trimmed(start: int, end: int, text: str | None) -> tuple[int, int]:
    """A subword's offsets without the leading whitespace SentencePiece/Metaspace pieces (``▁x``) cover."""
    while text is not None and start < end and text[start].isspace():
        start += 1
    return start, end


def _units(offsets: Offsets, word_ids: WordIds, per_subword: bool, text: str | None = None) -> list[_Unit]:
    units: list[_Unit] = []
    previous: int | None = None
    for i, ((start, end), word) in enumerate(zip(offsets, word_ids, strict=True)):
        if word is None:
            previous = None
            continue
        start, end = _trimmed(start, end, text)
        if per_subword or word != previous or not units:
            units.append(_Unit(i, start, end))
        else:
            units[-1] = _Unit(units[-1].first, units[-1].start, end)
        previous = word
    return units


def _in_document(offsets: Offsets, word_ids: WordIds, token_starts: Sequence[int] | None,
                 token_ends: Sequence[int] | None) -> Offsets:
    if token_starts is None or token_ends is None:
        return offsets
    return document_offsets(offsets, word_ids, token_starts, token_ends)


def align_spans(offsets: Offsets, word_ids: WordIds, spans: Iterable[Span], *, label_all_subwords: bool = False,
                labels: Sequence[str] | None = None, text: str | None = None,
                token_starts: Sequence[int] | None = None, token_ends: Sequence[int] | None = None) -> list[int]:
    """Per-subword label ids for character spans ``(start, end, label)``; nested spans: the outermost wins.

    A span must start and end at word boundaries (subword boundaries with ``label_all_subwords``);
    otherwise :class:`AlignmentError` names every such span. A span cut by a truncation window is
    labelled on the part inside the window; spans outside it are left out. Give ``text`` (the encoded
    text) for SentencePiece/Metaspace tokenizers, whose pieces cover the space before a word; give
    ``token_starts``/``token_ends`` (the ``ner`` columns) for an ``is_split_into_words`` encoding, whose
    offsets are relative to each word: spans are then document offsets.
    """
    labels = labels or label_list()
    ids = {label: i for i, label in enumerate(labels)}
    offsets = _in_document(offsets, word_ids, token_starts, token_ends)
    units = _units(offsets, word_ids, label_all_subwords, text)
    tags = [ids["O"]] * len(units)
    if units:
        problems = []
        window = (units[0].start, units[-1].end)
        for start, end, label in outermost(spans):
            clipped = (max(start, window[0]), min(end, window[1]))
            if clipped[0] >= clipped[1]:
                continue
            inside = [n for n, unit in enumerate(units) if unit.start >= clipped[0] and unit.end <= clipped[1]]
            if not inside or (units[inside[0]].start, units[inside[-1]].end) != clipped:
                problems.append(_misaligned(start, end, label, units, label_all_subwords))
                continue
            for k, n in enumerate(inside):
                tags[n] = ids[iob2_tag(label, k == 0)]
        if problems:
            raise AlignmentError(problems)
    return _spread(len(offsets), units, tags)


def _spread(length: int, units: list[_Unit], tags: list[int]) -> list[int]:
    """Unit tags onto subwords: each unit's first subword gets the tag, every other subword IGNORE."""
    aligned = [IGNORE] * length
    for unit, tag in zip(units, tags, strict=True):
        aligned[unit.first] = tag
    return aligned


def _misaligned(start: int, end: int, label: str, units: list[_Unit], per_subword: bool) -> str:
    kind = "subword" if per_subword else "word"
    starts = sorted({u.start for u in units})
    ends = sorted({u.end for u in units})
    near_start = min(starts, key=lambda s: abs(s - start))
    near_end = min(ends, key=lambda e: abs(e - end))
    return (f"span {start}:{end} ({label}): expected its boundaries at {kind} boundaries; "
            f"found the nearest {kind} start at {near_start} and end at {near_end}")


def decode(offsets: Offsets, word_ids: WordIds, label_ids: Sequence[int], *, label_all_subwords: bool = False,
           labels: Sequence[str] | None = None, text: str | None = None,
           token_starts: Sequence[int] | None = None, token_ends: Sequence[int] | None = None) -> list[Span]:
    """Character spans from per-subword label ids (aligned or predicted), strict IOB2.

    Without ``label_all_subwords`` only each word's first subword counts and the span covers the whole
    word; with it every subword counts. Special tokens are skipped; an ``I-`` without its ``B-`` is dropped.
    ``text``, ``token_starts`` and ``token_ends`` as for :func:`align_spans`: with the ``ner`` row's token
    offsets, the spans are document offsets (not offsets inside a word).
    """
    labels = labels or label_list()
    offsets = _in_document(offsets, word_ids, token_starts, token_ends)
    units = _units(offsets, word_ids, label_all_subwords, text)
    tokens = [Token("", unit.start, unit.end) for unit in units]
    tags = [labels[label_ids[unit.first]] if label_ids[unit.first] != IGNORE else "O" for unit in units]
    return spans_from_iob2(tokens, tags)
