"""Writes of the search app: a member's saved searches (each one service, audited)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from expediente_web.audit.record import record_write
from expediente_web.cases.access import role_in
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput, check_length, check_required
from expediente_web.search.access import clean_filters
from expediente_web.search.models import SavedSearch

#: Most saved searches one member keeps in one case.
MAX_SAVED = 100


def do_save_search(actor: Any, case: Case, name: str, query: str,
                   filters: dict[str, str] | None = None) -> SavedSearch:
    """Keep `query` and its filters under `name` for the actor (a member of the case); the same
    name again replaces the one kept."""
    if role_in(actor, case) is None:
        from expediente_web.cases.access import NotPermitted

        raise NotPermitted(_("%(user)s is not a member of case %(case)s")
                           % {"user": getattr(actor, "username", "") or _("anonymous"),
                              "case": case.code})
    name = name.strip()
    check_required("name", name)
    check_length("name", name, 120)
    check_length("q", query, 500)
    cleaned = clean_filters(filters or {})
    if not query.strip() and not cleaned:
        raise InvalidInput("q", _("a saved search needs words or a filter"))
    with transaction.atomic():
        saved = SavedSearch.objects.filter(case=case, owner=actor, name=name).first()
        if saved is None:
            if SavedSearch.objects.filter(case=case, owner=actor).count() >= MAX_SAVED:
                raise InvalidInput("name", _("at most %(limit)s saved searches per case: "
                                             "delete one first") % {"limit": MAX_SAVED})
            saved = SavedSearch(case=case, owner=actor, name=name)
        saved.query, saved.filters = query, cleaned
        saved.save()
        record_write(actor, "save_search", saved,
                     {"name": name, "query": query, "filters": cleaned}, case_code=case.code)
    return saved


def do_delete_saved_search(actor: Any, saved: SavedSearch) -> None:
    """Remove one of the actor's own saved searches (they are the actor's, not case records)."""
    if saved.owner_id != getattr(actor, "id", None):
        from expediente_web.cases.access import NotPermitted

        raise NotPermitted(_("a saved search can only be deleted by whoever saved it"))
    with transaction.atomic():
        record_write(actor, "delete_saved_search", saved, {"name": saved.name},
                     case_code=saved.case.code)
        SavedSearch.objects.filter(pk=saved.pk).delete()
