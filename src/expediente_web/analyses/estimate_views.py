"""Pages of a case's estimates of the total, under `cases/<code>/linkage/estimates/`.

The estimation page lists the stored estimates and holds the form that starts one as a
background job; the page then shows the job's progress (polled with htmx) and, once it is
done, a link to the result. Each estimate has its page: the estimate and its intervals, what
was chosen and why, the inputs, the model or the LCMCR diagnostics, a chart and one row per
stratum. Thin views: access check → action → render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from expediente_web.analyses.access import (
    access_estimate_run_by_uid,
    access_estimate_runs,
    can_decide,
    latest_link_run,
)
from expediente_web.analyses.estimate_chart import build_chart
from expediente_web.analyses.estimate_text import (
    INTERVAL_LABELS,
    LIST_LABELS,
    METHOD_LABELS,
    STRATA_LABELS,
    label,
    reason_text,
)
from expediente_web.analyses.models import EstimateRun
from expediente_web.cases.access import access_case_by_code
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput

#: Estimates listed per page.
PAGE_SIZE = 25

#: The estimator settings a re-run repeats (those stored in the run's parameters).
RERUN_OPTIONS = {
    "loglinear": ("selection", "pthresh", "n_boot", "terms"),
    "lcmcr": ("k_classes", "a_alpha", "b_alpha", "burnin", "samples", "thinning", "chains"),
}


class EstimateForm(forms.Form):
    method = forms.ChoiceField(label=_("Method"), initial="auto", choices=[
        ("auto", _("Automatic")),
        ("loglinear", METHOD_LABELS["loglinear"]),
        ("lcmcr", METHOD_LABELS["lcmcr"]),
    ])
    lists = forms.ChoiceField(label=_("Lists"), initial="auto", choices=[
        ("auto", _("Automatic")),
        ("source", LIST_LABELS["source"]),
        ("kind", LIST_LABELS["kind"]),
    ])
    strata = forms.ChoiceField(label=_("Strata"), required=False, initial="", choices=[
        ("", _("none: the whole case")),
        ("year", STRATA_LABELS["year"]),
        ("state", STRATA_LABELS["state"]),
    ])
    seed = forms.IntegerField(label=_("Seed"), initial=12345, min_value=0, max_value=2**31 - 1)
    level = forms.ChoiceField(label=_("Interval level"), initial="0.95", choices=[
        ("0.9", "90 %"), ("0.95", "95 %"), ("0.99", "99 %"),
    ])

    def job_params(self) -> dict[str, Any]:
        data = self.cleaned_data
        params: dict[str, Any] = {"method": data["method"], "lists": data["lists"],
                                  "seed": data["seed"], "level": float(data["level"])}
        if data.get("strata"):
            params["strata"] = data["strata"]
        return params


def _estimate_jobs(user: Any, case: Case) -> Any:
    from expediente_web.jobs.access import jobs_of_case

    return jobs_of_case(user, case).filter(kind="estimate")


def _headline(run: EstimateRun) -> dict[str, Any] | None:
    result = run.result or {}
    return result.get("total") or (result.get("estimates") or [None])[0]


def _list_rows(runs: Any) -> list[dict[str, Any]]:
    rows = []
    for run in runs:
        head = _headline(run) or {}
        intervals = head.get("intervals") or [{}]
        rows.append({
            "run": run, "head": head, "interval": intervals[0],
            "method": label(METHOD_LABELS, run.method),
            "automatic": run.parameters.get("requested_method") == "auto"
            or run.parameters.get("requested_lists") == "auto",
            "lists": label(LIST_LABELS, run.parameters.get("lists")),
            "strata": run.parameters.get("strata"),
        })
    return rows


@login_required
def estimates(request: HttpRequest, code: str) -> HttpResponse:
    """The case's estimates, the form that starts one and the estimate jobs under way."""
    case, role = access_case_by_code(request.user, code)
    return _estimates_page(request, case, role, EstimateForm())


def _estimates_page(request: HttpRequest, case: Case, role: Any, form: EstimateForm,
                    status: int = 200) -> HttpResponse:
    from expediente_web.jobs import progress
    from expediente_web.jobs.models import QUEUED, RUNNING

    page = Paginator(access_estimate_runs(request.user, case), PAGE_SIZE).get_page(
        request.GET.get("page"))
    jobs = list(_estimate_jobs(request.user, case).filter(status__in=(QUEUED, RUNNING))[:5])
    asked = request.GET.get("job")
    if asked and not any(str(job.uid) == asked for job in jobs):
        # The job just asked for may have finished already: show how it ended.
        jobs[:0] = list(_estimate_jobs(request.user, case).filter(uid=_uuid_or_none(asked)))
    return render(request, "analyses/estimates.html", {
        "case": case, "role": role, "page": page, "rows": _list_rows(page),
        "form": form, "may_run": can_decide(request.user, case),
        "link_run": latest_link_run(request.user, case),
        "jobs": [{"job": job, "snapshot": progress.read(str(job.uid))} for job in jobs],
    }, status=status)


def _uuid_or_none(value: str) -> str | None:
    import uuid

    try:
        return str(uuid.UUID(value))
    except ValueError:
        return None


@login_required
@require_POST
def estimate_start(request: HttpRequest, code: str) -> HttpResponse:
    """Queue an estimate with the form's parameters and show its progress on the page."""
    case, role = access_case_by_code(request.user, code)
    form = EstimateForm(request.POST)
    if not form.is_valid():
        return _estimates_page(request, case, role, form, status=400)
    return _enqueue(request, case, form.job_params())


def _enqueue(request: HttpRequest, case: Case, params: dict[str, Any]) -> HttpResponse:
    from expediente_web.jobs.actions import do_enqueue_job

    try:
        job = do_enqueue_job(request.user, case, "estimate", params)
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect("analyses:estimates", code=case.code)
    messages.success(request, gettext("The estimate is under way; this page shows how far it "
                                      "has got."))
    return redirect(reverse("analyses:estimates", args=[case.code]) + f"?job={job.uid}")


@login_required
def estimate_job(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """The progress of one estimate job (what the estimation page polls)."""
    from expediente_web.jobs import progress

    case, _role = access_case_by_code(request.user, code)
    job = _estimate_jobs(request.user, case).filter(uid=uid).first()
    if job is None:
        raise Http404(f"No estimate job {uid} in case {case.code}")
    return render(request, "analyses/_estimate_job.html", {
        "case": case, "job": job, "snapshot": progress.read(str(job.uid))})


def _row(estimate: dict[str, Any], run: EstimateRun, total: bool = False) -> dict[str, Any]:
    intervals = [{**iv, "label": label(INTERVAL_LABELS, iv.get("method"))}
                 for iv in estimate.get("intervals") or []]
    stratum = estimate.get("stratum")
    link = None
    if run.parameters.get("strata") == "year" and stratum and str(stratum).isdigit() and not total:
        link = reverse("workspace:acts", args=[run.case.code]) + f"?year={stratum}"
    return {
        "stratum": stratum, "total": total, "method": label(METHOD_LABELS, estimate.get("method")),
        "recorded": estimate.get("n_observed"), "estimate": estimate.get("estimate"),
        "intervals": intervals, "warnings": estimate.get("warnings") or [], "acts_link": link,
        "rhat": ((estimate.get("details") or {}).get("diagnostics") or {}).get("rhat_n"),
        "terms": (estimate.get("details") or {}).get("terms"),
        "dark": (estimate.get("estimate") or 0) - (estimate.get("n_observed") or 0),
    }


def _model(estimate: dict[str, Any]) -> dict[str, Any] | None:
    """What the page shows of the model (log-linear) or the chains (LCMCR)."""
    details = estimate.get("details") or {}
    parameters = estimate.get("parameters") or {}
    if "diagnostics" not in details and "terms" not in details:
        return None  # a total combined from strata: each stratum's model is on its row
    if estimate.get("method") == "lcmcr":
        return {"kind": "lcmcr", "diagnostics": details.get("diagnostics") or {},
                "posterior_mean": details.get("posterior_mean"),
                "parameters": parameters}
    return {"kind": "loglinear", "terms": details.get("terms"), "steps": details.get("steps") or [],
            "aic": details.get("aic"), "bic": details.get("bic"),
            "n_params": details.get("n_params"), "bootstrap": details.get("bootstrap"),
            "empty_overlap_terms": details.get("empty_overlap_terms") or [],
            "parameters": parameters}


def _groups(run: EstimateRun) -> list[dict[str, Any]]:
    """Each list of the estimate with the sources it holds (one each when by source)."""
    from expediente_web.cases.models import Source

    names = run.parameters.get("list_names") or []
    stored = (run.parameters.get("choice") or {}).get("groups") or {}
    if run.parameters.get("lists") == "kind" and not stored:
        members: dict[str, list[str]] = {}
        for source_code, kind in (Source.objects.filter(case=run.case, kind__in=names)
                                  .order_by("code").values_list("code", "kind")):
            members.setdefault(kind, []).append(source_code)
        stored = members
    return [{"name": name, "sources": list(stored.get(name) or [name])} for name in names]


@login_required
def estimate_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """One stored estimate: the numbers, why they were made so, and what they came from."""
    case, role = access_case_by_code(request.user, code)
    run = access_estimate_run_by_uid(request.user, case, str(uid))
    result = run.result or {}
    parameters = run.parameters or {}
    rows = [_row(e, run) for e in result.get("estimates") or []]
    if result.get("total"):
        rows.append(_row(result["total"], run, total=True))
    head = _headline(run) or {}
    headline = rows[-1] if result.get("total") else (rows[0] if rows else None)
    chart = build_chart([
        {"label": (gettext("Total") if r["total"] else (r["stratum"] or gettext("Whole case"))),
         "recorded": r["recorded"], "estimate": r["estimate"],
         "lower": r["intervals"][0]["lower"] if r["intervals"] else None,
         "upper": r["intervals"][0]["upper"] if r["intervals"] else None, "total": r["total"]}
        for r in rows if r["recorded"] is not None and r["estimate"] is not None
    ])
    choice = parameters.get("choice") or {}
    return render(request, "analyses/estimate.html", {
        "case": case, "role": role, "run": run, "rows": rows, "headline": headline,
        "model": _model(head) if head else None, "chart": chart,
        "stratified": bool(result.get("strata_column")),
        "strata_rows": [r for r in rows if not r["total"]] if result.get("strata_column") else [],
        "refused": sorted((result.get("refused_strata") or {}).items()),
        "reasons": [reason_text(r) for r in choice.get("reasons") or []],
        "options_not_applied": choice.get("options_not_applied") or [],
        "method": label(METHOD_LABELS, run.method),
        "requested_method": label(METHOD_LABELS, parameters.get("requested_method", run.method)),
        "lists": label(LIST_LABELS, parameters.get("lists")),
        "requested_lists": label(LIST_LABELS, parameters.get("requested_lists",
                                                             parameters.get("lists"))),
        "strata": label(STRATA_LABELS, parameters.get("strata")),
        "groups": _groups(run), "parameters": parameters,
        "may_run": can_decide(request.user, case),
    })


def rerun_params(run: EstimateRun) -> dict[str, Any]:
    """The parameters that repeat a stored estimate: the method and lists it ran with (not
    "auto"), its seed, level, strata, estimator settings and linkage run."""
    p = run.parameters
    method = p.get("method", run.method)
    params: dict[str, Any] = {
        "method": method, "lists": p.get("lists", "source"), "seed": p.get("seed", 12345),
        "level": p.get("level", 0.95),
        "options": {k: p[k] for k in RERUN_OPTIONS.get(method, ()) if k in p},
    }
    if p.get("strata"):
        params["strata"] = p["strata"]
    if run.link_run is not None:
        params["link_run"] = str(run.link_run.uid)
    return params


@login_required
@require_POST
def estimate_rerun(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    """Queue the same estimate again, with the same parameters on the same linkage run."""
    case, _role = access_case_by_code(request.user, code)
    run = access_estimate_run_by_uid(request.user, case, str(uid))
    return _enqueue(request, case, rerun_params(run))
