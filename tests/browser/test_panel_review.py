"""The whole panel review in the browser: the analyst freezes the matrix with three reviewers,
each reviewer records findings blind to the others and submits, the team reads the
consolidated findings and every reviewer signs them off.

Each reviewer's drafts on nine of the ten elements are saved through the service beforehand (a
reviewer working over several sittings); the tenth they record in the page (saved with htmx),
then they submit from the page. Screenshots at 1280 and 390 px go to $EXPEDIENTE_SCREENSHOTS
(and /tmp/team/shots/panel-*.png when that folder exists).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

from expediente.legal.ladder import Ladder
from expediente_web.assessment import actions as matrix
from expediente_web.cases.actions import do_create_case, do_set_membership
from support.two_factor import browser_sign_in
from support.workspace_data import HOSTILE, build_record

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "clave-de-prueba-123"
TEAM_SHOTS = Path("/tmp/team/shots")
REVIEWERS = ("rosa", "raul", "vico")
RUNG = {
    "rosa": "ladder.substantial_grounds",
    "raul": "ladder.reasonable_basis",
    "vico": "ladder.reasonable_basis",
}


@pytest.fixture
def panel_case():
    users = get_user_model().objects
    owner = users.create_user("olga", password=PASSWORD)
    analyst = users.create_user("ana", password=PASSWORD)
    case = do_create_case(owner, "ve-panel", "Caso sintético del panel")
    do_set_membership(owner, case, analyst, "role.analyst")
    for name in REVIEWERS:
        do_set_membership(
            owner,
            case,
            users.create_user(name, password=PASSWORD),
            "role.viewer" if name == "vico" else "role.reviewer",
        )
    record = build_record(case, many=2)
    matrix.do_select_crime(analyst, case, "art7.1.e")
    matrix.do_cite_evidence(analyst, case, "art7.1.e.1", "act", "supports", act=record.act)
    matrix.do_cite_evidence(
        analyst, case, "art7.1.e.1", "excerpt", "supports", excerpt=record.excerpt
    )
    matrix.do_rate_element(
        analyst,
        case,
        "art7.1.e.1",
        "ladder.reasonable_grounds",
        "Dos fuentes independientes. " + HOSTILE,
    )
    return case


def _shots(pg, shot, name):
    shot(pg, name, widths=(1280, 390))
    if TEAM_SHOTS.is_dir():
        for width in (1280, 390):
            pg.set_viewport_size({"width": width, "height": 900})
            pg.screenshot(path=str(TEAM_SHOTS / f"panel-{name}-{width}.png"), full_page=True)
        pg.set_viewport_size({"width": 1280, "height": 900})
    assert pg.evaluate("window.__pwned") is None


def _as(browser, live_server, username):
    context = browser.new_context(base_url=live_server.url, locale="es-ES")
    pg = context.new_page()
    browser_sign_in(pg, username, PASSWORD)
    return context, pg


def _drafts(case, username):
    """Nine of the ten drafts, saved before the reviewer opens the page."""
    from expediente_web.panel.access import verified_content
    from expediente_web.panel.actions import do_save_finding
    from expediente_web.panel.models import FrozenVersion

    version = FrozenVersion.objects.get(case=case, number=1)
    user = get_user_model().objects.get(username=username)
    rungs = [rung.term_id for rung in Ladder]
    for n, element in enumerate(verified_content(version)["elements"]):
        if element["id"] != "art7.1.e.1":
            # Spread over the ladder; Vico one rung lower on every third element.
            rung = n % 5 - (1 if username == "vico" and n % 3 == 0 and n % 5 else 0)
            do_save_finding(
                user,
                version,
                element["id"],
                rungs[rung],
                f"Borrador de {username} sobre {element['id']}",
            )


def test_the_whole_panel_review(page, browser, live_server, panel_case, shot):
    case = panel_case
    base = f"/cases/{case.code}/panel"
    users = {u.username: u for u in get_user_model().objects.all()}

    # The analyst freezes the matrix, naming three reviewers.
    browser_sign_in(page, "ana", PASSWORD)
    page.goto(f"/cases/{case.code}/assessment/")
    with page.expect_navigation():
        page.click("#panel-link")
    for name in REVIEWERS:
        page.check(f"#freeze-form input[name=reviewers][value='{users[name].pk}']")
    assert (
        page.locator(
            "#freeze-form input[name=reviewers][value='{}']".format(users["ana"].pk)
        ).count()
        == 0
    )
    _shots(page, shot, "versions")
    with page.expect_navigation():
        page.click("#freeze-form button[type=submit]")
    assert page.url.endswith(f"{base}/1/")
    digest = page.locator("#digest").inner_text().strip()
    assert len(digest) == 64
    assert page.locator("#round tbody tr").count() == 3
    _shots(page, shot, "version")

    # Each reviewer records their findings, blind, and submits.
    for n, name in enumerate(REVIEWERS):
        _drafts(case, name)
        context, pg = _as(browser, live_server, name)
        pg.goto(f"{base}/1/findings/")
        html = pg.content()
        for other in REVIEWERS:
            if other != name:
                assert f"Borrador de {other}" not in html
        card = pg.locator("#el-art7-1-e-1")
        card.locator("select[name=rung]").select_option(RUNG[name])
        card.locator("textarea[name=reasoning]").fill(f"Conclusión de {name}: " + HOSTILE)
        card.locator("button[type=submit]").click()
        pg.locator("#el-art7-1-e-1 .saved").wait_for()
        assert pg.locator("#missing-count").get_attribute("data-missing") == "0"  # out of band
        if n == 0:
            _shots(pg, shot, "findings")
        with pg.expect_navigation():
            pg.click("#submit-form button[type=submit]")
        assert pg.url.endswith(f"{base}/1/")
        if n == 0:
            # Before everyone has submitted, the consolidated page says who has, nothing more.
            pg.goto(f"{base}/1/consolidated/")
            assert pg.locator("#not-yet").count() == 1
            assert "Conclusión de rosa" not in pg.content()
            _shots(pg, shot, "waiting")
        context.close()

    # Everyone reads the consolidated findings; the owner too.
    page.goto(f"{base}/1/consolidated/")
    alpha = page.locator("#alpha-all").inner_text()
    assert alpha != "—"
    row = page.locator("tr[data-element='art7.1.e.1']")
    assert row.locator(".spread").inner_text() == "2"
    dissent = page.locator(".panel-dissent[data-element='art7.1.e.1']")
    assert "rosa" in dissent.inner_text() and "Conclusión de rosa" in dissent.inner_text()
    _shots(page, shot, "consolidated")

    # Every reviewer signs off; then it shows as closed, with the digest.
    for name in REVIEWERS:
        context, pg = _as(browser, live_server, name)
        pg.goto(f"{base}/1/consolidated/")
        with pg.expect_navigation():
            pg.click("#sign-off button[type=submit]")
        context.close()
    page.goto(f"{base}/1/consolidated/")
    assert page.locator("#sign-off .panel-closed").count() == 1
    assert digest in page.locator("#sign-off").inner_text()
    _shots(page, shot, "signed-off")
    page.goto(f"{base}/")
    assert page.locator(".panel-versions .panel-closed").count() == 1
