"""Labels of a frozen version in the reader's language: `{{ element|element_label }}`,
`{{ item|evidence_label }}`, `{{ group|group_label }}`, `{{ alpha|alpha }}`."""

from __future__ import annotations

from typing import Any

from django import template
from django.utils import translation
from django.utils.translation import gettext as _

from expediente.patterns.report import INDICATORS
from expediente_web.cases.validation import vocabularies

register = template.Library()

_INDICATORS = {i.key: i for i in INDICATORS}


def _lang() -> str:
    return "es" if (translation.get_language() or "es").startswith("es") else "en"


def _term(term_id: str) -> str:
    try:
        return vocabularies().label(term_id, _lang())
    except Exception:  # a term the vocabulary no longer has: its id, as it was frozen
        return term_id


@register.filter
def element_label(element: dict[str, Any]) -> str:
    """An element's label as the version froze it, in the page's language."""
    return element.get("label_es" if _lang() == "es" else "label_en") or element.get("id", "—")


@register.filter
def group_label(group: dict[str, Any]) -> str:
    if group.get("contextual"):
        return _("Contextual elements")
    return _term(group["id"])


@register.filter
def kind_label(kind: str) -> str:
    return {
        "act": _("act"),
        "excerpt": _("excerpt"),
        "document": _("document"),
        "pattern": _("pattern indicator"),
        "estimate": _("estimate"),
    }.get(kind, kind)


@register.filter
def evidence_label(item: dict[str, Any]) -> str:
    """What a reader recognises a cited item by (no protected value: a witness by pseudonym)."""
    kind = item.get("kind")
    if kind == "act":
        parts = [_term(item.get("act_type") or ""), item.get("date") or "—"]
        row = " ".join(x for x in (item.get("source"), item.get("row")) if x)
        return " · ".join(parts + ([row] if row else []))
    if kind == "excerpt":
        if item.get("holder") == "testimony":
            text = _("Testimony of %(date)s, characters %(start)s–%(end)s") % {
                "date": item.get("date") or "—",
                "start": item.get("start") if item.get("start") is not None else "—",
                "end": item.get("end") if item.get("end") is not None else "—",
            }
            if item.get("witness"):
                text += " · " + _("witness %(pseudonym)s") % {"pseudonym": item["witness"]}
            return text
        return _("%(document)s, page %(page)s") % {
            "document": item.get("title") or "—",
            "page": item.get("page") or "—",
        }
    if kind == "document":
        return item.get("title") or "—"
    if kind == "estimate":
        return f"{item.get('method', '')} · {item.get('at', '')} UTC"
    indicator = _INDICATORS.get(item.get("indicator", ""))
    if indicator is None:
        return item.get("indicator") or "—"
    return indicator.es if _lang() == "es" else indicator.en


@register.filter
def alpha(value: float | None) -> str:
    """Krippendorff's alpha to three decimals, or a dash when it is undefined."""
    if value is None:
        return "—"
    return f"{value:.3f}"


@register.filter
def slug(element_id: str) -> str:
    return str(element_id).replace(".", "-")


@register.filter
def get(mapping: Any, key: Any) -> Any:
    return mapping.get(key) if mapping else None
