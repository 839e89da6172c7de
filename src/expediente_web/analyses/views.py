"""Pages of a case's person linkage: the overview, the review queue and a resolved person.

Thin views: access check → action → render. Names, ID numbers and birth dates appear only for
roles that may see protected fields; everyone else sees pseudonyms.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from expediente_web.analyses.access import (
    access_link_run_by_uid,
    access_pair_decisions,
    access_review_pair_by_id,
    can_decide,
    latest_link_run,
)
from expediente_web.analyses.actions import do_decide_pair
from expediente_web.analyses.adapters import pair_key
from expediente_web.analyses.models import EstimateRun, LinkRun, PairDecision, RecordLink
from expediente_web.cases.access import access_case_by_code, can_view_protected
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.protection.cipher import pseudonym
from expediente_web.records.models import Person
from expediente_web.site.inline_svg import without_inline_styles

#: Resolved persons listed on the overview page (the largest first).
PERSONS_SHOWN = 200

DECISION_LABELS = {
    "accept": _("Same person"),
    "reject": _("Different persons"),
    "unsure": _("Unsure"),
}


FIELD_LABELS = {
    "given_names": _("Given names"),
    "surnames": _("Surnames"),
    "id_number": _("ID number"),
    "birth": _("Birth"),
    "sex": _("Sex"),
    "state": _("State"),
    "event": _("Date of the act"),
}


#: Spanish for the comparison levels of `expediente.linkage.comparisons.LEVEL_NAMES`; a level
#: not listed here (a configured string field's thresholds) is shown as the core names it.
LEVEL_LABELS_ES = {
    "missing": "falta en uno o ambos",
    "differ": "difieren",
    "agree": "coinciden",
    "initial agrees": "coincide la inicial",
    "similar": "parecidos",
    "a given name shared": "comparten un nombre",
    "first given name agrees": "coincide el primer nombre",
    "first and second given names agree": "coinciden primer y segundo nombre",
    "one surname shared, other position": "comparten un apellido, en otra posición",
    "first agrees, second differs": "coincide el primero, el segundo difiere",
    "both agree, swapped": "coinciden ambos, en orden inverso",
    "first agrees, second missing": "coincide el primero, falta el segundo",
    "both agree": "coinciden ambos",
    "one digit off": "un dígito distinto",
    "within a year": "a menos de un año",
    "compatible (broad)": "compatibles (aproximada)",
    "compatible (month)": "compatibles (mes)",
    "same day": "mismo día",
    "same year": "mismo año",
    "within 31 days": "a menos de 31 días",
    "within 7 days": "a menos de 7 días",
    "same parent place": "mismo lugar superior",
    "one within the other": "uno dentro del otro",
}


def level_label(level: str) -> str:
    """A comparison level in the reader's language ("coinciden ambos" or "both agree")."""
    if (get_language() or "es").startswith("es"):
        return LEVEL_LABELS_ES.get(level, level)
    return level


def _record_view(person: Person, show_protected: bool, run: LinkRun | None = None
                 ) -> dict[str, Any]:
    """What a page shows of one person record: protected fields only when allowed."""
    view: dict[str, Any] = {
        "uid": str(person.uid),
        "pseudonym": pseudonym("R", str(person.uid)),
        "sex": person.sex,
        "age": person.age,
        "state": person.state.name if person.state_id else "",
        "source": person.source,
        "source_record_id": person.source_record_id,
        "acts": list(person.acts.filter(deleted_at__isnull=True)
                     .select_related("location").order_by("date_earliest", "id")),
        "protected": show_protected,
    }
    if show_protected:
        view.update(
            name=person.display_name() or "—",
            given_names=person.given_names, first_surname=person.first_surname,
            second_surname=person.second_surname, nickname=person.nickname,
            full_name=person.full_name, id_number=person.id_number,
            birth_date=person.birth_date,
        )
    else:
        view["name"] = view["pseudonym"]
    if run is not None:
        link = RecordLink.objects.filter(run=run, record=person).first()
        view["cluster"] = link.cluster if link else None
    return view


#: The protected fields `_record_view` shows to roles that see identities.
SHOWN_PROTECTED = ("full_name", "given_names", "first_surname", "second_surname", "nickname",
                   "id_number", "birth_date")


def _record_identities(request: HttpRequest, case: Case, page: str, uids: list[Any]) -> None:
    """The audit entry of a page that showed these person records' identities."""
    from expediente_web.workspace.actions import do_record_identity_view

    do_record_identity_view(request.user, case, [str(u) for u in uids], page=page,
                            path=request.get_full_path(), fields=SHOWN_PROTECTED)


def _pending_pairs(case: Case, run: LinkRun) -> list[Any]:
    """The run's queued pairs nobody has decided yet, in queue order.

    A pair with a record deleted since the run is skipped: there is nothing left to decide.
    """
    decided = {pair_key(a, b) for a, b in
               PairDecision.objects.filter(case=case).values_list("record_a_id", "record_b_id")}
    pairs = (run.review_pairs.filter(record_a__deleted_at__isnull=True,
                                     record_b__deleted_at__isnull=True)
             .select_related("record_a", "record_b").order_by("rank"))
    return [pair for pair in pairs if pair_key(pair.record_a_id, pair.record_b_id) not in decided]


@login_required
def overview(request: HttpRequest, code: str) -> HttpResponse:
    case, role = access_case_by_code(request.user, code)
    run = latest_link_run(request.user, case)
    context: dict[str, Any] = {"case": case, "role": role, "run": run,
                               "can_decide": can_decide(request.user, case)}
    if run is not None:
        rows = RecordLink.objects.filter(run=run).values_list("cluster", "record__source__code")
        sizes: Counter[str] = Counter()
        sources: dict[str, set[str]] = {}
        for cluster, source_code in rows:
            sizes[cluster] += 1
            sources.setdefault(cluster, set()).add(source_code)
        merged = [(cluster, n, ", ".join(sorted(sources[cluster])))
                  for cluster, n in sizes.most_common() if n > 1][:PERSONS_SHOWN]
        context.update(
            pending=len(_pending_pairs(case, run)),
            merged=merged,
            merged_total=sum(1 for n in sizes.values() if n > 1),
            decisions=PairDecision.objects.filter(case=case).count(),
            estimates=EstimateRun.objects.filter(case=case)[:10],
        )
    return render(request, "analyses/overview.html", context)


@login_required
@require_POST
def run_linkage(request: HttpRequest, code: str) -> HttpResponse:
    """Queue a linkage run as a background job and show its progress page."""
    from expediente_web.jobs.actions import do_enqueue_job

    case, _ = access_case_by_code(request.user, code)
    job = do_enqueue_job(request.user, case, "linkage")
    return redirect("jobs:detail", code=case.code, uid=job.uid)


@login_required
def queue(request: HttpRequest, code: str) -> HttpResponse:
    """GET: the next pair to decide. POST: store a decision, then show the next pair."""
    case, role = access_case_by_code(request.user, code)
    if request.method == "POST":
        return _decide(request, case)
    run = latest_link_run(request.user, case)
    pending = _pending_pairs(case, run) if run is not None else []
    pair = pending[0] if pending else None
    show = can_view_protected(request.user, case)
    context: dict[str, Any] = {
        "case": case, "role": role, "run": run, "pair": pair, "remaining": len(pending),
        "can_decide": can_decide(request.user, case), "decisions": DECISION_LABELS,
    }
    if pair is not None:
        context.update(
            a=_record_view(pair.record_a, show, run), b=_record_view(pair.record_b, show, run),
            fields=[{**f, "label": FIELD_LABELS.get(f["field"], f["field"]),
                     "level_label": level_label(str(f.get("level", "")))}
                    for f in pair.explanation.get("fields", [])],
            match_weight=pair.explanation.get("match_weight"),
        )
        if show:
            _record_identities(request, case, "analyses:queue",
                               [pair.record_a.uid, pair.record_b.uid])
    return render(request, "analyses/queue.html", context)


def _decide(request: HttpRequest, case: Case) -> HttpResponse:
    if not can_decide(request.user, case):
        raise PermissionDenied("Only owners and analysts decide pairs")
    try:
        pair_id = int(request.POST.get("pair", ""))
    except ValueError:
        raise Http404("No such pair") from None
    pair = access_review_pair_by_id(request.user, case, pair_id)
    decision = request.POST.get("decision", "")
    try:
        do_decide_pair(request.user, case, pair.record_a, pair.record_b, decision,
                       note=request.POST.get("note", "").strip())
    except InvalidInput as exc:
        messages.error(request, str(exc))
        return redirect("analyses:queue", code=case.code)
    messages.success(request, gettext("Decision saved: %(decision)s.")
                     % {"decision": DECISION_LABELS[decision]})
    return redirect("analyses:queue", code=case.code)


@login_required
def person(request: HttpRequest, code: str, cluster: str) -> HttpResponse:
    """A resolved person of a run (the latest unless `?run=`) and the records merged into it."""
    case, role = access_case_by_code(request.user, code)
    run = access_link_run_by_uid(request.user, case, request.GET.get("run") or None)
    links = list(RecordLink.objects.filter(run=run, cluster=cluster)
                 .select_related("record__source", "record__state").order_by("record__source__code",
                                                                              "record_id"))
    if not links:
        raise Http404(f"No person {cluster} in linkage run {run.uid}")
    show = can_view_protected(request.user, case)
    records = [{**_record_view(link.record, show), "probability": link.probability}
               for link in links]
    sources = sorted({r["source"].code for r in records if r["source"] is not None})
    if show:
        _record_identities(request, case, "analyses:person", [r["uid"] for r in records])
    decisions = [
        {"a": pseudonym("R", d.record_a_uid), "b": pseudonym("R", d.record_b_uid),
         "label": DECISION_LABELS.get(d.decision, d.decision), "view": d}
        for d in access_pair_decisions(request.user, case, [link.record_id for link in links])
    ]
    return render(request, "analyses/person.html", {
        "case": case, "role": role, "run": run, "cluster": cluster, "records": records,
        "sources": sources, "person_pseudonym": pseudonym("P", f"{run.uid}:{cluster}"),
        "protected": show, "decisions": decisions,
    })


def _series_labels() -> dict[str, str]:
    """The time-series chart's words, in the reader's language."""
    return {
        "title": gettext("Documented acts per month (not an estimate)"),
        "acts": gettext("documented acts"),
        "victims": gettext("distinct victims"),
        "ylabel": gettext("count"),
    }


def _series_svg(report: Any) -> str:
    """The time series as an inline SVG element (no XML prologue, scales with the page)."""
    import io

    from expediente.patterns.output import plot_series

    buffer = io.BytesIO()
    plot_series(report, buffer, "svg", _series_labels())
    text = buffer.getvalue().decode("utf-8")
    return without_inline_styles(text[text.index("<svg"):])


def _pattern_context(found: Any) -> dict[str, Any]:
    from expediente.patterns import count_acts
    from expediente.patterns.report import INDICATORS, format_value, targeting_rows

    report = found.report
    rows = [{"section": i.section, "es": i.es, "en": i.en, "meaning_es": i.meaning_es,
             "meaning_en": i.meaning_en, "key": i.key, "value": format_value(report, i.key)}
            for i in INDICATORS]
    frame = found.acts.frame
    targeting, with_affiliation = targeting_rows(report)
    return {
        "widespread": [r for r in rows if r["section"] == "widespread"],
        "systematic": [r for r in rows if r["section"] == "systematic"],
        "report": report,
        "chart": _series_svg(report) if report.series is not None else "",
        "by_state": count_acts(frame, ["place"]).sort("victims", descending=True).rows(),
        "by_unit": count_acts(frame, ["unit"]).sort("acts", descending=True).rows(),
        "recurrence": report.systematic.method_recurrence[:12],
        "co_occurrence": report.systematic.co_occurrence[:10],
        "targeting": targeting[:12],
        "with_affiliation": with_affiliation,
    }


@login_required
def patterns(request: HttpRequest, code: str) -> HttpResponse:
    """Indicators of *widespread* and *systematic* on the case's live acts, with their meaning
    and the time series; every role of the case may see it (nothing protected is in it)."""
    from expediente_web.analyses.patterns import case_patterns

    case, role = access_case_by_code(request.user, code)
    found = case_patterns(request.user, case, ["month"])
    context: dict[str, Any] = {"case": case, "role": role, "found": found,
                               "estimate_run": found.estimate_run}
    if found.report is not None:
        context.update(_pattern_context(found))
    return render(request, "analyses/patterns.html", context)
