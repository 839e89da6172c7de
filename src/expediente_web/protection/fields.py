"""`ProtectedTextField`: a model field encrypted at rest.

Python code sees plain strings; the database sees `keyid:ciphertext`. The field cannot be
filtered on: exact lookups go through a blind-index column set by the service that writes the
record (see `expediente_web.protection.cipher.blind_index`).
"""

from __future__ import annotations

from typing import Any

from django.db import models

from expediente_web.protection.cipher import decrypt, encrypt


class ProtectedTextField(models.TextField):
    description = "Text encrypted at rest with the active key of the key ring"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str:
        if value is None or value == "":
            return ""
        return decrypt(value)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return ""
        return encrypt(str(value))

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ("exact", "isnull"):
            return None
        return super().get_lookup(lookup_name)
