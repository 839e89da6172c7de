"""The API's authorization matrix: every route × every persona → the status it answers.

HOW TO ADD A ROUTE (a route without an entry fails tests/web/api/test_matrix.py, which walks the
API's routers):

    1. Its key is "METHOD /path" as the OpenAPI document writes it ("GET /cases/{code}/acts").
    2. Add one line to ROUTES: key: [call(EXPECT, params=..., body=..., query=...)]
       - EXPECT is READ, WRITE (201 for the writers), CHANGE (200 for the writers), or a dict
         persona → status; `expect(READ, reviewer=403)` changes a few cells.
       - params: a function of the World giving the path's {placeholders} other than `code`.
       - body: a function of the World giving the JSON body of a POST or PATCH.
    3. Run `pytest tests/web/api -q`.

A status says what the persona gets: 200/201 the answer, 401 no usable token (none, unknown,
revoked, expired), 403 refused (a read token on a route that writes, a role that may not, access
that has ended), 404 a case that is not the token's (its existence is not revealed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .world import MEMBERS, PERSONAS, WRITERS

Expect = Mapping[str, int]

_REFUSED = {
    "outsider": 404,
    "anonymous": 401,
    "unknown_token": 401,
    "revoked_token": 401,
    "expired_token": 401,
    "other_case_token": 404,
    "expired_partner": 403,
}


def expect(base: Expect, **cells: int) -> dict[str, int]:
    unknown = set(cells) - set(PERSONAS)
    if unknown:
        raise KeyError(f"not personas: {sorted(unknown)}")
    return {**base, **cells}


#: Every member's token reads, the read token too.
READ = {**dict.fromkeys(MEMBERS, 200), "read_token": 200, **_REFUSED}
#: Only write tokens, which only the writing roles hold, create (201); read tokens get 403.
WRITE = {**{p: (201 if p in WRITERS else 403) for p in MEMBERS}, "read_token": 403, **_REFUSED}
#: As WRITE, for a change that answers 200.
CHANGE = {k: (200 if v == 201 else v) for k, v in WRITE.items()}
#: About the token itself: any usable token, of whichever case.
ANY_TOKEN = {**READ, "outsider": 200, "other_case_token": 200}
#: Lookups by a protected field: the roles that see identities only.
IDENTITIES = expect(READ, reviewer=403, viewer=403, partner=403)


def NONE(world: Any) -> dict[str, Any]:
    return {}


@dataclass(frozen=True)
class Call:
    expect: Expect
    params: Callable[[Any], dict[str, Any]] = NONE
    body: Callable[[Any], dict[str, Any]] | None = None
    query: Callable[[Any], dict[str, Any]] | dict[str, Any] = field(default_factory=dict)
    #: the audit action an allowed write appends (one entry), checked for every write
    action: str = ""


def call(
    expect: Expect,
    params: Callable[[Any], dict[str, Any]] = NONE,
    body: Callable[[Any], dict[str, Any]] | None = None,
    query: Callable[[Any], dict[str, Any]] | dict[str, Any] | None = None,
    action: str = "",
) -> Call:
    return Call(expect, params, body, query or {}, action)


def uid(attr: str, key: str = "uid") -> Callable[[Any], dict[str, Any]]:
    return lambda w: {key: str(getattr(w.record, attr).uid)}


def _act(w: Any) -> dict[str, Any]:
    r = w.record
    return {
        "victim": str(r.victim.uid),
        "act_type": "act.torture",
        "date": "2017-05",
        "methods": ["method.beating"],
        "location": r.site.code,
        "event": str(r.event.uid),
        "outcome": "outcome.released",
        "description": "Golpes (sintético)",
        "measurements": [{"measure": "measure.weight_lost_kg", "value": 3}],
        "involvements": [{"unit": r.unit.code, "degree": "involvement.ordered"}],
        "source": r.source.code,
        "source_record_id": "api-1",
    }


ROUTES: dict[str, list[Call]] = {
    "GET /token": [call(ANY_TOKEN)],
    "GET /cases/{code}": [call(READ)],
    "GET /cases/{code}/sources": [call(READ), call(READ, query={"kind": "source.hearing"})],
    "GET /cases/{code}/sources/{source}": [call(READ, lambda w: {"source": w.record.source.code})],
    "GET /cases/{code}/locations": [call(READ, query={"kind": "location.site"})],
    "GET /cases/{code}/locations/{uid}": [call(READ, uid("state"))],
    "GET /cases/{code}/units": [call(READ, query={"parent": "ORG"})],
    "GET /cases/{code}/units/{uid}": [call(READ, uid("unit"))],
    "GET /cases/{code}/events": [call(READ, query={"date_from": "2017-05-01"})],
    "GET /cases/{code}/events/{uid}": [call(READ, uid("event"))],
    "GET /cases/{code}/persons": [
        call(READ, query={"sex": "sex.female"}),
        call(IDENTITIES, query={"id_number": "V-10.000.001"}),
        call(IDENTITIES, query={"full_name": "Ana F. Pérez"}),
    ],
    "GET /cases/{code}/persons/{uid}": [call(READ, uid("victim"))],
    "POST /cases/{code}/persons": [
        call(
            WRITE,
            body=lambda w: {
                "full_name": "Persona Nueva Ficticia",
                "sex": "sex.female",
                "state": w.record.state.code,
            },
            action="create_person",
        )
    ],
    "PATCH /cases/{code}/persons/{uid}": [
        call(
            CHANGE,
            uid("victim"),
            body=lambda w: {"occupation": "periodista", "age": 38},
            action="update_person",
        )
    ],
    "GET /cases/{code}/acts": [
        call(READ, query={"act_type": "act.torture", "method": "method.beating"})
    ],
    "GET /cases/{code}/acts/{uid}": [call(READ, uid("act"))],
    "POST /cases/{code}/acts": [call(WRITE, body=_act, action="create_act")],
    "PATCH /cases/{code}/acts/{uid}": [
        call(
            CHANGE,
            uid("act"),
            body=lambda w: {"outcome": "outcome.killed", "date": "2017"},
            action="update_act",
        )
    ],
    "POST /cases/{code}/acts/{uid}/involvements": [
        call(
            WRITE,
            uid("act"),
            body=lambda w: {"person": str(w.record.commander.uid), "degree": "involvement.direct"},
            action="add_involvement",
        )
    ],
    "POST /cases/{code}/acts/{uid}/measurements": [
        call(
            WRITE,
            uid("act"),
            body=lambda w: {"measure": "measure.weight_lost_kg", "value": 1.5},
            action="add_measured_fact",
        )
    ],
    "GET /cases/{code}/testimonies": [call(READ, query={"language": "es"})],
    "GET /cases/{code}/testimonies/{uid}": [call(READ, uid("testimony"))],
    "POST /cases/{code}/testimonies": [
        call(
            WRITE,
            body=lambda w: {
                "narrative": "Relato nuevo (sintético).",
                "language": "es",
                "date": "2018-03",
                "witness": str(w.record.victim.uid),
                "consent_scopes": ["consent.interview"],
            },
            action="create_testimony",
        )
    ],
    "GET /cases/{code}/excerpts": [
        call(READ, query={"testimony": "00000000-0000-4000-8000-000000000000"})
    ],
    "GET /cases/{code}/excerpts/{uid}": [call(READ, uid("excerpt"))],
    "POST /cases/{code}/excerpts": [
        call(
            WRITE,
            body=lambda w: {"testimony": str(w.record.testimony.uid), "start": 0, "end": 12},
            action="create_excerpt",
        )
    ],
    "POST /cases/{code}/excerpts/{uid}/citations": [
        call(
            WRITE,
            uid("excerpt"),
            body=lambda w: {"target_type": "person", "target": str(w.record.victim.uid)},
            action="cite_excerpt",
        )
    ],
    # The discussion is the team's own: a partner reads the record, not its comments.
    "GET /cases/{code}/comments": [
        call(expect(READ, partner=403),
             query=lambda w: {"target_type": "act", "target": str(w.record.act.uid)}),
        call(expect(READ, partner=403)),
    ],
    "POST /cases/{code}/comments": [
        call(
            WRITE,
            body=lambda w: {
                "target_type": "act",
                "target": str(w.record.act.uid),
                "body": "¿Quién más lo vio?",
            },
            action="add_comment",
        )
    ],
}
