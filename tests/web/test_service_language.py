"""The services speak the reader's language: what the analysis core says about a date or a query
(in English, knowing nothing of Django) is put into the active language by the web layer, every
reason the core can give included; a refused write or a missing role is said in Spanish under
Spanish and word for word as before under English."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import translation

from expediente.dates import DateError, PartialDate, parse_date, parse_partial_date
from expediente_web.cases.validation import (
    _DATE_REASON_PATTERNS,
    _DATE_REASONS,
    InvalidInput,
    date_message,
    date_reason,
)

DATES = Path(__file__).resolve().parents[2] / "src" / "expediente" / "dates.py"
TODAY = dt.date(2026, 1, 1)

#: A text for each reason the core gives (besides two that only `PartialDate.of` and
#: `parse_partial_date` give, below).
REFUSED = [
    "0000",
    "2017-13",
    "2017-02-30",
    "2017-07/2017-05",
    "05/17",
    "14 de marzzo de 2017",
    "soon",
    "mediados de 14/05/2017",
    "antes de 0001",
    "",
    "2017 - 2018 - 2019",
    "2999",
]


def _errors() -> list[DateError]:
    found = []
    for text in REFUSED:
        with pytest.raises(DateError) as refused:
            parse_date(text, today=TODAY)
        found.append(refused.value)
    with pytest.raises(DateError) as no_month:
        PartialDate.of(2017, None, 5)
    with pytest.raises(DateError) as a_range:
        parse_partial_date("2017/2018")
    return [*found, no_month.value, a_range.value]


def test_every_reason_the_core_gives_for_a_date_is_known_here():
    source = DATES.read_text(encoding="utf-8")
    reasons = re.findall(r'DateError\(\s*[^,()]+,\s*(f?"(?:[^"\\]|\\.)*"|NOT_A_DATE)\s*\)', source)
    literal = [r.strip('"') for r in reasons if r.startswith('"')]
    formatted = [r for r in reasons if r.startswith('f"')]
    assert literal and formatted
    for reason in literal:
        assert reason in _DATE_REASONS, reason
    assert len(formatted) == len(_DATE_REASON_PATTERNS), formatted
    # and the sample texts above reach every one of them
    given = {e.reason for e in _errors()}
    assert set(_DATE_REASONS) <= given
    for pattern, _message in _DATE_REASON_PATTERNS:
        assert any(pattern.fullmatch(reason) for reason in given), pattern.pattern


def test_in_english_a_date_is_refused_word_for_word_as_the_core_says_it():
    with translation.override("en"):
        for error in _errors():
            assert date_message(error) == str(error)


def test_in_spanish_every_reason_for_a_date_is_translated():
    """Needs the Spanish catalogue with the services' strings merged (`make messages`)."""
    with translation.override("es"):
        for error in _errors():
            assert date_reason(error) != error.reason, error.reason
        with pytest.raises(DateError) as refused:
            parse_date("2017-13", today=TODAY)
        assert date_message(refused.value) == "no existe el mes 13: '2017-13'"


def test_a_query_the_core_refuses_is_explained_in_spanish_and_as_before_in_english():
    from expediente.search import QueryError, parse_query
    from expediente_web.search.access import query_problem

    for text in ("ab*", "x" * 501, "* *", " ".join(f"w{n}x" for n in range(25))):
        with pytest.raises(QueryError) as refused:
            parse_query(text)
        with translation.override("en"):
            assert query_problem(refused.value) == str(refused.value)
        with translation.override("es"):
            assert query_problem(refused.value) != str(refused.value), str(refused.value)


@pytest.mark.django_db
def test_a_refused_write_and_a_missing_role_are_said_in_the_active_language(case, documenter,
                                                                              viewer):
    from expediente_web.cases.access import NotPermitted
    from expediente_web.records.actions import do_create_event, do_create_location

    with translation.override("es"):
        with pytest.raises(InvalidInput) as refused:
            do_create_event(documenter, case, "Evento ficticio", date="2017-13")
        assert refused.value.field == "date"
        assert refused.value.reason == "no existe el mes 13: '2017-13'"
        with pytest.raises(InvalidInput) as unknown:
            do_create_location(documenter, case, "L-1", "Lugar", "location.planet")
        assert unknown.value.reason.startswith("'location.planet' no es un término de")
        with pytest.raises(NotPermitted) as denied:
            do_create_location(viewer, case, "L-1", "Lugar", "location.state")
        assert str(denied.value) == (
            "vera_viewer no puede crear lugares en el caso ve-2017 (rol: role.viewer)"
        )
    with translation.override("en"):
        with pytest.raises(NotPermitted) as denied:
            do_create_location(viewer, case, "L-1", "Place", "location.state")
        assert str(denied.value) == (
            "vera_viewer may not create locations in case ve-2017 (role: role.viewer)"
        )


def test_the_guided_entry_says_why_a_date_cannot_be_in_the_active_language():
    from django import forms

    from expediente_web.workspace.entry_forms import check_period

    for language, reason in (("es", "no existe el mes 13"), ("en", "there is no month 13")):
        with translation.override(language):
            with pytest.raises(forms.ValidationError) as refused:
                check_period("2017-13")
            assert reason in " ".join(refused.value.messages)
