"""The Import pages: upload a file, read its whole check report, map values, import it.

Thin views: access check → service → render. The check and the import run as background jobs;
the upload's page polls `upload_status` (htmx) while one runs, and reloads itself when it ends.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from expediente_web.cases.models import Source
from expediente_web.cases.validation import InvalidInput
from expediente_web.intake.access import access_import_case, access_upload, uploads_of_case
from expediente_web.intake.forms import KIND_LABELS, UploadForm
from expediente_web.intake.models import ImportUpload
from expediente_web.intake.suggestions import choices, suggest
from expediente_web.intake.upload_handler import PrivateUploadHandler
from expediente_web.intake.uploads import (
    do_discard_import_upload,
    do_map_import_values,
    do_receive_import_file,
    do_start_import,
    mapped_values,
    stored_report,
)
from expediente_web.jobs import progress

PAGE_SIZE = 20
#: Value of the term select meaning "this value is no value: leave the cell empty".
NO_VALUE = "-"


def _sources(case: Any) -> list[tuple[str, str]]:
    return [
        (s.code, f"{s.code} · {s.name}")
        for s in Source.objects.filter(case=case).order_by("code").only("code", "name")
    ]


@csrf_exempt  # the CSRF check runs below, once the upload handler is set (csrf_protect)
def import_start(request: HttpRequest, code: str) -> HttpResponse:
    """The upload form and the case's uploads; POST receives a file and queues its check.

    The file is spooled to the data directory while it arrives (`upload_handler`), never to
    the system's temporary directory."""
    request.upload_handlers = [PrivateUploadHandler(request)]
    return _import_start(request, code)


@csrf_protect
@login_required
def _import_start(request: HttpRequest, code: str) -> HttpResponse:
    case, role = access_import_case(request.user, code)
    sources = _sources(case)
    form = UploadForm(request.POST or None, request.FILES or None, sources=sources)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            upload = do_receive_import_file(
                request.user,
                case,
                data["file"],
                data["file"].name,
                kind=data["kind"],
                source_code=data["source"],
                update=data["update"],
            )
        except InvalidInput as exc:
            form.add_error(exc.field if exc.field in form.fields else "file", exc.reason)
        else:
            return redirect("intake:upload", code=case.code, uid=upload.uid)
    page = Paginator(uploads_of_case(request.user, case), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "intake/start.html",
        {
            "case": case,
            "role": role,
            "form": form,
            "page": page,
            "kinds": KIND_LABELS,
            "has_sources": bool(sources),
        },
        status=status,
    )


def _running_job(upload: ImportUpload) -> Any:
    if upload.status == ImportUpload.CHECKING:
        return upload.check_job
    if upload.status == ImportUpload.IMPORTING:
        return upload.import_job
    return None


def _unmapped(report: dict[str, Any], lang: str) -> list[dict[str, Any]]:
    """The unmapped values of the report, each with its suggestions and the terms to pick."""
    rows = []
    terms: dict[str, list[tuple[str, str]]] = {}
    for entry in report.get("unmapped", []):
        vocabulary = entry.get("vocabulary")
        if not vocabulary:
            continue
        if vocabulary not in terms:
            terms[vocabulary] = choices(vocabulary, lang)
        for raw, count in entry["values"]:
            rows.append(
                {
                    "column": entry["column"],
                    "field": entry["field"],
                    "raw": raw,
                    "count": count,
                    "suggestions": suggest(vocabulary, raw, lang),
                    "terms": terms[vocabulary],
                }
            )
    return rows


def _context(request: HttpRequest, case: Any, role: str, upload: ImportUpload) -> dict[str, Any]:
    report = stored_report(upload)
    job = _running_job(upload)
    lang = (get_language() or "en")[:2]
    failed_import = (
        upload.import_job
        if upload.status == ImportUpload.CHECKED
        and upload.import_job is not None
        and upload.import_job.status == "failed"
        else None
    )
    stuck = job if job is not None and job.status == "failed" else None
    problems = report.get("problems", [])
    by_code: dict[str, int] = {}
    for problem in problems:
        by_code[problem[2]] = by_code.get(problem[2], 0) + 1
    return {
        "case": case,
        "role": role,
        "upload": upload,
        "report": report,
        "problems": problems,
        "by_code": sorted(by_code.items()),
        "hidden_problems": max(0, report.get("problem_count", 0) - len(problems)),
        "unmapped": _unmapped(report, lang) if upload.status == ImportUpload.CHECKED else [],
        "mapped": mapped_values(upload),
        "job": job,
        "snapshot": progress.read(str(job.uid)) if job is not None else None,
        "failed_import": failed_import,
        "failed_job": stuck,
        "kind_label": KIND_LABELS.get(upload.kind, ""),
        "no_value": NO_VALUE,
    }


@login_required
def upload_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    case, role = access_import_case(request.user, code)
    upload = access_upload(request.user, case, uid)
    return render(request, "intake/upload.html", _context(request, case, role, upload))


@login_required
def upload_status(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """The progress fragment the upload's page polls; once the job has ended, it asks the page
    to reload (htmx `HX-Refresh`) so that it shows the report or the result."""
    case, role = access_import_case(request.user, code)
    upload = access_upload(request.user, case, uid)
    context = _context(request, case, role, upload)
    response = render(request, "intake/_progress.html", context)
    if context["job"] is None or context["job"].finished:
        response["HX-Refresh"] = "true"
    return response


@login_required
@require_POST
def upload_map(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """Map raw values to the terms chosen, and check the file again with them."""
    case, _role = access_import_case(request.user, code)
    upload = access_upload(request.user, case, uid)
    values: dict[str, dict[str, str | None]] = {}
    for key in request.POST:
        if not key.startswith("term-"):
            continue
        index = key.removeprefix("term-")
        term = request.POST.get(key, "")
        field = request.POST.get(f"field-{index}", "")
        raw = request.POST.get(f"raw-{index}", "")
        if not term or not field or not raw:
            continue  # left for now
        values.setdefault(field, {})[raw] = None if term == NO_VALUE else term
    if not values:
        messages.error(request, _("Choose a term for at least one value."))
        return redirect("intake:upload", code=case.code, uid=upload.uid)
    try:
        do_map_import_values(request.user, case, str(upload.uid), values)
    except InvalidInput as exc:
        messages.error(request, exc.reason)
    else:
        messages.success(request, _("The values are mapped; the file is being checked again."))
    return redirect("intake:upload", code=case.code, uid=upload.uid)


@login_required
@require_POST
def upload_run(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    case, _role = access_import_case(request.user, code)
    upload = access_upload(request.user, case, uid)
    try:
        do_start_import(request.user, case, str(upload.uid))
    except InvalidInput as exc:
        messages.error(request, exc.reason)
    return redirect("intake:upload", code=case.code, uid=upload.uid)


@login_required
@require_POST
def upload_discard(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    case, _role = access_import_case(request.user, code)
    upload = access_upload(request.user, case, uid)
    try:
        do_discard_import_upload(request.user, case, str(upload.uid))
    except InvalidInput as exc:
        messages.error(request, exc.reason)
        return redirect("intake:upload", code=case.code, uid=upload.uid)
    messages.success(request, _("The upload was discarded and its file removed."))
    return redirect("intake:start", code=case.code)
