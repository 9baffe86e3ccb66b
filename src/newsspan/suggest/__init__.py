"""Machine suggestions for all four layers, kept apart from gold (issue 12).

``suggest_layers(doc, text, layers, gazetteer, model)`` returns suggested spans with ids and provenance;
``pipeline.run`` writes suggestion files; ``accept.accept`` moves chosen spans into the gold annotations.
"""

from .common import RULES_VERSION
from .entities import Gazetteer
from .pipeline import SuggestError, suggest_layers, suggestion_document

__all__ = ["RULES_VERSION", "Gazetteer", "SuggestError", "suggest_layers", "suggestion_document"]
