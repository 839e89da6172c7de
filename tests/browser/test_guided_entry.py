"""The guided entry in a real browser: a documenter types a new testimony, selects a span of its
narrative, and from that excerpt records the act with its victim, a perpetrator unit, a new
perpetrator person, a place found by name without its accents, a period written as a phrase and
a measured fact — in Spanish and in English. Hostile text typed into the flow stays inert.
Screenshots at 1280 and 390 px go to $EXPEDIENTE_SCREENSHOTS."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.cases.models import Case, Membership
from support.workspace_data import HOSTILE

from .record_pages import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

SPAN = {
    "es": "me llevaron a la Sede Ficticia y me golpearon durante nueve días",
    "en": "they took me to the Fictitious Headquarters and beat me for nine days",
}
LATER = {"es": "Después me soltaron", "en": "Then they let me go"}
NARRATIVE = {
    "es": "Soy testigo inventado 😢. En junio de 2017 {span}. {hostile} Después me soltaron.",
    "en": "I am a made-up witness 😢. In June 2017 {span}. {hostile} Then they let me go.",
}


@pytest.fixture
def world():
    from expediente_web.records.actions import do_create_location, do_create_unit

    case = Case.objects.create(code="entrada", title="Caso sintético de entrada", country="XX")
    documenter = get_user_model().objects.create_user("dora")
    Membership.objects.create(case=case, user=documenter, role="role.documenter")
    state = do_create_location(documenter, case, "XX-E", "Estado Inventado", "location.state")
    do_create_location(
        documenter,
        case,
        "XX-E-S",
        "Sede Ficticia de Inteligencia",
        "location.detention_site",
        parent=state,
    )
    unit = do_create_unit(documenter, case, "U-F", "Servicio Ficticio", acronym="SF")
    return case, documenter, unit


def _wide_and_narrow(page, shot, name):
    page.set_viewport_size({"width": 1280, "height": 900})
    shot(page, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    shot(page, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 390, f"{name}: the page scrolls sideways on a phone ({width} px)"


def _select(page, text):
    """Select `text` inside the narrative as a reader dragging over it would."""
    page.evaluate(
        """(text) => {
            const root = document.querySelector('.narrative');
            const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
            let node;
            while ((node = walker.nextNode())) {
                const at = node.data.indexOf(text);
                if (at >= 0) {
                    const range = document.createRange();
                    range.setStart(node, at);
                    range.setEnd(node, at + text.length);
                    const selection = window.getSelection();
                    selection.removeAllRanges();
                    selection.addRange(range);
                    root.dispatchEvent(new MouseEvent('mouseup', {bubbles: true}));
                    return;
                }
            }
            throw new Error('text not in the narrative');
        }""",
        text,
    )


@pytest.mark.parametrize("lang", ["es", "en"])
def test_from_a_new_testimony_to_an_act_with_its_excerpt(page, live_server, world, shot, lang):
    from expediente_web.evidence.models import Citation
    from expediente_web.records.models import Act, Testimony

    case, documenter, unit = world
    sign_in(page, live_server, documenter)
    page.goto(f"/cases/{case.code}/testimonies/")
    if lang == "en":
        page.get_by_role("button", name="English").click()
        page.wait_for_load_state()
    assert page.locator("html").get_attribute("lang") == lang

    page.locator(f"a[href='/cases/{case.code}/entry/testimony/']").click()
    narrative = NARRATIVE[lang].format(span=SPAN[lang], hostile=HOSTILE)
    page.fill("textarea[name=narrative]", narrative)
    page.select_option("select[name=language]", lang)
    page.fill("input[name=date]", "finales de junio de 2017" if lang == "es" else "late June 2017")
    page.fill("input[name=witness_name]", "Testigo Inventado")
    _wide_and_narrow(page, shot, f"{lang}-testimony")
    page.locator("form.entry button[type=submit]").click()
    page.wait_for_load_state()

    testimony = Testimony.objects.get(case=case, language=lang)
    assert page.url.endswith(f"/testimonies/{testimony.uid}/")
    assert testimony.date_text == "2017-06-21/2017-06-30"
    submit = page.locator("[data-excerpt-submit]")
    assert submit.is_disabled()
    _select(page, SPAN[lang])
    preview = page.locator("[data-excerpt-preview]")
    preview.wait_for(state="visible")
    assert preview.inner_text() == SPAN[lang]
    assert submit.is_enabled()
    _wide_and_narrow(page, shot, f"{lang}-excerpt")
    submit.click()
    page.wait_for_load_state()

    assert "/entry/excerpts/" in page.url
    assert page.locator("blockquote.excerpt-quote").inner_text() == SPAN[lang]
    page.select_option("select[name=act_type]", "act.torture")
    page.locator("form.entry details.choices summary").click()
    page.check("input[name=methods][value='method.beating']")
    page.fill("input[name=date]", "mediados de 2017" if lang == "es" else "mid-2017")
    page.fill("input[name=place_q]", "sede ficticia")  # no accents, any case
    place = page.locator("#place-found input[name=location]").first
    place.wait_for()
    assert "Estado Inventado" in page.locator("#place-found").inner_text()
    place.check()
    page.select_option("select[name=outcome]", "outcome.released")
    page.fill("input[name=victim_full_name]", "Juana Inventada Rojas")
    page.fill("input[name=victim_id_number]", "V-99.888.777")
    page.fill("input[name=fact_days_incommunicado]", "9")
    page.select_option("select[name=p1_unit]", str(unit.uid))
    page.select_option("select[name=p1_degree]", "involvement.direct")
    page.fill("input[name=p2_name]", "Funcionario Inventado Uno")
    page.select_option("select[name=p2_degree]", "involvement.ordered")
    _wide_and_narrow(page, shot, f"{lang}-act")
    page.locator("form.entry button[type=submit]").last.click()
    page.wait_for_load_state()

    act = Act.objects.get(case=case, victim__isnull=False, location__name__startswith="Sede")
    assert page.url.endswith(f"/acts/{act.uid}/"), page.url
    assert page.locator("h1").inner_text().startswith("Tortura" if lang == "es" else "Torture")
    assert (act.date_text, act.methods) == ("2017-05/2017-08", ["method.beating"])
    assert act.victim.full_name == "Juana Inventada Rojas"
    assert sorted(i.degree for i in act.involvements.all()) == [
        "involvement.direct",
        "involvement.ordered",
    ]
    assert [(m.measure, m.value) for m in act.measurements.all()] == [
        ("measure.days_incommunicado", 9.0)
    ]
    citation = Citation.objects.get(target_id=act.pk)
    assert citation.excerpt.quote == SPAN[lang]
    shot(page, f"{lang}-act-recorded")

    page.goto(f"/cases/{case.code}/testimonies/{testimony.uid}/")
    assert page.locator(".narrative mark").first.inner_text().startswith(SPAN[lang])
    assert page.evaluate("window.__pwned") is None  # the hostile text never ran
    # After a highlighted excerpt (and its number), offsets still count the narrative only.
    later = LATER[lang]
    _select(page, later)
    start = int(page.locator("[data-excerpt-start]").input_value())
    assert start == testimony.narrative.index(later)
    assert int(page.locator("[data-excerpt-end]").input_value()) == start + len(later)


def test_a_likely_duplicate_is_shown_and_chosen(page, live_server, world, shot):
    from expediente_web.evidence.actions import do_create_excerpt
    from expediente_web.records.actions import do_create_person, do_create_testimony
    from expediente_web.records.models import Act

    case, documenter, _ = world
    known = do_create_person(
        documenter, case, full_name="María José Pérez de la Cruz", id_number="V-12.345.678"
    )
    testimony = do_create_testimony(documenter, case, "Me detuvieron en mayo de 2017.", "es")
    excerpt = do_create_excerpt(documenter, case, testimony=testimony, start=0, end=14)
    sign_in(page, live_server, documenter)
    page.goto(f"/cases/{case.code}/entry/excerpts/{excerpt.uid}/act/")
    page.select_option("select[name=act_type]", "act.torture")
    page.fill("input[name=victim_full_name]", "Maria Jose Peres de la Cruz")
    page.locator("form.entry button[type=submit]").last.click()
    page.wait_for_load_state()
    warning = page.locator(".flash.warning label.pick").first
    assert "María José Pérez de la Cruz" in warning.inner_text()
    _wide_and_narrow(page, shot, "duplicate-warning")
    warning.locator("input[type=radio]").check()
    page.locator("form.entry button[type=submit]").last.click()
    page.wait_for_load_state()
    assert Act.objects.get(case=case).victim == known
