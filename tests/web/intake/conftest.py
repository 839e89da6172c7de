"""Fixtures for import and export tests (see intake_tables.py for the helpers)."""

from __future__ import annotations

import pytest
from intake_tables import (
    ACT_HEADER,
    TESTIMONY_HEADER,
    VICTIM_HEADER,
    canonical_dump,
    good_acts,
    good_testimonies,
    good_victims,
    table_counts,
    write_csv,
)


@pytest.fixture
def counts():
    return table_counts


@pytest.fixture
def structured_case(case, documenter, source):
    """The `case` fixture with a state, a detention site, a unit, an event and a perpetrator."""
    from expediente_web.records.actions import (
        do_create_event,
        do_create_location,
        do_create_person,
        do_create_unit,
    )

    state = do_create_location(documenter, case, "VE-X", "Estado Ficticio", "location.state")
    do_create_location(documenter, case, "VE-X-DS1", "Sede ficticia", "location.detention_site",
                       parent=state)
    do_create_unit(documenter, case, "U-INT", "Servicio de inteligencia (ficticio)",
                   acronym="SIF", unit_type="unit.intelligence")
    do_create_event(documenter, case, "Protesta ficticia", code="EV-1", date="2017-05")
    do_create_person(documenter, case, given_names="Comisario", first_surname="Ficticio",
                     source_record_id="PER-1")
    return case


@pytest.fixture
def table_files(tmp_path):
    """Good sources, victims, acts and testimonies files for source SRC-01."""
    return {
        "victims": write_csv(tmp_path / "victims.csv", VICTIM_HEADER, good_victims()),
        "acts": write_csv(tmp_path / "acts.csv", ACT_HEADER, good_acts()),
        "testimonies": write_csv(tmp_path / "testimonies.csv", TESTIMONY_HEADER,
                                 good_testimonies()),
    }


@pytest.fixture
def imported_case(structured_case, source, table_files, documenter):
    """`structured_case` with the three good files imported into SRC-01."""
    from expediente_web.intake.importer import do_import_table

    for kind in ("victims", "acts", "testimonies"):
        do_import_table(structured_case, table_files[kind], kind=kind, source_code="SRC-01",
                        actor=documenter)
    return structured_case


@pytest.fixture
def dump():
    return canonical_dump
