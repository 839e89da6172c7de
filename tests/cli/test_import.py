"""`expediente import` on files and case directories: reports, exit codes, dry run."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest
from click.testing import CliRunner

from expediente.cli import main

pytestmark = pytest.mark.django_db

DATA = Path(__file__).resolve().parents[1] / "data" / "intake"


def invoke(*args: str):
    return CliRunner().invoke(main, [str(a) for a in args])


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def case_with_source():
    assert invoke("case", "create", "c1", "--title", "Synthetic case").exit_code == 0
    from expediente_web.cases.models import Case, Source
    from expediente_web.records.models import Location

    case = Case.objects.get(code="c1")
    Source.objects.create(case=case, code="SRC-01", name="Lista ficticia",
                          kind="source.ngo_list")
    Location.objects.create(case=case, code="VE-X", name="Estado Ficticio",
                            kind="location.state")
    return case


def test_a_bad_file_is_refused_with_every_problem_and_exit_2(case_with_source, tmp_path):
    from expediente_web.records.models import Person

    path = _write(tmp_path / "victims.csv", ["record_id", "full_name", "sex", "birth_date"],
                  [["V1", "Ana (ficticia)", "sex.robot", "1985-02-30"], ["V1", "", "", ""]])
    result = invoke("import", path, "--case", "c1", "--source", "SRC-01")
    assert result.exit_code == 2, result.output
    for expected in ("Nothing was imported: 4 problem(s)",
                     "row 2, column 'sex': [unknown_term]",
                     "row 2, column 'birth_date': [impossible_date]",
                     "row 3, column 'record_id': [duplicate_row_id]",
                     "row 3, column 'full_name': [missing_required]"):
        assert expected in result.stderr
    assert "Traceback" not in result.output
    assert Person.objects.count() == 0


def test_a_good_file_is_imported_and_reported(case_with_source, tmp_path):
    from expediente_web.records.models import Person

    path = _write(tmp_path / "victims.csv", ["record_id", "full_name", "state"],
                  [["V1", "Ana Pérez (ficticia)", "VE-X"], ["V2", "Luis Rangel (ficticio)", ""]])
    result = invoke("import", path, "--case", "c1", "--source", "SRC-01")
    assert result.exit_code == 0, result.output
    assert "victims.csv: 2 rows from SRC-01 → 2 persons" in result.stdout
    assert Person.objects.count() == 2


def test_dry_run_lists_unmapped_values(case_with_source):
    result = invoke("import", DATA / "ngo_list_raw.csv", "--case", "c1", "--source", "SRC-01",
                    "--mapping", DATA / "ngo_list_raw.yaml", "--dry-run")
    assert result.exit_code == 2
    assert "column 'Tipo de hecho':" in result.stdout
    assert "'Otro (ver notas)' × 1" in result.stdout
    assert "row 4, column 'Tipo de hecho': [unknown_term]" in result.stderr


def test_usage_errors_are_clear(case_with_source, tmp_path):
    path = _write(tmp_path / "victims.csv", ["record_id", "full_name"], [["V1", "Ana"]])
    no_source = invoke("import", path, "--case", "c1")
    assert no_source.exit_code == 2 and "needs --source" in no_source.stderr
    no_case = invoke("import", path, "--case", "nope", "--source", "SRC-01")
    assert no_case.exit_code == 2 and "No case 'nope'" in no_case.stderr
    bad_mapping = tmp_path / "m.yaml"
    bad_mapping.write_text("kind: victims\ncolumns: {full_name: nonsense}\n", encoding="utf-8")
    mapped = invoke("import", path, "--case", "c1", "--source", "SRC-01", "--mapping",
                    bad_mapping)
    assert mapped.exit_code == 2 and "Mapping file:" in mapped.stderr


def test_a_reviewer_may_not_import(case_with_source, tmp_path):
    invoke("user", "create", "rita", "--no-login", "--role", "reviewer", "--case", "c1")
    path = _write(tmp_path / "victims.csv", ["record_id", "full_name"], [["V1", "Ana"]])
    result = invoke("import", path, "--case", "c1", "--source", "SRC-01", "--user", "rita")
    assert result.exit_code == 3 and "Not permitted" in result.stderr


def test_a_case_directory_is_imported_whole(tmp_path):
    from expediente.demo import generate, write_demo_case
    from expediente_web.records.models import Act

    write_demo_case(generate(5, "small"), tmp_path / "demo")
    result = invoke("import", tmp_path / "demo", "--case", "demo-5")
    assert result.exit_code == 0, result.output
    assert "Imported into case demo-5" in result.stdout
    assert Act.objects.filter(case__code="demo-5").count() > 500


def test_a_case_directory_dry_run_writes_nothing(tmp_path):
    from expediente.demo import generate, write_demo_case
    from expediente_web.cases.models import Case

    write_demo_case(generate(5, "small"), tmp_path / "demo")
    result = invoke("import", tmp_path / "demo", "--case", "demo-5", "--dry-run")
    assert result.exit_code == 0, result.output
    assert "no problems; nothing written" in result.stdout
    assert not Case.objects.filter(code="demo-5").exists()


def test_kind_and_source_do_not_apply_to_a_directory(tmp_path):
    (tmp_path / "d").mkdir()
    result = invoke("import", tmp_path / "d", "--case", "x", "--kind", "acts")
    assert result.exit_code == 2 and "apply to a single file" in result.stderr


def test_involvement_and_measurement_files_are_recognised_and_imported(case_with_source,
                                                                       tmp_path):
    from expediente_web.records.models import Act, Unit

    Unit.objects.create(case=case_with_source, code="U-1", name="Unidad ficticia")
    Unit.objects.create(case=case_with_source, code="U-2", name="Otra unidad ficticia")
    victims = _write(tmp_path / "lista.csv", ["record_id", "full_name"], [["V1", "Ana (ficticia)"]])
    acts = _write(tmp_path / "hechos.csv",
                  ["record_id", "victim_record_id", "act_type", "date", "unit_code"],
                  [["A1", "V1", "act.torture", "2017-05", "U-1"]])
    more = _write(tmp_path / "autores.csv", ["act_record_id", "unit_code", "involvement"],
                  [["A1", "U-2", "involvement.ordered"], ["A9", "U-2", ""]])
    facts = _write(tmp_path / "medidas.csv", ["act_record_id", "measure", "value"],
                   [["A1", "measure.days_incommunicado", "12"]])
    for path in (victims, acts):
        assert invoke("import", path, "--case", "c1", "--source", "SRC-01").exit_code == 0
    refused = invoke("import", more, "--case", "c1", "--source", "SRC-01")
    assert refused.exit_code == 2
    assert "row 3, column 'act_record_id': [unknown_reference]" in refused.stderr
    _write(more, ["act_record_id", "unit_code", "involvement"],
           [["A1", "U-2", "involvement.ordered"]])
    result = invoke("import", more, "--case", "c1", "--source", "SRC-01")
    assert result.exit_code == 0 and "involvements" in result.stdout, result.output
    assert invoke("import", facts, "--case", "c1", "--source", "SRC-01").exit_code == 0
    act = Act.objects.get(source_record_id="A1")
    assert sorted(i.unit.code for i in act.involvements.all()) == ["U-1", "U-2"]
    assert [(m.measure, m.value, m.unit) for m in act.measurements.all()] == [
        ("measure.days_incommunicado", 12.0, "day")]
