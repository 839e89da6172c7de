"""A documenter opens a hearing, cites a time range of its recording and follows the excerpt's
link to the recording's page, which plays it from there; the testimony's consent history and a
unit's relations. Screenshots at 1280 and 390 px wide (`/tmp/team/shots` when
`EXPEDIENTE_SCREENSHOTS` names no folder)."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership

from .record_pages import no_sideways_scroll, sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SHOTS = Path(os.environ.get("EXPEDIENTE_SCREENSHOTS", "/tmp/team/shots"))


def _shots(page, name):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=str(SHOTS / f"recmodel-{name}-{width}.png"), full_page=True)
        assert no_sideways_scroll(page), f"{name} scrolls sideways at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def world():
    from expediente_web.evidence.actions import do_store_evidence
    from expediente_web.records.actions import (
        do_create_person,
        do_create_position,
        do_create_testimony,
        do_create_unit,
    )
    from expediente_web.records.consent_records import do_record_consent, do_withdraw_consent
    from expediente_web.records.hearings import do_add_appearance, do_create_hearing
    from expediente_web.records.unit_relations import do_create_unit_relation
    from support.synthetic_files import wav

    case = Case.objects.create(code="demo-ve", title="Caso sintético de prueba", country="XX")
    dora = get_user_model().objects.create_user("dora")
    Membership.objects.create(case=case, user=dora, role="role.documenter")
    recording = do_store_evidence(
        dora,
        case,
        io.BytesIO(wav(20.0, rate=8000)),
        "sesion.wav",
        kind="evidence.audio",
        media_type="audio/x-wav",
        duration_seconds=20,
        title="Grabación de la sesión",
    )
    hearing = do_create_hearing(
        dora,
        case,
        "Audiencia pública sobre detenciones (ficticia)",
        date="2017-09-14",
        venue="Sala ficticia de la sede, Ciudad Ficticia",
        panel="Experta Uno — presidenta del panel\nExperto Dos — relator\nExperta Tres — vocal",
        recording=recording,
    )
    witness = do_create_person(dora, case, given_names="Ana", first_surname="Ficticia")
    testimony = do_create_testimony(
        dora,
        case,
        "Relaté ante el panel cómo me llevaron a un sótano (relato sintético).",
        "es",
        date="2017-09-14",
        witness=witness,
        interviewer="Entrevistadora ficticia",
        consent_scopes=["consent.interview"],
    )
    do_add_appearance(dora, hearing, testimony)
    do_record_consent(
        dora,
        testimony,
        ["consent.interview", "consent.share_oas", "consent.share_icc"],
        on="2017-09-14",
        taken_by_name="Entrevistadora ficticia",
        information_sheet="v2",
        interpreter="Intérprete ficticio",
    )
    do_withdraw_consent(
        dora,
        testimony,
        ["consent.share_icc"],
        on="2018-01-10",
        reason="Teme represalias contra su familia",
    )
    police = do_create_unit(dora, case, "PF", "Policía ficticia")
    brigade = do_create_unit(dora, case, "PF-B", "Brigada ficticia", parent=police)
    service = do_create_unit(dora, case, "SI", "Servicio de inteligencia ficticio")
    do_create_unit_relation(
        dora, case, brigade, "subordinate_to", service, start="2017", end="2018-06"
    )
    adviser = do_create_person(dora, case, full_name="Asesor Ficticio")
    do_create_position(
        dora,
        case,
        adviser,
        None,
        basis="post.de_facto",
        held_at="asesor en la presidencia",
        controls=service,
        start="2017-01",
    )
    return {
        "dora": dora,
        "hearing": hearing,
        "testimony": testimony,
        "recording": recording,
        "brigade": brigade,
    }


def test_a_time_coded_excerpt_opens_the_recording_at_its_range(page, live_server, world):
    sign_in(page, live_server, world["dora"])
    hearing = world["hearing"]
    page.goto("/cases/demo-ve/hearings/")
    assert "Audiencia pública sobre detenciones" in page.locator("main").inner_text()
    _shots(page, "hearing-list")
    page.goto(f"/cases/demo-ve/hearings/{hearing.uid}/")
    main = page.locator("main")
    assert "Experto Dos — relator" in main.inner_text()
    assert (
        "Ana" in page.locator("#appearances + .table-box").inner_text()
        or page.locator("#appearances + .table-box a").count() == 1
    )
    page.fill("#excerpt-start", "0:05")
    page.fill("#excerpt-end", "0:09")
    page.fill("#excerpt-quote", "La testigo describe el sótano")
    page.click("#excerpt-form button[type=submit]")
    page.wait_for_url("**#excerpts")
    link = page.locator("ul.time-coded a").first
    assert link.inner_text() == "0:05–0:09"
    assert link.get_attribute("href").endswith(f"/evidence/{world['recording'].uid}/#t=5,9")
    _shots(page, "hearing")
    # A range that ends before it starts is refused at its field, in Spanish.
    page.fill("#excerpt-start", "0:12")
    page.fill("#excerpt-end", "0:10")
    page.click("#excerpt-form button[type=submit]")
    assert page.locator("#excerpt-end_errors").is_visible()
    page.goto(f"/cases/demo-ve/hearings/{hearing.uid}/")
    page.locator("ul.time-coded a").first.click()
    page.wait_for_function(
        "() => { const a = document.querySelector('.evidence-preview audio');"
        " return a && a.readyState >= 1 && a.currentTime >= 4.9; }",
        timeout=15000,
    )
    assert page.evaluate("document.querySelector('.evidence-preview audio').currentTime") < 6


def test_the_consent_history_and_a_units_relations(page, live_server, world):
    sign_in(page, live_server, world["dora"])
    page.goto(f"/cases/demo-ve/testimonies/{world['testimony'].uid}/#consent")
    section = page.locator("#consent").inner_text()
    assert page.locator("#consent .consent-record.withdrawal").count() == 1
    assert "Teme represalias" in section and "Intérprete ficticio" in section
    _shots(page, "testimony-consent")
    page.goto(f"/cases/demo-ve/units/{world['brigade'].uid}/?on=2018-01-15&certainly=on")
    relations = page.locator(".unit-relations").inner_text()
    assert "Servicio de inteligencia ficticio" in relations and "2017" in relations
    # The de facto controller of the service the brigade was under that day.
    assert "Asesor Ficticio" in page.locator("main").inner_text()
    _shots(page, "unit-relations")
