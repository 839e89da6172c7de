"""The web application's secret key (Django's `SECRET_KEY`): read, never made up.

The key signs sessions, password-reset links and CSRF tokens. It comes from
`EXPEDIENTE_SECRET_KEY` (or the file `EXPEDIENTE_SECRET_KEY_FILE` names), else from
`DATA_DIR/secret.key`, which `expediente init` writes. Without one, the settings hold a
placeholder — random per process, so that nothing signed with it could be forged elsewhere,
and marked, so that `expediente serve` and the WSGI application refuse to start and
`check --deploy` reports it as an error (`expediente.E001`). Commands that sign nothing
(`--help`, `init`, imports, exports) work without a key.

This module does not import Django: the settings read it.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from expediente_web.config import ConfigError, env_str

PLACEHOLDER_PREFIX = "expediente-no-secret-key:"
#: The shortest key accepted (`init` writes 67 characters).
MIN_LENGTH = 32


class SecretKeyMissing(ConfigError):
    """There is no usable secret key; the message says where one is looked for."""


def read_secret_key(data_dir: Path) -> str:
    """The configured secret key, or "" when there is none."""
    key = env_str("EXPEDIENTE_SECRET_KEY")
    if key:
        return key.strip()
    path = data_dir / "secret.key"
    if path.exists():
        return path.read_text(encoding="utf-8").strip()
    return ""


def placeholder() -> str:
    return PLACEHOLDER_PREFIX + secrets.token_urlsafe(40)


def settings_value(data_dir: Path) -> str:
    """What the settings hold as SECRET_KEY: the key, else a marked placeholder."""
    return read_secret_key(data_dir) or placeholder()


def problem(key: str, data_dir: Path) -> str:
    """Why `key` is no usable secret key ("" when it is one)."""
    if not key or key.startswith(PLACEHOLDER_PREFIX):
        return (
            f"No secret key: EXPEDIENTE_SECRET_KEY(_FILE) is not set and there is no "
            f"{data_dir / 'secret.key'}. Run `expediente init` (it writes one), or set "
            "EXPEDIENTE_SECRET_KEY"
        )
    if len(key) < MIN_LENGTH or len(set(key)) < 5:
        return (
            f"The secret key is too weak ({len(key)} characters, {len(set(key))} distinct; "
            f"at least {MIN_LENGTH} random characters are needed): replace it"
        )
    return ""


def require_secret_key() -> None:
    """Refuse to serve without a usable secret key (Django must be configured).

    A key written after the settings were read (`expediente demo` runs `init` in-process) is
    taken up here.

    Raises:
        SecretKeyMissing: no usable key.
    """
    from django.conf import settings

    key = settings.SECRET_KEY
    if key.startswith(PLACEHOLDER_PREFIX):
        found = read_secret_key(Path(settings.DATA_DIR))
        if found:
            settings.SECRET_KEY = key = found
    why = problem(key, Path(settings.DATA_DIR))
    if why:
        raise SecretKeyMissing(why)
