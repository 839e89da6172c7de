"""`expediente user …` and `expediente case …` on the test database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from expediente.cli import main

pytestmark = pytest.mark.django_db


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_create_case_user_and_role():
    assert invoke("case", "create", "ve-2017", "--title", "Venezuela 2017").exit_code == 0
    result = invoke("user", "create", "dora", "--no-login", "--role", "documenter",
                    "--case", "ve-2017")
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == "Created user dora as documenter in ve-2017"
    from expediente_web.cases.models import Membership

    assert Membership.objects.get(user__username="dora").role == "role.documenter"
    listing = invoke("user", "list")
    assert "dora\tdocumenter in ve-2017" in listing.stdout


def test_user_create_asks_for_the_password():
    result = CliRunner().invoke(main, ["user", "create", "eva"],
                                input="a-long-password\na-long-password\n")
    assert result.exit_code == 0, result.output
    from django.contrib.auth import get_user_model

    assert get_user_model().objects.get(username="eva").check_password("a-long-password")


def test_user_errors_are_clear():
    assert invoke("user", "create", "x", "--no-login", "--role", "owner").exit_code == 2
    result = invoke("user", "create", "x", "--no-login", "--role", "owner", "--case", "nope")
    assert result.exit_code == 2 and "No case 'nope' (no cases yet)" in result.stderr
    from django.contrib.auth import get_user_model

    assert not get_user_model().objects.filter(username="x").exists()
    invoke("user", "create", "x", "--no-login")
    again = invoke("user", "create", "x", "--no-login")
    assert again.exit_code == 2 and "username: a user 'x' already exists" in again.stderr
    short = invoke("user", "create", "y", "--password", "short")
    assert short.exit_code == 2 and "password:" in short.stderr


def test_case_owned_by_the_acting_user_and_permissions():
    invoke("user", "create", "olga", "--no-login")
    invoke("user", "create", "vic", "--no-login")
    assert invoke("case", "create", "c1", "--title", "One", "--user", "olga").exit_code == 0
    assert invoke("user", "grant", "vic", "--role", "viewer", "--case", "c1",
                  "--user", "olga").exit_code == 0
    denied = invoke("user", "grant", "vic", "--role", "owner", "--case", "c1", "--user", "vic")
    assert denied.exit_code == 3 and "Not permitted" in denied.stderr


def test_case_errors_are_clear():
    bad = invoke("case", "create", "no spaces allowed", "--title", "T")
    assert bad.exit_code == 2 and "code:" in bad.stderr and "Traceback" not in bad.output
    invoke("case", "create", "c1", "--title", "One")
    dup = invoke("case", "create", "c1", "--title", "Again")
    assert dup.exit_code == 2 and "already exists" in dup.stderr
    period = invoke("case", "create", "c2", "--title", "T", "--period", "2017-13")
    assert period.exit_code == 2 and "period:" in period.stderr
    missing = invoke("case", "sources", "zzz")
    assert missing.exit_code == 2 and "No case 'zzz' (cases: c1)" in missing.stderr


def test_case_list_and_sources():
    from django.contrib.auth import get_user_model

    from expediente_web.cases.actions import do_create_case, do_create_source
    from expediente_web.records.actions import do_create_person

    assert "No cases yet" in invoke("case", "list").stdout
    user = get_user_model().objects.create_user("olga")
    case = do_create_case(user, "c1", "One", country="Venezuela")
    source = do_create_source(user, case, "SRC-01", "Lista ONG", "source.ngo_list")
    do_create_source(user, case, "SRC-02", "Prensa", "source.press")
    do_create_person(user, case, full_name="A B", source=source, source_record_id="1")
    listing = invoke("case", "list")
    assert "c1\tOne\tVenezuela\t2\t1\t0" in listing.stdout
    sources = invoke("case", "sources", "c1")
    assert sources.exit_code == 0
    lines = sources.stdout.strip().splitlines()
    assert lines[1] == "SRC-01\tsource.ngo_list\treliability.unknown\t1\t0\t0\tLista ONG"
    assert lines[2].startswith("SRC-02\tsource.press")
