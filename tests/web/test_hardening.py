"""Headers every page carries, and the production settings `check --deploy` finds nothing in.

The policy itself is in settings (CONTENT_SECURITY_POLICY); here we check what a browser
receives, and, in a fresh interpreter, that `EXPEDIENTE_HTTPS=true` turns on what HTTPS needs.
"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

pytestmark = pytest.mark.django_db


def _directives(header: str) -> dict[str, list[str]]:
    parts = (p.strip().split() for p in header.split(";") if p.strip())
    return {p[0]: p[1:] for p in parts}


@pytest.mark.parametrize("path", ["/login/", "/", "/does-not-exist/"])
def test_every_page_forbids_inline_script_and_framing(client, path):
    got = client.get(path)
    policy = _directives(got["Content-Security-Policy"])
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert "'unsafe-inline'" not in got["Content-Security-Policy"]
    assert "'unsafe-eval'" not in got["Content-Security-Policy"]
    assert got["X-Frame-Options"] == "DENY"
    assert got["X-Content-Type-Options"] == "nosniff"
    assert got["Referrer-Policy"] == "same-origin"
    assert got["Cross-Origin-Opener-Policy"] == "same-origin"


def test_the_sign_in_cookies_are_http_only(client):
    got = client.get("/login/")
    assert got.cookies["csrftoken"]["httponly"]


def test_without_https_the_cookies_work_over_plain_http(settings):
    # `make demo` serves http://127.0.0.1: secure cookies would never come back.
    assert not settings.SESSION_COOKIE_SECURE
    assert not settings.CSRF_COOKIE_SECURE
    assert not settings.SECURE_SSL_REDIRECT


_CHECK = """
import django
django.setup()
from django.conf import settings
from django.core.checks import run_checks
found = run_checks(include_deployment_checks=True)
print("FOUND", sorted(m.id for m in found if not m.is_silenced()))
print("SECURE", settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE,
      settings.SECURE_SSL_REDIRECT, settings.SECURE_HSTS_SECONDS > 0)
"""


def _check_deploy(tmp_path, **env: str) -> str:
    environment = {
        **os.environ,
        "EXPEDIENTE_DATA_DIR": str(tmp_path),
        "EXPEDIENTE_SECRET_KEY": "a-real-key-" + "Kq7xW2pZ9mB4vN8cR1tY6uH3jL5sD0fG" * 2,
        "EXPEDIENTE_ALLOWED_HOSTS": "expediente.example.org",
        **env,
    }
    environment.pop("DATABASE_URL", None)
    # Set by the browser tests' set-up in this process; never in a deployment (async.E001).
    environment.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    done = subprocess.run([sys.executable, "-c", _CHECK], env=environment, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_check_deploy_finds_nothing_in_the_production_settings(tmp_path):
    out = _check_deploy(tmp_path, EXPEDIENTE_HTTPS="true")
    assert "FOUND []" in out, out
    assert "SECURE True True True True" in out


def test_check_deploy_names_what_plain_http_lacks(tmp_path):
    out = _check_deploy(tmp_path, EXPEDIENTE_HTTPS="false")
    for missing in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert missing in out


def test_a_wrong_https_value_is_refused_by_name(tmp_path):
    environment = {**os.environ, "EXPEDIENTE_DATA_DIR": str(tmp_path),
                   "EXPEDIENTE_HTTPS": "maybe"}
    done = subprocess.run([sys.executable, "-c", "import django; django.setup()"],
                          env=environment, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "EXPEDIENTE_HTTPS" in done.stderr
