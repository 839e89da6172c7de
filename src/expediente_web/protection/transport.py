"""What a PostgreSQL database must be reached over: TLS, unless it is on this machine.

The embedded SQLite database sits in the data directory, beside the sealed key ring. A
PostgreSQL server is elsewhere: its free text (narratives, quotes, comments) crosses the network
and rests on its disks, which Expediente does not encrypt (decision record 1102). So a
connection to another host must ask for TLS (`sslmode=require`, `verify-ca` or `verify-full`,
`?sslmode=verify-full` in DATABASE_URL); a unix socket or the loopback address needs none.
Encrypted storage on the server is a deployment requirement, documented, not checked.

This module does not import Django: the checks and the key ring's start-up call it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

TLS_MODES = ("require", "verify-ca", "verify-full")
LOCAL_HOSTS = ("", "localhost", "127.0.0.1", "::1")


def transport_problem(db: Mapping[str, Any]) -> str:
    """Why the connection `db` (a Django DATABASES entry) is refused ("" when it is not)."""
    if "postgresql" not in str(db.get("ENGINE", "")):
        return ""
    host = str(db.get("HOST") or "")
    if host in LOCAL_HOSTS or host.startswith("/"):
        return ""
    mode = str((db.get("OPTIONS") or {}).get("sslmode") or "prefer")
    if mode in TLS_MODES:
        return ""
    return (f"The PostgreSQL database on {host} is reached with sslmode={mode}: case data would "
            "cross the network in clear. Add ?sslmode=verify-full (or require) to DATABASE_URL, "
            "or connect through a unix socket or localhost")
