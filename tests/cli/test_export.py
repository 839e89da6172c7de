"""`expediente export`: formats, pseudonyms, permissions and exit codes."""

from __future__ import annotations

import csv

import pytest
from click.testing import CliRunner

from expediente.cli import main

pytestmark = pytest.mark.django_db


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture
def demo_case(tmp_path):
    from expediente.demo import generate, write_demo_case

    write_demo_case(generate(5, "small"), tmp_path / "demo")
    assert invoke("import", tmp_path / "demo", "--case", "demo-5").exit_code == 0
    invoke("user", "create", "ana", "--no-login", "--role", "analyst", "--case", "demo-5")
    invoke("user", "create", "rita", "--no-login", "--role", "reviewer", "--case", "demo-5")
    return "demo-5"


def test_export_pseudonymises_by_default(demo_case, tmp_path):
    result = invoke("export", "--case", demo_case, "--out", tmp_path / "out", "--user", "ana")
    assert result.exit_code == 0, result.output
    assert "pseudonymised" in result.stdout
    with open(tmp_path / "out" / "victims" / "SRC-01.csv", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows and all(r["full_name"].startswith("P-") and not r["first_surname"]
                        for r in rows)


def test_include_protected_is_refused_for_a_reviewer(demo_case, tmp_path):
    result = invoke("export", "--case", demo_case, "--out", tmp_path / "out", "--user", "rita",
                    "--include-protected")
    assert result.exit_code == 3 and "Not permitted" in result.stderr
    assert not (tmp_path / "out").exists()


def test_export_formats_and_a_non_empty_folder(demo_case, tmp_path):
    for fmt in ("json", "parquet"):
        out = tmp_path / fmt
        result = invoke("export", "--case", demo_case, "--out", out, "--format", fmt)
        assert result.exit_code == 0, result.output
        assert (out / "acts" / f"SRC-01.{fmt}").is_file()
    again = invoke("export", "--case", demo_case, "--out", tmp_path / "json")
    assert again.exit_code == 2 and "is not empty" in again.stderr


def test_a_parquet_export_reads_back(demo_case, tmp_path):
    out = tmp_path / "parquet"
    assert invoke("export", "--case", demo_case, "--out", out, "--format", "parquet",
                  "--user", "ana").exit_code == 0
    # The tables read back clean; the database already holds these records (same uids), so
    # the import is refused for that reason alone, and says so.
    result = invoke("import", out, "--case", "demo-copy", "--dry-run")
    assert result.exit_code == 2, result.output
    assert "already in the database" in result.stderr
    assert ".parquet:" not in result.stderr and "[duplicate_row_id]" in result.stderr
    assert {line.split("]")[0].split("[")[-1] for line in result.stderr.splitlines()
            if "[" in line} == {"duplicate_row_id"}
