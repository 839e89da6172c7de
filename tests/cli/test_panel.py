"""`expediente panel freeze | status | show` on the test database."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from expediente.cli import main
from expediente.cli.language import set_language

pytestmark = pytest.mark.django_db

SECRET = "Razonamiento de Rosa que solo se lee al final"


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    set_language(None)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture
def team():
    from django.contrib.auth import get_user_model

    from expediente_web.assessment.actions import do_rate_element, do_select_crime
    from expediente_web.cases.actions import do_create_case, do_set_membership

    make = get_user_model().objects.create_user
    owner = make("olga")
    case = do_create_case(owner, "ve-panel", "Caso sintético del panel")
    users = {"olga": owner}
    for name, role in (
        ("ana", "analyst"),
        ("rosa", "reviewer"),
        ("raul", "reviewer"),
        ("vico", "viewer"),
        ("paula", "partner"),
    ):
        users[name] = make(name)
        extra = {}
        if role == "partner":
            import datetime as dt

            from django.utils import timezone

            extra["expires_at"] = timezone.now() + dt.timedelta(days=9)
        do_set_membership(owner, case, users[name], f"role.{role}", **extra)
    do_select_crime(users["ana"], case, "art7.1.e")
    do_rate_element(users["ana"], case, "art7.1.e.1", "ladder.reasonable_grounds", "Dos listas.")
    return case, users


def _review(version, user, rungs, default="ladder.reasonable_basis"):
    from expediente_web.panel.access import verified_content
    from expediente_web.panel.actions import do_save_finding, do_submit_findings

    for element in verified_content(version)["elements"]:
        reasoning = SECRET if user.username == "rosa" else f"Hallazgo de {user.username}"
        do_save_finding(user, version, element["id"], rungs.get(element["id"], default), reasoning)
    do_submit_findings(user, version)


def test_freeze_assigns_the_reviewers_named(team):
    case, _users = team
    result = invoke(
        "panel", "freeze", "--case", case.code, "--user", "ana", "--reviewers", "rosa,raul,vico"
    )
    assert result.exit_code == 0, result.output
    from expediente_web.panel.models import Assignment, FrozenVersion

    version = FrozenVersion.objects.get()
    assert f"Version 1 of case ve-panel frozen; digest {version.digest}" in result.stdout
    assert "Reviewers: rosa, raul, vico (3 of 3)" in result.stdout
    assert sorted(Assignment.objects.values_list("reviewer_name", flat=True)) == [
        "raul",
        "rosa",
        "vico",
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["--reviewers", "rosa,nadie"], "No user 'nadie'"),
        (["--reviewers", "rosa,ana"], "ana rated elements of this version"),
        (["--reviewers", "rosa,paula"], "paula is not a member of the case's team"),
        (["--reviewers", "rosa,rosa"], "names someone twice"),
        (["--count", "1"], "2 to 9 reviewers"),
        (["--count", "2", "--reviewers", "rosa,raul,vico"], "3 reviewers given"),
    ],
)
def test_bad_input_is_exit_2_and_freezes_nothing(team, args, says):
    case, _users = team
    result = invoke("panel", "freeze", "--case", case.code, "--user", "olga", *args)
    assert result.exit_code == 2, result.output
    assert says in result.stderr and "Traceback" not in result.output
    from expediente_web.panel.models import Assignment, FrozenVersion

    assert FrozenVersion.objects.count() == 0 and Assignment.objects.count() == 0


def test_freeze_needs_an_owner_or_analyst(team):
    case, _users = team
    assert invoke("panel", "freeze", "--case", case.code).exit_code == 2
    refused = invoke("panel", "freeze", "--case", case.code, "--user", "rosa")
    assert refused.exit_code == 3 and "may not freeze the element matrix" in refused.stderr
    assert invoke("panel", "freeze", "--case", "nope", "--user", "ana").exit_code == 2


def test_status_says_who_submitted_and_nothing_found(team):
    case, users = team
    from expediente_web.panel.actions import do_freeze_version

    version = do_freeze_version(
        users["ana"], case, reviewers=[users["rosa"], users["raul"], users["vico"]]
    )
    _review(version, users["rosa"], {})
    result = invoke("panel", "status", "--case", case.code, "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert f"digest {version.digest} (verified)" in out
    assert "1 of 3 reviewers have submitted" in out
    rosa = next(line for line in out.splitlines() if line.startswith("rosa\t"))
    assert rosa.split("\t")[2] != "-"
    assert (
        next(line for line in out.splitlines() if line.startswith("raul\t")).split("\t")[2] == "-"
    )
    assert SECRET not in out and "Reasonable basis" not in out
    # Nor does `show` open before everyone has submitted, for anyone.
    early = invoke("panel", "show", "--case", case.code, "--version", "1", "--user", "rosa")
    assert early.exit_code == 2 and "1 of 3 have" in early.stderr and SECRET not in early.output
    spanish = invoke("panel", "status", "--case", case.code, "--version", "1", "--lang", "es")
    assert "1 de 3 revisores entregaron" in spanish.stdout


def test_show_prints_the_consolidation_in_the_readers_language(team):
    case, users = team
    from expediente_web.panel.actions import do_freeze_version, do_sign_off

    version = do_freeze_version(
        users["olga"], case, reviewers=[users["rosa"], users["raul"], users["vico"]]
    )
    _review(version, users["rosa"], {"art7.1.e.1": "ladder.substantial_grounds"})
    _review(version, users["raul"], {})
    _review(version, users["vico"], {})
    do_sign_off(users["rosa"], version)
    result = invoke(
        "panel", "show", "--case", case.code, "--version", "1", "--user", "olga", "--lang", "en"
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Krippendorff's alpha (ordinal), 10 elements, 3 reviewers:" in out
    line = next(x for x in out.splitlines() if x.startswith("art7.1.e.1\t"))
    # element, analyst, raul, rosa, vico, majority, spread
    assert line.split("\t") == [
        "art7.1.e.1",
        "Reasonable grounds to believe",
        "Reasonable basis to believe",
        "Substantial grounds to believe",
        "Reasonable basis to believe",
        "Reasonable basis to believe",
        "2",
    ]
    assert f"dissent art7.1.e.1 · rosa · Substantial grounds to believe: {SECRET}" in out
    assert "sign-off rosa: 20" in out and "sign-off raul: not signed off" in out
    es = invoke(
        "panel", "show", "--case", case.code, "--version", "1", "--user", "olga", "--lang", "es"
    )
    assert "Elementos contextuales — alpha" in es.stdout and "disiente art7.1.e.1" in es.stdout


def test_show_refuses_bad_versions_and_partners(team):
    case, users = team
    assert invoke("panel", "status", "--case", case.code).exit_code == 2  # nothing frozen
    from expediente_web.panel.actions import do_freeze_version

    do_freeze_version(users["ana"], case)
    missing = invoke("panel", "show", "--case", case.code, "--version", "7", "--user", "olga")
    assert missing.exit_code == 2 and "No version 7" in missing.stderr
    partner = invoke("panel", "status", "--case", case.code, "--user", "paula")
    assert partner.exit_code == 3


def test_a_version_changed_by_hand_is_refused(team):
    case, users = team
    from django.db import connection

    from expediente_web.panel.actions import do_freeze_version

    version = do_freeze_version(users["ana"], case)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE panel_frozenversion SET digest = %s WHERE id = %s", ["f" * 64, version.pk]
        )
    result = invoke("panel", "status", "--case", case.code)
    assert result.exit_code == 1 and "does not match its digest" in result.stderr
