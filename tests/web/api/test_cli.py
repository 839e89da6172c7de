"""`expediente api-token create | list | revoke` on the test database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from django.test import Client

from expediente.cli import main

pytestmark = pytest.mark.django_db


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_make_use_list_and_revoke_a_token(case, documenter, viewer):
    made = invoke(
        "api-token",
        "create",
        "dora_documenter",
        "--case",
        case.code,
        "--scope",
        "write",
        "--label",
        "importer",
        "--until",
        "2099-12-31",
    )
    assert made.exit_code == 0, made.output
    secret = made.stdout.strip()
    assert secret.startswith("exp_") and "\n" not in secret
    assert "shown only now" in made.stderr and "until 2100-01-01" in made.stderr
    response = Client().get(f"/api/cases/{case.code}", HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert response.status_code == 200 and response.json()["scope"] == "write"

    listing = invoke("api-token", "list", "--case", case.code)
    assert listing.exit_code == 0
    assert (
        f"{secret[:12]}…\tdora_documenter\t{case.code}\twrite\tuntil 2100-01-01 00:00\timporter"
        in (listing.stdout)
    )
    assert secret not in listing.stdout

    revoked = invoke("api-token", "revoke", f"{secret[:12]}…", "--user", "olga_owner")
    assert revoked.exit_code == 0, revoked.output
    assert Client().get("/api/token", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 401
    assert "revoked" in invoke("api-token", "list", "--for", "dora_documenter").stdout

    from expediente_web.audit.models import AuditEntry

    assert AuditEntry.objects.get(action="revoke_api_token").actor == "olga_owner"


def test_token_command_errors_are_clear(case, documenter, viewer):
    write = invoke("api-token", "create", "vera_viewer", "--case", case.code, "--scope", "write")
    assert write.exit_code == 2 and "scope: a viewer may hold read tokens only" in write.stderr
    assert "Traceback" not in write.output and not write.stdout
    nobody = invoke("api-token", "create", "nobody", "--case", case.code)
    assert nobody.exit_code == 2 and "No user 'nobody'" in nobody.stderr
    other = invoke(
        "api-token", "create", "vera_viewer", "--case", case.code, "--user", "dora_documenter"
    )
    assert other.exit_code == 3 and "Not permitted" in other.stderr
    short = invoke("api-token", "revoke", "exp_")
    assert short.exit_code == 2 and "first 12 characters" in short.stderr
    unknown = invoke("api-token", "revoke", "exp_ABCDEFGH")
    assert unknown.exit_code == 2 and "No API token" in unknown.stderr
    date = invoke("api-token", "create", "vera_viewer", "--case", case.code, "--until", "soon")
    assert date.exit_code == 2 and "--until" in date.output
    from expediente_web.api.models import ApiToken

    assert not ApiToken.objects.exists()
