"""Problems found in an import file, and the limits that guard the reader."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

__all__ = ["Limits", "Problem", "ProblemCode"]


class ProblemCode(StrEnum):
    """What is wrong with a cell, a row or the file."""

    UNKNOWN_TERM = "unknown_term"
    MALFORMED_DATE = "malformed_date"
    IMPOSSIBLE_DATE = "impossible_date"
    MISSING_REQUIRED = "missing_required"
    BAD_ENCODING = "bad_encoding"
    DUPLICATE_ROW_ID = "duplicate_row_id"
    OVERSIZED_CELL = "oversized_cell"
    BAD_NUMBER = "bad_number"
    UNKNOWN_COLUMN = "unknown_column"
    MALFORMED_FILE = "malformed_file"
    UNKNOWN_REFERENCE = "unknown_reference"
    """A row names a row or a case code that does not exist. The file readers never emit
    it (they see one file); the import emits it when it checks references against the case."""


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem, located as precisely as the file allows.

    Attributes:
        row: where the row is in the file: the spreadsheet row number for CSV and XLSX
            (the header is row 1, the first data row is row 2), the position of the object
            for a JSON array (1 = first), the line number for JSON Lines; None for a
            problem with the whole file.
        column: the column as the file names it (the raw header), or None.
        code: a :class:`ProblemCode`.
        message: a sentence a documenter can act on.
    """

    row: int | None
    column: str | None
    code: ProblemCode
    message: str

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.column is not None:
            where.append(f"column {self.column!r}")
        prefix = ", ".join(where) or "file"
        return f"{prefix}: [{self.code}] {self.message}"


@dataclass(frozen=True, slots=True)
class Limits:
    """Guards against hostile or broken files.

    Attributes:
        max_cell_chars: longest ordinary cell (the XLSX cell limit).
        max_long_text_chars: longest narrative, description or notes cell.
        max_file_bytes: largest file accepted.
        max_problems: problems kept in a report; the rest are only counted.
        max_row_bytes: largest single JSON object or CSV record read at once.
        max_unzipped_bytes: most an XLSX workbook (a zip archive) may expand to.
        max_zip_ratio: highest expansion of a workbook over a few MiB: a "zip bomb" of a few
            kilobytes that unpacks to gigabytes is refused before it is opened.
    """

    max_cell_chars: int = 32_767
    max_long_text_chars: int = 1_000_000
    max_file_bytes: int = 4 * 1024**3
    max_problems: int = 10_000
    max_row_bytes: int = 8 * 1024**2
    max_unzipped_bytes: int = 4 * 1024**3
    max_zip_ratio: int = 200
