"""What each role may do in a case, and what a user without a role may not."""

from __future__ import annotations

import io

import pytest

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.actions import do_create_source, do_create_user, do_set_membership
from expediente_web.evidence.actions import do_store_evidence
from expediente_web.records.access import find_persons_by_id_number
from expediente_web.records.actions import (
    do_add_comment,
    do_create_act,
    do_create_person,
    do_delete_record,
)

pytestmark = pytest.mark.django_db

WRITES = {
    "create_person": lambda u, case, victim: do_create_person(u, case, full_name="X Y"),
    "create_act": lambda u, case, victim: do_create_act(u, case, victim, "act.threat"),
    "create_source": lambda u, case, victim: do_create_source(u, case, "S-P", "P",
                                                              "source.press"),
    "store_evidence": lambda u, case, victim: do_store_evidence(u, case, io.BytesIO(b"p"),
                                                                "p.txt"),
    "delete_record": lambda u, case, victim: do_delete_record(u, victim, "test"),
    "comment": lambda u, case, victim: do_add_comment(u, victim, "nota"),
    "lookup_id": lambda u, case, victim: find_persons_by_id_number(u, case, "12345678"),
}

ALLOWED = {
    "owner": set(WRITES),
    "analyst": set(WRITES),
    "documenter": set(WRITES),
    "reviewer": {"comment"},
    "viewer": set(),
    "outsider": set(),
}


@pytest.mark.parametrize("persona", sorted(ALLOWED))
@pytest.mark.parametrize("write", sorted(WRITES))
def test_role_matrix(request, case, victim, persona, write):
    user = request.getfixturevalue(persona)
    entries = AuditEntry.objects.count()
    if write in ALLOWED[persona]:
        WRITES[write](user, case, victim)
    else:
        with pytest.raises(NotPermitted, match=user.username):
            WRITES[write](user, case, victim)
        assert AuditEntry.objects.count() == entries


def test_only_owners_manage_memberships(case, documenter, outsider):
    with pytest.raises(NotPermitted, match="manage memberships"):
        do_set_membership(documenter, case, outsider, "role.owner")


def test_anonymous_user_may_not_write(case, victim):
    from django.contrib.auth.models import AnonymousUser

    with pytest.raises(NotPermitted, match="anonymous"):
        do_create_person(AnonymousUser(), case, full_name="Z")


def test_comment_author_may_delete_own_comment_only(case, reviewer, documenter, victim):
    mine = do_add_comment(reviewer, victim, "borrador")
    do_delete_record(reviewer, mine, "written by mistake")
    theirs = do_add_comment(documenter, victim, "otro")
    with pytest.raises(NotPermitted):
        do_delete_record(reviewer, theirs, "I disagree")


def test_only_the_operator_or_an_admin_creates_users(documenter):
    from expediente_web.cases.validation import InvalidInput

    with pytest.raises(InvalidInput, match="operator"):
        do_create_user(documenter, "someone")
    user = do_create_user(None, "someone", "a-long-password")
    assert user.check_password("a-long-password")
    entry = AuditEntry.objects.order_by("-seq").first()
    assert entry.actor == "operator" and "a-long-password" not in str(entry.payload)
