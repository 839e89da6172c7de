"""Every route of the API, called as every persona, answers as `matrix.py` says, and every write
appends its service's audit entry when allowed and nothing when refused.

The routes are read from the API's routers, so a route added without an entry in the matrix
fails `test_every_api_route_is_in_the_matrix`; an entry for a route that is gone fails too.
Each call runs in a savepoint that is rolled back, so one persona's write does not change what
the next persona meets.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import transaction
from django.test import Client

from .matrix import ROUTES
from .world import PERSONAS, World

pytestmark = pytest.mark.django_db


def api_routes() -> set[str]:
    """ "METHOD /path" of every operation of every router of the API."""
    from expediente_web.api.main import api

    found = set()
    for prefix, router in api._routers:
        for path, view in router.path_operations.items():
            for operation in view.operations:
                for method in operation.methods:
                    found.add(f"{method} {prefix}{path}")
    return found


def test_every_api_route_is_in_the_matrix():
    routes = api_routes()
    assert len(routes) > 20
    missing = sorted(routes - set(ROUTES))
    stale = sorted(set(ROUTES) - routes)
    assert not missing, f"API routes without an entry in tests/web/api/matrix.py: {missing}"
    assert not stale, f"entries in tests/web/api/matrix.py for routes that are gone: {stale}"


def test_the_schema_lists_the_same_routes():
    from expediente_web.api.main import api

    paths = api.get_openapi_schema()["paths"]
    listed = {f"{m.upper()} {p.removeprefix('/api')}" for p, ops in paths.items() for m in ops}
    assert listed == api_routes()


def test_every_entry_has_a_cell_for_every_persona():
    for name, calls in ROUTES.items():
        for c in calls:
            assert set(c.expect) == set(PERSONAS), name
            if not name.startswith("GET"):
                assert c.body is not None and c.action, f"{name}: a write names body and action"


@pytest.fixture
def world():
    return World()


def _writes() -> int:
    from expediente_web.audit.models import AuditEntry

    return AuditEntry.objects.exclude(action="view_identities").count()


def address(world: World, name: str, c) -> str:
    template = name.partition(" ")[2]
    path = "/api" + template.format(code=world.case.code, **c.params(world))
    query = c.query(world) if callable(c.query) else c.query
    return path + ("?" + urlencode(query) if query else "")


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_api_route_answers_every_persona_as_designed(world, name):
    from expediente_web.audit.models import AuditEntry

    method = name.partition(" ")[0].lower()
    wrong = []
    for c in ROUTES[name]:
        url = address(world, name, c)
        for persona in PERSONAS:
            with transaction.atomic():
                before = _writes()
                last = AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first()
                kwargs = world.headers(persona)
                if c.body is not None:
                    response = getattr(Client(), method)(
                        url, c.body(world), content_type="application/json", **kwargs
                    )
                else:
                    response = getattr(Client(), method)(url, **kwargs)
                written = list(
                    AuditEntry.objects.filter(seq__gt=last or 0)
                    .exclude(action="view_identities")
                    .values_list("action", flat=True)
                )
                transaction.set_rollback(True)
            expected = c.expect[persona]
            if response.status_code != expected:
                wrong.append(
                    f"{name} {url} as {persona}: {response.status_code} "
                    f"{response.content[:200]!r}, expected {expected}"
                )
            assert response["Content-Type"].startswith("application/json"), (url, persona)
            if c.action:
                want = [c.action] if expected < 300 else []
                assert written == want, (url, persona, written)
            else:
                assert len(written) == 0 and before == _writes(), (url, persona, written)
    assert not wrong, "\n".join(wrong)


def test_a_signed_in_browser_session_gets_no_access_and_no_redirect(world, client):
    """The API takes no session: a member signed in to the pages (with or without the second
    factor) gets 401 from the API, never a redirect to the second-factor page."""
    client.force_login(world.users["documenter"])
    half = Client()
    half.force_login(world.users["documenter"])
    for browser in (client, half):
        for url in (f"/api/cases/{world.case.code}/acts", "/api/token"):
            response = browser.get(url)
            assert response.status_code == 401, (url, response.status_code)
        response = browser.post(
            f"/api/cases/{world.case.code}/comments",
            {"target_type": "act", "target": str(world.record.act.uid), "body": "x"},
            content_type="application/json",
        )
        assert response.status_code == 401


def test_the_schema_and_its_page_are_open_and_load_nothing_from_elsewhere():
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    assert response.json()["components"]["securitySchemes"]["TokenAuth"]["scheme"] == "bearer"
    page = Client().get("/api/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "swagger" in html.lower()
    assert "http://" not in html and "https://" not in html and "//cdn" not in html, html
