"""Every route of the URL configuration, requested as every persona, answers as `matrix.py` says.

The routes are read from `get_resolver()`, so a route added without an entry in the matrix fails
`test_every_route_is_in_the_matrix`; an entry for a route that no longer exists fails too.
Each request runs in a savepoint that is rolled back, so one persona's POST (a revoked member,
a queued job) does not change what the next persona meets.
"""

from __future__ import annotations

import datetime as dt
from functools import cached_property
from typing import Any

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from support.two_factor import TwoFactorClient
from support.workspace_data import build_record

from .matrix import PERSONAS, ROUTES

pytestmark = pytest.mark.django_db


def route_names(patterns: list[Any] | None = None, namespace: str = "") -> set[str]:
    """Every named route, as `reverse` takes it; an unnamed route is reported by its pattern."""
    names: set[str] = set()
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            names |= route_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            names.add(f"{namespace}{entry.name}" if entry.name else f"<unnamed {entry.pattern}>")
    return names


def test_every_route_is_in_the_matrix():
    # The API's routes (namespace "api") take bearer tokens, not sessions: their matrix is
    # tests/web/api/matrix.py.
    routes = {name for name in route_names() if not name.startswith("api:")}
    missing = sorted(routes - set(ROUTES))
    stale = sorted(set(ROUTES) - routes)
    assert not missing, f"routes without an entry in tests/web/authz/matrix.py: {missing}"
    assert not stale, f"entries in tests/web/authz/matrix.py for routes that are gone: {stale}"


def test_every_entry_has_a_cell_for_every_persona():
    for name, checks in ROUTES.items():
        for check in checks:
            assert set(check.expect) == set(PERSONAS), (name, check.method)


class World:
    """One case with its whole record, a user in each role, a member of another case and an
    expired partner."""

    def __init__(self) -> None:
        from django.contrib.auth import get_user_model

        from expediente_web.cases.actions import do_create_case, do_set_membership
        from expediente_web.cases.models import Membership

        make = get_user_model().objects.create_user
        owner = make("matrix_owner")
        self.case = do_create_case(owner, "matrix-case", "Caso de la matriz (sintético)")
        self.record = build_record(self.case, many=2)
        self.users: dict[str, Any] = {"owner": owner}
        later = timezone.now() + dt.timedelta(days=30)
        for role in ("analyst", "documenter", "reviewer", "viewer", "partner"):
            user = make(f"matrix_{role}")
            do_set_membership(
                owner,
                self.case,
                user,
                f"role.{role}",
                expires_at=later if role == "partner" else None,
            )
            self.users[role] = user
        outsider = make("matrix_outsider")
        do_create_case(outsider, "other-case", "Otro caso (sintético)")
        self.users["outsider"] = outsider
        expired = make("matrix_expired_partner")
        Membership.objects.create(
            case=self.case,
            user=expired,
            role="role.partner",
            expires_at=timezone.now() - dt.timedelta(days=1),
        )
        self.users["expired_partner"] = expired

    @cached_property
    def _job(self) -> Any:
        from expediente_web.jobs.actions import do_enqueue_job

        return do_enqueue_job(self.users["owner"], self.case, "linkage")

    def job(self) -> Any:
        return self._job

    def client(self, persona: str) -> Client:
        if persona == "anonymous":
            return Client()
        client = TwoFactorClient()
        client.force_login(self.users[persona])
        return client


@pytest.fixture
def world():
    return World()


@pytest.mark.parametrize("name", sorted(ROUTES))
def test_route_answers_every_persona_as_designed(world, name):
    wrong = []
    for check in ROUTES[name]:
        address = reverse(name, kwargs=check.kwargs(world))
        data = check.data(world) if callable(check.data) else check.data
        for persona in PERSONAS:
            with transaction.atomic():
                client = world.client(persona)
                response = getattr(client, check.method)(address, data)
                transaction.set_rollback(True)
            expected = check.expect[persona]
            if response.status_code != expected:
                wrong.append(
                    f"{check.method.upper()} {address} as {persona}: "
                    f"{response.status_code}, expected {expected}"
                )
            if persona == "anonymous" and response.status_code == 302 and name != "set_language":
                assert "/login/" in response["Location"] or check.method == "post", address
    assert not wrong, "\n".join(wrong)
