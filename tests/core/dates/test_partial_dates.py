"""Partial dates: parsing every accepted form, errors, bounds and round trips."""

from __future__ import annotations

import datetime as dt

import pytest

from expediente.dates import (
    DateRange,
    ImpossibleDateError,
    MalformedDateError,
    PartialDate,
    Precision,
    parse_date,
    parse_partial_date,
)
from expediente.vocabularies import load_vocabularies


@pytest.mark.parametrize(
    ("text", "precision", "earliest", "latest"),
    [
        ("1985", Precision.YEAR, dt.date(1985, 1, 1), dt.date(1985, 12, 31)),
        ("1985-03", Precision.MONTH, dt.date(1985, 3, 1), dt.date(1985, 3, 31)),
        ("1985-03-12", Precision.DAY, dt.date(1985, 3, 12), dt.date(1985, 3, 12)),
        ("2016-02", Precision.MONTH, dt.date(2016, 2, 1), dt.date(2016, 2, 29)),
        ("2017-05/2017-07", Precision.MONTH, dt.date(2017, 5, 1), dt.date(2017, 7, 31)),
        ("2017-05-03/2017", Precision.YEAR, dt.date(2017, 5, 3), dt.date(2017, 12, 31)),
    ],
)
def test_canonical_forms_round_trip(
    text: str, precision: Precision, earliest: dt.date, latest: dt.date
) -> None:
    value = parse_date(text)
    assert value.precision is precision
    assert value.earliest == earliest
    assert value.latest == latest
    assert str(value) == text
    assert parse_date(str(value)) == value


@pytest.mark.parametrize(
    ("text", "canonical"),
    [
        ("12/03/1985", "1985-03-12"),
        ("12-03-1985", "1985-03-12"),
        ("12.03.1985", "1985-03-12"),
        ("1/2/2017", "2017-02-01"),
        ("03/1985", "1985-03"),
        ("3-1985", "1985-03"),
        ("marzo 1985", "1985-03"),
        ("Marzo de 1985", "1985-03"),
        ("MARZO DEL 1985", "1985-03"),
        ("12 de marzo de 1985", "1985-03-12"),
        ("12 mar. 1985", "1985-03-12"),
        ("setiembre 2017", "2017-09"),
        ("March 12, 1985", "1985-03-12"),
        ("12 March 1985", "1985-03-12"),
        ("Dec 2017", "2017-12"),
        ("  1985-03-12  ", "1985-03-12"),
        ("mayo 2017 - julio 2017", "2017-05/2017-07"),
        ("mayo 2017 \u2013 julio 2017", "2017-05/2017-07"),
        ("del 3 de mayo de 2017 al 5 de junio de 2017", "2017-05-03/2017-06-05"),
        ("entre 2016 y", None),
        ("from 2016 to 2017", "2016/2017"),
        ("1985-3-2", "1985-03-02"),
    ],
)
def test_ngo_forms(text: str, canonical: str | None) -> None:
    if canonical is None:
        with pytest.raises(MalformedDateError):
            parse_date(text)
    else:
        assert str(parse_date(text)) == canonical


def test_month_first_hint() -> None:
    assert str(parse_date("1/2/2017", date_format="mdy")) == "2017-01-02"
    assert str(parse_date("12/31/2017", date_format="mdy")) == "2017-12-31"
    with pytest.raises(ImpossibleDateError):
        parse_date("12/31/2017")  # day first: there is no month 31


def test_iso_hint_refuses_other_forms() -> None:
    assert str(parse_date("2017-01", date_format="iso")) == "2017-01"
    with pytest.raises(MalformedDateError):
        parse_date("01/2017", date_format="iso")


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "hola",
        "12/03/85",
        "85",
        "marzo",
        "1985-03-12T10:00",
        "2017//2018",
        "enero 2017 - febrero 2017 - marzo 2017",
        "31 fooember 2017",
        "1985-03-12x",
    ],
)
def test_malformed(text: str) -> None:
    with pytest.raises(MalformedDateError) as info:
        parse_date(text)
    assert info.value.code == "malformed_date"


@pytest.mark.parametrize(
    "text",
    [
        "2017-02-30",
        "2017-02-29",
        "1985-13",
        "1985-00",
        "0000",
        "31/04/2017",
        "32/01/2017",
        "2017-07/2017-05",
        "2017-06-02/2017-06-01",
        "diciembre 2018 al enero 2018",
    ],
)
def test_impossible(text: str) -> None:
    with pytest.raises(ImpossibleDateError) as info:
        parse_date(text)
    assert info.value.code == "impossible_date"


def test_leap_day_exists_in_leap_years() -> None:
    assert parse_date("2016-02-29").precision is Precision.DAY


def test_future_dates_are_impossible_given_today() -> None:
    today = dt.date(2020, 6, 15)
    assert str(parse_date("2020-06", today=today)) == "2020-06"  # starts before today
    with pytest.raises(ImpossibleDateError, match="after today"):
        parse_date("2020-07", today=today)
    with pytest.raises(ImpossibleDateError):
        parse_date("2021", today=today)


def test_range_overlapping_ends_is_accepted() -> None:
    # 2017 and 2017-03 overlap; the end is not before the start.
    value = parse_date("2017/2017-03")
    assert isinstance(value, DateRange)
    assert value.latest == dt.date(2017, 3, 31)


def test_partial_date_refuses_range() -> None:
    with pytest.raises(MalformedDateError, match="range"):
        parse_partial_date("2017/2018")
    assert parse_partial_date("1990-04-12") == PartialDate(1990, 4, 12)


def test_partial_date_of_checks_parts() -> None:
    with pytest.raises(ImpossibleDateError):
        PartialDate.of(2017, None, 3)
    with pytest.raises(ImpossibleDateError):
        PartialDate.of(10_000)
    assert PartialDate.of(2017, 2).latest == dt.date(2017, 2, 28)


def test_single_date_shares_the_range_interface() -> None:
    value = parse_date("2017-05")
    assert not value.is_range
    assert value.start == value.end == value
    assert parse_date("2017/2018").is_range


def test_sorting_by_bounds() -> None:
    values = [parse_date(t) for t in ["2018", "2017-05-03", "2017-05", "2017"]]
    ordered = sorted(values, key=lambda v: (v.earliest, v.latest))
    assert [str(v) for v in ordered] == ["2017", "2017-05", "2017-05-03", "2018"]


def test_precision_ids_are_vocabulary_terms() -> None:
    vocab = load_vocabularies()
    for precision in Precision:
        assert precision.term_id in vocab
        assert vocab.term(precision.term_id).vocabulary == "date_precision"


def test_error_names_the_text() -> None:
    with pytest.raises(ImpossibleDateError) as info:
        parse_date("2017-02-30")
    assert "2017-02-30" in str(info.value)
    assert info.value.text == "2017-02-30"


@pytest.mark.parametrize("text", ["x" * 10_000, "y" * 5_000 + " 2017"])
def test_an_oversized_date_is_quoted_short_in_its_error(text: str) -> None:
    # The message goes into an import report, one line per cell: a huge cell must not
    # flood it, but the value's start and its length still tell which cell it was.
    with pytest.raises(MalformedDateError) as caught:
        parse_date(text)
    message = str(caught.value)
    assert len(message) < 200
    assert text[:20] in message and f"{len(text):,} characters" in message
    assert caught.value.text == text
