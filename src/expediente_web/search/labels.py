"""Facet values as a reader reads them: vocabulary labels in their language, place, unit and
source names."""

from __future__ import annotations

from django.utils.translation import get_language

from expediente_web.cases.models import Case, Source
from expediente_web.cases.validation import vocabularies
from expediente_web.records.models import Location, Unit

NAMED = {"place": (Location, "name"), "unit": (Unit, "name"), "source": (Source, "name")}


def facet_labels(case: Case, counts: dict[str, dict[str, int]]) -> dict[str, dict[str, str]]:
    """facet → value → label, for the values in `counts` (one query per named facet)."""
    lang = (get_language() or "es")[:2]
    vocab = vocabularies()
    labels: dict[str, dict[str, str]] = {}
    for facet, values in counts.items():
        if facet in NAMED:
            model, attr = NAMED[facet]
            names = dict(model.objects.filter(case=case, code__in=list(values))
                         .values_list("code", attr))
            labels[facet] = {v: names.get(v, v) for v in values}
        elif facet == "year":
            labels[facet] = {v: v for v in values}
        else:
            labels[facet] = {v: _term_label(vocab, v, lang) for v in values}
    return labels


def _term_label(vocab, term_id: str, lang: str) -> str:  # type: ignore[no-untyped-def]
    try:
        return vocab.label(term_id, lang)
    except (KeyError, LookupError, ValueError):
        return term_id
