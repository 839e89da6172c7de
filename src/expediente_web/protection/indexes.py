"""Which blind-index columns exist and what each one indexes.

A blind index cannot be recomputed from itself: rotating the index key recomputes every index
from the decrypted protected values of its row, so the rule of each index column is written
down here, once. The services that write the records compute the same thing
(`records.actions._set_indexes`, `intake.writer`); a test holds them to it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from expediente_web.protection.cipher import blind_index
from expediente_web.protection.keyring import KeyRing


def search_name(values: Mapping[str, str]) -> str:
    """The name a person is indexed under: the full name, else the name parts joined."""
    parts = (values.get("given_names"), values.get("first_surname"), values.get("second_surname"))
    return values.get("full_name") or " ".join(p for p in parts if p)


@dataclass(frozen=True)
class BlindIndexColumn:
    model: str  # app_label.model_name
    field: str  # the index column's field
    kind: str  # the index space (`blind_index(kind, …)`)
    text: Callable[[Mapping[str, str]], str]  # what is indexed, from the row's protected values

    def value(self, values: Mapping[str, str], ring: KeyRing) -> str:
        text = self.text(values)
        return blind_index(self.kind, text, ring) if text else ""


BLIND_INDEXES: tuple[BlindIndexColumn, ...] = (
    BlindIndexColumn(
        "records.person", "id_number_index", "id_number", lambda v: v.get("id_number") or ""
    ),
    BlindIndexColumn("records.person", "name_index", "name", search_name),
)


def index_columns(model_label: str) -> list[BlindIndexColumn]:
    return [c for c in BLIND_INDEXES if c.model == model_label]
