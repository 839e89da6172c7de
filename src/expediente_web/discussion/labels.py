"""The reader's words for the kinds of record a comment can be on."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ON_KIND = {
    "act": _("an act"),
    "person": _("a person"),
    "event": _("an event"),
    "testimony": _("a testimony"),
    "unit": _("a unit"),
    "location": _("a place"),
    "evidence": _("an evidence item"),
    "source": _("a source"),
}


def on_kind(kind: str) -> str:
    return str(ON_KIND.get(kind, _("a record")))
