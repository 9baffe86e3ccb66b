"""``python -m newsspan`` runs the command-line interface."""

from .cli import main

if __name__ == "__main__":  # Dask's LocalCluster starts workers that import this module again
    main()
