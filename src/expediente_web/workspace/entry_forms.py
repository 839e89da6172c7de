"""The forms of the guided entry: a testimony, an excerpt of its narrative and the act it
supports, with its victim, perpetrators, place and measured facts.

The forms check what a browser can get wrong (a missing field, a number that is not one, a date
in no form we read) with messages in the reader's language; the services they feed
(`records/actions.py`, `evidence/actions.py`) check the rest, and their refusals are shown at
the field too (`entry_flow.py` says which field).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from expediente.dates import DateError, ImpossibleDateError, parse_date
from expediente.vocabularies import load_vocabularies
from expediente_web.cases.validation import date_reason
from expediente_web.workspace.listing import language

#: Perpetrator rows on the act form.
PERPETRATOR_ROWS = 2
NARRATIVE_LIMIT = 200_000
NAME_LIMIT = 300
LANGUAGES = (
    ("es", _("Spanish")),
    ("en", _("English")),
    ("pt", _("Portuguese")),
    ("fr", _("French")),
)


def choices(vocabulary: str, *, blank: str | None = None, tree: bool = False) -> list[Any]:
    """A vocabulary's terms labelled in the reader's language; narrower terms indented under
    their broader one when `tree`, else sorted by label."""
    lang = language()
    terms = list(load_vocabularies().terms(vocabulary))
    if tree:
        ids = {t.id for t in terms}
        depth: dict[str, int] = {}
        for t in terms:
            depth[t.id] = depth.get(t.parent, -1) + 1 if t.parent in ids else 0
        found = [(t.id, "\u2003" * depth[t.id] + t.label(lang)) for t in terms]
    else:
        found = sorted(((t.id, t.label(lang)) for t in terms), key=lambda c: c[1].lower())
    return ([("", blank)] if blank is not None else []) + found


#: How a measure's unit reads after its label: `(kg)`, `(days)`.
UNIT_LABELS = {"day": _("days")}


def measures() -> list[Any]:
    """The measure terms, whose units label their fields."""
    return list(load_vocabularies().terms("measures"))


def fact_field(measure_id: str) -> str:
    """The form field of a measure: `measure.weight_lost_kg` → `fact_weight_lost_kg`."""
    return "fact_" + measure_id.split(".", 1)[1]


def check_period(text: str) -> str:
    """`text` if it reads as a date or period, else a `ValidationError` in the reader's
    language that shows forms that read."""
    text = (text or "").strip()
    if not text:
        return ""
    try:
        parse_date(text, today=dt.date.today())
    except ImpossibleDateError as exc:
        raise forms.ValidationError(
            _("This date cannot be: %(reason)s."), params={"reason": date_reason(exc)}
        ) from None
    except DateError:
        raise forms.ValidationError(
            _(
                "We cannot read %(text)s as a date. Write it for example as 14/05/2017, "
                "marzo de 2017, mediados de 2017, finales de marzo de 2017, aprox. 2016, "
                "antes de 2018, entre marzo y mayo de 2017, early 2017 or late March 2017."
            ),
            params={"text": repr(text[:60])},
        ) from None
    return text


PERIOD_HELP = _(
    "As the witness gives it: a day, a month, a year, a range, or a phrase such as "
    "mediados de 2017, finales de marzo de 2017, aprox. 2016, antes de 2018, early 2017."
)


class TestimonyForm(forms.Form):
    narrative = forms.CharField(
        label=_("Narrative"),
        widget=forms.Textarea(attrs={"rows": 14}),
        max_length=NARRATIVE_LIMIT,
        help_text=_("Paste or type the testimony as given."),
    )
    language = forms.ChoiceField(label=_("Language of the narrative"), choices=LANGUAGES)
    date = forms.CharField(
        label=_("Date of the testimony"), required=False, max_length=200, help_text=PERIOD_HELP
    )
    witness_name = forms.CharField(
        label=_("Witness name"),
        required=False,
        max_length=NAME_LIMIT,
        help_text=_("Protected: stored encrypted, shown only to roles that see identities."),
    )
    witness_contact = forms.CharField(
        label=_("Witness contact"), required=False, max_length=NAME_LIMIT
    )
    interviewer = forms.CharField(label=_("Interviewer"), required=False, max_length=200)
    consent_scopes = forms.MultipleChoiceField(
        label=_("Consent given for"), required=False, widget=forms.CheckboxSelectMultiple
    )
    source = forms.ChoiceField(label=_("Source"), required=False)

    def __init__(self, *args: Any, sources: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["consent_scopes"].choices = choices("consent_scopes")
        self.fields["source"].choices = [("", _("none")), *sources]
        if not self.is_bound:
            self.initial.setdefault("language", language())

    def clean_narrative(self) -> str:
        # A browser sends line ends as CR LF and shows them as one character: the offsets an
        # excerpt is marked with count what the page shows.
        text = self.cleaned_data["narrative"].replace("\r\n", "\n").replace("\r", "\n")
        if not text.strip():
            raise forms.ValidationError(_("The narrative is empty."))
        return text

    def clean_date(self) -> str:
        return check_period(self.cleaned_data.get("date", ""))


class ExcerptForm(forms.Form):
    """A span of a narrative: character offsets (counted in code points, as Python counts) and
    the text the browser saw there, which must be what the narrative holds."""

    start = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    end = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    quote = forms.CharField(widget=forms.HiddenInput, strip=False, max_length=NARRATIVE_LIMIT)

    def __init__(self, *args: Any, narrative: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.narrative = narrative

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end, quote = data.get("start"), data.get("end"), data.get("quote")
        if start is None or end is None or not quote:
            raise forms.ValidationError(_("Select a part of the narrative first."))
        if self.narrative[start:end] != quote:
            # The page and the stored text may count line ends differently: the quote, found
            # nearest to where it was selected, is what was meant.
            found = _occurrences(self.narrative, quote)
            if not found:
                self.add_error(
                    "quote", _("The selected text is not in the narrative; select it again.")
                )
                return data
            start = min(found, key=lambda i: abs(i - start))
            data["start"], data["end"] = start, start + len(quote)
        return data


def _occurrences(text: str, part: str) -> list[int]:
    found, at = [], text.find(part)
    while at >= 0 and len(found) < 1000:
        found.append(at)
        at = text.find(part, at + 1)
    return found


class ActForm(forms.Form):
    """An act from an excerpt: what, when, where, to whom, by whom."""

    act_type = forms.ChoiceField(label=_("Type of act"))
    methods = forms.MultipleChoiceField(
        label=_("Methods"), required=False, widget=forms.CheckboxSelectMultiple
    )
    date = forms.CharField(label=_("Period"), required=False, max_length=200, help_text=PERIOD_HELP)
    location = forms.CharField(required=False, max_length=64)
    place_q = forms.CharField(label=_("Place"), required=False, max_length=200)
    new_place_name = forms.CharField(
        label=_("New place (inside the one chosen, if any)"), required=False, max_length=NAME_LIMIT
    )
    new_place_kind = forms.ChoiceField(label=_("Kind of the new place"), required=False)
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    description = forms.CharField(
        label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 4})
    )
    victim = forms.CharField(required=False, max_length=64)
    victim_q = forms.CharField(label=_("Find the victim in the case"), required=False)
    victim_full_name = forms.CharField(
        label=_("Or record a new person: full name"), required=False, max_length=NAME_LIMIT
    )
    victim_id_number = forms.CharField(label=_("ID number"), required=False, max_length=64)
    victim_sex = forms.ChoiceField(label=_("Sex"), required=False)
    victim_age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    victim_confirm_new = forms.BooleanField(
        label=_("None of these: record a new person"), required=False
    )

    def __init__(self, *args: Any, units: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["act_type"].choices = choices("act_types", blank="—", tree=True)
        self.fields["methods"].choices = choices("methods", tree=True)
        self.fields["outcome"].choices = choices("outcomes", blank="—")
        self.fields["new_place_kind"].choices = choices("location_kinds", blank="—")
        self.fields["victim_sex"].choices = choices("sex", blank="—")
        lang = language()
        for term in measures():
            self.fields[fact_field(term.id)] = forms.FloatField(
                label=(
                    f"{term.label(lang)} ({UNIT_LABELS.get(term.unit, term.unit)})"
                    if term.unit
                    else term.label(lang)
                ),
                required=False,
                min_value=0,
            )
        for n in range(1, PERPETRATOR_ROWS + 1):
            self.fields[f"p{n}_unit"] = forms.ChoiceField(
                label=_("Unit"), required=False, choices=[("", "—"), *units]
            )
            self.fields[f"p{n}_person"] = forms.CharField(required=False, max_length=64)
            self.fields[f"p{n}_q"] = forms.CharField(label=_("Person"), required=False)
            self.fields[f"p{n}_name"] = forms.CharField(
                label=_("Or a new person: full name"), required=False, max_length=NAME_LIMIT
            )
            self.fields[f"p{n}_degree"] = forms.ChoiceField(
                label=_("How they took part"),
                required=False,
                choices=choices("involvement", blank="—", tree=True),
            )
            self.fields[f"p{n}_confirm_new"] = forms.BooleanField(
                label=_("None of these: record a new person"), required=False
            )

    def clean_date(self) -> str:
        return check_period(self.cleaned_data.get("date", ""))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("victim") and not (data.get("victim_full_name") or "").strip():
            self.add_error(
                "victim_full_name", _("Choose the victim from the case or give a new name.")
            )
        if (data.get("new_place_name") or "").strip() and not data.get("new_place_kind"):
            self.add_error("new_place_kind", _("Say what kind of place the new place is."))
        for n in range(1, PERPETRATOR_ROWS + 1):
            named = (
                data.get(f"p{n}_unit")
                or data.get(f"p{n}_person")
                or (data.get(f"p{n}_name") or "").strip()
            )
            if data.get(f"p{n}_degree") and not named:
                self.add_error(f"p{n}_unit", _("Name a unit or a person, or leave the row empty."))
        return data

    def perpetrator_rows(self) -> list[dict[str, Any]]:
        """The form's fields grouped by perpetrator row, for the template."""
        return [
            {
                "n": n,
                "unit": self[f"p{n}_unit"],
                "person": self[f"p{n}_person"],
                "q": self[f"p{n}_q"],
                "name": self[f"p{n}_name"],
                "degree": self[f"p{n}_degree"],
                "confirm": self[f"p{n}_confirm_new"],
            }
            for n in range(1, PERPETRATOR_ROWS + 1)
        ]

    def fact_fields(self) -> list[Any]:
        return [self[fact_field(t.id)] for t in measures()]
