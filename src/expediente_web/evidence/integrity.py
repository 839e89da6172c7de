"""Re-hashing stored evidence files to find any that went missing or changed."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from expediente.fingerprints import file_sha256
from expediente_web.evidence.models import EvidenceItem
from expediente_web.evidence.store import path_for


@dataclass(frozen=True)
class FileProblem:
    item_uid: str
    case_code: str
    filename: str
    path: Path
    problem: str

    def __str__(self) -> str:
        return (f"item {self.item_uid} ({self.case_code}, {self.filename}) at {self.path}: "
                f"{self.problem}")


def items_to_check() -> int:
    return EvidenceItem.objects.count()


def check_items() -> Iterator[tuple[EvidenceItem, FileProblem | None]]:
    """Every evidence item (deleted ones too: their files are kept) with its file's problem,
    or None when the file is present and its SHA-256 matches."""
    hashed: dict[str, str | None] = {}
    items = EvidenceItem.objects.select_related("case").order_by("id")
    for item in items.iterator(chunk_size=500):
        path = path_for(item.sha256)
        if item.sha256 not in hashed:
            hashed[item.sha256] = file_sha256(path) if path.is_file() else None
        found = hashed[item.sha256]
        problem = None
        if found is None:
            problem = "file missing"
        elif found != item.sha256:
            problem = f"file changed (SHA-256 now {found})"
        yield item, (FileProblem(str(item.uid), item.case.code, item.filename, path, problem)
                     if problem else None)
