"""Permission-checked reads: the only way views, the API and the CLI fetch a case.

Roles, from most to least trusted:
- owner: everything, including memberships;
- analyst: read and write the record, see protected fields, run linkage and estimation, export;
- documenter: read and write the record, see protected fields;
- reviewer: read the record without protected fields; comment;
- viewer: read the record without protected fields.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from expediente_web.cases.models import Case, Membership

WRITE_ROLES = frozenset({"role.owner", "role.analyst", "role.documenter"})
PROTECTED_ROLES = frozenset({"role.owner", "role.analyst", "role.documenter"})
EXPORT_ROLES = frozenset({"role.owner", "role.analyst"})
COMMENT_ROLES = WRITE_ROLES | {"role.reviewer"}
MANAGE_ROLES = frozenset({"role.owner"})


class NotPermitted(PermissionDenied):
    """The user lacks the role an action needs in this case."""


def role_in(user: Any, case: Case) -> str | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership = Membership.objects.filter(case=case, user=user).only("role").first()
    return membership.role if membership else None


def cases_for_user(user: Any) -> QuerySet[Case]:
    return Case.objects.filter(memberships__user=user).order_by("code")


def access_case_by_code(user: Any, code: str) -> tuple[Case, str]:
    """The case and the user's role in it; 404 for a case the user may not know exists."""
    case = Case.objects.filter(code=code).first()
    if case is None:
        raise Http404(f"No case {code!r}")
    role = role_in(user, case)
    if role is None:
        raise Http404(f"No case {code!r}")
    return case, role


def require_role(user: Any, case: Case, allowed: frozenset[str], doing: str) -> str:
    """The user's role, or `NotPermitted` naming what they tried to do."""
    if user is None:
        raise NotPermitted(f"{doing} in case {case.code} needs a user with a role in it "
                           "(commands: --user NAME)")
    role = role_in(user, case)
    if role not in allowed:
        who = getattr(user, "username", "") or "anonymous"
        raise NotPermitted(f"{who} may not {doing} in case {case.code} (role: {role or 'none'})")
    return role


def can_view_protected(user: Any, case: Case) -> bool:
    return role_in(user, case) in PROTECTED_ROLES
