"""Where validation and the build run: in this machine's processes (``local``) or on a Dask cluster (``dask``).

An engine does the two pieces of work that grow with the corpus -- validating files and writing the
parquet shards -- and nothing else; listing files, the card, Croissant and checksums stay with the
caller. Both engines give the same problems in the same order and byte-identical shards
(``docs/scaling.md``). The local engine is the default and needs no Dask; the Dask engine
(:mod:`.cluster`, extra ``[scale]``) imports it only when opened.

    with open_engine("dask", "local") as engine:          # or a scheduler address, tcp://host:8786
        report = engine.validate(corpus, files)
        tables = engine.write_tables(corpus, files, folder)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ..corpus import Corpus
from ..validation import Report

if TYPE_CHECKING:
    from ..dataset.parquet import DocumentHook, Tables

#: The engines ``--engine`` accepts.
ENGINES = ("local", "dask")
#: ``--scheduler`` value that starts a Dask ``LocalCluster`` on this machine.
LOCAL_SCHEDULER = "local"


class EngineError(Exception):
    """The engine could not do the work (scheduler unreachable, workers lost); the message says which."""


class Engine(Protocol):
    """What ``validate`` and ``build`` need from an engine."""

    name: str

    def validate(self, corpus: Corpus, files: list[str], *, jobs: int = 1, use_cache: bool = False,
                 progress: Callable[[int], None] | None = None, stats: dict[str, int] | None = None) -> Report:
        """Every problem of ``files``, in file order (as :func:`newsspan.validation.validate`)."""

    def write_tables(self, corpus: Corpus, files: list[str], folder: Path, *, shard_rows: int,
                     jobs: int = 1, on_document: DocumentHook | None = None) -> Tables:
        """The parquet shards of every config in ``folder/data`` (as :func:`newsspan.dataset.parquet.write_tables`)."""


class LocalEngine:
    """This machine: one process or a process pool (``jobs``); the validation cache when asked."""

    name = "local"

    def validate(self, corpus: Corpus, files: list[str], *, jobs: int = 1, use_cache: bool = False,
                 progress: Callable[[int], None] | None = None, stats: dict[str, int] | None = None,
                 **kwargs: object) -> Report:
        from ..validation import validate

        return validate(corpus, files, jobs=jobs, use_cache=use_cache, progress=progress, stats=stats,
                        **kwargs)  # type: ignore[arg-type]

    def write_tables(self, corpus: Corpus, files: list[str], folder: Path, *, shard_rows: int,
                     jobs: int = 1, on_document: DocumentHook | None = None) -> Tables:
        from ..dataset.parquet import write_tables

        return write_tables(corpus, files, folder, shard_rows=shard_rows, jobs=jobs, on_document=on_document)


LOCAL = LocalEngine()


@contextmanager
def open_engine(name: str = "local", scheduler: str | None = None) -> Iterator[Engine]:
    """The engine called ``name``; for ``dask``, connected to ``scheduler`` (an address, or ``local``:
    a ``LocalCluster`` on this machine, the default) and closed again on exit."""
    if name == "local":
        yield LOCAL
        return
    if name != "dask":
        raise ValueError(f"--engine: expected one of {', '.join(ENGINES)}; found {name!r}")
    from .cluster import DaskEngine, connect  # imports dask: only this engine needs the [scale] extra

    with connect(scheduler or LOCAL_SCHEDULER) as client:
        yield DaskEngine(client)


__all__ = ["ENGINES", "LOCAL", "LOCAL_SCHEDULER", "Engine", "EngineError", "LocalEngine", "open_engine"]
