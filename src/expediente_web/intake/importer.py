"""Importing table files into a case: every problem reported, and all or nothing written.

Each file is read once, streaming. Every row is validated (`expediente.tables.validation`) and
every reference it makes is checked against the case: the victim an act names exists in that
source (stored, or in an earlier file of the same import), the location, unit, event and
perpetrator codes exist in the case, and no row id was already imported from that source.

Rows are written in batches of `BATCH_ROWS` as soon as they are checked, inside the import's one
transaction, while no problem has been seen. The first problem stops the writing but not the
reading, so the report still lists every problem of every file with its row and column; the
transaction is then rolled back, so a bad file leaves nothing behind, exactly as if it had been
checked before writing (docs/decisions/0601-one-pass-import.md). A good file gets one import
batch and one audit entry; any failure rolls back every record, batch and audit entry.

Memory stays flat in the size of the file: only row ids (for duplicates and references) and
one batch of rows are held at a time.
"""

from __future__ import annotations

import datetime as _dt
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.fingerprints import file_sha256
from expediente.tables.kinds import KINDS
from expediente.tables.mapping import TableMapping
from expediente.tables.problems import Limits, Problem, ProblemCode
from expediente.tables.readers import open_table
from expediente.tables.records import Record
from expediente.tables.validation import PartialRow, ValidationReport, Validator
from expediente_web.audit import chain
from expediente_web.audit.imports import import_rows
from expediente_web.audit.record import actor_name
from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.models import Case, Source
from expediente_web.cases.validation import InvalidInput
from expediente_web.intake.models import ImportBatch
from expediente_web.intake.references import CaseCodes, load_case_codes
from expediente_web.intake.updates import UPDATE_COUNTS, RowUpdater, present_fields
from expediente_web.intake.writer import BATCH_ROWS, Lookups, TableWriter, write_sources
from expediente_web.records.statistics import refresh_planner_statistics

Progress = Callable[[int, int], None]
"""Called after each batch with the rows just checked (and written, while no problem has been
seen) and the rows the import reads in all (an estimate; 0 when unknown)."""


class ImportRefused(Exception):
    """The files have problems (listed in `outcome`); nothing was written."""

    def __init__(self, outcome: ImportOutcome) -> None:
        super().__init__(f"{outcome.problem_count} problem(s); nothing was imported")
        self.outcome = outcome


@dataclass(frozen=True)
class TableFile:
    """One file to import: its kind, the source it belongs to and how to read it."""

    path: Path
    kind: str
    source_code: str | None
    mapping: TableMapping
    name: str
    """How reports and the import batch name the file (relative to a case directory)."""


@dataclass
class FileCheck:
    """What the checking pass found in one file."""

    name: str
    kind: str
    file: TableFile | None = None
    rows: int = 0
    problems: list[Problem] = field(default_factory=list)
    problem_count: int = 0
    unmapped: dict[str, Counter[str]] = field(default_factory=dict)
    sha256: str = ""

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    def add(self, problem: Problem, keep: int) -> None:
        self.problem_count += 1
        if len(self.problems) < keep:
            self.problems.append(problem)


@dataclass
class FileResult:
    """What was written from one file."""

    name: str
    kind: str
    source_code: str | None
    rows: int
    counts: dict[str, int]
    batch_uid: str


@dataclass
class ImportOutcome:
    """The checks of every file and, unless refused or a dry run, what was written."""

    case_code: str
    checks: list[FileCheck] = field(default_factory=list)
    written: list[FileResult] = field(default_factory=list)
    dry_run: bool = False
    case_created: bool = False

    @property
    def problem_count(self) -> int:
        return sum(c.problem_count for c in self.checks)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0

    @property
    def rows(self) -> int:
        return sum(c.rows for c in self.checks)


def guess_kind(path: Path) -> str | None:
    """The table kind a file most likely holds: from its folder or name, else its header."""
    for name in (path.parent.name, path.stem):
        if name in KINDS:
            return name
    try:
        with open_table(path) as reader:
            for item in reader:
                if not isinstance(item, Problem):
                    break
            header = set(reader.header)
    except Exception:  # an unreadable file is reported by the checking pass
        return None
    if "act_record_id" in header:
        return "measurements" if "measure" in header else "involvements"
    if "victim_record_id" in header or ("act_type" in header and "victim_record_id" in header):
        return "acts"
    if "narrative" in header:
        return "testimonies"
    if {"name", "kind"} <= header:
        return "sources"
    if header & {"full_name", "given_names", "first_surname"}:
        return "victims"
    return None


# -- checking ---------------------------------------------------------------------------------


def _today() -> _dt.date:
    return timezone.now().date()


class _ReferenceCheck:
    """Checks the references of one file's records against the case codes."""

    def __init__(self, tf: TableFile, codes: CaseCodes, update: bool = False) -> None:
        self.kind = tf.kind
        self.update = update
        """A new version of a list: a row id already imported from the source is the row it
        updates, not a duplicate."""
        self.codes = codes
        self.ids = codes.source(tf.source_code) if tf.source_code else None
        # Involvement and measurement rows have no row ids of their own: nothing to keep.
        self.own = self.ids.of(tf.kind) if self.ids and tf.kind in ID_KINDS else set()
        self.new_acts: set[str] = set()
        self.new_births: dict[str, _dt.date] = {}
        self.source_code = tf.source_code

    def problems(self, record: Record, column: Callable[[str], str]) -> Iterator[Problem]:
        codes = self.codes
        row = record.row
        rid = record.record_id

        def unknown(name: str, value: str, what: str) -> Problem:
            return Problem(row, column(name), ProblemCode.UNKNOWN_REFERENCE,
                           f"{what} {value!r} does not exist")

        if self.kind == "sources":
            if rid in codes.sources:
                yield Problem(row, column("record_id"), ProblemCode.DUPLICATE_ROW_ID,
                              f"source {rid!r} already exists in the case")
            return
        assert self.ids is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
        if rid is not None and rid in self.own and not self.update:
            yield Problem(row, column("record_id"), ProblemCode.DUPLICATE_ROW_ID,
                          f"record_id {rid!r} was already imported from this source (a new "
                          "version of the list is imported as an update)")
        for name, known, what in (
            ("location_code", codes.locations, "location"),
            ("state", codes.locations, "location"),
            ("unit_code", codes.units, "unit"),
            ("event_code", codes.events, "event"),
            ("perpetrator_record_id", codes.perpetrators, "perpetrator record"),
        ):
            value = getattr(record, name, None)
            if value and value not in known:
                yield unknown(name, value, what)
        if self.kind == "victims" and record.birth_date is not None and rid is not None:
            self.new_births[rid] = record.birth_date.earliest
        if self.kind == "victims" and getattr(record, "act_type", None) and rid is not None:
            if rid in self.ids.acts and not self.update:
                yield Problem(row, column("record_id"), ProblemCode.DUPLICATE_ROW_ID,
                              f"an act {rid!r} was already imported from this source")
            self.new_acts.add(rid)
        elif self.kind == "acts":
            if record.victim_record_id is None:  # a partial row whose cell was wrong or empty
                pass
            elif record.victim_record_id not in self.ids.victims:
                yield unknown("victim_record_id", record.victim_record_id,
                              "victim record in this source")
            else:
                yield from self._born_after(record, record.victim_record_id, column,
                                            "the act", "victim")
        elif self.kind == "testimonies":
            witness = record.witness_record_id
            if witness and witness not in self.ids.victims:
                yield unknown("witness_record_id", witness, "victim record in this source")
            elif witness:
                yield from self._born_after(record, witness, column, "the testimony",
                                            "witness")
            for act_id in record.act_record_ids:
                if act_id not in self.ids.acts:
                    yield unknown("act_record_ids", act_id, "act record in this source")
        elif (self.kind in ("involvements", "measurements")
              and record.act_record_id is not None
              and record.act_record_id not in self.ids.acts):
            yield unknown("act_record_id", record.act_record_id, "act record in this source")

    def _born_after(self, record: Record, person: str, column: Callable[[str], str],
                    what: str, who: str) -> Iterator[Problem]:
        """An act or testimony dated before its victim or witness was born."""
        assert self.source_code is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
        birth = self.codes.birth(self.source_code, person)
        date = record.date
        if birth is not None and date is not None and birth > date.latest:
            yield Problem(record.row, column("date"), ProblemCode.IMPOSSIBLE_DATE,
                          f"the date of {what}, {date}, is before the birth date of {who} "
                          f"{person!r} (not before {birth.isoformat()})")

    def commit(self, record_ids: set[str]) -> None:
        """Make the file's ids known to the files checked after it."""
        if self.kind == "sources":
            self.codes.sources.update(record_ids)
            return
        assert self.ids is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
        self.own.update(record_ids)
        self.ids.acts.update(self.new_acts)
        self.ids.births.update(self.new_births)


ID_KINDS = ("victims", "acts", "testimonies")
"""Kinds whose rows have their own row ids in a source."""


class Pass:
    """State shared by the files of one import: records are written only while no problem has
    been seen (and never in a dry run); after the first problem the files are still read to the
    end, so that the report lists every problem, and the transaction is rolled back."""

    def __init__(self, write: bool, progress: Progress | None = None, total: int = 0) -> None:
        self.writing = write
        self.progress = progress
        self.total = total

    def stop_writing(self) -> None:
        self.writing = False


def check_table(
    tf: TableFile,
    codes: CaseCodes,
    *,
    limits: Limits | None = None,
    today: _dt.date | None = None,
    track_unmapped: bool = False,
    run: Pass | None = None,
    write: Callable[[list[Record]], None] | None = None,
    update: bool = False,
    fields: set[str] | None = None,
) -> FileCheck:
    """Check one file (rows, cells and references), and write its records while `run` allows.

    Without `run` and `write` nothing is written. The file's row ids are then added to
    `codes`, so that later files of the same import may refer to them. A row with a bad cell
    has its references checked too (from the cells that could be read), so that one pass
    reports every problem of every row. With `update`, a row id already imported from the
    source is the row the file updates; `fields`, when given, is filled with the fields the
    file has columns for before each write.
    """
    limits = limits or Limits()
    run = run or Pass(write=False)
    check = FileCheck(tf.name, tf.kind, tf)
    try:
        check.sha256 = file_sha256(tf.path)
    except OSError as exc:
        check.add(Problem(None, None, ProblemCode.MALFORMED_FILE, f"cannot read: {exc}"), 1)
        run.stop_writing()
        return check
    if tf.kind != "sources" and tf.source_code not in codes.sources:
        check.add(
            Problem(None, None, ProblemCode.UNKNOWN_REFERENCE,
                    f"source {tf.source_code!r} does not exist in the case"),
            limits.max_problems,
        )
        run.stop_writing()
    validator = Validator(
        mapping=tf.mapping, limits=limits, today=today, track_unmapped=track_unmapped,
        partial_rows=True,
    )
    report = ValidationReport(str(tf.path), tf.kind)
    refs = _ReferenceCheck(tf, codes, update=update)
    raw_of: dict[str, str] = {}

    def column(name: str) -> str:
        if len(raw_of) != len(report.columns):
            raw_of.clear()
            raw_of.update({f: raw for raw, f in report.columns.items() if f})
        return raw_of.get(name, name)

    keep = limits.max_problems

    def flush(rows: list[Record]) -> None:
        assert write is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
        if fields is not None:
            fields.update(present_fields(report.columns.values(), tf.mapping.defaults))
        write(rows)

    check_refs = refs.ids is not None or tf.kind == "sources"
    pending: list[Record] = []
    batch_rows = BATCH_ROWS
    read = 0
    with open_table(tf.path, limits=limits, encoding=tf.mapping.encoding,
                    sheet=tf.mapping.sheet) as reader:
        for item in validator.validate(reader, report):
            if isinstance(item, Problem):
                check.add(item, keep)
                run.stop_writing()
                continue
            read += 1
            if run.progress and read % batch_rows == 0:
                run.progress(batch_rows, run.total)
            if isinstance(item, PartialRow):  # its cell problems came just before
                if check_refs:
                    for problem in refs.problems(item.record, column):
                        check.add(problem, keep)
                continue
            if check_refs:
                bad = False
                for problem in refs.problems(item, column):
                    check.add(problem, keep)
                    bad = True
                if bad:
                    run.stop_writing()
                    continue
            if run.writing and write is not None:
                pending.append(item)
                if len(pending) >= batch_rows:
                    flush(pending)
                    pending = []
        if run.writing and write is not None and pending:
            flush(pending)
        if run.progress and read % batch_rows:
            run.progress(read % batch_rows, run.total)
    check.rows = report.rows
    check.unmapped = report.unmapped
    refs.commit(report.record_ids)
    return check


# -- writing ----------------------------------------------------------------------------------


def _mapping_summary(mapping: TableMapping) -> dict[str, Any]:
    if not (mapping.columns or mapping.values or mapping.defaults or mapping.path):
        return {}
    return {
        "file": Path(mapping.path).name if mapping.path else None,
        "columns": dict(mapping.columns),
        "values": {k: dict(v) for k, v in mapping.values.items()},
        "defaults": dict(mapping.defaults),
    }


def estimate_rows(paths: list[Path]) -> int:
    """Rows to expect, for a progress bar: lines of text files and the row count in a Parquet
    file's footer (cheap), 0 when unknown."""
    total = 0
    for path in paths:
        suffix = path.suffix.lower()
        if suffix == ".xlsx":
            continue
        if suffix == ".parquet":
            total += _parquet_rows(path)
            continue
        try:
            with open(path, "rb") as handle:
                total += sum(block.count(b"\n")
                             for block in iter(lambda: handle.read(1 << 20), b""))
        except OSError:  # reported by the checking pass
            continue
    return total


def _parquet_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    try:
        return int(pq.ParquetFile(path).metadata.num_rows)
    except Exception:  # a broken file is reported by the checking pass
        return 0


def import_file(
    tf: TableFile,
    codes: CaseCodes,
    case: Case | None,
    lookups: Lookups | None,
    actor: Any,
    run: Pass,
    *,
    today: _dt.date | None,
    limits: Limits | None = None,
    track_unmapped: bool = False,
    uids: dict[str, str] | None = None,
    update: bool = False,
) -> tuple[FileCheck, FileResult | None]:
    """Check one file and, while `run` is writing, write it under a new import batch with one
    audit entry (and, with `update`, one more per record it changed). Call inside the
    import's transaction."""
    if not run.writing:
        check = check_table(tf, codes, limits=limits, today=today,
                            track_unmapped=track_unmapped, run=run, update=update)
        return check, None
    assert lookups is not None and case is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
    source = (Source.objects.filter(case=case, code=tf.source_code).first()
              if tf.kind != "sources" else None)
    batch = ImportBatch.objects.create(
        case=case, source=source, kind=tf.kind, filename=tf.name[:300],
        mapping=_mapping_summary(tf.mapping), actor=actor_name(actor),
    )
    counts: dict[str, int] = {}
    updater: RowUpdater | None = None
    if tf.kind == "sources":

        def write(rows: list[Record]) -> None:
            counts["sources"] = counts.get("sources", 0) + write_sources(rows, case)  # type: ignore[arg-type]

    else:
        updater = RowUpdater(actor, batch, tf.name) if update else None
        writer = TableWriter(tf.kind, batch, source, lookups, uids, updater=updater)
        write = writer.write
        counts = writer.counts.counts
    check = check_table(tf, codes, limits=limits, today=today, track_unmapped=track_unmapped,
                        run=run, write=write, update=update,
                        fields=updater.fields if updater is not None else None)
    if not run.writing:  # a problem: the caller reports and rolls back
        return check, None
    batch.rows = check.rows
    batch.sha256 = check.sha256
    batch.save(update_fields=["rows", "sha256"])
    chain.append(
        actor_name(actor),
        "import_table",
        case_code=case.code,
        object_type="import_batch",
        object_id=str(batch.uid),
        payload={
            "file": tf.name,
            "sha256": check.sha256,
            "kind": tf.kind,
            "source": tf.source_code,
            "rows": check.rows,
            "created": {k: v for k, v in counts.items() if k not in UPDATE_COUNTS},
            **({"update": True,
                "updated": {k: v for k, v in counts.items() if k in UPDATE_COUNTS}}
               if update else {}),
            "batch": str(batch.uid),
            "digests": import_rows(batch, tf.kind, counts),  # of the rows written
        },
    )
    return check, FileResult(tf.name, tf.kind, tf.source_code, check.rows, dict(counts),
                             str(batch.uid))


def do_import_table(
    case: Case,
    path: str | Path,
    *,
    kind: str,
    source_code: str | None,
    mapping: TableMapping | None = None,
    actor: Any = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    limits: Limits | None = None,
    name: str | None = None,
    update: bool = False,
) -> ImportOutcome:
    """Import one table file into a case, all or nothing, with one audit entry.

    Args:
        case: the case to import into.
        path: a CSV, XLSX, JSON or Parquet file in the case-tables format (or mapped onto
            it).
        kind: victims, acts, testimonies, sources, involvements or measurements.
        source_code: the case source the rows come from (not for kind `sources`).
        mapping: how the file's columns and values map onto the canonical ones.
        actor: the user who imports (a writer in the case), or None for the operator at the
            console; recorded in the batch and the audit log.
        dry_run: check only; the outcome lists problems and unmapped values.
        progress: called after each batch with the rows checked and the total.
        update: the file is a new version of a list already imported from the source: a row
            whose row id the source has updates that record where a value differs (one audit
            entry per record changed, with its diff), an equal row is left alone, a new row is
            added. Without it, such a row is a `duplicate_row_id` problem.

    Returns:
        The outcome: checks, and what was written.

    Raises:
        ImportRefused: the file has problems; nothing was written.
    """
    if actor is not None:
        require_role(actor, case, WRITE_ROLES, gettext_noop("import files"))
    if update and kind not in ID_KINDS:
        raise InvalidInput(
            "update",
            _(
                "a new version of a list updates rows by their row id: victims, acts and "
                "testimonies files, not %(kind)s"
            )
            % {"kind": kind},
        )
    path = Path(path)
    mapping = mapping or TableMapping.identity(kind)
    if mapping.kind != kind:
        raise ValueError(f"the mapping is for kind {mapping.kind!r}, not {kind!r}")
    tf = TableFile(path, kind, source_code if kind != "sources" else None, mapping,
                   name or path.name)
    today = _today()
    outcome = ImportOutcome(case.code, dry_run=dry_run)
    run = Pass(write=not dry_run, progress=progress, total=estimate_rows([path]))
    with transaction.atomic():
        codes = load_case_codes(case)
        lookups = Lookups.load(case) if run.writing else None
        check, result = import_file(tf, codes, case, lookups, actor, run, today=today,
                                    limits=limits, track_unmapped=dry_run, update=update)
        outcome.checks.append(check)
        if not outcome.ok:
            raise ImportRefused(outcome)  # rolls back whatever was written before the problem
        if result is not None:
            outcome.written.append(result)
    if outcome.written and not dry_run:
        refresh_planner_statistics()
    return outcome
