"""`expediente api-token`: make, list and revoke the tokens with which a user calls the REST API.

A token is printed once, on standard output alone (so that it can be piped into a secret store);
only its SHA-256 and its first characters are kept. See docs/reference/api.md.
"""

from __future__ import annotations

from typing import Any

import click

from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import acting_user, find_case, open_database
from expediente_web.cli.setup import actor_option, data_dir_option
from expediente_web.cli.user import _until, until_option


def _find_user(name: str) -> Any:
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=name).first()
    if user is None:
        raise Refused(f"No user {name!r}")
    return user


@click.group(name="api-token")
def command() -> None:
    """Tokens of the REST API: one user, one case, read or write."""


@command.command(name="create")
@data_dir_option
@actor_option
@click.argument("name")
@click.option("--case", "case_code", required=True, help="The case the token reads (or writes).")
@click.option(
    "--scope",
    type=click.Choice(["read", "write"]),
    default="read",
    show_default=True,
    help="write: also create and change records (owners, analysts, documenters).",
)
@click.option("--label", default="", help="What the token is for (shown in lists).")
@until_option
def create(
    name: str, case_code: str, scope: str, label: str, until: str | None, username: str | None
) -> None:
    """Make a token for user NAME in CASE and print it (once: it is not kept)."""
    expires_at = _until(until)
    with user_errors():
        open_database()
        from expediente_web.api.actions import do_create_api_token

        actor = acting_user(username)
        case = find_case(case_code)
        token, secret = do_create_api_token(
            actor, case, _find_user(name), scope, name=label, expires_at=expires_at
        )
    ends = f"until {token.expires_at:%Y-%m-%d %H:%M} UTC" if token.expires_at else "no expiry"
    click.echo(
        f"{scope} token {token.prefix}… for {name} in {case_code} ({ends}); it is shown only now:",
        err=True,
    )
    click.echo(secret)


@command.command(name="list")
@data_dir_option
@click.option("--case", "case_code", default=None, help="Only this case's tokens.")
@click.option("--for", "holder", default=None, metavar="NAME", help="Only this user's tokens.")
def list_tokens(case_code: str | None, holder: str | None) -> None:
    """List tokens: prefix, user, case, scope, state (no token can be read back)."""
    with user_errors():
        open_database()
        from django.utils import timezone

        from expediente_web.api.models import ApiToken

        tokens = ApiToken.objects.select_related("user", "case").order_by("case__code", "id")
        if case_code:
            tokens = tokens.filter(case=find_case(case_code))
        if holder:
            tokens = tokens.filter(user=_find_user(holder))
        now = timezone.now()
        for token in tokens:
            if token.revoked_at is not None:
                state = f"revoked {token.revoked_at:%Y-%m-%d} by {token.revoked_by}"
            elif token.expires_at is not None and token.expires_at <= now:
                state = f"expired {token.expires_at:%Y-%m-%d}"
            elif token.expires_at is not None:
                state = f"until {token.expires_at:%Y-%m-%d %H:%M}"
            else:
                state = "active"
            click.echo(
                "\t".join(
                    [
                        f"{token.prefix}…",
                        token.user.username,
                        token.case.code,
                        token.scope,
                        state,
                        token.name,
                    ]
                )
            )


@command.command(name="revoke")
@data_dir_option
@actor_option
@click.argument("prefix")
def revoke(prefix: str, username: str | None) -> None:
    """Revoke the token whose printed form starts with PREFIX (as `list` shows it)."""
    with user_errors():
        open_database()
        from expediente_web.api.actions import do_revoke_api_token
        from expediente_web.api.models import ApiToken

        wanted = prefix.rstrip("…").strip()
        if len(wanted) < 12:
            raise Refused(f"{prefix!r}: give the token's first 12 characters, as `list` shows")
        token = ApiToken.objects.filter(prefix=wanted[:12]).first()
        if token is None:
            raise Refused(f"No API token {wanted[:12]}…")
        do_revoke_api_token(acting_user(username), token)
    click.echo(f"Revoked {token.prefix}… of {token.user.username} in {token.case.code}")
