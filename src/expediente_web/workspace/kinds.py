"""The kinds of record a page can change, delete, restore and show the history of, by the slug
their addresses use (`records/<kind>/<uid>/…`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from expediente_web.records.models import Act, Event, Location, Person, Testimony, Unit


@dataclass(frozen=True)
class Kind:
    slug: str
    model: type[Any]
    detail: str  # URL name of the record's page
    edit: str  # URL name of its edit page
    label: Any
    reviewed: bool = False


KINDS = {
    k.slug: k
    for k in (
        Kind("act", Act, "workspace:act", "workspace:act-edit", _("act"), reviewed=True),
        Kind("person", Person, "workspace:person", "workspace:person-edit", _("person record")),
        Kind(
            "testimony",
            Testimony,
            "workspace:testimony",
            "workspace:testimony-edit",
            _("testimony"),
            reviewed=True,
        ),
        Kind("event", Event, "workspace:event", "workspace:event-edit", _("event")),
        Kind("unit", Unit, "workspace:unit", "workspace:unit-edit", _("unit")),
        Kind("location", Location, "workspace:location", "workspace:location-edit", _("place")),
    )
}


def kind_named(slug: str) -> Kind:
    found = KINDS.get(slug)
    if found is None:
        raise Http404(f"No kind of record {slug!r}")
    return found


def kind_of(record: Any) -> Kind:
    for kind in KINDS.values():
        if isinstance(record, kind.model):
            return kind
    raise LookupError(type(record).__name__)
