"""The linkage pages under hostile or malformed input: escaped strings, bad ids, bad notes."""

from __future__ import annotations

import pytest

from expediente_web.analyses.models import PairDecision, RecordLink
from support.two_factor import TwoFactorClient as Client

pytestmark = pytest.mark.django_db

SCRIPT = "<script>alert(1)</script>"
FORMULA = '=HYPERLINK("http://example.invalid","x")'


def _client(user, csrf=False):
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def _queue(case):
    return f"/cases/{case.code}/linkage/queue/"


def _make_hostile(record):
    record.given_names = SCRIPT
    record.full_name = SCRIPT
    record.nickname = FORMULA
    record.source_record_id = "<img src=x onerror=alert(2)>"
    record.save()


def test_hostile_names_are_escaped_on_the_queue_and_the_person_page(case, analyst, linked):
    first = linked.review_pairs.order_by("rank").first()
    _make_hostile(first.record_a)
    client = _client(analyst)
    queue = client.get(_queue(case)).content.decode()
    assert SCRIPT not in queue
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in queue
    assert "<img src=x" not in queue
    cluster = RecordLink.objects.get(run=linked, record=first.record_a).cluster
    person = client.get(f"/cases/{case.code}/linkage/persons/{cluster}/").content.decode()
    assert SCRIPT not in person and "<img src=x" not in person
    assert "&lt;script&gt;" in person


def test_a_hostile_person_id_in_the_address_is_not_reflected_raw(case, analyst, linked):
    response = _client(analyst).get(f"/cases/{case.code}/linkage/persons/%3Cb%3Ex%3C%2Fb%3E/")
    assert response.status_code == 404
    assert "<b>x</b>" not in response.content.decode()


@pytest.mark.parametrize("run", ["not-a-uuid", "' OR 1=1 --", "0" * 40])
def test_a_malformed_run_id_is_not_found_not_a_server_error(case, analyst, linked, run):
    cluster = RecordLink.objects.filter(run=linked).values_list("cluster", flat=True).first()
    response = _client(analyst).get(f"/cases/{case.code}/linkage/persons/{cluster}/",
                                    {"run": run})
    assert response.status_code == 404


def test_a_reviewer_sees_no_name_on_the_person_page(case, reviewer, linked):
    link = RecordLink.objects.filter(run=linked).select_related("record").first()
    page = _client(reviewer).get(
        f"/cases/{case.code}/linkage/persons/{link.cluster}/").content.decode()
    for value in (link.record.full_name, link.record.first_surname, link.record.id_number):
        if value:
            assert value not in page
    assert "P-" in page or "R-" in page


@pytest.mark.parametrize("pair", ["", "abc", "1.5", "99999999"])
def test_a_decision_on_a_pair_that_is_not_there_is_not_found(case, analyst, linked, pair):
    response = _client(analyst).post(_queue(case), {"pair": pair, "decision": "accept"})
    assert response.status_code == 404
    assert not PairDecision.objects.exists()


def test_an_unknown_decision_is_refused_with_a_message(case, analyst, linked):
    first = linked.review_pairs.order_by("rank").first()
    client = _client(analyst)
    response = client.post(_queue(case), {"pair": first.pk, "decision": SCRIPT})
    assert response.status_code == 302
    page = client.get(_queue(case)).content.decode()
    assert SCRIPT not in page
    assert not PairDecision.objects.exists()


@pytest.mark.parametrize("note", ["before\x00after", "x" * 5001])
def test_a_note_with_a_nul_byte_or_too_long_is_refused(case, analyst, linked, note):
    first = linked.review_pairs.order_by("rank").first()
    client = _client(analyst)
    response = client.post(_queue(case), {"pair": first.pk, "decision": "accept", "note": note})
    assert response.status_code == 302
    assert not PairDecision.objects.exists()
    assert "the note " in client.get(_queue(case)).content.decode()


def test_re_running_linkage_needs_the_csrf_token(case, analyst, linked):
    response = _client(analyst, csrf=True).post(f"/cases/{case.code}/linkage/run/")
    assert response.status_code == 403
    assert case.link_runs.count() == 1


def test_a_viewer_may_not_re_run_linkage(case, viewer, linked):
    response = _client(viewer).post(f"/cases/{case.code}/linkage/run/")
    assert response.status_code == 403
    assert case.link_runs.count() == 1


def test_no_page_renders_a_hostile_string_raw(case, analyst, reviewer, linked):
    from expediente_web.records.models import Location

    case.title = SCRIPT
    case.description = "<img src=x onerror=alert(3)>"
    case.save()
    first = linked.review_pairs.order_by("rank").first()
    _make_hostile(first.record_a)
    source = first.record_a.source
    source.name = SCRIPT
    source.save()
    Location.objects.filter(case=case).update(name=SCRIPT)
    cluster = RecordLink.objects.get(run=linked, record=first.record_a).cluster
    pages = ["/", f"/cases/{case.code}/", f"/cases/{case.code}/linkage/", _queue(case),
             f"/cases/{case.code}/linkage/persons/{cluster}/",
             f"/cases/{case.code}/linkage/patterns/"]
    for user in (analyst, reviewer):
        client = _client(user)
        for url in pages:
            response = client.get(url)
            assert response.status_code == 200, url
            page = response.content.decode()
            assert SCRIPT not in page, (user.username, url)
            assert "<img src=x" not in page, (user.username, url)
