"""Rules that look at a whole row: dates given as start and end, a victim's name, an
involvement's perpetrator, a measurement's unit."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from expediente.dates import DateRange, ImpossibleDateError, PartialDate
from expediente.tables.problems import Problem, ProblemCode

__all__ = ["ROW_RULES", "RowRule", "born_after"]

RowRule = Callable[
    [dict[str, Any], int, dict[str, str], set[str], list[Problem] | None], list[Problem] | None
]
"""(values, row number, raw column of each field, failed fields, problems so far) -> problems.

A rule may change ``values`` (fold ``start_date``/``end_date`` into ``date``) and add
problems; it returns the problem list (None while there is none, to keep clean rows cheap).
"""


def _combine_dates(
    values: dict[str, Any],
    number: int,
    column_of: dict[str, str],
    failed: set[str],
    problems: list[Problem] | None,
) -> list[Problem] | None:
    """Fold ``start_date``/``end_date`` into ``date``."""
    start = values.pop("start_date", None)
    end = values.pop("end_date", None)
    if start is None and end is None:
        return problems
    column = column_of.get("end_date", "end_date")
    if start is None:
        if "start_date" not in failed:
            problems = problems or []
            problems.append(
                Problem(number, column, ProblemCode.MALFORMED_DATE, "end_date without start_date")
            )
        failed.add("date")
        return problems
    combined: PartialDate | DateRange = start
    if end is not None and end != start:
        try:
            combined = DateRange(start, end)
        except ImpossibleDateError as exc:
            problems = problems or []
            problems.append(Problem(number, column, ProblemCode.IMPOSSIBLE_DATE, exc.reason))
            failed.add("date")
            return problems
    given = values.get("date")
    if given is None:
        values["date"] = combined
    elif str(given) != str(combined):
        problems = problems or []
        problems.append(
            Problem(
                number,
                column_of.get("date", "date"),
                ProblemCode.IMPOSSIBLE_DATE,
                f"date {given} disagrees with start_date/end_date {combined}",
            )
        )
    return problems


def _victim_row(
    values: dict[str, Any],
    number: int,
    column_of: dict[str, str],
    failed: set[str],
    problems: list[Problem] | None,
) -> list[Problem] | None:
    problems = _combine_dates(values, number, column_of, failed, problems)
    problems = _born_before_the_act(values, number, column_of, problems)
    return _needs_one_of(
        ("full_name", "given_names", "first_surname"),
        "a victim needs full_name, or given_names or first_surname",
        values, number, column_of, failed, problems,
    )


def born_after(birth: PartialDate, date: PartialDate | DateRange) -> bool:
    """True when someone born on `birth` cannot have lived on `date`: even the earliest day
    the birth date may mean is after the last day the date may mean."""
    return birth.earliest > date.latest


def _born_before_the_act(
    values: dict[str, Any],
    number: int,
    column_of: dict[str, str],
    problems: list[Problem] | None,
) -> list[Problem] | None:
    """A victim list's act cannot happen before its victim was born."""
    birth = values.get("birth_date")
    date = values.get("date")
    if birth is None or date is None or not born_after(birth, date):
        return problems
    problems = problems or []
    problems.append(
        Problem(
            number,
            column_of.get("birth_date", "birth_date"),
            ProblemCode.IMPOSSIBLE_DATE,
            f"the birth date {birth} is after the date of the act, {date}",
        )
    )
    return problems


def _needs_one_of(
    columns: tuple[str, ...],
    message: str,
    values: dict[str, Any],
    number: int,
    column_of: dict[str, str],
    failed: set[str],
    problems: list[Problem] | None,
) -> list[Problem] | None:
    """A `missing_required` problem, on the first of `columns`, when the row has none of them
    (a column that failed its own check counts as present: it is reported already)."""
    if any(c in values for c in columns) or failed.intersection(columns):
        return problems
    problems = problems or []
    problems.append(
        Problem(number, column_of.get(columns[0], columns[0]), ProblemCode.MISSING_REQUIRED,
                message)
    )
    return problems


def _involvement_row(
    values: dict[str, Any],
    number: int,
    column_of: dict[str, str],
    failed: set[str],
    problems: list[Problem] | None,
) -> list[Problem] | None:
    """An involvement names a perpetrator: a unit, a person, or both."""
    return _needs_one_of(
        ("unit_code", "perpetrator_record_id"),
        "an involvement needs unit_code or perpetrator_record_id",
        values, number, column_of, failed, problems,
    )


def _measurement_row(
    values: dict[str, Any],
    number: int,
    column_of: dict[str, str],
    failed: set[str],
    problems: list[Problem] | None,
) -> list[Problem] | None:
    """The unit is the measure's own (the vocabulary's); an empty cell means that unit."""
    measure = values.get("measure")
    if measure is None:
        return problems
    from expediente.vocabularies import load_vocabularies  # cached after the first call

    try:
        expected = load_vocabularies().term(measure).unit or ""
    except LookupError:  # a measure of a vocabulary set other than the shipped one
        return problems
    unit = values.get("unit")
    if unit is None:
        if "unit" not in failed:
            values["unit"] = expected
        return problems
    if unit != expected:
        problems = problems or []
        problems.append(
            Problem(
                number,
                column_of.get("unit", "unit"),
                ProblemCode.UNKNOWN_TERM,
                f"{measure} is measured in {expected!r}, not {unit!r}",
            )
        )
    return problems


ROW_RULES: dict[str, RowRule] = {
    "victims": _victim_row,
    "acts": _combine_dates,
    "involvements": _involvement_row,
    "measurements": _measurement_row,
}
