"""The event list and an event's page with its acts."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _

from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.models import Act, Event, Location
from expediente_web.workspace.listing import DateRange, filter_dates, paginate
from expediente_web.workspace.tree import descendants
from expediente_web.workspace.views.common import reader
from expediente_web.workspace.views.history import or_deleted


class EventFilter(DateRange):
    q = forms.CharField(label=_("Title contains"), required=False, max_length=200)
    location = forms.UUIDField(required=False, widget=forms.HiddenInput)

    field_order = ("q", "date_from", "date_to")


@login_required
def event_list(request: HttpRequest, code: str) -> HttpResponse:
    r = reader(request, code)
    form = EventFilter(request.GET or None)
    given = form.cleaned()
    rows = access_records(request.user, r.case, Event)
    scope = []
    if "q" in given:
        rows = rows.filter(title__icontains=given["q"])
    if "location" in given:
        place = access_record_by_uid(request.user, r.case, Location, given["location"])
        places = access_records(request.user, r.case, Location).values_list("id", "parent_id")
        rows = rows.filter(location_id__in=descendants(place.pk, places))
        scope.append(str(_("in %(place)s") % {"place": place.name}))
    rows = filter_dates(rows, given)
    rows = (
        rows.select_related("location", "source")
        .annotate(n_acts=Count("acts", filter=Q(acts__deleted_at__isnull=True)))
        .order_by("date_earliest", "id")
    )
    return r.render(
        "workspace/event_list.html", {"page": paginate(request, rows), "form": form, "scope": scope}
    )


@login_required
@or_deleted("event")
def event_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    event = access_record_by_uid(request.user, r.case, Event, uid)
    event = Event.objects.select_related("location", "source").get(pk=event.pk)
    acts = paginate(
        request,
        access_records(request.user, r.case, Act)
        .filter(event=event)
        .select_related("victim", "location")
        .order_by("date_earliest", "id"),
    )
    for act in acts:
        r.identities.label(act.victim)
    return r.render("workspace/event_detail.html", {"event": event, "page": acts})
