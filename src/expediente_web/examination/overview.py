"""What the preliminary-examination view shows, computed from the record in a bounded number of
queries: jurisdiction (temporal, territorial, personal), gravity (scale, nature, manner),
admissibility (the national proceedings) and where the contextual elements stand.

Every number here comes with what a page needs to link to the records behind it: an act type
to the act list filtered by it, a bucket of the temporal check to its acts, an estimate to its
page, a proceeding to its page. Nothing protected is read here but through the access
functions; persons are labelled by the view.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count

from expediente.legal.ladder import Ladder
from expediente_web.analyses.access import access_estimate_runs
from expediente_web.cases.models import Case
from expediente_web.cases.validation import vocabularies
from expediente_web.examination.access import (
    access_attack_links,
    access_attacks,
    access_jurisdiction,
    access_proceedings,
)
from expediente_web.examination.actions import GENUINENESS
from expediente_web.examination.models import JurisdictionBasis, NationalProceeding
from expediente_web.examination.temporal import temporal_counts
from expediente_web.records.access import access_records
from expediente_web.records.models import Act, Location, Person

#: Systematic indicators of the patterns report shown under "manner of commission".
MANNER_INDICATORS = (
    "place_profile_similarity",
    "unit_profile_similarity",
    "temporal_gini",
    "peak_share",
)


@dataclass
class Jurisdiction:
    basis: JurisdictionBasis | None
    counts: dict[str, int]
    countries: list[tuple[Location, int]]
    unplaced: int


@dataclass
class Gravity:
    acts: int
    by_type: list[tuple[str, int, list[str]]]
    """(act type, acts, the art. 7 crimes the type refers to)."""
    victims: int
    victims_resolved: bool
    """Whether victims count as persons resolved by linkage (else by victim record)."""
    estimate: dict[str, Any] | None
    methods: list[tuple[str, int]]
    indicators: list[dict[str, Any]]
    patterns_note: str = ""


@dataclass
class Admissibility:
    proceedings: list[NationalProceeding]
    covered_acts: int
    total_acts: int
    flags: list[tuple[str, list[NationalProceeding]]]
    suspects: list[tuple[Person, list[NationalProceeding]]]
    no_proceeding: bool


@dataclass
class Standing:
    rows: list[Any]
    group_status: Ladder | None
    attacks: int
    linked_acts: int
    at_basis: int = 0
    meets: bool = False
    notes: list[str] = field(default_factory=list)


def _countries(user: Any, case: Case, acts: Any) -> tuple[list[tuple[Location, int]], int]:
    """Acts by the country their place (or their event's) lies in, and how many have none."""
    places = {
        pk: (parent, kind)
        for pk, parent, kind in access_records(user, case, Location).values_list(
            "id", "parent_id", "kind"
        )
    }

    def country_of(pk: int | None) -> int | None:
        for _step in range(32):
            if pk is None or pk not in places:
                return None
            parent, kind = places[pk]
            if kind == "location.country" or parent is None:
                return pk
            pk = parent
        return None

    counts: Counter[int] = Counter()
    unplaced = 0
    for location_id, event_location_id in acts.values_list("location_id", "event__location_id"):
        country = country_of(location_id or event_location_id)
        if country is None:
            unplaced += 1
        else:
            counts[country] += 1
    found = {loc.pk: loc for loc in Location.objects.filter(pk__in=list(counts))}
    rows = sorted(((found[pk], n) for pk, n in counts.items()), key=lambda r: (-r[1], r[0].name))
    return rows, unplaced


def jurisdiction(user: Any, case: Case) -> Jurisdiction:
    acts = access_records(user, case, Act)
    basis = access_jurisdiction(user, case)
    counts = temporal_counts(acts, basis.entry_into_force) if basis is not None else {}
    countries, unplaced = _countries(user, case, acts)
    return Jurisdiction(basis, counts, countries, unplaced)


def _headline(run: Any) -> dict[str, Any] | None:
    result = run.result or {}
    head = result.get("total") or (result.get("estimates") or [None])[0]
    if not head or head.get("estimate") is None:
        return None
    intervals = head.get("intervals") or []
    return {
        "run": run,
        "estimate": head.get("estimate"),
        "recorded": head.get("n_observed"),
        "interval": intervals[0] if intervals else None,
    }


def gravity(user: Any, case: Case) -> Gravity:
    from expediente.patterns.report import INDICATORS, format_value
    from expediente_web.analyses.patterns import case_patterns

    vocab = vocabularies()
    acts = access_records(user, case, Act)
    by_type = []
    total = 0
    for row in acts.values("act_type").annotate(n=Count("id")).order_by("-n", "act_type"):
        term = vocab.get(row["act_type"])
        crimes = [ref for ref in (term.refs if term else ()) if ref.startswith("art7.")]
        by_type.append((row["act_type"], row["n"], crimes))
        total += row["n"]
    methods: Counter[str] = Counter()
    for listed in acts.values_list("methods", flat=True):
        methods.update(str(m) for m in listed or [])
    victims = acts.values("victim_id").distinct().count()
    victims_resolved = False
    run = access_estimate_runs(user, case).first()
    estimate = _headline(run) if run is not None else None
    indicators: list[dict[str, Any]] = []
    note = ""
    found = case_patterns(user, case, ["month"])
    if found.report is not None:
        victims, victims_resolved = found.report.widespread.victims, found.acts.link_run is not None
        known = {i.key: i for i in INDICATORS}
        for key in MANNER_INDICATORS:
            if key in known:
                indicators.append(
                    {"indicator": known[key], "value": format_value(found.report, key)}
                )
    else:
        note = "no_dated_acts"
    return Gravity(
        acts=total,
        by_type=by_type,
        victims=victims,
        victims_resolved=victims_resolved,
        estimate=estimate,
        methods=sorted(methods.items(), key=lambda r: (-r[1], r[0])),
        indicators=indicators,
        patterns_note=note,
    )


def covered_act_ids(user: Any, case: Case) -> set[int]:
    """The live acts of the case that a live national proceeding covers."""
    live = access_records(user, case, Act).values_list("id", flat=True)
    through = NationalProceeding.acts.through
    return set(
        through.objects.filter(
            nationalproceeding__in=access_proceedings(user, case), act_id__in=live
        ).values_list("act_id", flat=True)
    )


def admissibility(user: Any, case: Case, suspects: list[Person]) -> Admissibility:
    proceedings = list(access_proceedings(user, case).order_by("opened_earliest", "id"))
    covered = covered_act_ids(user, case)
    total = access_records(user, case, Act).count()
    order = [t.id for t in vocabularies().terms(GENUINENESS)]
    flags: dict[str, list[NationalProceeding]] = {}
    for proceeding in proceedings:
        for flag in proceeding.indicators or []:
            flags.setdefault(flag, []).append(proceeding)
    accused: dict[int, list[NationalProceeding]] = {}
    for proceeding in proceedings:
        for person in proceeding.accused.all():
            accused.setdefault(person.pk, []).append(proceeding)
    return Admissibility(
        proceedings=proceedings,
        covered_acts=len(covered),
        total_acts=total,
        flags=sorted(flags.items(), key=lambda f: order.index(f[0]) if f[0] in order else 99),
        suspects=[(person, accused.get(person.pk, [])) for person in suspects],
        no_proceeding=not proceedings,
    )


def standing(user: Any, case: Case) -> Standing:
    """The contextual elements' rungs as the element matrix holds them, and the attacks."""
    from expediente_web.assessment.loading import load_matrix

    loaded = load_matrix(user, case)
    group = next((g for g in loaded.groups if g.contextual), None)
    rows = group.rows if group is not None else []
    at_basis = sum(1 for row in rows if row.status.meets(Ladder.REASONABLE_BASIS))
    return Standing(
        rows=rows,
        group_status=group.status if group is not None else None,
        attacks=access_attacks(user, case).count(),
        linked_acts=access_attack_links(user, case).values("act_id").distinct().count(),
        at_basis=at_basis,
        meets=bool(rows) and at_basis == len(rows),
    )
