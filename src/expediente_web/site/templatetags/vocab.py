"""`{{ term_id|term }}`: a vocabulary term's label in the page's language (its id if unknown)."""

from __future__ import annotations

from django import template
from django.utils import translation

from expediente.vocabularies import load_vocabularies

register = template.Library()


@register.filter
def term(term_id: str | None) -> str:
    if not term_id:
        return "—"
    vocab = load_vocabularies()
    found = vocab.get(term_id)
    if found is None:
        return term_id
    lang = "es" if (translation.get_language() or "es").startswith("es") else "en"
    return vocab.label(term_id, lang)


@register.filter
def terms(term_ids: list[str] | None) -> str:
    return ", ".join(term(t) for t in term_ids or []) or "—"
