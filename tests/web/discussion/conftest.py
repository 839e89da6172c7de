"""Fixtures of the discussion tests: a small synthetic record, a partner and an expired one."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from support.workspace_data import build_record


@pytest.fixture
def record(case, owner):
    return build_record(case, many=2)


@pytest.fixture
def partner(make_user, case, owner):
    from expediente_web.cases.actions import do_set_membership

    user = make_user("pablo_partner")
    do_set_membership(
        owner, case, user, "role.partner", expires_at=timezone.now() + dt.timedelta(days=30)
    )
    return user


@pytest.fixture
def expired_partner(make_user, case):
    from expediente_web.cases.models import Membership

    user = make_user("ema_expired")
    Membership.objects.create(
        case=case, user=user, role="role.partner", expires_at=timezone.now() - dt.timedelta(days=1)
    )
    return user


@pytest.fixture
def other_case_member(make_user):
    from expediente_web.cases.actions import do_create_case

    user = make_user("otto_other")
    do_create_case(user, "other-case", "Otro caso (sintético)")
    return user


