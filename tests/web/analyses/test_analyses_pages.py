"""The linkage pages: overview, review queue (decide, next pair) and the per-person view."""

from __future__ import annotations

import pytest

from expediente_web.analyses.models import PairDecision, RecordLink
from support.two_factor import TwoFactorClient as Client

pytestmark = pytest.mark.django_db


def _client(user, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _queue(case):
    return f"/cases/{case.code}/linkage/queue/"


def test_it_shows_an_analyst_the_first_pair_with_names_and_weights(case, analyst, linked):
    first = linked.review_pairs.order_by("rank").first()
    response = _client(analyst).get(_queue(case))
    page = response.content.decode()
    assert response.status_code == 200
    assert f'name="pair" value="{first.pk}"' in page
    shown = first.record_a.display_name() or first.record_a.nickname
    assert shown.split()[0] in page
    assert "Cédula" in page and "Apellidos" in page  # one language at a time
    assert "Cédula / ID number" not in page
    assert 'value="accept"' in page and 'value="reject"' in page and 'value="unsure"' in page


def test_a_decision_is_stored_and_the_next_pair_follows(case, analyst, linked):
    first, second = linked.review_pairs.order_by("rank")[:2]
    client = _client(analyst)
    response = client.post(_queue(case), {"pair": first.pk, "decision": "reject", "note": ""})
    assert response.status_code == 302
    stored = PairDecision.objects.get()
    assert (stored.record_a_id, stored.record_b_id, stored.decision) == (
        first.record_a_id, first.record_b_id, "reject")
    page = client.get(_queue(case)).content.decode()
    assert f'name="pair" value="{second.pk}"' in page
    assert "Decisión guardada" in page


def test_a_reviewer_sees_pseudonyms_and_may_not_decide(case, reviewer, linked):
    first = linked.review_pairs.order_by("rank").first()
    client = _client(reviewer)
    page = client.get(_queue(case)).content.decode()
    for record in (first.record_a, first.record_b):
        for value in (record.full_name, record.first_surname, record.id_number):
            if value:
                assert value not in page
    assert "R-" in page
    assert 'value="accept"' not in page
    response = client.post(_queue(case), {"pair": first.pk, "decision": "accept"})
    assert response.status_code == 403
    assert not PairDecision.objects.exists()


def test_a_decision_needs_the_csrf_token(case, analyst, linked):
    first = linked.review_pairs.order_by("rank").first()
    response = _client(analyst, csrf=True).post(_queue(case), {"pair": first.pk,
                                                              "decision": "accept"})
    assert response.status_code == 403
    assert not PairDecision.objects.exists()


def test_an_outsider_finds_no_case(case, outsider, linked):
    client = _client(outsider)
    assert client.get(_queue(case)).status_code == 404
    assert client.get(f"/cases/{case.code}/linkage/").status_code == 404


def test_the_person_page_lists_the_merged_records_with_their_sources(case, analyst, linked):
    sizes: dict[str, int] = {}
    for cluster in RecordLink.objects.filter(run=linked).values_list("cluster", flat=True):
        sizes[cluster] = sizes.get(cluster, 0) + 1
    cluster = max(sizes, key=lambda c: sizes[c])
    links = RecordLink.objects.filter(run=linked, cluster=cluster).select_related(
        "record__source")
    page = _client(analyst).get(f"/cases/{case.code}/linkage/persons/{cluster}/").content.decode()
    for link in links:
        assert link.record.source.code in page
        assert link.record.source_record_id in page


def test_the_overview_lists_persons_with_several_records(case, analyst, viewer, linked):
    page = _client(viewer).get(f"/cases/{case.code}/linkage/").content.decode()
    assert str(linked.persons) in page
    assert "/linkage/persons/" in page
    assert "Volver a vincular" not in page
    overview = _client(analyst).get(f"/cases/{case.code}/linkage/").content.decode()
    assert "Volver a vincular" in overview


def test_an_analyst_re_runs_linkage_from_the_page_as_a_background_job(case, analyst, linked):
    from expediente_web.jobs.models import Job
    from expediente_web.jobs.worker import run_pending

    response = _client(analyst).post(f"/cases/{case.code}/linkage/run/")
    job = Job.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/jobs/{job.uid}/")
    assert case.link_runs.count() == 1  # queued, not run inside the request
    run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded" and case.link_runs.count() == 2


def test_a_pair_with_a_record_deleted_since_the_run_leaves_the_queue(case, analyst, documenter,
                                                                     linked):
    from expediente_web.records.actions import do_delete_record

    first, second = linked.review_pairs.order_by("rank")[:2]
    do_delete_record(documenter, first.record_a, "entered twice by mistake")
    page = _client(analyst).get(_queue(case)).content.decode()
    assert f'name="pair" value="{first.pk}"' not in page
    if second.record_a_id != first.record_a_id and second.record_b_id != first.record_a_id:
        assert f'name="pair" value="{second.pk}"' in page


def test_pages_that_show_identities_say_so_in_the_audit_log(case, analyst, reviewer, linked):
    from expediente_web.audit.models import AuditEntry

    first = linked.review_pairs.order_by("rank").first()
    _client(analyst).get(_queue(case))
    entry = AuditEntry.objects.filter(action="view_identities").order_by("-seq").first()
    assert entry.actor == analyst.username and entry.object_id == "analyses:queue"
    assert set(entry.payload["persons"]) == {str(first.record_a.uid), str(first.record_b.uid)}
    link = linked.links.order_by("record_id").first()
    _client(analyst).get(f"/cases/{case.code}/linkage/persons/{link.cluster}/")
    entry = AuditEntry.objects.filter(action="view_identities").order_by("-seq").first()
    assert entry.object_id == "analyses:person" and str(link.record.uid) in entry.payload["persons"]
    before = AuditEntry.objects.filter(action="view_identities").count()
    _client(reviewer).get(_queue(case))  # pseudonyms only: nothing to record
    assert AuditEntry.objects.filter(action="view_identities").count() == before
