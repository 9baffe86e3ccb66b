"""``python -m newsspan`` runs the command-line interface."""

from .cli import main

main()
