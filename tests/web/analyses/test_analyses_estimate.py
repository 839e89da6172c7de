"""`do_run_estimate`: an estimate on a run's capture histories, stored with every parameter."""

from __future__ import annotations

import pytest

from expediente_web.analyses.actions import do_run_estimate
from expediente_web.analyses.adapters import capture_histories, table_sha256
from expediente_web.analyses.models import EstimateRun
from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput

pytestmark = pytest.mark.django_db


def test_it_stores_a_loglinear_estimate_with_every_parameter(case, analyst, linked):
    from expediente import __version__

    run = do_run_estimate(analyst, case, "loglinear", seed=7, options={"n_boot": 0})
    p = run.parameters
    assert run.link_run == linked
    assert (p["method"], p["seed"], p["selection"], p["n_boot"]) == ("loglinear", 7,
                                                                    "stepwise", 0)
    assert p["link_run"] == str(linked.uid)
    assert p["list_names"] == ["OFICIAL", "ONG-A", "ONG-B", "PRENSA", "TESTIMONIO"]
    assert p["input_sha256"] == table_sha256(capture_histories(linked))
    assert p["package_version"] == __version__
    estimate = run.result["estimates"][0]
    assert estimate["n_observed"] == linked.persons
    assert estimate["estimate"] >= linked.persons
    assert estimate["parameters"]["seed"] == 7
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.payload["run"]) == ("run_estimate", str(run.uid))


def test_the_same_seed_gives_the_same_estimate(case, analyst, linked):
    first = do_run_estimate(analyst, case, options={"n_boot": 50}, seed=3)
    second = do_run_estimate(analyst, case, options={"n_boot": 50}, seed=3)
    assert first.result == second.result
    assert first.parameters == second.parameters


def test_it_estimates_by_stratum_and_totals(case, analyst, linked):
    run = do_run_estimate(analyst, case, strata="year", lists="kind", min_lists=2, min_cases=1,
                          options={"n_boot": 0})
    years = set(capture_histories(linked, ["year"])["year"].to_list())
    result = run.result
    assert result["strata_column"] == "year"
    assert {e["stratum"] for e in result["estimates"]} | set(result["refused_strata"]) == years
    assert run.parameters["strata"] == "year"


def test_it_stores_an_lcmcr_estimate_with_its_seed(case, analyst, linked):
    run = do_run_estimate(analyst, case, "lcmcr", seed=11, options={
        "burnin": 200, "samples": 100, "thinning": 2, "chains": 2})
    p = run.parameters
    assert (p["k_classes"], p["burnin"], p["chains"], p["seed"]) == (5, 200, 2, 11)
    estimate = run.result["estimates"][0]
    assert estimate["method"] == "lcmcr"
    assert "draws" not in estimate["details"]


def test_it_needs_a_linkage_run_first(case, analyst, victims):
    with pytest.raises(InvalidInput, match="no linkage run"):
        do_run_estimate(analyst, case)


def test_it_names_what_it_does_not_know(case, analyst, linked):
    with pytest.raises(InvalidInput, match="method"):
        do_run_estimate(analyst, case, "bayes")
    with pytest.raises(InvalidInput, match="strata"):
        do_run_estimate(analyst, case, strata="colour")
    with pytest.raises(InvalidInput, match="burnin"):
        do_run_estimate(analyst, case, "loglinear", options={"burnin": 10})
    assert not EstimateRun.objects.exists()


@pytest.mark.parametrize("persona", ["documenter", "reviewer", "viewer", "outsider"])
def test_only_owners_and_analysts_estimate(request, case, linked, persona):
    with pytest.raises(NotPermitted):
        do_run_estimate(request.getfixturevalue(persona), case, options={"n_boot": 0})


def test_it_refuses_a_loglinear_model_over_too_many_lists(case, analyst, linked, monkeypatch):
    from expediente_web.analyses import actions

    monkeypatch.setattr(actions, "MAX_LOGLINEAR_LISTS", 4)
    with pytest.raises(InvalidInput, match="--case-lists kind"):
        do_run_estimate(analyst, case, "loglinear", lists="source", options={"n_boot": 0})
    assert do_run_estimate(analyst, case, "loglinear", lists="kind",
                           options={"n_boot": 0}).parameters[
        "list_names"] == ["source.interview", "source.ngo_list", "source.official_record",
                          "source.press"]
