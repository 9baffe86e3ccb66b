"""IOB2 encoding of entity spans: every conversion between character spans and IOB2 tags lives here.

Like spaCy's ``training/iob_utils.py``: the tag inventory (``O``, ``B-X``, ``I-X`` in schema
order), the outermost-span rule (one IOB2 sequence cannot hold nested entities), tags from spans
and spans from tags over tokens with character offsets, and the array versions the dataset build
uses (tag indices over a :class:`~newsspan.tokenize.Segmentation`, sentences joined so that no
entity straddles two). Tokens are anything with ``start`` and ``end`` code-point offsets.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, Protocol

from .schema import entity_labels

if TYPE_CHECKING:
    from .tokenize import Segmentation

Span = tuple[int, int, str]
#: The tag of a token outside every entity.
OUTSIDE = "O"


class Offsets(Protocol):
    """A token: code-point ``start`` and ``end`` offsets into the text."""

    start: int
    end: int


def iob2_labels(labels: Sequence[str]) -> list[str]:
    """The IOB2 tag inventory over ``labels``: O, then B-/I- for each label in the given order."""
    return [OUTSIDE, *(f"{p}-{label}" for label in labels for p in ("B", "I"))]


@cache
def ner_tags() -> tuple[str, ...]:
    """The IOB2 tag inventory of the entity labels (schema order); a tag's index is its id."""
    return tuple(iob2_labels(entity_labels()))


def tag_ids() -> dict[str, int]:
    """Tag -> id over :func:`ner_tags` (a model config's ``label2id``)."""
    return {tag: i for i, tag in enumerate(ner_tags())}


def iob2_tag(label: str, first: bool) -> str:
    """The IOB2 tag of a token of a ``label`` span: ``B-`` on its first token, ``I-`` on the others."""
    return ("B-" if first else "I-") + label


def label_of(tag_: str) -> str:
    """The label a tag marks (``B-GPE`` -> ``GPE``), or ``O`` outside every span."""
    return OUTSIDE if tag_ == OUTSIDE else tag_[2:]


def is_begin(tag_: str) -> bool:
    """Whether ``tag_`` starts a span (one ``B-`` tag per span in strict IOB2)."""
    return tag_.startswith("B-")


def sequence_problem(tag_: str, labels: Iterable[str], previous: str | None) -> tuple[str, str] | None:
    """What is wrong with ``tag_`` after ``previous`` (None at a sentence start) in strict IOB2, if anything:
    ``("unknown-label", expected)`` or ``("broken-sequence", expected)``, ``expected`` saying what was expected."""
    if tag_ == OUTSIDE:
        return None
    prefix, _, label = tag_.partition("-")
    labels = set(labels)
    if prefix not in ("B", "I") or label not in labels:
        return "unknown-label", f"O, B-<label> or I-<label> with a label of {', '.join(sorted(labels))}"
    if prefix == "I" and (previous is None or label_of(previous) != label):
        return "broken-sequence", f"B-{label} or I-{label} on the token before this I-{label} (strict IOB2)"
    return None


def continuation(tag_id: int, tags: Sequence[str]) -> int:
    """The id of the tag that continues ``tag_id`` on a later token of the same span (``B-X`` -> ``I-X``)."""
    begin = tags[tag_id]
    return tags.index(iob2_tag(label_of(begin), False)) if is_begin(begin) else tag_id


def outermost(spans: Iterable[Span]) -> list[Span]:
    """The spans not contained in another span (nested entities: the outermost wins), sorted."""
    kept: list[Span] = []
    for start, end, label in sorted(spans, key=lambda s: (s[0], -s[1])):
        if kept and start < kept[-1][1]:
            continue  # inside (entities never cross) the last kept span
        kept.append((start, end, label))
    return kept


def iob2_tags(tokens: Sequence[Offsets], spans: Iterable[Span]) -> list[str]:
    """IOB2 tags of ``tokens`` for the outermost of ``spans`` ((start, end, label) triples)."""
    tags = [OUTSIDE] * len(tokens)
    for start, end, label in outermost(spans):
        inside = [i for i, t in enumerate(tokens) if t.start >= start and t.end <= end]
        for n, i in enumerate(inside):
            tags[i] = iob2_tag(label, n == 0)
    return tags


def spans_from_iob2(tokens: Sequence[Offsets], tags: Sequence[str]) -> list[Span]:
    """Character spans from IOB2 tags (strict: an I- tag without a matching B- starts no span)."""
    spans: list[Span] = []
    current: list[Any] | None = None
    for token, tag_ in zip(tokens, tags, strict=True):
        if tag_.startswith("I-") and current is not None and current[2] == tag_[2:]:
            current[1] = token.end
            continue
        if current is not None:
            spans.append(tuple(current))  # type: ignore[arg-type]
            current = None
        if is_begin(tag_):
            current = [token.start, token.end, tag_[2:]]
    if current is not None:
        spans.append(tuple(current))  # type: ignore[arg-type]
    return spans


# --- arrays (the dataset build: no per-token Python objects) -------------------------------------

@cache
def _begin_inside_ids() -> tuple[dict[str, int], dict[str, int]]:
    """The id of each entity label's B- and I- tag."""
    ids = tag_ids()
    return ({label: ids[iob2_tag(label, True)] for label in entity_labels()},
            {label: ids[iob2_tag(label, False)] for label in entity_labels()})


def tag_indices(seg: Segmentation, spans: list[Span]) -> Any:
    """IOB2 tag ids (``ner_tags`` ClassLabel values) of the tokens of ``seg``, for disjoint outermost ``spans``."""
    import numpy as np

    tags = np.zeros(len(seg.starts), dtype=np.int64)  # "O"
    if not spans:
        return tags
    begin, inside = _begin_inside_ids()
    firsts = np.searchsorted(seg.starts, [start for start, _, _ in spans])
    stops = np.searchsorted(seg.ends, [end for _, end, _ in spans], "right")  # tokens inside: [first, stop)
    for first, stop, (_, _, label) in zip(firsts.tolist(), stops.tolist(), spans, strict=True):
        if first < stop:
            tags[first] = begin[label]
            tags[first + 1: stop] = inside[label]
    return tags


def whole_span_sentences(seg: Segmentation, spans: Sequence[tuple[Any, ...]]) -> list[int]:
    """First token of each sentence, after joining sentences that a span crosses (every span then lies
    inside one sentence). ``spans`` start with (start, end, ...); they may nest and overlap, in any order."""
    import numpy as np

    firsts = seg.sentence_starts
    if not len(spans) or len(firsts) < 2:
        return firsts.tolist()
    ordered = sorted((span[0], span[1]) for span in spans)
    span_starts = np.array([start for start, _ in ordered], dtype=np.int64)
    reach = np.maximum.accumulate(np.array([end for _, end in ordered], dtype=np.int64))  # furthest end so far
    before = np.searchsorted(span_starts, seg.starts[firsts[1:]]) - 1  # the last span starting before each
    crossed = (before >= 0) & (reach[np.maximum(before, 0)] > seg.ends[firsts[1:] - 1])  # ... reaching past it
    return [int(firsts[0]), *firsts[1:][~crossed].tolist()]


# --- other tag schemes (import only) -------------------------------------------------------------

def detect_scheme(tags: Sequence[str]) -> str:
    """The tag scheme of a file: BIOES (S-/E-), BILOU (U-/L-), IOB1 (an I- tag starts a chunk and no B-
    tag does) or IOB2."""
    prefixes = {tag.partition("-")[0] for tag in tags if tag != "O"}
    if prefixes & {"U", "L"}:
        return "BILOU"
    if prefixes & {"S", "E"}:
        return "BIOES"
    starts_i = starts_b = False
    previous = "O"
    for tag in tags:
        opens = previous == "O" or previous.partition("-")[2] != tag.partition("-")[2]
        starts_i |= tag.startswith("I-") and opens
        starts_b |= tag.startswith("B-") and opens
        previous = tag
    return "IOB1" if starts_i and not starts_b else "IOB2"


def decode_tags(tags: Sequence[str], scheme: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, str]]]:
    """Chunks of one sentence's tags in ``scheme`` (IOB1, IOB2, BIOES, BILOU) as (first, end exclusive, label),
    and (tag index, message) for every tag that breaks the scheme."""
    single, last = {"BIOES": ("S", "E"), "BILOU": ("U", "L")}.get(scheme, ("", ""))
    allowed = {"B", "I", *(p for p in (single, last) if p)}
    chunks: list[tuple[int, int, str]] = []
    bad: list[tuple[int, str]] = []
    open_at: int | None = None
    label = ""
    for k, tag in enumerate(tags):
        prefix, _, name = tag.partition("-")
        if tag == "O":
            if open_at is not None and scheme in ("BIOES", "BILOU"):
                bad.append((k - 1, f"expected {last}-{label} to close the chunk; found O after it"))
            if open_at is not None:
                chunks.append((open_at, k, label))
            open_at = None
            continue
        if prefix not in allowed or not name:
            bad.append((k, f"expected O or {'/'.join(sorted(allowed))}-<label> ({scheme}); found {tag!r}"))
            if open_at is not None:
                chunks.append((open_at, k, label))
            open_at = None
            continue
        continues = open_at is not None and name == label and prefix in ("I", last)
        if prefix == "I" and not continues and scheme != "IOB1":
            bad.append((k, f"expected B-{name} or I-{name} on the token before this I-{name} ({scheme}); found "
                           f"{tags[k - 1] if k else 'the start of a sentence'}"))
        if prefix == last and not continues:
            bad.append((k, f"expected B-{name} or I-{name} before {tag} ({scheme})"))
        if not continues:
            if open_at is not None:
                chunks.append((open_at, k, label))
            open_at, label = k, name
        if prefix in (single, last) and prefix:
            chunks.append((open_at, k + 1, label))
            open_at = None
    if open_at is not None:
        if scheme in ("BIOES", "BILOU"):
            bad.append((len(tags) - 1, f"expected {last}-{label} to close the chunk; found the end of the sentence"))
        chunks.append((open_at, len(tags), label))
    return chunks, bad
