"""Attacks on protected values kept where nothing said they were: reviewers' notes on pair
decisions, and pages a browser keeps after its user has signed out. Every value is invented."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client

from support.two_factor import TwoFactorClient

pytestmark = pytest.mark.django_db

#: What a reviewer typed: a name, a cédula and a phone number of a (fictional) person.
NOTE = "Es Yelitza Coromoto Arráiz, cédula V-19.876.543, tel. 0414-555-1234: misma persona."
SECRETS = ("Yelitza", "Arráiz", "19.876.543", "19876543", "0414-555-1234", "5551234")


def _dump_every_table() -> str:
    """Every row of every table of the database, as the database holds it."""
    rows = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")
            rows.extend(repr(row) for row in cursor.fetchall())
    return "\n".join(rows)


def _client(user) -> Client:
    client = TwoFactorClient()  # signed in with both factors, for the roles that need them
    client.force_login(user)
    return client


@pytest.fixture
def linked(case, analyst):
    from expediente_web.analyses.actions import do_run_linkage
    from web.analyses.analyses_data import load_victims, wide_band_config

    load_victims(case)
    return do_run_linkage(analyst, case, wide_band_config())


@pytest.fixture
def decided(case, analyst, linked):
    """The analyst decided the first queued pair with the identifying note."""
    first = linked.review_pairs.order_by("rank").first()
    response = _client(analyst).post(
        f"/cases/{case.code}/linkage/queue/", {"pair": first.pk, "decision": "accept", "note": NOTE}
    )
    assert response.status_code == 302
    return first


def _person_page(case, run, record):
    from expediente_web.analyses.models import RecordLink

    cluster = RecordLink.objects.get(run=run, record=record).cluster
    return f"/cases/{case.code}/linkage/persons/{cluster}/?run={run.uid}"


# --- Reviewers' notes ---------------------------------------------------------------------------


def test_a_note_is_not_kept_in_clear_anywhere_in_the_database(decided):
    from expediente_web.analyses.models import PairDecision

    assert PairDecision.objects.get().note == NOTE  # still readable with the key ring
    dump = _dump_every_table()
    leaked = [s for s in SECRETS if s in dump]
    assert not leaked, f"the database holds {leaked} in clear"
    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM analyses_pairdecision")
        [(raw,)] = cursor.fetchall()
    assert raw.startswith("k1:")


def test_the_audit_log_keeps_no_words_and_no_plain_hash_of_a_note(decided):
    import hashlib

    from expediente_web.audit.models import AuditEntry

    entry = AuditEntry.objects.filter(action="decide_pair").get()
    payload = repr(entry.payload)
    assert not [s for s in SECRETS if s in payload]
    # A plain hash would confirm a guessed note (the whole cédula space is a few seconds).
    assert hashlib.sha256(NOTE.encode()).hexdigest() not in payload
    assert entry.payload["note_hmac"] and len(entry.payload["note_hmac"]) == 64


@pytest.mark.parametrize("role", ["analyst", "documenter", "owner"])
def test_roles_that_see_identities_read_the_note(request, case, linked, decided, role):
    page = (
        _client(request.getfixturevalue(role))
        .get(_person_page(case, linked, decided.record_a))
        .content.decode()
    )
    assert "Decisiones de revisión" in page
    assert "19.876.543" in page and "0414-555-1234" in page


@pytest.mark.parametrize("role", ["reviewer", "viewer"])
def test_other_roles_learn_that_a_note_exists_not_what_it_says(
    request, case, linked, decided, role
):
    client = _client(request.getfixturevalue(role))
    for record in (decided.record_a, decided.record_b):
        page = client.get(_person_page(case, linked, record)).content.decode()
        assert "reservada a quienes ven datos protegidos" in page
        leaked = [s for s in SECRETS if s in page]
        assert not leaked, f"a {role} was shown {leaked}"


def test_a_note_the_role_may_not_read_is_not_even_decrypted(
    case, reviewer, linked, decided, monkeypatch
):
    from expediente_web.analyses.access import access_pair_decisions
    from expediente_web.protection.fields import ProtectedTextField

    decrypted = []
    real = ProtectedTextField.from_db_value

    def spy(self, value, *args, **kwargs):
        decrypted.append(self.name)
        return real(self, value, *args, **kwargs)

    monkeypatch.setattr(ProtectedTextField, "from_db_value", spy)
    [view] = access_pair_decisions(reviewer, case, [decided.record_a_id])
    assert view.note == "" and view.note_withheld
    assert not decrypted


def test_an_outsider_gets_no_decisions(case, outsider, decided):
    from django.http import Http404

    from expediente_web.analyses.access import access_pair_decisions

    with pytest.raises(Http404):
        access_pair_decisions(outsider, case, [decided.record_a_id])


@pytest.mark.django_db(transaction=True)
def test_the_migration_encrypts_notes_written_before_it(case, analyst):
    from django.db.migrations.executor import MigrationExecutor

    from web.analyses.analyses_data import load_victims

    victims = list(load_victims(case).values())[:2]
    executor = MigrationExecutor(connection)
    executor.migrate([("analyses", "0001_initial")])
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO analyses_pairdecision (case_id, record_a_id, record_b_id, decision, "
            "note, actor, created_at) VALUES (%s, %s, %s, 'accept', %s, 'ana', %s), "
            "(%s, %s, %s, 'reject', '', 'ana', %s)",
            [
                case.pk,
                victims[0].pk,
                victims[1].pk,
                NOTE,
                "2026-01-02 03:04:05",
                case.pk,
                victims[1].pk,
                victims[0].pk,
                "2026-01-02 03:04:06",
            ],
        )
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("analyses"))

    from expediente_web.analyses.models import PairDecision

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q('note')} FROM analyses_pairdecision ORDER BY {q('id')}")
        raw = [row[0] for row in cursor.fetchall()]
    assert raw[0].startswith("k1:") and not [s for s in SECRETS if s in raw[0]]
    assert raw[1] == ""
    decisions = list(PairDecision.objects.order_by("id"))
    assert [d.note for d in decisions] == [NOTE, ""]
    assert decisions[0].uid != decisions[1].uid  # every decision got its own
    # And back: the notes are plain text again, as they were before.
    executor = MigrationExecutor(connection)
    executor.migrate([("analyses", "0001_initial")])
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {q('note')} FROM analyses_pairdecision ORDER BY {q('id')}")
        assert [row[0] for row in cursor.fetchall()] == [NOTE, ""]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes("analyses"))


def test_a_note_copied_onto_another_decision_does_not_read_there(case, analyst, linked, decided):
    from expediente_web.analyses.actions import do_decide_pair
    from expediente_web.analyses.models import PairDecision
    from expediente_web.protection.keyring import KeyRingError

    second = linked.review_pairs.order_by("rank")[1]
    other = do_decide_pair(analyst, case, second.record_a, second.record_b, "reject", note="x")
    q = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {q('note')} FROM analyses_pairdecision WHERE {q('id')} <> %s", [other.pk]
        )
        [(stolen,)] = cursor.fetchall()
        cursor.execute(
            f"UPDATE analyses_pairdecision SET {q('note')} = %s WHERE {q('id')} = %s",
            [stolen, other.pk],
        )
    with pytest.raises(KeyRingError):
        _ = PairDecision.objects.get(pk=other.pk).note


# --- Pages kept in the browser's cache -------------------------------------------------------


def _routes(patterns=None, prefix=""):
    """Every route of the application, as a path template (`cases/<slug:code>/…`)."""
    from django.urls import URLResolver, get_resolver
    from django.urls.resolvers import RoutePattern

    found = []
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        assert isinstance(entry.pattern, RoutePattern), f"{entry.pattern} is not a path()"
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            found += _routes(entry.url_patterns, route)
        else:
            found.append(route)
    return found


def _fill(route: str, values: dict[str, str]) -> str:
    import re

    def value(match):
        converter, name = match.group(1) or "str", match.group(2)
        return values.get(name, "1" if converter == "int" else "x")

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _assert_not_stored(response, path):
    cache_control = {d.strip() for d in response.get("Cache-Control", "").split(",")}
    assert "no-store" in cache_control, f"{path} ({response.status_code}) may be stored"
    assert "private" in cache_control and "no-cache" in cache_control
    assert response.get("Pragma") == "no-cache", f"{path} sends no Pragma: no-cache"


def test_every_page_says_no_store_signed_in_or_not(case, analyst, owner, decided, linked):
    from expediente_web.analyses.models import RecordLink

    cluster = RecordLink.objects.filter(run=linked).values_list("cluster", flat=True).first()
    values = {"code": case.code, "cluster": cluster, "pair_id": str(decided.pk)}
    routes = _routes()
    assert {"cases/<slug:code>/", "cases/<slug:code>/linkage/persons/<str:cluster>/"} <= set(routes)
    seen = {}
    for user in (None, analyst, owner):
        client = Client() if user is None else _client(user)
        for route in routes:
            path = _fill(route, values)
            response = client.get(path)
            _assert_not_stored(response, path)
            seen[(user and user.username, path)] = response.status_code
            _assert_not_stored(client.get(path + "?run=nonsense"), path + "?run=nonsense")
        # A write, a 404 and a sign-in form too.
        _assert_not_stored(client.post(f"/cases/{case.code}/linkage/queue/", {"pair": "x"}), "post")
        _assert_not_stored(client.get("/no/such/page/"), "/no/such/page/")
    # The pages that show protected data were really shown to the analyst, not only redirects.
    assert seen[("ana_analyst", f"/cases/{case.code}/")] == 200
    assert seen[("ana_analyst", f"/cases/{case.code}/linkage/persons/{cluster}/")] == 200
    assert seen[(None, f"/cases/{case.code}/")] == 302


def test_a_view_that_asks_to_be_cached_is_overruled_and_static_files_are_left_alone():
    from django.conf import settings
    from django.http import HttpResponse
    from django.test import RequestFactory

    from expediente_web.site.middleware import NoStoreMiddleware

    def cacheable(request):
        response = HttpResponse("Yelitza Coromoto Arráiz")
        response["Cache-Control"] = "public, max-age=86400"
        return response

    middleware = NoStoreMiddleware(cacheable)
    page = middleware(RequestFactory().get("/cases/x/"))
    _assert_not_stored(page, "/cases/x/")
    assert "public" not in page["Cache-Control"] and "max-age=86400" not in page["Cache-Control"]
    static = middleware(RequestFactory().get("/" + settings.STATIC_URL.lstrip("/") + "site.css"))
    assert static["Cache-Control"] == "public, max-age=86400" and "Pragma" not in static
