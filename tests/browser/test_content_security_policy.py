"""The Content-Security-Policy holds in a real browser: markup that got into a page by any path
(here put there by the test itself, as a failed escape would) runs no script and sets no style.

Every other browser test also fails on any violation of the policy (the `page` fixture), so a
page that needs an inline script or style attribute is caught where it is built.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db(transaction=True)

INJECTED = (
    '<img id="x1" src="/nothing.png" onerror="window.ran = (window.ran || 0) + 1">'
    '<p id="x2" style="color: rgb(255, 0, 0)">red?</p>'
    '<script>window.ran = (window.ran || 0) + 1</script>'
)


def test_injected_markup_neither_runs_nor_styles(browser, live_server):
    context = browser.new_context(base_url=live_server.url, locale="en-GB")
    pg = context.new_page()
    refused: list[str] = []
    pg.on("console", lambda m: refused.append(m.text)
          if "Content Security Policy" in m.text else None)
    pg.goto("/login/")
    pg.evaluate("html => document.body.insertAdjacentHTML('beforeend', html)", INJECTED)
    pg.evaluate("""() => { const s = document.createElement('script');
                           s.textContent = 'window.ran = (window.ran || 0) + 1';
                           document.body.appendChild(s); }""")
    pg.wait_for_timeout(300)
    assert pg.evaluate("window.ran") is None
    assert pg.evaluate("getComputedStyle(document.getElementById('x2')).color") != (
        "rgb(255, 0, 0)")
    assert any("script-src" in r for r in refused)
    assert any("style-src" in r for r in refused)
    context.close()


def test_the_pages_own_scripts_still_run(page):
    # htmx, loaded from the site's own static files, is allowed and initialises.
    page.goto("/login/")
    assert page.evaluate("typeof window.htmx") == "object"
