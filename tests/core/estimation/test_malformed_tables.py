"""Tables a user can get wrong are refused with a message, never a traceback.

Every table here is small and synthetic, written by the test.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from expediente.cli.estimate import command
from expediente.estimation import (
    CaptureTableError,
    EstimationError,
    ModelNotEstimableError,
    capture_table,
    estimate_lcmcr,
    estimate_loglinear,
    stepwise,
)
from expediente.estimation.charts import plot_posterior
from expediente.estimation.results import Estimate, Interval

# Three lists that never share anyone: no finite total fits (the MLE does not exist).
NO_OVERLAP = {"A": [1, 0, 0], "B": [0, 1, 0], "C": [0, 0, 1], "count": [5, 3, 4]}


def invoke(path: Path, *args: str):
    return CliRunner().invoke(command, [str(path), "--n-boot", "0", *args])


@pytest.mark.parametrize("value", ["inf", "-inf", "1e400", "99999999999999999999999"])
def test_infinite_or_absurd_counts_name_their_row(value: str) -> None:
    with pytest.raises(CaptureTableError, match=r"row 2, column 'count'"):
        capture_table({"A": [1, 0], "B": [0, 1], "count": ["3", value]})


def test_a_header_repeated_is_refused_not_renamed(tmp_path: Path) -> None:
    path = tmp_path / "twice.csv"
    path.write_text("A,B,A,count\n1,0,0,5\n0,1,0,3\n1,1,0,2\n")
    with pytest.raises(CaptureTableError, match=r"column 'A' appears more than once"):
        capture_table(path)


def test_a_control_character_in_a_list_name_is_refused() -> None:
    with pytest.raises(CaptureTableError, match="control character"):
        capture_table({"A\x00": [1, 0], "B": [0, 1], "count": [3, 4]})


def test_lists_that_share_nobody_are_refused_by_every_selection() -> None:
    table = capture_table(NO_OVERLAP)
    with pytest.raises(ModelNotEstimableError, match="does not exist"):
        stepwise(table)
    for selection in ("stepwise", "independence", "aic", "bic", "average"):
        with pytest.raises(ModelNotEstimableError, match="does not exist"):
            estimate_loglinear(table, selection=selection)


def test_main_effects_refusal_does_not_speak_of_interactions() -> None:
    with pytest.raises(ModelNotEstimableError) as caught:
        estimate_loglinear(capture_table(NO_OVERLAP), selection="independence")
    assert "interaction" not in str(caught.value)
    assert "records nobody" in str(caught.value)


def test_a_table_of_zero_counts_is_refused_by_both_estimators() -> None:
    table = capture_table({"A": [1, 0, 1], "B": [0, 1, 1], "count": [0, 0, 0]})
    with pytest.raises(EstimationError, match="records nobody"):
        estimate_loglinear(table)
    with pytest.raises(EstimationError, match="records nobody"):
        estimate_lcmcr(table, burnin=10, samples=10, chains=1)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("A,B,C,count\n1,0,0,5\n0,1,0,3\n0,0,1,4\n", "does not exist"),
        ("A,B,C,count\n1,0,0,5\n0,1,0,0\n0,0,1,0\n", "does not exist"),
        ("A,B,C,count\n1,0,0,0\n0,1,0,0\n1,1,0,0\n", "records nobody"),
        ("A,B,C,count\n1,0,0,inf\n0,1,0,3\n", "row 1, column 'count'"),
        ("A,B,A,count\n1,0,0,5\n0,1,0,3\n", "appears more than once"),
    ],
)
def test_the_command_exits_2_with_a_message(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "table.csv"
    path.write_text(text)
    result = invoke(path)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_average_selection_on_lists_sharing_nobody_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("A,B,C,count\n1,0,0,5\n0,1,0,3\n0,0,1,4\n")
    result = invoke(path, "--selection", "average")
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.output


def test_csv_output_does_not_carry_formulas(tmp_path: Path) -> None:
    # A stratum label and a list name that a spreadsheet would run as formulas.
    rows = [["=HYPERLINK(\"http://example.invalid\")", "@A", "B", "C"]]
    patterns = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (0, 1, 1), (1, 0, 1), (1, 1, 1)]
    for label in ("=cmd|calc", "Norte"):
        for i, p in enumerate(patterns):
            rows += [[label, *map(str, p)]] * (20 if i < 3 else 6)
    path = tmp_path / "people.csv"
    with path.open("w", newline="") as fh:
        csv.writer(fh).writerows([["region", "@A", "B", "C"], *rows[1:]])
    result = invoke(
        path, "--strata", "region", "--selection", "independence", "--out", str(tmp_path),
        "--format", "csv", "--chart", "none",
    )
    assert result.exit_code == 0, result.output
    with (tmp_path / "estimate-loglinear.csv").open(newline="") as fh:
        records = list(csv.DictReader(fh))
    assert {r["stratum"] for r in records} == {"'=cmd|calc", "Norte", "TOTAL"}
    assert all(r["lists"] == "'@A|B|C" for r in records)


def test_posterior_chart_says_when_chains_disagree(tmp_path: Path) -> None:
    def estimate(warnings: tuple[str, ...]) -> Estimate:
        return Estimate(
            "lcmcr", ("A", "B"), 10, 20.0, (Interval(12.0, 40.0, 0.95, "posterior"),),
            details={"draws": [15, 18, 20, 22, 30]}, warnings=warnings,
        )

    plain = plot_posterior(estimate(()), tmp_path / "plain.svg").read_text()
    loud = plot_posterior(
        estimate(("LCMCR chains DISAGREE: R-hat of N = 2.2",)), tmp_path / "loud.svg"
    ).read_text()
    assert "chains disagree" not in plain
    assert "chains disagree" in loud


@pytest.mark.parametrize("terms", [["A:A"], ["A"], [("B",)]])
def test_an_interaction_needs_two_different_lists(terms: list) -> None:
    table = capture_table({"A": [1, 0, 1], "B": [0, 1, 1], "C": [1, 1, 0], "count": [4, 5, 6]})
    with pytest.raises(ModelNotEstimableError, match="two or more different lists"):
        estimate_loglinear(table, selection="fixed", terms=terms)


def test_the_highest_order_interaction_is_a_clear_refusal_on_the_command(tmp_path: Path) -> None:
    path = tmp_path / "table.csv"
    path.write_text("A,B,count\n1,0,5\n0,1,3\n1,1,2\n")
    result = invoke(path, "--selection", "fixed", "--terms", "A:B")
    assert result.exit_code == 2, result.output
    assert "highest-order interaction" in result.output


@pytest.mark.parametrize(("option", "value"), [("--n-boot", "-5"), ("--pthresh", "2")])
def test_out_of_range_options_are_bad_usage(tmp_path: Path, option: str, value: str) -> None:
    path = tmp_path / "table.csv"
    path.write_text("A,B,C,count\n1,0,0,5\n0,1,0,3\n1,1,0,2\n1,0,1,2\n0,1,1,2\n")
    result = CliRunner().invoke(command, [str(path), option, value])
    assert result.exit_code == 2
    assert option in result.output


def test_a_bad_cell_in_a_stratum_names_its_row_in_the_file(tmp_path: Path) -> None:
    path = tmp_path / "people.csv"
    path.write_text("A,B,C,region\n1,0,0,Norte\n0,1,0,Sur\n1,1,0,Norte\n0,1,x,Sur\n")
    result = invoke(path, "--strata", "region")
    assert result.exit_code == 2, result.output
    assert "row 4, column 'C'" in result.output


def _stratified_file(tmp_path: Path) -> Path:
    patterns = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (0, 1, 1), (1, 0, 1), (1, 1, 1)]
    rows = ["A,B,C,region"]
    for label, mult in (("Norte", 9), ("Sur", 7)):
        for i, p in enumerate(patterns):
            rows += [f"{p[0]},{p[1]},{p[2]},{label}"] * (mult * (4 if i < 3 else 1))
    path = tmp_path / "people.csv"
    path.write_text("\n".join(rows) + "\n")
    return path


def test_model_averaged_strata_combine_into_a_total(tmp_path: Path) -> None:
    result = invoke(_stratified_file(tmp_path), "--strata", "region", "--selection", "average")
    assert result.exit_code == 0, result.output
    assert "[TOTAL]" in result.output and "combined-wald-log" in result.output


def test_stratified_results_record_how_the_strata_were_made(tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = invoke(
        _stratified_file(tmp_path), "--strata", "region", "--selection", "independence",
        "--min-cases", "12", "--out", str(out), "--format", "json", "--chart", "none",
    )
    assert result.exit_code == 0, result.output
    doc = json.loads((out / "estimate-loglinear.json").read_text())
    for est in [*doc["estimates"], doc["total"]]:
        assert est["parameters"]["strata"] == "region"
        assert est["parameters"]["min_cases"] == 12 and est["parameters"]["min_lists"] == 3


def test_merge_joins_lists_before_estimating(tmp_path: Path) -> None:
    out = tmp_path / "out"
    path = tmp_path / "table.csv"
    path.write_text("A,B,C,D,count\n1,0,0,0,30\n0,1,0,0,20\n0,0,1,0,25\n0,0,0,1,15\n"
                    "1,1,0,0,8\n0,1,1,0,7\n1,0,0,1,6\n0,0,1,1,9\n1,0,1,0,5\n")
    result = invoke(
        path, "--merge", "AB=A+B", "--selection", "independence", "--out", str(out),
        "--format", "json", "--chart", "none",
    )
    assert result.exit_code == 0, result.output
    est = json.loads((out / "estimate-loglinear.json").read_text())["estimates"][0]
    assert est["lists"] == ["AB", "C", "D"]
    assert est["n_observed"] == 125
    assert est["parameters"]["merge"] == ["AB=A+B"]


@pytest.mark.parametrize(("spec", "message"), [("AB=A", "NEW=A+B"), ("AB=A+Z", "unknown list")])
def test_a_bad_merge_is_refused(tmp_path: Path, spec: str, message: str) -> None:
    path = tmp_path / "table.csv"
    path.write_text("A,B,C,count\n1,0,0,5\n0,1,0,3\n1,1,0,2\n0,0,1,4\n1,0,1,2\n")
    result = invoke(path, "--merge", spec)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_merge_in_strata_where_a_list_recorded_nobody(tmp_path: Path) -> None:
    # In "Sur" list B records nobody and is dropped from that stratum: the merge still applies.
    rows = ["A,B,C,D,region"]
    patterns = [(1, 0, 0, 0), (0, 1, 0, 0), (0, 0, 1, 0), (0, 0, 0, 1), (1, 1, 0, 0),
                (0, 0, 1, 1), (1, 0, 1, 0), (0, 1, 0, 1)]
    for p in patterns:
        rows += [",".join(map(str, p)) + ",Norte"] * 6
        if p[1] == 0:
            rows += [",".join(map(str, p)) + ",Sur"] * 6
    path = tmp_path / "people.csv"
    path.write_text("\n".join(rows) + "\n")
    result = invoke(path, "--strata", "region", "--merge", "AB=A+B", "--selection",
                    "independence", "--min-lists", "2")
    assert result.exit_code == 0, result.output
    assert "[Sur]" in result.output and "[TOTAL]" in result.output


def test_drop_leaves_lists_out_with_the_people_only_they_recorded() -> None:
    path = Path(__file__).resolve().parents[2] / "data" / "mse"
    path = path / "uk_modern_slavery_2013_5lists.csv"
    result = invoke(path, "--drop", "GP")
    assert result.exit_code == 0, result.output
    # 2,744 recorded, of whom 316 only by GP; the stepwise figure for the other four lists
    assert "recorded 2,428, estimated 11,015" in result.output
    refused = invoke(path, "--exclude", "GP")
    assert refused.exit_code == 2
    assert "--drop" in refused.output
    unknown = invoke(path, "--drop", "ZZ")
    assert unknown.exit_code == 2 and "unknown list(s) ['ZZ']" in unknown.output


def test_lcmcr_refuses_lists_that_share_nobody():
    from expediente.estimation import EstimationError, capture_table, estimate_lcmcr

    table = capture_table({"A": [1, 0, 0], "B": [0, 1, 0], "C": [0, 0, 1], "count": [5, 4, 3]})
    with pytest.raises(EstimationError, match="share nobody"):
        estimate_lcmcr(table, burnin=10, samples=10, chains=1)


def test_lcmcr_refuses_an_absurd_number_of_classes():
    from expediente.estimation import EstimationError, capture_table, estimate_lcmcr

    table = capture_table({"A": [1, 0, 1], "B": [0, 1, 1], "count": [5, 4, 3]})
    with pytest.raises(EstimationError, match="latent classes is out of range"):
        estimate_lcmcr(table, k_classes=100000, burnin=10, samples=10, chains=1)
