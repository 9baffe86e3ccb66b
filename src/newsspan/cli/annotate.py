"""Annotation command: ``annotate``, a local web application (library: :mod:`newsspan.annotate`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.text import Text

from ..corpus import Corpus
from .app import PathsArgument, RootOption, app, err_console, fail, selected_files


@app.command("annotate", rich_help_panel="Review")
def annotate_command(
    paths: PathsArgument = None,
    root: RootOption = Path("."),
    annotator: Annotated[
        Optional[str],  # noqa: UP045 - typer needs Optional on Python 3.10
        typer.Option("--annotator", help="Edit your own copies in agreement/NAME/ (double annotation)."),
    ] = None,
    suggestions: Annotated[
        Optional[Path],  # noqa: UP045
        typer.Option("--suggestions", help="Folder of machine suggestions (<id>.json, the shape of an annotation)."),
    ] = None,
    port: Annotated[int, typer.Option("--port", min=0, max=65535, help="Port (default: a free one).")] = 0,
    host: Annotated[str, typer.Option("--host", help="Address to listen on (default: loopback only).")] = "127.0.0.1",
    no_browser: Annotated[bool, typer.Option("--no-browser", help="Print the URL; do not open a browser.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="First line: one JSON object (url, port, token, "
                                                        "documents) instead of the bare URL.")] = False,
) -> None:
    """Annotate, correct and adjudicate documents in the browser; every save is validated (Ctrl+C stops).

    The first line on stdout is the page's URL with the session token (with --json, a JSON object holding
    it); the HTTP API is in the README.
    """
    import secrets
    import socket
    import webbrowser

    import uvicorn

    from ..annotate.app import create_app

    corpus = Corpus(root)
    files = selected_files(corpus, paths, as_json)
    if suggestions is not None and not suggestions.is_dir():
        raise fail(f"--suggestions: expected a folder; found nothing at {suggestions}", 2, as_json=as_json)
    if host not in ("127.0.0.1", "localhost", "::1"):
        err_console.print(Text.assemble(("warning: ", "bold yellow"), f"listening on {host}: other machines can "
                                        "reach this server; only the token protects the corpus"), soft_wrap=True)
    try:
        sock = socket.create_server((host, port), family=socket.AF_INET6 if ":" in host else socket.AF_INET)
    except OSError as exc:
        raise fail(f"--host {host} --port {port}: expected a free address to listen on; "
                   f"found {exc.strerror or exc}", as_json=as_json) from None
    token = secrets.token_urlsafe(24)
    try:
        application = create_app(root, token, port=sock.getsockname()[1], suggestions=suggestions,
                                 annotator=annotator, files=files)
    except ValueError as exc:
        sock.close()
        raise fail(str(exc), 2, as_json=as_json) from None
    shown = "127.0.0.1" if host in ("0.0.0.0", "localhost", "") else f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{sock.getsockname()[1]}/?token={token}"
    if as_json:
        store = application.state.session.store
        sys.stdout.write(json.dumps({"ok": True, "url": url, "port": sock.getsockname()[1], "token": token,
                                     "root": str(Path(root).resolve()), "annotator": annotator,
                                     "documents": store.listing()}, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(url + "\n")
    sys.stdout.flush()
    where = f"agreement/{annotator}/" if annotator else "annotations/"
    err_console.print(f"annotating {len(files)} document(s) of {Path(root).resolve()} (saved to {where}); "
                      "Ctrl+C stops", soft_wrap=True)
    if not no_browser:
        webbrowser.open(url)
    uvicorn.Server(uvicorn.Config(application, log_level="warning", lifespan="off")).run(sockets=[sock])
