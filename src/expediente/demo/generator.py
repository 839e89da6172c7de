"""Generate the synthetic demo case: structure, true victims and acts, sources, ground truth."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from typing import Any

import numpy as np

from expediente.demo.capture import capture_matrix
from expediente.demo.case import (
    SYNTHETIC_NOTE,
    DemoCase,
    Size,
    SourceData,
    SourceSpec,
    Table,
    Truth,
)
from expediente.demo.narratives import Narrator
from expediente.demo.population import NameBook, TruePerson, sample_population
from expediente.demo.raw_layouts import LAYOUTS
from expediente.demo.recording import ACT_HEADER, TESTIMONY_HEADER, VICTIM_HEADER, Recorder
from expediente.demo.resources import load_data
from expediente.demo.structure import Structure, build_structure
from expediente.demo.timeline import Timeline
from expediente.demo.victimisation import ActGenerator, TrueAct

GENERATOR_VERSION = "1"
SIZES: tuple[Size, ...] = ("small", "large")

# A capture: one source lists one true victim, with the true acts it records.
Capture = tuple[int, list[int]]


def source_codes() -> list[str]:
    """The codes of the case's sources, in order."""
    return [source["code"] for source in load_data("scenario")["sources"]]


def step_count() -> int:
    """Number of progress steps `generate` reports (for a progress bar)."""
    return 4 + len(load_data("scenario")["sources"])


def generate(
    seed: int, size: Size = "small", progress: Callable[[int], None] | None = None
) -> DemoCase:
    """Generate the synthetic demo case for a seed and size.

    Args:
        seed: Random seed; the same seed and size give the same case.
        size: ``"small"`` (a few hundred victims) or ``"large"`` (exactly 100,000 act records).
        progress: Optional callback, called with the number of steps just completed
            (`step_count` steps in all).

    Returns:
        The generated case with its ground truth.

    Raises:
        ValueError: `size` is not ``"small"`` or ``"large"``.
    """
    if size not in SIZES:
        raise ValueError(f"unknown size {size!r}; expected one of {', '.join(SIZES)}")
    tick = progress or (lambda _n: None)
    scenario = load_data("scenario")
    config = scenario["sizes"][size]
    sources: list[dict[str, Any]] = scenario["sources"]
    target: int | None = config.get("target_act_records")
    timeline = Timeline()
    names = NameBook()
    structure = build_structure(
        random.Random(f"{seed}/structure"), timeline, names, int(config["events"])  # noqa: S311 (synthetic data, not a secret)
    )
    tick(1)
    count = int(config["victims"])
    while True:
        people = sample_population(count, random.Random(f"{seed}/people/{count}"), timeline, names)  # noqa: S311 (synthetic data, not a secret)
        acts = ActGenerator(structure, random.Random(f"{seed}/acts/{count}")).generate(people)  # noqa: S311 (synthetic data, not a secret)
        acts_by_person: list[list[int]] = [[] for _ in people]
        for index, act in enumerate(acts):
            acts_by_person[act.person].append(index)
        captured = capture_matrix(people, acts, sources, np.random.default_rng([seed, count]))
        selection = _select(
            captured, acts, acts_by_person, sources, random.Random(f"{seed}/select")  # noqa: S311 (synthetic data, not a secret)
        )
        total = sum(len(chosen) for captures in selection for _, chosen in captures)
        if target is None or total >= target:
            break
        count = int(count * 1.1) + 1  # too few records for the exact target: a larger population
    if target is not None:
        _trim(selection, sources, total - target, random.Random(f"{seed}/trim"))  # noqa: S311 (synthetic data, not a secret)
    tick(2)
    narrator = Narrator(
        structure.location_names, {code: unit["name"] for code, unit in structure.units.items()}
    )
    source_data = []
    error_counts: dict[str, dict[str, int]] = {}
    truth_records: list[tuple[str, ...]] = []
    truth_acts: list[tuple[str, ...]] = []
    records_per_act = Counter[int]()
    silenced = {a.person for a in acts if a.outcome in ("outcome.killed", "outcome.disappeared")}
    for source, captures in zip(sources, selection, strict=True):
        recorder = _recorder(source, structure, seed)
        data = _render_source(
            source,
            captures,
            people,
            acts,
            structure,
            recorder,
            narrator,
            random.Random(f"{seed}/narrative/{source['code']}"),  # noqa: S311 (synthetic data, not a secret)
            truth_records,
            truth_acts,
            records_per_act,
            silenced,
        )
        source_data.append(data)
        error_counts[source["code"]] = dict(sorted(recorder.error_counts.items()))
        tick(1)
    truth = _truth(
        seed,
        size,
        people,
        acts,
        captured,
        sources,
        source_data,
        truth_records,
        truth_acts,
        records_per_act,
        error_counts,
    )
    structure.data["case"] = _case_header(seed, size)
    tick(1)
    return DemoCase(
        seed=seed, size=size, structure=structure.data, sources=source_data, truth=truth
    )


def _case_header(seed: int, size: Size) -> dict[str, Any]:
    return {
        "code": f"DEMO-{size.upper()}-{seed}",
        "title": "Caso de demostración: situación ficticia de tipo venezolano (SINTÉTICO)",
        "country": "VE",
        "period": "2014-01/2019-12",
        "description": (
            "Caso ficticio generado automáticamente para demostrar y probar Expediente. "
            "Personas, unidades, lugares de detención, hechos y testimonios son inventados. "
            "Fictional case generated to demonstrate and test Expediente: every person, unit, "
            "detention site, event and testimony is invented. " + SYNTHETIC_NOTE
        ),
        "synthetic": True,
        "seed": seed,
        "size": size,
        "generator_version": GENERATOR_VERSION,
        "notes": SYNTHETIC_NOTE,
    }


# -- which acts each source records -------------------------------------------------------


def _focus(source: dict[str, Any], act_type: str) -> float:
    """Probability that the source records an act of this type (longest matching prefix)."""
    focus: dict[str, float] = source["focus"]
    best, best_len = float(focus.get("all", 0.0)), 0
    for prefix, probability in focus.items():
        if prefix != "all" and act_type.startswith(prefix) and len(prefix) > best_len:
            best, best_len = float(probability), len(prefix)
    return best


def _select(
    captured: np.ndarray,
    acts: list[TrueAct],
    acts_by_person: list[list[int]],
    sources: list[dict[str, Any]],
    rng: random.Random,
) -> list[list[Capture]]:
    """For every source, its captured victims (in record order) and the acts it records."""
    selection: list[list[Capture]] = []
    for j, source in enumerate(sources):
        focus_cache: dict[str, float] = {}
        persons = [int(i) for i in np.flatnonzero(captured[:, j])]
        rng.shuffle(persons)  # record order must not reveal the true person order
        captures: list[Capture] = []
        for person in persons:
            scored = []
            for index in acts_by_person[person]:
                act_type = acts[index].act_type
                if act_type not in focus_cache:
                    focus_cache[act_type] = _focus(source, act_type)
                scored.append((focus_cache[act_type], acts[index].severity, index))
            chosen = [index for q, _, index in scored if rng.random() < q]
            if not chosen:  # a listed victim carries at least their most relevant act
                chosen = [min(scored, key=lambda s: (-s[0], s[1]))[2]]
            if source.get("raw_headers"):  # one act per row: the most serious
                chosen = [min(chosen, key=lambda i: acts[i].severity)]
            captures.append((person, sorted(chosen, key=lambda i: (acts[i].start, i))))
        selection.append(captures)
    return selection


def _trim(
    selection: list[list[Capture]], sources: list[dict[str, Any]], excess: int, rng: random.Random
) -> None:
    """Drop `excess` act records at random, never a victim's last act in a source."""
    slots = [
        (j, k)
        for j, captures in enumerate(selection)
        if not sources[j].get("raw_headers")
        for k, (_, chosen) in enumerate(captures)
        for _ in range(len(chosen) - 1)
    ]
    if excess > len(slots):
        raise RuntimeError("cannot reach the exact act-record target")  # pragma: no cover
    drops = Counter(rng.sample(slots, excess))
    for (j, k), n in sorted(drops.items()):
        person, chosen = selection[j][k]
        keep = sorted(rng.sample(range(len(chosen)), len(chosen) - n))
        selection[j][k] = (person, [chosen[i] for i in keep])


# -- rendering ----------------------------------------------------------------------------


def _recorder(source: dict[str, Any], structure: Structure, seed: int) -> Recorder:
    parents = {loc["code"]: loc["parent_code"] for loc in structure.data["locations"]}
    unit_parents = {code: unit.get("parent", "") for code, unit in structure.units.items()}
    acting_units = sorted(structure.agents)
    return Recorder(
        source,
        random.Random(f"{seed}/record/{source['code']}"),  # noqa: S311 (synthetic data, not a secret)
        parents,
        unit_parents,
        acting_units,
    )


def _record_id(source: dict[str, Any], number: int, first_act: TrueAct) -> str:
    prefix = source["id_prefix"]
    if source["style"] == "official":  # official file numbers carry the year of the facts
        return f"{prefix}{first_act.start.year}-{number:05d}"
    return f"{prefix}{number:05d}"


def _render_source(
    source: dict[str, Any],
    captures: list[Capture],
    people: list[TruePerson],
    acts: list[TrueAct],
    structure: Structure,
    recorder: Recorder,
    narrator: Narrator,
    rng: random.Random,
    truth_records: list[tuple[str, ...]],
    truth_acts: list[tuple[str, ...]],
    records_per_act: Counter[int],
    silenced: set[int],
) -> SourceData:
    code = source["code"]
    spec = SourceSpec(
        code=code,
        name=source["name"],
        kind=source["kind"],
        reliability=source["reliability"],
        description=source["description"],
        raw_headers=bool(source.get("raw_headers")),
    )
    if spec.raw_headers:
        layout = LAYOUTS[source["style"]]
        rows = []
        for number, (person_index, chosen) in enumerate(captures, start=1):
            person = people[person_index]
            record_id = _record_id(source, number, acts[chosen[0]])
            act = acts[chosen[0]]
            rows.append(layout.row(recorder.raw_victim_fields(record_id, person, act)))
            truth_records.append((code, "victims", record_id, person.person_id, SYNTHETIC_NOTE))
            truth_acts.append(_truth_act(code, record_id, act, person))
            records_per_act[chosen[0]] += 1
        return SourceData(
            spec,
            Table(layout.header, rows),
            Table(ACT_HEADER),
            Table(TESTIMONY_HEADER),
            mapping=layout.mapping(),
        )
    victims: list[tuple[str, ...]] = []
    act_rows: list[tuple[str, ...]] = []
    testimonies: list[tuple[str, ...]] = []
    testimony_config = source.get("testimonies")
    aliases = {agent: alias for agents in structure.agents.values() for agent, alias in agents}
    names = NameBook()
    for number, (person_index, chosen) in enumerate(captures, start=1):
        person = people[person_index]
        record_id = _record_id(source, number, acts[chosen[0]])
        row = recorder.victim_row(record_id, person)
        victims.append(row)
        truth_records.append((code, "victims", record_id, person.person_id, SYNTHETIC_NOTE))
        act_ids = []
        for n, index in enumerate(chosen, start=1):
            act = acts[index]
            act_id = f"{record_id}-{n}"
            act_ids.append(act_id)
            act_rows.append(recorder.act_row(act_id, record_id, act))
            truth_acts.append(_truth_act(code, act_id, act, person))
            records_per_act[index] += 1
        if testimony_config and rng.random() < float(testimony_config["share"]):
            testimony_id = f"{source['id_prefix']}T{number:05d}"
            # the dead and the disappeared cannot testify: a relative speaks for them
            alive = person_index not in silenced
            self_witness = alive and rng.random() < float(testimony_config["self"])
            victim_name = _spoken_name(row)
            if self_witness:
                witness_id, witness_name, phone = record_id, victim_name, person.phone
            else:
                witness_id = ""
                relative = person.given_names
                while relative == person.given_names:
                    relative = names.given_names(rng.choice(("female", "male")), rng)
                witness_name = f"{relative} {person.first_surname}"
                phone = f"0414-555-{rng.randrange(10000):04d}"
            last = max(acts[i].end or acts[i].start for i in chosen)
            told = _testimony_date(source, last, rng)
            narrative = narrator.narrative(
                rng,
                first_person=self_witness,
                sex=person.sex,
                name=victim_name,
                municipality=person.municipality,
                state=structure.state_names[person.state],
                acts=[acts[i] for i in chosen],
                aliases=aliases,
            )
            testimonies.append(
                (
                    testimony_id,
                    witness_id,
                    witness_name,
                    phone,
                    told,
                    "es",
                    f"Entrevistador/a {rng.randint(1, 12):02d} (ficticio)",
                    recorder.consent_scope(),
                    narrative,
                    ";".join(act_ids),
                    SYNTHETIC_NOTE,
                )
            )
            truth_records.append(
                (code, "testimonies", testimony_id, person.person_id, SYNTHETIC_NOTE)
            )
    return SourceData(
        spec,
        Table(VICTIM_HEADER, victims),
        Table(ACT_HEADER, act_rows),
        Table(TESTIMONY_HEADER, testimonies),
    )


def _spoken_name(row: tuple[str, ...]) -> str:
    """The victim's name as written in the source's own victim row."""
    fields = dict(zip(VICTIM_HEADER, row, strict=True))
    if fields["full_name"]:
        return fields["full_name"]
    return " ".join(
        part
        for part in (fields["given_names"], fields["first_surname"], fields["second_surname"])
        if part
    )


def _testimony_date(source: dict[str, Any], last: dt.date, rng: random.Random) -> str:
    """When the testimony was given: during the hearings, or some time after the facts."""
    if source["code"] == "SRC-07":
        day = dt.date(2017, 9, 4) + dt.timedelta(days=rng.randrange(70))
    elif source["code"] == "SRC-08":
        day = dt.date(2018, 3, 5) + dt.timedelta(days=rng.randrange(200))
    else:
        day = last + dt.timedelta(days=rng.randint(20, 500))
    day = max(day, last)
    return min(day, dt.date(2020, 6, 30)).isoformat()


# -- ground truth -------------------------------------------------------------------------


def _truth_act(code: str, record_id: str, act: TrueAct, person: TruePerson) -> tuple[str, ...]:
    return (code, record_id, act.act_id, act.unit, person.person_id, act.act_type, SYNTHETIC_NOTE)


def _truth(
    seed: int,
    size: Size,
    people: list[TruePerson],
    acts: list[TrueAct],
    captured: np.ndarray,
    sources: list[dict[str, Any]],
    source_data: list[SourceData],
    truth_records: list[tuple[str, ...]],
    truth_acts: list[tuple[str, ...]],
    records_per_act: Counter[int],
    error_counts: dict[str, dict[str, int]],
) -> Truth:
    codes = [s["code"] for s in sources]
    n_lists = captured.sum(axis=1)
    acts_per_person = Counter(act.person for act in acts)
    person_rows: list[tuple[str, ...]] = []
    for i, p in enumerate(people):
        listed = ";".join(code for code, hit in zip(codes, captured[i], strict=True) if hit)
        person_rows.append(
            (
                p.person_id,
                p.given_names,
                p.first_surname,
                p.second_surname,
                p.nickname,
                f"sex.{p.sex}",
                p.birth_date.isoformat(),
                f"{p.nationality}-{p.id_digits:,}".replace(",", "."),
                p.state,
                p.municipality,
                p.profile,
                p.occupation,
                p.affiliation,
                f"{p.visibility:.3f}",
                p.episode.isoformat(),
                str(acts_per_person[i]),
                "1" if n_lists[i] else "0",
                str(int(n_lists[i])),
                listed,
                SYNTHETIC_NOTE,
            )
        )
    act_rows: list[tuple[str, ...]] = [
        (
            a.act_id,
            people[a.person].person_id,
            a.act_type,
            a.start.isoformat(),
            a.end.isoformat() if a.end else "",
            a.location,
            a.unit,
            a.event,
            ";".join(a.methods),
            a.outcome,
            "" if a.weight_lost_kg is None else f"{a.weight_lost_kg:.1f}",
            "" if a.days_incommunicado is None else str(a.days_incommunicado),
            "" if a.cell_depth_m is None else f"{a.cell_depth_m:.1f}",
            a.perpetrator,
            str(records_per_act[k]),
            SYNTHETIC_NOTE,
        )
        for k, a in enumerate(acts)
    ]
    documented = int((n_lists > 0).sum())
    histogram = Counter(int(n) for n in n_lists)
    summary = {
        "synthetic": True,
        "note": "Ground truth of a fictional demo case. " + SYNTHETIC_NOTE,
        "seed": seed,
        "size": size,
        "generator_version": GENERATOR_VERSION,
        "true_victims": len(people),
        "documented_victims": documented,
        "undocumented_victims": len(people) - documented,
        "true_acts": len(acts),
        "documented_true_acts": len(records_per_act),
        "act_records": len(truth_acts),
        "victim_records": sum(len(d.victims) for d in source_data),
        "testimony_records": sum(len(d.testimonies) for d in source_data),
        "sources": len(sources),
        "victims_by_number_of_sources": {str(k): histogram[k] for k in sorted(histogram)},
        "per_source": {
            d.spec.code: {
                "victim_records": len(d.victims),
                "act_records": sum(1 for row in truth_acts if row[0] == d.spec.code),
                "testimonies": len(d.testimonies),
                "raw_headers": d.spec.raw_headers,
                "capture_share": round(float(captured[:, j].mean()), 4),
                "injected_errors": error_counts[d.spec.code],
            }
            for j, d in enumerate(source_data)
        },
    }
    return Truth(
        persons=Table(PERSON_HEADER, person_rows),
        records=Table(
            ("source_id", "kind", "record_id", "true_person_id", "synthetic"), truth_records
        ),
        acts=Table(
            (
                "source_id",
                "record_id",
                "true_act_id",
                "true_unit_code",
                "true_person_id",
                "true_act_type",
                "synthetic",
            ),
            truth_acts,
        ),
        true_acts=Table(TRUE_ACT_HEADER, act_rows),
        summary=summary,
    )


PERSON_HEADER = (
    "true_person_id",
    "given_names",
    "first_surname",
    "second_surname",
    "nickname",
    "sex",
    "birth_date",
    "id_number",
    "state",
    "municipality",
    "profile",
    "occupation",
    "affiliation",
    "visibility",
    "first_act_date",
    "true_acts",
    "documented",
    "n_sources",
    "sources",
    "synthetic",
)
TRUE_ACT_HEADER = (
    "true_act_id",
    "true_person_id",
    "act_type",
    "start_date",
    "end_date",
    "location_code",
    "unit_code",
    "event_code",
    "methods",
    "outcome",
    "weight_lost_kg",
    "days_incommunicado",
    "cell_depth_m",
    "perpetrator_record_id",
    "records",
    "synthetic",
)
