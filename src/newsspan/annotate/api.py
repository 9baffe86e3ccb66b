"""The HTTP API of ``newsspan annotate`` (documented in the README's "Annotate a new article").

- ``GET /api/documents`` -> ``[{"id", "status", "file"}]``
- ``GET /api/documents/{id}`` -> the document exactly as in the file, with an ``ETag``
- ``PUT /api/documents/{id}`` with ``If-Match`` -> 200 and the new ``ETag``; 409 stale; 422 invalid
  (``validate --json`` shape); 400 not JSON; 404 unknown id; 428 without ``If-Match``
- ``GET /api/documents/{id}/context`` -> text, tokens, suggestions, guideline rules, label sets
- ``POST /api/timex`` -> a suggested TIMEX3 value for a span's text
- ``GET /api/adjudication/{id}?a=NAME&b=NAME`` -> both versions and every disagreement;
  ``POST .../merge`` -> gold from the choices (not saved); ``PUT /api/adjudication/{id}`` -> save gold

Every request needs the session token in ``X-Newsspan-Token`` and a Host/Origin of the server itself
(see :mod:`newsspan.annotate.app`); bodies and answers are JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..model import LAYERS, REFERENCES, SUBSPANS
from ..schema import annotation_statuses, claim_types, entity_labels, load_schema, quotation_forms, splits, timex_types
from . import adjudicate
from .guidance import guideline_sections, guidelines_file, suggest_timex
from .store import Conflict, Invalid, NotFound, Store


@dataclass
class Session:
    """What the API serves: the store, the suggestions folder, and who is annotating."""

    store: Store
    suggestions: Path | None = None


def error(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    """A refusal in the ``validate --json`` shape: ``{"ok": false, "errors": [{file, pointer, code, message}]}``."""
    body = {"ok": False, "errors": [{"file": "", "pointer": "", "code": code, "message": message}], **extra}
    return JSONResponse(body, status_code=status)


def _session(request: Request) -> Session:
    return request.app.state.session


def _json_bytes(data: bytes, tag: str, status: int = 200) -> Response:
    return Response(data, status_code=status, media_type="application/json", headers={"ETag": tag})


async def list_documents(request: Request) -> Response:
    """``GET /api/documents``: every document of the session with its status and file."""
    return JSONResponse(await run_in_threadpool(_session(request).store.listing))


async def get_document(request: Request) -> Response:
    """``GET /api/documents/{id}``: the file's bytes and ETag (an annotator's first copy: ETag "absent")."""
    store, doc_id = _session(request).store, request.path_params["doc_id"]
    try:
        data, tag = store.read(doc_id, own=True)
    except NotFound:
        return error(404, "not-found", f"expected the id of a document of this session; found {doc_id!r}")
    return _json_bytes(data if data is not None else store.starting_copy(doc_id), tag)


async def _body(request: Request) -> tuple[Any, Response | None]:
    try:
        return orjson.loads(await request.body()), None
    except orjson.JSONDecodeError as exc:
        return None, error(400, "json-malformed", f"expected a JSON body; found {exc.msg} at line {exc.lineno}")


async def put_document(request: Request) -> Response:
    """``PUT /api/documents/{id}``: validate and save the whole document if ``If-Match`` is current."""
    return await _save(request, target="own")


async def _save(request: Request, target: str, role: str = "annotator") -> Response:
    store, doc_id = _session(request).store, request.path_params["doc_id"]
    try:
        path = store.target_path(doc_id, target)
    except NotFound:
        return error(404, "not-found", f"expected the id of a document of this session; found {doc_id!r}")
    if_match = request.headers.get("if-match")
    if not if_match:
        return error(428, "precondition-required", "expected an If-Match header with the ETag the document was read at")
    doc, refusal = await _body(request)
    if refusal:
        return refusal
    try:
        data, tag = await run_in_threadpool(store.save, doc_id, doc, if_match, target=target, role=role)
    except Invalid as exc:
        return JSONResponse({"ok": False, "files": 1, "errors": exc.errors}, status_code=422)
    except Conflict as exc:
        try:
            current = orjson.loads(exc.current) if exc.current is not None else None
        except orjson.JSONDecodeError:
            current = None  # the file on disk is broken; the message still says a newer version is there
        return error(409, "conflict", f"{store.relative(path)}: expected the version with ETag {if_match}; "
                     f"found {exc.etag} on disk (saved from another page or by another person)",
                     current=current, etag=exc.etag)
    except OSError as exc:
        return error(500, "write-failed", f"{store.relative(path)}: could not write: {exc.strerror or exc}")
    return JSONResponse({"ok": True, "file": store.relative(path), "etag": tag, "document": orjson.loads(data)},
                        headers={"ETag": tag})


# --- context for the editor ---------------------------------------------------------------

#: The schema's definition of each layer's items.
ITEM_DEF = {"entities": "entity", "dates": "date", "quotations": "quotation", "claims": "claim"}


def labels() -> dict[str, Any]:
    """Label sets and span fields from the schema (the editor never keeps a list of its own)."""
    defs = load_schema()["$defs"]
    return {"entities": list(entity_labels()), "dates": list(timex_types()), "quotations": list(quotation_forms()),
            "claims": list(claim_types()), "mods": defs["date"]["properties"]["mod"]["enum"],
            "splits": list(splits()), "statuses": list(annotation_statuses()),
            "fields": {layer: sorted(defs[name]["properties"]) for layer, name in ITEM_DEF.items()},
            "references": [[layer, name, target] for (layer, name), target in REFERENCES.items()],
            "subspans": {layer: list(names) for layer, names in SUBSPANS.items()},
            "descriptions": {layer: {p: v.get("description", "") for p, v in defs[name]["properties"].items()}
                             for layer, name in ITEM_DEF.items()}}


def document_context(session: Session, doc_id: str) -> dict[str, Any]:
    """The canonical text, its tokens, the suggestions and the guideline rules for one document."""
    from ..tokenize import segment

    store = session.store
    data, _ = store.read(doc_id, own=True)
    problems: list[dict[str, str]] = []
    try:
        doc = orjson.loads(data if data is not None else store.starting_copy(doc_id))
        text = store.seed_text(doc)
    except orjson.JSONDecodeError as exc:
        text = None
        problems.append({"file": store.relative(store.own_path(doc_id)), "pointer": "", "code": "json-malformed",
                         "message": f"expected well-formed JSON; found {exc.msg} at line {exc.lineno} "
                                    "(fix the file in an editor, then reload)"})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        text = None
        problems.append({"file": store.relative(store.own_path(doc_id)), "pointer": "/seed/file",
                         "code": "seed-unreadable", "message": f"expected a readable UTF-8 seed; found {exc}"})
    tokens = segment(text) if text else None
    suggestions, suggestion_problems = read_suggestions(session.suggestions, doc_id, text)
    return {
        "id": doc_id, "file": store.relative(store.own_path(doc_id)), "annotator": store.annotator,
        "text": text, "tokens": [[int(s), int(e)] for s, e in zip(tokens.starts, tokens.ends, strict=True)]
        if tokens is not None else [],
        "suggestions": suggestions, "problems": problems + suggestion_problems,
        "guidelines": guideline_sections(guidelines_file(store.corpus.root)), "labels": labels(),
        "annotators": store.annotators(),
    }


def read_suggestions(folder: Path | None, doc_id: str, text: str | None) -> tuple[dict[str, list], list[dict]]:
    """Suggested spans of ``folder/<id>.json`` (same shape as an annotation); spans that do not fit the text
    are left out and reported, never silently."""
    empty: dict[str, list] = {layer: [] for layer in LAYERS}
    if folder is None or text is None:
        return empty, []
    path = folder / f"{doc_id}.json"
    if not path.is_file():
        return empty, []
    try:
        doc = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        return empty, [{"file": str(path), "pointer": "", "code": "suggestions-unreadable",
                        "message": f"expected a JSON annotation document; found {exc}"}]
    out, problems = dict(empty), []
    for layer in LAYERS:
        items = doc.get(layer) if isinstance(doc, dict) else None
        kept = []
        for i, span in enumerate(items if isinstance(items, list) else []):
            if _fits(span, text):
                kept.append(span)
            else:
                problems.append({"file": str(path), "pointer": f"/{layer}/{i}", "code": "suggestion-off-text",
                                 "message": "expected a span whose text is the slice of the document's text; "
                                            "found one that is not (left out)"})
        out[layer] = kept
    return out, problems


def _fits(span: Any, text: str) -> bool:
    """True for a span dict whose integer offsets lie in ``text`` and whose ``text`` is that slice."""
    if not isinstance(span, dict) or not isinstance(span.get("start"), int) or not isinstance(span.get("end"), int):
        return False
    return 0 <= span["start"] < span["end"] <= len(text) and span.get("text") == text[span["start"]:span["end"]]


async def get_context(request: Request) -> Response:
    """``GET /api/documents/{id}/context``: what the editor needs besides the document itself."""
    session, doc_id = _session(request), request.path_params["doc_id"]
    if doc_id not in session.store.gold:
        return error(404, "not-found", f"expected the id of a document of this session; found {doc_id!r}")
    return JSONResponse(await run_in_threadpool(document_context, session, doc_id))


async def post_timex(request: Request) -> Response:
    """``POST /api/timex`` ``{"text", "metadata", "anchor_value", "anchor_id"}`` -> a suggestion or null."""
    body, refusal = await _body(request)
    if refusal:
        return refusal
    if not isinstance(body, dict) or not isinstance(body.get("text"), str):
        return error(400, "bad-request", "expected {\"text\": ..., \"metadata\": ...}")
    suggestion = suggest_timex(body["text"], body.get("metadata") or {}, body.get("anchor_value"),
                               body.get("anchor_id"))
    return JSONResponse({"suggestion": suggestion})


# --- adjudication -------------------------------------------------------------------------

def _two_sides(session: Session, doc_id: str, a: str, b: str) -> dict[str, Any]:
    """Both annotators' documents (parsed), their ETags, the text and every disagreement."""
    store = session.store
    sides = {}
    for key, name in (("a", a), ("b", b)):
        data, tag = store.read(doc_id, name)
        if data is None:
            raise NotFound(f"{store.relative(store.path(doc_id, name))}")
        sides[key] = {"name": name, "file": store.relative(store.path(doc_id, name)), "etag": tag,
                      "document": orjson.loads(data)}
    problems = []
    for side in sides.values():
        problems += store.validate(side["file"], store.corpus.root / side["file"])
    text = store.seed_text(sides["a"]["document"]) if not problems else None
    found = adjudicate.disagreements(text, sides["a"]["document"], sides["b"]["document"], (a, b)) \
        if not problems else []
    _, gold_tag = store.read(doc_id)
    return {**sides, "text": text, "disagreements": found, "problems": problems, "gold_etag": gold_tag,
            "gold_file": store.relative(store.path(doc_id))}


async def get_adjudication(request: Request) -> Response:
    """``GET /api/adjudication/{id}?a=NAME&b=NAME``: both versions side by side, every disagreement."""
    session, doc_id = _session(request), request.path_params["doc_id"]
    a, b = request.query_params.get("a", ""), request.query_params.get("b", "")
    try:
        return JSONResponse(await run_in_threadpool(_two_sides, session, doc_id, a, b))
    except NotFound as exc:
        return error(404, "not-found", f"expected both annotators' copies of {doc_id!r}; found none for {exc}")


async def post_merge(request: Request) -> Response:
    """``POST /api/adjudication/{id}/merge`` ``{"a", "b", "a_etag", "b_etag", "choices": {index: "left"|"right"}}``
    -> the gold document those choices give (not saved)."""
    session, doc_id = _session(request), request.path_params["doc_id"]
    body, refusal = await _body(request)
    if refusal:
        return refusal
    if not isinstance(body, dict) or not isinstance(body.get("choices"), dict):
        return error(400, "bad-request", "expected {\"a\", \"b\", \"a_etag\", \"b_etag\", \"choices\"}")
    try:
        sides = await run_in_threadpool(_two_sides, session, doc_id, str(body.get("a")), str(body.get("b")))
    except NotFound as exc:
        return error(404, "not-found", f"expected both annotators' copies of {doc_id!r}; found none for {exc}")
    if (sides["a"]["etag"], sides["b"]["etag"]) != (body.get("a_etag"), body.get("b_etag")):
        return error(409, "conflict", "expected the annotators' versions that were shown; one changed since")
    choices = {int(k): v for k, v in body["choices"].items() if str(k).isdigit() and v in adjudicate.CHOICES}
    doc_a, doc_b = sides["a"]["document"], sides["b"]["document"]
    gold = adjudicate.merge(doc_a, doc_b, sides["disagreements"], choices)
    adjudicate.adjudicated(gold, doc_a, doc_b, session.store.annotator)
    return JSONResponse({"ok": True, "document": gold})


async def put_gold(request: Request) -> Response:
    """``PUT /api/adjudication/{id}`` with ``If-Match``: save the adjudicated gold to ``annotations/``."""
    return await _save(request, target="gold", role="adjudicator")


async def get_gold(request: Request) -> Response:
    """``GET /api/adjudication/{id}/gold``: the gold file's bytes and ETag."""
    store, doc_id = _session(request).store, request.path_params["doc_id"]
    try:
        data, tag = store.read(doc_id)
    except NotFound:
        return error(404, "not-found", f"expected the id of a document of this session; found {doc_id!r}")
    return _json_bytes(data or b"null", tag)


async def not_found(request: Request) -> Response:
    """Any other ``/api/`` path (``../`` ids included): 404."""
    return error(404, "not-found", f"expected an API path; found {request.url.path!r}")


ROUTES = [
    Route("/api/documents", list_documents, methods=["GET"]),
    Route("/api/documents/{doc_id}", get_document, methods=["GET"]),
    Route("/api/documents/{doc_id}", put_document, methods=["PUT"]),
    Route("/api/documents/{doc_id}/context", get_context, methods=["GET"]),
    Route("/api/timex", post_timex, methods=["POST"]),
    Route("/api/adjudication/{doc_id}", get_adjudication, methods=["GET"]),
    Route("/api/adjudication/{doc_id}", put_gold, methods=["PUT"]),
    Route("/api/adjudication/{doc_id}/gold", get_gold, methods=["GET"]),
    Route("/api/adjudication/{doc_id}/merge", post_merge, methods=["POST"]),
    Route("/api/{rest:path}", not_found, methods=["GET", "PUT", "POST", "DELETE", "PATCH"]),
]
