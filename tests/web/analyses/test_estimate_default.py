"""`do_run_estimate` with its defaults: the lists and the estimator are chosen from the table,
and the run says what was chosen and why."""

from __future__ import annotations

import pytest

from expediente_web.analyses.actions import do_run_estimate
from expediente_web.cases.validation import InvalidInput

pytestmark = pytest.mark.django_db

KINDS = ["source.interview", "source.ngo_list", "source.official_record", "source.press"]


def _codes(run):
    return [r["code"] for r in run.parameters["choice"]["reasons"]]


def test_few_sources_keep_one_list_each_and_a_loglinear_model(case, analyst, linked):
    run = do_run_estimate(analyst, case, options={"n_boot": 0})
    p = run.parameters
    assert (run.method, p["method"], p["lists"]) == ("loglinear", "loglinear", "source")
    assert (p["requested_method"], p["requested_lists"]) == ("auto", "auto")
    assert p["list_names"] == ["OFICIAL", "ONG-A", "ONG-B", "PRENSA", "TESTIMONIO"]
    assert _codes(run) == ["sources_fit", "loglinear_fits"]
    assert p["choice"]["options_not_applied"] == []


def test_many_sources_are_merged_by_kind(case, analyst, linked, monkeypatch):
    from expediente.estimation import choice

    # Five sources are "many" when the log-linear limit is four: the case's sources are then
    # merged into its four kinds.
    monkeypatch.setattr(choice, "AUTO_MAX_LOGLINEAR_LISTS", 4)
    run = do_run_estimate(analyst, case, options={"n_boot": 0})
    p = run.parameters
    assert (run.method, p["lists"], p["list_names"]) == ("loglinear", "kind", KINDS)
    assert _codes(run) == ["sources_too_many", "grouped_by_kind", "loglinear_fits"]
    assert p["choice"]["groups"]["source.ngo_list"] == ["ONG-A", "ONG-B"]
    assert "5 sources became 4 lists" in p["choice"]["reasons"][1]["text"]
    assert run.result["estimates"][0]["n_observed"] == p["persons"]


def test_more_lists_than_loglinear_takes_go_to_lcmcr(case, analyst, linked, monkeypatch):
    from expediente.estimation import choice

    monkeypatch.setattr(choice, "AUTO_MAX_LOGLINEAR_LISTS", 3)
    run = do_run_estimate(analyst, case, options={
        "n_boot": 0, "burnin": 200, "samples": 100, "thinning": 2, "chains": 2})
    p = run.parameters
    assert (run.method, p["lists"]) == ("lcmcr", "kind")
    assert _codes(run)[-1] == "lists_too_many_for_loglinear"
    # the log-linear setting was given but does not apply to the method chosen: it is said
    assert p["choice"]["options_not_applied"] == ["n_boot"]
    assert (p["burnin"], p["chains"]) == (200, 2)
    assert run.result["estimates"][0]["method"] == "lcmcr"


def test_a_named_method_is_kept_and_the_lists_still_chosen(case, analyst, linked):
    run = do_run_estimate(analyst, case, "lcmcr", options={
        "burnin": 200, "samples": 100, "thinning": 2, "chains": 2})
    assert (run.method, run.parameters["lists"]) == ("lcmcr", "source")
    assert "given_method" in _codes(run)


def test_both_named_record_no_choice(case, analyst, linked):
    run = do_run_estimate(analyst, case, "loglinear", lists="source", options={"n_boot": 0})
    assert "choice" not in run.parameters
    assert run.parameters["requested_method"] == "loglinear"


def test_the_default_is_refused_clearly_without_linkage_or_with_an_unknown_setting(
        case, analyst, victims, linked):
    with pytest.raises(InvalidInput, match="apply to no method"):
        do_run_estimate(analyst, case, options={"colour": 1})
    with pytest.raises(InvalidInput, match="lists"):
        do_run_estimate(analyst, case, lists="colour")
