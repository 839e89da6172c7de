"""The forms of the panel pages: freeze a version, choose a reviewer, record a finding."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from expediente.legal.ladder import Ladder
from expediente_web.panel.actions import DEFAULT_REVIEWERS, MAX_REVIEWERS, MIN_REVIEWERS


def _lang() -> str:
    return "es" if (translation.get_language() or "es").startswith("es") else "en"


def rung_choices() -> list[tuple[str, str]]:
    lang = _lang()
    return [("", "—")] + [(rung.term_id, rung.label(lang)) for rung in Ladder]


class FreezeForm(forms.Form):
    reviewers_required = forms.IntegerField(
        label=_("Number of reviewers"),
        min_value=MIN_REVIEWERS,
        max_value=MAX_REVIEWERS,
        initial=DEFAULT_REVIEWERS,
    )
    reviewers = forms.MultipleChoiceField(
        label=_("Reviewers (you can also assign them later)"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewers"].choices = members


class ReviewerForm(forms.Form):
    reviewer = forms.ChoiceField(label=_("Reviewer"))

    def __init__(self, *args: Any, members: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].choices = members


class FindingForm(forms.Form):
    rung = forms.ChoiceField(label=_("Your finding on the ladder"), required=False)
    reasoning = forms.CharField(
        label=_("Your reasoning"),
        required=False,
        max_length=20_000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["rung"].choices = rung_choices()
