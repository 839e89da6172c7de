"""`expediente demo --no-serve`: the demo case, the demo login, and a second run reusing both."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from expediente.cli import main

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _sqlite_only():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the demo runs on the embedded SQLite database by design")


def test_demo_refuses_another_database(monkeypatch, tmp_path):
    from django.conf import settings

    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "d")
    monkeypatch.setitem(settings.DATABASES["default"], "ENGINE",
                        "django.db.backends.postgresql")
    result = CliRunner().invoke(main, ["demo", "--data-dir", str(tmp_path / "d"), "--no-serve"])
    assert result.exit_code == 2 and "embedded SQLite" in result.stderr


def test_demo_loads_the_case_and_makes_a_login_and_is_idempotent(tmp_path, monkeypatch):
    from django.conf import settings

    monkeypatch.setenv("EXPEDIENTE_DATA_DIR", str(tmp_path / "demo-data"))
    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "demo-data")
    first = CliRunner().invoke(main, ["demo", "--data-dir", str(tmp_path / "demo-data"),
                                      "--no-serve", "--seed", "7"])
    assert first.exit_code == 0, first.output
    assert "Loaded the demo case DEMO-SMALL-7" in first.stdout
    assert "DEMO ACCOUNT" in first.stdout
    password = first.stdout.split("password: ", 1)[1].split()[0]
    secret = first.stdout.split("TOTP secret: ", 1)[1].split()[0]
    assert "otpauth://totp/Expediente%3Ademo?secret=" + secret in first.stdout

    from django.contrib.auth import get_user_model

    from expediente_web.cases.models import Membership
    from expediente_web.records.models import Act

    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password(password)
    assert Membership.objects.get(user=demo).role == "role.owner"
    # Three panel reviewers, to review a frozen version of the matrix blind.
    assert "panel reviewers: panel-1, panel-2, panel-3" in first.stdout
    for name in ("panel-1", "panel-2", "panel-3"):
        reviewer = get_user_model().objects.get(username=name)
        assert reviewer.check_password(password)
        assert Membership.objects.get(user=reviewer).role == "role.reviewer"
    acts = Act.objects.filter(case__code="DEMO-SMALL-7").count()
    assert acts > 500

    # The demo is linked and estimated once, so its queue and patterns pages have content; the
    # synthetic truth (every victim, documented or not) lies inside the estimate's interval.
    from expediente.demo import generate
    from expediente_web.analyses.models import EstimateRun, LinkRun

    true_victims = generate(7, "small").truth.summary["true_victims"]

    assert LinkRun.objects.filter(case__code="DEMO-SMALL-7").count() == 1
    estimate = EstimateRun.objects.get(case__code="DEMO-SMALL-7")
    interval = estimate.result["estimates"][0]["intervals"][0]
    assert interval["lower"] <= true_victims <= interval["upper"]
    assert "uncertain pairs await review" in first.stdout

    second = CliRunner().invoke(main, ["demo", "--data-dir", str(tmp_path / "demo-data"),
                                       "--no-serve", "--seed", "7"])
    assert second.exit_code == 0, second.output
    assert "Reusing the demo case DEMO-SMALL-7" in second.stdout
    assert f"password: {password}" in second.stdout
    assert f"TOTP secret: {secret}" in second.stdout  # the same authenticator, not a new one
    assert Act.objects.filter(case__code="DEMO-SMALL-7").count() == acts
    assert Membership.objects.filter(role="role.reviewer").count() == 3
    assert LinkRun.objects.filter(case__code="DEMO-SMALL-7").count() == 1
    assert EstimateRun.objects.filter(case__code="DEMO-SMALL-7").count() == 1
