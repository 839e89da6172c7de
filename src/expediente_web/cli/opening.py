"""Opening what a case command works on: the database (set up and migrated), the case named by
`--case` and the user named by `--user`, each refused with a clear message when it is not there.
"""

from __future__ import annotations

from typing import Any

from expediente_web.cli.failures import Refused
from expediente_web.cli.setup import EXIT_NOT_PERMITTED

__all__ = ["acting_user", "ensure_ready", "find_case", "open_case", "open_database"]


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
