#!/usr/bin/env python
"""Train a spaCy NER pipeline on the corpus: the same as ``newsspan train`` (see docs/training.md).

    python scripts/train_spacy_ner.py --root . --out training --max-steps 500

It runs through the console script's entry point, so a missing extra or a full disk ends with the
same one-line error, never a traceback.
"""

from __future__ import annotations

import sys

from newsspan.cli import main

if __name__ == "__main__":
    sys.argv = [sys.argv[0], "train", *sys.argv[1:]]
    main()
