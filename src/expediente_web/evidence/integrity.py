"""Re-hashing stored evidence files to find any that went missing or changed.

A file is compared with the hash its item holds, and that hash with the one the audit log
recorded when the file was stored (`store_evidence`, or the hashes an import of a case folder
listed): replacing a file and its item's hash together shows as a hash the log never recorded.
The log itself is trusted here; `expediente audit verify` is what shows that it is intact.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from expediente.fingerprints import file_sha256
from expediente_web.evidence.models import EvidenceItem
from expediente_web.evidence.store import (
    EvidenceUnreadable,
    NotAHash,
    PlainEvidence,
    path_for,
    plaintext_sha256,
)


@dataclass(frozen=True)
class FileProblem:
    item_uid: str
    case_code: str
    filename: str
    path: Path
    problem: str

    def __str__(self) -> str:
        return (
            f"item {self.item_uid} ({self.case_code}, {self.filename}) at {self.path}: "
            f"{self.problem}"
        )


# Audit actions that record the hash of an evidence file they stored.
STORE_ACTIONS = ("store_evidence", "import_evidence_and_comments")


@dataclass
class LoggedHashes:
    """The evidence hashes the audit log recorded: per item uid (one entry per stored file)
    and per case (the hashes a case-folder import listed)."""

    by_item: dict[str, tuple[int, str]] = field(default_factory=dict)  # uid → (seq, sha256)
    by_case: dict[str, set[str]] = field(default_factory=dict)

    def problem(self, item: EvidenceItem) -> str | None:
        logged = self.by_item.get(str(item.uid))
        if logged is not None:
            if logged[1] != item.sha256:
                return (
                    f"its stored hash {item.sha256} is not the {logged[1]} that audit entry "
                    f"#{logged[0]} recorded (the file and its hash were replaced)"
                )
            return None
        if item.sha256 in self.by_case.get(item.case.code, ()):
            return None
        return (
            "no audit entry recorded this file's hash (the file and its hash were replaced, "
            "or the item was written outside the services)"
        )


def logged_hashes() -> LoggedHashes:
    from expediente_web.audit.models import AuditEntry

    logged = LoggedHashes()
    entries = (
        AuditEntry.objects.filter(action__in=STORE_ACTIONS)
        .order_by("seq")
        .values_list("seq", "action", "case_code", "object_id", "payload")
    )
    for seq, action, case_code, object_id, payload in entries.iterator(chunk_size=1000):
        payload = payload if isinstance(payload, dict) else {}
        if action == "store_evidence":
            sha = (payload.get("fields") or {}).get("sha256")
            if isinstance(sha, str):
                logged.by_item[object_id] = (seq, sha)
            continue
        hashes = logged.by_case.setdefault(case_code, set())
        listed = payload.get("evidence_sha256") or []
        hashes.update(h for h in listed if isinstance(h, str))
        per_item = payload.get("evidence") or {}
        if isinstance(per_item, dict):
            for uid, sha in per_item.items():
                if isinstance(sha, str):
                    logged.by_item[str(uid)] = (seq, sha)
    return logged


def items_to_check() -> int:
    return EvidenceItem.objects.count()


def _decrypted_sha256(sha256: str) -> str:
    """The SHA-256 of a stored file's plaintext, or "unreadable: why" when it does not decrypt
    (altered, cut off, stored in clear, or under a key not in the ring)."""
    try:
        return plaintext_sha256(sha256)
    except PlainEvidence as exc:
        # Bytes in clear: an earlier version's file (its name is its hash), or a replaced one.
        found = file_sha256(path_for(sha256))
        return f"unreadable:{exc}" if found == sha256 else found
    except EvidenceUnreadable as exc:
        return f"unreadable:file changed ({exc})"


def check_items() -> Iterator[tuple[EvidenceItem, FileProblem | None]]:
    """Every evidence item (deleted ones too: their files are kept) with its file's problem,
    or None when the file is present, its SHA-256 matches and the audit log recorded it."""
    hashed: dict[str, str | None] = {}
    logged = logged_hashes()
    items = EvidenceItem.objects.select_related("case").order_by("id")
    for item in items.iterator(chunk_size=500):
        try:
            path = path_for(item.sha256)
        except NotAHash as exc:  # left by an import that took the hash for a path
            yield (
                item,
                FileProblem(
                    str(item.uid),
                    item.case.code,
                    item.filename,
                    Path(str(item.sha256)),
                    f"{exc}; the item names no file",
                ),
            )
            continue
        if item.sha256 not in hashed:
            hashed[item.sha256] = _decrypted_sha256(item.sha256) if path.is_file() else None
        found = hashed[item.sha256]
        problem = None
        if found is None:
            problem = "file missing"
        elif found.startswith("unreadable:"):
            problem = found.removeprefix("unreadable:")
        elif found != item.sha256:
            problem = f"file changed (SHA-256 now {found})"
        else:
            problem = logged.problem(item)
        yield (
            item,
            (
                FileProblem(str(item.uid), item.case.code, item.filename, path, problem)
                if problem
                else None
            ),
        )
