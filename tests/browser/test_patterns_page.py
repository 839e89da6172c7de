"""A viewer opens the patterns page of a linked and estimated synthetic case."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.analyses.actions import do_run_estimate, do_run_linkage
from expediente_web.cases.models import Case, Membership
from expediente_web.records.models import Act, Involvement, Unit
from support.two_factor import browser_sign_in
from web.analyses.analyses_data import load_victims, wide_band_config

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "clave-de-prueba-123"
METHODS = (["method.beating", "method.asphyxiation"], ["method.beating"],
           ["method.electric_shock", "method.beating"], [])


@pytest.fixture
def patterned_case():
    users = get_user_model().objects
    analyst = users.create_user("ana", password=PASSWORD)
    viewer = users.create_user("vera", password=PASSWORD)
    case = Case.objects.create(code="ve-sint", title="Caso sintético de prueba", country="VE")
    Membership.objects.create(case=case, user=analyst, role="role.analyst")
    Membership.objects.create(case=case, user=viewer, role="role.viewer")
    persons = load_victims(case)
    units = [Unit.objects.create(case=case, code=f"U-{i}", name=f"Unidad {i} (ficticia)",
                                 acronym=f"UF{i}") for i in range(3)]
    # Deterministic variety: methods and a unit per act, by the act's position.
    for i, act in enumerate(Act.objects.filter(case=case).order_by("id")):
        Act.objects.filter(pk=act.pk).update(methods=METHODS[i % len(METHODS)],
                                             act_type="act.torture" if i % 3 else
                                             "act.detention.arbitrary")
        Involvement.objects.create(act=act, unit=units[i % 3], degree="involvement.direct")
    do_run_linkage(analyst, case, wide_band_config())
    estimate = do_run_estimate(analyst, case, "loglinear", options={"n_boot": 0})
    return case, persons, estimate


def test_a_viewer_sees_indicators_chart_and_the_estimate(page, patterned_case, shot):
    case, persons, estimate = patterned_case
    browser_sign_in(page, "vera", PASSWORD)
    page.goto(f"/cases/{case.code}/linkage/patterns/")
    assert page.locator("h1").inner_text() == "Patrones"
    assert str(estimate.uid) in page.locator("#scale").inner_text()
    assert page.locator("#widespread tbody tr").count() == 10
    assert page.locator("#systematic tbody tr").count() == 5
    assert page.locator("#series svg").count() == 1
    assert page.locator("#series svg").bounding_box()["width"] > 300
    assert page.locator("#recurrence tbody tr").count() == 3
    assert "Golpes" in page.locator("#recurrence").inner_text()  # vocabulary labels, in Spanish
    content = page.content()
    for person in list(persons.values())[:20]:
        for value in (person.full_name, person.id_number):
            if value:
                assert value not in content
    shot(page, "patterns")
