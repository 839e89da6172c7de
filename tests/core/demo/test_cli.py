"""The ``demo-data`` command: writes the case, refuses bad input with a clear message."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from expediente.cli.demo_data import command


def test_writes_the_small_case(tmp_path: Path) -> None:
    out = tmp_path / "case"
    result = CliRunner().invoke(command, ["--seed", "4", "--size", "small", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "synthetic" in result.output
    summary = json.loads((out / "truth" / "summary.json").read_text(encoding="utf-8"))
    assert summary["seed"] == 4 and summary["size"] == "small"
    assert (out / "README.txt").exists() and (out / "structure.json").exists()
    # writing again over a demo case is allowed and gives the same files
    again = CliRunner().invoke(command, ["--seed", "4", "--out", str(out), "--quiet"])
    assert again.exit_code == 0 and again.output == ""


def test_unknown_size_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(command, ["--size", "huge", "--out", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert "huge" in result.output and "Traceback" not in result.output


def test_refuses_a_directory_that_is_not_a_demo_case(tmp_path: Path) -> None:
    (tmp_path / "thesis.docx").write_text("mine", encoding="utf-8")
    result = CliRunner().invoke(command, ["--out", str(tmp_path)])
    assert result.exit_code == 1
    assert "does not hold a demo case" in result.output
    assert (tmp_path / "thesis.docx").read_text(encoding="utf-8") == "mine"


def test_out_is_required() -> None:
    result = CliRunner().invoke(command, [])
    assert result.exit_code == 2 and "--out" in result.output
