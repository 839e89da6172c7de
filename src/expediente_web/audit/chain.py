"""Appending to and verifying the audit chain.

The entry hash is SHA-256 over a canonical JSON of the entry's fields and the previous hash.
`append` must run inside the transaction of the write it records: if the write rolls back, so
does its entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
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
    # Locking the head row serialises appends (PostgreSQL); SQLite already serialises writers
    # (IMMEDIATE transactions). The row is made by a migration; get_or_create covers a flushed
    # table.
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


@dataclass(frozen=True)
class Verdict:
    """The result of walking the chain: how many entries, the head hash, and every break."""

    entries: int
    head: str
    breaks: list[Break]

    @property
    def intact(self) -> bool:
        return not self.breaks


_ROW = ("seq", "at", "actor", "action", "case_code", "object_type", "object_id", "payload",
        "prev_hash", "hash")


def check(batch_size: int = 5000, progress: Callable[[int], None] | None = None) -> Verdict:
    """Walk the chain in sequence order and report every entry where it breaks.

    - an **edited** entry: its stored hash no longer matches its content;
    - a **deleted** entry: a number missing from the sequence (the entry after the gap also
      no longer follows the one before it);
    - **reordered** entries: an entry whose `prev_hash` is the hash of an entry that now comes
      after it, or whose position differs from the one it was written at;
    - a **deleted tail**: the head record says more entries were written than remain.

    Memory grows with a short prefix of each hash (to explain a reorder), not with payloads.
    """
    breaks: list[Break] = []
    position_of: dict[str, int] = {}  # hash prefix → seq, to say where a moved entry belongs
    pending: list[tuple[int, str]] = []  # (seq, prev_hash) of entries that follow nothing known
    expected_seq = 1
    prev_hash = GENESIS
    count = 0
    qs = AuditEntry.objects.order_by("seq").values_list(*_ROW)
    for row in qs.iterator(chunk_size=batch_size):
        fields = dict(zip(_ROW, row, strict=True))
        seq, prev, digest = fields["seq"], fields["prev_hash"], fields["hash"]
        count += 1
        if progress is not None:
            progress(1)
        if seq > expected_seq:
            for missing in range(expected_seq, seq):
                breaks.append(Break(missing, "missing: the entry was deleted"))
        recomputed = entry_hash(
            seq=seq, at=fields["at"], actor=fields["actor"], action=fields["action"],
            case_code=fields["case_code"], object_type=fields["object_type"],
            object_id=fields["object_id"], payload=fields["payload"], prev_hash=prev,
        )
        if recomputed != digest:
            breaks.append(Break(seq, "its content was changed after it was written "
                                     "(its hash does not match)"))
        if prev != prev_hash and seq == expected_seq:
            pending.append((seq, prev))
        position_of[digest[:20]] = seq
        prev_hash = digest
        expected_seq = seq + 1
    last_seq = expected_seq - 1
    for seq, prev in pending:
        follows = position_of.get(prev[:20])
        if follows is not None and follows >= seq:
            breaks.append(Break(seq, f"out of order: it was written after the entry now at "
                                     f"#{follows} (entries were reordered)"))
        elif follows is not None:
            breaks.append(Break(seq, f"out of order: it was written after the entry now at "
                                     f"#{follows}, not after #{seq - 1}"))
        else:
            breaks.append(Break(seq, f"does not follow entry #{seq - 1}: the entry before it "
                                     "was changed, replaced or removed"))
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.seq > last_seq:
        first = last_seq + 1
        span = f"#{first}" if first == head.seq else f"#{first}–#{head.seq}"
        breaks.append(Break(first, f"missing: the log ends at #{last_seq} but entries up to "
                                   f"#{head.seq} were written (tail {span} deleted)"))
    elif head is not None and head.seq == last_seq and last_seq and head.hash != prev_hash:
        breaks.append(Break(last_seq, "the last entry is not the one the log head recorded"))
    elif head is not None and head.seq < last_seq:
        breaks.append(Break(head.seq + 1, "entries after the recorded head were added "
                                          "outside the audit service"))
    breaks.sort(key=lambda b: b.seq)
    return Verdict(entries=count, head=prev_hash, breaks=breaks)


def verify(batch_size: int = 5000) -> list[Break]:
    """Every break in the chain (empty when it is intact); see `check`."""
    return check(batch_size).breaks


def entry_count() -> int:
    return AuditEntry.objects.count()
