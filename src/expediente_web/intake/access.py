"""Permission-checked reads of browser uploads: only writers of the case import."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.http import Http404

from expediente_web.cases.access import WRITE_ROLES, access_case_by_code, require_role
from expediente_web.cases.models import Case
from expediente_web.intake.models import ImportUpload


def access_import_case(user: Any, code: str) -> tuple[Case, str]:
    """The case and the user's role, for a writer (owner, analyst, documenter); 404 outside
    the case, 403 for a member who may not import."""
    case, role = access_case_by_code(user, code)
    require_role(user, case, WRITE_ROLES, "import files")
    return case, role


def uploads_of_case(user: Any, case: Case) -> QuerySet[ImportUpload]:
    """The case's uploads, newest first (a writer's view)."""
    require_role(user, case, WRITE_ROLES, "import files")
    return ImportUpload.objects.filter(case=case).select_related("check_job", "import_job")


def access_upload(user: Any, case: Case, uid: str) -> ImportUpload:
    upload = uploads_of_case(user, case).filter(uid=uid).first()
    if upload is None:
        raise Http404(f"No upload {uid!r} in case {case.code!r}")
    return upload
