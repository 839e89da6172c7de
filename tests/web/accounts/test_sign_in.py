"""Signing in: Argon2, the password rules, lockout after failures, and the second factor."""

from __future__ import annotations

import base64
import re
import time

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from expediente_web.accounts.signals import SIGNED_IN_AT
from support.two_factor import code_for_key, enrol_totp, totp_code

pytestmark = pytest.mark.django_db

PASSWORD = "caballo-bateria-grapa-7"


def _with_password(user, password=PASSWORD):
    user.set_password(password)
    user.save()
    return user


def _sign_in(client, username, password=PASSWORD, **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def test_passwords_are_hashed_with_argon2(owner):
    _with_password(owner)
    owner.refresh_from_db()
    assert owner.password.startswith("argon2$argon2id$")


@pytest.mark.parametrize("weak", ["12345678", "password", "123456789012", "olga_owner2024"])
def test_the_password_validators_refuse_weak_passwords(owner, weak):
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        validate_password(weak, owner)


def test_forty_wrong_passwords_then_the_right_one_does_not_sign_in(viewer):
    _with_password(viewer)
    client = Client(REMOTE_ADDR="203.0.113.7")
    statuses = [_sign_in(client, viewer.username, f"wrong-{i}").status_code for i in range(40)]
    assert statuses[:4] == [200] * 4  # the form again, with its error
    assert set(statuses[5:]) == {429}  # locked out from the fifth failure on
    response = _sign_in(client, viewer.username)
    assert response.status_code == 429
    page = response.content.decode()
    assert "15" in page and "UTC" in page  # says when to try again
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302


def test_the_lockout_holds_a_username_at_one_address_only(viewer):
    _with_password(viewer)
    attacker = Client(REMOTE_ADDR="203.0.113.7")
    for i in range(6):
        _sign_in(attacker, viewer.username, f"wrong-{i}")
    colleague = Client(REMOTE_ADDR="198.51.100.9")
    response = _sign_in(colleague, viewer.username)
    assert response.status_code == 302
    assert colleague.get("/").status_code == 200


def test_a_role_without_identities_signs_in_with_the_password(viewer, case):
    _with_password(viewer)
    client = Client()
    response = _sign_in(client, viewer.username)
    assert response.status_code == 302 and response.url == "/"
    assert client.get(f"/cases/{case.code}/").status_code == 200


def test_a_documenter_without_a_device_is_sent_to_enrol_and_reaches_no_case(documenter, case):
    _with_password(documenter)
    client = Client()
    response = _sign_in(client, documenter.username)
    assert response.status_code == 302
    assert response.url.startswith("/account/two-factor/?next=")
    for path in (f"/cases/{case.code}/", "/", f"/cases/{case.code}/linkage/", "/account/"):
        blocked = client.get(path)
        assert blocked.status_code == 302, path
        assert blocked.url.startswith("/account/two-factor/"), path
    page = client.get("/account/two-factor/").content.decode()
    assert "<svg" in page and "QR" in page
    secret = re.search(r'data-secret="([A-Z2-7]+)"', page).group(1)
    wrong = client.post("/account/two-factor/", {"code": "000000"})
    assert wrong.status_code == 200
    assert "not right" in wrong.content.decode() or "no es correcto" in wrong.content.decode()
    assert client.get(f"/cases/{case.code}/").status_code == 302
    code = code_for_key(base64.b32decode(secret))
    done = client.post("/account/two-factor/?next=/cases/ve-2017/", {"code": code})
    assert done.status_code == 302 and done.url.startswith("/account/two-factor/recovery-codes/")
    codes_page = client.get(done.url).content.decode()
    codes = re.findall(r"<li>([a-z2-7]{8})</li>", codes_page)
    assert len(codes) == 10
    assert client.get(done.url).content.decode().count("<li>") < 10  # shown once
    assert client.get(f"/cases/{case.code}/").status_code == 200
    assert TOTPDevice.objects.get(user=documenter).confirmed


def test_a_user_with_a_device_gives_a_code_after_the_password(documenter, case):
    _with_password(documenter)
    device = enrol_totp(documenter)
    client = Client()
    response = _sign_in(client, documenter.username)
    assert response.url.startswith("/account/two-factor/verify/")
    assert client.get(f"/cases/{case.code}/").status_code == 302
    # Enrolling a new app is no way around the code.
    assert client.get("/account/two-factor/").url.startswith("/account/two-factor/verify/")
    wrong = client.post(response.url, {"code": "123456"})
    assert wrong.status_code == 200
    assert client.get(f"/cases/{case.code}/").status_code == 302
    device.throttle_reset()
    ok = client.post(response.url, {"code": totp_code(device)})
    assert ok.status_code == 302 and ok.url == "/"
    assert client.get(f"/cases/{case.code}/").status_code == 200


def test_a_viewer_may_enrol_and_then_needs_the_code(viewer):
    _with_password(viewer)
    enrol_totp(viewer)
    client = Client()
    assert _sign_in(client, viewer.username).url.startswith("/account/two-factor/verify/")
    assert client.get("/").status_code == 302


def test_a_recovery_code_signs_in_once(documenter, case):
    from expediente_web.accounts.actions import do_create_recovery_codes

    _with_password(documenter)
    enrol_totp(documenter)
    codes = do_create_recovery_codes(documenter)
    first = Client()
    verify_url = _sign_in(first, documenter.username).url
    response = first.post(verify_url, {"code": codes[0]})
    assert response.status_code == 302
    assert first.get(f"/cases/{case.code}/").status_code == 200
    second = Client()
    verify_url = _sign_in(second, documenter.username).url
    assert second.post(verify_url, {"code": codes[0]}).status_code == 200  # used up
    assert second.get(f"/cases/{case.code}/").status_code == 302


def test_the_next_address_stays_on_this_site(documenter):
    _with_password(documenter)
    device = enrol_totp(documenter)
    client = Client()
    _sign_in(client, documenter.username)
    response = client.post("/account/two-factor/verify/?next=https://evil.example/",
                           {"code": totp_code(device)})
    assert response.url == "/"


def test_idle_sessions_end_and_no_session_outlives_its_maximum(viewer, settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    _with_password(viewer)
    client = Client()
    _sign_in(client, viewer.username)
    assert client.get("/").status_code == 200
    session = client.session
    session[SIGNED_IN_AT] = int(time.time()) - settings.EXPEDIENTE_SESSION_MAX_AGE - 1
    session.save()
    assert client.get("/").status_code == 302
    assert "_auth_user_id" not in client.session


def test_a_role_given_while_signed_in_asks_for_the_second_factor_on_the_next_page(
        viewer, owner, case):
    from expediente_web.cases.actions import do_set_membership

    _with_password(viewer)
    client = Client()
    _sign_in(client, viewer.username)
    assert client.get(f"/cases/{case.code}/").status_code == 200
    do_set_membership(owner, case, viewer, "role.documenter")
    response = client.get(f"/cases/{case.code}/")
    assert response.status_code == 302 and response.url.startswith("/account/two-factor/")


def test_the_access_layer_refuses_an_unverified_protected_role(documenter, case):
    from django.core.exceptions import PermissionDenied

    from expediente_web.cases.access import access_case_by_code

    documenter.is_verified = lambda: False
    with pytest.raises(PermissionDenied, match="two factors"):
        access_case_by_code(documenter, case.code)


def test_changing_the_password_checks_the_old_one_and_the_rules(viewer, audit_count):
    _with_password(viewer)
    client = Client()
    _sign_in(client, viewer.username)
    weak = client.post("/account/password/", {"old_password": PASSWORD,
                                               "new_password1": "12345678",
                                               "new_password2": "12345678"})
    assert weak.status_code == 200
    text = weak.content.decode()
    assert "demasiado corta" in text or "too short" in text
    before = audit_count()
    wrong_old = client.post("/account/password/", {"old_password": "nope",
                                                    "new_password1": "otra-frase-larga-9",
                                                    "new_password2": "otra-frase-larga-9"})
    assert wrong_old.status_code == 200 and audit_count() == before
    ok = client.post("/account/password/", {"old_password": PASSWORD,
                                             "new_password1": "otra-frase-larga-9",
                                             "new_password2": "otra-frase-larga-9"})
    assert ok.status_code == 302
    assert audit_count() == before + 1
    assert client.get("/").status_code == 200  # still signed in
    assert get_user_model().objects.get(pk=viewer.pk).check_password("otra-frase-larga-9")
