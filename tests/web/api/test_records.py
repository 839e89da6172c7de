"""Reading and writing the record through the API: paging, filters, the services' checks as
422 naming the field, and one audit entry per write."""

from __future__ import annotations

import pytest
from django.test import Client

from .world import World

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return World(many=60)


class Api:
    def __init__(self, world: World, persona: str = "documenter") -> None:
        self.base = f"/api/cases/{world.case.code}"
        self.headers = world.headers(persona)

    def get(self, path: str, **query):
        return Client().get(self.base + path, query, **self.headers)

    def send(self, method: str, path: str, body):
        return getattr(Client(), method)(
            self.base + path, body, content_type="application/json", **self.headers
        )


def _audit(action: str) -> int:
    from expediente_web.audit.models import AuditEntry

    return AuditEntry.objects.filter(action=action).count()


def test_lists_page_with_a_total_and_a_largest_page(world):
    api = Api(world)
    first = api.get("/acts").json()
    assert first["count"] == 63 and first["limit"] == 50 and len(first["items"]) == 50
    rest = api.get("/acts", offset=50).json()
    assert len(rest["items"]) == 13
    seen = {a["uid"] for a in first["items"]} | {a["uid"] for a in rest["items"]}
    assert len(seen) == 63
    assert len(api.get("/persons", limit=200).json()["items"]) == 63
    too_many = api.get("/persons", limit=201)
    assert too_many.status_code == 422 and too_many.json()["field"] == "limit"
    assert api.get("/acts", offset=-1).json()["field"] == "offset"


def test_filters(world):
    api = Api(world)
    r = world.record
    torture = api.get("/acts", act_type="act.torture").json()
    assert [a["uid"] for a in torture["items"]] == [str(r.act.uid)]
    act = torture["items"][0]
    assert act["methods"] == ["method.beating"]
    assert act["measurements"][0] | {"id": 0} == {
        "id": 0,
        "measure": "measure.weight_lost_kg",
        "value": 12.5,
        "unit": "kg",
    }
    assert act["involvements"][0]["unit"] == r.unit.code
    assert act["involvements"][0]["degree"] == "involvement.ordered"
    assert api.get("/acts", method="method.beating").json()["count"] == 1
    assert api.get("/acts", victim=str(r.victim.uid)).json()["count"] == 2
    assert api.get("/acts", date_from="2017-06-01", date_to="2017-06-30").json()["count"] == 61
    assert api.get("/acts", victim="not-a-uid").json()["field"] == "victim"
    # (build_record writes rows without blind indexes: ID-number lookups are tested below, on a
    # person made through the service.)
    assert api.get("/persons", state="XX-1", sex="sex.female").json()["count"] == 31
    assert api.get("/testimonies", witness=str(r.victim.uid)).json()["count"] == 1
    assert api.get("/locations", kind="location.state").json()["count"] == 1
    assert api.get("/units", parent="ORG").json()["count"] == 61
    assert api.get("/sources", kind="source.hearing").json()["items"][0]["code"] == "SRC-B"
    assert api.get("/excerpts", testimony=str(r.testimony.uid)).json()["count"] == 2


def test_a_viewer_may_not_look_persons_up_by_a_protected_field(world):
    response = Api(world, "viewer").get("/persons", id_number="V-10.000.001")
    assert response.status_code == 403


def test_an_act_written_through_the_api_is_the_services(world):
    api = Api(world)
    r = world.record
    before = _audit("create_act")
    response = api.send(
        "post",
        "/acts",
        {
            "victim": str(r.victim.uid),
            "act_type": "act.torture",
            "date": "2017-05",
            "methods": ["method.beating"],
            "location": r.site.code,
            "measurements": [{"measure": "measure.days_incommunicado", "value": 9}],
            "involvements": [{"person": str(r.commander.uid), "degree": "involvement.ordered"}],
        },
    )
    assert response.status_code == 201, response.content
    act = response.json()
    assert act["date_precision"] == "month" and act["date_earliest"] == "2017-05-01"
    assert act["victim"] == {"uid": str(r.victim.uid), "label": r.victim.full_name}
    assert act["involvements"][0]["person"]["uid"] == str(r.commander.uid)
    assert act["measurements"][0]["unit"] == "day"
    assert _audit("create_act") == before + 1
    changed = api.send("patch", f"/acts/{act['uid']}", {"outcome": "outcome.disappeared"})
    assert changed.status_code == 200 and changed.json()["outcome"] == "outcome.disappeared"
    assert changed.json()["methods"] == ["method.beating"]
    assert _audit("update_act") == 1


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        (
            "/acts",
            {"victim": "00000000-0000-4000-8000-000000000000", "act_type": "act.torture"},
            "victim",
        ),
        ("/acts", {"victim": "{victim}", "act_type": "act.nonsense"}, "act_type"),
        (
            "/acts",
            {"victim": "{victim}", "act_type": "act.torture", "date": "el día del juicio"},
            "date",
        ),
        (
            "/acts",
            {
                "victim": "{victim}",
                "act_type": "act.torture",
                "measurements": [{"measure": "measure.weight_lost_kg", "value": 1, "unit": "lb"}],
            },
            "measurements[1].unit",
        ),
        (
            "/acts",
            {
                "victim": "{victim}",
                "act_type": "act.torture",
                "measurements": [{"measure": "measure.weight_lost_kg", "value": -1}],
            },
            "measurements[1].value",
        ),
        (
            "/acts",
            {"victim": "{victim}", "act_type": "act.torture", "involvements": [{}]},
            "involvements[1]",
        ),
        ("/acts", {"act_type": "act.torture"}, "victim"),
        ("/persons", {"sex": "sex.unknown-term"}, "sex"),
        ("/persons", {"age": 300}, "age"),
        ("/persons", {"state": "XX"}, "state"),
        ("/testimonies", {"narrative": "hola\x00", "language": "es"}, "narrative"),
        ("/testimonies", {"narrative": "hola", "language": "Spanish"}, "language"),
        ("/excerpts", {"testimony": "{testimony}", "start": 5, "end": 100000}, "end"),
        ("/excerpts", {}, "testimony"),
        ("/comments", {"target_type": "act", "target": "{victim}", "body": "x"}, "target"),
        ("/comments", {"target_type": "act", "target": "{act}", "body": "  "}, "body"),
    ],
)
def test_a_bad_value_is_422_naming_the_field_and_writes_nothing(world, path, body, field):
    from expediente_web.audit.models import AuditEntry

    r = world.record
    refs = {
        "{victim}": str(r.victim.uid),
        "{testimony}": str(r.testimony.uid),
        "{act}": str(r.act.uid),
    }
    body = {k: refs.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = AuditEntry.objects.exclude(action="view_identities").count()
    response = Api(world).send("post", path, body)
    assert response.status_code == 422, response.content
    assert response.json()["field"] == field, response.json()
    assert response.json()["message"]
    assert AuditEntry.objects.exclude(action="view_identities").count() == before


def test_persons_change_only_the_fields_given(world):
    api = Api(world)
    victim = world.record.victim
    response = api.send("patch", f"/persons/{victim.uid}", {"occupation": "periodista"})
    assert response.status_code == 200
    body = response.json()
    assert body["occupation"] == "periodista" and body["age"] == 37
    assert body["identity"]["full_name"] == victim.full_name
    created = api.send(
        "post",
        "/persons",
        {"given_names": "Luz", "first_surname": "Inventada", "id_number": "V-99.999.999"},
    )
    assert created.status_code == 201
    found = api.get("/persons", id_number="99999999").json()["items"]
    assert [p["uid"] for p in found] == [created.json()["uid"]]


def test_comments_thread_on_a_record(world):
    api = Api(world)
    act = str(world.record.act.uid)
    first = api.send(
        "post", "/comments", {"target_type": "act", "target": act, "body": "¿Fecha exacta?"}
    ).json()
    reply = api.send(
        "post",
        "/comments",
        {"target_type": "act", "target": act, "body": "Mayo.", "parent": first["id"]},
    )
    assert reply.status_code == 201 and reply.json()["parent"] == first["id"]
    thread = api.get("/comments", target_type="act", target=act).json()
    assert [c["body"] for c in thread["items"]] == ["¿Fecha exacta?", "Mayo."]
    assert thread["items"][0]["author"] == "api_documenter"
    wrong = api.send(
        "post",
        "/comments",
        {"target_type": "source", "target": "SRC-A", "body": "x", "parent": first["id"]},
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "parent"


def test_an_excerpt_cited_by_an_act(world):
    api = Api(world)
    r = world.record
    made = api.send("post", "/excerpts", {"testimony": str(r.testimony.uid), "start": 0, "end": 12})
    assert made.status_code == 201 and made.json()["quote"] == r.testimony.narrative[:12]
    cited = api.send(
        "post",
        f"/excerpts/{made.json()['uid']}/citations",
        {"target_type": "act", "target": str(r.act.uid)},
    )
    assert cited.status_code == 201
    again = api.send(
        "post",
        f"/excerpts/{made.json()['uid']}/citations",
        {"target_type": "act", "target": str(r.act.uid)},
    )
    assert again.status_code == 422 and again.json()["field"] == "excerpt"


def test_an_unknown_record_or_case_is_404_in_json(world):
    api = Api(world)
    for path in ("/acts/not-a-uid", "/acts/00000000-0000-4000-8000-000000000000", "/sources/NOPE"):
        response = api.get(path)
        assert response.status_code == 404 and "detail" in response.json()
    response = Client().get("/api/cases/no-such-case/acts", **world.headers("documenter"))
    assert response.status_code == 404
