"""Units (the tree, positions over time, commanders on a date) and locations (the tree)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.command import chain_of_command
from expediente_web.records.models import Act, Event, Location, Position, Unit
from expediente_web.workspace.command_figure import unit_figure
from expediente_web.workspace.listing import FilterForm, term_choices
from expediente_web.workspace.tree import ancestors, flatten, natural
from expediente_web.workspace.views.common import reader
from expediente_web.workspace.views.history import or_deleted
from expediente_web.workspace.views.unit_relations import relations_context


class KindFilter(FilterForm):
    kind = forms.ChoiceField(label=_("Kind"), required=False)

    def __init__(self, *args: object, vocabulary: str, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kind"].choices = term_choices(vocabulary)


@login_required
def unit_list(request: HttpRequest, code: str) -> HttpResponse:
    """The whole tree of organizations and units, each with its number of positions."""
    r = reader(request, code)
    units = list(
        access_records(request.user, r.case, Unit).annotate(
            n_positions=Count("positions", filter=Q(positions__deleted_at__isnull=True)),
            n_acts=Count("involvements__act", distinct=True),
        )
    )
    return r.render("workspace/unit_list.html", {"tree": flatten(units), "total": len(units)})


class OnDate(forms.Form):
    on = forms.DateField(
        label=_("Commanders on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    certainly = forms.BooleanField(label=_("Only posts certainly held that day"), required=False)


@login_required
@or_deleted("unit")
def unit_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    return render_unit(request, code, uid)


def render_unit(request: HttpRequest, code: str, uid: str, *, status: int = 200,
                relation_form: Any = None) -> HttpResponse:
    """A unit's page; `relation_form` a relation form coming back with its errors."""
    r = reader(request, code)
    unit = access_record_by_uid(request.user, r.case, Unit, uid)
    every = {u.pk: u for u in access_records(request.user, r.case, Unit)}
    unit = every[unit.pk]
    children = sorted(
        (u for u in every.values() if u.parent_id == unit.pk), key=lambda u: natural(str(u))
    )
    positions = list(
        access_records(request.user, r.case, Position)
        .filter(Q(unit=unit) | Q(controls=unit))
        .select_related("person", "controls")
        .order_by("start_earliest", "end_earliest", "id")
    )
    for position in positions:
        r.identities.label(position.person)
    form = OnDate(request.GET or None)
    on: dt.date = timezone.localdate()
    certainly = False
    if form.is_bound and form.is_valid():
        on = form.cleaned_data["on"] or on
        certainly = form.cleaned_data["certainly"]
    figure = unit_figure(request.user, r.case, unit, every, r.identities, timezone.localdate())
    # The commanders on the chosen day: the tree, the units it was subordinate to or under the
    # operational control of that day, and de facto posts in effective control.
    chain = chain_of_command(unit, on, certainly=certainly, units=every)
    for level in chain:
        for position in level.commanders:
            r.identities.label(position.person)
    n_acts = (
        access_records(request.user, r.case, Act).filter(involvements__unit=unit).distinct().count()
    )
    response = r.render(
        "workspace/unit_detail.html",
        {
            "unit": unit,
            "parents": ancestors(unit, every),
            "children": children,
            "positions": positions,
            **relations_context(r, unit, relation_form, units=list(every.values())),
            "form": form,
            "on": on,
            "certainly": certainly,
            "chain": chain,
            "n_acts": n_acts,
            "figure": figure,
            "kind": "unit",
        },
    )
    response.status_code = status
    return response


@login_required
def location_list(request: HttpRequest, code: str) -> HttpResponse:
    """The whole location tree, each place with the acts recorded there."""
    r = reader(request, code)
    form = KindFilter(request.GET or None, vocabulary="location_kinds")
    given = form.cleaned()
    places = list(
        access_records(request.user, r.case, Location).annotate(
            n_acts=Count("acts", filter=Q(acts__deleted_at__isnull=True))
        )
    )
    tree = flatten(places, key=lambda p: natural(p.name))
    if "kind" in given:
        tree = [(p, 0) for p, _depth in tree if p.kind == given["kind"]]
    return r.render(
        "workspace/location_list.html", {"tree": tree, "total": len(places), "form": form}
    )


@login_required
@or_deleted("location")
def location_detail(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    place = access_record_by_uid(request.user, r.case, Location, uid)
    every = {p.pk: p for p in access_records(request.user, r.case, Location)}
    place = every[place.pk]
    children = sorted(
        (p for p in every.values() if p.parent_id == place.pk), key=lambda p: natural(p.name)
    )
    here = access_records(request.user, r.case, Act).filter(location=place).count()
    events = access_records(request.user, r.case, Event).filter(location=place).count()
    return r.render(
        "workspace/location_detail.html",
        {
            "place": place,
            "parents": ancestors(place, every),
            "children": children,
            "n_acts_here": here,
            "n_events": events,
        },
    )
