"""One edition of a case's report as plain data: what the templates of every format write out.

`assemble(actor, case, edition)` reads the case through the permission-checked reads and
returns an `EditionData` that holds no protected field and no person's identity:

- **counts** of the case's live dated acts by act type, over time, by place (the state of the
  act's place, the level every place can be walked up to) and by perpetrator unit, each
  through `expediente.legal.disclosure.suppress_counts` (1-4 shown as "fewer than 5", one more
  cell hidden where a hidden count could be recovered from the total);
- **re-identification risk**: the victims the counts describe, grouped by age band, sex,
  state and date (`k_anonymity`). Groups under 5 are first merged by coarsening the date from
  month to year; the victims still in groups under 5 then have their state and date left out
  of the place and time tables (counted as "not shown"), with whole further groups left out
  when fewer than 5 would be (so that the "not shown" row is itself at least 5). The edition is
  refused, with the reason, when that cannot be done;
- the latest **estimate** with its intervals (a stratum with fewer than 5 people recorded
  shows "fewer than 5");
- **chain-of-command figures** of the units with most acts, their commanders by pseudonym;
- **testimonies** as the witnesses' consent lets the edition's recipient receive them
  (`expediente.consent.release`): how many, what they support, and, where the recipient may
  receive their words, passages quoted from their excerpts with every protected value of the
  people involved replaced by pseudonyms — a passage that would still hold one is left out;
- what the **methodology annex** says of linkage, estimation and disclosure control.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from expediente import consent
from expediente.legal.disclosure import (
    THRESHOLD,
    Cell,
    QuasiIdentifiers,
    age_band,
    coarsen_date,
    k_anonymity,
    suppress_counts,
)
from expediente_web.cases.models import Case
from expediente_web.protection.cipher import pseudonym
from expediente_web.records.access import access_records
from expediente_web.records.models import Act, Person, Position, Testimony, Unit
from expediente_web.reports.access import access_edition
from expediente_web.reports.charts import BarChart, ColumnChart, bar_chart, column_chart
from expediente_web.reports.editions import Edition
from expediente_web.reports.findings import Findings, findings

__all__ = ["CountRow", "CountTable", "Disclosure", "EditionData", "assemble"]

#: The share of months that may show a count under the threshold before the table over time
#: is by year instead.
MONTH_SMALL_LIMIT = 0.25
#: Units with a chain-of-command figure (those with most acts).
FIGURE_UNITS = 3
#: Passages quoted at most.
MAX_QUOTES = 25
NOT_RECORDED = "~not-recorded"


@dataclass(frozen=True)
class CountRow:
    key: str
    label: str
    cell: Cell

    @property
    def value(self) -> int | None:
        return self.cell.value

    @property
    def reason(self) -> str:
        return self.cell.reason


@dataclass(frozen=True)
class CountTable:
    name: str
    rows: tuple[CountRow, ...]
    total: Cell
    chart: BarChart | ColumnChart | None = None

    @property
    def suppressed(self) -> int:
        return sum(1 for r in self.rows if r.cell.suppressed)


@dataclass(frozen=True)
class Disclosure:
    threshold: int
    time_level: str
    """The table over time: by month or by year."""
    victims: int
    k: int
    """The smallest group of the victims counted, by age band, sex, state and date."""
    small_groups: int
    described: int
    """Victims that the passages quoted describe one by one."""
    date_level: str
    """How precisely a passage's date is given."""
    singled_out: int
    """Described victims in groups under the threshold even with the date to the year."""
    passages_left_out: int
    """Passages not quoted because they describe such a victim (public edition)."""


@dataclass(frozen=True)
class EstimateRow:
    label: str
    recorded: Cell
    estimate: int
    lower: int | None
    upper: int | None
    total: bool


@dataclass(frozen=True)
class Estimate:
    method: str
    level: float | None
    interval_method: str
    created: dt.datetime
    rows: tuple[EstimateRow, ...]
    chart: Any
    link_persons: int | None
    link_records: int | None


@dataclass(frozen=True)
class Quote:
    ref: str
    date: str
    text: str
    supports: tuple[str, ...]


@dataclass(frozen=True)
class Testimonies:
    considered: int
    included: Cell
    withheld: Cell
    words: bool
    by_act_type: CountTable
    quotes: tuple[Quote, ...]
    quotes_left_out: int


@dataclass(frozen=True)
class Figure:
    subject: str
    drawing: Any
    """The wide layout (pages, the PDF)."""
    narrow: Any
    """The narrow layout, for phones (None when there is none)."""
    positions: int


@dataclass
class EditionData:
    case_code: str
    case_title: str
    country: str
    period: str
    edition: Edition
    recipient: consent.Recipient
    language: str
    made_at: dt.datetime
    acts: int
    undated: int
    by_type: CountTable
    over_time: CountTable
    by_place: CountTable
    by_unit: CountTable
    disclosure: Disclosure
    estimate: Estimate | None
    figures: list[Figure]
    testimonies: Testimonies
    link_run: str | None
    findings: Findings | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def tables(self) -> list[CountTable]:
        return [self.by_type, self.over_time, self.by_place, self.by_unit]


def _term(term_id: str | None) -> str:
    from expediente_web.site.templatetags.vocab import term

    return term(term_id)


def _table(
    name: str, counts: Mapping[str, int], labels: Mapping[str, str], chart: str = "bars"
) -> CountTable:
    cells = suppress_counts(dict(counts), threshold=THRESHOLD, with_total=True)
    rows = tuple(CountRow(k, labels.get(k, k), cells[k]) for k in counts)
    total = sum(counts.values())
    total_cell = Cell(None, "small") if 0 < total < THRESHOLD else Cell(total)
    drawn = [(r.label, r.cell) for r in rows]
    picture = column_chart(drawn) if chart == "columns" else bar_chart(drawn)
    return CountTable(name, rows, total_cell, picture)


def _special_labels() -> dict[str, str]:
    return {NOT_RECORDED: _("not recorded")}


def _victims(
    frame: Any, descriptive: Mapping[str, tuple[str, int | None, str]]
) -> dict[str, QuasiIdentifiers]:
    """Each described victim's quasi-identifiers: age band and sex of their record, state and
    day of their first act (as the place and time tables show it)."""
    first: dict[str, tuple[dt.date, str | None, str]] = {}
    for act_id, victim_id, start, place in frame.select(
        "act_id", "victim_id", "start_date", "place"
    ).iter_rows():
        if victim_id not in first or start < first[victim_id][0]:
            first[victim_id] = (start, place, act_id)
    found: dict[str, QuasiIdentifiers] = {}
    for victim_id, (start, place, act_id) in first.items():
        sex, age, band = descriptive.get(act_id, ("", None, ""))
        found[victim_id] = QuasiIdentifiers(
            age_band=band or age_band(age), sex=sex or None, state=place, date=start.isoformat()
        )
    return found


def _time_level(days: list[dt.date]) -> str:
    """Month, unless at the month more than a quarter of the periods would show a count under
    the threshold (then the year: fewer, fuller periods)."""
    if not days:
        return "month"
    months = Counter(_period(d, "month") for d in days)
    periods = _periods(days, "month")
    small = sum(1 for p in periods if 0 < months.get(p, 0) < THRESHOLD)
    return "month" if small <= MONTH_SMALL_LIMIT * len(periods) else "year"


def _risk(
    victims: Mapping[str, QuasiIdentifiers], described: set[str]
) -> tuple[str, set[str], int, int]:
    """The date level of individual descriptions, the described victims who would be singled
    out at it, the smallest group of all the victims and the groups under the threshold.

    A passage of a testimony describes the victims of the acts it supports one by one; each is
    checked against every victim the edition counts, grouped by age band, sex, state and date:
    in a group under the threshold, someone who knows those four facts of a person could tell
    that the passage is about them. The date is coarsened from month to year first."""
    if not victims:
        return "month", set(), 0, 0
    risky: set[str] = set()
    level = "month"
    for level in ("month", "year"):
        report = k_anonymity(victims.values(), required=THRESHOLD, date_level=level)  # type: ignore[arg-type]
        risky = {v for v in described if v in victims and _key(victims[v], level) in report.risky}
        if not risky:
            break
    return level, risky, report.k, len(report.risky)


def _key(q: QuasiIdentifiers, level: str) -> tuple[str | None, ...]:
    return (q.age_band, q.sex, q.state, coarsen_date(q.date, level))  # type: ignore[arg-type]


def _period(day: dt.date, level: str) -> str:
    return f"{day:%Y-%m}" if level == "month" else f"{day:%Y}"


def _periods(days: Iterable[dt.date], level: str) -> list[str]:
    days = list(days)
    if not days:
        return []
    first, last = min(days), max(days)
    out = []
    if level == "year":
        return [str(y) for y in range(first.year, last.year + 1)]
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        out.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _period_label(key: str, level: str) -> str:
    from expediente_web.workspace.templatetags.records import when

    return when(key) if level == "month" else key


def _counts(
    actor: Any, case: Case
) -> tuple[Any, dict[str, tuple[str, int | None, str]], dict[str, int], dict[int, str]]:
    """The acts frame, each act's victim's descriptive fields (by act uid), act uid → primary
    key, and act primary key → act type, read in one pass."""
    from expediente_web.analyses.patterns import case_acts

    rows = (
        access_records(actor, case, Act)  # the member check of every read here
        .filter(victim__deleted_at__isnull=True)
        .values_list("id", "uid", "act_type", "victim__sex", "victim__age", "victim__age_band")
    )
    acts = case_acts(case)
    descriptive: dict[str, tuple[str, int | None, str]] = {}
    pk_of: dict[str, int] = {}
    act_types: dict[int, str] = {}
    for pk, uid, act_type, sex, age, band in rows.iterator(chunk_size=5000):
        key = str(uid)
        descriptive[key] = (sex or "", age, band or "")
        pk_of[key] = pk
        act_types[pk] = act_type
    return acts, descriptive, pk_of, act_types


def _estimate(actor: Any, case: Case) -> Estimate | None:
    from expediente_web.analyses.access import access_estimate_runs
    from expediente_web.analyses.estimate_chart import build_chart

    run = access_estimate_runs(actor, case).first()
    if run is None:
        return None
    result = run.result or {}
    raw = list(result.get("estimates") or [])
    if result.get("total"):
        raw.append({**result["total"], "_total": True})
    rows: list[EstimateRow] = []
    level = None
    interval_method = ""
    for e in raw:
        if e.get("estimate") is None or e.get("n_observed") is None:
            continue
        intervals = e.get("intervals") or [{}]
        iv = intervals[0]
        level = iv.get("level", level)
        interval_method = iv.get("method", interval_method) or interval_method
        recorded = int(e["n_observed"])
        label = (
            _("Total")
            if e.get("_total")
            else (str(e.get("stratum")) if e.get("stratum") else _("Whole case"))
        )
        rows.append(
            EstimateRow(
                label=label,
                recorded=Cell(None, "small") if 0 < recorded < THRESHOLD else Cell(recorded),
                estimate=round(float(e["estimate"])),
                lower=round(float(iv["lower"])) if iv.get("lower") is not None else None,
                upper=round(float(iv["upper"])) if iv.get("upper") is not None else None,
                total=bool(e.get("_total")),
            )
        )
    chart = build_chart(
        [
            {
                "label": r.label,
                "recorded": r.recorded.value,
                "estimate": r.estimate,
                "lower": r.lower,
                "upper": r.upper,
                "total": r.total,
            }
            for r in rows
            if r.recorded.value is not None
        ]
    )
    link = run.link_run
    return Estimate(
        method=run.method,
        level=level,
        interval_method=interval_method,
        created=run.created_at,
        rows=tuple(rows),
        chart=chart,
        link_persons=getattr(link, "persons", None),
        link_records=getattr(link, "records", None),
    )


class _Pseudonyms:
    """What `workspace.command_figure` asks of a page's identity policy: here, pseudonyms for
    everyone (a report names no one)."""

    visible = False

    def label(self, person: Person | None) -> Person | None:
        if person is not None:
            person.shown = pseudonym("P", str(person.uid))  # type: ignore[attr-defined]
            person.pseudonym = person.shown  # type: ignore[attr-defined]
        return person


def _figures(actor: Any, case: Case, by_unit: Counter[str]) -> list[Figure]:
    from expediente_web.workspace.command_figure import unit_figure

    units = {u.pk: u for u in access_records(actor, case, Unit)}
    commanded = set(
        access_records(actor, case, Position)
        .filter(is_commander=True)
        .values_list("unit_id", flat=True)
    )
    label_to_unit = {}
    for u in units.values():
        label_to_unit.setdefault(u.acronym or u.name, u)
    figures: list[Figure] = []
    for label, _n in by_unit.most_common():
        unit = label_to_unit.get(label)
        if unit is None or unit.pk not in commanded:
            continue
        figure = unit_figure(actor, case, unit, units, _Pseudonyms(), timezone.localdate())  # type: ignore[arg-type]
        if figure.wide is None:
            continue
        for drawing in (figure.wide, figure.narrow):
            for lane in drawing.lanes if drawing is not None else ():
                # The figure's act columns are counts per period, some under the threshold:
                # the table of acts by unit gives them, suppressed.
                lane.counts = []
        figures.append(Figure(str(unit), figure.wide, figure.narrow, figure.positions))
        if len(figures) >= FIGURE_UNITS:
            break
    return figures


def _folded(text: str) -> str:
    """Lower-case words without accents, between single spaces (" jose perez 12 345 "), so
    that a value is looked for as whole words."""
    import re

    from expediente_web.intake.narrative_names import fold

    return " " + " ".join(re.findall(r"\w+", fold(text))) + " "


def _testimonies(
    actor: Any,
    case: Case,
    to: consent.Recipient,
    act_types: Mapping[int, str],
    victims: Mapping[str, QuasiIdentifiers],
    victim_of_act: Mapping[int, str],
) -> tuple[Testimonies, Disclosure]:
    from django.contrib.contenttypes.models import ContentType

    from expediente_web.evidence.models import Citation, Excerpt
    from expediente_web.intake.narrative_names import NameReplacer

    considered = 0
    included: dict[int, Any] = {}
    words: set[int] = set()
    for t in (
        access_records(actor, case, Testimony)
        .only("id", "uid", "consent_scopes", "date_text")
        .iterator(chunk_size=5000)
    ):
        considered += 1
        given = consent.release(t.consent_scopes, to)
        if given.testimony:
            included[t.id] = t
            if given.words:
                words.add(t.id)
    act_type = ContentType.objects.get_for_model(Act)
    supports: dict[int, set[int]] = defaultdict(set)
    quotes_of: dict[int, list[tuple[int, str]]] = defaultdict(list)
    excerpt_testimony: dict[int, int] = {}
    for ex_id, t_id, quote in (
        Excerpt.objects.filter(case=case, testimony_id__isnull=False)
        .values_list("id", "testimony_id", "quote")
        .iterator(chunk_size=5000)
    ):
        if t_id not in included:
            continue
        excerpt_testimony[ex_id] = t_id
        if quote and t_id in words:
            quotes_of[t_id].append((ex_id, quote))
    excerpt_acts: dict[int, set[int]] = defaultdict(set)
    for ex_id, target in (
        Citation.objects.filter(excerpt__case=case, target_type=act_type)
        .values_list("excerpt_id", "target_id")
        .iterator(chunk_size=5000)
    ):
        if ex_id in excerpt_testimony and target in act_types:
            supports[excerpt_testimony[ex_id]].add(target)
            excerpt_acts[ex_id].add(target)
    by_type: Counter[str] = Counter()
    for acts in supports.values():
        for kind in {act_types[a] for a in acts}:
            by_type[kind] += 1
    labels = {k: _term(k) for k in by_type}
    table = _table("testimony_types", dict(sorted(by_type.items())), labels)
    # The passages that may be quoted, and the victims they describe one by one.
    chosen = sorted(quotes_of)[:MAX_QUOTES]
    over_limit = sum(len(v) for k, v in quotes_of.items() if k not in set(chosen))
    passages = [(t_id, ex_id, text) for t_id in chosen for ex_id, text in quotes_of[t_id]]

    def described_by(ex_id: int) -> set[str]:
        return {victim_of_act[a] for a in excerpt_acts.get(ex_id, ()) if a in victim_of_act}

    described = set().union(*(described_by(ex) for _t, ex, _x in passages)) if passages else set()
    level, singled_out, k, small_groups = _risk(victims, described)
    risky_left_out = 0
    if to.publication and singled_out:
        kept = [p for p in passages if not (described_by(p[1]) & singled_out)]
        risky_left_out = len(passages) - len(kept)
        passages = kept
    quotes, unsafe = (
        _quotes(actor, case, passages, excerpt_acts, act_types, level, NameReplacer)
        if passages
        else ((), 0)
    )
    n = len(included)
    withheld = considered - n
    testimonies = Testimonies(
        considered=considered,
        included=Cell(None, "small") if 0 < n < THRESHOLD else Cell(n),
        withheld=Cell(None, "small") if 0 < withheld < THRESHOLD else Cell(withheld),
        words=bool(words),
        by_act_type=table,
        quotes=quotes,
        quotes_left_out=over_limit + unsafe + risky_left_out,
    )
    disclosure = Disclosure(
        threshold=THRESHOLD,
        time_level="month",
        victims=len(victims),
        k=k,
        small_groups=small_groups,
        described=len(described),
        date_level=level,
        singled_out=len(singled_out),
        passages_left_out=risky_left_out,
    )
    return testimonies, disclosure


def _quotes(
    actor: Any,
    case: Case,
    passages: list[tuple[int, int, str]],
    excerpt_acts: Mapping[int, set[int]],
    act_types: Mapping[int, str],
    date_level: str,
    replacer_class: Any,
) -> tuple[tuple[Quote, ...], int]:
    """Passages of the testimonies whose words the recipient may receive, every protected
    value of their witness and of the victims and perpetrators of the acts they support
    replaced by pseudonyms; a passage that still holds any protected value of anyone in the
    case is left out (counted)."""
    from expediente_web.intake.narrative_names import PERSON_FIELDS
    from expediente_web.records.models import Involvement

    chosen = {t_id for t_id, _ex, _text in passages}
    testimonies = {
        t.id: t
        for t in access_records(actor, case, Testimony)
        .filter(id__in=chosen)
        .select_related("witness")
    }
    act_ids = {a for _t, ex, _q in passages for a in excerpt_acts.get(ex, ())}
    people: dict[int, list[Person]] = defaultdict(list)
    for act in access_records(actor, case, Act).filter(id__in=act_ids).select_related("victim"):
        people[act.id].append(act.victim)
    for inv in Involvement.objects.filter(act_id__in=act_ids, person__isnull=False).select_related(
        "person"
    ):
        people[inv.act_id].append(inv.person)
    every = set()
    for person in (
        access_records(actor, case, Person).only(*PERSON_FIELDS).iterator(chunk_size=2000)
    ):
        for name in PERSON_FIELDS:
            value = getattr(person, name) or ""
            if len(value.strip()) >= 3 and _folded(value).strip():
                every.add(_folded(value))
    for t in (
        access_records(actor, case, Testimony)
        .only("witness_name", "witness_contact")
        .iterator(chunk_size=2000)
    ):
        for value in (t.witness_name, t.witness_contact):
            if value and len(value.strip()) >= 3 and _folded(value).strip():
                every.add(_folded(value))
    quotes: list[Quote] = []
    left_out = 0
    for t_id, ex_id, text in passages:
        t = testimonies.get(t_id)
        if t is None:
            continue
        replacer = replacer_class()
        if t.witness is not None:
            replacer.add_person(t.witness, pseudonym("P", str(t.witness.uid)))
        witness_ref = pseudonym("W", str(t.uid))
        if t.witness_name:
            replacer.add_names([t.witness_name], witness_ref)
        replacer.add_contact(t.witness_contact or "", witness_ref)
        for act_id in excerpt_acts.get(ex_id, ()):
            for person in people.get(act_id, []):
                replacer.add_person(person, pseudonym("P", str(person.uid)))
        shown = replacer.replace(text)
        folded = _folded(shown)
        if any(value in folded for value in every):
            left_out += 1
            continue
        kinds = sorted({_term(act_types[a]) for a in excerpt_acts.get(ex_id, ()) if a in act_types})
        quotes.append(
            Quote(
                ref=pseudonym("T", str(t.uid)),
                date=coarsen_date(t.date_text, date_level) or "",  # type: ignore[arg-type]
                text=shown,
                supports=tuple(kinds),
            )
        )
    return tuple(quotes), left_out


def assemble(actor: Any, case: Case, edition_name: str, language: str = "en") -> EditionData:
    """The edition `edition_name` of the case's report, in `language`.

    Raises:
        NotPermitted: the actor may not make the case's reports.
        EditionRefused: an unknown edition or one the case does not make.
    """
    with translation.override(language):
        edition = access_edition(actor, case, edition_name)
        to = consent.recipient(edition.recipient)
        acts, descriptive, pk_of, act_types = _counts(actor, case)
        link_run = acts.link_run
        frame = acts.frame
        victims = _victims(frame, descriptive)
        labels = _special_labels()
        days = frame["start_date"].to_list()
        level = _time_level(days)
        by_type = Counter(frame["act_type"].fill_null(NOT_RECORDED).to_list())
        by_unit = Counter(frame["unit"].fill_null(NOT_RECORDED).to_list())
        by_place = Counter(frame["place"].fill_null(NOT_RECORDED).to_list())
        by_time = Counter(_period(d, level) for d in days)
        time_keys = _periods(days, level)
        time_counts = {p: by_time.get(p, 0) for p in time_keys}
        type_labels = {k: (labels[k] if k in labels else _term(k)) for k in by_type}
        unit_counts = dict(sorted(by_unit.items(), key=lambda kv: (kv[0] in labels, -kv[1], kv[0])))
        place_counts = dict(
            sorted(by_place.items(), key=lambda kv: (kv[0] in labels, -kv[1], kv[0]))
        )
        time_labels = {p: _period_label(p, level) for p in time_keys}
        victim_of_act = {
            pk_of[a]: v for a, v in frame.select("act_id", "victim_id").iter_rows() if a in pk_of
        }
        testimonies, disclosure = _testimonies(actor, case, to, act_types, victims, victim_of_act)
        data = EditionData(
            case_code=case.code,
            case_title=case.title,
            country=case.country,
            period=case.period,
            edition=edition,
            recipient=to,
            language=language,
            made_at=timezone.now().replace(microsecond=0),
            acts=frame.height,
            undated=acts.undated,
            by_type=_table("type", dict(by_type.most_common()), type_labels),
            over_time=_table("time", time_counts, time_labels, chart="columns"),
            by_place=_table("place", place_counts, labels),
            by_unit=_table("unit", unit_counts, labels),
            disclosure=replace(disclosure, time_level=level),
            estimate=_estimate(actor, case),
            figures=_figures(
                actor, case, Counter({k: v for k, v in by_unit.items() if k != NOT_RECORDED})
            ),
            testimonies=testimonies,
            link_run=str(link_run.uid) if link_run is not None else None,
            findings=findings(actor, case, edition.id, language),
        )
    return data
