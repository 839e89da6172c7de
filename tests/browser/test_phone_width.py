"""On a phone (390 px wide) no record page scrolls sideways: tables stack or scroll inside their
own box, long codes and hashes wrap."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from support.workspace_data import build_record

from .record_pages import addresses, analyses_addresses, sign_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("role", ["role.documenter", "role.viewer"])
def test_no_page_is_wider_than_a_phone(page, live_server, role):
    case = Case.objects.create(
        code="telefono",
        title="Un caso con un título bastante largo para "
        "ver cómo se parte en un teléfono (sintético)",
    )
    record = build_record(case)
    user = get_user_model().objects.create_user("movil")
    Membership.objects.create(case=case, user=user, role=role)
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server, user)
    pages = {
        **addresses(record),
        **analyses_addresses(record),
        "home": "/",
        "unit-on-a-date": addresses(record)["workspace:unit"] + "?on=2017-05-14",
        "acts-page-2": addresses(record)["workspace:acts"] + "?page=2",
        "missing": "/cases/telefono/acts/00000000-0000-0000-0000-000000000000/",
    }
    too_wide = {}
    for name, address in pages.items():
        page.goto(address)
        width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
        if width > inner:
            too_wide[name] = width
    assert not too_wide, f"pages wider than the 390 px screen: {too_wide}"
