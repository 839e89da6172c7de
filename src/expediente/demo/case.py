"""The in-memory shape of a generated demo case: plain dataclasses and column lists."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Size = Literal["small", "large"]

SYNTHETIC_NOTE = "SINTÉTICO / SYNTHETIC"


@dataclass(frozen=True)
class Table:
    """A table as a header and rows of already formatted cell strings (empty string = no value)."""

    header: tuple[str, ...]
    rows: list[tuple[str, ...]] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.rows)

    def column(self, name: str) -> list[str]:
        """Return the values of one column, by header name."""
        index = self.header.index(name)
        return [row[index] for row in self.rows]

    def records(self) -> list[dict[str, str]]:
        """Return the rows as dictionaries keyed by header name."""
        return [dict(zip(self.header, row, strict=True)) for row in self.rows]


@dataclass(frozen=True)
class SourceSpec:
    """A case source as it appears in `sources.csv`."""

    code: str
    name: str
    kind: str
    reliability: str
    description: str
    raw_headers: bool = False


@dataclass(frozen=True)
class SourceData:
    """What one source contributes: its victim list, acts and testimonies (tables may be empty).

    Sources with `raw_headers` ship one victim list whose columns and values are raw (Spanish
    headers, raw values) together with `mapping`, the content of `mappings/<code>.yaml`; their
    acts are carried as act columns of the victim list (one act per row).
    """

    spec: SourceSpec
    victims: Table
    acts: Table
    testimonies: Table
    mapping: dict[str, Any] | None = None


@dataclass(frozen=True)
class Truth:
    """Ground truth: who every record really is and which unit really acted."""

    persons: Table  # every true victim, documented or not
    records: Table  # source_id, kind, record_id, true_person_id
    acts: Table  # source_id, record_id, true_act_id, true_unit_code, ...
    true_acts: Table  # every true act, documented or not
    summary: dict[str, Any]


@dataclass(frozen=True)
class DemoCase:
    """A complete synthetic demo case, ready to be written with `write_demo_case`."""

    seed: int
    size: Size
    structure: dict[str, Any]  # the content of structure.json
    sources: list[SourceData]
    truth: Truth

    @property
    def act_record_count(self) -> int:
        """Number of act records over all sources (acts files plus acts carried by raw lists)."""
        return len(self.truth.acts)
