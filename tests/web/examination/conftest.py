"""Fixtures of the examination tests: a case with a small synthetic record and its members."""

from __future__ import annotations

import pytest

from support.workspace_data import HOSTILE, build_record


@pytest.fixture
def record(case, owner):
    return build_record(case, many=2, hostile=True)


@pytest.fixture
def other_case(make_user):
    from expediente_web.cases.actions import do_create_case

    stranger = make_user("otto_other")
    case = do_create_case(stranger, "otro-caso", "Otro caso (sintético)")
    return case, stranger, build_record(case, many=2)


@pytest.fixture
def entries():
    """`entries()` → the number of audit entries so far."""
    from expediente_web.audit.models import AuditEntry

    return lambda: AuditEntry.objects.count()


__all__ = ["HOSTILE"]
