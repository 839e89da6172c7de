"""Turning the errors a user can cause into a clear message and an exit code, never a traceback.

Shared by the case commands: `with user_errors(): …` around the work, and `acting_user(name)` to
find the user named by `--user`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import click

from expediente.cli.language import say
from expediente_web.cli.setup import EXIT_BAD_INPUT, EXIT_NOT_PERMITTED


class Refused(click.ClickException):
    """A click error with an exit code of our choosing."""

    def __init__(self, message: str, exit_code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.exit_code = exit_code


@contextlib.contextmanager
def user_errors() -> Iterator[None]:
    """Map validation, permission, key ring and configuration errors onto exit codes 2 and 3."""
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.http import Http404

    from expediente_web.config import ConfigError
    from expediente_web.protection.keyring import KeyRingError

    try:
        yield
    except PermissionDenied as exc:
        refused = say("Not permitted", "No permitido")
        raise Refused(f"{refused}: {exc}", EXIT_NOT_PERMITTED) from None
    except ValidationError as exc:
        invalid = say("Invalid input", "Dato no válido")
        raise Refused(f"{invalid} — {exc}" if str(exc) else invalid) from None
    except (KeyRingError, ConfigError, Http404) as exc:
        raise Refused(str(exc)) from None


def acting_user(username: str | None) -> Any:
    """The user named by `--user`, or None (the operator) when none was given."""
    if not username:
        return None
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.filter(username=username).first()
    if user is None:
        raise Refused(f"No user {username!r}: create one with `expediente user create {username}`")
    if not user.is_active:
        raise Refused(f"User {username!r} is deactivated", EXIT_NOT_PERMITTED)
    return user


def find_case(code: str) -> Any:
    """The case with this code, or a clear error."""
    from expediente_web.cases.models import Case

    case = Case.objects.filter(code=code).first()
    if case is None:
        known = ", ".join(Case.objects.order_by("code").values_list("code", flat=True)[:20])
        raise Refused(f"No case {code!r}" + (f" (cases: {known})" if known else " (no cases yet)"))
    return case


def ensure_ready() -> None:
    """Refuse to work on a database that `expediente init` has not set up (or not migrated)."""
    from pathlib import Path

    from django.db import DEFAULT_DB_ALIAS, connections
    from django.db.migrations.executor import MigrationExecutor

    connection = connections[DEFAULT_DB_ALIAS]
    name = str(connection.settings_dict["NAME"])
    in_memory = ":memory:" in name or "mode=memory" in name
    if connection.vendor == "sqlite" and not in_memory and not Path(name).exists():
        # Opening it would create an empty file: say what to do instead.
        raise Refused(f"No database at {name}: run `expediente init` first (or pass --data-dir)")
    try:
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except Exception as exc:  # a database that cannot be reached: say so, not a traceback
        raise Refused(f"Cannot open the database: {exc}") from None
    if pending:
        raise Refused(f"The database needs {len(pending)} migrations: run `expediente init`")


def open_database() -> None:
    """Set Django up and refuse, with a message, a database that is not ready."""
    from expediente_web.cli.setup import setup_django

    setup_django()
    ensure_ready()


def open_case(case_code: str, username: str | None) -> tuple[Any, Any]:
    """The case and the acting user (None: the operator), once the database is open."""
    return find_case(case_code), acting_user(username)
