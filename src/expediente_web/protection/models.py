"""What the database keeps about the key ring: a check value of every key, never a key.

A check value lets a process prove that the key ring it was given is the one this database was
written with before it reads or writes anything (`expediente_web.protection.key_check`). For a
data key it is an AES-256-GCM tag of a fixed label under that key; for an index key an
HMAC-SHA256 of a fixed label. Neither says anything about the key without it.
"""

from __future__ import annotations

from django.db import models

DATA = "data"
INDEX = "index"


class KeyCheck(models.Model):
    """The check value of one key of the key ring, by kind (data or index) and id."""

    kind = models.CharField(max_length=8, choices=((DATA, "data key"), (INDEX, "index key")))
    key_id = models.CharField(max_length=32)
    check_value = models.CharField(max_length=128)
    # Index keys only: the key every stored blind index is computed with (exactly one).
    in_use = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = (
            models.UniqueConstraint(fields=["kind", "key_id"], name="one_check_per_key"),
        )

    def __str__(self) -> str:
        return f"{self.kind} key {self.key_id}"
