"""In Chromium: a documenter changes an act and reads the change in its history; a bad date is
refused at its field; a second person verifies what the documenter submitted; a deleted record
says so and is restored. Hostile text in the record stays inert throughout."""

from __future__ import annotations

import pytest

from support.workspace_data import HOSTILE, build_record

from .record_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)



MINE = (
    ".record-tools, .record-tools *, form.record-form, form.record-form *, .deleted-record, "
    ".deleted-record *, ol.history, ol.history *, #results .status"
)


def _shots(page, shot, name):
    """The page at a laptop's width and a phone's, full length; nothing of the edit form, the
    history, the review or the deletion runs off the screen."""
    shot(page, name, widths=(1280, 390))
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        wide = page.evaluate(
            """([sel, w]) => [...document.querySelectorAll(sel)]
                .filter(e => e.getBoundingClientRect().right > w + 1)
                .map(e => e.tagName + '.' + e.className)""",
            [MINE, width],
        )
        assert not wide, f"{name} at {width}px: {wide[:5]} run off the screen"
    page.set_viewport_size({"width": 1280, "height": 900})


def _no_script_ran(page):
    assert page.evaluate("window.__pwned === undefined")


def _member(case, name, role):
    from django.contrib.auth import get_user_model

    from expediente_web.cases.models import Membership

    user = get_user_model().objects.create_user(name)
    Membership.objects.create(case=case, user=user, role=role)
    return user


@pytest.fixture
def team():
    from expediente_web.cases.models import Case

    case = Case.objects.create(code="demo-ve", title="Caso sintético de prueba", country="XX")
    record = build_record(case, many=2, hostile=True)
    return record, _member(case, "dora", "role.documenter"), _member(case, "rita", "role.reviewer")


def test_an_edit_and_its_history(page, live_server, team, shot):
    record, documenter, _ = team
    sign_in(page, live_server, documenter)
    act_page = f"/cases/{record.case.code}/acts/{record.act.uid}/"
    page.goto(act_page)
    _no_script_ran(page)
    page.click(f"a[href='{act_page}edit/']")
    _shots(page, shot, "act-edit")
    # A bad date is refused at its field, and nothing changes.
    page.fill("#id_date", "2017-02-30")
    page.click("form.record-form button[type=submit]")
    assert page.locator("#id_date_errors").is_visible()
    _shots(page, shot, "act-edit-refused")
    record.act.refresh_from_db()
    assert record.act.date_text == "2017-05-14"
    page.fill("#id_date", "marzo de 2017")
    page.select_option("#id_outcome", "outcome.still_detained")
    page.fill("#id_notes", HOSTILE)
    page.click("form.record-form button[type=submit]")
    page.wait_for_url(f"**{act_page}")
    assert page.locator(".flash.success").count() == 1
    entry = page.locator(".history-entry").first
    assert documenter.username in entry.inner_text()
    assert "marzo de 2017" in entry.locator("ins").all_inner_texts()
    assert "14 de mayo de 2017" in entry.locator("del").all_inner_texts()
    _no_script_ran(page)
    _shots(page, shot, "act-history")
    record.act.refresh_from_db()
    assert (record.act.date_text, record.act.outcome) == ("2017-03", "outcome.still_detained")


def test_review_status_is_changed_by_a_second_person(page, live_server, team, shot):
    record, documenter, reviewer = team
    act_page = f"/cases/{record.case.code}/acts/{record.act.uid}/"
    sign_in(page, live_server, documenter)
    page.goto(act_page)
    assert page.locator(".review .status").inner_text().strip()
    assert page.locator("input[name=step][value=verify]").count() == 0
    page.click(".review form:has(input[value=submit]) button")
    page.wait_for_url(f"**{act_page}")
    assert "status-submitted" in page.locator(".review .status").get_attribute("class")
    # The documenter who submitted it is offered no way to verify it.
    assert page.locator("input[name=step][value=verify]").count() == 0

    page.context.clear_cookies()
    sign_in(page, live_server, reviewer)
    page.goto(act_page)
    _no_script_ran(page)
    _shots(page, shot, "act-review-submitted")
    page.click(".review form:has(input[value=verify]) button")
    page.wait_for_url(f"**{act_page}")
    assert "status-verified" in page.locator(".review .status").get_attribute("class")
    assert reviewer.username in page.locator(".review").inner_text()
    assert page.locator(f"a[href='{act_page}edit/']").count() == 0  # reviewers do not edit
    _shots(page, shot, "act-review-verified")

    # The act list filters by review status.
    page.goto(f"/cases/{record.case.code}/acts/?review=verified")
    rows = page.locator("#results tbody tr")
    assert rows.count() == 1
    assert "status-verified" in rows.first.locator(".status").get_attribute("class")
    _shots(page, shot, "act-list-verified")


def test_a_deleted_record_says_so_and_is_restored(page, live_server, team, shot):
    record, documenter, _ = team
    event_page = f"/cases/{record.case.code}/events/{record.event.uid}/"
    sign_in(page, live_server, documenter)
    page.goto(event_page)
    page.click("details.delete-record summary")
    page.fill("details.delete-record input[name=reason]", "Evento duplicado <b>prueba</b>")
    page.click("details.delete-record button[type=submit]")
    page.wait_for_url(f"**{event_page}")
    assert page.locator(".deleted-record").is_visible()
    assert "Evento duplicado <b>prueba</b>" in page.locator(".deleted-record").inner_text()
    _no_script_ran(page)
    _shots(page, shot, "event-deleted")
    page.click(".deleted-record button[type=submit]")
    page.wait_for_url(f"**{event_page}")
    assert page.locator(".deleted-record").count() == 0
    assert page.locator(".history-entry").count() == 2  # deleted, then restored
    _shots(page, shot, "event-restored")


def test_a_testimony_and_a_person_are_edited(page, live_server, team, shot):
    record, documenter, _ = team
    code = record.case.code
    sign_in(page, live_server, documenter)
    page.goto(f"/cases/{code}/testimonies/{record.testimony.uid}/edit/")
    _no_script_ran(page)
    _shots(page, shot, "testimony-edit")
    page.goto(f"/cases/{code}/persons/{record.victim.uid}/edit/")
    _no_script_ran(page)
    page.fill("#id_phone", "+00 000 000 1111")
    page.click("form.record-form button[type=submit]")
    page.wait_for_url(f"**/persons/{record.victim.uid}/")
    entry = page.locator(".history-entry").first
    assert "+00 000 000 1111" not in entry.inner_text()
    _shots(page, shot, "person-history")
