"""The case's reports page: choose an edition, a format and a language, start it as a
background job, follow its progress in the page, download the signed result.

Thin views: access check → action → render. The job card polls its fragment (htmx) until the
job has finished.
"""

from __future__ import annotations

import io
import zipfile

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from expediente_web.cases.access import access_case_by_code
from expediente_web.cases.validation import InvalidInput
from expediente_web.jobs import progress
from expediente_web.jobs.access import access_job, jobs_of_case
from expediente_web.jobs.actions import do_enqueue_job
from expediente_web.reports.access import access_case_editions, require_report_role
from expediente_web.reports.actions import do_set_report_editions
from expediente_web.reports.editions import EDITIONS
from expediente_web.reports.jobs import KIND, unsealed_zip

SHOWN_JOBS = 10

FORMAT_LABELS = (
    ("html", gettext_lazy("HTML (one page)")),
    ("pdf", gettext_lazy("PDF")),
    ("site", gettext_lazy("Static site (zip)")),
)
LANGUAGE_LABELS = (("es", gettext_lazy("Spanish")), ("en", gettext_lazy("English")))


class ReportForm(forms.Form):
    edition = forms.ChoiceField(label=gettext_lazy("Edition"))
    format = forms.ChoiceField(label=gettext_lazy("Format"), choices=FORMAT_LABELS)
    lang = forms.ChoiceField(label=gettext_lazy("Language"), choices=LANGUAGE_LABELS)

    def __init__(self, *args, editions=(), **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        self.fields["edition"].choices = [(e.id, _(e.label)) for e in editions]


def _card(job):  # type: ignore[no-untyped-def]
    return {"job": job, "snapshot": progress.read(str(job.uid))}


@login_required
def reports(request: HttpRequest, code: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    require_report_role(request.user, case)
    editions = access_case_editions(request.user, case)
    form = ReportForm(editions=editions, initial={"lang": request.LANGUAGE_CODE[:2]})
    jobs = jobs_of_case(request.user, case).filter(kind=KIND)[:SHOWN_JOBS]
    chosen = {e.id for e in editions}
    return render(
        request,
        "reports/page.html",
        {
            "case": case,
            "role": role,
            "form": form,
            "cards": [_card(j) for j in jobs],
            "may_choose": role == "role.owner",
            "all_editions": [(e, e.id in chosen) for e in EDITIONS.values()],
        },
    )


@login_required
@require_POST
def report_start(request: HttpRequest, code: str) -> HttpResponse:
    case, _role = access_case_by_code(request.user, code)
    editions = access_case_editions(request.user, case)
    form = ReportForm(request.POST, editions=editions)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
        return redirect("reports:page", code=case.code)
    try:
        do_enqueue_job(request.user, case, KIND, form.cleaned_data)
    except InvalidInput as exc:
        messages.error(request, "; ".join(m for ms in exc.message_dict.values() for m in ms))
        return redirect("reports:page", code=case.code)
    messages.success(request, _("The report is being made; this page shows its progress."))
    return redirect("reports:page", code=case.code)


@login_required
@require_POST
def report_editions(request: HttpRequest, code: str) -> HttpResponse:
    """The owner chooses which editions the case's reports may be made in."""
    case, _role = access_case_by_code(request.user, code)
    try:
        do_set_report_editions(request.user, case, request.POST.getlist("editions"))
    except InvalidInput as exc:
        messages.error(request, "; ".join(m for ms in exc.message_dict.values() for m in ms))
    else:
        messages.success(request, _("The editions of the case's reports are saved."))
    return redirect("reports:page", code=case.code)


@login_required
def report_job(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    case, _role = access_case_by_code(request.user, code)
    require_report_role(request.user, case)
    job = access_job(request.user, case, uid)
    if job.kind != KIND:
        raise Http404(f"No report job {uid}")
    return render(request, "reports/_job.html", {"case": case, **_card(job)})


@login_required
def report_download(request: HttpRequest, code: str, uid: str, what: str) -> HttpResponse:
    """The signed folder as a zip, or the PDF itself, unsealed in memory."""
    case, _role = access_case_by_code(request.user, code)
    require_report_role(request.user, case)
    job = access_job(request.user, case, uid)
    report_id = (job.result or {}).get("report")
    if job.kind != KIND or job.status != "succeeded" or not report_id:
        raise Http404(f"No finished report {uid}")
    edition = job.result.get("edition", "report")
    if what not in ("zip", "pdf") or (what == "pdf" and job.result.get("format") != "pdf"):
        raise Http404(f"No {what} of report {uid}")
    packed = unsealed_zip(case, report_id)
    if packed is None:
        raise Http404(f"The files of report {uid} are no longer there, or no longer readable")
    if what == "zip":
        body, kind, name = packed, "application/zip", f"{case.code}-{edition}.zip"
    else:
        with zipfile.ZipFile(io.BytesIO(packed)) as archive:
            body = archive.read(f"{case.code}-{edition}/report.pdf")
        kind, name = "application/pdf", f"{case.code}-{edition}.pdf"
    response = HttpResponse(body, content_type=kind)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
