"""Files uploaded in the browser for import: received encrypted, checked, mapped, imported.

The services here are the writes of the browser's Import page, each one audited:

- `do_receive_import_file` stores the upload encrypted in the evidence store and queues its
  check (a background job, `import_check`);
- `do_map_import_values` keeps the terms the documenter chose for values that matched no
  vocabulary term and queues the check again with them;
- `do_start_import` queues the import itself (`import_file`), once a check found no problem;
- `do_discard_import_upload` drops an upload that will not be imported, and its file.

The jobs (`run_check`, `run_import`) decrypt the file into a private temporary file for as long
as they read it, and the import removes the stored file once it is in the record.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, BinaryIO

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.tables.kinds import KINDS, kind_spec
from expediente.tables.mapping import MappingError, TableMapping, mapping_from_dict
from expediente.tables.readers import detect_format
from expediente_web.audit.chain import append
from expediente_web.audit.record import actor_name
from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.models import Case, Source
from expediente_web.cases.validation import InvalidInput
from expediente_web.intake.models import ImportUpload

#: Kinds a browser upload may hold (a case directory is imported from the command line).
UPLOAD_KINDS = ("victims", "acts", "testimonies", "sources", "involvements", "measurements")


def max_bytes() -> int:
    return int(settings.EXPEDIENTE_MAX_UPLOAD_BYTES)


def _audit(actor: Any, action: str, upload: ImportUpload, payload: dict[str, Any]) -> None:
    append(
        actor_name(actor),
        action,
        case_code=upload.case.code,
        object_type="import_upload",
        object_id=str(upload.uid),
        payload=payload,
    )


def _pending(case: Case, uid: str) -> ImportUpload:
    upload = ImportUpload.objects.select_for_update().filter(case=case, uid=uid).first()
    if upload is None:
        raise InvalidInput("upload", _("no such upload in this case"))
    if upload.status == ImportUpload.IMPORTED:
        raise InvalidInput(
            "upload",
            _("this upload was imported; its file is no longer kept — upload the file again"),
        )
    if upload.status in ImportUpload.DONE:
        raise InvalidInput(
            "upload",
            _("this upload was discarded; its file is no longer kept — upload the file again"),
        )
    return upload


def busy(upload: ImportUpload) -> bool:
    """Whether a check or an import of the upload is queued or running now (a job that ended
    without recording its outcome, an internal error, leaves the upload free again)."""
    job = {ImportUpload.CHECKING: upload.check_job, ImportUpload.IMPORTING: upload.import_job}.get(
        upload.status
    )
    return job is not None and not job.finished


def do_receive_import_file(
    actor: Any,
    case: Case,
    stream: BinaryIO,
    filename: str,
    *,
    kind: str = "",
    source_code: str = "",
    update: bool = False,
) -> ImportUpload:
    """Keep an uploaded table file encrypted and queue its check.

    Raises:
        NotPermitted: the actor may not import into this case.
        InvalidInput: a file type the import does not read, an unknown kind or source, a
            file over the size limit.
    """
    from expediente_web.evidence import store as evidence_store
    from expediente_web.jobs.actions import do_enqueue_job

    require_role(actor, case, WRITE_ROLES, gettext_noop("import files"))
    name = Path(filename or "").name[:300]
    try:
        detect_format(name)
    except ValueError:
        raise InvalidInput(
            "file",
            _(
                "the file must be CSV, XLSX, JSON, JSON Lines or Parquet "
                "(.csv, .xlsx, .json, .jsonl, .parquet)"
            ),
        ) from None
    if kind and kind not in UPLOAD_KINDS:
        raise InvalidInput("kind", _("unknown table %(kind)s") % {"kind": repr(kind)})
    if kind == "sources":
        source_code = ""
    elif source_code and not Source.objects.filter(case=case, code=source_code).exists():
        raise InvalidInput(
            "source", _("the case has no source %(source)s") % {"source": repr(source_code)}
        )
    if update and kind and kind not in ("victims", "acts", "testimonies"):
        raise InvalidInput(
            "update",
            _(
                "a new version of a list updates rows by their row id: "
                "victims, acts and testimonies files only"
            ),
        )
    try:
        stored = evidence_store.store(stream, max_bytes=max_bytes())
    except evidence_store.TooLarge:
        raise InvalidInput(
            "file",
            _("the file is larger than the limit of %(limit)s MB")
            % {"limit": f"{max_bytes() // (1024 * 1024):,}"},
        ) from None
    with transaction.atomic():
        upload = ImportUpload.objects.create(
            case=case,
            actor=actor_name(actor),
            filename=name,
            suffix=Path(name).suffix.lower(),
            size=stored.size,
            sha256=stored.sha256,
            kind=kind,
            kind_chosen=bool(kind),
            source_code=source_code,
            update=update,
        )
        _audit(
            actor,
            "receive_import_file",
            upload,
            {
                "file": name,
                "sha256": stored.sha256,
                "size": stored.size,
                "kind": kind or None,
                "source": source_code or None,
                "update": update,
            },
        )
        upload.check_job = do_enqueue_job(actor, case, "import_check", {"upload": str(upload.uid)})
        upload.save(update_fields=["check_job", "updated_at"])
    return upload


def mapped_values(upload: ImportUpload) -> dict[str, dict[str, str | None]]:
    """The vocabulary values mapped so far: field → raw value → term id (None: no value)."""
    return json.loads(upload.values) if upload.values else {}


def do_map_import_values(
    actor: Any, case: Case, uid: str, values: Mapping[str, Mapping[str, str | None]]
) -> ImportUpload:
    """Add the documenter's choices of terms for raw values, and check the file again.

    Raises:
        InvalidInput: a field that takes no vocabulary, a term of another vocabulary.
    """
    from expediente_web.jobs.actions import do_enqueue_job

    require_role(actor, case, WRITE_ROLES, gettext_noop("import files"))
    with transaction.atomic():
        upload = _pending(case, uid)
        if busy(upload):
            raise InvalidInput("upload", _("wait until the check or import running now ends"))
        merged = mapped_values(upload)
        for field, table in values.items():
            merged.setdefault(field, {}).update(table)
        if upload.kind:
            mapping_of(upload.kind, merged)  # refuses a bad field or term
        upload.values = json.dumps(merged, ensure_ascii=False, sort_keys=True)
        upload.status = ImportUpload.CHECKING
        upload.check_job = do_enqueue_job(actor, case, "import_check", {"upload": str(upload.uid)})
        upload.save()
        # The raw values are the file's cells: the entry names only the fields and how many.
        _audit(
            actor,
            "map_import_values",
            upload,
            {"fields": {f: len(t) for f, t in sorted(values.items())}},
        )
    return upload


def do_start_import(actor: Any, case: Case, uid: str) -> ImportUpload:
    """Queue the import of an upload whose last check found no problem."""
    from expediente_web.jobs.actions import do_enqueue_job

    require_role(actor, case, WRITE_ROLES, gettext_noop("import files"))
    with transaction.atomic():
        upload = _pending(case, uid)
        report = stored_report(upload)
        if upload.status != ImportUpload.CHECKED or not report or report.get("problem_count"):
            raise InvalidInput("upload", _("only a file whose check found no problem is imported"))
        upload.status = ImportUpload.IMPORTING
        upload.import_job = do_enqueue_job(actor, case, "import_file", {"upload": str(upload.uid)})
        upload.save()
        _audit(actor, "start_import", upload, {"job": str(upload.import_job.uid)})
    return upload


def do_discard_import_upload(actor: Any, case: Case, uid: str) -> ImportUpload:
    """Drop an upload that will not be imported; its file leaves the store."""
    require_role(actor, case, WRITE_ROLES, gettext_noop("import files"))
    with transaction.atomic():
        upload = _pending(case, uid)
        if busy(upload):
            raise InvalidInput("upload", _("wait until the check or import running now ends"))
        upload.status = ImportUpload.DISCARDED
        upload.save(update_fields=["status", "updated_at"])
        _audit(actor, "discard_import_upload", upload, {"sha256": upload.sha256})
    remove_file(upload)
    return upload


# -- the file ---------------------------------------------------------------------------------


@contextlib.contextmanager
def plaintext_copy(upload: ImportUpload) -> Iterator[Path]:
    """The upload decrypted into a temporary file readable by this process only, removed on
    leaving (the readers need a file with its extension)."""
    from expediente_web.evidence.store import open_evidence
    from expediente_web.intake.upload_handler import work_dir

    fd, name = tempfile.mkstemp(dir=work_dir(), prefix="upload-", suffix=upload.suffix)
    path = Path(name)
    try:
        with os.fdopen(fd, "wb") as out, open_evidence(upload.sha256) as reader:
            for block in reader:
                out.write(block)
        yield path
    finally:
        path.unlink(missing_ok=True)


def remove_file(upload: ImportUpload) -> bool:
    """Remove the upload's file from the store, unless an evidence item or another upload
    still waiting has the same content; whether it was removed."""
    from expediente_web.evidence.models import EvidenceItem
    from expediente_web.evidence.store import path_for

    others = (
        ImportUpload.objects.filter(sha256=upload.sha256)
        .exclude(pk=upload.pk)
        .exclude(status__in=ImportUpload.DONE)
    )
    if EvidenceItem._base_manager.filter(sha256=upload.sha256).exists() or others.exists():
        ImportUpload.objects.filter(pk=upload.pk).update(file_removed=True)
        return False
    path_for(upload.sha256).unlink(missing_ok=True)
    ImportUpload.objects.filter(pk=upload.pk).update(file_removed=True)
    return True


# -- reports and mappings ---------------------------------------------------------------------


def mapping_of(kind: str, values: Mapping[str, Mapping[str, str | None]]) -> TableMapping:
    """The mapping of a browser upload: canonical columns, the values mapped on the page."""
    if not values:
        return TableMapping.identity(kind)
    try:
        return mapping_from_dict(
            {"kind": kind, "values": {f: dict(t) for f, t in values.items()}},
            source="mapped values",
        )
    except MappingError as exc:
        raise InvalidInput("values", str(exc).removeprefix("mapped values: ")) from None


def stored_report(upload: ImportUpload) -> dict[str, Any]:
    return json.loads(upload.report) if upload.report else {}


def report_of(outcome: Any, kind: str) -> dict[str, Any]:
    """What the page shows of a check: every problem kept, and the unmapped values by column
    with the field and vocabulary they belong to."""
    spec = kind_spec(kind)
    checks = outcome.checks
    problems = [[p.row, p.column, str(p.code), p.message] for c in checks for p in c.problems]
    unmapped = []
    for check in checks:
        columns = {}
        if check.file is not None:
            columns = _fields_of_columns(check)
        for column, counts in sorted(check.unmapped.items()):
            if not counts:
                continue
            field = columns.get(column, column)
            vocabulary = spec.field(field).vocabulary if field in spec.field_names else None
            unmapped.append(
                {
                    "column": column,
                    "field": field,
                    "vocabulary": vocabulary,
                    "values": counts.most_common(),
                }
            )
    return {
        "kind": kind,
        "rows": outcome.rows,
        "problem_count": outcome.problem_count,
        "problems": problems,
        "unmapped": unmapped,
    }


def _fields_of_columns(check: Any) -> dict[str, str]:
    """Raw column → field, as the file's header maps (canonical names, or folded alike)."""
    from expediente.vocabularies import fold

    names = set(kind_spec(check.kind).field_names)
    folded = {fold(n): n for n in names}
    out = {}
    for column in check.unmapped:
        out[column] = (
            column if column in names else folded.get(fold(column).replace(" ", "_"), column)
        )
    return out


def file_problem(kind: str, message: str) -> dict[str, Any]:
    """A report of one problem with the whole file (no table, no source)."""
    return {
        "kind": kind,
        "rows": 0,
        "problem_count": 1,
        "problems": [[None, None, "malformed_file", message]],
        "unmapped": [],
    }


KIND_NAMES = tuple(k for k in KINDS if k in UPLOAD_KINDS)
