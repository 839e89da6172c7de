"""The background work of a browser import: checking an upload, and importing it.

Both are kinds of the jobs app (`jobs.kinds.KINDS`), added when the intake app is ready. Each
runs the same service as `expediente import` (`do_import_table`): the check as a dry run that
lists every problem and every value no vocabulary term matched, the import all or nothing.
What a check found is kept, encrypted, on the upload; the job's result holds counts only.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop, ngettext

from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.jobs.progress import Reporter


def _may_import(actor: Any, case: Case) -> None:
    from expediente_web.cases.access import WRITE_ROLES, require_role

    require_role(actor, case, WRITE_ROLES, gettext_noop("import files"))


def _upload_param(params: Mapping[str, Any]) -> dict[str, Any]:
    import uuid

    unknown = sorted(set(params) - {"upload"})
    if unknown or "upload" not in params:
        raise InvalidInput("params", _("an import job takes the upload it works on, only"))
    try:
        return {"upload": str(uuid.UUID(str(params["upload"])))}
    except ValueError:
        raise InvalidInput(
            "upload", _("%(upload)s is not an upload") % {"upload": repr(params["upload"])}
        ) from None


def _upload(case: Case, params: Mapping[str, Any]) -> Any:
    from expediente_web.intake.models import ImportUpload

    upload = ImportUpload.objects.filter(case=case, uid=params["upload"]).first()
    if upload is None or upload.status in ImportUpload.DONE:
        raise InvalidInput(
            "upload",
            _(
                "this upload was imported or discarded; its file is no "
                "longer kept — upload the file again"
            ),
        )
    return upload


def _kind_of(upload: Any, path: Path) -> str | None:
    from expediente.tables.kinds import KINDS
    from expediente_web.intake.importer import guess_kind

    if upload.kind_chosen:
        return str(upload.kind)
    stem = Path(upload.filename).stem.lower()
    return stem if stem in KINDS else guess_kind(path)


def run_check(
    actor: Any, case: Case, params: Mapping[str, Any], progress: Reporter
) -> dict[str, Any]:
    """Check an upload (a dry run of its import) and keep the report on it."""
    from expediente_web.intake.importer import ImportRefused, do_import_table
    from expediente_web.intake.models import ImportUpload
    from expediente_web.intake.uploads import (
        file_problem,
        mapped_values,
        mapping_of,
        plaintext_copy,
        report_of,
    )

    upload = _upload(case, params)
    progress.stage("checking")
    with plaintext_copy(upload) as path:
        kind = _kind_of(upload, path)
        if kind is None:
            report = file_problem("", "cannot tell which table the file holds: choose it")
        elif kind != "sources" and not upload.source_code:
            report = file_problem(
                kind, f"a {kind} file needs the source its rows come from: choose it"
            )
        else:
            try:
                outcome = do_import_table(
                    case,
                    path,
                    kind=kind,
                    source_code=upload.source_code or None,
                    mapping=mapping_of(kind, mapped_values(upload)),
                    actor=actor,
                    dry_run=True,
                    progress=progress.rows,
                    update=upload.update,
                    name=upload.filename,
                )
            except ImportRefused as refused:
                outcome = refused.outcome
            except InvalidInput as exc:
                outcome = None
                report = file_problem(kind, exc.reason)
            if outcome is not None:
                report = report_of(outcome, kind)
    upload.kind = kind or ""
    upload.report = json.dumps(report, ensure_ascii=False)
    upload.status = ImportUpload.CHECKED
    upload.save(update_fields=["kind", "report", "status", "updated_at"])
    return {"upload": str(upload.uid), "rows": report["rows"], "problems": report["problem_count"]}


def run_import(
    actor: Any, case: Case, params: Mapping[str, Any], progress: Reporter
) -> dict[str, Any]:
    """Import a checked upload, all or nothing; then its file leaves the store."""
    from expediente_web.intake.importer import ImportRefused, do_import_table
    from expediente_web.intake.models import ImportBatch, ImportUpload
    from expediente_web.intake.uploads import (
        mapped_values,
        mapping_of,
        plaintext_copy,
        remove_file,
        report_of,
    )

    upload = _upload(case, params)
    if upload.status != ImportUpload.IMPORTING:
        raise InvalidInput("upload", _("start the import from the upload's page"))
    progress.stage("importing")
    try:
        with plaintext_copy(upload) as path:
            outcome = do_import_table(
                case,
                path,
                kind=upload.kind,
                source_code=upload.source_code or None,
                mapping=mapping_of(upload.kind, mapped_values(upload)),
                actor=actor,
                progress=progress.rows,
                update=upload.update,
                name=upload.filename,
            )
    except ImportRefused as refused:
        # The case changed since the check (a row id imported meanwhile): the new report.
        upload.report = json.dumps(report_of(refused.outcome, upload.kind), ensure_ascii=False)
        upload.status = ImportUpload.CHECKED
        upload.save(update_fields=["report", "status", "updated_at"])
        raise InvalidInput(
            "file",
            ngettext(
                "%(count)s problem found while importing; nothing was imported",
                "%(count)s problems found while importing; nothing was imported",
                refused.outcome.problem_count,
            )
            % {"count": refused.outcome.problem_count},
        ) from None
    except BaseException:
        ImportUpload.objects.filter(pk=upload.pk).update(status=ImportUpload.CHECKED)
        raise
    (result,) = outcome.written
    upload.status = ImportUpload.IMPORTED
    upload.batch = ImportBatch.objects.get(uid=result.batch_uid)
    upload.counts = {"rows": result.rows, **result.counts}
    upload.save(update_fields=["status", "batch", "counts", "updated_at"])
    remove_file(upload)
    return {"upload": str(upload.uid), "rows": result.rows, "batch": result.batch_uid}


def register() -> None:
    """Add the two kinds to the job queue's kinds."""
    from expediente_web.jobs.kinds import KINDS, Kind

    KINDS.setdefault(
        "import_check",
        Kind("import_check", "check of a file to import", _may_import, _upload_param, run_check),
    )
    KINDS.setdefault(
        "import_file",
        Kind("import_file", "import of a file", _may_import, _upload_param, run_import),
    )
