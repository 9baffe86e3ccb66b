"""The Starlette application of ``newsspan annotate``: the page, its static files and the API, guarded.

Guards (every request): the ``Host`` header must name the server itself (``localhost`` or an IP address,
with the server's port) and an ``Origin``, when sent, must be that same origin — this defeats DNS
rebinding; every ``/api/`` request must carry the session token in ``X-Newsspan-Token`` — this keeps out
other local processes and cross-site requests. Refusals are 403. The page allows only its own scripts
and styles (Content-Security-Policy) and renders every text as text.
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .api import ROUTES, Session
from .store import Store

STATIC = Path(__file__).parent / "static"
TOKEN_HEADER = "X-Newsspan-Token"
CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
       "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

#: Sent with every answer: the page's Content-Security-Policy, and no caching of documents.
SECURITY_HEADERS = [(b"content-security-policy", CSP.encode()), (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"), (b"cache-control", b"no-store")]

Scope = MutableMapping[str, Any]
ASGIApp = Callable[[Scope, Callable[[], Awaitable[Any]], Callable[[Any], Awaitable[None]]], Awaitable[None]]


def host_allowed(host: str, port: int) -> bool:
    """True for ``localhost:PORT`` or ``<IP address>:PORT`` (a name an attacker's DNS could rebind is refused)."""
    name, sep, port_text = host.rpartition(":")
    if not sep or port_text != str(port):
        return False
    if name.lower() == "localhost":
        return True
    try:
        ipaddress.ip_address(name.strip("[]"))
    except ValueError:
        return False
    return True


class Guard:
    """ASGI middleware: Host/Origin must be the server's own, API requests must carry the token (else 403)."""

    def __init__(self, app: ASGIApp, token: str, port: int) -> None:
        self.app, self.token, self.port = app, token, port

    async def __call__(self, scope: Scope, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        reason = self.refusal(request)
        if reason:
            response = JSONResponse({"ok": False, "errors": [{"file": "", "pointer": "", "code": "forbidden",
                                                              "message": reason}]}, status_code=403)
            await response(scope, receive, send)
            return

        async def send_with_headers(message: Any) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, send_with_headers)

    def refusal(self, request: Request) -> str | None:
        """Why a request is refused, or None."""
        host = request.headers.get("host", "")
        if not host_allowed(host, self.port):
            return f"expected the Host of this server (127.0.0.1:{self.port}); found {host!r}"
        origin = request.headers.get("origin")
        if origin is not None and origin != f"http://{host}":
            return f"expected requests from http://{host}; found Origin {origin!r}"
        if request.url.path.startswith("/api/"):
            sent = request.headers.get(TOKEN_HEADER, "")
            if not hmac.compare_digest(sent.encode(), self.token.encode()):
                return f"expected the session token in the {TOKEN_HEADER} header (from the URL annotate printed)"
        return None


async def index(request: Request) -> Response:
    """The single page (``/``); it reads the token from its own URL."""
    return FileResponse(STATIC / "index.html", media_type="text/html; charset=utf-8")


async def no_icon(request: Request) -> Response:
    """``/favicon.ico``: nothing (browsers ask for it)."""
    return Response(status_code=204)


def create_app(root: Path, token: str, *, port: int, suggestions: Path | None = None, annotator: str | None = None,
               files: list[Path] | None = None) -> Any:
    """The annotate application for the corpus at ``root``, serving on ``port`` with session ``token``.

    ``files`` restricts the session to some annotation files (default: all of ``annotations/``),
    ``annotator`` makes the session edit ``agreement/<annotator>/<id>.json`` copies, ``suggestions``
    is a folder of machine suggestions (``<id>.json``, the shape of an annotation file).
    Raises ValueError for files outside the root's ``annotations/`` or an unusable annotator name.
    """
    store = Store.open(root, files or [], annotator)
    app = Starlette(
        routes=[Route("/", index), Route("/favicon.ico", no_icon), *ROUTES,
                Mount("/static", StaticFiles(directory=STATIC), name="static")],
        middleware=[Middleware(Guard, token=token, port=port)],
    )
    app.state.session = Session(store, Path(suggestions).resolve() if suggestions else None)
    app.state.warming = threading.Thread(target=_warm_tokenizer, name="newsspan-warm-spacy", daemon=True)
    app.state.warming.start()  # join it to wait until the first page opens without the import
    return app


def _warm_tokenizer() -> None:
    """Load spaCy's tokenizer while the browser opens (the first import takes seconds on a cold start)."""
    from ..tokenize import segment

    segment("warm up")
