"""The public submission form in a real browser: an anonymous visitor, in Spanish, switches the
page's language and back, sends an account with a photograph and gets a receipt code, adds to it
with the code; a documenter then reads the submission and accepts it, and lands on the new
testimony. Nothing on the public pages breaks the Content-Security-Policy (the `page` fixture
fails the test otherwise). Screenshots at 1280 and 390 px go to $EXPEDIENTE_SCREENSHOTS.
All data is synthetic."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from expediente_web.records import models as records
from expediente_web.submissions.actions import do_set_public_form
from expediente_web.submissions.models import PublicSubmission
from support.synthetic_files import png

from .record_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world(settings):
    settings.EXPEDIENTE_SUBMISSION_MIN_SECONDS = 1
    owner = get_user_model().objects.create_user("olga")
    case = Case.objects.create(code="demo-pub", title="Caso interno (sintético)", country="XX")
    Membership.objects.create(case=case, user=owner, role="role.owner")
    documenter = get_user_model().objects.create_user("dora")
    Membership.objects.create(case=case, user=documenter, role="role.documenter")
    do_set_public_form(
        owner, case, enabled=True, slug="testimonios", public_title="Testimonios de 2017"
    )
    return case, documenter


@pytest.mark.parametrize("width", [1280, 390])
def test_a_visitor_submits_in_spanish_and_a_documenter_accepts(
    page, live_server, world, shot, width
):
    case, documenter = world
    page.set_viewport_size({"width": width, "height": 900})
    page.goto("/submit/testimonios/")
    assert page.locator("html").get_attribute("lang") == "es"
    assert page.locator("h1").inner_text() == "Testimonios de 2017"
    assert case.title not in page.content()
    # The language switch works for a visitor without an account, and comes back here.
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.url.endswith("/submit/testimonios/")
    with page.expect_navigation():
        page.get_by_role("button", name="Español").click()
    assert page.locator("html").get_attribute("lang") == "es"
    # The honeypot is out of sight.
    box = page.locator("input[name=website]").bounding_box()
    assert box is not None and box["x"] + box["width"] <= 0
    assert page.locator("input[name=language][value=es]").is_checked()
    page.locator("textarea[name=narrative]").fill(
        "Me detuvieron en la plaza y me llevaron a un sótano. <script>alert(1)</script>"
    )
    page.locator("input[name=attachments]").set_input_files(
        {"name": "lesion.png", "mimeType": "image/png", "buffer": png(200, 120)}
    )
    shot(page, f"{width}-form")
    page.wait_for_timeout(1200)  # the form's minimum time open
    with page.expect_navigation():
        page.locator("form.submit-form button[type=submit]").click()
    code = page.locator("#receipt-code").inner_text()
    assert len(code.replace("-", "")) == 24
    assert "sótano" not in page.content()
    shot(page, f"{width}-receipt")

    # The sender adds to it with the code.
    page.locator("a.button").click()
    page.locator("input[name=receipt]").fill(code)
    page.locator("textarea[name=text]").fill("Era un martes por la tarde.")
    shot(page, f"{width}-follow-up")
    page.wait_for_timeout(1200)
    with page.expect_navigation():
        page.locator("form.submit-form button[type=submit]").click()
    assert page.locator("#receipt-code").count() == 0
    submission = PublicSubmission.objects.get()
    assert submission.language == "es" and submission.additions.count() == 1

    # A documenter reads it and accepts it.
    sign_in(page, live_server, documenter)
    page.goto(f"/cases/{case.code}/submissions/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    shot(page, f"{width}-triage-list")
    page.locator(f"a[href$='/submissions/{submission.uid}/']").click()
    assert "sótano" in page.locator(".submission-text").first.inner_text()
    assert "lesion.png" in page.locator(".submission-files").inner_text()
    shot(page, f"{width}-triage-detail")
    with page.expect_navigation():
        page.get_by_role("button", name="Accept", exact=True).click()
    testimony = records.Testimony.objects.get()
    assert page.url.endswith(f"/testimonies/{testimony.uid}/")
    assert testimony.source.kind == "source.public_submission"
    assert "Era un martes" in testimony.narrative
    shot(page, f"{width}-testimony")


@pytest.mark.parametrize("width", [1280, 390])
def test_an_owner_closes_the_form_from_its_page(page, live_server, world, shot, width):
    case, _documenter = world
    owner = get_user_model().objects.get(username="olga")
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, owner)
    page.goto(f"/cases/{case.code}/team/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    assert "/submit/testimonios/" in page.locator("main").inner_text()
    shot(page, f"{width}-team")
    page.get_by_role("link", name="Change", exact=True).last.click()
    assert page.locator("input[name=enabled]").is_checked()
    shot(page, f"{width}-setting")
    page.locator("input[name=enabled]").uncheck()
    with page.expect_navigation():
        page.get_by_role("button", name="Save").click()
    assert "closed" in page.locator("main").inner_text()
    response = page.goto("/submit/testimonios/")
    assert response is not None and response.status == 404
