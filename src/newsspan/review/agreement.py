"""Agreement between two annotation sets of the same documents (``newsspan agree A B``).

A is the reference: precision = matched / spans in B, recall = matched / spans in A. The metrics and
why they were chosen are described in docs/review-metrics.md. In short:

- **span F1**, per layer, with two matching rules: *exact* (same start and end) and *overlap* (a
  one-to-one matching of overlapping spans, from :mod:`newsspan.evaluation.matching`, which
  ``newsspan evaluate`` shares); each *labelled* (the label must agree too) and *unlabelled*; and per label;
- **Cohen's kappa on tokens** for entity labels (each token's label, ``O`` outside entities);
- **attribute agreement** on spans matched by unlabelled overlap (TIMEX3 type and value, quotation form,
  speaker, source and cue, claim check-worthiness, type and claimant), with kappa for closed label sets;
- **every disagreement** as a :class:`Disagreement`, for the list and the side-by-side diff page.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..evaluation.matching import Span, exact_pairs, overlap_pairs
from ..iob import iob2_tags, label_of
from ..model import LABEL_FIELD, LAYERS, Layer, layer_of_id, span_label
from ..schema import labels
from ..tokenize import sentences
from ..validation import Problem, iter_valid

#: The four span scores of a layer: matching rule x whether labels must agree.
SCORE_KINDS = ("exact_labelled", "exact_unlabelled", "overlap_labelled", "overlap_unlabelled")

KINDS = ("missing_in_b", "missing_in_a", "boundary", "label", "attribute")


@dataclass(frozen=True)
class Scores:
    """Span counts of one comparison; precision, recall and F1 follow from them (None when undefined)."""

    a: int = 0  # spans in A, the reference
    b: int = 0  # spans in B
    matched: int = 0

    def __add__(self, other: Scores) -> Scores:
        """Counts of both comparisons summed (for totals over documents or labels)."""
        return Scores(self.a + other.a, self.b + other.b, self.matched + other.matched)

    @property
    def precision(self) -> float | None:
        """Matched spans / spans in B, or None when B has no spans."""
        return self.matched / self.b if self.b else None

    @property
    def recall(self) -> float | None:
        """Matched spans / spans in A, or None when A has no spans."""
        return self.matched / self.a if self.a else None

    @property
    def f1(self) -> float | None:
        """2·matched / (a + b): the harmonic mean of P and R, 0 when one side is empty, None when both are."""
        return 2 * self.matched / (self.a + self.b) if self.a + self.b else None

    def to_dict(self) -> dict[str, Any]:
        """The counts with precision, recall and F1, for JSON output."""
        return {"a": self.a, "b": self.b, "matched": self.matched,
                "precision": self.precision, "recall": self.recall, "f1": self.f1}


@dataclass(frozen=True)
class Disagreement:
    """One difference between A and B: a span only one side has, or a matched pair that differs."""

    doc: str
    layer: str
    kind: str  # one of KINDS
    message: str
    a_id: str | None
    b_id: str | None
    attribute: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """Every field, for JSON output."""
        return asdict(self)


@dataclass
class Agreement:
    """Observed agreement and Cohen's kappa over paired values (tokens, or attributes of matched spans)."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    chance_corrected: bool = True

    @property
    def n(self) -> int:
        """Number of paired values."""
        return len(self.pairs)

    @property
    def observed(self) -> float | None:
        """Share of pairs whose two values are equal, or None when there are no pairs."""
        return sum(a == b for a, b in self.pairs) / self.n if self.pairs else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa of the pairs (see :func:`cohen_kappa`); None when undefined or not ``chance_corrected``."""
        return cohen_kappa([a for a, _ in self.pairs], [b for _, b in self.pairs]) if self.chance_corrected else None

    def to_dict(self) -> dict[str, Any]:
        """``n``, observed agreement and kappa, for JSON output."""
        return {"n": self.n, "observed": self.observed, "kappa": self.kappa}


@dataclass
class AgreementReport:
    """Agreement of B with A over the documents both hold."""

    names: tuple[str, str]
    documents: list[str] = field(default_factory=list)
    only_in_a: list[str] = field(default_factory=list)
    only_in_b: list[str] = field(default_factory=list)
    spans: dict[str, dict[str, Scores]] = field(default_factory=dict)
    per_label: dict[str, dict[str, dict[str, Scores]]] = field(default_factory=dict)
    token_kappa: Agreement = field(default_factory=Agreement)
    attributes: dict[str, dict[str, Agreement]] = field(default_factory=dict)
    disagreements: list[Disagreement] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The whole report as JSON-ready data (scores with P/R/F1, agreements, disagreements)."""
        return {
            "a": self.names[0], "b": self.names[1],
            "documents": self.documents, "only_in_a": self.only_in_a, "only_in_b": self.only_in_b,
            "spans": {layer: {k: s.to_dict() for k, s in kinds.items()} for layer, kinds in self.spans.items()},
            "per_label": {layer: {label: {k: s.to_dict() for k, s in kinds.items()} for label, kinds in labels.items()}
                          for layer, labels in self.per_label.items()},
            "entity_token_kappa": self.token_kappa.to_dict(),
            "attributes": {layer: {name: agreement.to_dict() for name, agreement in attrs.items()}
                           for layer, attrs in self.attributes.items()},
            "disagreements": [d.to_dict() for d in self.disagreements],
        }


# --- statistics --------------------------------------------------------------------------

def cohen_kappa(a: Sequence[str], b: Sequence[str]) -> float | None:
    """Cohen's kappa (scikit-learn), or None when undefined.

    Undefined when there is nothing to compare or when both sides use one and the same single label
    throughout: chance agreement is then 1 and kappa is 0/0 (the observed agreement still says 1.0).
    """
    if not a or len(set(a) | set(b)) < 2:
        return None
    from sklearn.metrics import cohen_kappa_score

    value = float(cohen_kappa_score(list(a), list(b)))
    return None if math.isnan(value) else value


# --- matching (newsspan.evaluation.matching, shared with `newsspan evaluate`) ------------------

def layer_spans(doc: dict[str, Any], layer: Layer) -> list[Span]:
    """The (start, end, label) triples of one layer of a document."""
    return [(s["start"], s["end"], span_label(layer, s)) for s in doc[layer]]


def span_scores(a: Sequence[Span], b: Sequence[Span]) -> dict[str, Scores]:
    """The four span scores (exact/overlap x labelled/unlabelled) of one layer of one document."""
    return {
        "exact_labelled": Scores(len(a), len(b), len(exact_pairs(a, b, True))),
        "exact_unlabelled": Scores(len(a), len(b), len(exact_pairs(a, b, False))),
        "overlap_labelled": Scores(len(a), len(b), len(overlap_pairs(a, b, True))),
        "overlap_unlabelled": Scores(len(a), len(b), len(overlap_pairs(a, b, False))),
    }


def label_scores(layer: Layer, a: Sequence[Span], b: Sequence[Span]) -> dict[str, dict[str, Scores]]:
    """Exact and overlap scores per label (labelled matching restricted to the spans of that label)."""
    result = {}
    for label in labels(layer):
        sub_a, sub_b = [s for s in a if s[2] == label], [s for s in b if s[2] == label]
        result[label] = {
            "exact": Scores(len(sub_a), len(sub_b), len(exact_pairs(sub_a, sub_b, True))),
            "overlap": Scores(len(sub_a), len(sub_b), len(overlap_pairs(sub_a, sub_b, True))),
        }
    return result


# --- attributes --------------------------------------------------------------------------

def _referenced(doc: dict[str, Any], span_id: str | None) -> Any:
    """A reference made comparable across annotators: the offsets of the item it names (ids differ)."""
    if span_id is None or span_id == "dct":
        return span_id
    layer = layer_of_id(span_id)
    item = next((s for s in doc[layer] if s["id"] == span_id), None) if layer else None
    return None if item is None else (item["start"], item["end"])


def _subspan(span: dict[str, Any], name: str) -> Any:
    sub = span.get(name)
    return None if sub is None else (sub["start"], sub["end"])


Getter = Callable[[dict[str, Any], dict[str, Any]], Any]

#: Attributes compared on matched spans: (name, getter(doc, span), closed label set -> kappa reported).
ATTRIBUTES: dict[Layer, tuple[tuple[str, Getter, bool], ...]] = {
    "entities": (
        ("label", lambda d, s: s["label"], True),
        ("kb_id", lambda d, s: s.get("kb_id"), False),
    ),
    "dates": (
        ("type", lambda d, s: s["type"], True),
        ("value", lambda d, s: s["value"], False),
        ("mod", lambda d, s: s.get("mod"), False),
        ("anchor", lambda d, s: _referenced(d, s["anchor"]), False),
    ),
    "quotations": (
        ("form", lambda d, s: s["form"], True),
        ("speaker", lambda d, s: _referenced(d, s["speaker"]), False),
        ("source", lambda d, s: _subspan(s, "source"), False),
        ("cue", lambda d, s: _subspan(s, "cue"), False),
    ),
    "claims": (
        ("checkworthy", lambda d, s: s["checkworthy"], True),
        ("type", lambda d, s: s["type"], True),
        ("claimant", lambda d, s: _referenced(d, s["claimant"]), False),
        ("quotation", lambda d, s: _referenced(d, s.get("quotation")), False),
    ),
}


def _shown(doc: dict[str, Any], value: Any) -> str:
    """A value for people: offsets are shown with the text they cover."""
    if isinstance(value, tuple):
        return f"{value[0]}-{value[1]} {_short(_text_of(doc, value))}"
    return json.dumps(value, ensure_ascii=False)


def _text_of(doc: dict[str, Any], offsets: tuple[int, int]) -> str:
    for layer in LAYERS:
        for item in doc[layer]:
            if (item["start"], item["end"]) == offsets:
                return item["text"]
    for q in doc["quotations"]:
        for name in ("source", "cue"):
            if q.get(name) and (q[name]["start"], q[name]["end"]) == offsets:
                return q[name]["text"]
    return ""


# --- one document ------------------------------------------------------------------------

@dataclass
class _Accumulator:
    """Running totals while documents are compared one by one."""

    report: AgreementReport

    def add_scores(self, layer: Layer, scores: dict[str, Scores], labels: dict[str, dict[str, Scores]]) -> None:
        totals = self.report.spans.setdefault(layer, {k: Scores() for k in SCORE_KINDS})
        for kind, value in scores.items():
            totals[kind] += value
        per_label = self.report.per_label.setdefault(layer, {})
        for label, kinds in labels.items():
            entry = per_label.setdefault(label, {"exact": Scores(), "overlap": Scores()})
            for kind, value in kinds.items():
                entry[kind] += value

    def attribute(self, layer: Layer, name: str, closed: bool) -> Agreement:
        return self.report.attributes.setdefault(layer, {}).setdefault(name, Agreement(chance_corrected=closed))


def _short(text: str, limit: int = 50) -> str:
    """A span's text for a message, shortened in the middle when long."""
    return repr(text if len(text) <= limit else text[: limit // 2 - 1] + " … " + text[-(limit // 2 - 1):])


def _describe(span: dict[str, Any], layer: Layer) -> str:
    return f"{span_label(layer, span)} {span['id']} {_short(span['text'])} ({span['start']}-{span['end']})"


def compare_layer(acc: _Accumulator, doc_id: str, layer: Layer, doc_a: dict[str, Any], doc_b: dict[str, Any]) -> None:
    """Scores, attribute pairs and disagreements of one layer of one document."""
    a, b = layer_spans(doc_a, layer), layer_spans(doc_b, layer)
    acc.add_scores(layer, span_scores(a, b), label_scores(layer, a, b))
    pairs = overlap_pairs(a, b, labelled=False)
    out = acc.report.disagreements
    matched_a, matched_b = {i for i, _ in pairs}, {j for _, j in pairs}
    for i, span in enumerate(doc_a[layer]):
        if i not in matched_a:
            out.append(Disagreement(doc_id, layer, "missing_in_b",
                                    f"A has {_describe(span, layer)}; B has no overlapping span", span["id"], None))
    for j, span in enumerate(doc_b[layer]):
        if j not in matched_b:
            out.append(Disagreement(doc_id, layer, "missing_in_a",
                                    f"B has {_describe(span, layer)}; A has no overlapping span", None, span["id"]))
    for i, j in pairs:
        compare_pair(acc, doc_id, layer, (doc_a, doc_a[layer][i]), (doc_b, doc_b[layer][j]))


def compare_pair(acc: _Accumulator, doc_id: str, layer: Layer,
                 a: tuple[dict[str, Any], dict[str, Any]], b: tuple[dict[str, Any], dict[str, Any]]) -> None:
    """Boundary, label and attribute differences of one matched pair of spans."""
    (doc_a, span_a), (doc_b, span_b) = a, b
    out, ids = acc.report.disagreements, (span_a["id"], span_b["id"])
    if (span_a["start"], span_a["end"]) != (span_b["start"], span_b["end"]):
        out.append(Disagreement(doc_id, layer, "boundary",
                                f"A {_short(span_a['text'])} ({span_a['start']}-{span_a['end']}) vs "
                                f"B {_short(span_b['text'])} ({span_b['start']}-{span_b['end']})", *ids))
    for name, getter, closed in ATTRIBUTES[layer]:
        value_a, value_b = getter(doc_a, span_a), getter(doc_b, span_b)
        acc.attribute(layer, name, closed).pairs.append((json.dumps(value_a), json.dumps(value_b)))
        if value_a != value_b:
            kind = "label" if name == LABEL_FIELD[layer] else "attribute"
            out.append(Disagreement(doc_id, layer, kind,
                                    f"{name} of A {span_a['id']} {_short(span_a['text'])}: {_shown(doc_a, value_a)} vs "
                                    f"B {span_b['id']}: {_shown(doc_b, value_b)}", *ids, attribute=name))


def token_labels(text: str, doc_a: dict[str, Any], doc_b: dict[str, Any]) -> list[tuple[str, str]]:
    """Each token's entity label in A and in B (``O`` outside; nested entities: the outermost).

    Tokens come from :func:`newsspan.tokenize.sentences`, split at every entity boundary of either side.
    """
    a, b = layer_spans(doc_a, "entities"), layer_spans(doc_b, "entities")
    cuts = [offset for s in (*a, *b) for offset in s[:2]]
    tokens = [token for sentence in sentences(text, cuts) for token in sentence]
    labels_a = [label_of(tag) for tag in iob2_tags(tokens, a)]
    labels_b = [label_of(tag) for tag in iob2_tags(tokens, b)]
    return list(zip(labels_a, labels_b, strict=True))


def compare_document(acc: _Accumulator, doc_id: str, text: str, doc_a: dict[str, Any], doc_b: dict[str, Any]) -> None:
    """Add one document's comparison to the running totals."""
    acc.report.documents.append(doc_id)
    for layer in LAYERS:
        compare_layer(acc, doc_id, layer, doc_a, doc_b)
    acc.report.token_kappa.pairs.extend(token_labels(text, doc_a, doc_b))


def compare(pairs: Iterable[tuple[str, dict[str, Any], dict[str, Any]]], names: tuple[str, str] = ("A", "B"),
            progress: Callable[[str], None] | None = None) -> AgreementReport:
    """Agreement over ``(text, doc_a, doc_b)`` triples of the same documents (A is the reference).

    ``progress`` is called with each document id once it is compared.
    """
    acc = _Accumulator(AgreementReport(names))
    for layer in LAYERS:  # every layer and attribute appears in the report, even with no spans at all
        acc.add_scores(layer, {k: Scores() for k in SCORE_KINDS},
                       {label: {"exact": Scores(), "overlap": Scores()} for label in labels(layer)})
        for name, _, closed in ATTRIBUTES[layer]:
            acc.attribute(layer, name, closed)
    for text, doc_a, doc_b in pairs:
        compare_document(acc, doc_a["id"], text, doc_a, doc_b)
        if progress:
            progress(doc_a["id"])
    return acc.report


# --- files -------------------------------------------------------------------------------

Pair = tuple[str, dict[str, Any], dict[str, Any]]


@dataclass
class Side:
    """One annotation set: valid documents by id (with their file and canonical text), and the problems of the
    files that are not valid."""

    documents: dict[str, tuple[str, dict[str, Any], str]] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)


def load_side(corpus: Corpus, path: Path) -> Side:
    """The annotation files under ``path`` (a file or folder), validated against the root's seeds."""
    side = Side()
    files = corpus.annotation_files([path])
    if Path(path).is_dir() and not files:
        side.problems.append(Problem(str(path), "", "file-unreadable",
                                     "expected an annotation file or a folder of them; found none"))
    for file, doc, text in iter_valid(corpus, files, problems=side.problems):
        if doc["id"] in side.documents:
            side.problems.append(Problem(str(file), "/id", "duplicate-document",
                                         f"expected one file per document; found {doc['id']!r} also in "
                                         f"{side.documents[doc['id']][0]}"))
        side.documents[doc["id"]] = (file, doc, text)
    return side


def pair_documents(corpus: Corpus, a: Side, b: Side) -> tuple[list[Pair], list[Problem]]:
    """``(text, doc_a, doc_b)`` for every id both sides hold; a problem where their texts differ."""
    pairs, problems = [], []
    for doc_id in sorted(a.documents.keys() & b.documents.keys()):
        (_, doc_a, text), (file_b, doc_b, _) = a.documents[doc_id], b.documents[doc_id]
        if doc_a["seed"]["text_sha256"] != doc_b["seed"]["text_sha256"]:
            problems.append(Problem(str(file_b), "/seed/text_sha256", "text-differs",
                                    f"expected the text of A's {doc_id} ({doc_a['seed']['text_sha256'][:12]}…); "
                                    f"found another text ({doc_b['seed']['text_sha256'][:12]}…)"))
            continue
        pairs.append((text, doc_a, doc_b))
    return pairs, problems


def load_pairs(corpus: Corpus, path_a: Path, path_b: Path) -> tuple[list[Pair], Side, Side, list[Problem]]:
    """The documents both annotation sets hold, as ``(text, doc_a, doc_b)``; every problem found on the way."""
    side_a, side_b = load_side(corpus, path_a), load_side(corpus, path_b)
    pairs, text_problems = pair_documents(corpus, side_a, side_b)
    problems = side_a.problems + side_b.problems + text_problems
    if not problems and not pairs:
        problems.append(Problem(f"{path_a}, {path_b}", "/id", "no-shared-documents",
                                f"expected documents with the same id on both sides; found A: "
                                f"{', '.join(sorted(side_a.documents)) or 'none'}; B: "
                                f"{', '.join(sorted(side_b.documents)) or 'none'}"))
    return pairs, side_a, side_b, problems


def agree(corpus: Corpus, path_a: Path, path_b: Path,
          progress: Callable[[str], None] | None = None) -> tuple[AgreementReport | None, list[Pair], list[Problem]]:
    """Compare the annotation sets at ``path_a`` (reference) and ``path_b``; any problem stops the comparison."""
    pairs, side_a, side_b, problems = load_pairs(corpus, path_a, path_b)
    if problems:
        return None, pairs, problems
    report = compare(pairs, (str(path_a), str(path_b)), progress)
    report.only_in_a = sorted(side_a.documents.keys() - side_b.documents.keys())
    report.only_in_b = sorted(side_b.documents.keys() - side_a.documents.keys())
    return report, pairs, []


def diff_pages(report: AgreementReport, pairs: Iterable[Pair]) -> dict[str, str]:
    """The side-by-side HTML diff page of every compared document, by document id."""
    from .page import render_diff_page

    pages = {}
    for text, doc_a, doc_b in pairs:
        found = [d.to_dict() for d in report.disagreements if d.doc == doc_a["id"]]
        pages[doc_a["id"]] = render_diff_page(text, doc_a, doc_b, found, report.names)
    return pages


def write_diff_pages(report: AgreementReport, pairs: Iterable[Pair], out: Path, *, force: bool = False) -> list[Path]:
    """Write the diff pages atomically: ``out`` itself if it ends in ``.html`` (one document), else ``out/<id>.html``.

    Raises :class:`~newsspan.files.FileExistsRefusal` naming every existing page unless ``force``.
    """
    from ..files import FileExistsRefusal, atomic_write_text

    pages = diff_pages(report, pairs)
    targets = {doc_id: out if out.suffix == ".html" else out / f"{doc_id}.html" for doc_id in pages}
    existing = [str(path) for path in targets.values() if path.exists()]
    if existing and not force:
        raise FileExistsRefusal(
            f"{', '.join(existing)}: already exists; refusing to overwrite (use --force to replace it)"
        )
    for doc_id, path in targets.items():
        atomic_write_text(path, pages[doc_id], overwrite=force)
    return list(targets.values())
