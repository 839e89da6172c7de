"""Dates keep their precision (year, month, day) and ranges, and come back as they went in."""

from __future__ import annotations

import datetime as dt

import pytest

from expediente_web.records.actions import do_create_event, do_create_person, do_create_position
from expediente_web.records.models import Event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("given", "text", "precision", "earliest", "latest"),
    [
        ("2017", "2017", "year", "2017-01-01", "2017-12-31"),
        ("2017-02", "2017-02", "month", "2017-02-01", "2017-02-28"),
        ("2016-02", "2016-02", "month", "2016-02-01", "2016-02-29"),
        ("2017-05-14", "2017-05-14", "day", "2017-05-14", "2017-05-14"),
        ("14/05/2017", "2017-05-14", "day", "2017-05-14", "2017-05-14"),
        ("marzo de 2018", "2018-03", "month", "2018-03-01", "2018-03-31"),
        ("2017-05/2017-07", "2017-05/2017-07", "month", "2017-05-01", "2017-07-31"),
        ("2017/2018-06-03", "2017/2018-06-03", "year", "2017-01-01", "2018-06-03"),
    ],
)
def test_date_precision_round_trips(case, documenter, given, text, precision, earliest, latest):
    event = do_create_event(documenter, case, "Evento", date=given)
    stored = Event.objects.get(pk=event.pk)
    assert stored.date_text == text
    assert stored.date_precision == precision
    assert stored.date_earliest == dt.date.fromisoformat(earliest)
    assert stored.date_latest == dt.date.fromisoformat(latest)
    again = do_create_event(documenter, case, "Otra vez", date=stored.date_text)
    assert (again.date_text, again.date_precision) == (text, precision)


def test_undated_records_store_no_bounds(case, documenter):
    event = do_create_event(documenter, case, "Sin fecha")
    stored = Event.objects.get(pk=event.pk)
    assert (stored.date_text, stored.date_precision, stored.date_earliest) == ("", "", None)


def test_future_dates_are_refused(case, documenter):
    from expediente_web.cases.validation import InvalidInput

    with pytest.raises(InvalidInput) as err:
        do_create_event(documenter, case, "Futuro", date=f"{dt.date.today().year + 2}")
    assert err.value.field == "date"


def test_position_period_and_birth_date(case, documenter, victim, unit):
    from expediente_web.cases.validation import InvalidInput

    position = do_create_position(documenter, case, victim, unit, start="2015-03", end="2019")
    assert (position.start_precision, position.end_precision) == ("month", "year")
    with pytest.raises(InvalidInput) as err:
        do_create_position(documenter, case, victim, unit, start="2019", end="2015")
    assert err.value.field == "end"
    person = do_create_person(documenter, case, full_name="A B", birth_date="3 de marzo de 1980")
    assert person.birth_date == "1980-03-03"
    with pytest.raises(InvalidInput) as err:
        do_create_person(documenter, case, full_name="A B", birth_date="1980/1982")
    assert err.value.field == "birth_date"
