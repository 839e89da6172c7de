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

    from django.contrib.auth import get_user_model

    from expediente_web.cases.models import Membership
    from expediente_web.records.models import Act

    demo = get_user_model().objects.get(username="demo")
    assert demo.check_password(password)
    assert Membership.objects.get(user=demo).role == "role.owner"
    acts = Act.objects.filter(case__code="DEMO-SMALL-7").count()
    assert acts > 500

    second = CliRunner().invoke(main, ["demo", "--data-dir", str(tmp_path / "demo-data"),
                                       "--no-serve", "--seed", "7"])
    assert second.exit_code == 0, second.output
    assert "Reusing the demo case DEMO-SMALL-7" in second.stdout
    assert f"password: {password}" in second.stdout
    assert Act.objects.filter(case__code="DEMO-SMALL-7").count() == acts
