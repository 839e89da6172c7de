"""Protected values never reach a role that does not see identities, in any answer of the API;
the roles that do see them get them, and each answer that showed one is in the audit log."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from .world import World

pytestmark = pytest.mark.django_db

NO_IDENTITIES = ("reviewer", "viewer", "partner")


@pytest.fixture
def world():
    return World()


def _protected_values(world: World) -> set[str]:
    from expediente_web.records.models import Person, Testimony
    from expediente_web.workspace.identities import PERSON_FIELDS

    values = set()
    for person in Person.objects.filter(case=world.case):
        values |= {getattr(person, f) for f in PERSON_FIELDS}
    for testimony in Testimony.objects.filter(case=world.case):
        values |= {testimony.witness_name, testimony.witness_contact}
    # Surnames and given names on their own too: "Ana Ficticia Pérez" is also "Pérez".
    values |= {part for v in list(values) for part in v.split() if len(part) > 3}
    return {v for v in values if v and len(v) > 3}


def _every_read(world: World) -> list[str]:
    r, code = world.record, world.case.code
    base = f"/api/cases/{code}"
    paths = [
        f"{base}/{kind}?limit=200"
        for kind in (
            "persons",
            "acts",
            "testimonies",
            "excerpts",
            "events",
            "comments",
            "units",
            "locations",
            "sources",
        )
    ]
    paths += [f"{base}/persons/{p.uid}" for p in (r.victim, r.victim_again, r.commander)]
    paths += [
        f"{base}/acts/{r.act.uid}",
        f"{base}/testimonies/{r.testimony.uid}",
        f"{base}/excerpts/{r.excerpt.uid}",
        f"{base}/events/{r.event.uid}",
        base,
    ]
    return paths


def _comment(world: World) -> None:
    from expediente_web.records.actions import do_add_comment

    do_add_comment(
        world.users["documenter"], world.record.act, "Ana Ficticia Pérez lo confirmó por teléfono."
    )


@pytest.mark.parametrize("persona", NO_IDENTITIES)
def test_no_protected_value_in_any_answer_to_a_role_without_identities(world, persona):
    _comment(world)
    secrets = _protected_values(world)
    assert "Pérez" in secrets and "V-10.000.001" in secrets
    for path in _every_read(world):
        response = Client().get(path, **world.headers(persona))
        if persona == "partner" and "/comments" in path:
            # The discussion is the team's own: a partner does not read it at all.
            assert response.status_code == 403, (path, response.content[:200])
            continue
        assert response.status_code == 200, (path, response.content[:200])
        text = json.dumps(response.json(), ensure_ascii=False)
        leaked = sorted(s for s in secrets if s in text)
        assert not leaked, f"{path} shows {leaked} to a {persona}"
    person = (
        Client()
        .get(
            f"/api/cases/{world.case.code}/persons/{world.record.victim.uid}",
            **world.headers(persona),
        )
        .json()
    )
    assert person["identity"] is None and person["label"].startswith("R-")


def test_the_roles_that_see_identities_get_them_and_the_log_says_so(world):
    from expediente_web.audit.models import AuditEntry

    victim = world.record.victim
    path = f"/api/cases/{world.case.code}/persons/{victim.uid}"
    response = Client().get(path, **world.headers("documenter"))
    body = response.json()
    assert body["identity"]["id_number"] == "V-10.000.001"
    assert body["label"] == victim.full_name
    entry = AuditEntry.objects.filter(action="view_identities").order_by("-seq").first()
    assert entry.actor == "api_documenter" and f"API {path}".startswith(entry.object_id)
    assert entry.object_id.startswith("API /api/cases/")
    assert entry.payload["persons"] == [str(victim.uid)]
    assert "id_number" in entry.payload["fields"]
    testimony = (
        Client()
        .get(
            f"/api/cases/{world.case.code}/testimonies/{world.record.testimony.uid}",
            **world.headers("analyst"),
        )
        .json()
    )
    assert testimony["witness_name"] == "Ana Ficticia Pérez"


def test_a_viewer_reads_leave_no_identity_entry(world):
    from expediente_web.audit.models import AuditEntry

    before = AuditEntry.objects.count()
    for path in _every_read(world):
        Client().get(path, **world.headers("viewer"))
    assert AuditEntry.objects.count() == before
