"""A source's page says what it draws on, and a writer records it there."""

from __future__ import annotations

import pytest

from expediente_web.cases.models import Source

pytestmark = pytest.mark.django_db

HOSTILE = '"><img src=x onerror=alert(1)>'


def _page(client, case, code):
    return client.get(f"/cases/{case.code}/sources/{code}/", HTTP_ACCEPT_LANGUAGE="en")


def test_a_writer_records_what_a_source_draws_on_and_both_pages_say_so(
    case, owner, analyst, record, as_user
):
    client = as_user(analyst)
    answer = client.post(
        f"/cases/{case.code}/sources/SRC-B/lineage/",
        {"derived_from": ["SRC-A"], "origin": HOSTILE},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 302
    assert Source.objects.get(case=case, code="SRC-B").derived_from == ["SRC-A"]
    page = _page(client, case, "SRC-B").content.decode()
    assert 'href="/cases/ve-2017/sources/SRC-A/"' in page
    assert HOSTILE not in page and "&quot;&gt;&lt;img" in page
    drawn = _page(client, case, "SRC-A").content.decode()
    assert "Drawn on by" in drawn and 'href="/cases/ve-2017/sources/SRC-B/"' in drawn


def test_a_lineage_that_loops_is_refused_at_its_field_and_nothing_changes(
    case, analyst, record, as_user
):
    client = as_user(analyst)
    client.post(f"/cases/{case.code}/sources/SRC-B/lineage/", {"derived_from": ["SRC-A"]})
    answer = client.post(
        f"/cases/{case.code}/sources/SRC-A/lineage/",
        {"derived_from": ["SRC-B"]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert answer.status_code == 400
    assert "would then draw on itself" in answer.content.decode()
    assert Source.objects.get(case=case, code="SRC-A").derived_from == []


def test_a_reader_sees_the_lineage_without_the_form(case, viewer, record, as_user):
    page = _page(as_user(viewer), case, "SRC-A").content.decode()
    assert "Lineage" in page and "Change what this source draws on" not in page
