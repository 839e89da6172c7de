"""A documenter signs in and sees the case's records."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership, Source
from expediente_web.records.models import Act, Location, Person
from support.two_factor import browser_sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def documenter_case():
    user = get_user_model().objects.create_user("ana", password="clave-de-prueba-123")
    case = Case.objects.create(code="demo-ve", title="Caso sintético de prueba", country="VE",
                               description="Datos sintéticos / synthetic data")
    Membership.objects.create(case=case, user=user, role="role.documenter")
    source = Source.objects.create(case=case, code="SRC-01", name="Lista ONG (sintética)",
                                   kind="source.ngo_list", reliability="reliability.high")
    site = Location.objects.create(case=case, code="VE-DC-S1", name="Sede ficticia",
                                   kind="location.detention_site")
    victim = Person.objects.create(case=case, source=source, source_record_id="1",
                                   full_name="María de los Ángeles Pérez", sex="sex.female")
    Act.objects.create(case=case, source=source, source_record_id="A1", victim=victim,
                       act_type="act.detention.arbitrary", location=site,
                       date_text="2017-05", date_precision="month")
    return user, case


def test_it_shows_a_signed_in_user_the_case_records(page, documenter_case, shot):
    page.goto("/")
    assert "/login/" in page.url
    browser_sign_in(page, "ana", "clave-de-prueba-123")
    page.click("text=demo-ve")
    assert page.locator("h1").inner_text() == "Caso sintético de prueba"
    assert "Detención arbitraria" in page.content()
    assert "Sede ficticia" in page.content()
    shot(page, "case")


def test_it_hides_a_case_from_a_user_without_a_role(page, documenter_case):
    get_user_model().objects.create_user("intruso", password="otra-clave-456789")
    browser_sign_in(page, "intruso", "otra-clave-456789")
    assert "demo-ve" not in page.content()
    response = page.goto("/cases/demo-ve/")
    assert response.status == 404
