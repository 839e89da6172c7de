"""Reading, mapping and validating case tables (CSV, XLSX, JSON, JSON Lines, Parquet).

The import file format is described in ``docs/reference/tables.md``. Typical use, as the
storage layer's import does it::

    from expediente.tables import check_file, load_mapping, read_records

    mapping = load_mapping("mappings/SRC-03.yaml")          # or None for canonical files
    report = check_file("victims/SRC-03.csv", "victims", mapping)   # pass 1: all problems
    if not report.ok:
        for problem in report.problems:
            print(problem)        # row 17, column 'Fecha': [impossible_date] ...
    else:
        for record in read_records("victims/SRC-03.csv", "victims", mapping):  # pass 2
            ...                   # VictimRow(row=2, record_id='V-0001', ...)

Both passes stream: memory stays flat in the size of the file.
"""

from __future__ import annotations

from expediente.tables.cells import neutralise_formula
from expediente.tables.dry_run import DryRunReport, dry_run
from expediente.tables.kinds import KINDS, FieldSpec, FieldType, KindSpec, kind_spec
from expediente.tables.mapping import MappingError, TableMapping, load_mapping, mapping_from_dict
from expediente.tables.problems import Limits, Problem, ProblemCode
from expediente.tables.readers import TableReader, detect_format, open_table
from expediente.tables.records import (
    ActRow,
    InvolvementRow,
    MeasurementRow,
    Record,
    SourceRow,
    TestimonyRow,
    VictimRow,
)
from expediente.tables.validation import (
    InvalidFileError,
    ValidationReport,
    Validator,
    check_file,
    read_records,
    validate,
)

__all__ = [
    "KINDS",
    "ActRow",
    "DryRunReport",
    "FieldSpec",
    "FieldType",
    "InvalidFileError",
    "InvolvementRow",
    "KindSpec",
    "Limits",
    "MappingError",
    "MeasurementRow",
    "Problem",
    "ProblemCode",
    "Record",
    "SourceRow",
    "TableMapping",
    "TableReader",
    "TestimonyRow",
    "ValidationReport",
    "Validator",
    "VictimRow",
    "check_file",
    "detect_format",
    "dry_run",
    "kind_spec",
    "load_mapping",
    "mapping_from_dict",
    "neutralise_formula",
    "open_table",
    "read_records",
    "validate",
]
