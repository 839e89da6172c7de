"""`ProtectedTextField`: a model field encrypted at rest, each value bound to its row.

Python code sees plain strings; the database sees `keyid:ciphertext`, sealed with the table,
the column and the row's `uid` as associated data (`cipher.row_binding`). The row is known at
both ends: writing goes through `pre_save`, which has the instance (`save`, `create` and
`bulk_create` all call it), and reading is lazy — `from_db_value` keeps the stored form as a
`Sealed` value and the attribute decrypts it, with the instance's `uid`, on first access. A
value copied onto another row therefore fails to decrypt there instead of reading as the first
row's.

What follows from that:
- `values()` / `values_list()` of a protected field give `Sealed` values, which refuse to turn
  into text: read model instances (`.only(...)` keeps it cheap).
- `QuerySet.update()` and `bulk_update()` of a protected field are refused (they have no row).
- A model with a protected field needs a `uid` field set before the first save (the case
  records have one); a model without one gets its values bound to table and column only, and
  a warning from the system checks.
- The field cannot be filtered on: exact lookups go through a blind-index column set by the
  service that writes the record (see `expediente_web.protection.cipher.blind_index`).
"""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.db.models.query_utils import DeferredAttribute

from expediente_web.protection.cipher import decrypt, encrypt, row_binding

#: The field a protected value's row is identified by.
ROW_FIELD = "uid"


class Sealed:
    """A stored protected value not decrypted yet (it needs its row to be)."""

    __slots__ = ("stored",)

    def __init__(self, stored: str) -> None:
        self.stored = stored

    def __repr__(self) -> str:
        return "<protected value, sealed>"

    def __str__(self) -> str:
        raise TypeError(
            "A protected value read without its row (values()/values_list()) cannot be "
            "decrypted: read model instances instead"
        )

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Sealed) and other.stored == self.stored

    def __hash__(self) -> int:
        return hash(self.stored)


class ProtectedAttribute(DeferredAttribute):
    """Decrypts the stored value on first access, with the instance it belongs to."""

    field: ProtectedTextField

    def __get__(self, instance: Any, cls: Any = None) -> Any:
        if instance is None:
            return self
        value = super().__get__(instance, cls)
        if isinstance(value, Sealed):
            value = decrypt(value.stored, bound_to=self.field.binding(instance))
            instance.__dict__[self.field.attname] = value
        return value

    def __set__(self, instance: Any, value: Any) -> None:
        instance.__dict__[self.field.attname] = value


class ProtectedTextField(models.TextField):
    description = "Text encrypted at rest with the active key of the key ring, bound to its row"
    descriptor_class = ProtectedAttribute

    def binding(self, instance: Any) -> bytes:
        """The associated data of this field's value on `instance`."""
        model = type(instance)
        row = getattr(instance, ROW_FIELD, "") if _has_row_field(model) else ""
        if _has_row_field(model) and not row:
            raise ValueError(
                f"{model._meta.label} needs its {ROW_FIELD} before a protected "
                "value is written or read"
            )
        return row_binding(model._meta.db_table, self.column, row)

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        if value is None or value == "":
            return ""
        return Sealed(value)

    def pre_save(self, model_instance: Any, add: bool) -> Any:
        if self.attname in model_instance.__dict__:
            value = model_instance.__dict__[self.attname]
        else:  # deferred and saved by name: load it first, never write it empty
            value = getattr(model_instance, self.attname)
        if isinstance(value, Sealed) or value is None or value == "":
            return value  # still as stored (never read, so never changed), or empty
        return Sealed(encrypt(str(value), bound_to=self.binding(model_instance)))

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, Sealed):
            return value.stored
        value = super().get_prep_value(value)
        if value is None or value == "":
            return ""
        raise ValueError(
            f"A protected value ({self.model._meta.label}.{self.name}) is written only through "
            "a model instance (save, create, bulk_create), which binds it to its row; it "
            "cannot be written by update() or bulk_update(), nor looked up"
        )

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name not in ("exact", "isnull"):
            return None
        return super().get_lookup(lookup_name)

    def check(self, **kwargs: Any) -> list[checks.CheckMessage]:
        found = super().check(**kwargs)
        model = getattr(self, "model", None)
        if model is not None and not model._meta.abstract and not _has_row_field(model):
            found.append(
                checks.Warning(
                    f"{model._meta.label}.{self.name} is protected but {model._meta.label} has no "
                    f"`{ROW_FIELD}` field: its values are bound to their table and column, not to "
                    "their row, so one row's value copied onto another row of the table still "
                    "decrypts there.",
                    hint="Add `uid = models.UUIDField(default=uuid.uuid4, unique=True, "
                    "editable=False)` to the model.",
                    obj=self,
                    id="expediente.W001",
                )
            )
        return found


def _has_row_field(model: type[models.Model]) -> bool:
    try:
        model._meta.get_field(ROW_FIELD)
    except FieldDoesNotExist:
        return False
    return True
