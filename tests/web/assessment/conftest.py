"""Fixtures of the element-matrix tests: a case with a small synthetic record and its members."""

from __future__ import annotations

import datetime as dt

import pytest

from support.workspace_data import HOSTILE, build_record


@pytest.fixture
def record(case, owner):
    return build_record(case, many=2, hostile=True)


@pytest.fixture
def partner(make_user, case, owner):
    from django.utils import timezone

    from expediente_web.cases.actions import do_set_membership

    user = make_user("paula_partner")
    do_set_membership(
        owner, case, user, "role.partner", expires_at=timezone.now() + dt.timedelta(days=30)
    )
    return user


@pytest.fixture
def other_case(make_user):
    from expediente_web.cases.actions import do_create_case

    stranger = make_user("otto_other")
    case = do_create_case(stranger, "otro-caso", "Otro caso (sintético)")
    return case, stranger, build_record(case, many=2)


@pytest.fixture
def as_user(client):
    def sign(user):
        client.force_login(user)
        return client

    return sign


@pytest.fixture
def entries():
    """`entries()` → the number of audit entries so far."""
    from expediente_web.audit.models import AuditEntry

    return lambda: AuditEntry.objects.count()


__all__ = ["HOSTILE"]
