"""Involvement and measurement files add perpetrators and measured facts to the acts of a
source; their references are checked against the case; Parquet files import like CSV."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from intake_tables import write_csv

pytestmark = pytest.mark.django_db

INVOLVEMENT_HEADER = ["act_record_id", "unit_code", "perpetrator_record_id", "involvement",
                      "notes"]
MEASUREMENT_HEADER = ["act_record_id", "measure", "value", "unit"]


def _import(case, path, kind, actor, **kwargs):
    from expediente_web.intake.importer import do_import_table

    return do_import_table(case, path, kind=kind, source_code="SRC-01", actor=actor, **kwargs)


def test_acts_get_further_involvements_and_measured_facts(imported_case, documenter, tmp_path):
    from expediente_web.records.models import Act

    involvements = write_csv(tmp_path / "involvements.csv", INVOLVEMENT_HEADER, [
        ["A1", "U-INT", "PER-1", "involvement.ordered", "Según la testigo (sintético)."],
        ["A1", "", "PER-1", "failed to prevent", ""],  # a vocabulary label is matched too
        ["A2", "U-INT", "", "", ""],
    ])
    outcome = _import(imported_case, involvements, "involvements", documenter)
    assert outcome.written[0].counts == {"involvements": 3}
    measurements = write_csv(tmp_path / "measurements.csv", MEASUREMENT_HEADER, [
        ["A1", "measure.weight_lost_kg", "14", "kg"],
        ["A2", "measure.days_incommunicado", "8", ""],
    ])
    assert _import(imported_case, measurements, "measurements", documenter
                   ).written[0].counts == {"measured_facts": 2}

    a1 = Act.objects.get(source_record_id="A1")
    assert sorted((i.unit.code if i.unit else "", i.person.source_record_id if i.person else "",
                   i.degree, i.notes) for i in a1.involvements.all()) == [
        ("", "PER-1", "involvement.failed_to_prevent", ""),
        ("U-INT", "PER-1", "involvement.direct", ""),  # from the act row
        ("U-INT", "PER-1", "involvement.ordered", "Según la testigo (sintético)."),
    ]
    assert sorted((m.measure, m.value) for m in a1.measurements.all()) == [
        ("measure.cell_depth_m", 3.0), ("measure.days_incommunicado", 40.0),
        ("measure.weight_lost_kg", 12.5), ("measure.weight_lost_kg", 14.0),
    ]
    a2 = Act.objects.get(source_record_id="A2")
    assert [(i.degree, m.unit) for i, m in zip(a2.involvements.all(), a2.measurements.all(),
                                               strict=True)] == [("involvement.suspected", "day")]


def test_references_are_checked_and_nothing_is_written(imported_case, documenter, tmp_path,
                                                       counts):
    from expediente_web.intake.importer import ImportRefused

    path = write_csv(tmp_path / "involvements.csv", INVOLVEMENT_HEADER, [
        ["A1", "U-INT", "", "", ""],
        ["A9", "U-INT", "", "", ""],  # no such act in the source
        ["A1", "U-NONE", "", "", ""],
        ["A1", "", "PER-9", "", ""],
    ])
    before = counts()
    with pytest.raises(ImportRefused) as refused:
        _import(imported_case, path, "involvements", documenter)
    assert [(p.row, p.column, str(p.code)) for p in refused.value.outcome.checks[0].problems] == [
        (3, "act_record_id", "unknown_reference"),
        (4, "unit_code", "unknown_reference"),
        (5, "perpetrator_record_id", "unknown_reference"),
    ]
    assert counts() == before


def test_the_kind_is_guessed_from_the_header(tmp_path):
    from expediente_web.intake.importer import guess_kind

    inv = write_csv(tmp_path / "a.csv", INVOLVEMENT_HEADER, [["A1", "U1", "", "", ""]])
    mea = write_csv(tmp_path / "b.csv", MEASUREMENT_HEADER, [["A1", "measure.x", "1", ""]])
    assert (guess_kind(inv), guess_kind(mea)) == ("involvements", "measurements")


def test_a_parquet_file_imports_like_its_csv(structured_case, source, documenter, tmp_path):
    from intake_tables import VICTIM_HEADER, good_victims

    from expediente_web.records.models import Person

    rows = [dict(zip(VICTIM_HEADER, r, strict=True)) for r in good_victims()]
    table = pa.Table.from_pylist([{k: v or None for k, v in r.items()} for r in rows])
    pq.write_table(table, tmp_path / "victims.parquet")
    outcome = _import(structured_case, tmp_path / "victims.parquet", "victims", documenter)
    assert outcome.rows == 3 and outcome.written[0].counts == {"persons": 3, "acts": 1,
                                                               "involvements": 1}
    assert Person.objects.get(source_record_id="V1").given_names == "María José"
