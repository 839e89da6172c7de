"""A service's refusal reads in the language of the page: a date the service refuses in an edit
form is explained at its field in Spanish on a Spanish page and in English on an English one,
never both; the value the user typed stays as typed (and inert)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from expediente_web.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def _act_form(act, **changes):
    data = {
        "act_type": act.act_type,
        "methods": list(act.methods),
        "date": act.date_text,
        "location": str(act.location.uid) if act.location else "",
        "event": str(act.event.uid) if act.event else "",
        "outcome": act.outcome,
        "description": act.description,
        "notes": act.notes,
    }
    data.update(changes)
    return data


def _refused(record, client, language: str, **changes) -> str:
    act = record.act
    page = reverse("workspace:act", args=[record.case.code, act.uid])
    edit = reverse("workspace:act-edit", kwargs={"code": record.case.code, "uid": str(act.uid)})
    client.post(reverse("set_language"), {"language": language, "next": page})
    before = AuditEntry.objects.count()
    response = client.post(edit, _act_form(act, **changes))
    assert response.status_code == 400
    assert AuditEntry.objects.count() == before
    text = html.unescape(response.content.decode())
    assert f'<html lang="{language}">' in text
    return text


@pytest.mark.parametrize(
    ("changes", "spanish", "english"),
    [
        ({"date": "2017-13"}, "no existe el mes 13: '2017-13'", "there is no month 13: '2017-13'"),
        (
            {"date": "2017-02-30"},
            "el día 30 no existe en 2017-02",
            "day 30 does not exist in 2017-02",
        ),
        (
            {"date": "2017-07/2017-05"},
            "el final es anterior al comienzo",
            "the end is before the start",
        ),
        (
            {"date": "antes de 0001"},
            "el periodo sale del calendario: 'antes de 0001'",
            "the period reaches outside the calendar: 'antes de 0001'",
        ),
    ],
)
def test_a_refused_value_is_explained_in_the_language_of_the_page(
    record, documenter, as_user, changes, spanish, english
):
    client = as_user(documenter)
    in_spanish = _refused(record, client, "es", **changes)
    assert spanish in in_spanish
    assert english not in in_spanish
    in_english = _refused(record, client, "en", **changes)
    assert english in in_english
    assert spanish not in in_english


def test_a_hostile_value_is_quoted_inert_in_the_spanish_refusal(record, documenter, as_user):
    hostile = '"><img src=x onerror=alert(1)>'
    client = as_user(documenter)
    act = record.act
    client.post(reverse("set_language"), {"language": "es", "next": "/"})
    edit = reverse("workspace:act-edit", kwargs={"code": record.case.code, "uid": str(act.uid)})
    response = client.post(edit, _act_form(act, date=hostile))
    assert response.status_code == 400
    raw = response.content.decode()
    assert "<img src=x" not in raw
    assert "no es una fecha en una forma aceptada" in html.unescape(raw)
