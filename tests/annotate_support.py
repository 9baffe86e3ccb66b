"""A real uvicorn server running ``newsspan annotate``'s application on a free loopback port (test helper)."""

from __future__ import annotations

import secrets
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import uvicorn

from newsspan.annotate.app import create_app

from .conftest import REPO


@dataclass(frozen=True)
class Running:
    """A started server: its base URL, session token and page URL."""

    base: str
    token: str
    port: int

    @property
    def page(self) -> str:
        return f"{self.base}/?token={self.token}"

    @property
    def headers(self) -> dict[str, str]:
        return {"X-Newsspan-Token": self.token}


@contextmanager
def serve(root: Path, *, annotator: str | None = None, suggestions: Path | None = None,
          files: list[Path] | None = None) -> Iterator[Running]:
    """Serve the corpus at ``root`` with uvicorn in a thread until the block ends."""
    token = secrets.token_urlsafe(16)
    sock = socket.create_server(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    app = create_app(root, token, port=port, suggestions=suggestions, annotator=annotator, files=files)
    # the page's first request needs spaCy's tokenizer: a cold import takes tens of seconds under load, more than
    # a page's wait for its text, so the server counts as started once the app has loaded it
    app.state.warming.join()
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the annotate server did not start")
        time.sleep(0.02)
    try:
        yield Running(f"http://127.0.0.1:{port}", token, port)
    finally:
        server.should_exit = True
        thread.join(20)
        sock.close()


def copy_corpus(tmp_path: Path, source: Path = REPO, with_agreement: bool = False) -> Path:
    """A writable copy of a corpus root (seeds/, annotations/, and agreement/ if asked) in ``tmp_path``."""
    root = tmp_path / "corpus"
    folders = ("seeds", "annotations", "agreement") if with_agreement else ("seeds", "annotations")
    for folder in folders:
        if (source / folder).is_dir():
            shutil.copytree(source / folder, root / folder, ignore=shutil.ignore_patterns("*.md"))
    return root
