"""`expediente examination check --case C`: the acts outside temporal jurisdiction."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from expediente.cli import main
from expediente.cli.language import set_language
from expediente_web.examination import actions

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _language_reset():
    yield
    set_language(None)


def invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def test_check_lists_the_acts_outside_and_those_that_may_be(case, analyst, record):
    actions.do_set_jurisdiction(analyst, case, "2017-06-01", ["jurisdiction.territorial"])
    result = invoke("--lang", "en", "examination", "check", "--case", case.code)
    assert result.exit_code == 1, result.output
    out = result.stdout.splitlines()
    assert out[0] == f"case {case.code}: the Statute entered into force for the State on 2017-06-01"
    assert out[1] == "within 2, outside 2, may be outside 1, undated 0"
    assert "outside\tSRC-A a-1\tact.torture\t2017-05-14" in out
    assert "outside\tSRC-A a-2\tact.detention.arbitrary\t2017-05" in out
    assert "may be outside\tSRC-B h-a-7\tact.detention.arbitrary\t2017" in out


def test_check_as_json_and_a_clean_case(case, analyst, record):
    actions.do_set_jurisdiction(analyst, case, "2002-07-01", ["jurisdiction.territorial"])
    result = invoke("examination", "check", "--case", case.code, "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert found["counts"] == {"outside": 0, "straddling": 0, "within": 5, "undated": 0}
    assert found["outside"] == [] and found["bases"] == ["jurisdiction.territorial"]


def test_check_without_a_basis_says_so(case, record):
    result = invoke("--lang", "en", "examination", "check", "--case", case.code)
    assert result.exit_code == 2
    assert "has no jurisdiction basis" in result.output and "Traceback" not in result.output


def test_check_as_a_user_without_a_role_is_refused(case, record, outsider):
    result = invoke("examination", "check", "--case", case.code, "--user", outsider.username)
    assert result.exit_code == 2 and "Traceback" not in result.output
