"""API token strings: made from 32 random bytes, stored as their SHA-256, recognised by a prefix.

`exp_` and 43 URL-safe characters. The first `PREFIX_LENGTH` characters are kept in clear to name
the token in lists ("exp_k3Qz9TxA…"); 8 random characters of 6 bits tell it apart from the others
without helping anyone guess the rest.
"""

from __future__ import annotations

import hashlib
import secrets

MARK = "exp_"
PREFIX_LENGTH = len(MARK) + 8


def new_token() -> str:
    return MARK + secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The stored form of a token: its SHA-256 in hex."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def prefix(token: str) -> str:
    return token[:PREFIX_LENGTH]


def looks_like_token(value: str) -> bool:
    return value.startswith(MARK) and 20 < len(value) < 200
