"""The forms of the matrix pages: choose a crime or a suspect's mode, cite evidence, rate."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from expediente.legal.ladder import Ladder
from expediente.patterns.report import INDICATORS
from expediente_web.assessment.models import KINDS
from expediente_web.cases.validation import vocabularies


def _lang() -> str:
    return "es" if (translation.get_language() or "es").startswith("es") else "en"


def term_choices(ids: list[str]) -> list[tuple[str, str]]:
    vocab, lang = vocabularies(), _lang()
    return [(i, vocab.label(i, lang)) for i in ids]


def ladder_choices() -> list[tuple[str, str]]:
    lang = _lang()
    return [(rung.term_id, rung.label(lang)) for rung in Ladder]


def indicator_choices() -> list[tuple[str, str]]:
    lang = _lang()
    return [("", "—")] + [(i.key, i.es if lang == "es" else i.en) for i in INDICATORS]


KIND_LABELS = {
    "act": _("An act"),
    "excerpt": _("An excerpt"),
    "document": _("A document"),
    "pattern": _("A pattern indicator"),
    "estimate": _("An estimate"),
}
STANCE_LABELS = {"supports": _("Supports"), "contradicts": _("Contradicts")}


class SelectForm(forms.Form):
    term = forms.ChoiceField(label=_("Crime"))

    def __init__(self, *args: Any, terms: list[str], label: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].choices = term_choices(terms)
        if label is not None:
            self.fields["term"].label = label


class SuspectForm(forms.Form):
    person = forms.ChoiceField(label=_("Person"))
    term = forms.ChoiceField(label=_("Mode of liability"))

    def __init__(
        self, *args: Any, persons: list[tuple[str, str]], terms: list[str], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = persons
        self.fields["term"].choices = term_choices(terms)


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), max_length=2000, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )


class CiteForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What is cited"),
        widget=forms.RadioSelect,
        choices=[(k, KIND_LABELS[k]) for k in KINDS],
        initial="act",
    )
    stance = forms.ChoiceField(
        label=_("Stance"),
        widget=forms.RadioSelect,
        choices=list(STANCE_LABELS.items()),
        initial="supports",
    )
    act = forms.CharField(
        label=_("Act"),
        required=False,
        max_length=200,
        help_text=_("Its source and row (SRC-A a-1), or its identifier; or search below."),
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    act_pick = forms.CharField(required=False, widget=forms.HiddenInput)
    excerpt = forms.ChoiceField(label=_("Excerpt"), required=False)
    document = forms.ChoiceField(label=_("Document"), required=False)
    indicator = forms.ChoiceField(label=_("Pattern indicator"), required=False)
    estimate = forms.ChoiceField(label=_("Estimate"), required=False)
    credibility = forms.ChoiceField(
        label=_("Credibility of the item"),
        required=False,
        help_text=_(
            "How credible this item of information is, apart from the reliability of its source."
        ),
    )
    note = forms.CharField(
        label=_("Note (pinpoint, page, comment)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(
        self,
        *args: Any,
        excerpts: list[tuple[str, str]],
        documents: list[tuple[str, str]],
        estimates: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        blank = [("", "—")]
        self.fields["excerpt"].choices = blank + excerpts
        self.fields["document"].choices = blank + documents
        self.fields["estimate"].choices = blank + estimates
        self.fields["indicator"].choices = indicator_choices()
        graded = [t.id for t in vocabularies().terms("credibility")]
        self.fields["credibility"].choices = [("", _("not graded")), *term_choices(graded)]


class RateForm(forms.Form):
    status = forms.ChoiceField(label=_("Status on the ladder"))
    reasoning = forms.CharField(
        label=_("Reasoning"), max_length=20_000, widget=forms.Textarea(attrs={"rows": 5})
    )
    restricted = forms.BooleanField(
        label=_("Keep the reasoning within the team (partners do not read it)"),
        required=False,
        initial=True,
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = ladder_choices()
