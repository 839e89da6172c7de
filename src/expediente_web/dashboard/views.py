"""The case dashboard: where a case stands, in counts that lead to the acts behind them."""

from __future__ import annotations

import threading
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from expediente_web.audit.models import AuditEntry
from expediente_web.cases.models import Case
from expediente_web.dashboard.access import access_activity, access_counts
from expediente_web.dashboard.activity import present
from expediente_web.dashboard.charts import Chart, chart, labelled
from expediente_web.site.templatetags.vocab import term
from expediente_web.workspace.templatetags.records import number
from expediente_web.workspace.views.common import reader
from expediente_web.workspace.views.history import STATUS_LABELS

ACTIVITY_SHOWN = 12
CACHE_SECONDS = 600
_COUNTING: dict[int, threading.Lock] = {}  # per case


def _section(c: Chart, heading: Any, column: Any, note: Any = "", rest: Any = "") -> dict:
    return {"chart": c, "heading": heading, "column": column, "note": note, "rest": rest}


@login_required
def dashboard(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    entries = access_activity(request.user, r.case, limit=ACTIVITY_SHOWN + 4)
    return r.render(
        "dashboard/dashboard.html",
        {
            "figures": _figures(request, r.case, entries[0] if entries else None),
            "activity": present(entries, r.case.code, r.role)[:ACTIVITY_SHOWN],
        },
    )


def _figures(request: HttpRequest, case: Case, latest: AuditEntry | None) -> str:
    """The counts and charts, written once per change to the case and language: they are the
    same for every member (each reads every live act), and kept in the cache under the case's
    latest audited write — any change to the record through a service writes one, and so a new
    key. (Never kept for a case with no audited write: rows written outside the services, as
    tests do, could not be told apart.)"""
    if latest is None:
        return _draw(request, case)
    # The entry's seal (an HMAC over its content and time) names that write and no other.
    key = f"dashboard:figures:{case.pk}:{latest.seq}:{latest.hash}:{get_language()}"
    found = cache.get(key)
    if found is not None:
        return found
    # One request of this process counts; the others asking meanwhile wait for its figures
    # rather than count the same acts side by side (twenty at once took twenty times as long).
    with _COUNTING.setdefault(case.pk, threading.Lock()):
        found = cache.get(key)
        if found is None:
            found = _draw(request, case)
            cache.set(key, found, CACHE_SECONDS)
    return found


def _draw(request: HttpRequest, case: Case) -> str:
    counts = access_counts(request.user, case)
    acts = reverse("workspace:acts", kwargs={"code": case.code})
    units_shown = len(counts.by_unit)
    sections = [
        _section(
            chart("review", labelled(counts.by_review, lambda b: STATUS_LABELS[b.key]), acts),
            _("Review status"),
            _("Status"),
        ),
        _section(
            chart("type", labelled(counts.by_type, lambda b: term(b.key)), acts),
            _("Acts by type"),
            _("Type"),
        ),
        _section(
            chart("year", counts.by_year, acts, total=counts.total),
            _("Acts by year"),
            _("Year"),
            note=_("By the year of the act's earliest possible date."),
            rest=ngettext("%(n)s act has no date.", "%(n)s acts have no date.", counts.undated)
            % {"n": number(counts.undated)}
            if counts.undated
            else "",
        ),
        _section(
            chart("state", counts.by_state, acts, total=counts.total),
            _("Acts by state"),
            _("State"),
            note=_("By the state the act's place lies in."),
            rest=ngettext(
                "%(n)s act has no place within a state.",
                "%(n)s acts have no place within a state.",
                counts.no_state,
            )
            % {"n": number(counts.no_state)}
            if counts.no_state
            else "",
        ),
        _section(
            chart("unit", counts.by_unit, acts, total=counts.total),
            _("Acts by unit"),
            _("Unit"),
            note=_(
                "The units named in the most acts; an act that names several units counts "
                "under each."
            ),
            rest=_("%(shown)s of %(total)s units named in acts.")
            % {"shown": number(units_shown), "total": number(counts.units_total)}
            if counts.units_total > units_shown
            else "",
        ),
    ]
    verified = counts.by_review[2].count
    figures = render_to_string(
        "dashboard/_figures.html",
        {
            "case": case,
            "counts": counts,
            "sections": sections,
            "acts_url": acts,
            "verified_share": round(100 * verified / counts.total) if counts.total else 0,
        },
    )
    return figures
