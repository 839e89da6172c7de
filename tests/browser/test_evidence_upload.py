"""Evidence in a real browser: a documenter uploads an image, a PDF and a text file through the
form, and each is previewed in its page (the image drawn, the PDF's pages rendered and paged
through, the text shown); a page of the PDF is cited from an act; a hostile file name and an
HTML file run no script. Screenshots at 1280 and 390 px go to $EXPEDIENTE_SCREENSHOTS."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from expediente_web.evidence.models import Citation, CustodyEvent, EvidenceItem
from support.synthetic_files import pdf, png
from support.workspace_data import build_record

from .record_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    case = Case.objects.create(code="demo-ev", title="Caso sintético de pruebas", country="XX")
    record = build_record(case, many=2)
    user = get_user_model().objects.create_user("dora")
    Membership.objects.create(case=case, user=user, role="role.documenter")
    return record, user


def upload(page, name, content, mime, title=""):
    page.goto("/cases/demo-ev/evidence/upload/")
    page.get_by_label("File").set_input_files({"name": name, "mimeType": mime, "buffer": content})
    if title:
        page.get_by_label("Title").fill(title)
    with page.expect_navigation():
        page.get_by_role("button", name="Upload").click()


def image_drawn(page, selector):
    """Whether the image has loaded and has pixels (waiting up to 10 s for it)."""
    page.locator(selector).wait_for()
    page.wait_for_function(
        "(s) => document.querySelector(s).complete", arg=selector, timeout=10_000
    )
    return page.evaluate("(s) => document.querySelector(s).naturalWidth > 0", selector)


@pytest.mark.parametrize("width", [1280, 390])
def test_upload_and_preview_an_image_a_pdf_and_text(page, live_server, world, shot, width):
    record, documenter = world
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, documenter)
    # In English: the Spanish catalogue is merged from its own file of translations.
    page.goto("/cases/demo-ev/evidence/")
    with page.expect_navigation():
        page.get_by_role("button", name="English").click()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.get_by_role("link", name="Upload evidence").click()
    shot(page, f"{width}-upload-form")
    upload(page, "foto.png", png(320, 200), "image/png", title="Fotografía ficticia")
    assert page.locator("h1").inner_text() == "Fotografía ficticia"
    item = EvidenceItem.objects.get(filename="foto.png")
    assert item.sha256 in page.locator("#sha256").inner_text()
    assert image_drawn(page, ".evidence-preview img")
    shot(page, f"{width}-image")

    # A PDF named as a photograph: the content decides, and the page says so.
    upload(page, "acta.jpg", pdf(3), "image/jpeg")
    assert page.locator("#type-mismatch").count() == 1
    assert "Page 1 of 3" in page.locator("nav.pdf-pages").inner_text()
    assert image_drawn(page, "img.pdf-page")
    page.get_by_role("link", name="Next page").click()
    assert "Page 2 of 3" in page.locator("nav.pdf-pages").inner_text()
    assert image_drawn(page, "img.pdf-page")
    shot(page, f"{width}-pdf-page-2")
    # Cite page 2 from an act.
    page.get_by_label("Page", exact=True).fill("2")
    with page.expect_navigation():
        page.get_by_role("button", name="Make the excerpt").click()
    page.get_by_label("Act").fill(str(record.act.uid))
    with page.expect_navigation():
        page.get_by_role("button", name="Cite from this act").click()
    pdf_item = EvidenceItem.objects.get(filename="acta.jpg")
    assert Citation.objects.filter(excerpt__item=pdf_item, target_id=record.act.pk).count() == 1
    assert page.locator(f"a[href$='/acts/{record.act.uid}/']").count() >= 1
    shot(page, f"{width}-pdf-cited")

    upload(page, "nota.txt", "Nota ficticia de campo: ñandú.\n".encode(), "text/plain")
    assert "Nota ficticia de campo: ñandú." in page.locator("pre.evidence-text").inner_text()
    shot(page, f"{width}-text")

    hostile = '"><img src=x onerror="window.__pwned=1">'
    upload(
        page,
        f"{hostile}.html",
        b"<!DOCTYPE html><html><body><script>window.__pwned=2</script></body></html>",
        "text/html",
        title=f"<script>window.__pwned=3</script>{hostile}",
    )
    assert "<script>window.__pwned=2</script>" in page.locator("pre.evidence-text").inner_text()
    assert page.evaluate("window.__pwned === undefined")
    assert page.locator("img[src=x]").count() == 0
    # The file itself, opened directly, is plain text: nothing in it runs.
    page.goto(page.locator("a", has_text="Download").get_attribute("href").split("?")[0])
    assert page.evaluate("window.__pwned === undefined")
    shot(page, f"{width}-html-as-text")
    assert not dialogs

    steps = CustodyEvent.objects.filter(item__case=record.case)
    assert steps.filter(action="custody.received").count() == 4 + 1  # and the record's own
    assert steps.filter(action="custody.accessed", item=pdf_item, purpose="view page 2").exists()
