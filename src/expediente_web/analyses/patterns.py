"""Pattern analysis of a case: its live acts as the core's acts frame, and the report on them.

The acts frame is built here (the analyses app's one other place, with `adapters.py`, where
stored rows become core tables). Nothing protected enters it: act types, methods, dates, the
state of the act's place, the perpetrator unit and the victim's affiliation, with the victim
known only by the id of their resolved person (or of their record when not linked).

- **victim**: the person the latest linkage run resolved the victim's record into, so a
  person listed by three sources counts once; the record itself when the record is not in
  that run (added since, or without a source), or when the case has no linkage run yet;
- **state**: the act's place walked up the place tree to its state (the event's place when
  the act has none);
- **unit**: the unit of the act's most direct involvement (direct, then ordered, planned,
  present…); an act with several units counts under that one;
- **affiliation**: the victim record's affiliation.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import polars as pl

from expediente_web.analyses.models import EstimateRun, LinkRun, RecordLink
from expediente_web.cases.access import NotPermitted, role_in
from expediente_web.cases.models import Case
from expediente_web.records.models import Act, Involvement, Location

__all__ = ["DEGREE_ORDER", "CaseActs", "CasePatterns", "case_acts", "case_patterns"]

#: Involvement degrees from the most to the least direct: an act's unit is its most direct one.
DEGREE_ORDER = ("involvement.direct", "involvement.ordered", "involvement.planned",
                "involvement.present", "involvement.accomplice",
                "involvement.failed_to_prevent", "involvement.failed_to_punish",
                "involvement.suspected")


@dataclass(frozen=True)
class CaseActs:
    """A case's live acts as the core's acts frame, and what was left out or merged.

    Attributes:
        case_code: the case.
        frame: one row per dated live act: ``act_id``, ``victim_id``, ``act_type``,
            ``methods``, ``start_date``, ``end_date``, ``place`` (state), ``unit``,
            ``victim_affiliation``.
        link_run: the linkage run whose persons are the victims, or None.
        undated: live acts with no date, left out (every indicator needs a date).
        unlinked_victims: acts whose victim record is not in `link_run` (counted by record).
        several_units: acts with more than one unit involved.
        input_sha256: SHA-256 of the frame's CSV form, rows sorted by act.
    """

    case_code: str
    frame: pl.DataFrame
    link_run: LinkRun | None
    undated: int
    unlinked_victims: int
    several_units: int
    input_sha256: str


def _states(case: Case) -> dict[int, str | None]:
    """Location pk → name of the state it lies in (None above or outside a state)."""
    tree = {pk: (kind, name, parent) for pk, kind, name, parent in
            Location.objects.filter(case=case).values_list("id", "kind", "name", "parent_id")}
    found: dict[int, str | None] = {}
    for pk in tree:
        current: int | None = pk
        state = None
        for _ in range(32):  # a bounded walk: the tree is shallow, a cycle must not hang
            if current is None:
                break
            kind, name, parent = tree[current]
            if kind == "location.state":
                state = name
                break
            current = parent
        found[pk] = state
    return found


def _units(case: Case) -> tuple[dict[int, str], int]:
    """Act pk → label of its most direct unit, and how many acts name several units."""
    rank = {degree: i for i, degree in enumerate(DEGREE_ORDER)}
    best: dict[int, tuple[int, int, str]] = {}
    seen: dict[int, set[int]] = {}
    rows = (Involvement.objects.filter(act__case=case, unit__isnull=False)
            .values_list("act_id", "degree", "unit_id", "unit__acronym", "unit__name"))
    for act_id, degree, unit_id, acronym, name in rows:
        seen.setdefault(act_id, set()).add(unit_id)
        key = (rank.get(degree, len(rank)), unit_id, acronym or name)
        if act_id not in best or key < best[act_id]:
            best[act_id] = key
    return ({act: key[2] for act, key in best.items()},
            sum(1 for units in seen.values() if len(units) > 1))


def case_acts(case: Case, link_run: LinkRun | None = None, *, latest: bool = True) -> CaseActs:
    """The case's live acts (of live victims) as the core's acts frame.

    Args:
        case: the case.
        link_run: whose persons are the victims; the latest run when None and `latest`.
        latest: with `link_run` None, False counts victims by record.
    """
    if link_run is None and latest:
        link_run = LinkRun.objects.filter(case=case).first()
    clusters: dict[int, str] = {}
    if link_run is not None:
        clusters = dict(RecordLink.objects.filter(run=link_run)
                        .values_list("record_id", "cluster"))
    states = _states(case)
    units, several = _units(case)
    rows = (Act.objects.live().filter(case=case, victim__deleted_at__isnull=True)
            .order_by("id")
            .values_list("id", "uid", "victim_id", "victim__uid", "victim__affiliation",
                         "act_type", "methods", "date_earliest", "date_latest", "location_id",
                         "event__location_id"))
    data: dict[str, list[Any]] = {name: [] for name in (
        "act_id", "victim_id", "act_type", "methods", "start_date", "end_date", "place", "unit",
        "victim_affiliation")}
    undated = unlinked = 0
    for (pk, uid, victim_pk, victim_uid, affiliation, act_type, methods, earliest, latest_day,
         location_id, event_location_id) in rows.iterator(chunk_size=5000):
        if earliest is None:
            undated += 1
            continue
        cluster = clusters.get(victim_pk)
        if cluster is None:
            unlinked += link_run is not None
        place_id = location_id or event_location_id
        data["act_id"].append(str(uid))
        data["victim_id"].append(f"person:{cluster}" if cluster else f"record:{victim_uid}")
        data["act_type"].append(act_type or None)
        data["methods"].append([str(m) for m in methods or []])
        data["start_date"].append(earliest)
        data["end_date"].append(latest_day or earliest)
        data["place"].append(states.get(place_id) if place_id else None)
        data["unit"].append(units.get(pk))
        data["victim_affiliation"].append(affiliation or None)
    schema: dict[str, Any] = dict.fromkeys(data, pl.String)
    schema.update(methods=pl.List(pl.String), start_date=pl.Date, end_date=pl.Date)
    frame = pl.DataFrame(data, schema=schema)
    text = frame.sort("act_id").with_columns(pl.col("methods").list.join(";")).write_csv()
    return CaseActs(case.code, frame, link_run, undated, unlinked, several,
                    hashlib.sha256(text.encode("utf-8")).hexdigest())


@dataclass(frozen=True)
class CasePatterns:
    """The pattern report of a case, the acts it was made from and the estimate it used.

    Attributes:
        report: an :class:`expediente.patterns.report.PatternReport`, or None when the case has
            no dated act.
        acts: the acts.
        estimate_run: the stored estimate that gave the scale, or None.
        source: what the report was made from (case, hashes, runs), for its JSON.
    """

    report: Any
    acts: CaseActs
    estimate_run: EstimateRun | None
    source: dict[str, Any]


def _notes(acts: CaseActs, estimate_run: EstimateRun | None) -> list[str]:
    # Linkage resolves persons, not acts: the same act reported by two sources is two records.
    notes = ["acts are act records: an act that several sources report counts once per "
             "source, while victims count once per person"]
    run = acts.link_run
    if run is None:
        notes.append("the case has no linkage run yet: victims are counted by record, so a "
                     "person listed by several sources counts more than once")
    else:
        notes.append(f"victims are the persons of linkage run {run.uid} "
                     f"({run.created_at:%Y-%m-%d %H:%M} UTC)")
        if acts.unlinked_victims:
            notes.append(f"{acts.unlinked_victims:,} act(s) have a victim record that is not in "
                         "that run (added since, or without a source): counted by record")
    if acts.undated:
        notes.append(f"{acts.undated:,} act(s) have no date and are left out")
    if acts.several_units:
        notes.append(f"{acts.several_units:,} act(s) involve several units: each counts under "
                     "its most direct one")
    if estimate_run is None:
        notes.append(f"the case has no stored estimate: `expediente estimate --case "
                     f"{acts.case_code}` makes one")
    elif run is not None and estimate_run.link_run_id != run.pk:
        notes.append("the estimate was made on an earlier linkage run than the one counting "
                     "victims here")
    return notes


def case_patterns(actor: Any, case: Case, by: list[str] | tuple[str, ...] = ("month",),
                  reference_shares: dict[str, float] | None = None) -> CasePatterns:
    """Counts and indicators of the case's live acts, the scale from its latest estimate.

    Every role of the case may see them (nothing protected is in them); the operator (`actor`
    None) too. `reference_shares` (affiliation group → its share of the population at risk)
    adds the targeting ratio and test.

    Raises:
        NotPermitted: the actor has no role in the case.
        click.ClickException: an unknown dimension in `by` (exit code 2).
    """
    from expediente.patterns.acts import PatternInputError
    from expediente.patterns.files import estimate_from_result
    from expediente.patterns.report import build_report

    if actor is not None and role_in(actor, case) is None:
        who = getattr(actor, "username", "") or "anonymous"
        raise NotPermitted(f"{who} may not see the patterns of case {case.code} (no role in it)")
    acts = case_acts(case)
    estimate_run = EstimateRun.objects.filter(case=case).first()
    estimate = scale = None
    notes = _notes(acts, estimate_run)
    if estimate_run is not None:
        try:
            estimate = estimate_from_result(estimate_run.result, f"estimate {estimate_run.uid}")
        except PatternInputError as exc:  # a stored estimate with no total (every stratum refused)
            notes.append(f"the latest stored estimate cannot give the scale: {exc.message}")
            estimate_run = None
        else:
            scale = (f"stored estimate {estimate_run.uid} of "
                     f"{estimate_run.created_at:%Y-%m-%d %H:%M} UTC by {estimate_run.actor}"
                     + (f", stratified by {estimate_run.parameters['strata']}"
                        if estimate_run.parameters.get("strata") else ""))
    source = {
        "case": case.code,
        "acts": acts.frame.height,
        "acts_sha256": acts.input_sha256,
        "link_run": str(acts.link_run.uid) if acts.link_run else None,
        "estimate_run": str(estimate_run.uid) if estimate_run else None,
        "places": "state of the act's place",
    }
    report = None
    if acts.frame.height:
        report = build_report(acts.frame, list(by), estimate=estimate, scale=scale,
                              reference_shares=reference_shares,
                              parameters={"case": case.code, "link_run": source["link_run"],
                                          "estimate_run": source["estimate_run"]},
                              notes=notes)
    return CasePatterns(report, acts, estimate_run, source)
