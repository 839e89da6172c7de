"""Mapping files: how a source's own columns and values become the canonical ones.

A mapping file is YAML::

    kind: victims                # victims | acts | testimonies | sources
    encoding: cp1252             # optional, for CSV files not in UTF-8
    sheet: Víctimas              # optional, XLSX sheet name (default: the first)
    date_format: dmy             # optional: dmy (default), mdy or iso; or per field:
                                 #   {birth_date: mdy, date: dmy}
    columns:                     # raw header -> field; null ignores the column
      Nombre completo: full_name
      Cédula: id_number
      Fecha de detención: date
      Observaciones internas: null
    values:                      # per field: raw value -> term id; null = no value
      sex: {F: sex.female, M: sex.male, "?": null}
      act_type: {Detención arbitraria: act.detention.arbitrary}
    defaults:                    # per field: the value used when the cell is empty
      sex: sex.unknown

Raw values are matched exactly first, then ignoring case, accents and repeated blanks.
Values that no mapping names are still matched against the vocabulary's ids, labels and
aliases; ``dry_run`` lists the ones that remain unmatched.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from expediente.dates import DateFormat
from expediente.tables.cells import CellError, make_converter
from expediente.tables.kinds import FieldType, kind_spec
from expediente.vocabularies import VocabularySet, fold, load_vocabularies

__all__ = ["MappingError", "TableMapping", "load_mapping"]

_DATE_FORMATS = ("iso", "dmy", "mdy")
_TERM_TYPES = (FieldType.TERM, FieldType.TERMS, FieldType.TERM_OR_TEXT)


class MappingError(ValueError):
    """A mapping file that cannot be used; the message names the key at fault."""


@dataclass(frozen=True)
class TableMapping:
    """A parsed, checked mapping; :meth:`identity` for files already in canonical form."""

    kind: str
    columns: Mapping[str, str | None] = field(default_factory=dict)
    values: Mapping[str, Mapping[str, str | None]] = field(default_factory=dict)
    defaults: Mapping[str, str] = field(default_factory=dict)
    date_format: DateFormat | Mapping[str, DateFormat] = "dmy"
    encoding: str | None = None
    sheet: str | None = None
    path: str | None = None

    @classmethod
    def identity(cls, kind: str) -> TableMapping:
        """The mapping of a file whose headers are the canonical field names."""
        kind_spec(kind)
        return cls(kind=kind)

    def date_format_for(self, field_name: str) -> DateFormat:
        """The date-format hint for one field."""
        if isinstance(self.date_format, str):
            return self.date_format
        return self.date_format.get(field_name, "dmy")

    def value_map(self, field_name: str) -> dict[str, str | None]:
        """Raw value -> term id for one field, keyed both exactly and folded."""
        raw = self.values.get(field_name, {})
        out: dict[str, str | None] = {fold(k): v for k, v in raw.items()}
        out.update(raw)
        return out


def load_mapping(path: str | Path, vocabularies: VocabularySet | None = None) -> TableMapping:
    """Read and check a mapping file.

    Raises:
        MappingError: the file is not YAML, names an unknown kind, field or term, or has
            an invalid date format.
    """
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise MappingError(f"{path.name}: cannot read the mapping file: {exc}") from None
    return mapping_from_dict(data, vocabularies, source=path.name, path=str(path))


def mapping_from_dict(
    data: Any,
    vocabularies: VocabularySet | None = None,
    *,
    source: str = "mapping",
    path: str | None = None,
) -> TableMapping:
    """Build and check a mapping from parsed YAML (see :func:`load_mapping`)."""
    if not isinstance(data, Mapping):
        raise MappingError(f"{source}: the mapping must be a YAML mapping with a 'kind'")
    vocab = vocabularies or load_vocabularies()
    try:
        spec = kind_spec(str(data.get("kind")))
    except ValueError as exc:
        raise MappingError(f"{source}: kind: {exc}") from None
    names = set(spec.field_names)

    columns = _mapping_of(data, "columns", source)
    for raw, target in columns.items():
        if target is not None and target not in names:
            raise MappingError(
                f"{source}: columns: {raw!r} maps to unknown field {target!r} of kind {spec.name!r}"
            )
    values: dict[str, dict[str, str | None]] = {}
    for field_name, table in _mapping_of(data, "values", source).items():
        if field_name not in names or spec.field(field_name).type not in _TERM_TYPES:
            raise MappingError(f"{source}: values: {field_name!r} is not a vocabulary field")
        if not isinstance(table, Mapping):
            raise MappingError(f"{source}: values: {field_name!r} must map raw values to ids")
        vocabulary = spec.field(field_name).vocabulary
        checked: dict[str, str | None] = {}
        for raw, term_id in table.items():
            if term_id is not None and (
                term_id not in vocab or vocab.term(term_id).vocabulary != vocabulary
            ):
                raise MappingError(
                    f"{source}: values: {field_name}: {raw!r} maps to {term_id!r}, "
                    f"which is not a term of {vocabulary!r}"
                )
            checked[str(raw)] = term_id
        values[field_name] = checked
    defaults = {str(k): str(v) for k, v in _mapping_of(data, "defaults", source).items()}
    for field_name in defaults:
        if field_name not in names:
            raise MappingError(f"{source}: defaults: unknown field {field_name!r}")
    date_format = data.get("date_format", "dmy")
    formats = date_format.values() if isinstance(date_format, Mapping) else [date_format]
    if any(f not in _DATE_FORMATS for f in formats):
        raise MappingError(f"{source}: date_format must be one of {', '.join(_DATE_FORMATS)}")
    mapping = TableMapping(
        kind=spec.name,
        columns={str(k): (str(v) if v is not None else None) for k, v in columns.items()},
        values=values,
        defaults=defaults,
        date_format=dict(date_format) if isinstance(date_format, Mapping) else date_format,
        encoding=data.get("encoding"),
        sheet=data.get("sheet"),
        path=path,
    )
    for field_name, raw in defaults.items():
        convert = make_converter(
            spec.field(field_name),
            vocab,
            mapping.value_map(field_name),
            mapping.date_format_for(field_name),
            None,
        )
        if convert is None:
            continue
        try:
            convert(raw)
        except CellError as exc:
            raise MappingError(f"{source}: defaults: {field_name}: {exc.message}") from None
    return mapping


def _mapping_of(data: Mapping[str, Any], key: str, source: str) -> Mapping[str, Any]:
    value = data.get(key) or {}
    if not isinstance(value, Mapping):
        raise MappingError(f"{source}: {key} must be a mapping")
    return value
