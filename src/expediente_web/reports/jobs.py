"""A report made as a background job: the kind `report` of the jobs app, registered when the
app is ready (`apps.py`), so that the web page can start a report and follow its progress.

The job writes the signed edition into the data directory (`reports/<case>/<id>/`) and, for
the download, a zip of the whole signed folder beside it; its result names that id, never any
content of the report.
"""

from __future__ import annotations

import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.reports.editions import EDITIONS, FORMATS, LANGUAGES

__all__ = ["KIND", "clean", "folder_of", "register", "zip_of"]

KIND = "report_edition"
PARAMS = ("edition", "format", "lang")


def reports_root(case: Case) -> Path:
    return Path(settings.DATA_DIR) / "reports" / case.code


def folder_of(case: Case, report_id: str) -> Path:
    return reports_root(case) / str(uuid.UUID(report_id))


def zip_of(case: Case, report_id: str) -> Path:
    return reports_root(case) / f"{uuid.UUID(report_id)}.zip"


def clean(params: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(PARAMS))
    if unknown:
        raise InvalidInput(
            "params", _("unknown report parameter(s): %(names)s") % {"names": ", ".join(unknown)}
        )
    cleaned = {
        "edition": str(params.get("edition", "")),
        "format": str(params.get("format", "")),
        "lang": str(params.get("lang", "") or "es"),
    }
    for name, known in (("edition", EDITIONS), ("format", FORMATS), ("lang", LANGUAGES)):
        if cleaned[name] not in known:
            raise InvalidInput(
                name,
                _("%(value)s is not a valid %(name)s (one of: %(known)s)")
                % {"value": repr(cleaned[name]), "name": name, "known": ", ".join(known)},
            )
    return cleaned


def _check(actor: Any, case: Case) -> None:
    from expediente_web.reports.access import require_report_role

    require_report_role(actor, case)


def _run(actor: Any, case: Case, params: Mapping[str, Any], progress: Any) -> dict[str, Any]:
    from expediente_web.reports.access import EditionRefused
    from expediente_web.reports.actions import do_make_report
    from expediente_web.reports.signing import NoSigningKey

    report_id = str(uuid.uuid4())
    out = folder_of(case, report_id)
    try:
        result = do_make_report(
            actor,
            case,
            params["edition"],
            params["format"],
            out,
            language=params["lang"],
            stage=progress.stage,
        )
    except (EditionRefused, NoSigningKey) as exc:
        raise InvalidInput("edition", str(exc)) from None
    progress.stage(gettext_noop("packing the download"))
    target = zip_of(case, report_id)
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for name in result.files:
            archive.write(out / name, f"{case.code}-{params['edition']}/{name}")
    return {
        "report": report_id,
        "edition": params["edition"],
        "format": params["format"],
        "lang": params["lang"],
        "files": len(result.files),
        "key": result.fingerprint,
    }


def register() -> None:
    """Add the kind to the jobs app's registry (once)."""
    from expediente_web.jobs.kinds import KINDS, Kind

    KINDS.setdefault(KIND, Kind(KIND, gettext_noop("report edition"), _check, clean, _run))
