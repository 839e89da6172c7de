"""Setting Django up for a command, and the shared options of case commands."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Any, TypeVar

import click

F = TypeVar("F", bound=Callable[..., Any])

EXIT_PROBLEM_FOUND = 1
EXIT_BAD_INPUT = 2
EXIT_NOT_PERMITTED = 3


def setup_django(migrate: bool = False) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expediente_web.settings")
    import django

    django.setup()
    # The messages of the services (a refused value, a missing role) in the command's language.
    from django.utils import translation

    from expediente.cli.language import cli_language

    translation.activate(cli_language())
    if migrate:
        from django.core.management import call_command

        call_command("migrate", verbosity=0, interactive=False)


def data_dir_option(func: F) -> F:
    """`--data-dir DIR`: sets EXPEDIENTE_DATA_DIR before Django reads its settings."""

    def remember(ctx: click.Context, param: click.Parameter, value: str | None) -> str | None:
        if value:
            os.environ["EXPEDIENTE_DATA_DIR"] = value
        return value

    return click.option(
        "--data-dir",
        type=click.Path(file_okay=False),
        envvar="EXPEDIENTE_DATA_DIR",
        expose_value=False,
        is_eager=True,
        callback=remember,
        help="Data directory (default ./data, or $EXPEDIENTE_DATA_DIR).",
    )(func)


def actor_option(func: F) -> F:
    """`--user NAME`: the person on whose behalf the command acts (recorded in the audit log)."""
    return click.option(
        "--user",
        "username",
        envvar="EXPEDIENTE_USER",
        default=None,
        help="Act as this user (default: $EXPEDIENTE_USER, else the system actor).",
    )(func)
