"""The API fuzzed with schemathesis against a live server, bounded in time.

Every operation of the OpenAPI document gets `EXPEDIENTE_FUZZ_EXAMPLES` generated requests (6 by
default; no shrinking, no example database), with the token's case in the address and, half the
time, a real record's uid, so that the requests reach the services and not only the 404 of an
unknown record. Checked on every answer: no 500, a status the document lists, a JSON body that
matches the document's schema for it. Then the same with a viewer's read token: every route
that writes refuses it (403) and the audit log gains no write.
"""

from __future__ import annotations

import os
import time

import pytest
import requests
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from .world import World

pytestmark = pytest.mark.django_db(transaction=True)

EXAMPLES = int(os.environ.get("EXPEDIENTE_FUZZ_EXAMPLES", "6"))
BUDGET_S = 60.0


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [
        not_a_server_error,
        status_code_conformance,
        content_type_conformance,
        response_schema_conformance,
    ]


def _real_uids(world: World) -> dict[str, str]:
    r = world.record
    return {
        "/acts/": str(r.act.uid),
        "/persons/": str(r.victim.uid),
        "/events/": str(r.event.uid),
        "/testimonies/": str(r.testimony.uid),
        "/excerpts/": str(r.excerpt.uid),
        "/locations/": str(r.state.uid),
        "/units/": str(r.unit.uid),
    }


def _operations(live_server):
    import schemathesis

    document = requests.get(f"{live_server.url}/api/openapi.json", timeout=10).json()
    schema = schemathesis.openapi.from_dict(document)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation, world: World, base_url: str, token: str, examples: int, seen: list) -> None:
    uids = _real_uids(world)
    checks = _checks()
    session = requests.Session()

    @settings(
        max_examples=examples,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(), real=st.booleans())
    def run(case, real):
        path = operation.path
        if "code" in (case.path_parameters or {}):
            case.path_parameters["code"] = world.case.code
        if real and "uid" in (case.path_parameters or {}):
            for part, uid in uids.items():
                if part in path:
                    case.path_parameters["uid"] = uid
        if real and "source" in (case.path_parameters or {}):
            case.path_parameters["source"] = world.record.source.code
        response = case.call(
            base_url=base_url, session=session, headers={"Authorization": f"Bearer {token}"}
        )
        seen.append((operation.method.upper(), path, response.status_code))
        case.validate_response(response, checks=checks)

    run()


def _writes() -> int:
    from expediente_web.audit.models import AuditEntry

    return AuditEntry.objects.exclude(action="view_identities").count()


def test_fuzzed_api_answers_within_its_schema_and_never_fails(live_server):
    world = World()
    started = time.monotonic()
    operations = _operations(live_server)
    assert len(operations) > 20
    seen: list[tuple[str, str, int]] = []
    for operation in operations:
        assert time.monotonic() - started < BUDGET_S, "the fuzzing ran past its time budget"
        _fuzz(operation, world, live_server.url, world.tokens["documenter"], EXAMPLES, seen)
    statuses = {s for _, _, s in seen}
    print(len(seen), "requests", sorted(statuses), f"{time.monotonic() - started:.1f}s")
    assert not [s for s in statuses if s >= 500]
    # The requests reached the services, not only the refusals: some writes were made.
    assert {200, 201, 404, 422} <= statuses, statuses


def test_a_fuzzed_read_token_never_writes(live_server):
    world = World()
    started = time.monotonic()
    before = _writes()
    seen: list[tuple[str, str, int]] = []
    for operation in _operations(live_server):
        assert time.monotonic() - started < BUDGET_S, "the fuzzing ran past its time budget"
        _fuzz(
            operation, world, live_server.url, world.tokens["viewer"], max(2, EXAMPLES // 3), seen
        )
    writes = [(m, p, s) for m, p, s in seen if m != "GET"]
    assert writes and all(s == 403 for _, _, s in writes), writes
    assert _writes() == before
    assert any(s == 200 for m, _, s in seen if m == "GET")
