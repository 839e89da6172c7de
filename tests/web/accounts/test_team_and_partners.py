"""The case owner's team in the browser, partners whose access ends by itself, and the CLI."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from click.testing import CliRunner
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from expediente.cli import main
from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted, cases_for_user, role_in
from expediente_web.cases.actions import do_revoke_membership, do_set_membership
from expediente_web.cases.models import Membership
from expediente_web.cases.validation import InvalidInput

pytestmark = pytest.mark.django_db

LATER = "2999-12-31"


def _team(case):
    return f"/cases/{case.code}/team/"


def test_the_owner_invites_a_member_who_sets_a_password_and_signs_in(client, owner, case):
    client.force_login(owner)
    before = AuditEntry.objects.count()
    response = client.post(_team(case) + "invite/", {"username": "nuevo_doc",
                                                     "role": "role.documenter"})
    assert response.status_code == 302
    assert AuditEntry.objects.count() == before + 1
    page = client.get(_team(case)).content.decode()
    link = re.search(r'value="(http://testserver/invitation/[^"]+/)"', page).group(1)
    assert "nuevo_doc" in page
    assert link not in client.get(_team(case)).content.decode()  # shown once
    path = link.removeprefix("http://testserver")
    invitee = Client()
    weak = invitee.post(path, {"new_password1": "12345678", "new_password2": "12345678"})
    assert weak.status_code == 200
    assert "corta" in weak.content.decode() or "short" in weak.content.decode()
    done = invitee.post(path, {"new_password1": "lluvia-sobre-el-tejado",
                               "new_password2": "lluvia-sobre-el-tejado"})
    assert done.status_code == 302
    assert invitee.get(path).status_code == 404  # the link works once
    signed = invitee.post("/login/", {"username": "nuevo_doc",
                                      "password": "lluvia-sobre-el-tejado"})
    assert signed.url.startswith("/account/two-factor/")  # a documenter enrols first
    assert role_in(get_user_model().objects.get(username="nuevo_doc"), case) == "role.documenter"


def test_the_owner_adds_changes_and_revokes_in_the_browser(client, owner, case, outsider):
    client.force_login(owner)
    assert client.post(_team(case) + "invite/", {"username": outsider.username,
                                                 "role": "role.viewer"}).status_code == 302
    assert role_in(outsider, case) == "role.viewer"
    change = client.post(_team(case) + f"{outsider.pk}/", {"role": "role.reviewer"})
    assert change.status_code == 302 and role_in(outsider, case) == "role.reviewer"
    # the service's refusal, asked in English (tests/web/workspace/test_service_messages.py
    # shows the Spanish)
    partner_without_date = client.post(_team(case) + f"{outsider.pk}/", {"role": "role.partner"},
                                       HTTP_ACCEPT_LANGUAGE="en")
    assert partner_without_date.status_code == 400
    assert "expiry" in partner_without_date.content.decode()
    assert role_in(outsider, case) == "role.reviewer"
    as_partner = client.post(_team(case) + f"{outsider.pk}/", {"role": "role.partner",
                                                               "expires_on": LATER})
    assert as_partner.status_code == 302
    assert Membership.objects.get(user=outsider).expires_at.year == 3000
    revoke = client.post(_team(case) + f"{outsider.pk}/revoke/")
    assert revoke.status_code == 302 and role_in(outsider, case) is None
    actions = list(AuditEntry.objects.filter(case_code=case.code).order_by("-seq")
                   .values_list("action", flat=True)[:4])
    assert actions == ["revoke_membership", "change_membership", "change_membership",
                       "add_membership"]


def test_the_last_owner_cannot_be_removed_or_demoted(client, owner, case):
    client.force_login(owner)
    assert client.post(_team(case) + f"{owner.pk}/revoke/").status_code == 400
    assert client.post(_team(case) + f"{owner.pk}/", {"role": "role.viewer"}).status_code == 400
    assert role_in(owner, case) == "role.owner"
    with pytest.raises(InvalidInput, match="last owner"):
        do_revoke_membership(owner, case, owner)


def test_only_owners_see_and_manage_the_team(client, case, documenter, viewer):
    client.force_login(documenter)
    assert client.get(_team(case)).status_code == 403
    assert client.post(_team(case) + f"{viewer.pk}/revoke/").status_code == 403
    assert role_in(viewer, case) == "role.viewer"
    with pytest.raises(NotPermitted):
        do_revoke_membership(documenter, case, viewer)


def test_a_partner_needs_an_expiry_in_the_future(case, owner, outsider):
    with pytest.raises(InvalidInput, match="expiry"):
        do_set_membership(owner, case, outsider, "role.partner")
    with pytest.raises(InvalidInput, match="passed"):
        do_set_membership(owner, case, outsider, "role.partner",
                          expires_at=timezone.now() - timedelta(minutes=1))
    assert role_in(outsider, case) is None


def test_a_partner_reads_without_identities_or_exports(client, case, partner, victim):
    from expediente_web.cases.access import can_view_protected
    from expediente_web.intake.exporter import check_export_permission
    from expediente_web.records.actions import do_add_comment

    assert not can_view_protected(partner, case)
    client.force_login(partner)
    page = client.get(f"/cases/{case.code}/")
    assert page.status_code == 200
    assert "V-12.345.678" not in page.content.decode()
    with pytest.raises(NotPermitted):
        do_add_comment(partner, victim, "nota")
    with pytest.raises(NotPermitted):
        check_export_permission(case, partner, False)
    with pytest.raises(NotPermitted):
        check_export_permission(case, partner, True)


def test_a_partners_access_ends_by_itself_at_expiry(client, case, partner):
    client.force_login(partner)
    assert client.get(f"/cases/{case.code}/").status_code == 200
    Membership.objects.filter(user=partner).update(expires_at=timezone.now()
                                                   - timedelta(seconds=1))
    response = client.get(f"/cases/{case.code}/")
    assert response.status_code == 403
    text = response.content.decode()
    assert "403" in text and case.code in text
    assert "ended" in text or "terminado" in text
    assert role_in(partner, case) is None
    assert case not in cases_for_user(partner)
    assert client.get("/").status_code == 200 and case.code not in client.get("/").content.decode()


def _cli(*args, input=None):
    return CliRunner().invoke(main, list(args), input=input)


def test_the_cli_refuses_weak_passwords_with_the_validators_message(case):
    for weak in ("12345678", "password"):
        result = _cli("user", "create", f"u{len(weak)}", "--password", weak)
        assert result.exit_code == 2, result.output
        assert "password:" in result.stderr and "Traceback" not in result.output
    assert "too common" in _cli("user", "create", "u1", "--password",
                                "password1234").stderr.lower() or "común" in (
        _cli("user", "create", "u1", "--password", "password1234").stderr.lower())
    assert _cli("user", "create", "u2", "--password", "marea-alta-en-julio").exit_code == 0
    assert _cli("user", "password", "u2", "--password", "12345678").exit_code == 2
    assert _cli("user", "password", "u2", "--password", "otra-marea-de-agosto").exit_code == 0
    user = get_user_model().objects.get(username="u2")
    assert user.check_password("otra-marea-de-agosto")
    assert user.password.startswith("argon2")


def test_the_cli_gives_partners_an_end_date_and_revokes(case, owner):
    _cli("user", "create", "pat", "--no-login")
    no_date = _cli("user", "grant", "pat", "--role", "partner", "--case", case.code)
    assert no_date.exit_code == 2 and "expiry" in no_date.stderr
    bad_date = _cli("user", "grant", "pat", "--role", "partner", "--case", case.code,
                    "--until", "mañana")
    assert bad_date.exit_code == 2
    ok = _cli("user", "grant", "pat", "--role", "partner", "--case", case.code,
              "--until", LATER)
    assert ok.exit_code == 0, ok.output
    assert "pat\tpartner in ve-2017 until 2999-12-31" in _cli("user", "list").stdout
    assert _cli("user", "revoke", "pat", "--case", case.code).exit_code == 0
    assert not Membership.objects.filter(user__username="pat").exists()
    last = _cli("user", "revoke", owner.username, "--case", case.code)
    assert last.exit_code == 2 and "last owner" in last.stderr
