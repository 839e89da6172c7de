"""Streaming readers for CSV, XLSX, JSON arrays, JSON Lines and Parquet.

A reader yields ``(row_number, cells)`` pairs aligned with its ``header`` list, mixed with
:class:`~expediente.tables.problems.Problem` objects for what it cannot read (bad encoding,
control characters, a broken JSON object). It never holds more than one row (or one JSON
object) in memory, so memory stays flat in the size of the file.

Row numbers: CSV and XLSX count like a spreadsheet (header = 1, first data row = 2); a
JSON array counts objects from 1; JSON Lines counts lines from 1; Parquet counts records
from 1 (a Parquet file has no header row: its columns are named in its schema).
"""

from __future__ import annotations

import codecs
import csv
import datetime as _dt
import io
import json
import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from expediente.tables.json_depth import MAX_ROW_DEPTH, exceeds_depth
from expediente.tables.problems import Limits, Problem, ProblemCode

__all__ = ["TableReader", "detect_format", "open_table"]

Row = tuple[int, list[str]]

# C0 controls except tab, line feed and carriage return, plus DEL. A NUL or a control
# character in a text file almost always means a wrong encoding (UTF-16 read as UTF-8)
# or a hostile cell; either way the cell must not be stored as it is.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_FORMATS = {
    ".csv": "csv",
    ".tsv": "tsv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".json": "json",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".parquet": "parquet",
}
# Records decoded at a time from a Parquet file: one batch of Python values is held at once
# (with the row group pyarrow decompresses), whatever the size of the file.
PARQUET_BATCH_ROWS = 1_024


def detect_format(path: str | Path) -> str:
    """``csv``, ``tsv``, ``xlsx``, ``json``, ``jsonl`` or ``parquet`` from the file name.

    Raises:
        ValueError: an extension we do not read.
    """
    suffix = Path(path).suffix.lower()
    try:
        return _FORMATS[suffix]
    except KeyError:
        raise ValueError(
            f"{Path(path).name}: cannot read {suffix or 'extension-less'} files; "
            "use CSV, XLSX, JSON, JSON Lines or Parquet"
        ) from None


class TableReader:
    """An open table; iterate it once. Use as a context manager to close the file."""

    def __init__(
        self,
        path: str | Path,
        *,
        limits: Limits | None = None,
        encoding: str | None = None,
        sheet: str | None = None,
    ) -> None:
        self.path = Path(path)
        self.limits = limits or Limits()
        self.encoding = encoding
        self.sheet = sheet
        self.header: list[str] = []
        self.format = detect_format(self.path)
        self._closers: list[Any] = []

    def __enter__(self) -> TableReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the underlying file."""
        for closer in self._closers:
            closer.close()
        self._closers.clear()

    def __iter__(self) -> Iterator[Row | Problem]:
        try:
            size = os.path.getsize(self.path)
        except OSError as exc:
            yield Problem(None, None, ProblemCode.MALFORMED_FILE, f"cannot open the file: {exc}")
            return
        if size > self.limits.max_file_bytes:
            yield Problem(
                None,
                None,
                ProblemCode.MALFORMED_FILE,
                f"the file has {size:,} bytes, more than the limit of "
                f"{self.limits.max_file_bytes:,}",
            )
            return
        if self.format in ("csv", "tsv"):
            yield from self._csv()
        elif self.format == "xlsx":
            yield from self._xlsx()
        elif self.format == "parquet":
            yield from self._parquet()
        else:
            yield from self._json()

    # -- CSV --------------------------------------------------------------------------------
    def _csv(self) -> Iterator[Row | Problem]:
        raw = open(self.path, "rb")  # noqa: SIM115 - closed by close()
        self._closers.append(raw)
        start = raw.read(4)
        raw.seek(0)
        bad_lines: list[int] = []  # physical lines that did not decode or hold controls
        if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            text: IO[str] = io.TextIOWrapper(raw, encoding="utf-16", errors="replace")
            lines: Iterator[str] = _flag_controls(text, bad_lines)
            encoding = "utf-16"
        else:
            encoding = self.encoding or "utf-8"
            if encoding.lower().replace("_", "-") in ("utf-8", "utf8") and start.startswith(
                codecs.BOM_UTF8
            ):
                raw.read(3)
            lines = _decode_lines(raw, encoding, bad_lines)
        # The module-wide limit guards the parser itself; our own per-cell limits follow.
        needed = max(self.limits.max_long_text_chars, self.limits.max_cell_chars) + 1
        if csv.field_size_limit() < needed:
            csv.field_size_limit(needed)
        # Strict: a lenient parser reads a stray opening quote as a cell running to the end of
        # the file, and the rows after it would vanish without a word.
        reader = csv.reader(lines, delimiter="\t" if self.format == "tsv" else ",", strict=True)
        row = 1
        try:
            try:
                self.header = [h.strip() for h in next(reader)]
            except StopIteration:
                yield Problem(None, None, ProblemCode.MALFORMED_FILE, "the file is empty")
                return
            if bad_lines:
                yield from _encoding_problems(1, self.header, self.header, encoding)
                bad_lines.clear()
            for cells in reader:
                row += 1
                if bad_lines:
                    yield from _encoding_problems(row, cells, self.header, encoding)
                    bad_lines.clear()
                if cells:
                    yield row, cells
        except csv.Error as exc:
            yield Problem(row + 1, None, ProblemCode.MALFORMED_FILE, _csv_error_message(exc))

    # -- XLSX -------------------------------------------------------------------------------
    def _xlsx(self) -> Iterator[Row | Problem]:
        try:
            import openpyxl  # only XLSX reading needs it
        except ImportError:  # pragma: no cover - openpyxl is a dependency
            yield Problem(None, None, ProblemCode.MALFORMED_FILE, "XLSX needs openpyxl")
            return
        bomb = _zip_expansion_problem(self.path, self.limits)
        if bomb is not None:
            yield bomb
            return
        try:
            book = openpyxl.load_workbook(self.path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises many types for a broken file
            yield Problem(
                None, None, ProblemCode.MALFORMED_FILE, f"not a readable XLSX workbook: {exc}"
            )
            return
        self._closers.append(book)
        if self.sheet is not None and self.sheet not in book.sheetnames:
            yield Problem(
                None,
                None,
                ProblemCode.MALFORMED_FILE,
                f"no sheet named {self.sheet!r}; the sheets are {', '.join(book.sheetnames)}",
            )
            return
        sheet = book[self.sheet] if self.sheet is not None else book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            yield Problem(None, None, ProblemCode.MALFORMED_FILE, "the sheet is empty")
            return
        self.header = [_cell_text(h).strip() for h in header]
        for number, values in enumerate(rows, start=2):
            cells = [_cell_text(v) for v in values]
            if not any(cells):
                continue
            for column, cell in zip(self.header, cells, strict=False):
                if _CONTROL.search(cell):
                    yield _control_problem(number, column)
                elif cell in _SPREADSHEET_ERRORS:
                    yield Problem(
                        number,
                        column,
                        ProblemCode.MALFORMED_FILE,
                        f"the cell holds the spreadsheet error {cell} (a formula that failed); "
                        "fix or clear it in the workbook",
                    )
            yield number, cells

    # -- Parquet ----------------------------------------------------------------------------
    def _parquet(self) -> Iterator[Row | Problem]:
        try:
            import pyarrow as pa  # only Parquet reading needs it
            import pyarrow.parquet as pq
        except ImportError:  # pragma: no cover - pyarrow is a dependency
            yield Problem(None, None, ProblemCode.MALFORMED_FILE, "Parquet needs pyarrow")
            return
        try:
            parquet = pq.ParquetFile(self.path)
        except Exception as exc:  # pyarrow raises ArrowInvalid, OSError... for a broken file
            yield Problem(
                None, None, ProblemCode.MALFORMED_FILE, f"not a readable Parquet file: {exc}"
            )
            return
        self._closers.append(parquet)
        schema = parquet.schema_arrow
        self.header = [str(name).strip() for name in schema.names]
        # Columns whose values cannot be a cell (a struct, a map) are reported once, by name.
        nested = [
            i
            for i, f in enumerate(schema)
            if pa.types.is_struct(f.type) or pa.types.is_map(f.type) or pa.types.is_union(f.type)
        ]
        for i in nested:
            yield Problem(
                None,
                self.header[i],
                ProblemCode.MALFORMED_FILE,
                "the column holds nested records; expected text, numbers, dates or lists",
            )
        number = 0
        try:
            for batch in parquet.iter_batches(batch_size=PARQUET_BATCH_ROWS, use_threads=False):
                columns = [
                    [None] * batch.num_rows if i in nested else column.to_pylist()
                    for i, column in enumerate(batch.columns)
                ]
                for values in zip(*columns, strict=True):
                    number += 1
                    cells = [_parquet_cell(v) for v in values]
                    for column, cell in zip(self.header, cells, strict=True):
                        if cell is None:
                            yield Problem(
                                number,
                                column,
                                ProblemCode.BAD_ENCODING,
                                "the cell holds bytes that are not UTF-8",
                            )
                        elif _CONTROL.search(cell):
                            yield _control_problem(number, column)
                    yield number, [c or "" for c in cells]
                del columns, values  # free this batch's values before decoding the next
        except Exception as exc:  # a corrupt page, a truncated file
            yield Problem(
                number + 1,
                None,
                ProblemCode.MALFORMED_FILE,
                f"the Parquet file cannot be read: {exc}",
            )

    # -- JSON -------------------------------------------------------------------------------
    def _json(self) -> Iterator[Row | Problem]:
        text = open(self.path, encoding=self.encoding or "utf-8-sig")  # noqa: SIM115
        self._closers.append(text)
        columns: dict[str, int] = {}
        try:
            first = _skip_blanks(text)
            if first == "[" and self.format == "json":
                objects: Iterator[tuple[int, Any] | Problem] = _iter_json_array(
                    text, self.limits.max_row_bytes
                )
            else:
                objects = _iter_json_lines(first, text, self.limits.max_row_bytes)
            for item in objects:
                if isinstance(item, Problem):
                    yield item
                    continue
                number, obj = item
                if not isinstance(obj, dict):
                    yield Problem(
                        number, None, ProblemCode.MALFORMED_FILE, "expected a JSON object"
                    )
                    continue
                cells = [""] * len(columns)
                for key, value in obj.items():
                    index = columns.get(key)
                    if index is None:
                        index = columns[key] = len(columns)
                        self.header.append(str(key))
                        cells.append("")
                    cell = _json_cell(value)
                    if cell is None:
                        yield Problem(
                            number,
                            str(key),
                            ProblemCode.MALFORMED_FILE,
                            "expected text, a number or a list, found a JSON object",
                        )
                        continue
                    if _CONTROL.search(cell):
                        yield _control_problem(number, str(key))
                    cells[index] = cell
                yield number, cells
        except UnicodeDecodeError as exc:
            yield Problem(
                None,
                None,
                ProblemCode.BAD_ENCODING,
                f"the file is not valid {self.encoding or 'UTF-8'} (byte {exc.start} of a "
                "read block); JSON must be UTF-8",
            )


def open_table(
    path: str | Path,
    *,
    limits: Limits | None = None,
    encoding: str | None = None,
    sheet: str | None = None,
) -> TableReader:
    """Open a table file for streaming (see :class:`TableReader`)."""
    return TableReader(path, limits=limits, encoding=encoding, sheet=sheet)


# The values Excel shows for a formula that failed; read as text they would become data.
_SPREADSHEET_ERRORS = frozenset(
    {"#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#SPILL!", "#CALC!"}
)


def _csv_error_message(exc: csv.Error) -> str:
    """Say what a parser error means for the person who saved the file."""
    if "unexpected end of data" in str(exc):
        return (
            "a double quote opened on this row is never closed, so every later line would be "
            "read into one cell; remove the stray quote or close it (nothing after it was read)"
        )
    if "expected after" in str(exc):
        return (
            "text follows the closing double quote of a cell; a quote inside a quoted cell "
            'is written twice ("")'
        )
    return f"the CSV cannot be read: {exc}"


def _decode_lines(raw: IO[bytes], encoding: str, bad: list[int]) -> Iterator[str]:
    """Decode line by line, so that a bad byte is pinned to its line, not to the file."""
    decode = codecs.getdecoder(encoding)
    control = _CONTROL.search
    for number, line in enumerate(raw, start=1):
        try:
            text = decode(line)[0]
        except UnicodeDecodeError:
            text = decode(line, "replace")[0]
            bad.append(number)
        else:
            if control(text):
                bad.append(number)
        yield text


def _flag_controls(text: IO[str], bad: list[int]) -> Iterator[str]:
    for number, line in enumerate(text, start=1):
        if "\ufffd" in line or _CONTROL.search(line):
            bad.append(number)
        yield line


def _encoding_problems(
    row: int, cells: list[str], header: list[str], encoding: str
) -> Iterator[Problem]:
    found = False
    for index, cell in enumerate(cells):
        column = header[index] if index < len(header) else f"#{index + 1}"
        if "\ufffd" in cell:
            found = True
            yield Problem(
                row,
                column,
                ProblemCode.BAD_ENCODING,
                f"the text is not valid {encoding}; save the file as UTF-8, or name its "
                "encoding in the mapping file (e.g. 'encoding: cp1252')",
            )
        elif _CONTROL.search(cell):
            found = True
            yield _control_problem(row, column)
    if not found:  # a control character in a quoted line break, say
        yield Problem(row, None, ProblemCode.BAD_ENCODING, "the row has unreadable bytes")


def _control_problem(row: int, column: str) -> Problem:
    return Problem(
        row,
        column,
        ProblemCode.BAD_ENCODING,
        "the cell holds a control character (such as NUL); the file may be in another "
        "encoding (UTF-16?) or the cell was tampered with",
    )


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, _dt.datetime):
        if value.time() == _dt.time():
            return value.date().isoformat()
        return value.isoformat()
    if isinstance(value, _dt.date):
        return value.isoformat()
    return str(value)


def _parquet_cell(value: Any) -> str | None:
    """A Parquet value as a cell; None for bytes that are not UTF-8 text."""
    if isinstance(value, bytes):
        try:
            return value.decode("utf-8")
        except UnicodeDecodeError:
            return None
    if isinstance(value, list):
        parts = [_parquet_cell(v) for v in value]
        return None if any(p is None for p in parts) else ";".join(p for p in parts if p)
    return _cell_text(value)


def _json_cell(value: Any) -> str | None:
    if isinstance(value, list):
        parts = [_json_cell(v) for v in value]
        return None if any(p is None for p in parts) else ";".join(p for p in parts if p)
    if isinstance(value, dict):
        return None
    return _cell_text(value)


def _skip_blanks(text: IO[str]) -> str:
    while True:
        char = text.read(1)
        if not char or not char.isspace():
            return char


_BLOCK = 64 * 1024


def _iter_json_array(text: IO[str], max_object: int) -> Iterator[tuple[int, Any] | Problem]:
    """Yield the elements of a top-level JSON array one at a time.

    A small incremental parser: it keeps a buffer of at most one element plus one block
    and hands each complete element to the C JSON decoder.
    """
    decoder = json.JSONDecoder()
    buffer, position, number = "", 0, 0
    eof = False
    need_value = True
    while True:
        while True:  # skip blanks, reading more when the buffer runs out
            while position < len(buffer) and buffer[position] in " \t\r\n":
                position += 1
            if position < len(buffer) or eof:
                break
            chunk = text.read(_BLOCK)
            eof = not chunk
            buffer, position = buffer[position:] + chunk, 0
        if position >= len(buffer):
            yield Problem(number or None, None, ProblemCode.MALFORMED_FILE, "the array never ends")
            return
        char = buffer[position]
        if char == "]" and (not need_value or number == 0):
            return
        if not need_value:
            if char != ",":
                yield Problem(
                    number, None, ProblemCode.MALFORMED_FILE, "expected ',' after the object"
                )
                return
            position += 1
            need_value = True
            continue
        number += 1
        while True:
            try:
                obj, end = decoder.raw_decode(buffer, position)
            except RecursionError:
                yield _too_deep(number)
                return
            except json.JSONDecodeError as exc:
                chunk = "" if eof else text.read(_BLOCK)
                if not chunk:
                    yield Problem(
                        number, None, ProblemCode.MALFORMED_FILE, f"broken JSON: {exc.msg}"
                    )
                    return
                if len(buffer) - position > max_object:
                    yield Problem(
                        number,
                        None,
                        ProblemCode.MALFORMED_FILE,
                        f"the object is larger than {max_object:,} characters",
                    )
                    return
                buffer, position = buffer[position:] + chunk, 0
                continue
            # A bare number that ends exactly at the buffer's end may have been cut short.
            if end == len(buffer) and not eof and not isinstance(obj, (dict, list, str)):
                chunk = text.read(_BLOCK)
                eof = not chunk
                if chunk:
                    buffer, position = buffer[position:] + chunk, 0
                    continue
            break
        too_big = end - position > max_object
        too_deep = not too_big and exceeds_depth(buffer[position:end], MAX_ROW_DEPTH)
        position = end
        need_value = False
        if too_big:
            yield Problem(
                number,
                None,
                ProblemCode.MALFORMED_FILE,
                f"the object is larger than {max_object:,} characters",
            )
        elif too_deep:
            yield _too_deep(number)
        else:
            yield number, obj
        if position > _BLOCK:  # drop what has been consumed
            buffer, position = buffer[position:], 0


def _iter_json_lines(
    first: str, text: IO[str], max_object: int
) -> Iterator[tuple[int, Any] | Problem]:
    loads = json.loads
    for number, line in enumerate(_prepend(first, text), start=1):
        if not line.strip():
            continue
        if len(line) > max_object:
            yield Problem(
                number,
                None,
                ProblemCode.MALFORMED_FILE,
                f"the line is longer than {max_object:,} characters",
            )
            continue
        if exceeds_depth(line, MAX_ROW_DEPTH):
            yield _too_deep(number)
            continue
        try:
            yield number, loads(line)
        except json.JSONDecodeError as exc:
            yield Problem(number, None, ProblemCode.MALFORMED_FILE, f"broken JSON: {exc.msg}")


def _too_deep(number: int) -> Problem:
    return Problem(
        number,
        None,
        ProblemCode.MALFORMED_FILE,
        f"the object nests arrays or objects more than {MAX_ROW_DEPTH} levels deep; a row is "
        "an object of cells, and a cell text, a number or a list",
    )


def _prepend(first: str, text: IO[str]) -> Iterator[str]:
    head = text.readline()
    yield first + head
    yield from text


#: Below this a workbook's expansion ratio is not looked at (small sheets compress very well).
_ZIP_RATIO_FLOOR = 16 * 1024**2


def _zip_expansion_problem(path: str | Path, limits: Limits) -> Problem | None:
    """A problem when the workbook would unpack to more than the limits allow; None otherwise.

    Read from the sizes the archive's directory declares (nothing is decompressed). A member
    that inflates past its declared size fails its CRC check when openpyxl reads it, which is
    reported as an unreadable workbook.
    """
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        return Problem(None, None, ProblemCode.MALFORMED_FILE,
                       f"not a readable XLSX workbook (an XLSX file is a zip archive): {exc}")
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    if unpacked > limits.max_unzipped_bytes or (
            unpacked > _ZIP_RATIO_FLOOR and unpacked / packed > limits.max_zip_ratio):
        return Problem(None, None, ProblemCode.MALFORMED_FILE,
                       f"the workbook would unpack to {unpacked:,} bytes from {packed:,} "
                       f"({unpacked / packed:,.0f} times its size; at most "
                       f"{limits.max_unzipped_bytes:,} bytes and {limits.max_zip_ratio} times): "
                       "refused as a possible zip bomb; save it again from the spreadsheet "
                       "program or export it as CSV")
    return None
