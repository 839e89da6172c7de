"""Finding the records of an exported case directory that the database already holds.

An export keeps every record's `uid` (docs/decisions/0603-export-layout-uids-and-pseudonyms.md),
so importing the same export twice into one database (or into two cases of it) would store two
records with one identity. The import checks every uid the directory carries before writing
and refuses the directory with one problem per file instead of failing half-way on the
database's unique constraint. A uid that is not a UUID is a problem of its file too.
"""

from __future__ import annotations

import csv
import uuid
from collections.abc import Iterable, Iterator
from itertools import islice
from pathlib import Path
from typing import Any

from expediente.tables.json_depth import loads as bounded_loads
from expediente.tables.problems import Problem, ProblemCode

# Ids per query: well under SQLite's limit on bound variables.
_CHUNK = 2_000
_EXAMPLES = 3

# structure.json section → model; uids/<kind> → model; evidence JSON file → (key, model)
_STRUCTURE = {"locations": "Location", "organizations": "Unit", "persons": "Person",
              "positions": "Position", "events": "Event"}
_TABLES = {"victims": "Person", "acts": "Act", "testimonies": "Testimony"}
_EVIDENCE = {"evidence/items.json": "EvidenceItem", "evidence/excerpts.json": "Excerpt"}


def _model(name: str) -> Any:
    from expediente_web.evidence import models as evidence
    from expediente_web.records import models as records

    return getattr(records, name, None) or getattr(evidence, name)


def _chunks(values: Iterable[str]) -> Iterator[list[str]]:
    iterator = iter(values)
    while chunk := list(islice(iterator, _CHUNK)):
        yield chunk


def clashes(model_name: str, uids: Iterable[str], where: str | None = None) -> list[Problem]:
    """Problems for uids that are not UUIDs or that the database already holds."""
    model = _model(model_name)
    found: list[str] = []
    malformed: list[str] = []
    count = 0
    for chunk in _chunks(uids):
        valid = []
        for value in chunk:
            try:
                valid.append(uuid.UUID(value))
            except (ValueError, AttributeError, TypeError):
                malformed.append(str(value))
        for stored in model.objects.filter(uid__in=valid).values_list("uid", flat=True):
            count += 1
            if len(found) < _EXAMPLES:
                found.append(str(stored))
    problems = []
    if malformed:
        problems.append(Problem(None, where, ProblemCode.MALFORMED_FILE,
                                f"{len(malformed):,} uid(s) are not UUIDs, such as "
                                f"{malformed[0]!r}"))
    if count:
        problems.append(Problem(
            None, where, ProblemCode.DUPLICATE_ROW_ID,
            f"{count:,} record(s) with these uids are already in the database (such as "
            f"{', '.join(found)}): this export was imported before; import it into a "
            "database that does not hold it"))
    return problems


def _uid_column(path: Path) -> Iterator[str]:
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            if row.get("uid"):
                yield row["uid"]


def check_uids(root: Path, structure: dict[str, Any] | None) -> dict[str, list[Problem]]:
    """Every uid of a case directory (structure, uid files, evidence) checked against the
    database: file name → its problems, for the files that have some. In structure.json the
    problem's column names the section."""
    found: dict[str, list[Problem]] = {}

    def add(name: str, problems: list[Problem]) -> None:
        if problems:
            found.setdefault(name, []).extend(problems)

    for section, model in _STRUCTURE.items():
        uids = [str(i["uid"]) for i in (structure or {}).get(section) or []
                if isinstance(i, dict) and i.get("uid")]
        add("structure.json", clashes(model, uids, section))
    for kind, model in _TABLES.items():
        folder = root / "uids" / kind
        if folder.is_dir():
            for path in sorted(folder.glob("*.csv")):
                add(f"uids/{kind}/{path.name}", clashes(model, _uid_column(path), "uid"))
    for name, model in _EVIDENCE.items():
        path = root / name
        if path.is_file():
            try:
                entries = bounded_loads(path.read_text(encoding="utf-8"))
            except (OSError, ValueError):  # TooDeep and JSONDecodeError are ValueErrors
                continue  # reported by the evidence check
            if not isinstance(entries, list):
                continue  # reported by the evidence check
            uids = [str(e["uid"]) for e in entries if isinstance(e, dict) and e.get("uid")]
            add(name, clashes(model, uids, "uid"))
    return found
