"""Django's SQLite backend on SQLCipher: every connection is opened with the key ring's
database key before anything else runs on it (`keyed.connect`).

Everything else is Django's `sqlite3` backend (its functions, converters, WAL and IMMEDIATE
options from the settings): only the driver module and the first steps of a connection differ.
"""

from __future__ import annotations

import datetime
import decimal
import os
from collections.abc import Mapping
from itertools import tee
from pathlib import Path
from typing import Any

from django.db.backends.sqlite3 import base as sqlite_base
from django.db.backends.sqlite3._functions import register as register_functions
from django.utils.asyncio import async_unsafe

from expediente_web.protection.keyring import KeyRing
from expediente_web.protection.sqlcipher_backend.keyed import Database, connect

# The converters and adapters Django registers on the standard library's module, on this one.
Database.register_converter("bool", b"1".__eq__)
Database.register_converter("date", sqlite_base.decoder(sqlite_base.parse_date))
Database.register_converter("time", sqlite_base.decoder(sqlite_base.parse_time))
Database.register_converter("datetime", sqlite_base.decoder(sqlite_base.parse_datetime))
Database.register_converter("timestamp", sqlite_base.decoder(sqlite_base.parse_datetime))
Database.register_adapter(decimal.Decimal, str)
Database.register_adapter(datetime.date, sqlite_base.adapt_date)
Database.register_adapter(datetime.datetime, sqlite_base.adapt_datetime)


def configured_ring() -> KeyRing | None:
    """The configured key ring, unlocked once per process; None when there is none at all."""
    from django.conf import settings

    from expediente_web.protection.cipher import configured_keyring

    if not os.environ.get("EXPEDIENTE_KEYS") and not Path(settings.EXPEDIENTE_KEY_FILE).exists():
        return None
    return configured_keyring()


class DatabaseWrapper(sqlite_base.DatabaseWrapper):
    Database = Database
    display_name = "SQLite (SQLCipher)"

    #: The key that opened the current connection (None: a plain database).
    db_key_in_use: bytes | None = None

    @async_unsafe
    def get_new_connection(self, conn_params: dict[str, Any]) -> Any:
        params = dict(conn_params)
        name = str(params.pop("database"))
        conn, self.db_key_in_use = connect(name, configured_ring, **params)
        register_functions(conn)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA legacy_alter_table = OFF")
        for init_command in self.init_commands:
            if init_command := init_command.strip():
                conn.execute(init_command)
        return conn

    def create_cursor(self, name: str | None = None) -> Any:
        return self.connection.cursor(factory=CursorWrapper)


class CursorWrapper(Database.Cursor):  # type: ignore[misc,name-defined]
    """Django's `SQLiteCursorWrapper` (format and pyformat parameters) on this driver's cursor."""

    def execute(self, query: str, params: Any = None) -> Any:
        if params is None:
            return super().execute(query)
        param_names = list(params) if isinstance(params, Mapping) else None
        return super().execute(self.convert_query(query, param_names=param_names), params)

    def executemany(self, query: str, param_list: Any) -> Any:
        peekable, param_list = tee(iter(param_list))
        if (params := next(peekable, None)) and isinstance(params, Mapping):
            param_names = list(params)
        else:
            param_names = None
        return super().executemany(self.convert_query(query, param_names=param_names), param_list)

    convert_query = sqlite_base.SQLiteCursorWrapper.convert_query
