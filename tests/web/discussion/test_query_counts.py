"""The discussion's pages make a bounded number of SQL queries, whatever the number of comments
and notifications: a thread of many comments costs what a thread of one does."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from expediente_web.discussion.actions import do_post_comment

pytestmark = pytest.mark.django_db

MANY = 30


def _count(client, address, **extra) -> int:
    client.get(address, **extra)  # warm caches (content types, the session)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(address, **extra)
    assert response.status_code == 200
    return len(queries)


def _discuss(record, authors, n):
    parent = None
    for i in range(n):
        author = authors[i % len(authors)]
        others = [a for a in authors if a != author]
        body = f"nota {i} para @{others[0].username}\nsegunda línea"
        comment = do_post_comment(author, record.act, body, parent=parent if i % 3 else None)
        parent = comment
        do_post_comment(author, record.unit, f"unidad {i}")


def _thread_addresses(record):
    code = record.case.code
    return {
        "record page": reverse("workspace:act", args=[code, record.act.uid]),
        "thread": reverse("discussion:thread", args=[code, "act", record.act.uid]),
        "case discussion": reverse("discussion:case", args=[code]),
    }


#: page → the most queries it may make, for a role that sees identities and one that does not
#: (whose comment bodies are redacted, one pass per record shown).
BOUNDS = {"record page": 36, "thread": 14, "case discussion": 16, "notifications": 10}


@pytest.mark.parametrize("page", ["record page", "thread", "case discussion"])
def test_a_long_discussion_costs_what_a_short_one_does(
    record, documenter, analyst, viewer, as_user, page
):
    _discuss(record, [documenter, analyst], 1)
    address = _thread_addresses(record)[page]
    short = {u.username: _count(as_user(u), address) for u in (documenter, viewer)}
    _discuss(record, [documenter, analyst], MANY)
    long = {u.username: _count(as_user(u), address) for u in (documenter, viewer)}
    assert long == short, (page, short, long)
    assert max(long.values()) <= BOUNDS[page], (page, long)


def test_the_notifications_page_is_bounded(record, documenter, analyst, as_user):
    client = as_user(analyst)
    address = reverse("notifications:list")
    _discuss(record, [documenter, analyst], 2)
    few = _count(client, address)
    _discuss(record, [documenter, analyst], MANY)
    many = _count(client, address)
    assert many == few <= BOUNDS["notifications"], (few, many)
