"""Turning the errors a user can cause into a clear message and an exit code, never a traceback.

Shared by the case commands: `with user_errors(): …` around the work. Opening the database, a
case and the acting user is in `cli.opening`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

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
