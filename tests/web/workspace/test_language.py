"""One language at a time: the switch in the header changes every label of the page, the
vocabulary terms and the way dates and numbers are written; nothing is shown side by side."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def get(client, address):
    response = client.get(address)
    assert response.status_code == 200
    return response.content.decode()


def test_the_switch_turns_a_page_from_spanish_to_english(record, viewer, as_user):
    client = as_user(viewer)
    act = reverse("workspace:act", args=[record.case.code, record.act.uid])
    spanish = get(client, act)
    assert '<html lang="es">' in spanish
    assert "Tortura" in spanish and "Perpetradores" in spanish
    assert "14 de mayo de 2017" in spanish and "12,5" in spanish
    response = client.post(reverse("set_language"), {"language": "en", "next": act})
    assert response.status_code == 302 and response["Location"] == act
    english = get(client, act)
    assert '<html lang="en">' in english
    assert "Torture" in english and "Perpetrators" in english and "Tortura" not in english
    assert "May 14, 2017" in english and "12.5" in english
    lists = get(client, reverse("workspace:acts", args=[record.case.code]))
    assert "1–50 of 63" in lists


@pytest.mark.parametrize(
    "name",
    [
        "case-records",
        "workspace:acts",
        "workspace:persons",
        "workspace:testimony",
        "workspace:unit",
    ],
)
def test_no_page_shows_both_languages_side_by_side(record, viewer, as_user, name):
    from support.workspace_data import url_kwargs

    client = as_user(viewer)
    address = reverse(name, kwargs=url_kwargs(record)[name])
    spanish = get(client, address)
    client.post(reverse("set_language"), {"language": "en", "next": address})
    english = get(client, address)
    for pair in (
        "Fuentes / Sources",
        "Actos / Acts",
        "Fecha / Date",
        "español / English",
        "Salir / Log out",
    ):
        assert pair not in spanish and pair not in english
    assert "Fuentes" in spanish or "Actos" in spanish
    assert "Fuentes" not in english and "Actos" not in english


def test_numbers_are_grouped_as_the_language_does():
    from django.utils import translation

    from expediente_web.workspace.templatetags.records import number, when

    with translation.override("es"):
        assert number(12345) == "12\xa0345"  # as the RAE writes it
        assert when("2017-05") == "mayo de 2017"
        assert when("2017-05/2017-07") == "mayo de 2017 – julio de 2017"
        assert when("2017") == "2017"
        assert when("") == "—"
        assert when("hacia 2017") == "hacia 2017"
    with translation.override("en"):
        assert number(12345) == "12,345"
        assert when("2017-05-14") == "May 14, 2017"
