"""The pattern report: counts, a time series and the indicators, with their meanings.

Built from an acts frame (see :mod:`expediente.patterns.acts` and :mod:`expediente.patterns.files`);
printed by ``expediente patterns``, written by :mod:`expediente.patterns.output`, shown by the
case's patterns page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from expediente.patterns.acts import PatternInputError

#: Periods that ``--by`` accepts (one at most), coarsest last.
PERIOD_NAMES = ("day", "week", "month", "quarter", "year")
#: Other dimensions of ``--by`` → the column of the acts frame they count by.
DIMENSION_COLUMNS = {"state": "place", "place": "place", "unit": "unit", "act_type": "act_type",
                     "method": "method", "affiliation": "victim_affiliation"}
#: Temporal concentration and months active are always measured per month.
CONCENTRATION_PERIOD = "month"



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


def _placed(frame: Any, period: str) -> Any:
    """Acts whose date falls within one period (a year-only date has no month)."""
    import polars as pl

    from expediente.patterns.counts import PERIODS

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

    from expediente.patterns.counts import PERIODS, count_acts

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
        frame: acts (see :func:`expediente.patterns.files.read_acts_file`; ``end_date`` is the
            last day an imprecise
            date may mean).
        by: dimensions of the counts: at most one of :data:`PERIOD_NAMES`, and any of
            ``state``, ``unit``, ``act_type``, ``method``, ``affiliation``.
        estimate: an estimate of the number of victims, for the scale.
        scale: where that estimate came from.
        reference_shares: shares of the groups in the population at risk (targeting).
        parameters, notes: carried into the report.

    Raises:
        PatternInputError: an unknown dimension, or two periods.
    """
    import polars as pl

    from expediente.patterns.counts import count_acts
    from expediente.patterns.indicators import systematic_indicators as systematic
    from expediente.patterns.indicators import widespread_indicators as widespread

    unknown = [d for d in by if d not in PERIOD_NAMES and d not in DIMENSION_COLUMNS]
    periods = [d for d in by if d in PERIOD_NAMES]
    if unknown:
        raise PatternInputError(f"--by: unknown {', '.join(unknown)}; choose from "
                       f"{', '.join(PERIOD_NAMES + tuple(DIMENSION_COLUMNS))}")
    if len(periods) > 1:
        raise PatternInputError(f"--by: one period at a time, not {' and '.join(periods)}")
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
    except PatternInputError:
        raise
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


def targeting_rows(report: PatternReport) -> tuple[list[dict[str, Any]], int]:
    """Victims by affiliation, largest group first, and how many victims have one."""
    rows = sorted(report.systematic.targeting, key=lambda r: (-r["victims"], r["group"]))
    return rows, sum(r["victims"] for r in rows)
