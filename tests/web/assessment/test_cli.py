"""`expediente assessment show --case C`: the matrix at the console, as text and JSON."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from expediente.cli import main
from expediente.cli.language import set_language
from expediente_web.assessment import actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    set_language(None)


@pytest.fixture
def assessed(case, analyst, record):
    actions.do_select_crime(analyst, case, "art7.1.e")
    actions.do_cite_evidence(analyst, case, "art7.1.e.1", "act", "supports", act=record.act)
    actions.do_cite_evidence(
        analyst, case, "art7.1.e.1", "act", "contradicts", act=record.linked_act
    )
    actions.do_rate_element(
        analyst,
        case,
        "art7.1.e.1",
        "ladder.reasonable_grounds",
        "Razonamiento que no sale por la consola",
    )
    return case


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_show_prints_every_element_with_status_counts_and_warnings(assessed):
    result = invoke("assessment", "show", "--case", assessed.code, "--lang", "en")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Contextual elements — No information" in out
    assert "Imprisonment or other severe deprivation of physical liberty" in out
    line = next(x for x in out.splitlines() if x.startswith("art7.1.e.1\t"))
    assert (
        line
        == "art7.1.e.1\tReasonable grounds to believe\t1\t1\t1\tSingle source only; Contradicted"
    )
    assert "art7.contextual.1.c\tNo information\t0\t0\t0\t-" in out
    assert "Razonamiento" not in out


def test_show_in_spanish(assessed):
    result = invoke("assessment", "show", "--case", assessed.code, "--lang", "es")
    assert result.exit_code == 0, result.output
    assert "Elementos contextuales — Sin información" in result.stdout
    assert "Motivo razonable para creer" in result.stdout and "Contradicho" in result.stdout


def test_show_as_json(assessed):
    result = invoke("assessment", "show", "--case", assessed.code, "--json", "--lang", "en")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["case"] == assessed.code
    assert [g["id"] for g in data["groups"]] == ["art7.contextual", "art7.1.e"]
    row = next(r for r in data["groups"][1]["rows"] if r["element"] == "art7.1.e.1")
    assert row["status"] == "ladder.reasonable_grounds"
    assert (row["supporting"], row["contradicting"], row["independent_sources"]) == (1, 1, 1)
    assert row["flags"] == ["flag.single_source", "flag.contradicted"]


def test_an_unknown_case_is_exit_2_with_a_message(assessed):
    result = invoke("assessment", "show", "--case", "no-such-case")
    assert result.exit_code == 2
    assert "No case 'no-such-case'" in result.stderr and "Traceback" not in result.output


def test_a_user_without_a_role_is_refused(assessed, make_user):
    make_user("nadie")
    result = invoke("assessment", "show", "--case", assessed.code, "--user", "nadie")
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_a_member_may_show_it(assessed, viewer):
    result = invoke(
        "assessment", "show", "--case", assessed.code, "--user", viewer.username, "--lang", "en"
    )
    assert result.exit_code == 0, result.output
