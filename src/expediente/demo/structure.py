"""The case structure: location tree, unit tree, commanders and their positions, events."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from itertools import accumulate
from typing import Any

from expediente.demo.case import SYNTHETIC_NOTE
from expediente.demo.population import NameBook
from expediente.demo.resources import load_data
from expediente.demo.spelling import strip_accents
from expediente.demo.timeline import Timeline

# Regional unit families: profile weights name a family, the victim's state picks the unit.
REGIONAL_FAMILIES = {"GT-REG"}
_POSITIONS_START = dt.date(2012, 1, 1)
_POSITIONS_END = dt.date(2020, 6, 30)
_PARTICLES = {"de", "del", "la", "las", "los", "y"}


def municipality_code(state_code: str, name: str) -> str:
    """A short code for a municipality: ``VE-S-SCR`` for San Cristóbal in Táchira."""
    words = [w for w in strip_accents(name.split(" (")[0]).upper().split() if w.isalpha()]
    words = [w for w in words if w.lower() not in _PARTICLES] or words
    key = words[0][:3] if len(words) == 1 else words[0][0] + words[-1][:2]
    return f"{state_code}-{key}"


@dataclass
class Structure:
    """The case structure plus the lookups the act generator needs."""

    data: dict[str, Any]
    location_names: dict[str, str] = field(default_factory=dict)
    state_names: dict[str, str] = field(default_factory=dict)
    municipality_codes: dict[tuple[str, str], str] = field(default_factory=dict)
    detention_sites: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    units: dict[str, dict[str, Any]] = field(default_factory=dict)
    regional_units: dict[str, dict[str, str]] = field(default_factory=dict)
    agents: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    events: dict[tuple[str, str], list[tuple[str, dt.date, str]]] = field(default_factory=dict)

    def regional_unit(self, family: str, state: str) -> str:
        """The unit of a regional family (e.g. the Guardia Territorial) covering a state."""
        return self.regional_units[family][state]

    def site(self, municipality_code: str, suffix: str) -> str:
        """The code of a municipal site: PZ square, BR neighbourhood, CP police post."""
        return f"{municipality_code}-{suffix}"


def build_structure(
    rng: random.Random, timeline: Timeline, names: NameBook, n_events: int
) -> Structure:
    """Build locations, organizations, commanders, positions and events."""
    places = load_data("places")
    units_data = load_data("units")
    structure = Structure(data={})
    locations = _locations(places, rng, structure)
    organizations = _organizations(units_data, structure)
    persons, positions = _people(units_data, rng, names, structure)
    events = _events(places, rng, timeline, n_events, structure)
    structure.data = {
        "case": {},  # filled by the generator, which knows seed and size
        "locations": locations,
        "organizations": organizations,
        "persons": persons,
        "positions": positions,
        "events": events,
    }
    return structure


def _locations(places: dict[str, Any], rng: random.Random, st: Structure) -> list[dict[str, Any]]:
    country = places["country"]
    rows = [_location(country["code"], country["name"], "location.country", "", country)]
    st.location_names[country["code"]] = country["name"]
    for state in places["states"]:
        code = state["code"]
        rows.append(_location(code, state["name"], "location.state", country["code"], state))
        st.location_names[code] = state["name"]
        st.state_names[code] = state["name"]
        for muni in state["municipalities"]:
            muni_code = municipality_code(code, muni)
            st.municipality_codes[(code, muni)] = muni_code
            st.location_names[muni_code] = muni
            point = _jitter(state, rng, 0.15)
            rows.append(_location(muni_code, muni, "location.municipality", code, point))
            for site in places["municipal_sites"]:
                site_code = f"{muni_code}-{site['suffix']}"
                name = site["name"].format(municipality=muni)
                st.location_names[site_code] = name
                rows.append(
                    _location(site_code, name, site["kind"], muni_code, _jitter(point, rng, 0.02))
                )
    by_code = {row["code"]: row for row in rows}
    for site in places["detention_sites"]:
        state_code = "-".join(site["code"].split("-")[:2])
        if "parent" in site:
            parent = site["parent"]
        else:
            parent = st.municipality_codes[(state_code, site["municipality"])]
        point = by_code[parent]
        row = _location(site["code"], site["name"], "location.detention_site", parent, point)
        rows.append(row)
        by_code[site["code"]] = row
        st.location_names[site["code"]] = site["name"]
        st.detention_sites.setdefault(site["operator"], []).append(site)
    return rows


def _location(
    code: str, name: str, kind: str, parent: str, point: dict[str, Any]
) -> dict[str, Any]:
    return {
        "code": code,
        "name": name,
        "kind": kind,
        "parent_code": parent,
        "lat": round(float(point["lat"]), 4),
        "lon": round(float(point["lon"]), 4),
        "notes": SYNTHETIC_NOTE,
    }


def _jitter(point: dict[str, Any], rng: random.Random, spread: float) -> dict[str, float]:
    return {
        "lat": float(point["lat"]) + rng.uniform(-spread, spread),
        "lon": float(point["lon"]) + rng.uniform(-spread, spread),
    }


def _organizations(units_data: dict[str, Any], st: Structure) -> list[dict[str, Any]]:
    rows = []
    for unit in units_data["units"]:
        st.units[unit["code"]] = unit
        for state in unit.get("states", []):
            st.regional_units.setdefault("GT-REG", {})[state] = unit["code"]
        rows.append(
            {
                "code": unit["code"],
                "name": unit["name"],
                "acronym": unit["acronym"],
                "unit_type": unit["unit_type"],
                "parent_code": unit.get("parent", ""),
                "notes": SYNTHETIC_NOTE,
            }
        )
    return rows


def _people(
    units_data: dict[str, Any], rng: random.Random, names: NameBook, st: Structure
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    persons: list[dict[str, Any]] = []
    positions: list[dict[str, Any]] = []
    aliases = list(units_data["agent_aliases"])
    rng.shuffle(aliases)

    def new_person(sex: str, nickname: str = "") -> str:
        record_id = f"PER-{len(persons) + 1:04d}"
        persons.append(
            {
                "record_id": record_id,
                "given_names": names.given_names(sex, rng),
                "first_surname": names.surname(rng),
                "second_surname": names.surname(rng),
                "nickname": nickname,
                "sex": f"sex.{sex}",
                "role": "perpetrator",
                "notes": SYNTHETIC_NOTE,
            }
        )
        return record_id

    for unit in units_data["units"]:
        ranks = unit["ranks"]
        # Successive heads of the unit: terms of one to three years over the period.
        start = _POSITIONS_START + dt.timedelta(days=rng.randrange(200))
        while start < _POSITIONS_END:
            end = min(start + dt.timedelta(days=rng.randint(365, 1100)), _POSITIONS_END)
            sex = "female" if rng.random() < 0.15 else "male"
            head = new_person(sex)
            positions.append(_position(head, unit["code"], unit["title"], ranks[0], start, end))
            start = end + dt.timedelta(days=1)
        # Field agents known by an alias, in the units that act on the ground.
        if unit["unit_type"] != "unit.executive" and unit["code"] not in ("FAN", "GT", "AG", "TCM"):
            for _ in range(rng.randint(1, 2)):
                alias = aliases.pop() if aliases else ""
                agent = new_person("female" if alias.startswith("La ") else "male", alias)
                rank = ranks[-1] if ranks[-1] else ""
                st.agents.setdefault(unit["code"], []).append((agent, alias))
                positions.append(
                    _position(
                        agent, unit["code"], "Funcionario/a", rank, _POSITIONS_START, _POSITIONS_END
                    )
                )
    return persons, positions


def _position(
    person: str, unit: str, title: str, rank: str, start: dt.date, end: dt.date
) -> dict[str, Any]:
    return {
        "person_record_id": person,
        "unit_code": unit,
        "title": title,
        "rank": rank,
        "start_date": start.isoformat(),
        "end_date": end.isoformat(),
        "notes": SYNTHETIC_NOTE,
    }


def _events(
    places: dict[str, Any], rng: random.Random, timeline: Timeline, count: int, st: Structure
) -> list[dict[str, Any]]:
    states = places["states"]
    state_cum = list(accumulate(float(s["weight"]) for s in states))
    drawn = []
    for _ in range(count):
        kind = "protest" if rng.random() < 0.7 else "raid"
        state = rng.choices(states, cum_weights=state_cum)[0]
        muni = rng.choice(state["municipalities"])
        drawn.append((timeline.sample_day(rng), kind, state["code"], muni))
    drawn.sort()
    rows = []
    for index, (day, kind, state, muni) in enumerate(drawn):
        code = f"EV-{index + 1:04d}"
        muni_code = st.municipality_codes[(state, muni)]
        if kind == "protest":
            location = st.site(muni_code, "PZ")
            title = f"Represión de una protesta en {muni} (ficticia)"
            description = "Manifestación dispersada con violencia; hechos ficticios."
        else:
            location = st.site(muni_code, "BR")
            title = f"Operativo de seguridad en un barrio de {muni} (ficticio)"
            description = "Operativo policial-militar con allanamientos; hechos ficticios."
        st.events.setdefault((kind, state), []).append((code, day, location))
        rows.append(
            {
                "code": code,
                "title": title,
                "date": day.isoformat(),
                "location_code": location,
                "description": f"{description} {SYNTHETIC_NOTE}",
                "notes": SYNTHETIC_NOTE,
            }
        )
    return rows
