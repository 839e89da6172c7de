"""The `involvements` and `measurements` kinds: an act's further perpetrators and measured
facts, each row naming its act by record id. All values are synthetic."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from expediente.tables import (
    InvolvementRow,
    MeasurementRow,
    ProblemCode,
    check_file,
    read_records,
)

DATA = Path(__file__).parents[2] / "data" / "tables"


def test_involvements_read_into_rows() -> None:
    rows = list(read_records(DATA / "involvements.csv", "involvements"))
    assert rows[0] == InvolvementRow(
        row=2,
        act_record_id="A-001",
        unit_code="U-02",
        involvement="involvement.ordered",
        notes="Synthetic: the unit's command gave the order",
    )
    assert [(r.unit_code, r.perpetrator_record_id) for r in rows[1:]] == [
        (None, "P-02"),
        ("U-01", "P-03"),
    ]
    assert all(r.record_id is None for r in rows)


def test_measurements_read_into_rows_with_the_vocabulary_unit() -> None:
    rows = list(read_records(DATA / "measurements.csv", "measurements"))
    assert rows == [
        MeasurementRow(2, "A-001", "measure.weight_lost_kg", 4.5, "kg"),
        MeasurementRow(3, "A-001", "measure.weight_lost_kg", 7.25, "kg"),  # empty unit: kg
        MeasurementRow(4, "A-002", "measure.days_incommunicado", 12.0, "day"),
    ]


def test_references_of_involvements_are_listed() -> None:
    report = check_file(DATA / "involvements.csv", "involvements")
    assert report.references == {
        "act_record_id": {"A-001", "A-002"},
        "unit_code": {"U-01", "U-02"},
        "perpetrator_record_id": {"P-02", "P-03"},
    }


def _problems(path: Path, kind: str) -> list[tuple[int | None, str | None, str]]:
    return [(p.row, p.column, str(p.code)) for p in check_file(path, kind).problems]


def test_involvement_problems_by_row_and_column(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "involvements.csv",
        "act_record_id,unit_code,perpetrator_record_id,involvement,notes\n"
        "A1,U1,,involvement.ordered,\n"
        ",U1,,,\n"  # no act
        "A1,,,involvement.direct,sin autor\n"  # neither unit nor person
        "A1,U1,,involvement.dreamt,\n"  # not a degree of involvement
        "A1,U1,,,x\n",
    )
    assert _problems(path, "involvements") == [
        (3, "act_record_id", ProblemCode.MISSING_REQUIRED),
        (4, "unit_code", ProblemCode.MISSING_REQUIRED),
        (5, "involvement", ProblemCode.UNKNOWN_TERM),
    ]


def test_measurement_problems_by_row_and_column(write_file: Callable[..., Path]) -> None:
    path = write_file(
        "measurements.csv",
        "act_record_id,measure,value,unit\n"
        "A1,measure.cell_depth_m,3,m\n"
        "A1,measure.cell_depth_m,3,kg\n"  # the wrong unit
        "A1,measure.shoe_size,41,\n"  # not a measure
        "A1,measure.cell_depth_m,-2,m\n"  # negative
        "A1,measure.cell_depth_m,,m\n",  # no value
    )
    assert _problems(path, "measurements") == [
        (3, "unit", ProblemCode.UNKNOWN_TERM),
        (4, "measure", ProblemCode.UNKNOWN_TERM),
        (5, "value", ProblemCode.BAD_NUMBER),
        (6, "value", ProblemCode.MISSING_REQUIRED),
    ]


@pytest.mark.parametrize("kind", ["involvements", "measurements"])
def test_a_mapping_may_rename_the_columns(write_file: Callable[..., Path], kind: str) -> None:
    from expediente.tables import mapping_from_dict

    columns = {"Hecho": "act_record_id", "Unidad": "unit_code", "Medida": "measure",
               "Valor": "value"}  # fmt: skip
    header, row = (
        ("Hecho,Unidad", "A1,U1") if kind == "involvements" else
        ("Hecho,Medida,Valor", "A1,measure.days_incommunicado,3")
    )  # fmt: skip
    used = {k: v for k, v in columns.items() if k in header.split(",")}
    mapping = mapping_from_dict({"kind": kind, "columns": used})
    path = write_file(f"{kind}.csv", f"{header}\n{row}\n")
    [record] = read_records(path, mapping=mapping)
    assert record.act_record_id == "A1"
