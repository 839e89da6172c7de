"""`expediente patterns FILE` on small synthetic acts tables (written by each test)."""

from __future__ import annotations

import csv
import hashlib
import json
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from expediente import __version__
from expediente.cli.patterns import command
from expediente.estimation import Estimate, EstimationReport, Interval, write_json
from expediente.patterns.files import read_acts_file

CORE_HEADER = ["act_id", "victim_id", "act_type", "methods", "start_date", "place", "unit",
               "victim_affiliation"]
# Nine synthetic acts: a wave in May 2017 in three states, a date known only to the year.
CORE_ROWS = [
    ["a1", "v1", "act.torture", "method.beating;method.asphyxiation", "2017-04-02", "Lara",
     "U-1", "affiliation.student"],
    ["a2", "v2", "act.torture", "method.beating;method.electric_shock", "2017-05-03", "Zulia",
     "U-1", "affiliation.student"],
    ["a3", "v3", "act.torture", "method.beating;method.asphyxiation", "2017-05-04", "Lara",
     "U-2", "affiliation.journalist"],
    ["a4", "v3", "act.detention.arbitrary", "", "2017-05-05", "Lara", "U-2",
     "affiliation.journalist"],
    ["a5", "v4", "act.torture", "method.beating", "2017-05-20", "Carabobo", "U-2",
     "affiliation.student"],
    ["a6", "v5", "act.torture", "method.asphyxiation;method.beating", "2017-05-21", "Zulia",
     "U-1", "affiliation.protester"],
    ["a7", "v6", "act.detention.arbitrary", "", "2017-07-01", "Carabobo", "U-1",
     "affiliation.protester"],
    ["a8", "v7", "act.torture", "method.electric_shock", "2018-01-15", "Lara", "U-2",
     "affiliation.student"],
    ["a9", "v8", "act.detention.arbitrary", "", "2017", "Zulia", "U-1", "affiliation.student"],
]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def core_file(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "acts.csv", CORE_HEADER, CORE_ROWS)


def invoke(*args: str):
    return CliRunner().invoke(command, [str(a) for a in args])


def test_the_report_speaks_the_language_asked_for(core_file: Path) -> None:
    from expediente.cli import main

    result = CliRunner().invoke(main, ["--lang", "es", "patterns", str(core_file)])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "GENERALIZADO" in out and "SISTEMÁTICO" in out and "WIDESPREAD" not in out
    assert "Golpes" in out and "Estudiante" in out and "Beating" not in out
    english = CliRunner().invoke(main, ["patterns", str(core_file)])  # the next command: English
    assert "WIDESPREAD" in english.output and "Beating" in english.output


def test_it_prints_both_sets_of_indicators_with_their_meaning(core_file: Path) -> None:
    result = invoke(core_file)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "WIDESPREAD" in out and "SYSTEMATIC" in out
    assert "Documented acts                      9 " in out
    assert "Documented victims                   8 " in out
    assert "Places with victims                  3 " in out
    assert "none (no estimate)" in out and "not an estimate of how many" in out
    assert "near 1 = in a few waves" in out  # the meaning printed beside the value
    assert "Beating" in out and "lift" in out  # vocabulary terms by their label
    assert "Student" in out and "method.beating" not in out
    # The act dated only to 2017 cannot be placed in a month: it is left out and said so.
    assert "1 act(s) dated less precisely than a month" in out


def test_it_writes_counts_indicators_and_a_chart(core_file: Path, tmp_path: Path) -> None:
    out_dir = tmp_path / "out"
    result = invoke(core_file, "--by", "month", "--by", "state", "--out", out_dir)
    assert result.exit_code == 0, result.output
    counts = pl.read_csv(out_dir / "patterns-counts.csv")
    assert counts.columns == ["month", "state", "acts", "victims"]
    may_lara = counts.filter((pl.col("month") == "2017-05") & (pl.col("state") == "Lara"))
    assert may_lara.row(0, named=True) == {"month": "2017-05", "state": "Lara", "acts": 2,
                                           "victims": 1}
    assert counts["acts"].sum() == 8  # the year-only act is not in any month
    doc = json.loads((out_dir / "patterns-indicators.json").read_text("utf-8"))
    assert doc["input"]["sha256"] == hashlib.sha256(core_file.read_bytes()).hexdigest()
    assert doc["package_version"] == __version__
    assert doc["parameters"]["by"] == ["month", "state"]
    assert doc["widespread"]["victims"] == 8 and doc["widespread"]["estimated_victims"] is None
    assert doc["meanings"]["temporal_gini"]["es"].startswith("actos por mes")
    png = (out_dir / "patterns-series.png").read_bytes()
    assert png.startswith(b"\x89PNG")


def test_the_monthly_figures_leave_out_a_year_only_date(core_file: Path) -> None:
    frame, _ = read_acts_file(core_file)
    from expediente.patterns.report import build_report

    report = build_report(frame, ["month"])
    # Apr 2017 - Jan 2018 is ten months, four of them with acts (Apr, May, Jul, Jan).
    assert report.widespread.months_active == 4
    assert report.widespread.share_of_months_active == pytest.approx(0.4)
    assert report.series.height == 10
    assert report.series.filter(pl.col("period") == "2017-01").height == 0


def test_the_estimate_supplies_the_scale(core_file: Path, tmp_path: Path) -> None:
    est = Estimate("loglinear", ("A", "B", "C"), 8, 21.4, (Interval(14.0, 40.4, 0.95, "bca"),),
                   parameters={"seed": 1})
    path = write_json(EstimationReport((est,)), tmp_path / "estimate-loglinear.json")
    result = invoke(core_file, "--estimate", path, "--out", tmp_path / "o")
    assert result.exit_code == 0, result.output
    assert "21 [14–40] 95% loglinear (bca)" in result.output
    assert "scale from estimate-loglinear.json" in result.output
    assert "not an estimate of how many" not in result.output
    doc = json.loads((tmp_path / "o" / "patterns-indicators.json").read_text("utf-8"))
    assert doc["widespread"]["estimate_upper"] == 40.4
    assert doc["parameters"]["estimate_file"] == str(path)


def test_a_case_estimate_json_is_read_too(core_file: Path, tmp_path: Path) -> None:
    est = Estimate("lcmcr", ("A", "B", "C"), 8, 30.0, (Interval(20.0, 50.0, 0.9, "posterior"),))
    stored = {"uid": "1234", "parameters": {},
              "result": EstimationReport((est,), total=None).to_dict()}
    path = tmp_path / "case-estimate.json"
    path.write_text(json.dumps(stored), "utf-8")
    result = invoke(core_file, "--estimate", path)
    assert result.exit_code == 0, result.output
    assert "30 [20–50] 90% lcmcr (posterior)" in result.output
    assert "stored estimate 1234" in result.output


def test_a_bad_date_names_the_row_and_column(tmp_path: Path) -> None:
    rows = [list(r) for r in CORE_ROWS]
    rows[3][4] = "2017-02-30"
    bad = write_csv(tmp_path / "bad.csv", CORE_HEADER, rows)
    result = invoke(bad)
    assert result.exit_code == 2
    assert "row 5, column 'start_date'" in result.output  # header is row 1
    assert "Traceback" not in result.output


def test_a_file_without_the_columns_is_refused(tmp_path: Path) -> None:
    bad = write_csv(tmp_path / "other.csv", ["id", "when"], [["1", "2017-01-01"]])
    result = invoke(bad)
    assert result.exit_code == 2
    assert "neither an acts table" in result.output and "id, when" in result.output


def test_a_bad_estimate_file_and_unknown_dimension_are_refused(core_file: Path,
                                                               tmp_path: Path) -> None:
    junk = tmp_path / "estimate.json"
    junk.write_text('{"estimates": [{"method": "loglinear"}]}', "utf-8")
    result = invoke(core_file, "--estimate", junk)
    assert result.exit_code == 2 and "lacks the field" in result.output
    result = invoke(core_file, "--by", "colour")
    assert result.exit_code == 2 and "unknown colour" in result.output
    result = invoke(core_file, "--by", "month,year")
    assert result.exit_code == 2 and "one period at a time" in result.output
    result = invoke(tmp_path / "missing.csv")
    assert result.exit_code == 2


def test_file_and_case_exclude_each_other() -> None:
    result = invoke()
    assert result.exit_code == 2 and "either FILE or --case" in result.output


ACTS_HEADER = ["record_id", "victim_record_id", "act_type", "methods", "date", "location_code",
               "unit_code"]


def structure(tmp_path: Path) -> Path:
    path = tmp_path / "structure.json"
    path.write_text(json.dumps({"locations": [
        {"code": "VE", "name": "Venezuela", "kind": "location.country", "parent_code": None},
        {"code": "VE-L", "name": "Lara", "kind": "location.state", "parent_code": "VE"},
        {"code": "VE-L-1", "name": "Iribarren", "kind": "location.municipality",
         "parent_code": "VE-L"},
        {"code": "VE-L-1-S", "name": "Sede (ficticia)", "kind": "location.detention_site",
         "parent_code": "VE-L-1"},
        {"code": "VE-Z", "name": "Zulia", "kind": "location.state", "parent_code": "VE"},
    ]}), "utf-8")
    return path


def test_an_acts_table_places_acts_in_their_state(tmp_path: Path) -> None:
    acts = write_csv(tmp_path / "SRC-01.csv", ACTS_HEADER, [
        ["r1", "p1", "act.torture", "method.beating", "2017-05-02", "VE-L-1-S", "U-1"],
        ["r2", "p2", "act.torture", "method.beating;method.asphyxiation", "2017-05", "VE-Z",
         "U-1"],
        ["r3", "p1", "act.detention.arbitrary", "", "2017-05/2017-07", "VE-L-1", "U-2"],
    ])
    result = invoke(acts, "--by", "state", "--structure", structure(tmp_path), "--out",
                    tmp_path / "o")
    assert result.exit_code == 0, result.output
    counts = pl.read_csv(tmp_path / "o" / "patterns-counts.csv")
    assert dict(zip(counts["state"], counts["victims"], strict=True)) == {"Lara": 1, "Zulia": 1}
    assert "the same person under two ids counts twice" in result.output
    # The range May-July cannot be placed in one month.
    assert "1 act(s) dated less precisely than a month" in result.output
    without = invoke(acts, "--by", "state")
    assert without.exit_code == 2 and "--structure" in without.output


def test_an_acts_table_with_problems_lists_them_by_row(tmp_path: Path) -> None:
    acts = write_csv(tmp_path / "SRC-02.csv", ACTS_HEADER, [
        ["r1", "p1", "act.torture", "", "2017-13-02", "VE-Z", ""],
        ["r2", "p2", "not-a-term", "", "2017-05", "VE-Z", ""],
    ])
    result = invoke(acts)
    assert result.exit_code == 2
    assert "row 2, column 'date'" in result.output
    assert "row 3, column 'act_type'" in result.output
    unknown = write_csv(tmp_path / "SRC-03.csv", ACTS_HEADER, [
        ["r1", "p1", "act.torture", "", "2017-05-02", "VE-NOWHERE", ""]])
    result = invoke(unknown, "--structure", structure(tmp_path))
    assert result.exit_code == 2
    assert "row 2, column 'location_code': 'VE-NOWHERE'" in result.output


def test_parquet_with_list_methods(tmp_path: Path) -> None:
    frame = pl.DataFrame({
        "act_id": ["a1", "a2"], "start_date": ["2017-05-01", "2017-06-01"],
        "methods": [["method.beating"], ["method.beating", "method.threats"]],
        "state": ["Lara", "Zulia"],
    })
    path = tmp_path / "acts.parquet"
    frame.write_parquet(path)
    result = invoke(path, "--by", "method", "--out", tmp_path / "o", "--chart", "svg")
    assert result.exit_code == 0, result.output
    counts = pl.read_csv(tmp_path / "o" / "patterns-counts.csv")
    assert dict(zip(counts["method"], counts["acts"], strict=True)) == {
        "method.beating": 2, "method.threats": 1}
    assert (tmp_path / "o" / "patterns-series.svg").read_text("utf-8").lstrip().startswith("<?xml")


def test_reference_shares_add_the_targeting_test(core_file: Path, tmp_path: Path) -> None:
    result = invoke(core_file, "--reference-share", "affiliation.student=0.6",
                    "--reference-share", "affiliation.journalist=0.2",
                    "--reference-share", "affiliation.protester=0.2", "--out", tmp_path)
    assert result.exit_code == 0, result.output
    assert "× its share of the population at risk" in result.output
    doc = json.loads((tmp_path / "patterns-indicators.json").read_text("utf-8"))
    assert 0 < doc["systematic"]["targeting_p_value"] <= 1
    assert doc["parameters"]["reference_shares"]["affiliation.student"] == 0.6
    missing = invoke(core_file, "--reference-share", "affiliation.student=0.6")
    assert missing.exit_code == 2 and "no reference share" in missing.output
    bad = invoke(core_file, "--reference-share", "students")
    assert bad.exit_code == 2 and "GROUP=SHARE" in bad.output


def test_duplicate_act_ids_are_refused_and_missing_victims_are_distinct(tmp_path: Path) -> None:
    rows = [list(r) for r in CORE_ROWS]
    rows[6][0] = "a2"
    result = invoke(write_csv(tmp_path / "dup.csv", CORE_HEADER, rows))
    assert result.exit_code == 2
    assert "row 8, column 'act_id': 'a2' is already on row 3" in result.output
    rows = [list(r) for r in CORE_ROWS]
    for row in rows[:3]:
        row[1] = ""  # three acts with no victim id: three victims, not one
    frame, _ = read_acts_file(write_csv(tmp_path / "novictim.csv", CORE_HEADER, rows))
    assert frame["victim_id"].n_unique() == 9


def test_counts_csv_does_not_carry_formulas(tmp_path: Path) -> None:
    # Unit, place and group names come from records: a spreadsheet must not run them.
    rows = [["a1", "v1", "act.torture", "method.beating", "2017-04-02", "Lara",
             '=HYPERLINK("http://example.invalid")', "@SUM(1)"],
            ["a2", "v2", "act.torture", "method.beating", "2017-05-02", "+Zulia", "U-1",
             "affiliation.student"]]
    path = write_csv(tmp_path / "acts.csv", CORE_HEADER, rows)
    out_dir = tmp_path / "out"
    result = invoke(path, "--by", "month,unit,affiliation", "--out", out_dir, "--chart", "none")
    assert result.exit_code == 0, result.output
    with (out_dir / "patterns-counts.csv").open(newline="", encoding="utf-8") as fh:
        records = list(csv.DictReader(fh))
    assert {r["unit"] for r in records} == {"'=HYPERLINK(\"http://example.invalid\")", "U-1"}
    assert {r["victim_affiliation"] for r in records} == {"'@SUM(1)", "affiliation.student"}
    assert {r["month"] for r in records} == {"2017-04", "2017-05"}
