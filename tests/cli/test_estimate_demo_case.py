"""`expediente estimate --case` on the demo case, with its defaults: the twenty sources are
merged by kind, the estimate succeeds, says what it chose and why, and the demo's true number
of victims (its synthetic ground truth) lies inside the interval."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from expediente.cli import main

# Loading, linking and estimating the demo takes over a minute (four on a busy machine).
pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(autouse=True)
def _sqlite_only():
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("the demo runs on the embedded SQLite database by design")


@pytest.fixture
def demo_linked(tmp_path, monkeypatch):
    """The small demo case (seed 7) imported and linked once, not yet estimated."""
    from django.conf import settings

    from expediente_web.analyses.actions import do_run_linkage
    from expediente_web.cli.demo import load_demo_case

    monkeypatch.setattr(settings, "DATA_DIR", tmp_path / "data")
    (tmp_path / "data").mkdir()
    case, _ = load_demo_case(7, "small", echo=lambda *a, **k: None)
    do_run_linkage(None, case)
    return case


def test_the_default_estimate_of_the_demo_covers_its_true_total(demo_linked):
    from expediente.demo import generate
    from expediente_web.analyses.models import EstimateRun

    truth = generate(7, "small").truth
    true_victims = truth.summary["true_victims"]
    assert truth.summary["sources"] == 20

    answer = CliRunner().invoke(main, ["estimate", "--case", demo_linked.code, "--json"])
    assert answer.exit_code == 0, answer.output
    document = json.loads(answer.stdout)
    run = EstimateRun.objects.get()
    assert document["uid"] == str(run.uid)
    # twenty sources are too many for a log-linear model: merged by their kind
    assert document["lists"] == "kind"
    assert document["method"] in ("loglinear", "lcmcr")
    codes = [r["code"] for r in document["choice"]["reasons"]]
    assert codes[:2] == ["sources_too_many", "grouped_by_kind"]
    assert all(r["text"] for r in document["choice"]["reasons"])
    head = document["result"]["estimates"][0]
    assert head["n_observed"] < true_victims  # the lists missed people ...
    interval = head["intervals"][0]
    assert interval["lower"] <= true_victims <= interval["upper"]  # ... and the interval knows

    # The text form says the same: what was chosen, and why.
    from expediente_web.cli.estimate_case import print_estimate

    lines: list[str] = []
    print_estimate(run, lines.append)
    text = "\n".join(lines)
    assert "chosen automatically" in text
    assert "sources are more than the 8 lists" in text
