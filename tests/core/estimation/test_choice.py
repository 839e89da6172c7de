"""The automatic choice of lists and estimator: by kind when sources are many, LCMCR where a
log-linear model cannot be fitted, and every step said."""

from __future__ import annotations

import numpy as np
import pytest

from expediente.estimation import capture_table
from expediente.estimation.choice import (
    AUTO_MAX_LOGLINEAR_LISTS,
    REASON_TEXTS,
    choose_estimate,
    group_by_kind,
)
from expediente.estimation.errors import EstimationError
from expediente.estimation.simulation import simulate_captures


def _table(n_lists: int, seed: int = 1):
    rng = np.random.default_rng(seed)
    # 400 people, each list records a person with probability 0.3
    hist = (rng.random((400, n_lists)) < 0.3).astype(np.int8)
    hist = hist[hist.sum(axis=1) > 0]
    return capture_table({f"S{j:02d}": hist[:, j] for j in range(n_lists)})


def _codes(choice):
    return [r.code for r in choice.reasons]


def test_few_sources_keep_one_list_each_and_a_loglinear_model():
    table = _table(5)
    choice = choose_estimate(table, dict.fromkeys(table.lists, "source.press"))
    assert (choice.method, choice.lists) == ("loglinear", "source")
    assert choice.table is table
    assert _codes(choice) == ["sources_fit", "loglinear_fits"]
    assert choice.automatic


def test_many_sources_are_merged_by_kind_into_a_loglinear_model():
    table = _table(20)
    kinds = {name: f"kind{j % 4}" for j, name in enumerate(table.lists)}
    choice = choose_estimate(table, kinds)
    assert (choice.method, choice.lists) == ("loglinear", "kind")
    assert choice.table.lists == ("kind0", "kind1", "kind2", "kind3")
    assert choice.groups["kind1"] == ("S01", "S05", "S09", "S13", "S17")
    assert _codes(choice) == ["sources_too_many", "grouped_by_kind", "loglinear_fits"]
    assert "20 sources became 4 lists" in choice.reasons[1].text
    # merging keeps everybody: a person is on a kind's list if on any of its sources
    assert choice.table.n_observed == table.n_observed


def test_too_many_kinds_for_loglinear_goes_to_lcmcr():
    table = _table(20)
    kinds = {name: f"kind{j % 10}" for j, name in enumerate(table.lists)}
    choice = choose_estimate(table, kinds)
    assert (choice.method, choice.lists) == ("lcmcr", "kind")
    assert choice.table.n_lists == 10 > AUTO_MAX_LOGLINEAR_LISTS
    assert _codes(choice)[-1] == "lists_too_many_for_loglinear"


def test_too_few_kinds_keep_the_sources_for_lcmcr():
    table = _table(12)
    kinds = {name: ("a" if j % 2 else "b") for j, name in enumerate(table.lists)}
    choice = choose_estimate(table, kinds)
    assert (choice.method, choice.lists) == ("lcmcr", "source")
    assert _codes(choice) == ["sources_too_many", "kinds_too_few", "lists_too_many_for_loglinear"]


def test_a_source_without_a_kind_keeps_the_sources():
    table = _table(10)
    kinds = {name: "k" + str(j % 3) for j, name in enumerate(table.lists)}
    kinds["S04"] = ""
    choice = choose_estimate(table, kinds)
    assert choice.lists == "source"
    assert "kind_missing" in _codes(choice)
    with pytest.raises(EstimationError, match="S04"):
        group_by_kind(table, kinds)


def test_lcmcr_where_no_loglinear_model_can_be_fitted():
    # Three lists that share nobody: the independence model's MLE does not exist.
    table = capture_table({"A": [1, 0, 0] * 5, "B": [0, 1, 0] * 5, "C": [0, 0, 1] * 5})
    choice = choose_estimate(table, {})
    assert choice.method == "lcmcr"
    assert _codes(choice) == ["sources_fit", "loglinear_cannot_fit"]


def test_two_lists_say_the_estimate_assumes_independence():
    table = _table(2)
    choice = choose_estimate(table, {})
    assert choice.method == "loglinear"
    assert _codes(choice)[-1] == "few_lists"


def test_what_was_asked_for_is_kept():
    table = _table(20)
    kinds = {name: f"kind{j % 4}" for j, name in enumerate(table.lists)}
    choice = choose_estimate(table, kinds, method="lcmcr")
    assert (choice.method, choice.lists) == ("lcmcr", "kind")
    assert "given_method" in _codes(choice)
    choice = choose_estimate(table, kinds, lists="source")
    assert (choice.method, choice.lists) == ("lcmcr", "source")
    assert _codes(choice)[0] == "given_lists"
    fixed = choose_estimate(table, kinds, method="loglinear", lists="kind")
    assert not fixed.automatic
    assert fixed.method == "loglinear"


def test_the_choice_is_the_same_on_the_same_table_and_serialises():
    table = _table(20)
    kinds = {name: f"kind{j % 4}" for j, name in enumerate(table.lists)}
    first = choose_estimate(table, kinds, stratified=True).to_dict()
    assert first == choose_estimate(table, kinds, stratified=True).to_dict()
    assert first["reasons"][-1]["code"] == "strata_share_choice"
    assert all(set(r) == {"code", "values", "text"} for r in first["reasons"])


def test_every_reason_has_a_sentence_and_unknown_options_are_refused():
    assert all(text.strip() and not text.endswith(".") for text in REASON_TEXTS.values())
    with pytest.raises(EstimationError, match="method"):
        choose_estimate(_table(3), {}, method="bayes")
    with pytest.raises(EstimationError, match="lists"):
        choose_estimate(_table(3), {}, lists="colour")


def test_a_simulated_population_is_estimated_with_what_was_chosen():
    from expediente.estimation import estimate_loglinear

    table = simulate_captures(2000, [[0.3, 0.25, 0.2, 0.35]], seed=3)
    choice = choose_estimate(table, {})
    assert choice.method == "loglinear"
    est = estimate_loglinear(choice.table)
    assert est.interval.lower <= 2000 <= est.interval.upper
