"""Superior relations follow from positions held in units and their parent units over time."""

from __future__ import annotations

import datetime as dt

import pytest

from expediente_web.records.actions import do_create_person, do_create_position, do_create_unit
from expediente_web.records.command import chain_of_command, commanders_of, superiors_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def structure(case, documenter):
    service = do_create_unit(documenter, case, "SVC", "Servicio ficticio",
                             unit_type="unit.intelligence")
    region = do_create_unit(documenter, case, "SVC-R1", "Dirección regional ficticia",
                            parent=service)
    cell = do_create_unit(documenter, case, "SVC-R1-C", "Brigada ficticia", parent=region)

    def person(name):
        return do_create_person(documenter, case, full_name=name)

    director, old_chief, new_chief, agent = (person(n) for n in (
        "Director Ficticio", "Jefe Anterior", "Jefe Nuevo", "Agente Ficticio"))
    do_create_position(documenter, case, director, service, title="Director", is_commander=True,
                       start="2014")
    do_create_position(documenter, case, old_chief, region, title="Jefe regional",
                       is_commander=True, start="2015-01", end="2017-06")
    do_create_position(documenter, case, new_chief, region, title="Jefe regional",
                       is_commander=True, start="2017-07")
    do_create_position(documenter, case, agent, cell, title="Agente", start="2016")
    return {"service": service, "region": region, "cell": cell, "director": director,
            "old": old_chief, "new": new_chief, "agent": agent}


def test_the_commander_changes_with_the_date(structure):
    on_2016 = commanders_of(structure["region"], dt.date(2016, 3, 1))
    on_2018 = commanders_of(structure["region"], dt.date(2018, 3, 1))
    assert [p.person for p in on_2016] == [structure["old"]]
    assert [p.person for p in on_2018] == [structure["new"]]


def test_superiors_follow_the_unit_tree_nearest_first(structure):
    superiors = superiors_of(structure["agent"], dt.date(2016, 5, 1))
    assert [p.person for p in superiors] == [structure["old"], structure["director"]]
    later = superiors_of(structure["agent"], dt.date(2018, 1, 1))
    assert [p.person for p in later] == [structure["new"], structure["director"]]


def test_a_person_without_a_post_that_day_has_no_superiors(structure):
    assert superiors_of(structure["agent"], dt.date(2015, 6, 1)) == []


def test_imprecise_periods_separate_possible_from_certain(structure):
    # The agent's post starts "2016": on 2016-03-01 it possibly, not certainly, has begun.
    day = dt.date(2016, 3, 1)
    assert superiors_of(structure["agent"], day)
    assert superiors_of(structure["agent"], day, certainly=True) == []


def test_the_chain_lists_every_level_up_to_the_organization(structure):
    chain = chain_of_command(structure["cell"], dt.date(2016, 5, 1))
    assert [level.unit.code for level in chain] == ["SVC-R1-C", "SVC-R1", "SVC"]
    assert chain[0].commanders == ()
