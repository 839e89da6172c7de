"""Record pages in a real browser: a documenter follows the links from the case page through an
act to its victim, the other acts of the same person and the testimony that cites them; a
viewer sees pseudonyms; hostile text in every field stays inert. Screenshots of every page, on a
laptop and on a phone, go to $EXPEDIENTE_SCREENSHOTS."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from support.workspace_data import build_record

from .record_pages import addresses, analyses_addresses, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


def member(case, name, role):
    user = get_user_model().objects.create_user(name)
    Membership.objects.create(case=case, user=user, role=role)
    return user


@pytest.fixture
def world():
    case = Case.objects.create(code="demo-ve", title="Caso sintético de prueba", country="XX")
    record = build_record(case)
    return record, member(case, "dora", "role.documenter"), member(case, "vera", "role.viewer")


def test_a_documenter_follows_an_act_to_its_victim_and_the_testimonies(
    page, live_server, world, shot
):
    record, documenter, _ = world
    sign_in(page, live_server, documenter)
    page.goto("/cases/demo-ve/")
    page.get_by_role("navigation", name="Registros del caso").get_by_role(
        "link", name="Actos", exact=True
    ).click()
    assert page.locator("h1").inner_text() == "Actos"
    assert "1–50 de 63" in page.locator(".pager").first.inner_text()
    page.get_by_role("link", name="Siguiente").first.click()
    assert "51–63 de 63" in page.locator(".pager").first.inner_text()
    page.goto(addresses(record)["workspace:act"])
    assert page.locator("h1").inner_text().startswith("Tortura")
    page.get_by_role("link", name="Ana Ficticia Pérez").first.click()
    assert page.locator("h1").inner_text() == "Ana Ficticia Pérez"
    assert "V-10.000.001" in page.locator(".protected").inner_text()
    page.go_back()
    # The other act against the same victim, and the same person's act in another source.
    other = page.locator("h2", has_text="Otros actos contra la misma víctima")
    assert other.count() == 1
    assert page.locator(f"a[href$='/acts/{record.linked_act.uid}/']").count() == 1
    page.get_by_role("link", name="Testimonio 20 de enero de 2018").click()
    marks = page.locator(".narrative mark")
    assert marks.count() == 2
    assert "Allí me golpearon" in marks.nth(1).inner_text()


def test_a_viewer_sees_pseudonyms_only(page, live_server, world):
    record, _, viewer = world
    sign_in(page, live_server, viewer)
    for name in (
        "workspace:act",
        "workspace:person",
        "workspace:persons",
        "workspace:unit",
        "workspace:testimony",
    ):
        page.goto(addresses(record)[name])
        body = page.locator("body").inner_text()
        assert "Ana Ficticia" not in body and "Comandante Inventado" not in body, name
        assert "R-" in body, name


def test_hostile_text_in_every_field_runs_no_script(page, live_server):
    case = Case.objects.create(code="hostil", title="<script>window.__pwned=3</script>Caso")
    record = build_record(case, many=2, hostile=True)
    documenter = member(case, "dora", "role.documenter")
    sign_in(page, live_server, documenter)
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    for name, address in addresses(record).items():
        page.goto(address)
        assert page.evaluate("window.__pwned === undefined"), name
        assert page.locator("img[src=x]").count() == 0, name
    page.goto(addresses(record)["workspace:testimony"])
    assert "<script>window.__pwned=1</script>" in page.locator(".narrative").inner_text()
    assert not dialogs


@pytest.mark.parametrize("width", [1280, 390])
def test_screenshots_of_every_record_page(page, live_server, world, shot, width):
    record, documenter, _ = world
    page.set_viewport_size({"width": width, "height": 900})
    sign_in(page, live_server, documenter)
    missing = "/cases/demo-ve/acts/00000000-0000-0000-0000-000000000000/"
    for name, address in {**addresses(record), **analyses_addresses(record)}.items():
        response = page.goto(address)
        assert response.status == 200, name
        shot(page, f"{width}-{name.replace(':', '-')}")
    assert page.goto(missing).status == 404
    assert page.get_by_role("link", name="Volver a sus casos").count() == 1
    shot(page, f"{width}-404")
