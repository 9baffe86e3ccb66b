"""Annotation review: the HTML review page, consistency checks, and inter-annotator agreement."""
