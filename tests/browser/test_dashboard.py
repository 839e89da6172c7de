"""A viewer opens the case dashboard, reads its charts on a desktop and a phone, reaches a bar
with the keyboard and follows it to the acts it counts."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from expediente_web.records.models import Act, Involvement, Location, Review, Unit
from support.two_factor import browser_sign_in
from support.workspace_data import build_record

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "clave-de-prueba-123"


@pytest.fixture
def dashboard_case():
    users = get_user_model().objects
    viewer = users.create_user("vera", password=PASSWORD)
    case = Case.objects.create(code="ve-tablero", title="Caso sintético del tablero", country="VE")
    Membership.objects.create(case=case, user=viewer, role="role.viewer")
    record = build_record(case, many=60, hostile=True)
    states = [record.state] + [
        Location.objects.create(
            case=case,
            code=f"XX-{i}",
            name=f"Estado Ficticio {i}",
            kind="location.state",
            parent=record.country,
        )
        for i in range(2, 6)
    ]
    units = [record.unit] + [
        Unit.objects.create(
            case=case,
            code=f"U-{i}",
            name=f"Brigada ficticia número {i} de la región central con un nombre largo",
            parent=record.organization,
        )
        for i in range(4)
    ]
    types = ("act.torture", "act.detention.arbitrary", "act.disappearance.enforced")
    for i in range(90):
        year = 2014 + i % 7
        act = Act.objects.create(
            case=case,
            victim=record.victim,
            act_type=types[i % 3 if i % 5 else 0],
            location=states[i % len(states)] if i % 11 else None,
            date_text=str(year),
            date_precision="year",
            date_earliest=dt.date(year, 1, 1),
            date_latest=dt.date(year, 12, 31),
        )
        Involvement.objects.create(act=act, unit=units[i % len(units)])
        if i % 4 == 0:
            Review.objects.create(case=case, act=act, status="verified" if i % 8 else "submitted")
    return case


def test_a_viewer_follows_a_bar_to_its_acts(page, dashboard_case, shot):
    case = dashboard_case
    browser_sign_in(page, "vera", PASSWORD)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"/cases/{case.code}/dashboard/")
    assert page.locator("h1").inner_text() in ("Tablero", "Dashboard")
    assert page.locator("svg.bars").count() == 5
    assert page.evaluate("window.__pwned") is None  # the hostile unit name stayed text
    assert "Tortura" in page.locator("section.dash-chart").nth(1).inner_text()
    shot(page, "1280")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/cases/{case.code}/dashboard/")
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, "
        "Math.max(...[...document.querySelectorAll('svg.bars')]"
        ".map(s => s.getBoundingClientRect().right))]"
    )
    assert widths[0] <= 390 and widths[1] <= 390, widths
    # The chart's text stays readable on a phone: 13 units drawn at no less than 11 px.
    label = page.locator("svg.bars .bar-label").first.bounding_box()
    assert label["height"] >= 11, label
    shot(page, "390")

    # The keyboard reaches the bars: focus the first bar of "by type" and follow it.
    chart = page.locator("section.dash-chart").nth(1)
    first = chart.locator("a.bar-link").first
    count = int(first.locator(".bar-count").text_content().replace(".", "").replace(",", ""))
    act_type = first.get_attribute("href").rpartition("act_type=")[2]
    first.focus()
    assert page.evaluate("document.activeElement.classList.contains('bar-link')")
    page.keyboard.press("Enter")
    page.wait_for_url("**/acts/?act_type=*")
    pager = page.locator("#results .muted").first.inner_text()
    assert re.search(rf"\d+\s*–\s*\d+\s+\S+\s+{count}$", pager.strip()), (pager, count)
    assert page.locator("#id_act_type").input_value() == act_type
    assert (
        Act.objects.filter(case=case, act_type=act_type, deleted_at__isnull=True).count() == count
    )
    shot(page, "followed")
