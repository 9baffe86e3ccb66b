"""newsspan: news articles as a span-annotated NLP corpus, published as a Hugging Face dataset.

The modules follow the data flow: ``text`` (canonical text, offsets) -> ``schema`` / ``model`` ->
``corpus`` -> ``validation`` -> ``build`` / ``card`` / ``stats`` / ``publish`` (the dataset),
``formats`` (converters), ``train`` (models), ``review`` (pages, checks, agreement); ``cli`` wires them.
"""

from .corpus import Corpus
from .text import canonical_text, text_sha256

__version__ = "0.1.0"

__all__ = ["Corpus", "__version__", "canonical_text", "text_sha256"]
