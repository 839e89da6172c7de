"""Real headless Chromium (Debian's `chromium`) driven by Playwright against the live server.

Screenshots of every page a test visits are written to `$EXPEDIENTE_SCREENSHOTS` (default: the
test's temporary directory) so that a person can look at what users see.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from .record_pages import no_sideways_scroll

CHROMIUM = os.environ.get("EXPEDIENTE_CHROMIUM", "/usr/bin/chromium")
# Playwright's sync API runs an event loop in this thread; the ORM calls the tests make for
# set-up are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(items):
    for item in items:
        if "browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        pytest.fail(f"Chromium not found at {CHROMIUM}: install Debian's chromium package")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def page(browser, live_server) -> Iterator[object]:
    """A page in Spanish; the test fails if anything on it broke the Content-Security-Policy
    (an inline script or style attribute the policy refused: something a user would miss)."""
    context = browser.new_context(base_url=live_server.url, locale="es-ES")
    pg = context.new_page()
    refused: list[str] = []
    pg.on("console", lambda m: refused.append(f"{pg.url}: {m.text}")
          if m.type == "error" and "Content Security Policy" in m.text else None)
    yield pg
    context.close()
    assert not refused, "refused by the Content-Security-Policy:\n" + "\n".join(refused)


@pytest.fixture
def shot(tmp_path, request):
    """`shot(page, name)` saves a full-page screenshot of the page as it is, named after the
    test, and returns its path.

    `shot(page, name, widths=(1280, 390))` takes one at each width (`<name>-<width>`) and fails
    if the page scrolls sideways at any of them; the viewport is left at the first width.
    """
    folder = Path(os.environ.get("EXPEDIENTE_SCREENSHOTS", tmp_path))
    folder.mkdir(parents=True, exist_ok=True)

    def take(pg, name: str, widths: tuple[int, ...] = ()) -> Path:
        if not widths:
            path = folder / f"{request.node.name}-{name}.png"
            pg.screenshot(path=str(path), full_page=True)
            return path
        for width in widths:
            pg.set_viewport_size({"width": width, "height": 900})
            path = folder / f"{request.node.name}-{name}-{width}.png"
            pg.screenshot(path=str(path), full_page=True)
            assert no_sideways_scroll(pg), f"{path.name}: the page scrolls sideways at {width} px"
        pg.set_viewport_size({"width": widths[0], "height": 900})
        return path

    return take
