"""Typed readers for the environment, failing loudly on values they cannot use.

Every setting Expediente reads from the environment goes through one of these, so that a typo in
a deployment shows up at start-up with the variable's name rather than as odd behaviour later.
"""

from __future__ import annotations

import os
from pathlib import Path


class ConfigError(Exception):
    """An environment variable holds a value Expediente cannot use."""


def env_str(name: str, default: str = "") -> str:
    """A string setting; `NAME_FILE` (a path) is read instead when set, for container secrets."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in ("1", "true", "yes", "on"):
        return True
    if raw.lower() in ("0", "false", "no", "off"):
        return False
    raise ConfigError(f"Unexpected value {name}={raw!r}: use true or false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ConfigError(f"Unexpected value {name}={raw!r}: a whole number is needed") from None


def data_dir() -> Path:
    """The data directory: the SQLite file, the evidence store and (by default) the key file."""
    return Path(env_str("EXPEDIENTE_DATA_DIR", "data")).expanduser().resolve()
