"""`expediente user`: create logins and give them roles in cases."""

from __future__ import annotations

import click

from expediente_web.cli.failures import (
    Refused,
    acting_user,
    find_case,
    open_database,
    user_errors,
)
from expediente_web.cli.setup import actor_option, data_dir_option

ROLE_NAMES = ("owner", "analyst", "documenter", "reviewer", "viewer")


def _role_id(role: str) -> str:
    return role if role.startswith("role.") else f"role.{role}"


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
def create(name: str, password: str | None, no_login: bool, role: str | None,
           case_code: str | None, username: str | None) -> None:
    """Create user NAME, optionally with a ROLE in CASE."""
    if (role is None) != (case_code is None):
        raise click.UsageError("--role and --case go together")
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
                do_set_membership(actor, case, user, _role_id(role))
    click.echo(f"Created user {name}" + (f" as {role} in {case_code}" if role else ""))


@command.command(name="grant")
@data_dir_option
@actor_option
@click.argument("name")
@click.option("--role", type=click.Choice(ROLE_NAMES), required=True)
@click.option("--case", "case_code", required=True)
def grant(name: str, role: str, case_code: str, username: str | None) -> None:
    """Give existing user NAME a ROLE in CASE (or change the role they have)."""
    with user_errors():
        open_database()
        from django.contrib.auth import get_user_model

        from expediente_web.cases.actions import do_set_membership

        actor = acting_user(username)
        case = find_case(case_code)
        user = get_user_model().objects.filter(username=name).first()
        if user is None:
            raise Refused(f"No user {name!r}")
        do_set_membership(actor, case, user, _role_id(role))
    click.echo(f"{name} is now {role} in {case_code}")


@command.command(name="list")
@data_dir_option
def list_users() -> None:
    """List users and their roles."""
    with user_errors():
        open_database()
        from django.contrib.auth import get_user_model

        from expediente_web.cases.models import Membership

        roles: dict[int, list[str]] = {}
        for m in Membership.objects.select_related("case").order_by("case__code"):
            roles.setdefault(m.user_id, []).append(f"{m.role.removeprefix('role.')} in "
                                                   f"{m.case.code}")
        for user in get_user_model().objects.order_by("username"):
            click.echo(f"{user.username}\t{', '.join(roles.get(user.pk, [])) or '-'}")
