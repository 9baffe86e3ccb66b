"""Screenshot of the seed's review page for the docs: ``python scripts/review_screenshot.py [--force]``.

Renders the repository's seed annotation with ``newsspan.review.site``, opens it in Debian's chromium
(Playwright, system executable) at 1280x900, focuses a quotation chip so its tooltip and links show,
and writes ``docs/review-screenshot.png`` (refuses to replace it without ``--force``).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from browser import CHROMIUM  # scripts/browser.py: the one way scripts and tests start chromium
from browser import chromium as browser_of

from newsspan.corpus import Corpus
from newsspan.files import FileExistsRefusal, atomic_write_bytes
from newsspan.review.site import write_review

REPO = Path(__file__).resolve().parents[1]
SEED_ID = "islamabadpost-214638"


def screenshot(page_file: Path, focus: str, width: int, height: int, chromium: str) -> bytes:
    """PNG of the page's viewport with the chip ``focus`` focused (its tooltip open)."""
    with browser_of(chromium) as browser:
        page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
        page.goto(page_file.as_uri())
        page.focus(focus)
        page.evaluate("window.scrollTo(0, 0)")
        return page.screenshot()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "review-screenshot.png")
    parser.add_argument("--focus", default="#q1", help="CSS selector of the chip to focus (default: #q1)")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--height", type=int, default=900)
    parser.add_argument("--chromium", default=CHROMIUM)
    parser.add_argument("--force", action="store_true", help="replace an existing screenshot")
    args = parser.parse_args(argv)
    out = args.out.resolve()
    os.chdir(REPO)  # the page names the annotation file as a reviewer would: annotations/<id>.json
    corpus = Corpus(Path("."))
    with tempfile.TemporaryDirectory() as folder:
        write_review(corpus, [corpus.annotation_path(SEED_ID)], Path(folder))
        png = screenshot(Path(folder) / f"{SEED_ID}.html", args.focus, args.width, args.height, args.chromium)
    try:
        atomic_write_bytes(out, png, overwrite=args.force)
    except FileExistsRefusal as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    print(f"wrote {out} ({len(png)} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
