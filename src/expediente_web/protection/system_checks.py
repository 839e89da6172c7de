"""System checks of the protection app, registered with Django's check framework."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core import checks

from expediente_web.protection.secret_key import problem


@checks.register(checks.Tags.security, deploy=True)
def secret_key_is_real(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """`check --deploy`: an error while SECRET_KEY is the placeholder or a weak key."""
    why = problem(settings.SECRET_KEY, Path(settings.DATA_DIR))
    if not why:
        return []
    return [
        checks.Error(
            why,
            hint="`expediente serve` refuses to start until this is fixed.",
            id="expediente.E001",
        )
    ]


@checks.register(checks.Tags.security, checks.Tags.database)
def database_over_tls(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """A PostgreSQL database on another host must be reached over TLS."""
    from expediente_web.protection.transport import transport_problem

    why = transport_problem(settings.DATABASES["default"])
    return [checks.Error(why, id="expediente.E002")] if why else []
