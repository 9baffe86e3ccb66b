"""The ``newsspan`` command: one sub-command per stage of the data flow, one module per stage.

Every command takes ``--root`` (the corpus root, default the current folder) and prints
tables for people or, with ``--json``, one JSON object for scripts and CI.
Exit codes: 0 success, 1 invalid input or failed check, 2 usage error.

``app`` holds the shared options and helpers; ``corpus``, ``review``, ``dataset``, ``formats`` and
``train`` register their commands on it when imported; ``render`` draws the tables.
"""

from __future__ import annotations

import sys
from importlib import import_module

from .app import app, environment_fault, fail, missing_extra, tolerant_streams

__all__ = ["app", "main"]

#: The command modules; importing one registers its commands, and this order is the order of `newsspan --help`.
COMMAND_MODULES = ("corpus", "suggest", "annotate", "review", "evaluate", "train", "dataset", "formats")
for _name in COMMAND_MODULES:
    import_module(f"{__name__}.{_name}")


def main() -> None:
    """Entry point of the ``newsspan`` console script.

    Faults of the environment end every command the same way, never with a traceback: a missing
    optional extra names the ``pip install``; an ``OSError`` (disk full, read-only, file too large)
    names the path. Both exit 1, with a JSON error on stdout under ``--json``.
    """
    tolerant_streams()
    argv = sys.argv[1:]
    as_json = "--json" in argv
    try:
        app()
    except ModuleNotFoundError as exc:  # a command of an extra that is not installed
        message = missing_extra(exc, next((a for a in argv if not a.startswith("-")), None))
        if message is None:
            raise
        fail(message, as_json=as_json)
        raise SystemExit(1) from None
    except OSError as exc:
        fail(environment_fault(exc), as_json=as_json)
        raise SystemExit(1) from None
