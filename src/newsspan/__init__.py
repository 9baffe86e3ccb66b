"""newsspan: news articles as a span-annotated NLP corpus, published as a Hugging Face dataset."""

from .corpus import Corpus
from .text import canonical_text, text_sha256
from .validate import Problem, Report, validate

__version__ = "0.1.0"

__all__ = ["Corpus", "Problem", "Report", "__version__", "canonical_text", "text_sha256", "validate"]
