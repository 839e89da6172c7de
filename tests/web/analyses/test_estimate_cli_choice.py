"""`expediente estimate --case` with its defaults: what it chose and why, in the text and in
`--json`; `--method auto` is for a case, not a file."""

from __future__ import annotations

import json

import pytest
from analyses_data import DATA
from click.testing import CliRunner

from expediente.cli import main
from expediente_web.analyses.models import EstimateRun

pytestmark = pytest.mark.django_db


def test_the_defaults_say_what_was_chosen_and_why(case, analyst, linked, monkeypatch):
    from expediente.estimation import choice

    monkeypatch.setattr(choice, "AUTO_MAX_LOGLINEAR_LISTS", 4)  # five sources are "many"
    runner = CliRunner()
    answer = runner.invoke(main, ["estimate", "--case", case.code, "--user", analyst.username,
                                  "--n-boot", "0", "--json"])
    assert answer.exit_code == 0, answer.output
    document = json.loads(answer.stdout)
    run = EstimateRun.objects.get()
    assert (document["uid"], document["method"], document["lists"]) == (
        str(run.uid), "loglinear", "kind")
    assert [r["code"] for r in document["choice"]["reasons"]] == [
        "sources_too_many", "grouped_by_kind", "loglinear_fits"]
    # --n-boot was given and applies to the method chosen; nothing else was passed on
    assert document["choice"]["options_not_applied"] == []
    assert document["parameters"]["n_boot"] == 0
    assert document["result"]["estimates"][0]["n_observed"] == run.parameters["persons"]

    text = runner.invoke(main, ["estimate", "--case", case.code, "--user", analyst.username,
                                "--n-boot", "0", "--burnin", "300"])
    assert text.exit_code == 0, text.output
    assert "(chosen automatically; asked auto, lists auto)" in text.output
    assert "because            5 sources are more than the 4 lists" in text.output
    assert "not applied        burnin" in text.output


def test_auto_is_refused_on_a_file(tmp_path):
    answer = CliRunner().invoke(main, ["estimate", str(DATA), "--method", "auto"])
    assert answer.exit_code == 2
    assert "--method auto works with --case" in answer.output
