"""Dates as documenters write them: approximate phrases read as ranges with stated bounds."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from expediente.dates import (
    AROUND_DAYS,
    OPEN_SIDE_YEARS,
    DateRange,
    ImpossibleDateError,
    MalformedDateError,
    PartialDate,
    Precision,
    parse_date,
    parse_partial_date,
)

D = dt.date


@pytest.mark.parametrize(
    ("text", "canonical", "precision", "earliest", "latest"),
    [
        # parts of a year: thirds by month
        ("principios de 2016", "2016-01/2016-04", "month", D(2016, 1, 1), D(2016, 4, 30)),
        ("inicios del 2016", "2016-01/2016-04", "month", D(2016, 1, 1), D(2016, 4, 30)),
        ("mediados de 2017", "2017-05/2017-08", "month", D(2017, 5, 1), D(2017, 8, 31)),
        ("a mediados de 2017", "2017-05/2017-08", "month", D(2017, 5, 1), D(2017, 8, 31)),
        ("finales de 2017", "2017-09/2017-12", "month", D(2017, 9, 1), D(2017, 12, 31)),
        ("fines de 2017", "2017-09/2017-12", "month", D(2017, 9, 1), D(2017, 12, 31)),
        ("early 2017", "2017-01/2017-04", "month", D(2017, 1, 1), D(2017, 4, 30)),
        ("mid-2017", "2017-05/2017-08", "month", D(2017, 5, 1), D(2017, 8, 31)),
        ("in mid 2017", "2017-05/2017-08", "month", D(2017, 5, 1), D(2017, 8, 31)),
        ("late 2017", "2017-09/2017-12", "month", D(2017, 9, 1), D(2017, 12, 31)),
        ("the end of 2017", "2017-09/2017-12", "month", D(2017, 9, 1), D(2017, 12, 31)),
        # parts of a month: thirds by day
        (
            "finales de marzo de 2017",
            "2017-03-21/2017-03-31",
            "day",
            D(2017, 3, 21),
            D(2017, 3, 31),
        ),
        (
            "FINALES DE MARZO DEL 2017",
            "2017-03-21/2017-03-31",
            "day",
            D(2017, 3, 21),
            D(2017, 3, 31),
        ),
        ("late March 2017", "2017-03-21/2017-03-31", "day", D(2017, 3, 21), D(2017, 3, 31)),
        (
            "finales de febrero de 2016",
            "2016-02-21/2016-02-29",
            "day",
            D(2016, 2, 21),
            D(2016, 2, 29),
        ),
        (
            "principios de septiembre de 2015",
            "2015-09-01/2015-09-10",
            "day",
            D(2015, 9, 1),
            D(2015, 9, 10),
        ),
        ("mid-June 2015", "2015-06-11/2015-06-20", "day", D(2015, 6, 11), D(2015, 6, 20)),
        # give or take one unit (a week for a day)
        ("aprox. 2016", "2015/2017", "year", D(2015, 1, 1), D(2017, 12, 31)),
        ("aproximadamente 2016", "2015/2017", "year", D(2015, 1, 1), D(2017, 12, 31)),
        ("alrededor de 2016", "2015/2017", "year", D(2015, 1, 1), D(2017, 12, 31)),
        ("hacia el 2016", "2015/2017", "year", D(2015, 1, 1), D(2017, 12, 31)),
        ("around 2016", "2015/2017", "year", D(2015, 1, 1), D(2017, 12, 31)),
        ("circa 2016", "2015/2017", "year", D(2015, 1, 1), D(2017, 12, 31)),
        ("c. 2016", "2015/2017", "year", D(2015, 1, 1), D(2017, 12, 31)),
        ("aprox. enero de 2017", "2016-12/2017-02", "month", D(2016, 12, 1), D(2017, 2, 28)),
        ("around 12 March 2017", "2017-03-05/2017-03-19", "day", D(2017, 3, 5), D(2017, 3, 19)),
        (
            "alrededor de mediados de 2017",
            "2017-05/2017-08",
            "month",
            D(2017, 5, 1),
            D(2017, 8, 31),
        ),
        # one side of a date, reaching ten years
        ("antes de 2018", "2008/2017", "year", D(2008, 1, 1), D(2017, 12, 31)),
        ("antes del 2018", "2008/2017", "year", D(2008, 1, 1), D(2017, 12, 31)),
        ("before 2018", "2008/2017", "year", D(2008, 1, 1), D(2017, 12, 31)),
        ("después de mayo de 2017", "2017-06/2027-05", "month", D(2017, 6, 1), D(2027, 5, 31)),
        ("despues de mayo de 2017", "2017-06/2027-05", "month", D(2017, 6, 1), D(2027, 5, 31)),
        ("after May 2017", "2017-06/2027-05", "month", D(2017, 6, 1), D(2027, 5, 31)),
        # ranges whose first end shares the second's year or month
        ("entre marzo y mayo de 2017", "2017-03/2017-05", "month", D(2017, 3, 1), D(2017, 5, 31)),
        ("between March and May 2017", "2017-03/2017-05", "month", D(2017, 3, 1), D(2017, 5, 31)),
        ("de marzo a mayo de 2017", "2017-03/2017-05", "month", D(2017, 3, 1), D(2017, 5, 31)),
        (
            "del 3 al 5 de mayo de 2017",
            "2017-05-03/2017-05-05",
            "day",
            D(2017, 5, 3),
            D(2017, 5, 5),
        ),
        ("entre 2015 y 2017", "2015/2017", "year", D(2015, 1, 1), D(2017, 12, 31)),
        (
            "entre principios de 2016 y mediados de 2017",
            "2016-01/2017-08",
            "month",
            D(2016, 1, 1),
            D(2017, 8, 31),
        ),
    ],
)
def test_phrases_read_as_ranges(text, canonical, precision, earliest, latest):
    value = parse_date(text)
    assert str(value) == canonical
    assert value.precision == Precision(precision)
    assert (value.earliest, value.latest) == (earliest, latest)
    # What is stored is the canonical range, which reads back the same.
    assert parse_date(canonical) == value


@pytest.mark.parametrize(
    "text",
    [
        "2017",
        "2017-05",
        "2017-05-14",
        "2017-05/2017-07",
        "14/05/2017",
        "marzo de 2017",
        "del 3 de mayo de 2017 al 5 de junio de 2017",
        "from 2016 to 2017",
    ],
)
def test_the_forms_read_before_still_read_the_same(text):
    assert isinstance(parse_date(text), PartialDate | DateRange)
    assert parse_date(text) == parse_date(str(parse_date(text)))


def test_after_reaches_no_further_than_today():
    today = D(2020, 3, 4)
    assert str(parse_date("después de mayo de 2017", today=today)) == "2017-06/2020-03"
    assert str(parse_date("after 2019", today=today)) == "2020/2020"
    with pytest.raises(ImpossibleDateError, match="after today"):
        parse_date("después de 2020", today=today)
    # Only an "after" phrase is cut: a range written out in full keeps its end.
    assert str(parse_date("2019/2021", today=today)) == "2019/2021"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("mediados de hola", "not a date in an accepted form"),
        ("antes de", "not a date in an accepted form"),
        ("alrededor de ayer", "not a date in an accepted form"),
        ("mediados de 12 de marzo de 2017", "a part of a single day"),
        ("entre marzo y", "not a date in an accepted form"),
        ("aprox. marzo 85", "four digits"),
    ],
)
def test_unreadable_phrases_say_why(text, reason):
    with pytest.raises(MalformedDateError, match=reason) as caught:
        parse_date(text)
    assert caught.value.text == text


def test_the_message_shows_what_would_be_read():
    with pytest.raises(MalformedDateError) as caught:
        parse_date("el verano pasado")
    assert "mediados de 2017" in str(caught.value) and "antes de 2018" in str(caught.value)


def test_phrases_outside_the_calendar_are_impossible():
    with pytest.raises(ImpossibleDateError):
        parse_date("after 9999")
    with pytest.raises(ImpossibleDateError):
        parse_date("circa 0001")


def test_canonical_only_hint_refuses_phrases():
    with pytest.raises(MalformedDateError):
        parse_date("mediados de 2017", date_format="iso")


def test_a_single_date_field_refuses_a_phrase():
    with pytest.raises(MalformedDateError, match="range"):
        parse_partial_date("aprox. 1980")


years = st.integers(min_value=1900, max_value=2090)
months = st.integers(min_value=1, max_value=12)
spanish = [
    "enero",
    "febrero",
    "marzo",
    "abril",
    "mayo",
    "junio",
    "julio",
    "agosto",
    "septiembre",
    "octubre",
    "noviembre",
    "diciembre",
]


@given(years)
def test_the_thirds_of_a_year_cover_it_once(year):
    parts = [parse_date(f"{w} de {year}") for w in ("principios", "mediados", "finales")]
    assert parts[0].earliest == D(year, 1, 1) and parts[-1].latest == D(year, 12, 31)
    for a, b in itertools.pairwise(parts):
        assert b.earliest - a.latest == dt.timedelta(days=1)


@given(years, months)
def test_the_thirds_of_a_month_cover_it_once(year, month):
    parts = [parse_date(f"{w} {spanish[month - 1]} {year}") for w in ("early", "mid", "late")]
    whole = PartialDate(year, month)
    assert parts[0].earliest == whole.earliest and parts[-1].latest == whole.latest
    for a, b in itertools.pairwise(parts):
        assert b.earliest - a.latest == dt.timedelta(days=1)


@given(years, st.one_of(st.none(), months), st.data())
def test_around_before_and_after_bracket_the_date(year, month, data):
    day = None
    if month is not None and data.draw(st.booleans()):
        day = data.draw(st.integers(min_value=1, max_value=28))
    base = PartialDate.of(year, month, day)
    written = str(base)
    around = parse_date(f"alrededor de {written}")
    assert around.earliest < base.earliest and base.latest < around.latest
    if day is not None:
        assert (base.earliest - around.earliest).days == AROUND_DAYS
    before, after = parse_date(f"antes de {written}"), parse_date(f"after {written}")
    assert before.latest == base.earliest - dt.timedelta(days=1)
    assert after.earliest == base.latest + dt.timedelta(days=1)
    assert (
        OPEN_SIDE_YEARS - 1
        <= (before.latest - before.earliest).days / 365.25
        <= (OPEN_SIDE_YEARS + 1)
    )
    for value in (around, before, after):
        assert value.precision == base.precision
        assert parse_date(str(value)) == value


def test_file_imports_read_the_same_phrases(tmp_path):
    from expediente.tables import check_file, read_records

    path = tmp_path / "acts.csv"
    path.write_text(
        "record_id,victim_record_id,act_type,date\n"
        "A1,V1,act.torture,mediados de 2017\n"
        "A2,V1,act.torture,late March 2017\n"
        "A3,V1,act.torture,2017-05\n"
        "A4,V1,act.torture,el verano pasado\n",
        encoding="utf-8",
    )
    report = check_file(path, "acts")
    assert [(p.row, p.column, p.code.value) for p in report.problems] == [
        (5, "date", "malformed_date")
    ]
    assert "mediados de 2017" in report.problems[0].message
    path.write_text("\n".join(path.read_text().splitlines()[:4]) + "\n", encoding="utf-8")
    dates = [str(r.date) for r in read_records(path, "acts")]
    assert dates == ["2017-05/2017-08", "2017-03-21/2017-03-31", "2017-05"]
