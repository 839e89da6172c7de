"""The forms of the examination pages. Fields name the service's arguments, so that a refusal
(`InvalidInput.field`) lands on the field that caused it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from expediente_web.cases.validation import vocabularies
from expediente_web.examination.actions import COMPUTED_INDICATORS, GENUINENESS

DATE_HELP = _(
    "As documenters write it: 2017, 2017-05, 14/05/2017, mediados de 2017, antes de 2018."
)
ACTS_HELP = _("One per line: its source and row (SRC-A a-1), or its identifier.")


def _lang() -> str:
    return "es" if (translation.get_language() or "es").startswith("es") else "en"


def choices(vocabulary: str, blank: bool = False, skip: frozenset[str] = frozenset()) -> list:
    vocab, lang = vocabularies(), _lang()
    found = [(t.id, vocab.label(t.id, lang)) for t in vocab.terms(vocabulary) if t.id not in skip]
    return ([("", "—")] if blank else []) + found


def _text(label: Any, rows: int = 3, required: bool = False, limit: int = 20_000, **kw: Any):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.Textarea(attrs={"rows": rows}),
        **kw,
    )


def _line(label: Any, required: bool = False, limit: int = 300, **kw: Any):
    return forms.CharField(
        label=label,
        required=required,
        max_length=limit,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        **kw,
    )


class ReasonForm(forms.Form):
    reason = _line(_("Reason"), required=True, limit=2000)


class AttackForm(forms.Form):
    title = _line(_("Name of the attack"), required=True, limit=200)
    description = _text(_("Description of the course of conduct"), rows=4)
    period = _line(_("Period"), limit=40, help_text=DATE_HELP)
    places = forms.MultipleChoiceField(
        label=_("Places"), required=False, widget=forms.CheckboxSelectMultiple
    )
    population = _text(_("Civilian population targeted"), rows=2)
    population_groups = forms.MultipleChoiceField(
        label=_("Grounds the population shares"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    policy_indicators = _text(
        _("Indicators of a State or organizational policy"),
        rows=3,
        help_text=_("One per line: a directive, a speech, a recurring method…"),
    )

    def __init__(self, *args: Any, places: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["places"].choices = places
        self.fields["population_groups"].choices = choices("affiliation")


class LinkForm(forms.Form):
    acts = _text(_("Acts"), rows=3, required=True, help_text=ACTS_HELP)


class InterventionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"))
    date = _line(_("Date"), limit=40, help_text=DATE_HELP)
    filed_by = _line(_("Filed by"), limit=2000)
    notified_unit = forms.ChoiceField(label=_("Unit notified"), required=False)
    notified_person = forms.ChoiceField(label=_("Person notified"), required=False)
    notified_authority = _line(_("Authority notified (in words)"), limit=2000)
    acts = _text(_("Acts it was about"), rows=2, help_text=ACTS_HELP)
    victims = _text(
        _("Victims it was about"),
        rows=2,
        help_text=_("One per line: the person record's source and row, or its identifier."),
    )
    summary = _text(_("What it asked"), rows=3)
    response = forms.ChoiceField(label=_("Response"), required=False)
    response_date = _line(_("Date of the response"), limit=40)
    response_detail = _text(_("The response in words"), rows=2)

    def __init__(
        self,
        *args: Any,
        units: list[tuple[str, str]],
        persons: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = choices("intervention")
        self.fields["response"].choices = choices("intervention_response", blank=True)
        self.fields["notified_unit"].choices = [("", "—"), *units]
        self.fields["notified_person"].choices = [("", "—"), *persons]


class ResponseForm(forms.Form):
    response = forms.ChoiceField(label=_("Response"))
    response_date = _line(_("Date of the response"), limit=40)
    response_detail = _text(_("The response in words"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["response"].choices = choices("intervention_response")


class ProceedingForm(forms.Form):
    court = _line(_("Court or prosecutor's office"), required=True)
    case_number = _line(_("Case number"), limit=120)
    status = forms.ChoiceField(label=_("Status"))
    opened = _line(_("Opened"), limit=40, help_text=DATE_HELP)
    status_date = _line(_("Status since"), limit=40)
    accused = forms.MultipleChoiceField(
        label=_("Accused (persons of the case)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    accused_text = _line(_("Accused (in words)"), limit=2000)
    charges = _text(_("Charges"), rows=2)
    acts = _text(_("Conduct covered: acts"), rows=2, help_text=ACTS_HELP)
    indicators = forms.MultipleChoiceField(
        label=_("Indicators that it is not genuine"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = _text(_("Notes"), rows=3)

    def __init__(self, *args: Any, persons: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = choices("proceeding_status")
        self.fields["accused"].choices = persons
        self.fields["indicators"].choices = choices(GENUINENESS, skip=COMPUTED_INDICATORS)


class JurisdictionForm(forms.Form):
    entry_into_force = _line(
        _("The Statute entered into force for the State on"),
        required=True,
        limit=40,
        help_text=_("The day, for example 2002-07-01."),
    )
    bases = forms.MultipleChoiceField(
        label=_("Bases of jurisdiction"), widget=forms.CheckboxSelectMultiple
    )
    notes = _text(_("Notes (ratification, referral, declaration)"), rows=2)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["bases"].choices = choices("jurisdiction_basis")


class AssessmentForm(forms.Form):
    text = _text(_("Written assessment"), rows=5, required=True)
