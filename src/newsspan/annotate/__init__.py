"""``newsspan annotate``: a local web application to annotate, correct and adjudicate a corpus.

``app.create_app`` builds the Starlette application; ``api`` holds the HTTP API, ``store`` the
documents on disk (atomic writes, ETags, optimistic concurrency), ``adjudicate`` the merge of two
annotators' versions into gold, ``guidance`` the guideline sections and TIMEX3 value suggestions.
"""
