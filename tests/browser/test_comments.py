"""A comment with a mention in a real browser: a documenter comments on an act mentioning an
analyst (htmx swaps the thread in place), replies to it; the analyst sees the unread count in
the header, opens the notification and lands on the comment. Hostile text in the comment runs
no script. Screenshots at 1280 and 390 px go to $EXPEDIENTE_SCREENSHOTS."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from expediente_web.discussion.models import Notification
from support.workspace_data import HOSTILE, build_record

from .record_pages import addresses, sign_in

pytestmark = pytest.mark.django_db(transaction=True)



def member(case, name, role):
    user = get_user_model().objects.create_user(name)
    Membership.objects.create(case=case, user=user, role=role)
    return user


@pytest.fixture
def world():
    case = Case.objects.create(code="demo-ve", title="Caso sintético de prueba", country="XX")
    record = build_record(case, many=2)
    return record, member(case, "dora", "role.documenter"), member(case, "ana", "role.analyst")


def test_a_mention_reaches_the_member_who_follows_it_to_the_record(
    browser, live_server, world, shot
):
    record, dora, ana = world
    act_page = addresses(record)["workspace:act"]
    context = browser.new_context(base_url=live_server.url, locale="es-ES")
    page = context.new_page()
    sign_in(page, live_server, dora)
    page.goto(act_page)
    thread = page.locator("#discussion")
    assert thread.count() == 1
    page.fill("#comment-body", f"@ana ¿revisas la fecha?\nLa fuente dice mayo. {HOSTILE}")
    with page.expect_response(lambda r: "/discussion/act/" in r.url):
        page.locator(".comment-form button[type=submit]").click()
    page.wait_for_selector("#discussion .comment .mention")
    assert page.url.endswith(act_page)  # swapped in place: no page load
    comment = page.locator("#discussion li.comment").first
    assert comment.locator("a.mention").inner_text() == "@ana"
    assert "<script>" in comment.locator(".comment-body").inner_text()  # shown as text
    assert page.evaluate("window.__pwned") is None
    # A reply, through the reply form of the comment.
    comment.locator("details summary").first.click()
    comment.locator("textarea[name=body]").fill("Y también la hora.")
    with page.expect_response(lambda r: "/discussion/act/" in r.url):
        comment.locator("details form button[type=submit]").first.click()
    page.wait_for_selector("#discussion ol.replies li.comment")
    shot(page, "thread", widths=(1280, 390))
    context.close()

    note = Notification.objects.get(user=ana)
    context = browser.new_context(base_url=live_server.url, locale="es-ES")
    page = context.new_page()
    sign_in(page, live_server, ana)
    page.goto("/")
    assert page.locator(".notifications-link .count").inner_text().startswith("1")
    page.locator(".notifications-link").click()
    assert page.locator("li.notification.unread").count() == 1
    assert "dora" in page.locator("li.notification").inner_text()
    shot(page, "notifications", widths=(1280, 390))
    page.locator("li.notification button[name=open]").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"{act_page}#comment-{note.comment_id}")
    assert page.locator(f"#comment-{note.comment_id}").is_visible()
    assert page.locator(".notifications-link .count").count() == 0
    assert page.evaluate("window.__pwned") is None
    page.goto(f"/cases/{record.case.code}/discussion/")
    shot(page, "case", widths=(1280, 390))
    context.close()
