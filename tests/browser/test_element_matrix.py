"""An analyst builds the element matrix in the browser, in Spanish and in English.

They select a crime, cite an act as supporting (by its source row) and one as contradicting
(found with the act search), rate the element with reasoning and see the warnings; then they
make the commander a suspect under art. 28(a). Screenshots at 1280 and 390 px go to
$EXPEDIENTE_SCREENSHOTS.
"""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.actions import do_create_case, do_set_membership
from support.two_factor import browser_sign_in
from support.workspace_data import HOSTILE, build_record

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "clave-de-prueba-123"

WORDS = {
    "es": {
        "single": "Una sola fuente",
        "contradicted": "Contradicho",
        "grounds": "Motivo razonable para creer",
        "crime": "Encarcelación",
    },
    "en": {
        "single": "Single source",
        "contradicted": "Contradicted",
        "grounds": "Reasonable grounds to believe",
        "crime": "Imprisonment",
    },
}


@pytest.fixture
def matrix_case():
    users = get_user_model().objects
    owner = users.create_user("olga", password=PASSWORD)
    analyst = users.create_user("ana", password=PASSWORD)
    case = do_create_case(owner, "ve-matriz", "Caso sintético de la matriz")
    do_set_membership(owner, case, analyst, "role.analyst")
    return case, build_record(case, many=2)


def _submit(page, form: str) -> None:
    with page.expect_navigation():
        page.click(f"{form} button[type=submit]")


@pytest.mark.parametrize("lang", ["es", "en"])
def test_an_analyst_cites_rates_and_sees_the_warnings(page, matrix_case, shot, lang):
    case, record = matrix_case
    words = WORDS[lang]
    browser_sign_in(page, "ana", PASSWORD)
    page.goto(f"/cases/{case.code}/assessment/")
    if lang == "en":
        with page.expect_navigation():
            page.click("form.lang button[value=en]")
    assert page.locator("html").get_attribute("lang") == lang
    page.select_option(".matrix-select #id_term", "art7.1.e")
    _submit(page, ".matrix-select form.filters")
    assert words["crime"] in page.locator("#title-art71e").inner_text()
    with page.expect_navigation():
        page.click('a[href$="/assessment/elements/art7.1.e.1/"]')

    # The form shows the field of the kind chosen only.
    assert page.locator("#id_act").is_visible() and page.locator("#id_indicator").is_hidden()
    page.check("#cite-form input[name=kind][value=pattern]")
    assert page.locator("#id_indicator").is_visible() and page.locator("#id_act").is_hidden()
    page.check("#cite-form input[name=kind][value=act]")
    # Supporting: the act typed by its source row.
    page.fill("#id_act", "SRC-A a-1")
    _submit(page, "#cite-form")
    # Contradicting: the other source's act, found with the search.
    page.check("#cite-form input[name=stance][value=contradicts]")
    page.fill("#act-search", "h-a-7")
    page.wait_for_selector("#act-choices input[name=act_pick]")
    page.check("#act-choices input[name=act_pick]")
    _submit(page, "#cite-form")
    rows = page.locator("#evidence tbody tr")
    assert rows.count() == 2
    assert "SRC-A" in rows.nth(0).inner_text() and "SRC-B" in rows.nth(1).inner_text()

    page.select_option("#id_status", "ladder.reasonable_grounds")
    page.fill("#id_reasoning", f"Dos fuentes, una en contra. {HOSTILE}")
    _submit(page, "#rate-form")
    assert words["grounds"] in page.locator("#element-status").inner_text()
    flags = page.locator("#element-flags").inner_text()
    assert words["single"] in flags and words["contradicted"] in flags
    assert "Dos fuentes, una en contra." in page.locator("#rating .reasoning").inner_text()
    assert page.evaluate("window.__pwned") is None
    shot(page, f"element-{lang}", widths=(1280, 390))

    page.goto(f"/cases/{case.code}/assessment/")
    row = page.locator('tr[data-element="art7.1.e.1"]')
    assert words["single"] in row.inner_text() and words["grounds"] in row.inner_text()
    shot(page, f"matrix-{lang}", widths=(1280, 390))

    page.goto(f"/cases/{case.code}/assessment/suspects/")
    page.select_option("#id_person", str(record.commander.uid))
    page.select_option("#id_term", "art28.a")
    _submit(page, "form.assess-form")
    assert page.locator("#posts tbody tr").count() == 2
    assert page.locator(f'#linked-acts a[href*="{record.act.uid}"]').count() == 1
    assert page.locator('tr[data-element="art28.a.3"]').count() == 1
    shot(page, f"suspect-{lang}", widths=(1280, 390))
    page.goto(f"/cases/{case.code}/assessment/suspects/")
    assert page.locator("table.stack tbody tr").count() == 1
    shot(page, f"suspects-{lang}", widths=(1280, 390))
