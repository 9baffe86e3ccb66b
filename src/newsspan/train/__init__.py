"""Models from the corpus: spaCy NER training (:mod:`.spacy_ner`) and subword label alignment
for transformers token classification (:mod:`.align`). Needs the ``[train]`` extra."""
