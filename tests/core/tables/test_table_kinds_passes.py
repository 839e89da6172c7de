"""Clean typed rows for each kind, and the two-pass import flow."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path

import pytest

from expediente.dates import DateRange, PartialDate
from expediente.tables import (
    KINDS,
    ActRow,
    InvalidFileError,
    SourceRow,
    TestimonyRow,
    VictimRow,
    check_file,
    read_records,
)

DATA = Path(__file__).parents[2] / "data" / "tables"


def test_victims() -> None:
    first, second, third = read_records(DATA / "victims.csv", "victims")
    assert isinstance(first, VictimRow)
    assert first.row == 2
    assert first.given_names == "María José"
    assert first.birth_date == PartialDate(1990, 4, 12)
    assert first.age == 27
    assert first.affiliation == "affiliation.student"
    assert first.date == DateRange(PartialDate(2017, 5, 3), PartialDate(2017, 5, 20))
    assert first.methods == ("method.beating", "method.isolation")
    assert second.affiliation == "Partido X"  # free text when no term matches
    assert second.date == PartialDate(2017, 6)
    assert third.full_name == "Ana Rodríguez"
    assert third.date is None


def test_acts() -> None:
    first, second, third = read_records(DATA / "acts.csv", "acts")
    assert isinstance(first, ActRow)
    assert first.weight_lost_kg == 4.5  # decimal comma
    assert first.days_incommunicado == 3
    assert str(first.date) == "2017-05-03/2017-05-20"
    assert second.cell_depth_m == 5.0
    assert second.involvement == "involvement.ordered"
    assert third.outcome == "outcome.found_alive"


def test_testimonies() -> None:
    first, second = read_records(DATA / "testimonies.csv", "testimonies")
    assert isinstance(first, TestimonyRow)
    assert first.consent_scope == ("consent.interview", "consent.share_icc")
    assert first.act_record_ids == ("A-001", "A-002")
    assert "\n" in first.narrative
    assert second.language == "en"
    assert second.row == 3  # the first narrative spans two lines but is one spreadsheet row


def test_sources() -> None:
    first, second = read_records(DATA / "sources.csv", "sources")
    assert isinstance(first, SourceRow)
    assert first.kind == "source.ngo_list"
    assert second.reliability is None


def test_language_names_and_codes(write_file: Callable[..., Path]) -> None:
    header = "record_id,date,language,narrative\n"
    path = write_file("t.csv", header + "T1,2018,Español,x\nT2,2018,EN,x\nT3,2018,klingon,x\n")
    report = check_file(path, "testimonies")
    assert [(p.row, p.column) for p in report.problems] == [(4, "language")]
    good = write_file("t2.csv", header + "T1,2018,Español,x\nT2,2018,EN,x\n")
    assert [r.language for r in read_records(good, "testimonies")] == ["es", "en"]


def test_start_and_end_dates(write_file: Callable[..., Path]) -> None:
    header = "record_id,victim_record_id,act_type,start_date,end_date,date\n"
    rows = (
        "A1,V1,act.torture,2017-05,2017-06,\n"
        "A2,V1,act.torture,2017-05,,2017-05\n"
        "A3,V1,act.torture,,2017-06,\n"
        "A4,V1,act.torture,2017-05,2017-06,2017\n"
        "A5,V1,act.torture,2017-06,2017-05,\n"
        "A6,V1,act.torture,2017-05/2017-06,,\n"
    )
    report = check_file(write_file("a.csv", header + rows), "acts")
    assert [(p.row, p.column, p.code.value) for p in report.problems] == [
        (4, "end_date", "malformed_date"),
        (5, "date", "impossible_date"),
        (6, "end_date", "impossible_date"),
        (7, "start_date", "malformed_date"),  # a range where one date is expected
        (7, "date", "missing_required"),
    ]
    assert report.valid_rows == 2


def test_references_are_listed_for_the_importer() -> None:
    report = check_file(DATA / "acts.csv", "acts")
    assert report.references["victim_record_id"] == {"V-001", "V-002"}
    assert report.references["unit_code"] == {"U-01"}
    report = check_file(DATA / "testimonies.csv", "testimonies")
    assert report.references["act_record_ids"] == {"A-001", "A-002"}


def test_read_records_stops_on_a_problem(write_file: Callable[..., Path]) -> None:
    path = write_file("s.csv", "record_id,name,kind\nS1,Uno,source.press\nS2,,source.press\n")
    records = read_records(path, "sources")
    assert next(records).record_id == "S1"
    with pytest.raises(InvalidFileError) as info:
        next(records)
    assert info.value.problem.row == 3


def test_two_passes_agree_on_every_kind() -> None:
    for kind in KINDS:
        report = check_file(DATA / f"{kind}.csv", kind)
        assert report.ok, report.problems
        assert len(list(read_records(DATA / f"{kind}.csv", kind))) == report.valid_rows


def test_fast_built_records_equal_constructed_ones() -> None:
    for kind, spec in KINDS.items():
        record_fields = {f.name for f in dataclasses.fields(spec.record_type)}
        assert set(spec.field_names) - {"start_date", "end_date"} <= record_fields, kind
        for record in read_records(DATA / f"{kind}.csv", kind):
            values = {name: getattr(record, name) for name in record_fields}
            assert record == spec.record_type(**values)
            assert vars(record).keys() == record_fields


def test_records_are_frozen() -> None:
    [record, *_] = read_records(DATA / "sources.csv", "sources")
    with pytest.raises(AttributeError):
        record.name = "changed"  # type: ignore[misc]
