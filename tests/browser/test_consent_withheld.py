"""A partner organisation opens a testimony whose witness did not consent to sharing with
partner organisations: the page says so in Spanish, shows none of its words and fits a phone.
Screenshots at laptop and phone width."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from expediente_web.cases.models import Case, Membership

from .record_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WORDS = "Me llevaron al galpón azul de la zona industrial y allí pasé once días sin ver la luz"


@pytest.fixture
def world():
    from expediente_web.evidence.actions import do_cite_excerpt, do_create_excerpt
    from expediente_web.records.actions import do_create_act, do_create_person, do_create_testimony

    case = Case.objects.create(code="demo-ve", title="Caso sintético de prueba", country="XX")
    users = get_user_model().objects
    dora = users.create_user("dora")
    Membership.objects.create(case=case, user=dora, role="role.documenter")
    paula = users.create_user("paula")
    Membership.objects.create(
        case=case,
        user=paula,
        role="role.partner",
        expires_at=timezone.now() + dt.timedelta(days=30),
    )
    victim = do_create_person(dora, case, given_names="Ana", first_surname="Ficticia")
    testimony = do_create_testimony(
        dora,
        case,
        WORDS,
        "es",
        date="2017-06-02",
        consent_scopes=["consent.interview", "consent.share_icc"],
    )
    quote = "galpón azul"
    start = WORDS.index(quote)
    excerpt = do_create_excerpt(
        dora, case, testimony=testimony, start=start, end=start + len(quote), quote=quote
    )
    act = do_create_act(dora, case, victim, "act.torture", date="2017-06")
    do_cite_excerpt(dora, excerpt, act)
    return testimony, act, paula


@pytest.mark.parametrize("width", [1280, 390])
def test_a_partner_sees_that_the_words_are_withheld(page, live_server, world, shot, width):
    testimony, act, partner = world
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, partner)
    page.goto(f"/cases/demo-ve/testimonies/{testimony.uid}/")
    body = page.locator("main").inner_text()
    assert "retenido" in body.lower() or "withheld" in body.lower()
    assert "galpón" not in body
    shot(page, f"consent-testimony-{width}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.goto(f"/cases/demo-ve/acts/{act.uid}/")
    assert "galpón" not in page.locator("main").inner_text()
    shot(page, f"consent-act-{width}")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
