"""`expediente audit verify` on the test database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.db import connection

from expediente.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture
def entries():
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_create_case
    from expediente_web.records.actions import do_create_person

    user = get_user_model().objects.create_user("owner")
    case = do_create_case(user, "c1", "Case one")
    for n in range(4):
        do_create_person(user, case, full_name=f"Persona {n}")
    return 5


def test_intact_chain_exits_0_with_count_and_head(entries):
    from expediente_web.audit.models import AuditEntry

    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 0, result.output
    head = AuditEntry.objects.order_by("-seq").first().hash
    assert result.stdout.strip() == f"chain intact, {entries} entries, head {entries}:{head}"


def test_broken_chain_exits_1_naming_each_entry(entries):
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditentry SET action = 'nothing' WHERE seq = 2")
        cursor.execute("DELETE FROM audit_auditentry WHERE seq = 4")
    result = CliRunner().invoke(main, ["audit", "verify"])
    assert result.exit_code == 1
    assert "chain BROKEN: 2 problems in 4 entries" in result.stderr
    assert "entry #2: its content was changed" in result.stderr
    assert "entry #4: missing: the entry was deleted" in result.stderr
