"""Security keys as a second factor: one's own only, removal audited, never the last factor a
role needs, and the relying party taken from the checked host. The ceremonies themselves run in
Chromium's virtual authenticator (tests/browser/test_security_key.py)."""

from __future__ import annotations

import secrets

import pytest
from django.test import Client, RequestFactory

from expediente_web.accounts.access import has_second_factor, security_keys, two_factor_users
from expediente_web.accounts.actions import do_remove_security_key
from expediente_web.accounts.security_keys import credential_model, relying_party_id
from expediente_web.audit.models import AuditEntry
from expediente_web.cases.validation import InvalidInput
from support.two_factor import TwoFactorClient, enrol_totp

pytestmark = pytest.mark.django_db


def _key(user, name="Security key 1"):
    return credential_model().objects.create(
        user=user, name=name, confirmed=True, credential_id=secrets.token_bytes(32),
        public_key=secrets.token_bytes(77), sign_count=0, aaguid="00000000-0000-0000-0000-"
        "000000000000", transports=["usb"], discoverable=True)


@pytest.mark.parametrize(("host", "rp_id"), [("localhost:8123", "localhost"),
                                             ("casos.example.org", "casos.example.org"),
                                             ("casos.example.org:8443", "casos.example.org")])
def test_the_relying_party_is_the_checked_host_without_its_port(settings, host, rp_id):
    settings.ALLOWED_HOSTS = ["localhost", "casos.example.org"]
    assert relying_party_id(RequestFactory().get("/", HTTP_HOST=host)) == rp_id


def test_a_key_is_a_second_factor(documenter, viewer):
    assert not has_second_factor(documenter)
    _key(documenter)
    assert has_second_factor(documenter)
    assert two_factor_users([documenter, viewer]) == {documenter.pk}


def test_removing_a_key_is_audited_and_never_leaves_a_role_without_its_factor(documenter):
    only = _key(documenter)
    with pytest.raises(InvalidInput, match="only second factor"):
        do_remove_security_key(documenter, only)
    assert security_keys(documenter).count() == 1  # nothing changed
    assert not AuditEntry.objects.filter(action="remove_security_key").exists()
    enrol_totp(documenter)
    do_remove_security_key(documenter, only)
    assert security_keys(documenter).count() == 0
    entry = AuditEntry.objects.get(action="remove_security_key")
    assert entry.actor == documenter.username and entry.payload["key"] == "Security key 1"


def test_the_page_removes_only_ones_own_key_in_a_verified_session(documenter, analyst):
    enrol_totp(documenter)
    mine, theirs = _key(documenter), _key(analyst)
    client = TwoFactorClient()
    client.force_login(documenter)
    assert client.post(f"/account/keys/{theirs.pk}/remove/").status_code == 404
    assert security_keys(analyst).count() == 1
    response = client.post(f"/account/keys/{mine.pk}/remove/")
    assert response.status_code == 302 and security_keys(documenter).count() == 0


def test_an_unverified_session_is_sent_to_the_second_step_first(documenter):
    enrol_totp(documenter)
    key = _key(documenter)
    documenter.set_password("caballo-bateria-grapa-7")
    documenter.save()
    client = Client()
    client.post("/login/", {"username": documenter.username,
                            "password": "caballo-bateria-grapa-7"})
    response = client.post(f"/account/keys/{key.pk}/remove/")
    assert response.status_code == 302 and "/two-factor/verify/" in response["Location"]
    assert security_keys(documenter).count() == 1


def test_the_second_step_offers_the_key_only_to_who_has_one(documenter):
    enrol_totp(documenter)
    documenter.set_password("caballo-bateria-grapa-7")
    documenter.save()
    client = Client()
    client.post("/login/", {"username": documenter.username,
                            "password": "caballo-bateria-grapa-7"})
    assert b"passkey-verification-button" not in client.get("/account/two-factor/verify/").content
    _key(documenter)
    page = client.get("/account/two-factor/verify/").content
    assert b"passkey-verification-button" in page and b"otp_webauthn_config" in page
