"""``expediente patterns``: counts over time, place, unit and method; scale and system.

On a file, the acts come from an acts table (the ``acts`` kind of ``docs/reference/tables.md``,
or the core's own columns, see :mod:`expediente.patterns.acts`). With ``--case`` they come from
a case's live records (``expediente_web.cli.patterns_case``, found by name so that the core
never imports Django). Both print the same report and write the same files; the functions that
build, print and write it are public so that the case side and the web page share them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import json
import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import IO, Any

import click

__all__ = [
    "INDICATORS",
    "PERIOD_NAMES",
    "Indicator",
    "PatternReport",
    "build_report",
    "command",
    "estimate_from_json",
    "format_value",
    "plot_series",
    "print_report",
    "read_acts_file",
    "targeting_rows",
    "write_outputs",
]

#: Periods that ``--by`` accepts (one at most), coarsest last.
PERIOD_NAMES = ("day", "week", "month", "quarter", "year")
#: Other dimensions of ``--by`` → the column of the acts frame they count by.
DIMENSION_COLUMNS = {"state": "place", "place": "place", "unit": "unit", "act_type": "act_type",
                     "method": "method", "affiliation": "victim_affiliation"}
#: Temporal concentration and months active are always measured per month.
CONCENTRATION_PERIOD = "month"


class BadInput(click.ClickException):
    """Bad input file or options: exit code 2, a message without a traceback."""

    exit_code = 2


@dataclass(frozen=True)
class Indicator:
    """One headline indicator: where it is in the report, its label and meaning in both
    languages."""

    key: str
    section: str  # "widespread" or "systematic"
    en: str
    es: str
    meaning_en: str
    meaning_es: str


INDICATORS: tuple[Indicator, ...] = (
    Indicator("acts", "widespread", "Documented acts", "Actos documentados",
              "acts recorded in the input: a floor, not a total",
              "actos registrados: un mínimo, no un total"),
    Indicator("victims", "widespread", "Documented victims", "Víctimas documentadas",
              "distinct victims of those acts", "víctimas distintas de esos actos"),
    Indicator("estimated_victims", "widespread", "Estimated victims", "Víctimas estimadas",
              "multiple-systems estimate of all victims, recorded or not, with its interval",
              "estimación por sistemas múltiples de todas las víctimas, registradas o no, con su "
              "intervalo"),
    Indicator("places", "widespread", "Places with victims", "Lugares con víctimas",
              "how many places (states) the acts happened in",
              "en cuántos lugares (estados) ocurrieron los actos"),
    Indicator("place_evenness", "widespread", "Evenness across places",
              "Uniformidad entre lugares",
              "1 = victims spread evenly over the affected places; near 0 = concentrated in one",
              "1 = víctimas repartidas por igual entre los lugares; cerca de 0 = concentradas "
              "en uno"),
    Indicator("top_place_share", "widespread", "Share of the most affected place",
              "Proporción del lugar más afectado",
              "share of victims in the place with the most", "proporción de víctimas en el "
              "lugar con más"),
    Indicator("period", "widespread", "Period", "Período", "first and last act",
              "primer y último acto"),
    Indicator("duration_days", "widespread", "Duration (days)", "Duración (días)",
              "days from the first act to the last", "días del primer acto al último"),
    Indicator("months_active", "widespread", "Months with acts", "Meses con actos",
              "months in which at least one act happened",
              "meses en los que ocurrió al menos un acto"),
    Indicator("share_of_months_active", "widespread", "Share of months with acts",
              "Proporción de meses con actos",
              "1 = acts in every month of the span; low = episodic",
              "1 = actos todos los meses del período; baja = episódicos"),
    Indicator("place_profile_similarity", "systematic", "Same methods across places",
              "Mismos métodos en los lugares",
              "mean similarity of the mix of methods between places; near 1 = the same "
              "methods everywhere",
              "similitud media de la mezcla de métodos entre lugares; cerca de 1 = los mismos "
              "métodos en todas partes"),
    Indicator("unit_profile_similarity", "systematic", "Same methods across units",
              "Mismos métodos en las unidades",
              "mean similarity of the mix of methods between units; near 1 = every unit uses "
              "the same methods",
              "similitud media de la mezcla de métodos entre unidades; cerca de 1 = todas "
              "usan los mismos métodos"),
    Indicator("temporal_gini", "systematic", "Concentration in time (Gini)",
              "Concentración en el tiempo (Gini)",
              "acts per month: 0 = evenly spread; near 1 = in a few waves",
              "actos por mes: 0 = repartidos por igual; cerca de 1 = en pocas olas"),
    Indicator("peak_share", "systematic", "Share in the busiest months",
              "Proporción en los meses de más actos",
              "share of acts in the busiest 10% of months",
              "proporción de actos en el 10 % de meses con más actos"),
    Indicator("targeting_p_value", "systematic", "Targeting test (p-value)",
              "Prueba de selección de grupos (valor p)",
              "small = victims' groups differ from the population at risk",
              "pequeño = los grupos de las víctimas difieren de la población en riesgo"),
)


@dataclass(frozen=True)
class PatternReport:
    """Everything `expediente patterns` prints and writes.

    Attributes:
        widespread: :class:`expediente.patterns.Widespread`.
        systematic: :class:`expediente.patterns.Systematic`.
        counts: acts and victims by the ``by`` dimensions.
        series: acts and victims per period over the whole span, empty periods included.
        series_period: the period of ``series``.
        scale: where the estimate came from (a sentence), or None when there is none.
        estimate_level: coverage of the estimate's interval.
        parameters: every setting that produced the report.
        notes: what a reader must know (acts left out of period counts, how victims count).
    """

    widespread: Any
    systematic: Any
    counts: Any
    series: Any
    series_period: str
    scale: str | None
    estimate_level: float | None
    parameters: Mapping[str, Any]
    notes: tuple[str, ...] = field(default_factory=tuple)


# -- reading ---------------------------------------------------------------------------------

def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _frame(rows: Mapping[str, list[Any]]) -> Any:
    import polars as pl

    schema: dict[str, Any] = {
        "act_id": pl.String, "victim_id": pl.String, "act_type": pl.String,
        "methods": pl.List(pl.String), "start_date": pl.Date, "end_date": pl.Date,
        "place": pl.String, "unit": pl.String, "victim_affiliation": pl.String,
    }
    return pl.DataFrame({k: rows.get(k, [None] * len(rows["act_id"])) for k in schema},
                        schema=schema)


def _states(structure: Path) -> dict[str, str | None]:
    """Location code → name of the state it lies in, from a case's ``structure.json``."""
    try:
        locations = json.loads(structure.read_text("utf-8"))["locations"]
        tree = {loc["code"]: (loc.get("kind"), loc.get("name") or loc["code"],
                              loc.get("parent_code")) for loc in locations}
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BadInput(f"{structure}: not a case structure file with 'locations' ({exc})") from None
    found: dict[str, str | None] = {}
    for code in tree:
        current: str | None = code
        for _ in range(32):  # a bounded walk: a cycle in a hand-edited file must not hang
            if current is None or current not in tree:
                current = None
                break
            kind, name, parent = tree[current]
            if kind == "location.state":
                current = name
                break
            current = parent
        found[code] = current
    return found


def _read_acts_kind(path: Path, states: dict[str, str | None] | None) -> Any:
    from expediente.tables import ActRow, check_file, read_records

    try:
        report = check_file(path, "acts")
    except (OSError, ValueError) as exc:
        raise BadInput(f"{path}: {exc}") from None
    if not report.ok:
        shown = [str(p) for p in report.problems[:10]]
        more = report.problem_count - len(shown)
        raise BadInput(f"{path}: {report.problem_count} problem(s) in the acts table\n  "
                       + "\n  ".join(shown) + (f"\n  … and {more} more" if more > 0 else ""))
    rows: dict[str, list[Any]] = {k: [] for k in ("act_id", "victim_id", "act_type", "methods",
                                                  "start_date", "end_date", "place", "unit")}
    for act in read_records(path, "acts"):
        assert isinstance(act, ActRow)  # the acts kind yields nothing else
        place = act.location_code
        if states is not None and place is not None:
            if place not in states:
                raise BadInput(f"{path}: row {act.row}, column 'location_code': {place!r} is not "
                               "a location of the structure file")
            place = states[place]
        rows["act_id"].append(act.record_id)
        rows["victim_id"].append(act.victim_record_id)
        rows["act_type"].append(act.act_type)
        rows["methods"].append(list(act.methods))
        rows["start_date"].append(act.date.earliest)
        rows["end_date"].append(act.date.latest)
        rows["place"].append(place)
        rows["unit"].append(act.unit_code)
    return _frame(rows)


def _read_core(path: Path, frame: Any) -> Any:
    """The core's own columns, checked row by row so an error names its row and column."""
    import polars as pl

    from expediente.dates import DateError, DateValue, parse_date

    first_row = 1 if path.suffix.lower() in {".parquet", ".pq"} else 2  # CSV: header is row 1
    for required in ("act_id", "start_date"):
        if required not in frame.columns:
            raise BadInput(f"{path}: no column {required!r} (columns: {', '.join(frame.columns)})")
    if "place" not in frame.columns and "state" in frame.columns:
        frame = frame.rename({"state": "place"})
    rows: dict[str, list[Any]] = {k: [] for k in ("start_date", "end_date")}
    starts = frame.get_column("start_date").cast(pl.String).to_list()
    ends = (frame.get_column("end_date").cast(pl.String).to_list()
            if "end_date" in frame.columns else [None] * frame.height)

    def parsed(text: str, row: int, column: str) -> DateValue:
        try:
            return parse_date(text, date_format="iso")
        except DateError as exc:
            raise BadInput(f"{path}: row {row}, column {column!r}: {exc}") from None

    act_ids: list[str] = frame.get_column("act_id").cast(pl.String).to_list()
    first_seen: dict[str, int] = {}
    for i, act_id in enumerate(act_ids):
        if not act_id:
            raise BadInput(f"{path}: row {i + first_row}, column 'act_id': empty")
        if act_id in first_seen:
            raise BadInput(f"{path}: row {i + first_row}, column 'act_id': {act_id!r} is already "
                           f"on row {first_seen[act_id]}")
        first_seen[act_id] = i + first_row
    for i, (start_text, end_text) in enumerate(zip(starts, ends, strict=True)):
        row = i + first_row
        if not start_text:
            raise BadInput(f"{path}: row {row}, column 'start_date': empty")
        start = parsed(start_text, row, "start_date")
        end = parsed(end_text, row, "end_date") if end_text else start
        if end.latest < start.earliest:
            raise BadInput(f"{path}: row {row}, column 'end_date': {end} is before the start "
                           "date")
        rows["start_date"].append(start.earliest)
        rows["end_date"].append(end.latest)
    data: dict[str, list[Any]] = {"act_id": act_ids, **rows}
    for name in ("victim_id", "act_type", "place", "unit", "victim_affiliation"):
        if name in frame.columns:
            data[name] = [v or None for v in frame.get_column(name).cast(pl.String).to_list()]
    if "methods" in frame.columns:
        raw = frame.get_column("methods").to_list()
        data["methods"] = [
            list(v) if isinstance(v, list) else
            [m.strip() for m in (v or "").split(";") if m.strip()] for v in raw
        ]
    # An act without a victim id is its own victim (all of them would otherwise be one).
    data["victim_id"] = [v or f"act:{a}" for a, v in
                         zip(act_ids, data.get("victim_id", [None] * len(act_ids)), strict=True)]
    return _frame(data)


def read_acts_file(path: Path, structure: Path | None = None) -> tuple[Any, dict[str, Any]]:
    """Read an acts file into the frame pattern analysis reads.

    Args:
        path: CSV or Parquet with the core's columns (``act_id``, ``start_date``...), or any
            file of the ``acts`` table kind (``record_id``, ``victim_record_id``, ``date``...).
        structure: a case's ``structure.json``, to place acts in their state (acts kind).

    Returns:
        The frame and a description of the input (format, rows, what ``place`` holds).

    Raises:
        BadInput: naming the row and column at fault.
    """
    import polars as pl

    suffix = path.suffix.lower()
    try:
        if suffix in {".parquet", ".pq"}:
            head = pl.read_parquet(path)
        elif suffix in {".csv", ".tsv"}:
            head = pl.read_csv(path, infer_schema=False, separator="\t" if suffix == ".tsv"
                               else ",", encoding="utf8-lossy")
        else:
            head = None  # XLSX, JSON: only the acts table kind, through its reader
    except Exception as exc:  # polars raises several types; the user needs the message only
        raise BadInput(f"{path}: cannot read the file: {exc}") from None
    info: dict[str, Any] = {"file": str(path), "sha256": _sha256(path)}
    if head is not None and {"act_id", "start_date"} <= set(head.columns):
        if structure is not None:
            raise BadInput("--structure applies to files of the acts table kind (location_code)")
        frame = _read_core(path, head)
        info.update(format="expediente.patterns columns", place="place as given")
    elif head is None or {"record_id", "victim_record_id"} <= set(head.columns):
        frame = _read_acts_kind(path, _states(structure) if structure else None)
        info.update(format="acts table kind",
                    place="state (from --structure)" if structure else "location code")
    else:
        raise BadInput(f"{path}: neither an acts table (record_id, victim_record_id, act_type, "
                       "date…) nor the core's columns (act_id, start_date…); it has "
                       f"{', '.join(head.columns)}")
    if frame.height == 0:
        raise BadInput(f"{path}: no acts in the file")
    info["rows"] = frame.height
    return frame, info


def estimate_from_json(path: Path) -> tuple[Any, str]:
    """The headline estimate of a JSON written by ``expediente estimate --out`` (on a file or
    on a case), and a sentence saying where it came from.

    Raises:
        BadInput: the file is not such a JSON (the message names the missing field).
    """
    try:
        data = json.loads(path.read_text("utf-8"))
    except (OSError, ValueError) as exc:
        raise BadInput(f"--estimate {path}: not a JSON file ({exc})") from None
    where = f"{path.name} (sha256 {_sha256(path)[:12]}…)"
    if isinstance(data, dict) and isinstance(data.get("result"), dict):
        where = f"stored estimate {data.get('uid', '?')}, from {where}"
        data = data["result"]
    return estimate_from_result(data, f"--estimate {path}"), where


def estimate_from_result(data: Any, where: str) -> Any:
    """An :class:`~expediente.estimation.Estimate` from an ``EstimationReport.to_dict()``:
    the combined total of a stratified run, else its only estimate."""
    from expediente.estimation import Estimate, Interval

    if not isinstance(data, dict):
        raise BadInput(f"{where}: not an estimate (expected a JSON object)")
    head = data.get("total") or (data.get("estimates") or [None])[0]
    if head is None and "estimate" in data:
        head = data  # a single Estimate written on its own
    if not isinstance(head, dict):
        raise BadInput(f"{where}: no 'total' and no 'estimates' in it")
    try:
        intervals = tuple(Interval(float(iv["lower"]), float(iv["upper"]), float(iv["level"]),
                                   str(iv["method"])) for iv in head["intervals"])
        if not intervals:
            raise KeyError("intervals")
        return Estimate(method=str(head["method"]), lists=tuple(head.get("lists", ())),
                        n_observed=int(head["n_observed"]), estimate=float(head["estimate"]),
                        intervals=intervals, stratum=head.get("stratum"))
    except (KeyError, TypeError, ValueError) as exc:
        raise BadInput(f"{where}: the estimate lacks the field {exc}") from None


# -- analysis --------------------------------------------------------------------------------

def _placed(frame: Any, period: str) -> Any:
    """Acts whose date falls within one period (a year-only date has no month)."""
    import polars as pl

    from expediente.patterns import PERIODS

    every = PERIODS[period]
    return frame.filter(pl.col("start_date").dt.truncate(every)
                        == pl.col("end_date").dt.truncate(every))


def _label(day: dt.date, period: str) -> str:
    if period == "year":
        return f"{day.year}"
    if period == "month":
        return f"{day.year}-{day.month:02d}"
    if period == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return day.isoformat()


def _series(frame: Any, period: str) -> Any:
    import polars as pl

    from expediente.patterns import PERIODS, count_acts

    counts = count_acts(frame, by=["period"], period=period)
    first: Any = counts["period"].min()
    last: Any = counts["period"].max()
    span = pl.date_range(first, last, PERIODS[period], eager=True).alias("period")
    full = pl.DataFrame({"period": span}).join(counts, on="period", how="left").fill_null(0)
    return full.with_columns(pl.col("period").map_elements(lambda d: _label(d, period),
                                                           return_dtype=pl.String))


def build_report(frame: Any, by: Sequence[str] = ("month",), *, estimate: Any = None,
                 scale: str | None = None, reference_shares: Mapping[str, float] | None = None,
                 parameters: Mapping[str, Any] | None = None,
                 notes: Sequence[str] = ()) -> PatternReport:
    """Counts, time series and indicators of an acts frame.

    Args:
        frame: acts (see :func:`read_acts_file`; ``end_date`` is the last day an imprecise
            date may mean).
        by: dimensions of the counts: at most one of :data:`PERIOD_NAMES`, and any of
            ``state``, ``unit``, ``act_type``, ``method``, ``affiliation``.
        estimate: an estimate of the number of victims, for the scale.
        scale: where that estimate came from.
        reference_shares: shares of the groups in the population at risk (targeting).
        parameters, notes: carried into the report.

    Raises:
        BadInput: an unknown dimension, or two periods.
    """
    import polars as pl

    from expediente.patterns import PatternInputError, count_acts
    from expediente.patterns import systematic_indicators as systematic
    from expediente.patterns import widespread_indicators as widespread

    unknown = [d for d in by if d not in PERIOD_NAMES and d not in DIMENSION_COLUMNS]
    periods = [d for d in by if d in PERIOD_NAMES]
    if unknown:
        raise BadInput(f"--by: unknown {', '.join(unknown)}; choose from "
                       f"{', '.join(PERIOD_NAMES + tuple(DIMENSION_COLUMNS))}")
    if len(periods) > 1:
        raise BadInput(f"--by: one period at a time, not {' and '.join(periods)}")
    if "end_date" not in frame.columns:
        frame = frame.with_columns(pl.col("start_date").alias("end_date"))
    notes = list(notes)
    series_period = periods[0] if periods else CONCENTRATION_PERIOD
    by_month = _placed(frame, CONCENTRATION_PERIOD)
    try:
        wide = widespread(frame, estimate)
        system = systematic(frame, reference_shares, period=CONCENTRATION_PERIOD)
        if by_month.height:
            # Months are counted on acts dated to the month: a date known only to the year
            # would otherwise pile up in January.
            monthly = widespread(by_month)
            wide = replace(wide, months_active=monthly.months_active,
                           share_of_months_active=monthly.share_of_months_active)
            # Without methods: only the timing is wanted, not the method tables again.
            timing = systematic(by_month.drop("methods"), period=CONCENTRATION_PERIOD)
            system = replace(system, temporal_gini=timing.temporal_gini,
                             peak_share=timing.peak_share)
        counted = _placed(frame, periods[0]) if periods else frame
        dims = [("period" if d in PERIOD_NAMES else DIMENSION_COLUMNS[d]) for d in by]
        counts = count_acts(counted, by=list(dict.fromkeys(dims)),
                            period=periods[0] if periods else "month")
        placed = _placed(frame, series_period)
        series = _series(placed, series_period) if placed.height else None
    except PatternInputError as exc:
        raise BadInput(str(exc)) from None
    if "state" in by and "place" in counts.columns:
        counts = counts.rename({"place": "state"})
    if "period" in counts.columns:
        counts = counts.with_columns(pl.col("period").map_elements(
            lambda d: _label(d, series_period), return_dtype=pl.String).alias(series_period)
        ).drop("period").select([series_period, *[c for c in counts.columns
                                                  if c != "period"]])
    for name, kept in ((CONCENTRATION_PERIOD, by_month.height), (series_period, placed.height)):
        left = frame.height - kept
        note = (f"{left:,} act(s) dated less precisely than a {name} are left out of the "
                f"per-{name} figures (they count in every other figure)")
        if left and note not in notes:
            notes.append(note)
    if estimate is None:
        notes.append("no estimate of the total was given: the documented count is a floor, "
                     "not an estimate of how many victims there were")
    params = {"by": list(by), "series_period": series_period,
              "concentration_period": CONCENTRATION_PERIOD,
              "reference_shares": dict(reference_shares) if reference_shares else None,
              **(parameters or {})}
    return PatternReport(wide, system, counts, series, series_period, scale,
                         estimate.interval.level if estimate is not None else None, params,
                         tuple(notes))


# -- printing and writing --------------------------------------------------------------------

def _n(value: float | None, digits: int = 0) -> str:
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def format_value(report: PatternReport, key: str) -> str:
    """An indicator's value as the report prints it."""
    w, s = report.widespread, report.systematic
    if key == "estimated_victims":
        if w.estimated_victims is None:
            return "none (no estimate)"
        level = f"{report.estimate_level:.0%} " if report.estimate_level else ""
        return (f"{_n(w.estimated_victims)} [{_n(w.estimate_lower)}–{_n(w.estimate_upper)}] "
                f"{level}{w.estimate_method}")
    if key == "period":
        return f"{w.first_date} – {w.last_date}"
    if key in ("acts", "victims", "places", "duration_days", "months_active"):
        return _n(getattr(w, key))
    value = getattr(w if hasattr(w, key) else s, key)
    if value is None:
        return "—"
    if key == "targeting_p_value":
        return f"{value:.3g}"
    return f"{value:.2f}"


def print_report(report: PatternReport, echo: Callable[[str], Any] = click.echo) -> None:
    """Print the indicators, their meaning and the main rows of the method tables."""
    for section, title in (("widespread", "WIDESPREAD: scale, spread, duration"),
                           ("systematic", "SYSTEMATIC: organised, following a pattern")):
        echo(title)
        for ind in INDICATORS:
            if ind.section != section:
                continue
            echo(f"  {ind.en:<36} {format_value(report, ind.key):<28} {ind.meaning_en}")
            if ind.key == "estimated_victims" and report.scale:
                echo(f"  {'':<36} scale from {report.scale}")
        if section == "systematic":
            _print_tables(report, echo)
    for note in report.notes:
        echo(f"note: {note}")


def targeting_rows(report: PatternReport) -> tuple[list[dict[str, Any]], int]:
    """Victims by affiliation, largest group first, and how many victims have one."""
    rows = sorted(report.systematic.targeting, key=lambda r: (-r["victims"], r["group"]))
    return rows, sum(r["victims"] for r in rows)


def _print_tables(report: PatternReport, echo: Callable[[str], Any]) -> None:
    s = report.systematic
    if s.method_recurrence:
        echo("  Methods used in most places and units (top 5):")
        for row in s.method_recurrence[:5]:
            echo(f"    {row['method']:<34} {row['acts']:>6,} acts, {row['share_of_places']:.0%} "
                 f"of places, {row['share_of_units']:.0%} of units")
    if s.co_occurrence:
        echo("  Methods used together in the same act (top 5; lift > 1 = more than by chance):")
        for row in s.co_occurrence[:5]:
            echo(f"    {row['method_a']} + {row['method_b']}: {row['acts']:,} acts, "
                 f"lift {row['lift']:.2f}")
    rows, known = targeting_rows(report)
    if rows:
        echo(f"  Victims by affiliation ({known:,} of {report.widespread.victims:,} victims have "
             "one; shares are among them):")
        for row in rows[:8]:
            extra = (f", {row['ratio']:.2f}× its share of the population at risk"
                     if "ratio" in row else "")
            echo(f"    {row['group']:<34} {row['victims']:>6,} ({row['share']:.0%}){extra}")


def _jsonable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and not math.isfinite(value):
        return None if math.isnan(value) else "inf"
    return value


def plot_series(report: PatternReport, target: Path | IO[bytes], fmt: str = "png",
                labels: Mapping[str, str] | None = None) -> None:
    """Bars of documented acts and a line of distinct victims per period (never an estimate).

    Args:
        report: a report with a series.
        target: a path, or a binary buffer.
        fmt: ``png`` or ``svg``.
        labels: ``title``, ``acts``, ``victims``, ``ylabel`` (the web page passes both
            languages).
    """
    import matplotlib

    matplotlib.use("Agg")  # files only; never open a window
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    text = {"title": f"Documented acts per {report.series_period} (not an estimate)",
            "acts": "documented acts", "victims": "distinct victims", "ylabel": "count",
            **(labels or {})}
    series = report.series
    periods = series["period"].to_list()
    x = range(len(periods))
    fig, ax = plt.subplots(figsize=(9, 3.8))
    ax.bar(x, series["acts"].to_list(), color="#4c72b0", alpha=0.75, label=text["acts"])
    ax.plot(x, series["victims"].to_list(), color="#c44e52", lw=1.4, label=text["victims"])
    step = max(1, math.ceil(len(periods) / 24))  # at most about 24 tick labels
    ax.set_xticks(list(x)[::step], periods[::step], rotation=45, ha="right", fontsize=8)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts are whole numbers
    ax.set_ylabel(text["ylabel"])
    ax.set_title(text["title"], fontsize=11)
    ax.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(target, format=fmt, metadata={"Date": None} if fmt == "svg" else None)
    plt.close(fig)


def write_outputs(report: PatternReport, out_dir: Path, source: Mapping[str, Any],
                  chart: str = "png") -> list[Path]:
    """Write ``patterns-counts.csv``, ``patterns-indicators.json`` and the chart.

    Args:
        report: the report.
        out_dir: created if missing.
        source: what the input was (file and its SHA-256, or case and the hash of its acts).
        chart: ``png``, ``svg`` or ``none``.
    """
    from expediente import __version__

    out_dir.mkdir(parents=True, exist_ok=True)
    counts = out_dir / "patterns-counts.csv"
    report.counts.with_columns(
        [report.counts[c].cast(str) for c, t in report.counts.schema.items() if t.is_temporal()]
    ).write_csv(counts)
    indicators = out_dir / "patterns-indicators.json"
    document = {
        "input": dict(source),
        "parameters": dict(report.parameters),
        "package_version": __version__,
        "scale_from": report.scale,
        "estimate_level": report.estimate_level,
        "widespread": report.widespread.to_dict(),
        "systematic": report.systematic.to_dict(),
        "meanings": {i.key: {"en": i.meaning_en, "es": i.meaning_es} for i in INDICATORS},
        "notes": list(report.notes),
    }
    indicators.write_text(json.dumps(_jsonable(document), indent=2, ensure_ascii=False) + "\n",
                          "utf-8")
    written = [counts, indicators]
    if chart != "none" and report.series is not None:
        path = out_dir / f"patterns-series.{chart}"
        plot_series(report, path, chart)
        written.append(path)
    return written


# -- the command -----------------------------------------------------------------------------

def _shares(values: Sequence[str]) -> dict[str, float] | None:
    shares: dict[str, float] = {}
    for value in values:
        group, _, share = value.rpartition("=")
        try:
            number = float(share)
        except ValueError:
            number = -1.0
        if not group.strip() or not number >= 0:
            raise BadInput(f"--reference-share {value!r}: write GROUP=SHARE, e.g. "
                           "affiliation.student=0.12 (a share of the population at risk)")
        shares[group.strip()] = number
    return shares or None


def _dimensions(values: Sequence[str]) -> list[str]:
    dims = [v.strip() for value in values for v in value.split(",") if v.strip()]
    return dims or ["month"]


@click.command(name="patterns")
@click.argument("file", required=False,
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--by", "by", multiple=True, metavar="DIM",
              help="Count by these (repeat or comma-separate): one of day, week, month, "
                   "quarter, year; and state, unit, act_type, method, affiliation. "
                   "Default: month.")
@click.option("--estimate", "estimate_file",
              type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSON written by `expediente estimate --out`: the scale, with its interval.")
@click.option("--structure", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="A case's structure.json, to place acts (location_code) in their state.")
@click.option("--reference-share", "reference", multiple=True, metavar="GROUP=SHARE",
              help="Share of an affiliation group in the population at risk (repeat for "
                   "every group): adds the targeting ratio and test.")
@click.option("--case", "case_code", default=None,
              help="Work on a case's live acts instead of a file (needs the database).")
@click.option("--user", "username", default=None, help="With --case: act as this user.")
@click.option("--data-dir", default=None, type=click.Path(file_okay=False),
              help="With --case: the data directory (default ./data or $EXPEDIENTE_DATA_DIR).")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Write patterns-counts.csv, patterns-indicators.json and the chart here.")
@click.option("--chart", type=click.Choice(["png", "svg", "none"]), default="png",
              show_default=True)
def command(file: Path | None, by: tuple[str, ...], estimate_file: Path | None,
            structure: Path | None, reference: tuple[str, ...], case_code: str | None,
            username: str | None, data_dir: str | None, out_dir: Path | None, chart: str) -> None:
    """Counts of acts over time, place, unit and method, and indicators of *widespread* and
    *systematic* (Rome Statute art. 7).

    FILE is an acts table (CSV, TSV, XLSX, JSON; or CSV/Parquet with the columns act_id,
    start_date, victim_id, act_type, methods, place, unit, victim_affiliation). With --case
    instead, the acts are the case's, and the scale is its latest stored estimate.
    The indicators describe documented acts; they inform the legal question, not decide it.
    """
    if (file is None) == (case_code is None):
        raise click.UsageError("Give either FILE or --case, not both and not neither.")
    dims = _dimensions(by)
    shares = _shares(reference)
    if case_code is not None:
        if estimate_file is not None or structure is not None:
            raise click.UsageError("--estimate and --structure apply to a FILE; with --case the "
                                   "scale is the case's latest stored estimate")
        # The case side sets Django up; it is found by name so the core never imports it.
        case_side = importlib.import_module("expediente_web.cli.patterns_case")
        case_side.run(case_code, by=dims, username=username, data_dir=data_dir,
                      out_dir=out_dir, chart=chart, reference_shares=shares)
        return
    if username is not None or data_dir is not None:
        raise click.UsageError("--user and --data-dir apply to --case")
    assert file is not None
    frame, source = read_acts_file(file, structure)
    estimate, scale = estimate_from_json(estimate_file) if estimate_file else (None, None)
    if structure is not None:
        source["structure"], source["structure_sha256"] = str(structure), _sha256(structure)
    if "state" in dims and structure is None and source["format"] == "acts table kind":
        raise BadInput("--by state: this acts table names places by location_code; give "
                       "--structure structure.json to find their states, or use --by place")
    report = build_report(frame, dims, estimate=estimate, scale=scale, reference_shares=shares,
                          parameters={"estimate_file": str(estimate_file) if estimate_file
                                      else None, "places": source["place"]},
                          notes=["victims are counted by their id in the file; the same person "
                                 "under two ids counts twice (link first)"]
                          if source["format"] == "acts table kind" else [])
    print_report(report)
    if out_dir is not None:
        for path in write_outputs(report, out_dir, source, chart):
            click.echo(f"wrote {path}", err=True)
