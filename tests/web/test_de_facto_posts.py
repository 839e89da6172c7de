"""De jure and de facto posts, and dated relations between units, in the chain of command:
`records.command` reads subordination and operational control with their (imprecise) dates
beside the `Unit.parent` tree, possibly or certainly, and counts a de facto post in effective
control of a unit among its commanders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.access import NotPermitted
from expediente_web.cases.validation import InvalidInput
from expediente_web.records import command
from expediente_web.records.actions import do_create_person, do_create_position, do_create_unit
from expediente_web.records.models import Position, UnitRelation
from expediente_web.records.unit_relations import do_create_unit_relation

pytestmark = pytest.mark.django_db

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


class World:
    """A police force and a brigade under it (the tree), an intelligence service the brigade was
    put under from some day of 2017 until some day of June 2018, and their commanders."""

    def __init__(self, documenter, case):
        d = documenter
        self.d, self.case = d, case
        self.police = do_create_unit(d, case, "PF", "Policía ficticia")
        self.brigade = do_create_unit(d, case, "PF-B", "Brigada ficticia", parent=self.police)
        self.service = do_create_unit(d, case, "SI", "Servicio ficticio")
        self.agent = do_create_person(d, case, full_name="Agente Ficticio")
        self.chief = do_create_person(d, case, full_name="Jefa Ficticia")
        self.director = do_create_person(d, case, full_name="Director Ficticio")
        self.adviser = do_create_person(d, case, full_name="Asesor Ficticio")
        do_create_position(d, case, self.agent, self.brigade, title="agente", start="2015")
        self.police_chief = do_create_position(
            d, case, self.chief, self.police, is_commander=True, start="2014"
        )
        self.service_director = do_create_position(
            d, case, self.director, self.service, is_commander=True, start="2010"
        )
        self.relation = do_create_unit_relation(
            d, case, self.brigade, "subordinate_to", self.service, start="2017", end="2018-06"
        )

    def superiors(self, day, certainly=False):
        return {p.pk for p in command.superiors_of(self.agent, day, certainly=certainly)}


@pytest.fixture
def world(documenter, case):
    return World(documenter, case)


def test_a_dated_subordination_adds_superiors_possibly_then_certainly(world):
    chief, director = world.police_chief.pk, world.service_director.pk
    # Before the relation: only the tree.
    assert world.superiors(dt.date(2016, 6, 1)) == {chief}
    # March 2017: "from 2017" possibly covers it, certainly not (it may have begun in December).
    assert world.superiors(dt.date(2017, 3, 1)) == {chief, director}
    assert world.superiors(dt.date(2017, 3, 1), certainly=True) == {chief}
    # January 2018: certainly within "2017 until June 2018".
    assert world.superiors(dt.date(2018, 1, 15), certainly=True) == {chief, director}
    # Mid-June 2018: "until June 2018" may have ended on the 1st.
    assert world.superiors(dt.date(2018, 6, 15)) == {chief, director}
    assert world.superiors(dt.date(2018, 6, 15), certainly=True) == {chief}
    # After it: the tree again.
    assert world.superiors(dt.date(2018, 8, 1)) == {chief}


def test_the_chain_says_how_each_level_is_above(world):
    chain = command.chain_of_command(world.brigade, dt.date(2018, 1, 15))
    assert [(level.unit.code, level.via) for level in chain] == [
        ("PF-B", "self"),
        ("PF", "parent"),
        ("SI", "subordinate_to"),
    ]


def test_acting_with_or_renaming_puts_no_one_above(world):
    other = do_create_unit(world.d, world.case, "COL", "Colectivo ficticio")
    do_create_unit_relation(world.d, world.case, world.brigade, "acts_with", other, start="2016")
    do_create_unit_relation(world.d, world.case, world.police, "renamed_to", other, start="2019")
    do_create_position(world.d, world.case, world.adviser, other, is_commander=True)
    assert world.superiors(dt.date(2016, 6, 1)) == {world.police_chief.pk}


def test_a_de_facto_post_in_effective_control_counts_as_a_superior(world):
    adviser = do_create_position(
        world.d,
        world.case,
        world.adviser,
        None,
        basis="post.de_facto",
        held_at="asesor en la presidencia",
        controls=world.service,
        start="2017-01",
        end="2018-03",
    )
    assert adviser.unit is None
    assert adviser.pk in {p.pk for p in command.commanders_of(world.service, dt.date(2017, 6, 1))}
    assert adviser.pk in world.superiors(dt.date(2017, 6, 1))
    # In June 2017 the brigade was only possibly under the service already.
    assert adviser.pk not in world.superiors(dt.date(2017, 6, 1), certainly=True)
    assert adviser.pk in world.superiors(dt.date(2018, 1, 15), certainly=True)
    # Out of its dates: not a superior.
    assert adviser.pk not in world.superiors(dt.date(2018, 5, 1))
    # The adviser has no post in a unit: no superiors of their own here, and no error.
    assert command.superiors_of(world.adviser, dt.date(2017, 6, 1)) == []


def test_a_cycle_of_relations_does_not_hang_the_walk(world):
    do_create_unit_relation(
        world.d, world.case, world.service, "operational_control", world.brigade, start="2017"
    )
    codes = [lvl.unit.code for lvl in command.chain_of_command(world.brigade, dt.date(2018, 1, 1))]
    assert codes == ["PF-B", "PF", "SI"]


def test_services_write_one_entry_each(world, audit_count):
    before = audit_count()
    do_create_unit_relation(
        world.d, world.case, world.police, "operational_control", world.service, start="2019-03"
    )
    assert audit_count() == before + 1
    entry = AuditEntry.objects.latest("seq")
    assert entry.action == "create_unit_relation"
    assert entry.payload["fields"]["kind"] == "operational_control"
    do_create_position(
        world.d, world.case, world.adviser, None, basis="post.de_facto", held_at="asesor"
    )
    assert audit_count() == before + 2
    assert AuditEntry.objects.latest("seq").payload["fields"]["basis"] == "post.de_facto"


@pytest.fixture
def other_unit(make_user):
    from expediente_web.cases.actions import do_create_case

    owner = make_user("otra_duena")
    other = do_create_case(owner, "otro-2018", "Otro caso (sintético)")
    return do_create_unit(owner, other, "X", "Unidad de otro caso")


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (
            lambda w, o: do_create_unit_relation(
                w.d, w.case, w.brigade, "subordinate_to", w.brigade
            ),
            "other",
        ),
        (
            lambda w, o: do_create_unit_relation(w.d, w.case, w.brigade, "subordinate_to", o),
            "other",
        ),
        (
            lambda w, o: do_create_unit_relation(w.d, w.case, w.brigade, "commands", w.service),
            "kind",
        ),
        (
            lambda w, o: do_create_unit_relation(
                w.d, w.case, w.brigade, "acts_with", w.service, start="2017-02-30"
            ),
            "start",
        ),
        (
            lambda w, o: do_create_unit_relation(
                w.d, w.case, w.brigade, "acts_with", w.service, start="2018", end="2016"
            ),
            "end",
        ),
        (lambda w, o: do_create_position(w.d, w.case, w.adviser, None, held_at="x"), "unit"),
        (
            lambda w, o: do_create_position(w.d, w.case, w.adviser, None, basis="post.de_facto"),
            "held_at",
        ),
        (
            lambda w, o: do_create_position(w.d, w.case, w.adviser, w.police, controls=w.service),
            "controls",
        ),
        (
            lambda w, o: do_create_position(w.d, w.case, w.adviser, w.police, basis="post.boss"),
            "basis",
        ),
        (
            lambda w, o: do_create_position(
                w.d, w.case, w.adviser, None, basis="post.de_facto", held_at="asesor", controls=o
            ),
            "controls",
        ),
    ],
)
def test_bad_input_is_refused_at_its_field_and_changes_nothing(
    world, other_unit, audit_count, call, field
):
    before = (audit_count(), UnitRelation.objects.count(), Position.objects.count())
    with pytest.raises(InvalidInput) as refused:
        call(world, other_unit)
    assert refused.value.field == field
    assert (audit_count(), UnitRelation.objects.count(), Position.objects.count()) == before


def test_readers_may_not_relate_units(world, viewer):
    with pytest.raises(NotPermitted):
        do_create_unit_relation(viewer, world.case, world.police, "acts_with", world.service)


# -- pages ------------------------------------------------------------------------------------


def test_the_unit_page_shows_relations_de_facto_control_and_records_a_relation(
    world, documenter, viewer, as_user
):
    do_create_position(
        world.d,
        world.case,
        world.adviser,
        None,
        basis="post.de_facto",
        held_at=HOSTILE,
        controls=world.service,
        start="2017",
    )
    brigade = reverse("workspace:unit", args=[world.case.code, world.brigade.uid])
    service = reverse("workspace:unit", args=[world.case.code, world.service.uid])
    text = as_user(viewer).get(brigade + "?on=2018-01-15").content.decode()
    assert 'id="relations"' in text
    assert "subordinate to" in text.lower() or "subordinad" in text.lower()
    assert 'id="relation-form"' not in text
    text = as_user(viewer).get(service + "?on=2017-06-01").content.decode()
    assert "<script>alert(1)" not in text and "&lt;script&gt;alert(1)" in text
    url = reverse("workspace:unit-relation", args=[world.case.code, world.police.uid])
    client = as_user(documenter)
    response = client.post(
        url, {"kind": "acts_with", "other": str(world.service.uid), "start": "2016"}
    )
    assert response.status_code == 302 and response["Location"].endswith("#relations")
    before = UnitRelation.objects.count()
    response = client.post(
        url,
        {"kind": "subordinate_to", "other": str(world.service.uid), "start": "2018", "end": "2017"},
    )
    assert response.status_code == 400 and 'id="relation-end_errors"' in (response.content.decode())
    assert UnitRelation.objects.count() == before
    assert as_user(viewer).post(url, {"kind": "acts_with"}).status_code == 403


def test_the_person_page_shows_a_de_facto_post_outside_any_unit(world, documenter, as_user):
    do_create_position(
        world.d,
        world.case,
        world.adviser,
        None,
        basis="post.de_facto",
        held_at="asesor en la presidencia",
        controls=world.service,
    )
    url = reverse("workspace:person", args=[world.case.code, world.adviser.uid])
    response = as_user(documenter).get(url)
    assert response.status_code == 200
    assert "asesor en la presidencia" in response.content.decode()


def test_a_suspect_with_a_post_outside_any_unit_has_a_page(world, analyst, as_user):
    from expediente_web.assessment.actions import do_select_mode

    do_create_position(
        world.d,
        world.case,
        world.adviser,
        None,
        basis="post.de_facto",
        held_at="asesor en la presidencia",
        controls=world.service,
    )
    do_select_mode(analyst, world.case, world.adviser, "art28.a")
    url = reverse("assessment:suspect", args=[world.case.code, world.adviser.uid])
    response = as_user(analyst).get(url)
    assert response.status_code == 200
    assert "asesor en la presidencia" in response.content.decode()
