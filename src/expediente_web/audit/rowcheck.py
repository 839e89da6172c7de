"""`audit verify --records`: the case record as it is now against the digests in the log.

Two passes, both streamed:

1. The kept row digests (`RowDigest`) against the entries that recorded them: per entry and
   table, the count and the hash over the digests must be what the sealed entry holds. A digest
   added, removed or changed in that table shows here.
2. Every row of every tracked table against the latest digest the log holds for it (a merge of
   two id-ordered streams): a row that differs was changed outside the services, a row with no
   digest was added outside them, a digest with no row is a row removed from the database.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from django.apps import apps

from expediente_web.audit.models import AuditEntry, RowDigest
from expediente_web.audit.rows import TRACKED, all_digests, layout, table_digest


@dataclass(frozen=True)
class RowProblem:
    """A row of the case record that is not as the audit log says it was left."""

    table: str
    row_id: int
    problem: str
    name: str = ""  # its uid or code, where it has one

    def __str__(self) -> str:
        named = f" ({self.name})" if self.name else ""
        return f"{self.table} row {self.row_id}{named}: {self.problem}"


def check_kept_digests(batch_size: int = 5000) -> list[RowProblem]:
    """Pass 1: the kept digests are exactly those the sealed entries summarise."""
    problems: list[RowProblem] = []
    digests = iter(
        RowDigest.objects.order_by("seq", "id")
        .values_list("seq", "table", "row_id", "digest")
        .iterator(chunk_size=batch_size)
    )
    current = next(digests, None)
    entries = AuditEntry.objects.order_by("seq").values_list("seq", "rows")
    for seq, summary in entries.iterator(chunk_size=batch_size):
        kept: dict[str, dict[int, str]] = {}
        while current is not None and current[0] < seq:
            problems.append(
                RowProblem(
                    current[1],
                    current[2],
                    f"a row digest under entry #{current[0]}, which does not exist, was added",
                )
            )
            current = next(digests, None)
        while current is not None and current[0] == seq:
            kept.setdefault(current[1], {})[current[2]] = current[3]
            current = next(digests, None)
        found = {t: {"rows": len(d), "digest": table_digest(d)} for t, d in kept.items()}
        for table in sorted(set(found) | set(summary or {})):
            if found.get(table) != (summary or {}).get(table):
                problems.append(
                    RowProblem(
                        table,
                        0,
                        f"the row digests kept for entry #{seq} "
                        "are not those it recorded (added, removed or "
                        "changed outside the audit service)",
                    )
                )
    while current is not None:
        problems.append(
            RowProblem(
                current[1],
                current[2],
                f"a row digest under entry #{current[0]}, which does not exist, was added",
            )
        )
        current = next(digests, None)
    return problems


def _latest(table: str, batch_size: int) -> Iterator[tuple[int, str, int]]:
    """(row id, latest digest, its entry) for every row of `table` the log holds, by id."""
    rows = (
        RowDigest.objects.filter(table=table)
        .order_by("row_id", "seq")
        .values_list("row_id", "digest", "seq")
        .iterator(chunk_size=batch_size)
    )
    last: tuple[int, str, int] | None = None
    for row in rows:
        if last is not None and row[0] != last[0]:
            yield last
        last = row
    if last is not None:
        yield last


def check_rows(
    batch_size: int = 5000, progress: Callable[[int], None] | None = None
) -> list[RowProblem]:
    """Pass 2: every tracked row against the latest digest the log holds for it."""
    problems: list[RowProblem] = []
    for label in TRACKED:
        lay = layout(label)
        logged = _latest(lay.table, batch_size)
        now = all_digests(label, batch_size)
        want = next(logged, None)
        have = next(now, None)
        found: list[RowProblem] = []
        while want is not None or have is not None:
            if have is not None and (want is None or have[0] < want[0]):
                found.append(
                    RowProblem(
                        lay.table,
                        have[0],
                        "no audited write left this row: it was added outside the services",
                    )
                )
                have = next(now, None)
            elif want is not None and (have is None or want[0] < have[0]):
                found.append(
                    RowProblem(
                        lay.table,
                        want[0],
                        f"removed from the database (entry #{want[2]} recorded it)",
                    )
                )
                want = next(logged, None)
            else:
                assert want is not None and have is not None  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
                if want[1] != have[1]:
                    found.append(
                        RowProblem(
                            lay.table,
                            have[0],
                            f"changed outside the services "
                            f"(it differs from what entry #{want[2]} recorded)",
                        )
                    )
                want, have = next(logged, None), next(now, None)
            if progress is not None:
                progress(1)
        problems.extend(_named(label, found))
    return problems


def _named(label: str, found: list[RowProblem]) -> list[RowProblem]:
    """The problems with each row's uid or code, where its model has one."""
    if not found:
        return found
    model = apps.get_model(label)
    names = {f.name for f in model._meta.concrete_fields}
    key = "uid" if "uid" in names else "code" if "code" in names else None
    if key is None:
        return found
    ids = [p.row_id for p in found]
    known: dict[int, str] = {}
    for start in range(0, len(ids), 500):
        known.update(
            (pk, str(v))
            for pk, v in model._base_manager.filter(pk__in=ids[start : start + 500]).values_list(
                "pk", key
            )
        )
    return [RowProblem(p.table, p.row_id, p.problem, known.get(p.row_id, "")) for p in found]


def rows_to_check() -> int:
    """Rows the second pass walks (for a progress bar)."""
    return sum(apps.get_model(label)._base_manager.count() for label in TRACKED)
