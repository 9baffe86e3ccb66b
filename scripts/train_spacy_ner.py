#!/usr/bin/env python
"""Train a spaCy NER pipeline on the corpus: the same as ``newsspan train`` (see docs/training.md).

    python scripts/train_spacy_ner.py --root . --out training --max-steps 500
"""

from __future__ import annotations

import sys

from newsspan.cli import app

if __name__ == "__main__":
    app(["train", *sys.argv[1:]], prog_name="train_spacy_ner.py")
