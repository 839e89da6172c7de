"""Search in a real browser: a documenter finds a testimony by a word in another form than the
witness used, narrows it by a facet, opens it, and finds a person by a misspelt name; a viewer
sees pseudonyms in the passages. Screenshots at laptop and phone width."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from support.workspace_data import build_record

from .record_pages import no_sideways_scroll, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def member(case, name, role):
    user = get_user_model().objects.create_user(name)
    Membership.objects.create(case=case, user=user, role=role)
    return user


@pytest.fixture
def world():
    from expediente_web.search.index import reindex_case

    case = Case.objects.create(code="demo-ve", title="Caso sintético de prueba", country="XX")
    record = build_record(case, hostile=True)
    reindex_case(case)
    return record, member(case, "dora", "role.documenter"), member(case, "vera", "role.viewer")



@pytest.mark.parametrize("width", [1280, 390])
def test_a_documenter_finds_a_testimony_narrows_it_and_opens_it(page, live_server, world, shot,
                                                                width):
    record, documenter, _ = world
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, documenter)
    page.goto("/cases/demo-ve/")
    page.get_by_role("navigation", name="Registros del caso").get_by_role(
        "link", name="Buscar", exact=True).click()
    page.fill("#search-q", "golpes CELDAS")  # the witness wrote "golpearon", "celda"
    with page.expect_navigation():
        page.get_by_role("button", name="Buscar", exact=True).click()
    marks = page.locator(".snippet mark").all_inner_texts()
    assert "golpearon" in marks
    assert page.evaluate("window.__pwned") is None
    shot(page, f"search-results-{width}")
    assert no_sideways_scroll(page)
    page.locator(".facets a", has_text="2017").first.click()
    assert "year=2017" in page.url and page.locator(".chip").count() == 1
    page.locator(".hit-list a").first.click()
    assert f"/testimonies/{record.testimony.uid}/" in page.url
    page.goto("/cases/demo-ve/search/persons/?name=ana+fictisia")
    assert "Ana Ficticia Pérez" in page.locator("table").inner_text()
    shot(page, f"find-person-{width}")
    assert no_sideways_scroll(page)


def test_a_viewer_reads_passages_with_pseudonyms(page, live_server, world, shot):
    _, _, viewer = world
    sign_in(page, live_server, viewer)
    page.goto("/cases/demo-ve/search/?q=celda")
    text = page.locator(".hit-list").inner_text()
    assert "celda" in text and "Ana" not in text
    shot(page, "search-viewer")
