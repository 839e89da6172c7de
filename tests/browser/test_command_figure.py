"""The chain-of-command figure in a real browser: a documenter opens a unit, sees its commanders
and those of the units above it over time, follows a bar to the commander's page and a column to
the acts of that period; on a phone the page does not scroll sideways. Screenshots at 1280 and
390 px go to $EXPEDIENTE_SCREENSHOTS."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from expediente_web.records.models import Person, Position
from support.workspace_data import build_record

from .record_pages import addresses, sign_in

pytestmark = pytest.mark.django_db(transaction=True)



def post(case, person, unit, title, start, end=None, commander=True):
    """A post with the bounds of imprecise dates: (earliest, latest) pairs."""
    return Position.objects.create(
        case=case,
        person=person,
        unit=unit,
        title=title,
        is_commander=commander,
        start_text=start[2],
        start_earliest=start[0],
        start_latest=start[1],
        end_text=end[2] if end else "",
        end_earliest=end[0] if end else None,
        end_latest=end[1] if end else None,
    )


def year(y):
    return (dt.date(y, 1, 1), dt.date(y, 12, 31), str(y))


@pytest.fixture
def world():
    case = Case.objects.create(code="mando", title="Caso sintético de prueba", country="XX")
    record = build_record(case)
    earlier = Person.objects.create(
        case=case,
        source=record.other_source,
        source_record_id="cmd-0",
        full_name="Jefa Anterior Inventada",
    )
    post(case, earlier, record.unit, "Directora", year(2013), year(2015))
    chief = Person.objects.create(
        case=case,
        source=record.other_source,
        source_record_id="cmd-9",
        full_name="Jefe Máximo Inventado",
    )
    post(case, chief, record.organization, "Jefe", year(2012), year(2014))
    user = get_user_model().objects.create_user("dora")
    Membership.objects.create(case=case, user=user, role="role.documenter")
    return record, user


def test_a_documenter_follows_the_chain_of_command_figure(page, live_server, world, shot):
    record, user = world
    sign_in(page, live_server, user)
    page.set_viewport_size({"width": 1280, "height": 900})
    unit_page = addresses(record)["workspace:unit"]
    page.goto(unit_page)
    figure = page.locator(".command-wide svg.command-svg")
    assert figure.is_visible()
    assert page.locator(".command-narrow").is_hidden()
    lanes = figure.locator(".lane-label")
    assert lanes.count() == 2  # the directorate and the service above it
    bars = figure.locator("a.post-bar")
    assert bars.count() == 4  # two commanders in each unit
    # The commander's post began "2016" and is still held: possible, then certain.
    commander_bar = figure.locator(f"a.post-bar[href$='/persons/{record.commander.uid}/']").first
    kinds = commander_bar.locator("rect[data-certainty]").evaluate_all(
        "rects => rects.map(r => r.dataset.certainty)"
    )
    assert kinds == ["possibly", "certainly"]
    shot(page, "unit-1280")

    commander_bar.click()
    page.wait_for_url(f"**/persons/{record.commander.uid}/")
    assert page.locator("h1").inner_text() == "Comandante Inventado Uno"
    person_figure = page.locator(".command-wide svg.command-svg")
    assert person_figure.is_visible()
    assert person_figure.locator("a.post-bar.own").count() == 2
    shot(page, "person-1280")

    page.goto(unit_page)
    mark = page.locator(".command-wide a.act-mark").first
    href = mark.get_attribute("href")
    assert f"unit={record.unit.uid}" in href and "date_from=2017-01-01" in href
    mark.click()
    page.wait_for_url("**/acts/?*")
    rows = page.locator("table tbody tr")
    assert rows.count() >= 1
    assert f"/acts/{record.act.uid}/" in page.content()


def test_on_a_phone_the_figure_scrolls_inside_its_box_only(page, live_server, world, shot):
    record, user = world
    sign_in(page, live_server, user)
    page.set_viewport_size({"width": 390, "height": 844})
    for name, address in (
        ("unit-390", addresses(record)["workspace:unit"]),
        (
            "person-390",
            addresses(record)["workspace:person"].replace(
                str(record.victim.uid), str(record.commander.uid)
            ),
        ),
    ):
        page.goto(address)
        narrow = page.locator(".command-narrow svg.command-svg")
        assert narrow.is_visible(), name
        assert page.locator(".command-wide").is_hidden()
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, (name, width, inner)
        shot(page, name)
        page.locator(".command-table summary").click()
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        assert width <= inner, (name, "table", width, inner)
        shot(page, f"{name}-table")


def test_a_hostile_unit_name_in_the_figure_stays_inert(page, live_server, world):
    record, user = world
    from support.workspace_data import HOSTILE

    record.unit.name = f"Dirección{HOSTILE}"
    record.unit.save()
    record.organization.acronym = f"SF{HOSTILE}"
    record.organization.save()
    sign_in(page, live_server, user)
    page.goto(addresses(record)["workspace:unit"])
    labels = page.locator(".command-wide .lane-label").all_text_contents()
    assert labels[1] == f"SF{HOSTILE}"  # shown as text, not run
    assert page.evaluate("window.__pwned") is None
    assert page.locator(".command-wide svg script, .command-wide svg img").count() == 0
