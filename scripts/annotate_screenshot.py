"""Screenshot of the annotate page for the docs: ``python scripts/annotate_screenshot.py [--force]``.

Copies the repository's seeds and annotations into a temporary corpus root, serves it with
``newsspan.annotate`` on a free loopback port (real uvicorn), opens the page in Debian's chromium
(Playwright, system executable) at 1280x800, selects a quotation so its form, speaker and guideline
rules show, and writes ``docs/annotate-screenshot.png`` (refuses to replace it without ``--force``).
"""

from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import sys
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from browser import CHROMIUM  # scripts/browser.py: the one way scripts and tests start chromium
from browser import chromium as browser_of

from newsspan.annotate.app import create_app
from newsspan.files import FileExistsRefusal, atomic_write_bytes

REPO = Path(__file__).resolve().parents[1]


def screenshot(url: str, span: str, width: int, height: int, chromium: str) -> bytes:
    """PNG of the page's viewport with the span ``span`` (layer:id) selected."""
    layer, span_id = span.split(":")
    with browser_of(chromium) as browser:
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        page.goto(url)
        page.wait_for_selector("#text .seg")
        page.check(f"input[name=layer][value={layer}]")
        page.click(f"#span-list button:text-is('{span_id}')")
        page.evaluate("document.activeElement.blur(); document.querySelector('.side').scrollTop = 0")
        page.wait_for_timeout(300)
        return page.screenshot()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "annotate-screenshot.png")
    parser.add_argument("--span", default="quotations:q3", help="layer:id of the span to select (default q3)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=800)
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--force", action="store_true", help="replace an existing screenshot")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        for name in ("seeds", "annotations", "docs"):
            shutil.copytree(REPO / name, root / name, ignore=shutil.ignore_patterns("*.png"))
        sock = socket.create_server(("127.0.0.1", 0))
        port = sock.getsockname()[1]
        token = secrets.token_urlsafe(16)
        server = uvicorn.Server(uvicorn.Config(create_app(root, token, port=port), log_level="warning", lifespan="off"))
        thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
        thread.start()
        while not server.started:
            time.sleep(0.05)
        try:
            png = screenshot(f"http://127.0.0.1:{port}/?token={token}", args.span, args.width, args.height,
                             args.chromium)
        finally:
            server.should_exit = True
            thread.join(10)
    try:
        atomic_write_bytes(args.out.resolve(), png, overwrite=args.force)
    except FileExistsRefusal as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {args.out} ({len(png)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
