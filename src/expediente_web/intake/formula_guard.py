"""Keeping spreadsheet formulas out of exported CSV cells, reversibly.

A spreadsheet runs a cell starting with `=`, `+`, `-` or `@` (or a tab or carriage return) as a
formula, so a name such as `=HYPERLINK(…)` in an exported list could leak data when the file is
opened. Exported free-text cells that start with one of those characters, or with an apostrophe,
get a leading apostrophe, which spreadsheets show as text; importing strips exactly one such
apostrophe again, so export → import gives back the original text. Identifier, code, date,
vocabulary and number columns are never touched.
"""

from __future__ import annotations

_RISKY = frozenset("=+-@\t\r'")

GUARDED_COLUMNS = frozenset({
    "full_name", "given_names", "first_surname", "second_surname", "nickname", "id_number",
    "phone", "address", "occupation", "affiliation", "notes", "description", "witness_name",
    "witness_phone", "interviewer", "narrative", "name",
})


def guard(value: str) -> str:
    """The cell as written to a CSV export."""
    return "'" + value if value and value[0] in _RISKY else value


def unguard(value: str | None) -> str | None:
    """The text a guarded cell stands for (other values unchanged)."""
    if value and len(value) > 1 and value[0] == "'" and value[1] in _RISKY:
        return value[1:]
    return value
