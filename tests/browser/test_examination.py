"""An analyst reads the preliminary-examination view of a small case and writes the assessment
of its impact, in Spanish and in English; the attacks, interventions and national proceedings
pages, and the acts behind a number. Screenshots at 1280 and 390 px go to
$EXPEDIENTE_SCREENSHOTS (and /tmp/team/shots as examination-*.png when that folder exists).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from expediente_web.assessment import actions as matrix
from expediente_web.cases.actions import do_create_case, do_set_membership
from expediente_web.examination import actions
from support.two_factor import browser_sign_in
from support.workspace_data import HOSTILE, build_record

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "clave-de-prueba-123"
TEAM_SHOTS = Path("/tmp/team/shots")

WORDS = {
    "es": {"title": "Examen preliminar", "low": "Solo se procesa a autores directos"},
    "en": {"title": "Preliminary examination", "low": "Only low-level or direct perpetrators"},
}


@pytest.fixture
def examined_case():
    users = get_user_model().objects
    owner = users.create_user("olga", password=PASSWORD)
    analyst = users.create_user("ana", password=PASSWORD)
    case = do_create_case(owner, "ve-examen", "Caso sintético del examen")
    do_set_membership(owner, case, analyst, "role.analyst")
    record = build_record(case, many=2)
    actions.do_set_jurisdiction(analyst, case, "2017-05-10", ["jurisdiction.territorial"])
    attack = actions.do_create_attack(
        analyst, case, "Persecución de opositores (ficticia)", period="2017",
        description="Detenciones y torturas de opositores en el Estado Norte.",
        places=[record.state], population="Opositores reales o percibidos",
        population_groups=["affiliation.opposition_party"],
        policy_indicators=["Mismo método en varios centros", "Discurso público ficticio"],
    )  # fmt: skip
    actions.do_link_acts(analyst, attack, [record.act, record.other_act, record.linked_act])
    intervention = actions.do_record_intervention(
        analyst, case, "intervention.habeas_corpus", date="2017-05-16",
        notified_unit=record.unit, notified_person=record.commander, acts=[record.act],
        victims=[record.victim], response="response.denied", response_date="2017-06",
        filed_by="Abogada ficticia",
    )  # fmt: skip
    proceeding = actions.do_record_proceeding(
        analyst, case, "Tribunal Ficticio de Control", "proceeding.investigation",
        case_number="TF-2017-88", accused=[record.commander], acts=[record.act],
        indicators=["complementarity.low_level_only", "complementarity.sexual_crimes_omitted"],
    )  # fmt: skip
    matrix.do_rate_element(
        analyst, case, "art7.contextual.1.a", "ladder.reasonable_basis", "Varias fuentes"
    )
    return case, record, attack, intervention, proceeding


def _shots(page, shot, name: str) -> None:
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        path = shot(page, f"{name}-{width}")
        if TEAM_SHOTS.is_dir():
            page.screenshot(
                path=str(TEAM_SHOTS / f"examination-{name}-{width}.png"), full_page=True
            )
        overflow = page.evaluate("document.documentElement.scrollWidth")
        assert overflow <= width + 1, f"{path}: {overflow}px wide at {width}px"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_analyst_reads_the_examination_and_writes_the_impact(page, examined_case, shot, lang):
    case, _record, attack, intervention, proceeding = examined_case
    words = WORDS[lang]
    browser_sign_in(page, "ana", PASSWORD)
    page.goto(f"/cases/{case.code}/examination/")
    if lang == "en":
        with page.expect_navigation():
            page.click("form.lang button[value=en]")
    assert page.locator("html").get_attribute("lang") == lang
    if lang == "en":  # the Spanish of the page's own words comes with the merged catalogue
        assert page.locator("h1").inner_text() == words["title"]
    # Jurisdiction: the acts spanning the entry into force, one click away.
    assert page.locator('#temporal tr[data-bucket="straddling"] a').inner_text() == "2"
    assert words["low"] in page.locator("#flags").inner_text()
    assert page.locator('#standing-rows tr[data-element="art7.contextual.1.a"]').count() == 1

    page.locator('.exam-assessment[data-section="impact"] summary').click()
    page.fill("#assess-impact textarea", f"Terror en la comunidad ficticia. {HOSTILE}")
    with page.expect_navigation():
        page.click("#assess-impact button[type=submit]")
    impact = page.locator('.exam-assessment[data-section="impact"] .reasoning').inner_text()
    assert "Terror en la comunidad ficticia." in impact
    assert page.evaluate("window.__pwned") is None
    _shots(page, shot, f"overview-{lang}")

    with page.expect_navigation():
        page.click('#temporal tr[data-bucket="straddling"] a')
    assert page.locator("table.exam-acts tbody tr").count() == 2
    _shots(page, shot, f"acts-{lang}")

    if lang == "es":
        for name, address in (
            ("attacks", f"/cases/{case.code}/examination/attacks/"),
            ("attack", f"/cases/{case.code}/examination/attacks/{attack.uid}/"),
            ("interventions", f"/cases/{case.code}/examination/interventions/"),
            ("intervention", f"/cases/{case.code}/examination/interventions/{intervention.uid}/"),
            ("proceeding", f"/cases/{case.code}/examination/proceedings/{proceeding.uid}/"),
            ("proceedings", f"/cases/{case.code}/examination/proceedings/"),
            ("jurisdiction", f"/cases/{case.code}/examination/jurisdiction/"),
        ):
            page.goto(address)
            assert page.locator("nav.exam-nav a[aria-current=page]").count() == 1
            _shots(page, shot, name)
        page.goto(f"/cases/{case.code}/examination/attacks/{attack.uid}/")
        assert page.locator("table.exam-acts tbody tr").count() == 3
