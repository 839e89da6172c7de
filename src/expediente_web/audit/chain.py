"""Appending to and verifying the audit chain.

The entry hash is SHA-256 over a canonical JSON of the entry's fields and the previous hash.
`append` must run inside the transaction of the write it records: if the write rolls back, so
does its entry.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from expediente_web.audit.models import AuditEntry, AuditHead

GENESIS = "0" * 64


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def entry_hash(
    *,
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    case_code: str,
    object_type: str,
    object_id: str,
    payload: dict[str, Any],
    prev_hash: str,
) -> str:
    body = _canonical(
        {
            "seq": seq,
            "at": at.isoformat(timespec="microseconds"),
            "actor": actor,
            "action": action,
            "case": case_code,
            "object_type": object_type,
            "object_id": object_id,
            # Round-trip through JSON so the hash is computed over what the database returns.
            "payload": json.loads(_canonical(payload)),
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


def append(
    actor: str,
    action: str,
    *,
    case_code: str = "",
    object_type: str = "",
    object_id: str | int = "",
    payload: dict[str, Any] | None = None,
) -> AuditEntry:
    """Append one entry; call inside the write's `transaction.atomic()` block."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.append must run inside the transaction of the write it records")
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    at = timezone.now()
    fields = {
        "seq": head.seq + 1,
        "at": at,
        "actor": actor,
        "action": action,
        "case_code": case_code,
        "object_type": object_type,
        "object_id": str(object_id),
        "payload": json.loads(_canonical(payload or {})),
        "prev_hash": head.hash,
    }
    digest = entry_hash(**fields)
    entry = AuditEntry.objects.create(hash=digest, **fields)
    AuditHead.objects.filter(id=1).update(seq=entry.seq, hash=digest)
    return entry


@dataclass(frozen=True)
class Break:
    """Where the chain breaks and why, in words a person can act on."""

    seq: int
    problem: str

    def __str__(self) -> str:
        return f"entry #{self.seq}: {self.problem}"


def verify(batch_size: int = 5000) -> list[Break]:
    """Walk the chain in order and report every entry where it breaks.

    Detects an edited entry (its hash no longer matches its content), a deleted entry (a gap in
    the sequence, or the next entry's `prev_hash` pointing at nothing), a reordered entry (an
    entry whose `prev_hash` is not the hash of the entry before it) and a truncated tail (the
    head record is ahead of the last entry).
    """
    breaks: list[Break] = []
    expected_seq = 1
    prev_hash = GENESIS
    last_seq = 0
    qs = AuditEntry.objects.order_by("id").values_list(
        "id", "seq", "at", "actor", "action", "case_code", "object_type", "object_id", "payload",
        "prev_hash", "hash",
    )
    for row in qs.iterator(chunk_size=batch_size):
        _pk, seq, at, actor, action, case_code, object_type, object_id, payload, prev, digest = row
        if seq != expected_seq:
            if seq > expected_seq:
                missing = f"#{expected_seq}" if seq == expected_seq + 1 else (
                    f"#{expected_seq}–#{seq - 1}"
                )
                breaks.append(Break(seq, f"entries {missing} before it are missing (deleted)"))
            else:
                breaks.append(Break(seq, f"out of order: found after entry #{expected_seq - 1}"))
        if prev != prev_hash:
            breaks.append(
                Break(seq, "does not follow the entry before it (an entry was removed or reordered)")
            )
        recomputed = entry_hash(
            seq=seq, at=at, actor=actor, action=action, case_code=case_code,
            object_type=object_type, object_id=object_id, payload=payload, prev_hash=prev,
        )
        if recomputed != digest:
            breaks.append(Break(seq, "its content was changed after it was written"))
        prev_hash = digest
        expected_seq = seq + 1
        last_seq = max(last_seq, seq)
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.seq > last_seq:
        breaks.append(
            Break(head.seq, f"the log ends at #{last_seq} but #{head.seq} was written (tail deleted)")
        )
    elif head is not None and head.seq == last_seq and last_seq and head.hash != prev_hash:
        breaks.append(Break(last_seq, "the last entry is not the one the log head recorded"))
    return breaks
