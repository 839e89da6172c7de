"""API tokens: made and revoked by audited services, kept only as a hash, scoped by role."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.test import Client
from django.utils import timezone

pytestmark = pytest.mark.django_db


def _make(*args, **kwargs):
    from expediente_web.api.actions import do_create_api_token

    return do_create_api_token(*args, **kwargs)


def _get(secret, path="/api/token"):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {secret}")


def test_a_token_is_stored_as_its_hash_and_shown_once(case, documenter):
    from django.db import connection

    from expediente_web.api.models import ApiToken
    from expediente_web.audit.models import AuditEntry

    token, secret = _make(documenter, case, documenter, "write", name="importer")
    assert secret.startswith("exp_") and len(secret) == 47
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert token.prefix == secret[:12]
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM api_apitoken")
        rows = cursor.fetchall()
    assert not [r for r in rows if any(secret in str(v) for v in r)]
    entry = AuditEntry.objects.get(action="create_api_token")
    assert entry.actor == "dora_documenter" and entry.case_code == case.code
    assert entry.payload["prefix"] == token.prefix and entry.payload["scope"] == "write"
    assert secret not in str(entry.payload) and token.digest not in str(entry.payload)
    assert ApiToken.objects.get().scope == "write"
    assert _get(secret).json()["prefix"] == token.prefix


def test_revocation_is_immediate_and_audited(case, documenter):
    from expediente_web.api.actions import do_revoke_api_token
    from expediente_web.audit.models import AuditEntry
    from expediente_web.cases.validation import InvalidInput

    token, secret = _make(documenter, case, documenter, "read")
    assert _get(secret).status_code == 200
    do_revoke_api_token(documenter, token)
    response = _get(secret)
    assert response.status_code == 401 and "revoked" in response.json()["detail"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert AuditEntry.objects.filter(action="revoke_api_token").count() == 1
    with pytest.raises(InvalidInput) as refused:
        do_revoke_api_token(documenter, token)
    assert refused.value.field == "token"


@pytest.mark.parametrize("role_fixture", ["reviewer", "viewer"])
def test_roles_that_do_not_write_hold_read_tokens_only(request, case, role_fixture):
    from expediente_web.cases.validation import InvalidInput

    user = request.getfixturevalue(role_fixture)
    with pytest.raises(InvalidInput) as refused:
        _make(user, case, user, "write")
    assert refused.value.field == "scope"
    _make(user, case, user, "read")


def test_only_an_owner_makes_or_revokes_tokens_for_someone_else(
    case, owner, documenter, viewer, outsider
):
    from expediente_web.api.actions import do_revoke_api_token
    from expediente_web.cases.access import NotPermitted
    from expediente_web.cases.validation import InvalidInput

    with pytest.raises(NotPermitted):
        _make(documenter, case, viewer, "read")
    token, _ = _make(owner, case, viewer, "read")
    with pytest.raises(NotPermitted):
        do_revoke_api_token(documenter, token)
    do_revoke_api_token(owner, token)
    with pytest.raises(InvalidInput) as refused:
        _make(owner, case, outsider, "read")
    assert refused.value.field == "user"
    with pytest.raises(NotPermitted):
        _make(outsider, case, outsider, "read")


def test_bad_scope_and_past_expiry_are_refused_naming_the_field(case, documenter):
    from expediente_web.api.models import ApiToken
    from expediente_web.cases.validation import InvalidInput

    for kwargs, field in (
        ({"scope": "admin"}, "scope"),
        ({"scope": "read", "expires_at": timezone.now() - dt.timedelta(hours=1)}, "expires_at"),
        ({"scope": "read", "expires_at": dt.datetime(2030, 1, 1)}, "expires_at"),
        ({"scope": "read", "name": "x" * 101}, "name"),
    ):
        scope = kwargs.pop("scope")
        with pytest.raises(InvalidInput) as refused:
            _make(documenter, case, documenter, scope, **kwargs)
        assert refused.value.field == field
    assert not ApiToken.objects.exists()


def test_a_token_expires_and_never_outlives_a_partner(case, owner, make_user):
    from expediente_web.api.models import ApiToken
    from expediente_web.cases.actions import do_set_membership

    partner = make_user("pia_partner")
    ends = timezone.now() + dt.timedelta(days=3)
    do_set_membership(owner, case, partner, "role.partner", expires_at=ends)
    token, secret = _make(
        partner, case, partner, "read", expires_at=timezone.now() + dt.timedelta(days=30)
    )
    assert token.expires_at == ends
    assert _get(secret).status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now())
    response = _get(secret)
    assert response.status_code == 401 and "expired" in response.json()["detail"]


def test_a_membership_taken_away_and_given_again_does_not_revive_old_tokens(case, owner, make_user):
    from expediente_web.cases.actions import do_revoke_membership, do_set_membership

    user = make_user("rosa_returning")
    do_set_membership(owner, case, user, "role.documenter")
    _, secret = _make(user, case, user, "write")
    do_revoke_membership(owner, case, user)
    assert _get(secret).status_code == 401
    do_set_membership(owner, case, user, "role.documenter")
    assert _get(secret).status_code == 401
    _, fresh = _make(user, case, user, "write")
    assert _get(fresh).status_code == 200


def test_a_write_token_acts_with_the_holders_role_as_it_is_now(case, owner, documenter, victim):
    from expediente_web.audit.models import AuditEntry
    from expediente_web.cases.actions import do_set_membership

    _, secret = _make(documenter, case, documenter, "write")
    do_set_membership(owner, case, documenter, "role.viewer")
    before = AuditEntry.objects.count()
    response = Client().patch(
        f"/api/cases/{case.code}/persons/{victim.uid}",
        {"occupation": "x"},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {secret}",
    )
    assert response.status_code == 403 and "role.viewer" in response.json()["detail"]
    assert AuditEntry.objects.count() == before
    person = (
        Client()
        .get(f"/api/cases/{case.code}/persons/{victim.uid}", HTTP_AUTHORIZATION=f"Bearer {secret}")
        .json()
    )
    assert person["identity"] is None


@pytest.mark.parametrize(
    "header",
    ["", "Bearer", "Bearer nonsense", "Basic abc", "Bearer exp_" + "x" * 43, "Token exp_abc"],
)
def test_a_missing_or_bad_authorization_header_is_401(header):
    kwargs = {"HTTP_AUTHORIZATION": header} if header else {}
    response = Client().get("/api/token", **kwargs)
    assert response.status_code == 401
    assert "detail" in response.json()
