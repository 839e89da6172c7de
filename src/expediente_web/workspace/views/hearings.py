"""Hearings: the list (with the form that adds one), and a hearing's page — its panel, the
testimonies given at it and the time-coded excerpts of its recording, each opening the
recording's page at that time range."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.validation import InvalidInput
from expediente_web.evidence.access import access_evidence_items, access_excerpts
from expediente_web.evidence.actions import do_create_excerpt
from expediente_web.evidence.media import preview_of
from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.consent import shield_testimonies
from expediente_web.records.hearings import do_add_appearance, do_create_hearing
from expediente_web.records.models import Hearing, Testimony
from expediente_web.workspace.access import access_sources
from expediente_web.workspace.listing import paginate
from expediente_web.workspace.views.common import Reader, reader
from expediente_web.workspace.views.evidence import ExcerptForm, media_fragment, show_time

#: How many testimonies the appearance form offers (those not yet at a hearing, by date).
OFFERED = 300


def _refused(form: forms.Form, error: InvalidInput, aliases: dict[str, str] | None = None) -> None:
    field = (aliases or {}).get(error.field, error.field)
    if "[" in field:
        field = field.split("[", 1)[0]
    form.add_error(field if field in form.fields else None, error.reason)


class HearingForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=300)
    date = forms.CharField(
        label=_("Date"),
        required=False,
        max_length=40,
        help_text=_("A day, a month or a year: 2018-09-14, 2018-09."),
    )
    venue = forms.CharField(label=_("Venue"), required=False, max_length=300)
    panel = forms.CharField(
        label=_("Panel"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One member a line: name — role."),
    )
    recording = forms.ChoiceField(label=_("Recording"), required=False)
    source = forms.ChoiceField(label=_("Source"), required=False)

    def __init__(self, *args: Any, r: Reader, **kwargs: Any) -> None:
        super().__init__(*args, auto_id="hearing-%s", **kwargs)
        items = [
            i
            for i in access_evidence_items(r.request.user, r.case)
            .only("uid", "filename", "title", "media_type")
            .order_by("filename", "id")
            if preview_of(i.media_type) in ("audio", "video")
        ]
        self.recordings = {str(i.uid): i for i in items}
        self.fields["recording"].choices = [
            ("", "—"),
            *((str(i.uid), i.title or i.filename) for i in items),
        ]
        self.sources = {s.code: s for s in access_sources(r.request.user, r.case)}
        self.fields["source"].choices = [
            ("", "—"),
            *((code, f"{code} — {s.name}") for code, s in self.sources.items()),
        ]


def _rows(r: Reader) -> Any:
    return (
        access_records(r.request.user, r.case, Hearing)
        .select_related("recording", "source")
        .annotate(n_testimonies=Count("testimonies"))
        .order_by("-date_earliest", "-id")
    )


@login_required
def hearing_list(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    form = None
    status = 200
    if request.method == "POST":
        require_role(request.user, r.case, WRITE_ROLES, "create hearings")
        form = HearingForm(request.POST, r=r)
        if form.is_valid():
            data = form.cleaned_data
            try:
                hearing = do_create_hearing(
                    request.user,
                    r.case,
                    data["title"],
                    date=data["date"],
                    venue=data["venue"],
                    panel=data["panel"],
                    recording=form.recordings.get(data["recording"]),
                    source=form.sources.get(data["source"]),
                )
            except InvalidInput as error:
                _refused(form, error)
            else:
                messages.success(request, _t("The hearing is recorded."))
                return redirect("workspace:hearing", code=r.case.code, uid=hearing.uid)
        status = 400
    elif r.role in WRITE_ROLES:
        form = HearingForm(r=r)
    response = r.render(
        "workspace/hearing_list.html", {"page": paginate(request, _rows(r)), "form": form}
    )
    response.status_code = status
    return response


class AppearanceForm(forms.Form):
    testimony = forms.ChoiceField(label=_("Testimony given at the hearing"))

    def __init__(self, *args: Any, choices: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, auto_id="appearance-%s", **kwargs)
        self.fields["testimony"].choices = [("", "—"), *choices]


def _offered(r: Reader) -> list[tuple[str, str]]:
    rows = (
        access_records(r.request.user, r.case, Testimony)
        .filter(hearing__isnull=True)
        .select_related("source")
        .only("uid", "date_text", "source_record_id", "source__code", "language")
        .order_by("date_earliest", "id")[:OFFERED]
    )
    return [
        (
            str(t.uid),
            " · ".join(
                x
                for x in (
                    t.source.code if t.source else "",
                    t.source_record_id,
                    t.date_text,
                    t.language,
                )
                if x
            ),
        )
        for t in rows
    ]


def _range(excerpt: Any) -> str:
    return f"{show_time(excerpt.start_seconds)}–{show_time(excerpt.end_seconds)}"


def render_hearing(
    request: HttpRequest,
    code: str,
    uid: str,
    *,
    status: int = 200,
    appearance_form: AppearanceForm | None = None,
    excerpt_form: ExcerptForm | None = None,
) -> HttpResponse:
    r = reader(request, code)
    hearing = access_record_by_uid(request.user, r.case, Hearing, uid)
    hearing = Hearing.objects.select_related("recording", "source").get(pk=hearing.pk)
    testimonies = list(
        access_records(request.user, r.case, Testimony)
        .filter(hearing=hearing)
        .select_related("witness", "source")
        .annotate(n_excerpts=Count("excerpts"))
        .order_by("date_earliest", "id")
    )
    testimonies = shield_testimonies(r.role, testimonies)
    for testimony in testimonies:
        r.identities.label(testimony.witness)
    recording = hearing.recording
    if recording is not None and recording.deleted_at is not None:
        recording = None
    excerpts: list[Any] = []
    if recording is not None:
        excerpts = list(
            access_excerpts(request.user, r.case)
            .filter(item=recording, start_seconds__isnull=False)
            .order_by("start_seconds", "end_seconds", "id")
        )
        for excerpt in excerpts:
            excerpt.shown_range = _range(excerpt)
            excerpt.fragment = media_fragment(excerpt.start_seconds, excerpt.end_seconds)
    plays = recording is not None and preview_of(recording.media_type) in ("audio", "video")
    context: dict[str, Any] = {
        "hearing": hearing,
        "recording": recording,
        "plays": plays,
        "duration": show_time(recording.duration_seconds) if recording is not None else "",
        "testimonies": testimonies,
        "excerpts": excerpts,
    }
    if r.role in WRITE_ROLES:
        offered = _offered(r)
        if appearance_form is not None or offered:
            context["appearance_form"] = appearance_form or AppearanceForm(choices=offered)
        context["nothing_to_link"] = appearance_form is None and not offered
        if recording is not None:
            context["excerpt_form"] = excerpt_form or ExcerptForm(
                item=recording, auto_id="excerpt-%s"
            )
    response = r.render("workspace/hearing_detail.html", context)
    response.status_code = status
    return response


@login_required
def hearing_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    return render_hearing(request, code, uid)


def _back(hearing: Hearing, anchor: str) -> HttpResponse:
    response = redirect("workspace:hearing", code=hearing.case.code, uid=hearing.uid)
    response["Location"] += f"#{anchor}"
    return response


@login_required
@require_POST
def hearing_appearance(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    require_role(request.user, r.case, WRITE_ROLES, "change hearings")
    hearing = access_record_by_uid(request.user, r.case, Hearing, uid)
    form = AppearanceForm(request.POST, choices=_offered(r))
    if form.is_valid():
        testimony = access_record_by_uid(
            request.user, r.case, Testimony, form.cleaned_data["testimony"]
        )
        try:
            do_add_appearance(request.user, hearing, testimony)
        except InvalidInput as error:
            _refused(form, error)
        else:
            messages.success(request, _t("The testimony now appears at this hearing."))
            return _back(hearing, "appearances")
    return render_hearing(request, code, uid, status=400, appearance_form=form)


@login_required
@require_POST
def hearing_excerpt(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    require_role(request.user, r.case, WRITE_ROLES, "create excerpts")
    hearing = access_record_by_uid(request.user, r.case, Hearing, uid)
    recording = hearing.recording
    if recording is None or recording.deleted_at is not None:
        messages.error(request, _t("This hearing has no recording to cite."))
        return _back(hearing, "excerpts")
    form = ExcerptForm(request.POST, item=recording, auto_id="excerpt-%s")
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_create_excerpt(
                request.user,
                r.case,
                item=recording,
                start_seconds=data.get("start"),
                end_seconds=data.get("end"),
                quote=data.get("quote") or "",
            )
        except InvalidInput as error:
            _refused(form, error, {"start_seconds": "start", "end_seconds": "end"})
        else:
            messages.success(request, _t("The excerpt is made: a record can now cite it."))
            return _back(hearing, "excerpts")
    return render_hearing(request, code, uid, status=400, excerpt_form=form)
