from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from expediente.cli.estimate import command

DATA = Path(__file__).resolve().parents[2] / "data" / "mse"


def test_loglinear_on_reference_table_writes_json_csv(tmp_path: Path) -> None:
    runner = CliRunner()
    result = runner.invoke(
        command,
        [
            str(DATA / "uk_modern_slavery_2013_5lists.csv"),
            "--n-boot",
            "100",
            "--out",
            str(tmp_path),
            "--seed",
            "5",
        ],
    )
    assert result.exit_code == 0, result.output
    assert "estimated 11,313" in result.output
    doc = json.loads((tmp_path / "estimate-loglinear.json").read_text())
    est = doc["estimates"][0]
    assert est["parameters"]["seed"] == 5
    assert len(est["parameters"]["input_file_sha256"]) == 64
    assert est["input_sha256"] and "package_version" in est
    csv_text = (tmp_path / "estimate-loglinear.csv").read_text()
    assert "wald-log" in csv_text and "bca" in csv_text


def test_lcmcr_writes_posterior_chart(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        command,
        [
            str(DATA / "new_orleans_trafficking_5lists.csv"),
            "--method",
            "lcmcr",
            "--burnin",
            "500",
            "--samples",
            "200",
            "--chains",
            "2",
            "--out",
            str(tmp_path),
            "--chart",
            "svg",
        ],
    )
    assert result.exit_code == 0, result.output
    assert (tmp_path / "estimate-lcmcr-posterior.svg").exists()


def test_bad_cell_exits_2_without_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("A,B,count\n1,0,3\n0,x,2\n")
    result = CliRunner().invoke(command, [str(bad)])
    assert result.exit_code == 2
    assert "row 2, column 'B'" in result.output
    assert "Traceback" not in result.output


def test_stratified_run(tmp_path: Path) -> None:
    rows = ["A,B,C,period"]
    rng_rows = [(1, 0, 0), (0, 1, 0), (0, 0, 1), (1, 1, 0), (0, 1, 1), (1, 0, 1), (1, 1, 1)]
    for period, mult in (("2017", 9), ("2018", 7)):
        for i, r in enumerate(rng_rows):
            rows += [f"{r[0]},{r[1]},{r[2]},{period}"] * (mult + 3 * (i < 3) * mult)
    path = tmp_path / "people.csv"
    path.write_text("\n".join(rows) + "\n")
    result = CliRunner().invoke(
        command,
        [
            str(path),
            "--strata",
            "period",
            "--selection",
            "independence",
            "--n-boot",
            "0",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "[TOTAL]" in result.output
    assert (tmp_path / "estimate-loglinear-strata.png").exists()
