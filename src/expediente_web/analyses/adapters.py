"""Where stored rows become the analysis core's tables, and the core's results become rows.

This module is the only place the two meet:

- the case's victim person records → the linkage input frame (protected fields decrypted in
  memory only, and only for an actor allowed to see them);
- reviewers' stored decisions → the core's `PairLabel`s;
- a `LinkResult` → `RecordLink` and `ReviewPair` rows (explanations hold field names, levels and
  weights, never a protected value);
- a stored linkage run → capture histories (one row per resolved person, one 0/1 column per
  list, optional strata columns), exactly the input of `expediente.estimation`.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from expediente_web.analyses.models import LinkRun, PairDecision, RecordLink, ReviewPair
from expediente_web.cases.access import NotPermitted, can_view_protected
from expediente_web.cases.models import Case
from expediente_web.records.models import Act, Location, Person

#: Strata a capture-history table can carry, with what each means.
STRATA = {
    "year": "year of the person's earliest documented act",
    "state": "state where the person's earliest documented act happened (else the state "
             "recorded for the person)",
}

#: What a list (a 0/1 column) of the capture histories stands for.
LIST_GROUPINGS = {
    "source": "one list per source (its code)",
    "kind": "one list per kind of source (NGO lists, hearings, press, official records…)",
}

#: The review queue stored per run is cut here; the summary keeps the full count.
MAX_STORED_QUEUE = 5000

_PERSON_COLUMNS = ("full_name", "given_names", "first_surname", "second_surname", "nickname",
                   "id_number", "birth_date", "sex", "state", "event_date")


@dataclass(frozen=True)
class LinkageInput:
    """The linkage input frame and how to find each row's stored record again.

    Attributes:
        frame: one row per victim person record: `source_id` (source code), `record_id`
            (the record's uid) and the person columns of the core's victims table kind.
        record_pks: record uid → primary key of the stored `Person`.
        without_source: victim records that name no source and so cannot be linked or counted
            in capture histories.
    """

    frame: pl.DataFrame
    record_pks: dict[str, int]
    without_source: int

    @property
    def records(self) -> int:
        return self.frame.height


def victim_records(case: Case) -> Any:
    """Live person records of the case that are the victim of at least one live act."""
    victims = Act.objects.live().filter(case=case).values("victim_id")
    return Person.objects.live().filter(case=case, pk__in=victims)


def _earliest_act_dates(case: Case) -> dict[int, str]:
    """Victim pk → date text of their earliest dated act (the event date the core compares
    ages at)."""
    rows = (Act.objects.live().filter(case=case).exclude(date_earliest__isnull=True)
            .order_by("date_earliest", "id").values_list("victim_id", "date_text"))
    found: dict[int, str] = {}
    for victim_id, text in rows:
        found.setdefault(victim_id, text)
    return found


def linkage_input(actor: Any, case: Case) -> LinkageInput:
    """The case's victim person records as the linkage input frame.

    Names, ID numbers and birth dates are decrypted in memory for the run and never written
    anywhere. Only the operator (`actor` None, who holds the key file) and roles that may see
    protected fields may build it.

    Raises:
        NotPermitted: the actor may not see protected fields in this case.
    """
    if actor is not None and not can_view_protected(actor, case):
        who = getattr(actor, "username", "") or "anonymous"
        raise NotPermitted(f"{who} may not read protected fields in case {case.code}, which "
                           "linkage compares")
    dates = _earliest_act_dates(case)
    rows: dict[str, list[Any]] = {name: [] for name in ("source_id", "record_id", "age",
                                                        *_PERSON_COLUMNS)}
    record_pks: dict[str, int] = {}
    without_source = 0
    records = victim_records(case).select_related("source", "state").order_by("id")
    for person in records.iterator(chunk_size=2000):
        if person.source is None:
            without_source += 1
            continue
        uid = str(person.uid)
        record_pks[uid] = person.pk
        rows["source_id"].append(person.source.code)
        rows["record_id"].append(uid)
        for name in ("full_name", "given_names", "first_surname", "second_surname", "nickname",
                     "id_number", "birth_date", "sex"):
            rows[name].append(getattr(person, name) or None)
        rows["age"].append(person.age)
        rows["state"].append(person.state.name if person.state_id else None)
        rows["event_date"].append(dates.get(person.pk))
    schema: dict[str, Any] = dict.fromkeys(rows, pl.Utf8)
    schema["age"] = pl.Int64
    return LinkageInput(pl.DataFrame(rows, schema=schema), record_pks, without_source)


def pair_key(pk_a: int, pk_b: int) -> tuple[int, int]:
    """A pair of records in a fixed order (decisions are about the pair, not its order)."""
    return (pk_a, pk_b) if pk_a <= pk_b else (pk_b, pk_a)


def latest_decisions(case: Case) -> dict[tuple[int, int], PairDecision]:
    """The most recent decision on each pair of records of the case."""
    latest: dict[tuple[int, int], PairDecision] = {}
    # Oldest first, so a later decision on the same pair replaces an earlier one.
    for decision in PairDecision.objects.filter(case=case).order_by("created_at", "id"):
        latest[pair_key(decision.record_a_id, decision.record_b_id)] = decision
    return latest


def decision_labels(case: Case, data: LinkageInput) -> list[Any]:
    """Reviewers' latest decisions on pairs of records that are both in this run, as labels.

    A decision on a record that was since deleted, or lost its victim role, is kept but not
    applied.
    """
    from expediente.linkage import PairLabel

    uid_of = {pk: uid for uid, pk in data.record_pks.items()}
    source_of = dict(zip(data.frame["record_id"].to_list(), data.frame["source_id"].to_list(),
                         strict=True))
    labels = []
    for (pk_a, pk_b), decision in sorted(latest_decisions(case).items()):
        uid_a, uid_b = uid_of.get(pk_a), uid_of.get(pk_b)
        if uid_a is None or uid_b is None:
            continue
        labels.append(PairLabel(source_of[uid_a], uid_a, source_of[uid_b], uid_b,
                                decision.decision))
    return labels


def _explanation(row: dict[str, Any], field_names: Sequence[str]) -> dict[str, Any]:
    return {
        "match_weight": _number(row.get("match_weight")),
        "same_person": bool(row.get("same_person")),
        "fields": [
            {"field": name, "level": row.get(f"{name}_level") or "missing",
             "weight": _number(row.get(f"{name}_weight"))}
            for name in field_names
        ],
    }


def _number(value: Any) -> float | None:
    if value is None:
        return None
    number = float(value)
    return number if number == number and abs(number) != float("inf") else None


def store_result(run: LinkRun, result: Any, data: LinkageInput,
                 field_names: Sequence[str]) -> tuple[int, int]:
    """Write the run's record links and review queue; returns (links, queued pairs) stored.

    Call inside the transaction that created `run`.
    """
    pks = data.record_pks
    links = [
        RecordLink(run=run, record_id=pks[row["record_id"]], cluster=row["person_id"],
                   probability=_number(row["match_probability"]))
        for row in result.membership.iter_rows(named=True)
    ]
    RecordLink.objects.bulk_create(links, batch_size=2000)
    pairs = []
    for rank, row in enumerate(result.review_queue.head(MAX_STORED_QUEUE).iter_rows(named=True),
                               start=1):
        a, b = pair_key(pks[row["record_a"]], pks[row["record_b"]])
        pairs.append(ReviewPair(run=run, record_a_id=a, record_b_id=b,
                                probability=float(row["match_probability"]), rank=rank,
                                explanation=_explanation(row, field_names)))
    ReviewPair.objects.bulk_create(pairs, batch_size=2000)
    return len(links), len(pairs)


def _state_of(location_id: int | None, locations: dict[int, tuple[str, str, int | None]]
              ) -> str | None:
    """Name of the state a location lies in (walking up the place tree)."""
    seen = 0
    while location_id is not None and seen < 32:
        kind, name, parent = locations[location_id]
        if kind == "location.state":
            return name
        location_id, seen = parent, seen + 1
    return None


def _record_strata(case: Case, record_pks: Iterable[int], strata: Sequence[str]
                   ) -> dict[int, tuple[Any, dict[str, str | None]]]:
    """Record pk → (date of its earliest act, {stratum: value}), from that earliest act."""
    pks = set(record_pks)
    locations = {pk: (kind, name, parent) for pk, kind, name, parent in
                 Location.objects.filter(case=case).values_list("id", "kind", "name",
                                                                 "parent_id")}
    acts = (Act.objects.live().filter(case=case, victim_id__in=pks)
            .order_by("date_earliest", "id")
            .values_list("victim_id", "date_earliest", "location_id"))
    first: dict[int, tuple[Any, int | None]] = {}
    for victim_id, earliest, location_id in acts:
        # Undated acts sort first on some databases and last on others: prefer a dated one.
        if victim_id not in first or (first[victim_id][0] is None and earliest is not None):
            first[victim_id] = (earliest, location_id)
    person_state = dict(Person.objects.filter(pk__in=pks, state__isnull=False)
                        .values_list("id", "state__name"))
    found: dict[int, tuple[Any, dict[str, str | None]]] = {}
    for pk in pks:
        earliest, location_id = first.get(pk, (None, None))
        values: dict[str, str | None] = {}
        if "year" in strata:
            values["year"] = str(earliest.year) if earliest is not None else None
        if "state" in strata:
            values["state"] = _state_of(location_id, locations) or person_state.get(pk)
        found[pk] = (earliest, values)
    return found


def capture_histories(run: LinkRun, strata: Sequence[str] = (), lists: str = "source"
                      ) -> pl.DataFrame:
    """One row per resolved person of a stored run, one 0/1 column per list, then strata.

    Args:
        run: a stored linkage run.
        strata: any of :data:`STRATA`; a person's value is the one of their earliest act
            (records merged into one person may disagree; the earliest act decides).
        lists: ``source`` (one list per source code) or ``kind`` (one per kind of source).

    Raises:
        ValueError: an unknown stratum or list grouping (the message names it).
    """
    unknown = [s for s in strata if s not in STRATA]
    if unknown:
        raise ValueError(f"strata: {', '.join(unknown)} not one of {', '.join(STRATA)}")
    if lists not in LIST_GROUPINGS:
        raise ValueError(f"lists: {lists!r} is not one of {', '.join(LIST_GROUPINGS)}")
    list_field = "record__source__code" if lists == "source" else "record__source__kind"
    rows = RecordLink.objects.filter(run=run).values_list("cluster", list_field, "record_id")
    seen: dict[str, set[str]] = defaultdict(set)
    members: dict[str, list[int]] = defaultdict(list)
    for cluster, list_name, record_pk in rows:
        if list_name:
            seen[cluster].add(list_name)
        members[cluster].append(record_pk)
    names = sorted(set().union(*seen.values())) if seen else []
    persons = sorted(seen)
    data: dict[str, Any] = {"person_id": persons}
    schema: dict[str, Any] = {"person_id": pl.Utf8}
    for name in names:
        data[name] = [1 if name in seen[p] else 0 for p in persons]
        schema[name] = pl.Int8
    if strata:
        by_record = _record_strata(run.case, (pk for m in members.values() for pk in m), strata)
        firsts = [_earliest_record(members[p], by_record) for p in persons]
        for stratum in strata:
            data[stratum] = [by_record[pk][1][stratum] if pk is not None else None
                             for pk in firsts]
            schema[stratum] = pl.Utf8
    return pl.DataFrame(data, schema=schema)


def _earliest_record(record_pks: list[int], by_record: dict[int, tuple[Any, dict[str, Any]]]
                     ) -> int | None:
    """The record of a person whose act came first (undated acts last, then by pk)."""
    dated = [(by_record[pk][0], pk) for pk in record_pks if by_record[pk][0] is not None]
    if dated:
        return min(dated)[1]
    return min(record_pks) if record_pks else None


def table_sha256(frame: pl.DataFrame) -> str:
    """SHA-256 of a table's CSV form (rows in a fixed order): the input hash of an estimate."""
    ordered = frame.sort(frame.columns[0]) if frame.height else frame
    return hashlib.sha256(ordered.write_csv().encode("utf-8")).hexdigest()
