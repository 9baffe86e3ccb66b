"""The HTTP API of ``newsspan annotate``, against a real uvicorn server on a free loopback port (httpx client).

Every status code the README promises: 200 with ETag, 409 on a stale ETag, 422 in the ``validate --json``
shape, 400 for a body that is not JSON, 404 for unknown and ``../`` ids, 403 without the token or with a
foreign Origin or Host; on every refusal the file on disk is unchanged.
"""

from __future__ import annotations

import http.client
import json
import socket
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from newsspan.corpus import Corpus
from newsspan.validation import validate

from .annotate_support import copy_corpus, serve
from .conftest import REPO, SEED_ID

DOC = f"/api/documents/{SEED_ID}"


@pytest.fixture
def root(tmp_path: Path) -> Path:
    return copy_corpus(tmp_path, with_agreement=True)


@pytest.fixture
def server(root: Path):
    with serve(root) as running:
        yield running


@pytest.fixture
def client(server):
    with httpx.Client(base_url=server.base, headers=server.headers, timeout=30) as c:
        yield c


def test_list_and_get_return_the_file_exactly_with_an_etag(client, root):
    listing = client.get("/api/documents")
    assert listing.status_code == 200
    assert listing.json() == [{"id": SEED_ID, "status": "adjudicated", "file": f"annotations/{SEED_ID}.json"}]
    got = client.get(DOC)
    assert got.status_code == 200
    assert got.content == (root / "annotations" / f"{SEED_ID}.json").read_bytes()
    assert got.headers["etag"].startswith('"') and len(got.headers["etag"]) > 10
    assert client.get(DOC).headers["etag"] == got.headers["etag"]  # a content hash: stable


def test_put_saves_a_valid_document_and_updates_provenance(client, root):
    got = client.get(DOC)
    doc = got.json()
    doc["entities"][0]["label"] = "LOC"
    saved = client.put(DOC, json=doc, headers={"If-Match": got.headers["etag"]})
    assert saved.status_code == 200, saved.text
    on_disk = json.loads((root / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    assert on_disk["entities"][0]["label"] == "LOC"
    assert on_disk["annotation"]["modified"] >= doc["annotation"]["modified"]
    assert saved.headers["etag"] == saved.json()["etag"] != got.headers["etag"]
    assert client.get(DOC).headers["etag"] == saved.headers["etag"]
    assert validate(Corpus(root)).ok


def test_stale_etag_is_409_and_the_file_is_unchanged(client, root):
    path = root / "annotations" / f"{SEED_ID}.json"
    got = client.get(DOC)
    first, second = got.json(), got.json()
    first["entities"][0]["label"] = "LOC"
    assert client.put(DOC, json=first, headers={"If-Match": got.headers["etag"]}).status_code == 200
    before = path.read_bytes()
    second["entities"][0]["label"] = "ORG"
    refused = client.put(DOC, json=second, headers={"If-Match": got.headers["etag"]})
    assert refused.status_code == 409
    body = refused.json()
    assert body["ok"] is False and body["errors"][0]["code"] == "conflict"
    assert body["current"]["entities"][0]["label"] == "LOC"  # the version on disk, for the conflict view
    assert body["etag"] == client.get(DOC).headers["etag"]
    assert path.read_bytes() == before


def test_invalid_document_is_422_in_the_validate_json_shape_and_the_file_is_unchanged(client, root):
    path = root / "annotations" / f"{SEED_ID}.json"
    before = path.read_bytes()
    got = client.get(DOC)
    doc = got.json()
    doc["entities"][3]["end"] += 1  # text no longer the slice
    doc["claims"][0]["claimant"] = "e999"
    refused = client.put(DOC, json=doc, headers={"If-Match": got.headers["etag"]})
    assert refused.status_code == 422
    body = refused.json()
    assert body["ok"] is False
    codes = {(e["pointer"], e["code"]) for e in body["errors"]}
    assert any(c == "span-text-mismatch" and p.startswith("/entities/3") for p, c in codes)
    assert any(c == "dangling-reference" and p.startswith("/claims/0") for p, c in codes)
    assert all(set(e) == {"file", "pointer", "code", "message"} for e in body["errors"])
    assert all(e["file"] == f"annotations/{SEED_ID}.json" for e in body["errors"])
    assert path.read_bytes() == before
    # the oracle: `newsspan validate --json` on the same document written to disk reports the same problems
    path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    cli = subprocess.run([sys.executable, "-m", "newsspan", "validate", "--json", "--no-cache"],
                         capture_output=True, text=True, cwd=root, env=_env())
    assert {(e["pointer"], e["code"]) for e in json.loads(cli.stdout)["errors"]} == codes


def _env() -> dict[str, str]:
    import os

    return {**os.environ, "PYTHONPATH": str(REPO / "src")}


def test_body_that_is_not_json_is_400(client, root):
    path = root / "annotations" / f"{SEED_ID}.json"
    before = path.read_bytes()
    tag = client.get(DOC).headers["etag"]
    refused = client.put(DOC, content=b"{not json", headers={"If-Match": tag, "Content-Type": "application/json"})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["code"] == "json-malformed"
    assert path.read_bytes() == before


def test_put_without_if_match_is_refused(client, root):
    before = (root / "annotations" / f"{SEED_ID}.json").read_bytes()
    assert client.put(DOC, json=client.get(DOC).json()).status_code == 428
    assert (root / "annotations" / f"{SEED_ID}.json").read_bytes() == before


@pytest.mark.parametrize("path", [
    "/api/documents/no-such-document",
    "/api/documents/../../etc/passwd",
    "/api/documents/..%2F..%2Fseeds%2F000_6260d41548216105.txt",
    "/api/documents/%2e%2e",
    "/api/documents/..",
    "/api/documents/ISLAMABADPOST-214638",
])
def test_unknown_and_traversing_ids_are_404(server, path):
    # http.client sends the path as written (httpx would normalise ../ away first)
    for method, body, extra in (("GET", None, {}), ("PUT", b"{}", {"If-Match": '"x"'})):
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
        connection.request(method, path, body=body, headers={**server.headers, **extra})
        assert connection.getresponse().status == 404
        connection.close()


def test_requests_without_the_token_are_403(server):
    for headers in ({}, {"X-Newsspan-Token": "wrong"}):
        with httpx.Client(base_url=server.base, headers=headers) as c:
            assert c.get("/api/documents").status_code == 403
            assert c.get(DOC).status_code == 403
            assert c.put(DOC, json={}, headers={"If-Match": '"x"'}).status_code == 403


def test_foreign_origin_and_host_are_403_and_nothing_is_written(server, root):
    path = root / "annotations" / f"{SEED_ID}.json"
    before = path.read_bytes()
    with httpx.Client(base_url=server.base, headers=server.headers) as c:
        tag = c.get(DOC).headers["etag"]
        doc = c.get(DOC).json()
        assert c.get("/api/documents", headers={"Origin": "http://evil.example"}).status_code == 403
        assert c.put(DOC, json=doc, headers={"If-Match": tag, "Origin": "http://evil.example"}).status_code == 403
        assert c.get("/api/documents", headers={"Host": f"evil.example:{server.port}"}).status_code == 403
        assert c.get("/", headers={"Host": f"rebound.example:{server.port}"}).status_code == 403
        assert c.get("/api/documents", headers={"Host": f"127.0.0.1:{server.port + 1}"}).status_code == 403
        # the server's own origin, by address or as localhost, is accepted
        assert c.get("/api/documents", headers={"Origin": server.base}).status_code == 200
        local = {"Host": f"localhost:{server.port}", "Origin": f"http://localhost:{server.port}"}
        assert c.get("/api/documents", headers=local).status_code == 200
    assert path.read_bytes() == before


def test_page_and_static_files_are_served_with_a_strict_csp(server):
    with httpx.Client(base_url=server.base) as c:  # the page itself needs no token; the API does
        page = c.get("/")
        assert page.status_code == 200 and "text/html" in page.headers["content-type"]
        assert "script-src 'self'" in page.headers["content-security-policy"]
        assert "default-src 'none'" in page.headers["content-security-policy"]
        assert c.get("/static/app.js").status_code == 200
        assert c.get("/static/../store.py").status_code == 404


def test_annotator_copies_live_under_agreement(root):
    with serve(root, annotator="carol") as running, httpx.Client(base_url=running.base, headers=running.headers) as c:
        listing = c.get("/api/documents").json()
        assert listing == [{"id": SEED_ID, "status": "draft", "file": f"agreement/carol/{SEED_ID}.json"}]
        got = c.get(DOC)
        assert got.headers["etag"] == '"absent"'
        doc = got.json()
        assert all(doc[layer] == [] for layer in ("entities", "dates", "quotations", "claims"))
        gold_before = (root / "annotations" / f"{SEED_ID}.json").read_bytes()
        doc["entities"] = [{"id": "e1", "start": 0, "end": 6, "text": "ASTANA", "label": "GPE"}]
        saved = c.put(DOC, json=doc, headers={"If-Match": '"absent"'})
        assert saved.status_code == 200, saved.text
        copy = json.loads((root / "agreement" / "carol" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
        assert copy["entities"][0]["text"] == "ASTANA" and copy["annotation"]["annotators"] == ["carol"]
        assert (root / "annotations" / f"{SEED_ID}.json").read_bytes() == gold_before
        assert c.put(DOC, json=doc, headers={"If-Match": '"absent"'}).status_code == 409  # it exists now


def test_adjudication_merges_two_annotators_into_gold(root):
    a_path = root / "agreement" / "annotator-a" / f"{SEED_ID}.json"
    b_path = root / "agreement" / "annotator-b" / f"{SEED_ID}.json"
    b = json.loads(b_path.read_text(encoding="utf-8"))
    b["entities"][0]["label"] = "LOC"  # one more disagreement than the seed's own
    b_path.write_text(json.dumps(b, ensure_ascii=False, indent=2), encoding="utf-8")
    with serve(root, annotator="adjudicator") as running, \
            httpx.Client(base_url=running.base, headers=running.headers, timeout=60) as c:
        adj = c.get(f"/api/adjudication/{SEED_ID}", params={"a": "annotator-a", "b": "annotator-b"}).json()
        assert adj["problems"] == []
        found = adj["disagreements"]
        label = next(i for i, d in enumerate(found) if d["kind"] == "label" and d["layer"] == "entities")
        assert found[label]["a_id"] == "e1"
        choices = {str(i): "left" for i in range(len(found))} | {str(label): "right"}
        merged = c.post(f"/api/adjudication/{SEED_ID}/merge", json={
            "a": "annotator-a", "b": "annotator-b", "a_etag": adj["a"]["etag"], "b_etag": adj["b"]["etag"],
            "choices": choices}).json()["document"]
        assert merged["entities"][0]["label"] == "LOC"
        assert merged["annotation"]["status"] == "adjudicated"
        saved = c.put(f"/api/adjudication/{SEED_ID}", json=merged, headers={"If-Match": adj["gold_etag"]})
        assert saved.status_code == 200, saved.text
    gold = json.loads((root / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    assert gold["entities"][0]["label"] == "LOC" and gold["annotation"]["status"] == "adjudicated"
    assert "adjudicator" in gold["annotation"]["reviewers"]
    a = json.loads(a_path.read_text(encoding="utf-8"))
    assert [e["text"] for e in gold["entities"]] == [e["text"] for e in a["entities"]]
    assert validate(Corpus(root)).ok


def test_timex_suggestion_endpoint(client):
    metadata = client.get(DOC).json()["metadata"]
    answer = client.post("/api/timex", json={"text": "February 3", "metadata": metadata}).json()["suggestion"]
    assert (answer["value"], answer["anchor"]) == ("2026-02-03", "dct")


def test_cli_prints_the_url_first_and_serves_it(root):
    process = subprocess.Popen([sys.executable, "-m", "newsspan", "annotate", "--no-browser", "--root", str(root)],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        first = process.stdout.readline().strip()
        assert first.startswith("http://127.0.0.1:") and "/?token=" in first
        base, token = first.split("/?token=")
        assert httpx.get(f"{base}/api/documents", headers={"X-Newsspan-Token": token}).status_code == 200
        assert httpx.get(f"{base}/api/documents").status_code == 403
    finally:
        process.terminate()
        process.wait(20)


def test_cli_json_first_line_is_one_object(root):
    process = subprocess.Popen([sys.executable, "-m", "newsspan", "annotate", "--no-browser", "--json", "--root",
                                str(root)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=_env())
    try:
        first = json.loads(process.stdout.readline())
        assert first["url"] == f"http://127.0.0.1:{first['port']}/?token={first['token']}"
        assert [d["id"] for d in first["documents"]] == [SEED_ID]
        answer = httpx.get(f"http://127.0.0.1:{first['port']}/api/documents",
                           headers={"X-Newsspan-Token": first["token"]})
        assert answer.json() == first["documents"]
    finally:
        process.terminate()
        process.wait(20)


def test_cli_usage_errors(root, tmp_path):
    run = [sys.executable, "-m", "newsspan", "annotate", "--no-browser", "--root", str(root)]
    bad = subprocess.run([*run, str(tmp_path / "missing.json")], capture_output=True, text=True, env=_env())
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    bad = subprocess.run([*run, "--annotator", "../x"], capture_output=True, text=True, env=_env())
    assert bad.returncode == 2 and "annotator" in bad.stderr and "Traceback" not in bad.stderr
    bad = subprocess.run([*run, "--suggestions", str(tmp_path / "nope")], capture_output=True, text=True, env=_env())
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    with socket.create_server(("127.0.0.1", 0)) as taken:
        busy = subprocess.run([*run, "--port", str(taken.getsockname()[1])], capture_output=True, text=True, env=_env())
    assert busy.returncode == 1 and "expected a free address" in busy.stderr and "Traceback" not in busy.stderr


def test_simultaneous_saves_with_one_etag_one_wins_one_conflicts(client, root):
    from concurrent.futures import ThreadPoolExecutor

    got = client.get(DOC)
    tag = got.headers["etag"]
    versions = []
    for label in ("LOC", "ORG", "NORP", "FAC"):
        doc = got.json()
        doc["entities"][0]["label"] = label
        versions.append(doc)
    with ThreadPoolExecutor(4) as pool:
        answers = list(pool.map(lambda d: client.put(DOC, json=d, headers={"If-Match": tag}), versions))
    assert sorted(a.status_code for a in answers) == [200, 409, 409, 409]
    winner = versions[[a.status_code for a in answers].index(200)]
    on_disk = json.loads((root / "annotations" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    assert on_disk["entities"][0]["label"] == winner["entities"][0]["label"]
