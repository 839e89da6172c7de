"""The guided entry: a testimony, an excerpt of its narrative, and from it an act with its victim,
perpetrators, place, period and measured facts — refused at the field, nothing half-written."""

from __future__ import annotations

import pytest
from django.urls import reverse

from support.workspace_data import HOSTILE

pytestmark = pytest.mark.django_db

@pytest.fixture(autouse=True)
def _english_pages(settings):
    """The messages asserted here are the English ones (the Spanish catalogue is tested in
    tests/web/workspace/test_catalogue.py)."""
    settings.LANGUAGE_CODE = "en"


NARRATIVE = (
    "El 14 de mayo de 2017 me detuvieron en la plaza.\n"
    "Me llevaron a una celda bajo tierra; perdí doce kilos y pasé nueve días sin ver a nadie."
)


def _url(name, case, **kwargs):
    return reverse(f"workspace:{name}", kwargs={"code": case.code, **kwargs})


def _counts():
    from expediente_web.audit.models import AuditEntry
    from expediente_web.evidence.models import Citation, Excerpt
    from expediente_web.records.models import Act, Involvement, Location, MeasuredFact, Person

    return {
        m.__name__: m.objects.count()
        for m in (Act, Person, Location, MeasuredFact, Involvement, Citation, Excerpt, AuditEntry)
    }


@pytest.fixture
def writer(as_user, documenter):
    return as_user(documenter)


@pytest.fixture
def excerpt(case, documenter, testimony):
    from expediente_web.evidence.actions import do_create_excerpt

    return do_create_excerpt(documenter, case, testimony=testimony, start=0, end=16)


@pytest.fixture
def place(case, documenter, state_location):
    from expediente_web.records.actions import do_create_location

    return do_create_location(
        documenter,
        case,
        "VE-X-SITE",
        "Sede Ficticia de Inteligencia",
        "location.detention_site",
        parent=state_location,
    )


def act_data(**changes):
    data = {
        "act_type": "act.torture",
        "methods": ["method.beating"],
        "date": "mediados de 2017",
        "outcome": "outcome.released",
        "description": "Golpes durante el interrogatorio.",
        "victim_full_name": "Juana Inventada Rojas",
        "victim_id_number": "V-99.888.777",
        "victim_sex": "sex.female",
        "fact_weight_lost_kg": "12",
        "fact_days_incommunicado": "9",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


# -- a testimony ------------------------------------------------------------------------------


def test_a_new_testimony_is_written_and_its_page_follows(case, writer, audit_count):
    from expediente_web.records.models import Testimony

    before = audit_count()
    response = writer.post(
        _url("entry-testimony", case),
        {
            "narrative": NARRATIVE.replace("\n", "\r\n"),
            "language": "es",
            "date": "finales de junio de 2017",
            "witness_name": "Testigo Inventado",
            "witness_contact": "+58 000 0000",
            "consent_scopes": ["consent.interview"],
        },
    )
    testimony = Testimony.objects.get(case=case)
    assert response.status_code == 302
    assert response["Location"] == _url("testimony", case, uid=testimony.uid)
    assert testimony.narrative == NARRATIVE  # line ends as the page shows them
    assert (testimony.date_text, testimony.date_precision) == ("2017-06-21/2017-06-30", "day")
    assert testimony.witness_name == "Testigo Inventado"
    assert audit_count() == before + 1
    page = writer.get(response["Location"])
    assert b"data-excerpt-form" in page.content and b"site/excerpt.js" in page.content


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"narrative": "   "}, "narrative"),
        ({"date": "el verano pasado"}, "date"),
        ({"date": "2099"}, "date"),
        ({"language": "xx-yy"}, "language"),
        ({"consent_scopes": ["consent.nothing"]}, "consent_scopes"),
    ],
)
def test_a_bad_testimony_is_refused_at_its_field(case, writer, changes, field):
    data = {"narrative": NARRATIVE, "language": "es", **changes}
    before = _counts()
    response = writer.post(_url("entry-testimony", case), data)
    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert _counts() == before


def test_the_date_refusal_shows_forms_that_read(case, writer):
    response = writer.post(
        _url("entry-testimony", case), {"narrative": NARRATIVE, "language": "es", "date": "ayer"}
    )
    assert "mediados de 2017" in response.context["form"].errors["date"][0]


# -- an excerpt -------------------------------------------------------------------------------


def test_a_selected_span_becomes_an_excerpt_and_the_act_form_follows(case, writer, testimony):
    from expediente_web.evidence.models import Excerpt

    quote = "me llevaron a una celda bajo tierra"
    start = testimony.narrative.index(quote)
    response = writer.post(
        _url("entry-excerpt", case, uid=testimony.uid),
        {"start": start, "end": start + len(quote), "quote": quote},
    )
    excerpt = Excerpt.objects.get(testimony=testimony)
    assert response.status_code == 302
    assert response["Location"] == _url("entry-act", case, uid=excerpt.uid)
    assert (excerpt.start, excerpt.end, excerpt.quote) == (start, start + len(quote), quote)


def test_offsets_off_by_line_ends_find_the_quote_nearest(case, writer, documenter):
    from expediente_web.evidence.models import Excerpt
    from expediente_web.records.actions import do_create_testimony

    # An imported narrative may keep CR LF: the page counted one character for each.
    testimony = do_create_testimony(documenter, case, "Uno.\r\nDos.\r\nTres y dos.", "es")
    response = writer.post(
        _url("entry-excerpt", case, uid=testimony.uid), {"start": 9, "end": 13, "quote": "Tres"}
    )
    assert response.status_code == 302
    assert Excerpt.objects.get(testimony=testimony).quote == "Tres"


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"start": 0, "end": 5, "quote": "texto que no está"},
        {"start": 40, "end": 10, "quote": "x"},
        {"start": -1, "end": 3, "quote": "Me "},
    ],
)
def test_a_bad_span_is_refused_and_nothing_is_written(case, writer, testimony, data):
    before = _counts()
    response = writer.post(_url("entry-excerpt", case, uid=testimony.uid), data)
    assert response.status_code == 400
    assert response.context["excerpt_form"].errors
    assert _counts() == before


# -- the act ----------------------------------------------------------------------------------


def test_the_act_with_its_victim_perpetrators_facts_place_and_citation(
    case, writer, excerpt, place, unit, audit_count
):
    from expediente_web.evidence.models import Citation
    from expediente_web.records.models import Act, Location

    before = audit_count()
    data = act_data(
        location=str(place.uid),
        new_place_name="Celda 3",
        new_place_kind="location.site",
        p1_unit=str(unit.uid),
        p1_degree="involvement.direct",
        p2_name="Funcionario Inventado Uno",
        p2_degree="involvement.ordered",
    )
    response = writer.post(_url("entry-act", case, uid=excerpt.uid), data)
    assert response.status_code == 302, response.context["form"].errors
    act = Act.objects.get(case=case)
    assert response["Location"] == _url("act", case, uid=act.uid)
    assert (act.act_type, act.methods, act.outcome) == (
        "act.torture",
        ["method.beating"],
        "outcome.released",
    )
    assert (act.date_text, act.date_precision) == ("2017-05/2017-08", "month")
    assert act.victim.full_name == "Juana Inventada Rojas"
    assert act.victim.source == excerpt.testimony.source
    cell = Location.objects.get(case=case, name="Celda 3")
    assert act.location == cell and cell.parent == place
    assert sorted((f.measure, f.value, f.unit) for f in act.measurements.all()) == [
        ("measure.days_incommunicado", 9.0, "day"),
        ("measure.weight_lost_kg", 12.0, "kg"),
    ]
    involvements = sorted(act.involvements.all(), key=lambda i: i.degree)
    assert [(i.unit, i.degree) for i in involvements] == [
        (unit, "involvement.direct"),
        (None, "involvement.ordered"),
    ]
    assert involvements[1].person.full_name == "Funcionario Inventado Uno"
    citation = Citation.objects.get(excerpt=excerpt)
    assert citation.target_id == act.pk
    # place, victim, perpetrator person, act, citation: each written by its own service
    assert audit_count() == before + 5
    page = writer.get(response["Location"])
    assert page.status_code == 200


def test_an_existing_victim_and_perpetrator_are_chosen(case, writer, excerpt, victim, unit):
    from expediente_web.records.models import Act, Person

    persons = Person.objects.count()
    data = act_data(
        victim=str(victim.uid),
        victim_full_name="",
        victim_id_number="",
        p1_person=str(victim.uid),
        p1_unit="",
    )
    response = writer.post(_url("entry-act", case, uid=excerpt.uid), data)
    assert response.status_code == 302
    act = Act.objects.get(case=case)
    assert act.victim == victim and act.involvements.get().person == victim
    assert Person.objects.count() == persons


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"act_type": ""}, "act_type"),
        ({"act_type": "act.nothing"}, "act_type"),
        ({"methods": ["method.flying"]}, "methods"),
        ({"outcome": "outcome.nothing"}, "outcome"),
        ({"date": "el verano pasado"}, "date"),
        ({"date": "2017-02-30"}, "date"),
        ({"date": "después de 2099"}, "date"),
        ({"fact_weight_lost_kg": "doce"}, "fact_weight_lost_kg"),
        ({"fact_weight_lost_kg": "-3"}, "fact_weight_lost_kg"),
        ({"victim_full_name": ""}, "victim_full_name"),
        ({"victim_age": "200"}, "victim_age"),
        ({"victim_sex": "sex.robot"}, "victim_sex"),
        (
            {"victim": "00000000-0000-0000-0000-000000000000", "victim_full_name": ""},
            "victim_full_name",
        ),
        ({"location": "00000000-0000-0000-0000-000000000000"}, "place_q"),
        ({"new_place_name": "Sitio nuevo"}, "new_place_kind"),
        ({"p1_degree": "involvement.nothing", "p1_name": "Alguien Inventado"}, "p1_degree"),
        ({"p2_degree": "involvement.direct"}, "p2_unit"),
    ],
)
def test_a_bad_value_is_refused_at_its_field_and_nothing_is_written(
    case, writer, excerpt, changes, field
):
    before = _counts()
    response = writer.post(_url("entry-act", case, uid=excerpt.uid), act_data(**changes))
    assert response.status_code == 400
    assert field in response.context["form"].errors, response.context["form"].errors
    assert _counts() == before
    assert "Nothing was recorded" in response.content.decode()


def test_a_refusal_by_a_later_service_undoes_the_earlier_writes(case, writer, excerpt, monkeypatch):
    """The place and the victim are written before the act: when the act's service refuses,
    they are gone too."""
    from expediente_web.cases.validation import InvalidInput
    from expediente_web.workspace import entry_flow

    def refuse(*args, **kwargs):
        raise InvalidInput("measurements[1].value", "refused for the test")

    monkeypatch.setattr(entry_flow, "do_create_act", refuse)
    before = _counts()
    data = act_data(new_place_name="Sitio", new_place_kind="location.site", p1_name="Otro Nombre")
    data["victim_confirm_new"] = data["p1_confirm_new"] = "on"
    response = writer.post(_url("entry-act", case, uid=excerpt.uid), data)
    assert response.status_code == 400
    assert response.context["form"].errors["fact_weight_lost_kg"] == ["refused for the test"]
    assert _counts() == before


# -- likely duplicates ------------------------------------------------------------------------


def test_a_new_victim_with_a_known_id_number_is_warned_and_nothing_written(
    case, writer, excerpt, victim
):
    before = _counts()
    # The same number written otherwise finds the person through the blind index.
    data = act_data(victim_full_name="Otra Persona Distinta", victim_id_number="12345678")
    response = writer.post(_url("entry-act", case, uid=excerpt.uid), data)
    assert response.status_code == 200
    [candidate] = response.context["warnings"]["victim"]
    assert candidate.person == victim and candidate.reasons == ["id_number"]
    body = response.content.decode()
    assert "María José Pérez de la Cruz" in body and str(victim.uid) in body
    assert _counts()["Act"] == before["Act"] and _counts()["Person"] == before["Person"]


def test_a_new_victim_with_a_similar_name_is_warned(case, writer, excerpt, victim):
    data = act_data(victim_full_name="Maria Jose Peres de la Cruz", victim_id_number="")
    response = writer.post(_url("entry-act", case, uid=excerpt.uid), data)
    assert response.status_code == 200
    [candidate] = response.context["warnings"]["victim"]
    assert candidate.person == victim and candidate.reasons == ["name"]


def test_an_unrelated_name_is_not_a_duplicate(case, writer, excerpt, victim):
    from expediente_web.records.models import Act

    data = act_data(victim_full_name="Pedro Ficticio Gómez", victim_id_number="")
    assert writer.post(_url("entry-act", case, uid=excerpt.uid), data).status_code == 302
    assert Act.objects.get().victim != victim


def test_the_documenter_picks_the_candidate_or_confirms_a_new_person(
    case, writer, documenter, excerpt, victim
):
    from expediente_web.records.models import Act, Person

    data = act_data(victim_full_name="Maria Jose Peres de la Cruz", victim_id_number="")
    persons = Person.objects.count()
    confirmed = writer.post(
        _url("entry-act", case, uid=excerpt.uid), {**data, "victim_confirm_new": "on"}
    )
    assert confirmed.status_code == 302
    assert Person.objects.count() == persons + 1
    from expediente_web.evidence.actions import do_create_excerpt

    second = do_create_excerpt(documenter, case, testimony=excerpt.testimony, start=17, end=30)
    picked = writer.post(
        _url("entry-act", case, uid=second.uid), {**data, "victim": str(victim.uid)}
    )
    assert picked.status_code == 302
    assert Person.objects.count() == persons + 1
    assert Act.objects.filter(victim=victim).count() == 1


def test_a_new_perpetrator_with_a_similar_name_is_warned(case, writer, excerpt, victim):
    data = act_data(p1_name="María José Pérez", victim_confirm_new="on")
    response = writer.post(_url("entry-act", case, uid=excerpt.uid), data)
    assert response.status_code == 200
    assert [c.person for c in response.context["warnings"]["p1"]] == [victim]


def test_the_warning_is_an_identity_view_in_the_audit_log(case, writer, excerpt, victim):
    from expediente_web.audit.models import AuditEntry

    data = act_data(victim_full_name="Otra Persona", victim_id_number="V-12345678")
    writer.post(_url("entry-act", case, uid=excerpt.uid), data)
    entry = AuditEntry.objects.filter(action="view_identities").latest("pk")
    assert str(victim.uid) in str(entry.payload)


# -- suggestions ------------------------------------------------------------------------------


def test_places_are_found_by_name_without_accents_with_their_path(case, writer, place):
    response = writer.get(_url("entry-places", case), {"place_q": "sede INTELIGENCIA"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Sede Ficticia de Inteligencia" in body and "Estado Ficticio" in body
    assert str(place.uid) in body
    response = writer.get(_url("entry-places", case), {"place_q": "ficticio"})
    assert "Estado Ficticio" in response.content.decode()
    assert "No place" in writer.get(_url("entry-places", case), {"place_q": "zzz"}).content.decode()


def test_persons_are_suggested_by_name_or_id_number_and_the_view_recorded(case, writer, victim):
    from expediente_web.audit.models import AuditEntry

    for params in ({"victim_q": "maria perez"}, {"victim_q": "12.345.678"}):
        response = writer.get(_url("entry-people", case), {"field": "victim", **params})
        body = response.content.decode()
        assert "María José Pérez de la Cruz" in body and f'value="{victim.uid}"' in body
        assert 'name="victim"' in body
    entry = AuditEntry.objects.filter(action="view_identities").latest("pk")
    assert str(victim.uid) in str(entry.payload)
    response = writer.get(_url("entry-people", case), {"field": "p2_person", "p2_q": "maria"})
    assert 'name="p2_person"' in response.content.decode()
    assert writer.get(_url("entry-people", case), {"field": "password"}).status_code == 404


# -- who may enter ----------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["reviewer", "viewer", "outsider"])
def test_roles_that_do_not_write_cannot_enter(request, case, as_user, excerpt, persona):
    user = request.getfixturevalue(persona)
    client = as_user(user)
    expected = 404 if persona == "outsider" else 403
    before = _counts()
    for method, url, data in [
        ("get", _url("entry-testimony", case), {}),
        ("post", _url("entry-testimony", case), {"narrative": "x", "language": "es"}),
        (
            "post",
            _url("entry-excerpt", case, uid=excerpt.testimony.uid),
            {"start": 0, "end": 2, "quote": "Me"},
        ),
        ("post", _url("entry-act", case, uid=excerpt.uid), act_data()),
        ("get", _url("entry-people", case), {"field": "victim", "victim_q": "maria"}),
        ("get", _url("entry-places", case), {"place_q": "estado"}),
    ]:
        assert getattr(client, method)(url, data).status_code == expected, url
    assert _counts() == before


def test_the_links_into_the_entry_show_only_to_writers(case, as_user, testimony, excerpt, viewer):
    listing = _url("testimonies", case)
    detail = _url("testimony", case, uid=testimony.uid)
    act_link = _url("entry-act", case, uid=excerpt.uid)
    assert _url("entry-testimony", case) not in as_user(viewer).get(listing).content.decode()
    assert act_link not in as_user(viewer).get(detail).content.decode()


def test_the_links_into_the_entry_show_to_a_documenter(case, writer, testimony, excerpt):
    assert _url("entry-testimony", case) in writer.get(_url("testimonies", case)).content.decode()
    body = writer.get(_url("testimony", case, uid=testimony.uid)).content.decode()
    assert _url("entry-act", case, uid=excerpt.uid) in body
    assert _url("entry-excerpt", case, uid=testimony.uid) in body


def test_an_excerpt_of_another_case_is_not_found(case, writer, make_user):
    from expediente_web.cases.actions import do_create_case
    from expediente_web.evidence.actions import do_create_excerpt
    from expediente_web.records.actions import do_create_testimony

    other_owner = make_user("otro_owner")
    other = do_create_case(other_owner, "otro-caso", "Otro caso (sintético)")
    testimony = do_create_testimony(other_owner, other, "Texto del otro caso.", "es")
    foreign = do_create_excerpt(other_owner, other, testimony=testimony, start=0, end=5)
    assert writer.get(_url("entry-act", case, uid=foreign.uid)).status_code == 404
    assert writer.get(_url("entry-act", case, uid="not-a-uid")).status_code == 404


# -- hostile strings --------------------------------------------------------------------------


def test_hostile_strings_render_inert_through_the_flow(case, writer, documenter):
    from expediente_web.evidence.models import Excerpt
    from expediente_web.records.models import Act, Testimony

    response = writer.post(
        _url("entry-testimony", case),
        {"narrative": f"Dijo {HOSTILE} y calló.", "language": "es", "witness_name": HOSTILE},
    )
    testimony = Testimony.objects.get(case=case)
    page = writer.get(response["Location"]).content.decode()
    assert HOSTILE not in page and "&lt;script&gt;" in page
    start = testimony.narrative.index(HOSTILE)
    writer.post(
        _url("entry-excerpt", case, uid=testimony.uid),
        {"start": start, "end": start + len(HOSTILE), "quote": HOSTILE},
    )
    excerpt = Excerpt.objects.get(testimony=testimony)
    form = writer.get(_url("entry-act", case, uid=excerpt.uid)).content.decode()
    assert HOSTILE not in form and "&lt;img src=x" in form
    refused = writer.post(
        _url("entry-act", case, uid=excerpt.uid),
        act_data(date=HOSTILE, victim_full_name=HOSTILE, p1_name=HOSTILE),
    ).content.decode()
    assert HOSTILE not in refused
    done = writer.post(
        _url("entry-act", case, uid=excerpt.uid),
        act_data(
            victim_full_name=HOSTILE,
            description=HOSTILE,
            new_place_name=HOSTILE,
            new_place_kind="location.site",
            victim_confirm_new="on",
        ),
    )
    assert done.status_code == 302
    act = Act.objects.get(case=case)
    shown = writer.get(done["Location"]).content.decode()
    assert HOSTILE not in shown
    assert act.victim.full_name == HOSTILE
    found = writer.get(_url("entry-places", case), {"place_q": "script"}).content.decode()
    assert HOSTILE not in found and "&lt;script&gt;" in found
    people = writer.get(_url("entry-people", case), {"field": "victim", "victim_q": "script pwned"})
    assert HOSTILE not in people.content.decode()


# -- query counts -----------------------------------------------------------------------------

#: Most queries each page of the flow makes (for a documenter, on a record of 60 or more rows
#: of each kind), with the session, the case and role checks and the identity-view entry.
ENTRY_BOUNDS = {
    "entry-testimony": 12,
    "entry-excerpt": 12,
    "entry-act": 16,
    "entry-places": 14,
    "entry-people": 16,
    "entry-act-warned": 30,
}


def _entry_pages(record, case):
    return {
        "entry-testimony": (_url("entry-testimony", case), {}),
        "entry-excerpt": (_url("entry-excerpt", case, uid=record.testimony.uid), {}),
        "entry-act": (_url("entry-act", case, uid=record.excerpt.uid), {}),
        "entry-places": (_url("entry-places", case), {"place_q": "sitio"}),
        "entry-people": (_url("entry-people", case), {"field": "victim", "victim_q": "ana"}),
    }


@pytest.mark.parametrize("name", sorted(set(ENTRY_BOUNDS) - {"entry-act-warned"}))
def test_the_pages_of_the_flow_make_a_bounded_number_of_queries(record, case, writer, name):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    address, params = _entry_pages(record, case)[name]
    writer.get(address, params)
    with CaptureQueriesContext(connection) as queries:
        response = writer.get(address, params)
    assert response.status_code == 200
    assert len(queries) <= ENTRY_BOUNDS[name], f"{name}: {len(queries)}\n" + "\n".join(
        q["sql"][:160] for q in queries
    )


def test_a_duplicate_warning_makes_a_bounded_number_of_queries(record, case, writer):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    address = _url("entry-act", case, uid=record.excerpt.uid)
    data = act_data(victim_full_name="Ana Ficticia Pérez", victim_id_number="V-10.000.001")
    with CaptureQueriesContext(connection) as queries:
        response = writer.post(address, data)
    assert response.status_code == 200 and response.context["warnings"]["victim"]
    assert len(queries) <= ENTRY_BOUNDS["entry-act-warned"], len(queries)


def test_the_form_shows_back_what_a_period_was_read_as(case, writer, excerpt, victim):
    data = act_data(victim_full_name="Maria Jose Peres de la Cruz", victim_id_number="")
    response = writer.post(_url("entry-act", case, uid=excerpt.uid), data)
    assert response.context["warnings"]  # the form comes back, nothing written yet
    assert response.context["read_as"] == "2017-05/2017-08"
    assert "2017-05/2017-08" in response.content.decode()
