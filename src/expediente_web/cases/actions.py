"""Writes to cases, memberships, sources and user accounts: checked, transactional, audited.

`actor` is the Django user on whose behalf a service acts. Console commands run without a user
pass `None`, the operator, who may create cases, users and memberships (they hold the data
directory and the key file already); every other write needs a user with a role in the case.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.audit.record import changes, record_write
from expediente_web.cases.access import (
    EXPIRY_REQUIRED_ROLES,
    MANAGE_ROLES,
    WRITE_ROLES,
    require_role,
)
from expediente_web.cases.models import ROLES, Case, Membership, Source
from expediente_web.cases.validation import (
    InvalidInput,
    check_length,
    check_required,
    check_term,
    period_fields,
)

#: The login-less account that imported comments point to (see `intake.extras`).
RESERVED_USERNAME = "(imported)"


def do_create_user(actor: Any, username: str, password: str | None = None, *,
                   email: str = "") -> Any:
    """A login; without a password the account cannot log in until one is set."""
    if actor is not None and not getattr(actor, "is_superuser", False):
        raise InvalidInput("actor", _("only the operator or an administrator may create users"))
    check_required("username", username)
    check_length("username", username, 150)
    if username == RESERVED_USERNAME:
        raise InvalidInput("username", _("%(username)s is reserved for the authors of imported "
                                         "comments, who are kept as text, never as accounts")
                           % {"username": repr(username)})
    user_model = get_user_model()
    with transaction.atomic():
        if user_model.objects.filter(username=username).exists():
            raise InvalidInput("username", _("a user %(username)s already exists")
                               % {"username": repr(username)})
        user = user_model(username=username, email=email)
        if password:
            try:
                validate_password(password, user)
            except ValidationError as exc:
                raise InvalidInput("password", " ".join(exc.messages)) from None
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        # The password is never recorded, not even hashed.
        record_write(actor, "create_user", user, {"username": username,
                                                  "has_password": bool(password)})
    return user


def do_create_case(actor: Any, code: str, title: str, *, country: str = "", period: str = "",
                   description: str = "") -> Case:
    """A new case; the actor (when a user) becomes its owner."""
    check_required("code", code)
    if slugify(code) != code.lower() or len(code) > 64:
        raise InvalidInput("code", _("%(code)s must be letters, digits, - or _ (at most 64)")
                           % {"code": repr(code)})
    check_required("title", title)
    check_length("title", title, 300)
    if period:
        period_fields("period", period)
    with transaction.atomic():
        if Case.objects.filter(code=code).exists():
            raise InvalidInput("code", _("a case %(code)s already exists") % {"code": repr(code)})
        case = Case.objects.create(code=code, title=title, country=country, period=period,
                                   description=description)
        payload = changes(case, ["code", "title", "country", "period", "description"])
        if actor is not None:
            Membership.objects.create(case=case, user=actor, role="role.owner")
            payload["owner"] = actor.username
        record_write(actor, "create_case", case, payload, case_code=case.code)
    return case


def check_membership(role: str, expires_at: Any) -> None:
    """A role that exists, and an expiry that lies ahead (required for partners)."""
    if role not in ROLES:
        raise InvalidInput("role", _("%(role)s is not one of %(roles)s")
                           % {"role": repr(role), "roles": ", ".join(ROLES)})
    if expires_at is None:
        if role in EXPIRY_REQUIRED_ROLES:
            raise InvalidInput("expires_at", _("a %(role)s needs an expiry date: access ends by "
                                               "itself then")
                               % {"role": role.removeprefix("role.")})
        return
    if timezone.is_naive(expires_at):
        raise InvalidInput("expires_at", _("the expiry needs a time zone"))
    if expires_at <= timezone.now():
        raise InvalidInput("expires_at", _("%(moment)s UTC has already passed")
                           % {"moment": f"{expires_at:%Y-%m-%d %H:%M}"})
    if role == "role.owner":
        raise InvalidInput("expires_at", _("an owner's role does not expire"))


def _is_last_owner(case: Case, membership: Membership) -> bool:
    if membership.role != "role.owner":
        return False
    # Lock every owner row, so that two owners demoting each other at once cannot both pass.
    owners = Membership.objects.select_for_update().filter(case=case, role="role.owner")
    return [pk for pk in owners.values_list("pk", flat=True) if pk != membership.pk] == []


def do_set_membership(actor: Any, case: Case, user: Any, role: str, *,
                      expires_at: Any = None) -> Membership:
    """Give `user` a role in `case`, or change the role they have (owners only).

    `expires_at` (an aware datetime) ends the role by itself at that moment; partners need one.
    A case always keeps an owner: the last one cannot be given another role.
    """
    check_membership(role, expires_at)
    with transaction.atomic():
        if actor is not None:
            require_role(actor, case, MANAGE_ROLES, gettext_noop("manage memberships"))
        membership = Membership.objects.select_for_update().filter(case=case, user=user).first()
        previous = membership.role if membership else None
        previous_expiry = membership.expires_at if membership else None
        if membership is None:
            membership = Membership.objects.create(case=case, user=user, role=role,
                                                   expires_at=expires_at)
            action = "add_membership"
        else:
            if role != "role.owner" and _is_last_owner(case, membership):
                raise InvalidInput("role", _("%(user)s is the last owner of %(case)s")
                                   % {"user": user.username, "case": case.code})
            membership.role = role
            membership.expires_at = expires_at
            membership.save(update_fields=["role", "expires_at"])
            action = "change_membership"
        record_write(actor, action, membership,
                     {"user": user.username, "role": role, "previous_role": previous,
                      "expires_at": _iso(expires_at), "previous_expires_at": _iso(previous_expiry)},
                     case_code=case.code)
    return membership


def do_revoke_membership(actor: Any, case: Case, user: Any) -> None:
    """Take away `user`'s role in `case` (owners only; never the last owner's)."""
    with transaction.atomic():
        if actor is not None:
            require_role(actor, case, MANAGE_ROLES, gettext_noop("manage memberships"))
        membership = Membership.objects.select_for_update().filter(case=case, user=user).first()
        if membership is None:
            raise InvalidInput("user", _("%(user)s has no role in %(case)s")
                               % {"user": user.username, "case": case.code})
        if _is_last_owner(case, membership):
            raise InvalidInput("user", _("%(user)s is the last owner of %(case)s")
                               % {"user": user.username, "case": case.code})
        record_write(actor, "revoke_membership", membership,
                     {"user": user.username, "previous_role": membership.role,
                      "previous_expires_at": _iso(membership.expires_at)},
                     case_code=case.code)
        membership.delete()


def _iso(moment: Any) -> str | None:
    return moment.isoformat() if moment is not None else None


def do_create_source(actor: Any, case: Case, code: str, name: str, kind: str, *,
                     reliability: str = "reliability.unknown", description: str = "") -> Source:
    """A source of the case: an NGO list, a hearing, an interview, press, an official record."""
    check_required("code", code)
    check_length("code", code, 64)
    check_required("name", name)
    check_term("kind", "source_kinds", kind, required=True)
    check_term("reliability", "reliability", reliability, required=True)
    with transaction.atomic():
        require_role(actor, case, WRITE_ROLES, gettext_noop("create sources"))
        if Source.objects.filter(case=case, code=code).exists():
            raise InvalidInput("code", _("case %(case)s already has a source %(code)s")
                               % {"case": case.code, "code": repr(code)})
        source = Source.objects.create(case=case, code=code, name=name, kind=kind,
                                       reliability=reliability, description=description)
        record_write(actor, "create_source", source,
                     changes(source, ["code", "name", "kind", "reliability", "description"]))
    return source


def do_set_source_lineage(actor: Any, source: Source, derived_from: list[str],
                          origin: str = "") -> Source:
    """Say what a source draws on: the codes of the case's sources it copies, retells or was
    compiled from, and a shared upstream outside them (`origin`). The element matrix counts
    sources whose lineages meet as one (`expediente.legal.sources`).

    Refused: an unknown or deleted source code, the source itself, and a lineage that would
    make a source draw on itself through others.
    """
    codes = sorted({c.strip() for c in derived_from if c and c.strip()})
    origin = check_length("origin", (origin or "").strip(), 200)
    with transaction.atomic():
        require_role(actor, source.case, WRITE_ROLES, gettext_noop("change sources"))
        source = Source.objects.select_for_update().get(pk=source.pk)
        if source.deleted_at is not None:
            raise InvalidInput("source", _("%(code)s was deleted") % {"code": source.code})
        live = {s.code: s for s in Source.objects.live().filter(case=source.case)}
        for code in codes:
            if code == source.code:
                raise InvalidInput("derived_from", _("a source cannot draw on itself"))
            if code not in live:
                raise InvalidInput("derived_from", _("case %(case)s has no source %(code)s")
                                   % {"case": source.case.code, "code": repr(code)})
        _refuse_lineage_cycle(source.code, codes, live)
        before = {"derived_from": list(source.derived_from), "origin": source.origin}
        source.derived_from = codes
        source.origin = origin
        source.save(update_fields=["derived_from", "origin"])
        payload = changes(source, ["derived_from", "origin"])
        payload["before"] = before
        record_write(actor, "set_source_lineage", source, payload)
    return source


def _refuse_lineage_cycle(code: str, codes: list[str], live: dict[str, Source]) -> None:
    seen: set[str] = set()
    stack = list(codes)
    while stack:
        current = stack.pop()
        if current == code:
            raise InvalidInput("derived_from", _("%(code)s would then draw on itself through "
                                                 "the sources it draws on") % {"code": code})
        if current in seen or current not in live:
            continue
        seen.add(current)
        stack.extend(live[current].derived_from or [])
