"""Changing a record in the browser: one form per kind, posting to the record's audited update
service; and deleting (with a reason) and restoring it.

A form sends the service only the fields the user changed; whatever the service refuses (an
impossible date, an unknown term, a code already taken) comes back at its field and nothing is
written. Protected fields of a person or a testimony are in the form only for roles that see
identities, and showing them is recorded like any page that shows them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _t
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from expediente_web.cases.access import WRITE_ROLES
from expediente_web.cases.validation import InvalidInput
from expediente_web.records import actions
from expediente_web.records.access import (
    access_deleted_record,
    access_record_by_uid,
    access_records,
)
from expediente_web.records.models import Event, Location, Unit
from expediente_web.workspace.identities import PERSON_FIELDS
from expediente_web.workspace.kinds import Kind, kind_named
from expediente_web.workspace.listing import term_choices
from expediente_web.workspace.views.common import Reader, reader

DATE_HELP = _(
    "A day, a month, a year or a range: 2017-05-14, 2017-05, 2017, 2017-05/2017-07, "
    "“marzo de 2017”. Leave empty if unknown."
)


def _terms(vocabulary: str, *, blank: bool = True) -> list[tuple[str, str]]:
    choices = term_choices(vocabulary)[1:]
    return [("", "—"), *choices] if blank else choices


def _choices(rows: Any, label: Callable[[Any], str]) -> list[tuple[str, str]]:
    return [("", "—"), *((str(x.uid), label(x)) for x in rows)]


def _text(label: Any, *, required: bool = False, max_length: int | None = None) -> forms.Field:
    return forms.CharField(label=label, required=required, max_length=max_length, strip=True)


def _area(label: Any, rows: int = 4) -> forms.Field:
    return forms.CharField(
        label=label, required=False, strip=False, widget=forms.Textarea(attrs={"rows": rows})
    )


def _date(label: Any = None) -> forms.Field:
    return forms.CharField(
        label=label or _("Date"), required=False, max_length=80, help_text=DATE_HELP
    )


class RecordForm(forms.Form):
    """A form whose `uid_fields` name other records by uid (chosen from the case's live ones)."""

    uid_fields: dict[str, type[Any]] = {}  # noqa: RUF012 (overridden per form)
    protected: tuple[str, ...] = ()

    def __init__(self, *args: Any, r: Reader, record: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.r, self.record = r, record
        for name in self.protected:
            if name in self.fields:
                self.fields[name].widget.attrs["class"] = "protected-input"

    def values(self) -> dict[str, Any]:
        """The changed fields as the service takes them."""
        out: dict[str, Any] = {}
        for name in self.changed_data:
            value = self.cleaned_data.get(name)
            if name in self.uid_fields:
                value = (
                    access_record_by_uid(
                        self.r.request.user, self.r.case, self.uid_fields[name], value
                    )
                    if value
                    else None
                )
            out[name] = value
        return out


class ActForm(RecordForm):
    act_type = forms.ChoiceField(label=_("Type"))
    methods = forms.MultipleChoiceField(
        label=_("Methods"), required=False, widget=forms.CheckboxSelectMultiple
    )
    date = _date()
    location = forms.ChoiceField(label=_("Place"), required=False)
    event = forms.ChoiceField(label=_("Event"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    description = _area(_("Description"))
    notes = _area(_("Notes"), 3)

    uid_fields = {"location": Location, "event": Event}  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["act_type"].choices = _terms("act_types", blank=False)
        self.fields["methods"].choices = _terms("methods", blank=False)
        self.fields["outcome"].choices = _terms("outcomes")
        user, case = self.r.request.user, self.r.case
        self.fields["location"].choices = _choices(
            access_records(user, case, Location).order_by("name", "id"), _place
        )
        self.fields["event"].choices = _choices(
            access_records(user, case, Event).order_by("date_earliest", "title", "id"),
            lambda e: f"{e.title} ({e.date_text})" if e.date_text else e.title,
        )

    @staticmethod
    def initial_of(act: Any) -> dict[str, Any]:
        return {
            "act_type": act.act_type,
            "methods": list(act.methods or []),
            "date": act.date_text,
            "location": str(act.location.uid) if act.location_id else "",
            "event": str(act.event.uid) if act.event_id else "",
            "outcome": act.outcome,
            "description": act.description,
            "notes": act.notes,
        }


def _place(location: Any) -> str:
    return f"{location.name} ({location.code})"


class PersonForm(RecordForm):
    full_name = _text(_("Full name"), max_length=1000)
    given_names = _text(_("Given names"), max_length=1000)
    first_surname = _text(_("First surname"), max_length=1000)
    second_surname = _text(_("Second surname"), max_length=1000)
    nickname = _text(_("Nickname"), max_length=1000)
    id_number = _text(_("ID number"), max_length=1000)
    birth_date = _text(_("Birth date"), max_length=80)
    phone = _text(_("Phone"), max_length=1000)
    address = _text(_("Address"), max_length=1000)
    sex = forms.ChoiceField(label=_("Sex"), required=False)
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    age_band = _text(_("Age band"), max_length=16)
    occupation = _text(_("Occupation"), max_length=200)
    affiliation = _text(_("Affiliation"), max_length=200)
    state = forms.ChoiceField(label=_("Home state"), required=False)
    notes = _area(_("Notes"), 3)

    uid_fields = {"state": Location}  # noqa: RUF012
    protected = PERSON_FIELDS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.r.identities.visible:
            for name in PERSON_FIELDS:
                del self.fields[name]
        self.fields["sex"].choices = _terms("sex")
        self.fields["state"].choices = _choices(
            access_records(self.r.request.user, self.r.case, Location)
            .filter(kind="location.state")
            .order_by("name", "id"),
            _place,
        )

    @staticmethod
    def initial_of(person: Any, r: Reader) -> dict[str, Any]:
        initial = {
            "sex": person.sex,
            "age": person.age,
            "age_band": person.age_band,
            "occupation": person.occupation,
            "affiliation": person.affiliation,
            "state": str(person.state.uid) if person.state_id else "",
            "notes": person.notes,
        }
        if r.identities.visible:
            r.identities.person_fields(person)  # the form shows them: recorded as a view
            initial.update({name: getattr(person, name) or "" for name in PERSON_FIELDS})
        return initial


class TestimonyForm(RecordForm):
    narrative = forms.CharField(
        label=_("Narrative"), strip=False, widget=forms.Textarea(attrs={"rows": 12})
    )
    language = forms.ChoiceField(label=_("Language"))
    date = _date(_("Date given"))
    interviewer = _text(_("Interviewer"), max_length=200)
    # Consent is not changed here: the testimony's page records grants and withdrawals, each
    # with who took it and when (`records.consent_records`).
    witness_name = _text(_("Witness name"), max_length=1000)
    witness_contact = _text(_("Witness contact"), max_length=1000)
    notes = _area(_("Notes"), 3)

    protected = ("witness_name", "witness_contact")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.r.identities.visible:
            for name in self.protected:
                del self.fields[name]
        current = self.record.language
        languages = [("es", _t("Spanish")), ("en", _t("English"))]
        if current and current not in dict(languages):
            languages.append((current, current))
        self.fields["language"].choices = languages

    @staticmethod
    def initial_of(testimony: Any, r: Reader) -> dict[str, Any]:
        initial = {
            "narrative": testimony.narrative,
            "language": testimony.language,
            "date": testimony.date_text,
            "interviewer": testimony.interviewer,
            "notes": testimony.notes,
        }
        if r.identities.visible:
            r.identities.witness(testimony)
            initial["witness_name"] = testimony.witness_name or ""
            initial["witness_contact"] = testimony.witness_contact or ""
        return initial


class EventForm(RecordForm):
    title = _text(_("Title"), required=True, max_length=300)
    code = _text(_("Code"), max_length=128)
    date = _date()
    location = forms.ChoiceField(label=_("Place"), required=False)
    description = _area(_("Description"))
    notes = _area(_("Notes"), 3)

    uid_fields = {"location": Location}  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].choices = _choices(
            access_records(self.r.request.user, self.r.case, Location).order_by("name", "id"),
            _place,
        )

    @staticmethod
    def initial_of(event: Any) -> dict[str, Any]:
        return {
            "title": event.title,
            "code": event.code,
            "date": event.date_text,
            "location": str(event.location.uid) if event.location_id else "",
            "description": event.description,
            "notes": event.notes,
        }


class UnitForm(RecordForm):
    name = _text(_("Name"), required=True, max_length=300)
    acronym = _text(_("Acronym"), max_length=40)
    code = _text(_("Code"), required=True, max_length=128)
    unit_type = forms.ChoiceField(label=_("Type"), required=False)
    parent = forms.ChoiceField(label=_("Part of"), required=False)
    notes = _area(_("Notes"), 3)

    uid_fields = {"parent": Unit}  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["unit_type"].choices = _terms("unit_types")
        self.fields["parent"].choices = _choices(
            access_records(self.r.request.user, self.r.case, Unit)
            .exclude(pk=self.record.pk)
            .order_by("name", "id"),
            lambda u: f"{u.name} ({u.code})",
        )

    @staticmethod
    def initial_of(unit: Any) -> dict[str, Any]:
        return {
            "name": unit.name,
            "acronym": unit.acronym,
            "code": unit.code,
            "unit_type": unit.unit_type,
            "parent": str(unit.parent.uid) if unit.parent_id else "",
            "notes": unit.notes,
        }


class LocationForm(RecordForm):
    name = _text(_("Name"), required=True, max_length=300)
    code = _text(_("Code"), required=True, max_length=128)
    kind = forms.ChoiceField(label=_("Kind"))
    parent = forms.ChoiceField(label=_("Within"), required=False)
    latitude = forms.FloatField(label=_("Latitude"), required=False)
    longitude = forms.FloatField(label=_("Longitude"), required=False)
    notes = _area(_("Notes"), 3)

    uid_fields = {"parent": Location}  # noqa: RUF012

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = _terms("location_kinds", blank=False)
        self.fields["parent"].choices = _choices(
            access_records(self.r.request.user, self.r.case, Location)
            .exclude(pk=self.record.pk)
            .order_by("name", "id"),
            _place,
        )

    @staticmethod
    def initial_of(location: Any) -> dict[str, Any]:
        return {
            "name": location.name,
            "code": location.code,
            "kind": location.kind,
            "parent": str(location.parent.uid) if location.parent_id else "",
            "latitude": location.latitude,
            "longitude": location.longitude,
            "notes": location.notes,
        }


# kind → (form, initial(record, reader), update service, select_related)
EDITS: dict[str, tuple[type[RecordForm], Callable[..., dict[str, Any]], Callable[..., Any]]] = {
    "act": (ActForm, lambda x, r: ActForm.initial_of(x), actions.do_update_act),
    "person": (PersonForm, PersonForm.initial_of, actions.do_update_person),
    "testimony": (TestimonyForm, TestimonyForm.initial_of, actions.do_update_testimony),
    "event": (EventForm, lambda x, r: EventForm.initial_of(x), actions.do_update_event),
    "unit": (UnitForm, lambda x, r: UnitForm.initial_of(x), actions.do_update_unit),
    "location": (LocationForm, lambda x, r: LocationForm.initial_of(x), actions.do_update_location),
}
_RELATED = {
    "act": ("location", "event"),
    "person": ("state",),
    "event": ("location",),
    "unit": ("parent",),
    "location": ("parent",),
    "testimony": (),
}


def _require_writer(r: Reader, doing: str) -> None:
    if r.role not in WRITE_ROLES:
        raise PermissionDenied(f"role {r.role} may not {doing} in case {r.case.code}")


def _edit(request: HttpRequest, code: str, uid: str, slug: str) -> HttpResponse:
    kind = kind_named(slug)
    r = reader(request, code)
    _require_writer(r, f"change a {slug}")
    record = access_record_by_uid(request.user, r.case, kind.model, uid)
    record = kind.model.objects.select_related(*_RELATED[slug]).get(pk=record.pk)
    form_class, initial_of, update = EDITS[slug]
    initial = initial_of(record, r)
    if request.method == "POST":
        form = form_class(request.POST, initial=initial, r=r, record=record)
        if form.is_valid():
            try:
                update(request.user, record, **form.values())
            except InvalidInput as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.reason)
            else:
                if form.changed_data:
                    messages.success(request, _t("Your changes are saved."))
                else:
                    messages.info(request, _t("Nothing was changed."))
                return redirect(kind.detail, code=r.case.code, uid=record.uid)
        status = 400
    else:
        form = form_class(initial=initial, r=r, record=record)
        status = 200
    response = r.render(
        "workspace/record_edit.html",
        {"form": form, "record": record, "kind": kind, "title": _title(kind, record)},
    )
    response.status_code = status
    return response


def _title(kind: Kind, record: Any) -> str:
    from expediente_web.site.templatetags.vocab import term
    from expediente_web.workspace.templatetags.records import when

    if kind.slug == "act":
        return f"{term(record.act_type)} · {when(record.date_text)}"
    if kind.slug == "person":
        return str(_t("Person record"))
    if kind.slug == "testimony":
        return f"{_t('Testimony')} {when(record.date_text) if record.date_text else ''}".strip()
    if kind.slug == "event":
        return record.title
    return record.name


def _edit_view(slug: str) -> Callable[..., HttpResponse]:
    @login_required
    def view(request: HttpRequest, code: str, uid: str) -> HttpResponse:
        return _edit(request, code, uid, slug)

    view.__name__ = f"{slug}_edit"
    view.__doc__ = f"The edit form of a {slug}."
    return view


act_edit = _edit_view("act")
person_edit = _edit_view("person")
testimony_edit = _edit_view("testimony")
event_edit = _edit_view("event")
unit_edit = _edit_view("unit")
location_edit = _edit_view("location")


@login_required
@require_POST
def record_delete(request: HttpRequest, code: str, kind: str, uid: str) -> HttpResponse:
    """Soft-delete a record with the reason given; back to its page, which then says so."""
    spec = kind_named(kind)
    r = reader(request, code)
    _require_writer(r, f"delete a {kind}")
    record = access_record_by_uid(request.user, r.case, spec.model, uid)
    try:
        actions.do_delete_record(request.user, record, request.POST.get("reason", "").strip())
    except InvalidInput as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _t("The record is deleted. It can be restored from this page."))
    return redirect(spec.detail, code=r.case.code, uid=record.uid)


@login_required
@require_POST
def record_restore(request: HttpRequest, code: str, kind: str, uid: str) -> HttpResponse:
    """Restore a deleted record; back to its page."""
    spec = kind_named(kind)
    r = reader(request, code)
    _require_writer(r, f"restore a {kind}")
    record = access_deleted_record(request.user, r.case, spec.model, uid)
    if record is None:
        record = access_record_by_uid(request.user, r.case, spec.model, uid)
        messages.info(request, _t("This record is not deleted."))
        return redirect(spec.detail, code=r.case.code, uid=record.uid)
    try:
        actions.do_restore_record(request.user, record, request.POST.get("reason", "").strip())
    except InvalidInput as exc:
        messages.error(request, _refusal(exc))
    else:
        messages.success(request, _t("The record is restored."))
    return redirect(spec.detail, code=r.case.code, uid=record.uid)


def _refusal(exc: InvalidInput) -> str:
    labels = {"reason": _t("Reason"), "status": _t("Review status")}
    return f"{labels.get(exc.field, exc.field)}: {exc.reason}"
