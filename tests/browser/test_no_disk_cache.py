"""After signing out, the browser keeps nothing of the pages it showed.

The attack: an analyst opens a person's page (names, cédulas, birth dates) on a shared
computer, signs out and leaves. The next person reads the browser's disk cache, or presses
*back*, or goes offline and presses *back*. Each must find nothing. A fresh Chromium profile
(its own --user-data-dir) is used so that its cache directory holds only what the test put
there, and a page served with a caching header is found in that same directory, so the scan is
shown to find what the cache keeps. Without `Cache-Control: no-store` the disk test fails: the
person's page is in the cache, names, cédula and birth date in clear. (Back after signing out
is refetched even without it, since the pages vary by cookie; the test keeps that so.) Every
person is synthetic.
"""

from __future__ import annotations

import contextlib
import http.server
import threading
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from browser.conftest import CHROMIUM
from expediente_web.analyses.actions import do_run_linkage
from expediente_web.analyses.models import RecordLink
from expediente_web.cases.models import Case, Membership
from support.two_factor import browser_sign_in
from web.analyses.analyses_data import load_victims, wide_band_config

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "clave-de-prueba-123"
MARKER = "marcador-cacheable-7Q2W"


@pytest.fixture
def person_page():
    """An analyst, and the address of a resolved person with several records and what that
    page shows of them that is protected."""
    analyst = get_user_model().objects.create_user("ana", password=PASSWORD)
    case = Case.objects.create(code="ve-cache", title="Caso sintético", country="VE")
    Membership.objects.create(case=case, user=analyst, role="role.analyst")
    load_victims(case)
    run = do_run_linkage(analyst, case, wide_band_config())
    sizes: dict[str, list] = {}
    for link in RecordLink.objects.filter(run=run).select_related("record"):
        sizes.setdefault(link.cluster, []).append(link.record)
    cluster, records = max(sizes.items(), key=lambda item: len(item[1]))
    protected = set()
    for record in records:
        # What the page shows of each record: its name, cédula and birth date.
        shown = (record.display_name(), record.id_number, record.birth_date)
        protected.update(v for v in shown if len(v) >= 5)
    assert len(protected) >= 3, "the page must show several protected values"
    return f"/cases/{case.code}/linkage/persons/{cluster}/?run={run.uid}", sorted(protected)


@pytest.fixture
def cacheable_server():
    """A page anyone may cache for an hour, served from this test."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"<html><body><p>{MARKER}</p></body></html>".encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Cache-Control", "public, max-age=3600")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def _shown(page, values: list[str]) -> list[str]:
    """The values the page shows, once it has settled (an offline navigation may still be
    replacing the document when it is read)."""
    for _ in range(50):
        try:
            page.wait_for_load_state()
            content = page.content()
            break
        except Exception:
            page.wait_for_timeout(100)
    else:
        raise AssertionError("the page never settled")
    return [v for v in values if v in content]


def _on_disk(profile: Path, needles: list[str]) -> set[str]:
    """The needles found in any file of the browser profile."""
    found = set()
    encoded = {n: n.encode("utf-8") for n in needles}
    for path in profile.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            found.update(n for n, raw in encoded.items() if raw in data)
    return found


@contextlib.contextmanager
def _fresh_chromium(browser, profile: Path, base_url: str):
    """Chromium with its own profile directory (and so its own disk cache)."""
    context = browser.browser_type.launch_persistent_context(
        str(profile), executable_path=CHROMIUM, headless=True, base_url=base_url,
        args=["--no-sandbox", "--disable-gpu", "--no-first-run",
              "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    )  # fmt: skip
    try:
        yield context
    finally:
        context.close()  # writes what the cache holds to the profile directory


def _visit_and_sign_out(page, address: str, protected: list[str]) -> None:
    browser_sign_in(page, "ana", PASSWORD)  # password and the authenticator's code
    response = page.goto(address)
    assert response.status == 200
    assert "no-store" in response.headers["cache-control"]
    missing = sorted(set(protected) - set(_shown(page, protected)))
    assert not missing, f"the page should show {missing}"
    page.click("form[action$='logout/'] button")
    page.wait_for_load_state()


def test_after_signing_out_the_disk_cache_holds_nothing_of_the_pages(
    browser, live_server, tmp_path, person_page, cacheable_server
):
    address, protected = person_page
    profile = tmp_path / "profile"
    with _fresh_chromium(browser, profile, live_server.url) as context:
        page = context.new_page()
        page.goto(cacheable_server)  # the control: this one the cache may keep
        assert MARKER in page.content()
        _visit_and_sign_out(page, address, protected)
    # Read as whoever takes the computer would: every file of the profile, nothing pressed.
    on_disk = _on_disk(profile, [*protected, MARKER])
    assert MARKER in on_disk, "the scan finds what the cache keeps"
    assert not on_disk - {MARKER}, f"the disk cache holds {sorted(on_disk - {MARKER})}"


def test_after_signing_out_back_and_offline_show_nothing(
    browser, live_server, tmp_path, person_page
):
    address, protected = person_page
    with _fresh_chromium(browser, tmp_path / "profile", live_server.url) as context:
        page = context.new_page()
        _visit_and_sign_out(page, address, protected)
        # Back: the page is fetched again, and the server, without a session, sends a login.
        page.go_back()
        assert not _shown(page, protected), "back showed the person"
        # Offline, back once more (and forward): nothing can come from a cache.
        context.set_offline(True)
        for move in (page.go_back, page.go_forward, page.go_back):
            # An offline navigation may fail: that is the point.
            with contextlib.suppress(Exception):
                move()
            assert not _shown(page, protected), "offline showed the person"
