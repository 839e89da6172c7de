"""The API's reads: the token's case through `access_case_by_code`, and records by reference.

Every route starts with `api_case(request, code)`: the case named in the address must be the
token's (another case is "not found", as for a page of a case one is not a member of), and the
holder's role is read again through the same access layer as the pages. References given in a
request body (a victim's uid, a location's code) are looked up through the `access_*`
functions too; one that is not in the case is refused as bad input naming its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from django.contrib.contenttypes.models import ContentType
from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.cases.access import access_case_by_code, can_view_protected, role_in
from expediente_web.cases.models import Case, Source
from expediente_web.cases.validation import InvalidInput
from expediente_web.discussion.access import require_discussion
from expediente_web.evidence.access import (
    access_evidence_item_by_uid,
    access_excerpts,
)
from expediente_web.evidence.models import EvidenceItem, Excerpt
from expediente_web.records.access import access_record_by_uid, access_records
from expediente_web.records.models import Comment, Location, Unit
from expediente_web.workspace.access import access_source_by_code

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class Reader:
    """One API request's case, the holder and what their role lets them see."""

    case: Case
    user: Any
    role: str
    identities: bool


def api_case(request: HttpRequest, code: str) -> Reader:
    holder = request.auth  # type: ignore[attr-defined]
    if code != holder.case.code:
        raise Http404(_("No case %(code)s") % {"code": repr(code)})
    case, role = access_case_by_code(holder.user, code)
    return Reader(case, holder.user, role, can_view_protected(holder.user, case))


#: The kinds of record a request body names, as a message says them.
_KIND_NAMES = {
    "person": gettext_noop("person"),
    "location": gettext_noop("location"),
    "unit": gettext_noop("unit"),
    "position": gettext_noop("position"),
    "event": gettext_noop("event"),
    "act": gettext_noop("act"),
    "testimony": gettext_noop("testimony"),
}


def _no_such(model: type[Model], ref: str, reader: Reader) -> str:
    name = str(model._meta.verbose_name)
    kind = _(_KIND_NAMES[name]) if name in _KIND_NAMES else name
    return _("no %(kind)s %(ref)s in case %(case)s") % {
        "kind": kind,
        "ref": ref,
        "case": reader.case.code,
    }


def by_uid(reader: Reader, model: type[M], uid: str, field: str) -> M:
    """A live record of the case named in a request body; `InvalidInput(field)` otherwise."""
    try:
        return access_record_by_uid(reader.user, reader.case, model, uid)  # type: ignore[type-var]
    except Http404:
        raise InvalidInput(field, _no_such(model, uid, reader)) from None


def by_code(reader: Reader, model: type[Location] | type[Unit], code: str, field: str) -> Any:
    found = access_records(reader.user, reader.case, model).filter(code=code).first()
    if found is None:
        raise InvalidInput(field, _no_such(model, repr(code), reader))
    return found


def source_by_code(reader: Reader, code: str, field: str = "source") -> Source:
    try:
        return access_source_by_code(reader.user, reader.case, code)
    except Http404:
        raise InvalidInput(
            field,
            _("no source %(code)s in case %(case)s")
            % {"code": repr(code), "case": reader.case.code},
        ) from None


def item_by_uid(reader: Reader, uid: str, field: str) -> EvidenceItem:
    try:
        return access_evidence_item_by_uid(reader.user, reader.case, uid)
    except Http404:
        raise InvalidInput(
            field,
            _("no evidence item %(uid)s in case %(case)s") % {"uid": uid, "case": reader.case.code},
        ) from None


def excerpt_by_uid(reader: Reader, uid: str) -> Excerpt:
    import uuid

    try:
        uuid.UUID(str(uid))
    except ValueError:
        raise Http404(
            _("No excerpt %(uid)s in case %(case)s") % {"uid": uid, "case": reader.case.code}
        ) from None
    found = access_excerpts(reader.user, reader.case).filter(uid=uid).first()
    if found is None:
        raise Http404(
            _("No excerpt %(uid)s in case %(case)s") % {"uid": uid, "case": reader.case.code}
        )
    return found


def access_comments(user: Any, case: Case) -> QuerySet[Comment]:
    """The case's live comments, oldest first; 404 for a user without a role in the case, 403
    for a role that does not read the discussion (a partner). The discussion pages read them
    through `discussion.access`; this is the API's, in the same form."""
    if role_in(user, case) is None:
        raise Http404(_("No case %(code)s") % {"code": repr(case.code)})
    require_discussion(user, case)
    return Comment.objects.live().filter(case=case).select_related("author", "target_type")


def comments_on(user: Any, case: Case, target: Model) -> QuerySet[Comment]:
    return access_comments(user, case).filter(
        target_type=ContentType.objects.get_for_model(target), target_id=target.pk
    )
