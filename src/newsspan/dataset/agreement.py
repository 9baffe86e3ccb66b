"""The human ceiling for the card: inter-annotator agreement of the two annotation sets in ``agreement/``.

When the corpus root holds ``agreement/`` with exactly two folders of annotation files (the first, in name
order, is the reference), they are compared with :func:`newsspan.review.agreement.agree` (the figures
``newsspan agree`` prints); otherwise the card says why there are none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..model import LAYERS
from ..review.agreement import agree

FOLDER = "agreement"


@dataclass(frozen=True)
class AgreementFigures:
    """Span F1 per layer and the entity token kappa of two annotation sets, or why there are none."""

    sides: tuple[str, str] = ("", "")
    documents: int = 0
    layers: dict[str, dict[str, Any]] = field(default_factory=dict)  # layer -> a, b, exact F1, overlap F1
    entity_token_kappa: float | None = None
    tokens: int = 0
    missing: str = ""  # why there are no figures (empty when there are)


def agreement_figures(corpus: Corpus) -> AgreementFigures:
    """The agreement of ``agreement/<a>`` and ``agreement/<b>`` under the corpus root (see the module doc)."""
    folder = corpus.root / FOLDER
    sides = sorted(p for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    if len(sides) != 2:
        return AgreementFigures(missing=f"the corpus has no {FOLDER}/ folder with two independent annotation sets")
    try:
        report, _, problems = agree(corpus, sides[0], sides[1])
    except ImportError:  # pragma: no cover - scipy (the review extra) is not installed
        return AgreementFigures(missing="not computed: install newsspan[review] to compare the two sets")
    if report is None or problems:
        return AgreementFigures(missing=f"not computed: {len(problems)} problem(s) in {FOLDER}/ "
                                        "(run newsspan agree to see them)")
    layers = {layer: {"a": report.spans[layer]["exact_labelled"].a, "b": report.spans[layer]["exact_labelled"].b,
                      "exact": report.spans[layer]["exact_labelled"].f1,
                      "overlap": report.spans[layer]["overlap_labelled"].f1}
              for layer in LAYERS if layer in report.spans}
    return AgreementFigures((_name(sides[0]), _name(sides[1])), len(report.documents), layers,
                            report.token_kappa.kappa, report.token_kappa.n)


def _name(path: Path) -> str:
    return f"{FOLDER}/{path.name}"
