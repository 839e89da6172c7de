"""Importing a whole case directory (the layout the demo generator and the export write).

    DIR/structure.json                 locations, units, perpetrators, positions, events
    DIR/sources.csv                    the case's sources (or .json / .jsonl / .xlsx / .parquet)
    DIR/victims/<SRC>.csv              per source: victims, acts, testimonies, and the acts'
    DIR/acts/<SRC>.csv                 further perpetrators and measured facts
    DIR/testimonies/<SRC>.csv
    DIR/involvements/<SRC>.csv
    DIR/measurements/<SRC>.csv
    DIR/mappings/<SRC>.yaml            a source whose file has its own headers and values
    DIR/uids/<kind>/<SRC>.csv          record_id → uid, written by the export (optional)
    DIR/evidence/*.json, comments.json written by the export (see `extras`)

Everything is imported in one transaction, with one audit entry per file; a problem in any
file rolls back the whole directory, after every file has been checked and every problem
listed.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction

from expediente.fingerprints import file_sha256
from expediente.tables.mapping import MappingError, TableMapping, load_mapping
from expediente.tables.problems import Limits, Problem, ProblemCode
from expediente_web.audit import chain
from expediente_web.audit.imports import batch_rows
from expediente_web.audit.record import actor_name
from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.models import Case
from expediente_web.intake import extras
from expediente_web.intake.folder_files import links_under
from expediente_web.intake.importer import (
    FileCheck,
    ImportOutcome,
    ImportRefused,
    Pass,
    Progress,
    TableFile,
    _today,
    estimate_rows,
    import_file,
)
from expediente_web.intake.models import ImportBatch
from expediente_web.intake.references import load_case_codes
from expediente_web.intake.structure import (
    SECTIONS,
    check_structure,
    read_structure,
    write_structure,
)
from expediente_web.intake.uid_clashes import check_uids
from expediente_web.intake.writer import Lookups
from expediente_web.records.statistics import refresh_planner_statistics
from expediente_web.search import index as search_index

TABLE_EXTENSIONS = (".csv", ".json", ".jsonl", ".xlsx", ".parquet")
# In import order: a file may refer to the rows of the files before it in the same source.
RECORD_KINDS = ("victims", "acts", "testimonies", "involvements", "measurements")


@dataclass
class CaseDirectory:
    """The files found in a case directory, in the order they are imported."""

    root: Path
    structure: Path | None = None
    sources: TableFile | None = None
    tables: list[TableFile] = field(default_factory=list)
    problems: list[FileCheck] = field(default_factory=list)
    """Files that cannot be imported at all (a broken mapping, an unknown file)."""


def _table_in(folder: Path, stem: str) -> Path | None:
    for ext in TABLE_EXTENSIONS:
        candidate = folder / f"{stem}{ext}"
        if candidate.is_file():
            return candidate
    return None


def _mapping_for(root: Path, source: str, kind: str) -> TableMapping:
    """The source's mapping file for this kind, or the identity mapping."""
    for candidate in (root / "mappings" / f"{source}.{kind}.yaml",
                      root / "mappings" / f"{source}.yaml"):
        if candidate.is_file():
            mapping = load_mapping(candidate)
            if mapping.kind == kind:
                return mapping
    return TableMapping.identity(kind)


def scan(root: Path) -> CaseDirectory:
    """Find the files of a case directory. A symbolic link anywhere in it is a problem: the
    directory's files are read from inside it only (see `folder_files`)."""
    found = CaseDirectory(root)
    links = list(links_under(root))
    if links:
        bad = FileCheck("case folder", "folder")
        for link in links:
            bad.add(Problem(None, link, ProblemCode.MALFORMED_FILE,
                            f"{link} is a symbolic link; a case folder's files are read only "
                            "from inside it, never through a link"), 10_000)
        found.problems.append(bad)
    if (root / "structure.json").is_file():
        found.structure = root / "structure.json"
    sources = _table_in(root, "sources")
    if sources is not None:
        found.sources = TableFile(sources, "sources", None, TableMapping.identity("sources"),
                                  sources.name)
    by_source: dict[str, dict[str, Path]] = {}
    for kind in RECORD_KINDS:
        folder = root / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            if path.suffix.lower() in TABLE_EXTENSIONS and path.is_file():
                by_source.setdefault(path.stem, {})[kind] = path
    for source in sorted(by_source):
        for kind in RECORD_KINDS:
            path = by_source[source].get(kind)
            if path is None:
                continue
            name = f"{kind}/{path.name}"
            try:
                mapping = _mapping_for(root, source, kind)
            except MappingError as exc:
                bad = FileCheck(name, kind)
                bad.add(Problem(None, None, ProblemCode.MALFORMED_FILE, str(exc)), 1)
                found.problems.append(bad)
                continue
            found.tables.append(TableFile(path, kind, source, mapping, name))
    return found


def _uids(root: Path, tf: TableFile) -> dict[str, str]:
    """record_id → uid from an export, so records keep their identity across databases."""
    path = root / "uids" / tf.kind / f"{tf.source_code}.csv"
    if not path.is_file():
        return {}
    with open(path, encoding="utf-8", newline="") as handle:
        return {row["record_id"]: row["uid"] for row in csv.DictReader(handle)}


def do_import_case_directory(
    case_code: str,
    root: str | Path,
    *,
    actor: Any = None,
    title: str | None = None,
    dry_run: bool = False,
    progress: Progress | None = None,
    limits: Limits | None = None,
) -> ImportOutcome:
    """Import a case directory into a case (created from `structure.json` if missing), in one
    transaction, with one audit entry per file.

    Raises:
        ImportRefused: some file has problems (all are listed); nothing was written.
        NotPermitted: the actor may not write in the case.
    """
    root = Path(root)
    case = Case.objects.filter(code=case_code).first()
    if case is not None and actor is not None:
        require_role(actor, case, WRITE_ROLES, "import files")
    found = scan(root)
    outcome = ImportOutcome(case_code, list(found.problems), dry_run=dry_run)
    files = ([found.sources] if found.sources else []) + found.tables
    run = Pass(write=not dry_run and not found.problems, progress=progress,
               total=0 if dry_run else estimate_rows([tf.path for tf in files]))
    today = _today()
    extra = extras.scan(root)
    try:
        with transaction.atomic(), search_index.deferred():
            _import(root, case_code, case, actor, title, found, extra, outcome, run, today,
                    limits, dry_run)
            if run.writing and not dry_run:
                # Once for the whole directory, with the citations the extras wrote last.
                search_index.reindex_case(Case.objects.get(code=case_code))
    except BaseException:
        _discard(extra)
        raise
    if run.writing and not dry_run:
        refresh_planner_statistics()
    return outcome


def _import(root: Path, case_code: str, case: Case | None, actor: Any, title: str | None,
            found: CaseDirectory, extra: extras.Extras | None, outcome: ImportOutcome,
            run: Pass, today: Any, limits: Limits | None, dry_run: bool) -> None:
    """The body of `do_import_case_directory`, inside its transaction."""
    files = ([found.sources] if found.sources else []) + found.tables
    codes = load_case_codes(case)
    structure: dict[str, Any] | None = None
    if found.structure is not None:
        check = FileCheck("structure.json", "structure")
        structure, problems = read_structure(found.structure)
        if structure is not None:
            problems = check_structure(structure, codes)
            check.rows = sum(len(structure.get(k) or []) for k in SECTIONS)
        for problem in problems:
            check.add(problem, 10_000)
        check.sha256 = file_sha256(found.structure)
        outcome.checks.append(check)
        if not check.ok:
            run.stop_writing()
    clashes = check_uids(root, structure)
    for name, problems in clashes.items():
        check = FileCheck(name, "uids")
        for problem in problems:
            check.add(problem, 10_000)
        outcome.checks.append(check)
        run.stop_writing()
    lookups = None
    if run.writing:
        if case is None:
            case = _create_case(case_code, actor, title, structure)
            outcome.case_created = True
        if structure is not None:
            _write_structure(structure, outcome.checks[-1], case, actor)
        lookups = Lookups.load(case)
    for tf in files:
        check, result = import_file(tf, codes, case, lookups, actor, run, today=today,
                                    limits=limits, track_unmapped=dry_run,
                                    uids=_uids(root, tf) if run.writing else None)
        outcome.checks.append(check)
        if result is not None:
            outcome.written.append(result)
    if extra is not None:
        checks = extra.check(codes, case, structure)
        outcome.checks.extend(checks)
        if run.writing and outcome.ok:
            assert case is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
            extra.write(case, actor, checks)
    if not outcome.ok:
        raise ImportRefused(outcome)  # rolls back whatever was written


def _discard(extra: extras.Extras | None) -> None:
    """Take back the evidence files a failed import stored: a refused directory leaves
    nothing in the evidence store either. (A process killed mid-import may leave some; they
    are content-addressed, named by no item, and `expediente check` ignores them.)"""
    if extra is not None and extra.new_files:
        extra.discard_new_files()


def _create_case(code: str, actor: Any, title: str | None, structure: dict | None) -> Case:
    from expediente_web.cases.actions import do_create_case

    meta = (structure or {}).get("case") or {}
    return do_create_case(
        actor, code, title or meta.get("title") or code, country=meta.get("country") or "",
        period=meta.get("period") or "", description=meta.get("description") or "",
    )


def _write_structure(structure: dict, check: FileCheck, case: Case, actor: Any) -> None:
    batch = ImportBatch.objects.create(
        case=case, kind="structure", filename="structure.json", sha256=check.sha256,
        rows=check.rows, actor=actor_name(actor),
    )
    counts = write_structure(structure, case, batch.id)
    chain.append(
        actor_name(actor), "import_structure", case_code=case.code,
        object_type="import_batch", object_id=str(batch.uid),
        payload={"file": "structure.json", "sha256": check.sha256, "created": counts,
                 "batch": str(batch.uid),
                 "digests": batch_rows(batch)},  # of the rows written
    )
