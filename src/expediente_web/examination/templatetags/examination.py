"""`{{ term_id|term_description }}`: a vocabulary term's description in the page's language."""

from __future__ import annotations

from django import template
from django.utils import translation

from expediente.vocabularies import load_vocabularies

register = template.Library()


@register.filter
def term_description(term_id: str | None) -> str:
    found = load_vocabularies().get(term_id or "")
    if found is None:
        return ""
    lang = "es" if (translation.get_language() or "es").startswith("es") else "en"
    return found.description.get(lang, "") if found.description else ""
