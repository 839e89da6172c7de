"""Paging and filtering shared by every list page: no list is ever cut off.

A list shows `PER_PAGE` rows at a time with links to every other page and the total count; a
filter form is a GET form whose invalid values are shown at their field and then ignored.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.paginator import Page, Paginator
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from expediente.vocabularies import load_vocabularies

PER_PAGE = 50


def paginate(
    request: HttpRequest, rows: QuerySet[Any] | list[Any], per_page: int = PER_PAGE
) -> Page:
    """The requested page (`?page=`); a page number out of range gives the last page."""
    return Paginator(rows, per_page).get_page(request.GET.get("page"))


def language() -> str:
    return "es" if (translation.get_language() or "es").startswith("es") else "en"


def term_choices(vocabulary: str) -> list[tuple[str, str]]:
    """("", "any") and the vocabulary's terms, labelled in the reader's language."""
    lang = language()
    terms = sorted(load_vocabularies().terms(vocabulary), key=lambda t: t.label(lang).lower())
    return [("", _("any")), *((t.id, t.label(lang)) for t in terms)]


class FilterForm(forms.Form):
    """A GET filter form: `cleaned()` holds only the fields that were given and valid."""

    def cleaned(self) -> dict[str, Any]:
        if not self.is_bound:
            return {}
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {k: v for k, v in data.items() if v not in (None, "", [])}


class DateRange(FilterForm):
    """Filters on a partial-date record: its bounds overlap [date_from, date_to]."""

    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def filter_dates(rows: QuerySet[Any], given: dict[str, Any], prefix: str = "date") -> QuerySet[Any]:
    if "date_from" in given:
        rows = rows.filter(**{f"{prefix}_latest__gte": given["date_from"]})
    if "date_to" in given:
        rows = rows.filter(**{f"{prefix}_earliest__lte": given["date_to"]})
    return rows
