"""The number of SQL queries of every list and record page is bounded, whatever the number of
rows: each list shows 50 rows of a record of 60 or more, so one query per row (an N+1) would
blow the bound. The bounds include the session, the user, the case and role checks, and the
audit entry of a page that reveals identities."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from support.workspace_data import url_kwargs

pytestmark = pytest.mark.django_db


def test_every_record_page_has_a_bound(record):
    assert set(BOUNDS) == set(url_kwargs(record))


#: URL name → the most queries its page may make (for a role that sees identities).
BOUNDS = {
    "case-records": 16,
    "workspace:acts": 22,
    "workspace:act": 35,  # + its history and review (record_tools)
    "workspace:persons": 22,
    "workspace:person": 36,  # + its history (record_tools)
    "workspace:resolved": 22,
    "workspace:events": 13,  # + the header's count of unread notifications
    "workspace:event": 25,  # + its history (record_tools)
    "workspace:testimonies": 22,
    "workspace:testimony": 28,  # + its history and review (record_tools)
    "workspace:sources": 20,
    "workspace:source": 21,
    "workspace:units": 12,
    "workspace:unit": 30,  # + its history (record_tools)
    "workspace:locations": 12,
    "workspace:location": 21,  # + its history (record_tools)
    "workspace:evidence": 16,
    "workspace:evidence-item": 18,  # + its discussion and the header's count
    "workspace:evidence-upload": 13,  # + the header's count of unread notifications
}


@pytest.mark.parametrize("name", sorted(BOUNDS))
def test_queries_are_bounded(record, documenter, as_user, name):
    client = as_user(documenter)
    address = reverse(name, kwargs=url_kwargs(record)[name])
    client.get(address)  # warm caches (content types, the session) as a second visit would
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address)
    assert response.status_code == 200
    assert len(queries) <= BOUNDS[name], f"{name}: {len(queries)} queries\n" + "\n".join(
        q["sql"][:160] for q in queries
    )
