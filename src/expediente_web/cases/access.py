"""Permission-checked reads: the only way views, the API and the CLI fetch a case.

Roles, from most to least trusted:
- owner: everything, including memberships;
- analyst: read and write the record, see protected fields, run linkage and estimation, export;
- documenter: read and write the record, see protected fields;
- reviewer: read the record without protected fields; comment;
- viewer: read the record without protected fields;
- partner: an outside organisation's reader: the record without protected fields, no
  exports, and only until the membership's `expires_at` (required for partners).

A membership past its `expires_at` gives no role at all: every check here reads it again on
every call, so access ends by itself at that moment, in the middle of a session too.
Roles that see protected fields need two factors at sign-in (`TWO_FACTOR_ROLES`).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from expediente_web.cases.models import Case, Membership

WRITE_ROLES = frozenset({"role.owner", "role.analyst", "role.documenter"})
PROTECTED_ROLES = frozenset({"role.owner", "role.analyst", "role.documenter"})
EXPORT_ROLES = frozenset({"role.owner", "role.analyst"})
COMMENT_ROLES = WRITE_ROLES | {"role.reviewer"}
MANAGE_ROLES = frozenset({"role.owner"})
READ_ROLES = frozenset({"role.owner", "role.analyst", "role.documenter", "role.reviewer",
                        "role.viewer", "role.partner"})
TWO_FACTOR_ROLES = PROTECTED_ROLES
EXPIRY_REQUIRED_ROLES = frozenset({"role.partner"})


class NotPermitted(PermissionDenied):
    """The user lacks the role an action needs in this case."""


class MembershipExpired(PermissionDenied):
    """The user had a role in the case until `expires_at`, which has passed."""

    def __init__(self, case: Case, expires_at: Any) -> None:
        super().__init__(_("access to case %(case)s ended at %(moment)s UTC")
                         % {"case": case.code, "moment": f"{expires_at:%Y-%m-%d %H:%M}"})
        self.case = case
        self.expires_at = expires_at


def live_memberships() -> QuerySet[Membership]:
    """Memberships whose expiry, if they have one, is still ahead."""
    return Membership.objects.filter(Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now()))


def role_in(user: Any, case: Case) -> str | None:
    """The user's role in the case now; None without one, or once it has expired."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    membership = live_memberships().filter(case=case, user=user).only("role").first()
    return membership.role if membership else None


def cases_for_user(user: Any) -> QuerySet[Case]:
    now = timezone.now()
    # One filter() call, so that both conditions hold for the same membership row.
    return Case.objects.filter(
        Q(memberships__expires_at__isnull=True) | Q(memberships__expires_at__gt=now),
        memberships__user=user,
    ).order_by("code")


def access_case_by_code(user: Any, code: str) -> tuple[Case, str]:
    """The case and the user's role in it; 404 for a case the user may not know exists, and
    `MembershipExpired` (403) for a member whose access has ended."""
    case = Case.objects.filter(code=code).first()
    if case is None:
        raise Http404(f"No case {code!r}")
    role = role_in(user, case)
    if role is None:
        ended = expired_membership(user, case)
        if ended is not None:
            raise MembershipExpired(case, ended.expires_at)
        raise Http404(f"No case {code!r}")
    if role in TWO_FACTOR_ROLES and not _second_factor_ok(user):
        # The sign-in middleware sends such a user to the second step first; this keeps the
        # rule where the reads are, should a page ever be reached another way.
        raise NotPermitted(_("role %(role)s in case %(case)s needs a sign-in with two factors")
                           % {"role": role, "case": case.code})
    return case, role


def expired_membership(user: Any, case: Case) -> Membership | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(case=case, user=user, expires_at__lte=timezone.now()).first()


def _second_factor_ok(user: Any) -> bool:
    # A web request's user carries django-otp's `is_verified`; console users have no session
    # and hold the data directory already.
    is_verified = getattr(user, "is_verified", None)
    return is_verified is None or bool(is_verified())


def needs_two_factor(user: Any) -> bool:
    """Whether the user holds, in any case, a role that sees protected fields (or administers
    the site), and so must sign in with two factors."""
    if user is None or not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "is_superuser", False) or getattr(user, "is_staff", False):
        return True
    return live_memberships().filter(user=user, role__in=TWO_FACTOR_ROLES).exists()


def require_role(user: Any, case: Case, allowed: frozenset[str], doing: str) -> str:
    """The user's role, or `NotPermitted` naming what they tried to do.

    `doing` is English, marked where it is written with `gettext_noop` ("create persons"), and
    translated here; a phrase already translated there passes through as it is.
    """
    if user is None:
        raise NotPermitted(_("%(doing)s in case %(case)s needs a user with a role in it "
                             "(commands: --user NAME)")
                           % {"doing": _phrase(doing), "case": case.code})
    role = role_in(user, case)
    if role not in allowed:
        who = getattr(user, "username", "") or _("anonymous")
        raise NotPermitted(_("%(user)s may not %(doing)s in case %(case)s (role: %(role)s)")
                           % {"user": who, "doing": _phrase(doing), "case": case.code,
                              "role": role or pgettext("role", "none")})
    return role


def _phrase(text: str) -> str:
    # gettext("") would be the catalogue's header.
    return _(text) if text else text


def can_view_protected(user: Any, case: Case) -> bool:
    return role_in(user, case) in PROTECTED_ROLES
