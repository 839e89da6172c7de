"""A unit's dated relations with other units on its page, and the form that records one
(`records.unit_relations.do_create_unit_relation`)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import WRITE_ROLES, require_role
from expediente_web.cases.validation import InvalidInput
from expediente_web.records.access import (
    access_record_by_uid,
    access_records,
    access_unit_relations,
)
from expediente_web.records.models import Unit, UnitRelationKind
from expediente_web.records.unit_relations import do_create_unit_relation
from expediente_web.workspace.tree import natural
from expediente_web.workspace.views.common import Reader, reader

#: The relation as read from the unit's side and from the other's, in the reader's language.
KIND_LABELS = {
    UnitRelationKind.SUBORDINATE_TO: (_("subordinate to"), _("has subordinate")),
    UnitRelationKind.OPERATIONAL_CONTROL: (
        _("under the operational control of"),
        _("has under its operational control"),
    ),
    UnitRelationKind.ACTS_WITH: (_("acts with"), _("acts with")),
    UnitRelationKind.RENAMED_TO: (_("renamed"), _("formerly")),
}

DATE_HELP = _("A day, a month, a year or a range: 2017-05-14, 2017-05, 2017. Empty if unknown.")


class RelationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Relation"))
    other = forms.ChoiceField(label=_("Other unit"))
    start = forms.CharField(label=_("From"), required=False, max_length=40, help_text=DATE_HELP)
    end = forms.CharField(
        label=_("Until"), required=False, max_length=40, help_text=_("Empty if it still holds.")
    )

    def __init__(
        self, *args: Any, r: Reader, unit: Unit, units: list[Unit] | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, auto_id="relation-%s", **kwargs)
        self.fields["kind"].choices = [(k, labels[0]) for k, labels in KIND_LABELS.items()]
        if units is None:
            units = list(access_records(r.request.user, r.case, Unit))
        units = sorted((u for u in units if u.pk != unit.pk), key=lambda u: natural(str(u)))
        self.units = {str(u.uid): u for u in units}
        self.fields["other"].choices = [
            ("", "—"),
            *((str(u.uid), f"{u} — {u.name}") for u in units),
        ]


def relations_context(
    r: Reader, unit: Unit, form: RelationForm | None = None, *, units: list[Unit] | None = None
) -> dict[str, Any]:
    """The unit page's relations: each read from this unit's side; `units` the case's live
    units where the page has them already (the form offers them)."""
    rows = []
    for relation in access_unit_relations(r.request.user, r.case, unit):
        outward = relation.unit_id == unit.pk
        rows.append(
            {
                "label": KIND_LABELS[relation.kind][0 if outward else 1],
                "other": relation.other if outward else relation.unit,
                "relation": relation,
            }
        )
    context: dict[str, Any] = {"relations": rows}
    if r.role in WRITE_ROLES:
        context["relation_form"] = form or RelationForm(r=r, unit=unit, units=units)
    return context


@login_required
@require_POST
def unit_relation(request: HttpRequest, code: str, uid: str) -> HttpResponse:
    r = reader(request, code)
    require_role(request.user, r.case, WRITE_ROLES, "relate units")
    unit = access_record_by_uid(request.user, r.case, Unit, uid)
    form = RelationForm(request.POST, r=r, unit=unit)
    if form.is_valid():
        data = form.cleaned_data
        try:
            do_create_unit_relation(
                request.user,
                r.case,
                unit,
                data["kind"],
                form.units.get(data["other"]),
                start=data["start"],
                end=data["end"],
            )
        except InvalidInput as error:
            form.add_error(error.field if error.field in form.fields else None, error.reason)
        else:
            messages.success(request, _t("The relation is recorded."))
            response = redirect("workspace:unit", code=r.case.code, uid=unit.uid)
            response["Location"] += "#relations"
            return response
    from expediente_web.workspace.views.structure import render_unit

    return render_unit(request, code, uid, status=400, relation_form=form)
