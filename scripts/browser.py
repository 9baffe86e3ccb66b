"""Debian's chromium driven by Playwright, started the one way newsspan's screenshot scripts and browser tests do.

The flags are those a headless Chromium needs as root on a machine with no network: without the
background-networking ones it keeps trying to reach Google's hosts. ``$NEWSSPAN_CHROMIUM`` names another
Chromium executable.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

#: The Chromium executable (Debian's package ``chromium``).
CHROMIUM = os.environ.get("NEWSSPAN_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@contextmanager
def chromium(executable: str = CHROMIUM) -> Iterator[Any]:
    """A Playwright ``Browser`` of ``executable``, closed on exit."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
