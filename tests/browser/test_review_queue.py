"""An analyst works through the review queue in the browser; a reviewer only looks."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from expediente_web.analyses.actions import do_run_linkage
from expediente_web.analyses.models import PairDecision
from expediente_web.cases.models import Case, Membership
from support.two_factor import browser_sign_in
from web.analyses.analyses_data import load_victims, wide_band_config

pytestmark = pytest.mark.django_db(transaction=True)

PASSWORD = "clave-de-prueba-123"


@pytest.fixture
def linked_case():
    users = get_user_model().objects
    analyst = users.create_user("ana", password=PASSWORD)
    reviewer = users.create_user("rita", password=PASSWORD)
    case = Case.objects.create(code="ve-sint", title="Caso sintético de prueba", country="VE")
    Membership.objects.create(case=case, user=analyst, role="role.analyst")
    Membership.objects.create(case=case, user=reviewer, role="role.reviewer")
    load_victims(case)
    run = do_run_linkage(analyst, case, wide_band_config())
    assert run.review_pairs.count() >= 2
    return case, run


def _sign_in(page, username):
    browser_sign_in(page, username, PASSWORD)


def test_it_accepts_a_pair_and_shows_the_next(page, linked_case, shot):
    _, run = linked_case
    first, second = run.review_pairs.order_by("rank")[:2]
    _sign_in(page, "ana")
    page.click("text=ve-sint")
    page.click("text=Vinculación de personas y cola de revisión")
    page.click("text=Abrir la cola de revisión")
    assert page.locator("h1").inner_text() == "Cola de revisión"
    assert page.locator("input[name=pair]").get_attribute("value") == str(first.pk)
    assert page.locator("#weights tbody tr").count() == len(first.explanation["fields"]) + 1
    shot(page, "first-pair")
    page.click("button[value=accept]")
    assert "Decisión guardada" in page.locator(".flash").inner_text()
    assert page.locator("input[name=pair]").get_attribute("value") == str(second.pk)
    shot(page, "next-pair")
    decision = PairDecision.objects.get()
    assert (decision.record_a_id, decision.record_b_id, decision.decision) == (
        first.record_a_id, first.record_b_id, "accept")


def test_the_person_page_shows_the_merged_records(page, linked_case, shot):
    case, _ = linked_case
    _sign_in(page, "ana")
    page.goto(f"/cases/{case.code}/linkage/")
    assert "Personas con varios registros" in page.content()
    shot(page, "overview")
    page.locator("table a[href*='/linkage/persons/']").first.click()
    assert page.locator("h1").inner_text().startswith("Persona P")
    assert page.locator("#records tbody tr").count() >= 2
    shot(page, "person")


def test_a_reviewer_sees_pseudonyms_and_no_buttons(page, linked_case, shot):
    case, run = linked_case
    first = run.review_pairs.order_by("rank").first()
    _sign_in(page, "rita")
    page.goto(f"/cases/{case.code}/linkage/queue/")
    assert page.locator("button[value=accept]").count() == 0
    content = page.content()
    assert "R-" in content
    for value in (first.record_a.id_number, first.record_b.id_number,
                  first.record_a.first_surname, first.record_b.first_surname):
        if value:
            assert value not in content
    shot(page, "reviewer")


def test_reject_and_unsure_then_a_re_run_applies_the_decisions(page, linked_case, shot):
    from expediente_web.analyses.models import LinkRun, RecordLink

    case, run = linked_case
    first, second, third = run.review_pairs.order_by("rank")[:3]
    _sign_in(page, "ana")
    page.goto(f"/cases/{case.code}/linkage/queue/")
    page.click("button[value=reject]")
    assert page.locator("input[name=pair]").get_attribute("value") == str(second.pk)
    page.fill("#id_note", "<script>alert(1)</script> otra fuente")
    page.click("button[value=unsure]")
    assert "No estoy seguro" in page.locator(".flash").inner_text()
    assert page.locator("input[name=pair]").get_attribute("value") == str(third.pk)
    page.goto(f"/cases/{case.code}/linkage/")
    page.click("text=Volver a vincular (aplica las decisiones)")
    # The run is queued as a background job; its page follows it until the worker is done.
    assert "/jobs/" in page.url and page.locator("#job-progress").count() == 1
    from expediente_web.jobs.worker import run_pending

    run_pending()
    page.wait_for_selector(f"#job-progress a[href='/cases/{case.code}/linkage/']", timeout=15000)
    shot(page, "after-re-run")
    latest = LinkRun.objects.filter(case=case).first()
    assert latest.pk != run.pk and latest.labels_applied == 1
    cluster = dict(RecordLink.objects.filter(run=latest).values_list("record_id", "cluster"))
    assert cluster[first.record_a_id] != cluster[first.record_b_id]
    # Decided pairs stay out of the new run's queue.
    page.goto(f"/cases/{case.code}/linkage/queue/")
    shown = page.locator("input[name=pair]")
    if shown.count():
        pair = latest.review_pairs.get(pk=int(shown.get_attribute("value")))
        assert {pair.record_a_id, pair.record_b_id} not in (
            {first.record_a_id, first.record_b_id}, {second.record_a_id, second.record_b_id})
