"""`expediente user`: create logins, set their passwords, give and take roles in cases."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

import click

from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import acting_user, find_case, open_database
from expediente_web.cli.setup import actor_option, data_dir_option

ROLE_NAMES = ("owner", "analyst", "documenter", "reviewer", "viewer", "partner")


def _role_id(role: str) -> str:
    return role if role.startswith("role.") else f"role.{role}"


def _until(value: str | None) -> Any:
    """`--until YYYY-MM-DD`: the role lasts through that day (UTC) and ends when it ends."""
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date YYYY-MM-DD",
                                 param_hint="--until") from None
    from django.utils import timezone

    return timezone.make_aware(datetime.combine(day + timedelta(days=1), time.min))


until_option = click.option(
    "--until", "until", default=None, metavar="YYYY-MM-DD",
    help="The role ends by itself after this day (required for partners).")


@click.group(name="user")
def command() -> None:
    """Users (logins) and their roles in cases."""


@command.command(name="create")
@data_dir_option
@actor_option
@click.argument("name")
@click.option("--password", default=None,
              help="Password (omit to be asked; --no-login for an account without one).")
@click.option("--no-login", is_flag=True, help="Create the account without a password.")
@click.option("--role", type=click.Choice(ROLE_NAMES), default=None,
              help="Give the user this role in --case.")
@click.option("--case", "case_code", default=None, help="Case code for --role.")
@until_option
def create(name: str, password: str | None, no_login: bool, role: str | None,
           case_code: str | None, until: str | None, username: str | None) -> None:
    """Create user NAME, optionally with a ROLE in CASE."""
    if (role is None) != (case_code is None):
        raise click.UsageError("--role and --case go together")
    expires_at = _until(until)
    if password is None and not no_login:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True,
                                err=True)
    with user_errors():
        open_database()
        from django.db import transaction

        from expediente_web.cases.actions import do_create_user, do_set_membership

        actor = acting_user(username)
        case = find_case(case_code) if case_code else None
        with transaction.atomic():
            user = do_create_user(actor, name, None if no_login else password)
            if case is not None and role is not None:
                do_set_membership(actor, case, user, _role_id(role), expires_at=expires_at)
    click.echo(f"Created user {name}" + (f" as {role} in {case_code}" if role else "")
               + (f" until {until}" if until and role else ""))


@command.command(name="grant")
@data_dir_option
@actor_option
@click.argument("name")
@click.option("--role", type=click.Choice(ROLE_NAMES), required=True)
@click.option("--case", "case_code", required=True)
@until_option
def grant(name: str, role: str, case_code: str, until: str | None,
          username: str | None) -> None:
    """Give existing user NAME a ROLE in CASE (or change the role they have)."""
    expires_at = _until(until)
    with user_errors():
        open_database()
        from django.contrib.auth import get_user_model

        from expediente_web.cases.actions import do_set_membership

        actor = acting_user(username)
        case = find_case(case_code)
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise Refused(f"No user {name!r}")
        do_set_membership(actor, case, user, _role_id(role), expires_at=expires_at)
    click.echo(f"{name} is now {role} in {case_code}" + (f" until {until}" if until else ""))


@command.command(name="revoke")
@data_dir_option
@actor_option
@click.argument("name")
@click.option("--case", "case_code", required=True)
def revoke(name: str, case_code: str, username: str | None) -> None:
    """Take away user NAME's role in CASE (a case always keeps one owner)."""
    with user_errors():
        open_database()
        from expediente_web.cases.actions import do_revoke_membership

        actor = acting_user(username)
        case = find_case(case_code)
        do_revoke_membership(actor, case, _find_user(name))
    click.echo(f"{name} no longer has a role in {case_code}")


@command.command(name="password")
@data_dir_option
@click.argument("name")
@click.option("--password", default=None, help="The new password (omit to be asked).")
def password(name: str, password: str | None) -> None:
    """Set user NAME's password (checked against the password rules)."""
    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True,
                                err=True)
    with user_errors():
        open_database()
        from expediente_web.accounts.actions import do_set_password

        do_set_password(None, _find_user(name), password)
    click.echo(f"Password of {name} set")


def _find_user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise Refused(f"No user {name!r}")
    return user


@command.command(name="list")
@data_dir_option
def list_users() -> None:
    """List users and their roles."""
    with user_errors():
        open_database()
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from expediente_web.cases.models import Membership

        now = timezone.now()
        roles: dict[int, list[str]] = {}
        for m in Membership.objects.select_related("case").order_by("case__code"):
            until = ""
            if m.expires_at is not None:
                last_day = (m.expires_at - timedelta(microseconds=1)).date()
                until = f" until {last_day}" + (" (ended)" if m.expires_at <= now else "")
            roles.setdefault(m.user_id, []).append(f"{m.role.removeprefix('role.')} in "
                                                   f"{m.case.code}{until}")
        for user in get_user_model().objects.order_by("username"):
            click.echo(f"{user.username}\t{', '.join(roles.get(user.pk, [])) or '-'}")
