"""Labels of the matrix in the reader's language: `{{ row.spec|element }}`,
`{{ rung|rung }}`, `{{ indicator|indicator }}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation

register = template.Library()


def _lang() -> str:
    return "es" if (translation.get_language() or "es").startswith("es") else "en"


@register.filter
def element(spec: Any) -> str:
    """An element's label (`ElementSpec.label`) in the page's language."""
    return spec.label(_lang()) if spec is not None else "—"


@register.filter
def rung(value: Any) -> str:
    """A rung of the ladder (a `Ladder` or its term id) in the page's language."""
    from expediente.legal.ladder import Ladder

    if not value and value != 0:
        return "—"
    if not isinstance(value, Ladder):
        try:
            value = Ladder.from_term(str(value))
        except ValueError:
            return str(value)
    return value.label(_lang())


@register.filter
def rung_class(value: Any) -> str:
    """A CSS class for a rung: `rung-0` … `rung-4`."""
    from expediente.legal.ladder import Ladder

    if not isinstance(value, Ladder):
        try:
            value = Ladder.from_term(str(value))
        except ValueError:
            return "rung-0"
    return f"rung-{int(value)}"


@register.filter
def indicator(indicator: Any) -> str:
    """A pattern indicator's label in the page's language."""
    if indicator is None:
        return "—"
    return indicator.es if _lang() == "es" else indicator.en


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None


@register.filter
def sorted_list(values: Any) -> list[Any]:
    return sorted(values or [])


@register.filter
def deleted(citation: Any) -> bool:
    """Whether a citation's record was deleted since (it no longer counts)."""
    from expediente_web.assessment.loading import gone

    return gone(citation)
