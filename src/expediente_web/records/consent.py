"""A witness's consent applied to every read of a testimony's words.

One function decides — `release_for(role, scopes)`, which asks the analysis core
(`expediente.consent`) what the recipient a role stands for may receive — and every reader
of testimonies and excerpts (the record pages, search, the API, the browser's exports) passes
what it read through `shield_testimonies` / `shield_excerpts`, or leaves out what
`withheld_testimonies` names. A partner is an outside organisation: it reads a testimony's
narrative, its excerpts' quotes and its notes only when the witness consented to sharing with
partner organisations (`consent.share_partner_ngos`). Every other role is the case's own team.

A shielded record has its withheld text emptied *on the instance read* (never in the
database) and carries `consent_withheld`: the notice, in the reader's language, that a page
shows instead of the text. Roles that read shielded records cannot write, so such an
instance is never saved.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, TypeVar

from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.consent import RECIPIENTS, VERBATIM, Release, recipient, release

#: The recipient a role reads as; a role not listed is the case's own team.
ROLE_RECIPIENTS = {"role.partner": "partner_ngos"}

T = TypeVar("T")


def recipient_of_role(role: str | None) -> str:
    return ROLE_RECIPIENTS.get(role or "", "team")


def release_for(role: str | None, scopes: Iterable[str] | None) -> Release:
    """What a reader with `role` may read of a testimony with these consent scopes: the one
    place the web application decides it."""
    return release(scopes, recipient_of_role(role))


def withheld_notice(to: str) -> str:
    """What a reader sees instead of a testimony's words withheld from `to`."""
    who = recipient(to)
    if who.id == "partner_ngos":
        return _("withheld: the witness did not consent to sharing with partner organisations")
    if who.publication:
        return _("withheld: the witness did not consent to publication of their words")
    return _("withheld: the witness did not consent to sharing with %(recipient)s") % {
        "recipient": _(who.label)
    }


def _shield(role: str | None, testimony: Any, target: Any, fields: tuple[str, ...]) -> None:
    given = release_for(role, getattr(testimony, "consent_scopes", None))
    target.consent_withheld = ""
    if not given.words:
        for name in fields:
            setattr(target, name, "")
        target.consent_withheld = withheld_notice(recipient_of_role(role))
    if not given.notes and hasattr(target, "notes"):
        target.notes = ""


def shield_testimony(role: str | None, testimony: T) -> T:
    """The testimony, its narrative and notes emptied where the reader may not read them."""
    _shield(role, testimony, testimony, ("narrative",))
    return testimony


def shield_testimonies(role: str | None, testimonies: Iterable[T]) -> list[T]:
    return [shield_testimony(role, t) for t in testimonies]


def shield_excerpt(role: str | None, excerpt: T) -> T:
    """The excerpt, its quote emptied where the reader may not read its testimony's words
    (an excerpt of a document or a recording is not a testimony's and passes unchanged).
    Its testimony must be loaded with it (`select_related("testimony")`)."""
    if getattr(excerpt, "testimony_id", None) is None:
        excerpt.consent_withheld = ""  # type: ignore[attr-defined]
        return excerpt
    _shield(role, excerpt.testimony, excerpt, ("quote",))  # type: ignore[attr-defined]
    return excerpt


def shield_excerpts(role: str | None, excerpts: Iterable[T]) -> list[T]:
    return [shield_excerpt(role, e) for e in excerpts]


def withheld_testimonies(case: Any, role: str | None) -> QuerySet[Any] | None:
    """The case's testimonies (deleted ones too) whose words a reader with `role` may not
    read, for readers that must leave them out in the query (a search must not find a
    testimony by words its reader may not read); None when the role is the team."""
    from expediente_web.records.models import Testimony

    to = RECIPIENTS[recipient_of_role(role)]
    if to.internal:
        return None
    needs = set(to.needs) | ({VERBATIM} if to.publication else set())
    # JSON containment is not on SQLite: a scope id is quoted in the stored list. A testimony
    # is withheld when it lacks any one of the scopes.
    lacking = Q()
    for scope in sorted(needs):
        lacking |= ~Q(consent_scopes__icontains=f'"{scope}"')
    return Testimony.objects.filter(lacking, case=case)


# The recipients' labels, for the catalogue (the core names them in English).
_LABELS = (
    gettext_noop("the case's own team (internal use)"),
    gettext_noop("partner organisations"),
    gettext_noop("the International Criminal Court"),
    gettext_noop("United Nations mechanisms"),
    gettext_noop("the OAS and the Inter-American Commission on Human Rights"),
    gettext_noop("national authorities"),
    gettext_noop("the witness's or the victims' lawyers"),
    gettext_noop("the public (a publication)"),
)
