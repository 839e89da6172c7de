"""Appending to and verifying the audit chain.

Each entry is sealed with HMAC-SHA256, under the key ring's `audit_key`, over a canonical form of
its fields and the seal of the entry before it. The key lives outside the database, so someone
who can only write to the database cannot edit an entry and re-seal the rest. The head (last
sequence number and seal) is sealed the same way at every append, and every `CHECKPOINT_EVERY`
entries (and on demand) it is signed with the key ring's Ed25519 `signing_key` and kept as a
checkpoint, which anyone with the public key can check. An exported checkpoint
(`expediente audit checkpoint --out FILE`) kept away from the machine lets
`audit verify --expect FILE` show a cut even by someone who holds the key ring.

`append` must run inside the transaction of the write it records: if the write rolls back, so
does its entry.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from django.db import transaction
from django.utils import timezone

from expediente_web.audit.models import AuditCheckpoint, AuditEntry, AuditHead, RowDigest
from expediente_web.audit.rows import RowSet
from expediente_web.protection.keyring import KeyRingError

GENESIS = "0" * 64
CHECKPOINT_EVERY = 1000
CHECKPOINT_FORMAT = "expediente-audit-checkpoint/1"


class AuditKeyMissing(KeyRingError):
    """The key ring predates the audit keys (`expediente keys upgrade` adds them)."""


# One encoder each, made once: `json.dumps` with these options builds a new encoder per call,
# which is a good part of verifying a long log (the output is the same).
_encode_canonical = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
).encode
_encode_fields = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
# How that encoder quotes a string (`ensure_ascii=False`).
_quoted = json.encoder.encode_basestring


def _canonical(value: Any) -> str:
    return _encode_canonical(value)


# -- keys ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class AuditKeys:
    mac_key: bytes
    signer: Ed25519PrivateKey
    public: Ed25519PublicKey
    public_hex: str


@lru_cache(maxsize=4)
def _keys_for(audit_key: bytes, signing_key: bytes) -> AuditKeys:
    signer = Ed25519PrivateKey.from_private_bytes(signing_key)
    public = signer.public_key()
    raw = public.public_bytes(Encoding.Raw, PublicFormat.Raw)
    return AuditKeys(audit_key, signer, public, raw.hex())


def audit_keys() -> AuditKeys:
    """The chain's HMAC key and checkpoint signing key from the key ring, or a clear refusal."""
    from expediente_web.protection.cipher import current_keyring

    ring = current_keyring()
    if ring.audit_key is None or ring.signing_key is None:
        where = ring.path or "$EXPEDIENTE_KEYS"
        raise AuditKeyMissing(
            f"The key ring in {where} has no audit key and signing key (it was made by an "
            "older version), so nothing can be written to the audit log. Run `expediente keys "
            "upgrade` to add them, then back the key ring up again."
        )
    return _keys_for(ring.audit_key, ring.signing_key)


# -- sealing and signing ---------------------------------------------------------------------
def _message(
    seq: int,
    at: datetime,
    actor: str,
    action: str,
    case_code: str,
    object_type: str,
    object_id: str,
    payload_text: str,
    prev_hash: str,
    rows_text: str = "{}",
) -> bytes:
    return _message_text(
        seq,
        at.isoformat(timespec="microseconds"),
        actor,
        action,
        case_code,
        object_type,
        object_id,
        payload_text,
        prev_hash,
        rows_text,
    )


def _message_text(
    seq: int,
    at_text: str,
    actor: str,
    action: str,
    case_code: str,
    object_type: str,
    object_id: str,
    payload_text: str,
    prev_hash: str,
    rows_text: str,
) -> bytes:
    texts = (at_text, actor, action, case_code, object_type, object_id, prev_hash)
    if type(seq) is int and all(type(t) is str for t in texts):
        # What `_encode_fields` writes for a number and seven strings, without its encoder's
        # per-call work (a good part of verifying a long log).
        fields = f"[{seq},{','.join(map(_quoted, texts))}]"
    else:
        fields = _encode_fields([seq, *texts])
    return f"expediente-audit-entry/2\n{fields}\n{payload_text}\n{rows_text}".encode()


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
    rows: dict[str, Any] | None = None,
    key: bytes | None = None,
) -> str:
    """The seal of an entry: HMAC-SHA256 under `key` (default: the key ring's audit key)."""
    key = key if key is not None else audit_keys().mac_key
    # Round-trip through JSON so the seal is computed over what the database returns.
    payload_text = _canonical(json.loads(_canonical(payload)))
    message = _message(
        seq,
        at,
        actor,
        action,
        case_code,
        object_type,
        str(object_id),
        payload_text,
        prev_hash,
        _canonical(rows or {}),
    )
    return hmac.digest(key, message, "sha256").hex()


def checkpoint_message(seq: int, head_hash: str) -> bytes:
    return f"{CHECKPOINT_FORMAT}\n{seq}\n{head_hash}".encode()


def sign_head(seq: int, head_hash: str, keys: AuditKeys | None = None) -> str:
    keys = keys or audit_keys()
    return keys.signer.sign(checkpoint_message(seq, head_hash)).hex()


def seal_head(seq: int, head_hash: str, keys: AuditKeys | None = None) -> str:
    """The head's seal, made at every append: an HMAC under the audit key (cheaper than a
    signature; the Ed25519 signature is kept for checkpoints, which others may verify)."""
    keys = keys or audit_keys()
    return hmac.digest(keys.mac_key, b"head\n" + checkpoint_message(seq, head_hash), "sha256").hex()


def head_seal_valid(seq: int, head_hash: str, seal: str, keys: AuditKeys | None = None) -> bool:
    return hmac.compare_digest(seal_head(seq, head_hash, keys), seal)


def signature_valid(
    seq: int, head_hash: str, signature: str, public: Ed25519PublicKey | None = None
) -> bool:
    public = public or audit_keys().public
    try:
        public.verify(bytes.fromhex(signature), checkpoint_message(seq, head_hash))
    except (InvalidSignature, ValueError):
        return False
    return True


# -- appending -------------------------------------------------------------------------------
def append(
    actor: str,
    action: str,
    *,
    case_code: str = "",
    object_type: str = "",
    object_id: str | int = "",
    payload: dict[str, Any] | None = None,
    rows: RowSet | None = None,
) -> AuditEntry:
    """Append one entry; call inside the write's `transaction.atomic()` block.

    `rows` (or a `RowSet` under the payload key "digests", taken out of it) are the rows
    the write left: the entry holds their per-table summary and each row's digest is kept
    (`RowDigest`) under the entry's sequence number.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.append must run inside the transaction of the write it records")
    keys = audit_keys()
    payload = dict(payload or {})
    if isinstance(payload.get("digests"), RowSet):
        extra = payload.pop("digests")
        rows = extra if rows is None else rows.merge(extra)
    summary = rows.summary() if rows else {}
    # Locking the head row serialises appends (PostgreSQL); SQLite already serialises writers
    # (IMMEDIATE transactions). The row is made by a migration; get_or_create covers a flushed
    # table.
    head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
    at = timezone.now()
    stored_payload = json.loads(_canonical(payload))
    fields = {
        "seq": head.seq + 1,
        "at": at,
        "actor": actor,
        "action": action,
        "case_code": case_code,
        "object_type": object_type,
        "object_id": str(object_id),
        "payload": stored_payload,
        "rows": summary,
        "prev_hash": head.hash,
    }
    message = _message(
        fields["seq"],
        at,
        actor,
        action,
        case_code,
        object_type,
        fields["object_id"],
        _canonical(stored_payload),
        head.hash,
        _canonical(summary),
    )
    digest = hmac.digest(keys.mac_key, message, "sha256").hex()
    entry = AuditEntry.objects.create(hash=digest, **fields)
    seal = seal_head(entry.seq, digest, keys)
    AuditHead.objects.filter(id=1).update(seq=entry.seq, hash=digest, signature=seal)
    if entry.seq % CHECKPOINT_EVERY == 0:
        AuditCheckpoint.objects.create(
            seq=entry.seq, hash=digest, at=at, signature=sign_head(entry.seq, digest, keys)
        )
    if rows:
        RowDigest.objects.bulk_create(
            (
                RowDigest(seq=entry.seq, table=table, row_id=row_id, digest=d)
                for table, by_id in rows.digests.items()
                for row_id, d in by_id.items()
            ),
            batch_size=5000,
        )
    return entry


# -- checkpoints -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Checkpoint:
    """A signed head: the log had `seq` entries and the last one was sealed `hash`."""

    seq: int
    hash: str
    at: str = ""
    signature: str = ""
    public_key: str = ""

    @property
    def head(self) -> str:
        return f"{self.seq}:{self.hash}"

    def to_json(self) -> str:
        return (
            json.dumps(
                {
                    "format": CHECKPOINT_FORMAT,
                    "seq": self.seq,
                    "hash": self.hash,
                    "at": self.at,
                    "signature": self.signature,
                    "public_key": self.public_key,
                },
                indent=2,
            )
            + "\n"
        )


class BadCheckpoint(ValueError):
    """An expected head that is neither `SEQ:HASH` nor a checkpoint file."""


def parse_expected(text: str) -> Checkpoint:
    """`SEQ:HASH` (as `audit verify` prints it) or the JSON of a checkpoint file."""
    text = text.strip()
    if text.startswith("{"):
        try:
            raw = json.loads(text)
            if raw.get("format") != CHECKPOINT_FORMAT:
                raise BadCheckpoint(f"not a checkpoint file (format {raw.get('format')!r})")
            cp = Checkpoint(
                int(raw["seq"]),
                str(raw["hash"]),
                str(raw.get("at") or ""),
                str(raw.get("signature") or ""),
                str(raw.get("public_key") or ""),
            )
        except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError) as exc:
            if isinstance(exc, BadCheckpoint):
                raise
            raise BadCheckpoint(f"not a checkpoint file: {exc}") from None
    else:
        seq_text, _, head_hash = text.partition(":")
        if not seq_text.isdigit():
            raise BadCheckpoint(f"{text[:80]!r} is not SEQ:HASH (e.g. 1234:9f2c…)")
        cp = Checkpoint(int(seq_text), head_hash)
    if len(cp.hash) != 64 or any(c not in "0123456789abcdef" for c in cp.hash):
        raise BadCheckpoint(f"{cp.hash[:80]!r} is not a 64-digit hexadecimal hash")
    if cp.seq < 1:
        raise BadCheckpoint("the expected head must be entry #1 or later")
    return cp


def make_checkpoint() -> Checkpoint:
    """Sign the current head, keep it as a checkpoint and return it (to export)."""
    keys = audit_keys()
    with transaction.atomic():
        head, _ = AuditHead.objects.select_for_update().get_or_create(id=1)
        if head.seq == 0:
            raise KeyRingError("The audit log is empty: there is no head to sign yet")
        signature = sign_head(head.seq, head.hash, keys)
        stored, _ = AuditCheckpoint.objects.get_or_create(
            seq=head.seq, defaults={"hash": head.hash, "at": timezone.now(), "signature": signature}
        )
    return Checkpoint(
        stored.seq, stored.hash, stored.at.isoformat(), stored.signature, keys.public_hex
    )


# -- verifying -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Break:
    """Where the chain breaks and why, in words a person can act on (seq 0: the whole log)."""

    seq: int
    problem: str

    def __str__(self) -> str:
        if self.seq == 0:
            return f"log: {self.problem}"
        return f"entry #{self.seq}: {self.problem}"


@dataclass(frozen=True)
class Verdict:
    """The result of walking the chain: how many entries, the head, and every break."""

    entries: int
    head: str
    breaks: list[Break]
    head_seq: int = 0
    checkpoints: int = 0

    @property
    def intact(self) -> bool:
        return not self.breaks


_ROW = (
    "seq",
    "at",
    "actor",
    "action",
    "case_code",
    "object_type",
    "object_id",
    "payload",
    "rows",
    "prev_hash",
    "hash",
)


def _entries(
    batch_size: int, progress: Callable[[int], None] | None = None
) -> Iterator[tuple[Any, ...]]:
    """Every entry's `_ROW` columns in sequence order, as the database returns them.

    Reads a page of `batch_size` entries at a time, each page by key (`seq` after the last one
    read), without the ORM's per-row machinery (a fifth of a long walk's time); `_converter`
    turns a row into the values `values_list(*_ROW)` gives. `progress` is called with the size
    of each page.
    """
    from django.db import connections, router

    meta = AuditEntry._meta
    connection = connections[router.db_for_read(AuditEntry)]
    quote = connection.ops.quote_name
    fields = [meta.get_field(name) for name in _ROW]
    seq_column = quote(meta.get_field("seq").column)
    # On SQLite `at` is read as the text stored, not parsed by the driver (the converters of
    # `_converter` parse it when a row is decoded).
    columns = [
        f"CAST({quote(f.column)} AS TEXT)"
        if f.name == "at" and connection.vendor == "sqlite"
        else quote(f.column)
        for f in fields
    ]
    sql = (
        f"SELECT {', '.join(columns)} "  # noqa: S608 (identifiers from the model, values bound)
        f"FROM {quote(meta.db_table)} WHERE {seq_column} > %s "
        f"ORDER BY {seq_column} LIMIT {int(batch_size)}"
    )
    last = -(2**63)
    while True:
        with connection.cursor() as cursor:
            cursor.execute(sql, [last])
            page = cursor.fetchall()
        if not page:
            return
        yield from page
        last = page[-1][0]
        if progress is not None:
            progress(len(page))


def _converter() -> Callable[[tuple[Any, ...]], list[Any]]:
    """A row of `_entries` → the values of `values_list(*_ROW)`: the database's and the fields'
    own converters (an aware `at`, the JSON columns decoded), applied to the columns that have
    them."""
    from django.db import connections, router

    meta = AuditEntry._meta
    connection = connections[router.db_for_read(AuditEntry)]
    converters = []
    for pos, name in enumerate(_ROW):
        col = meta.get_field(name).get_col(meta.db_table)
        convs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
        if convs:
            converters.append((pos, convs, col))

    def convert(raw: tuple[Any, ...]) -> list[Any]:
        row = list(raw)
        for pos, convs, col in converters:
            value = row[pos]
            for conversion in convs:
                value = conversion(value, col, connection)
            row[pos] = value
        return row

    return convert


def _sqlite_at_text(stored: datetime | str) -> str | None:
    """The seal's form (`isoformat` of the aware value) of an `at` as SQLite returns it: a naive
    UTC datetime (the driver's converter), or the text Django stores (`YYYY-MM-DD
    HH:MM:SS[.ffffff]`, naive UTC); None for anything else."""
    if isinstance(stored, datetime):
        if stored.tzinfo is not None:
            return None
        return stored.isoformat(timespec="microseconds") + "+00:00"
    if isinstance(stored, str):
        if len(stored) == 19:
            stored += ".000000"
        return stored.replace(" ", "T", 1) + "+00:00"
    return None


def _as_stored_seal_holds(mac_key: bytes, raw: tuple[Any, ...]) -> bool:
    """Whether the seal holds over the row's text as stored (SQLite): entries written in the
    canonical form (`CanonicalJSONEncoder`) are checked without decoding their JSON. False
    says nothing: the row is then checked decoded, as every entry was before."""
    seq, at, actor, action, case_code, object_type, object_id, payload, rows, prev, digest = raw
    at_text = _sqlite_at_text(at)
    if at_text is None or not (isinstance(payload, str) and isinstance(rows, str)):
        return False
    message = _message_text(
        seq,
        at_text,
        actor,
        action,
        case_code,
        object_type,
        object_id,
        payload,
        prev,
        rows,
    )
    return hmac.compare_digest(hmac.digest(mac_key, message, "sha256").hex(), digest)


def check(
    batch_size: int = 5000,
    progress: Callable[[int], None] | None = None,
    expect: Checkpoint | None = None,
) -> Verdict:
    """Walk the chain in sequence order and report every entry where it breaks.

    - an **edited** entry: its seal no longer matches its content (re-sealing needs the key);
    - a **deleted** entry: a number missing from the sequence (the entry after the gap also
      no longer follows the one before it);
    - **reordered** entries: an entry whose `prev_hash` is the seal of an entry that now comes
      after it, or whose position differs from the one it was written at;
    - a **deleted tail**: the sealed head, a signed checkpoint or the `expect`ed head (one kept
      elsewhere) says more entries were written than remain;
    - a **forged head or checkpoint**: its seal or signature does not verify;
    - an **emptied log**: no entries but case records exist.

    Memory grows with a short prefix of each seal (to explain a reorder), not with payloads.
    """
    keys = audit_keys()
    mac_key = keys.mac_key
    breaks: list[Break] = []
    position_of: dict[str, int] = {}  # seal prefix → seq, to say where a moved entry belongs
    pending: list[tuple[int, str]] = []  # (seq, prev_hash) of entries that follow nothing known
    checkpoints = {cp.seq: cp for cp in AuditCheckpoint.objects.all()}
    seen_checkpoint_hash: dict[int, str] = {}
    expected_hash: str | None = None
    expected_seq = 1
    prev_hash = GENESIS
    count = 0
    from django.db import connections, router

    convert = _converter()
    # SQLite returns the columns' text as stored; other databases return what they made of it
    # (PostgreSQL's jsonb has its own form), so every entry is checked decoded there.
    fast = connections[router.db_for_read(AuditEntry)].vendor == "sqlite"
    for raw in _entries(batch_size, progress):
        seq, prev, digest = raw[0], raw[9], raw[10]
        count += 1
        if seq > expected_seq:
            for missing in range(expected_seq, seq):
                breaks.append(Break(missing, "missing: the entry was deleted"))
        if fast and _as_stored_seal_holds(mac_key, raw):
            sealed = True
        else:
            (_, at, actor, action, case_code, object_type, object_id, payload, rows, _, _) = (
                convert(raw)
            )
            seal = entry_hash(
                seq=seq,
                at=at,
                actor=actor,
                action=action,
                case_code=case_code,
                object_type=object_type,
                object_id=object_id,
                payload=payload,
                prev_hash=prev,
                rows=rows,
                key=mac_key,
            )
            sealed = hmac.compare_digest(seal, digest)
        if not sealed:
            breaks.append(
                Break(seq, "its content was changed after it was written (its hash does not match)")
            )
        if prev != prev_hash and seq == expected_seq:
            pending.append((seq, prev))
        if seq in checkpoints:
            seen_checkpoint_hash[seq] = digest
        if expect is not None and seq == expect.seq:
            expected_hash = digest
        position_of[digest[:20]] = seq
        prev_hash = digest
        expected_seq = seq + 1
    last_seq = expected_seq - 1
    for seq, prev in pending:
        follows = position_of.get(prev[:20])
        if follows is not None and follows >= seq:
            breaks.append(
                Break(
                    seq,
                    f"out of order: it was written after the entry now at "
                    f"#{follows} (entries were reordered)",
                )
            )
        elif follows is not None:
            breaks.append(
                Break(
                    seq,
                    f"out of order: it was written after the entry now at "
                    f"#{follows}, not after #{seq - 1}",
                )
            )
        else:
            breaks.append(
                Break(
                    seq,
                    f"does not follow entry #{seq - 1}: the entry before it "
                    "was changed, replaced or removed",
                )
            )
    breaks.extend(_checkpoint_breaks(checkpoints, seen_checkpoint_hash, last_seq, keys))
    breaks.extend(_head_breaks(last_seq, prev_hash, count, keys))
    if expect is not None:
        breaks.extend(_expect_breaks(expect, expected_hash, last_seq, keys))
    if count == 0 and not any(b.seq == 0 or b.problem.startswith("missing") for b in breaks):
        existing = records_present()
        if existing:
            breaks.append(
                Break(0, f"empty log but records exist ({existing}): the entries were deleted")
            )
    breaks.sort(key=lambda b: b.seq)
    return Verdict(
        entries=count,
        head=prev_hash,
        breaks=breaks,
        head_seq=last_seq,
        checkpoints=len(checkpoints),
    )


def _cut(last_seq: int, upto: int, evidence: str) -> Break:
    first = last_seq + 1
    span = f"#{first}" if first == upto else f"#{first}–#{upto}"
    return Break(
        first,
        f"missing: the log ends at #{last_seq} but {evidence} says entries up "
        f"to #{upto} were written (tail {span} deleted)",
    )


def _checkpoint_breaks(
    checkpoints: dict[int, AuditCheckpoint], seen: dict[int, str], last_seq: int, keys: AuditKeys
) -> list[Break]:
    breaks = []
    beyond = [seq for seq in checkpoints if seq > last_seq]
    if beyond:
        breaks.append(_cut(last_seq, max(beyond), f"signed checkpoint #{max(beyond)}"))
    for seq, cp in sorted(checkpoints.items()):
        if not signature_valid(cp.seq, cp.hash, cp.signature, keys.public):
            breaks.append(
                Break(
                    seq,
                    "its signed checkpoint was forged or changed (the signature does not verify)",
                )
            )
        elif seq in seen and seen[seq] != cp.hash:
            breaks.append(
                Break(
                    seq,
                    "is not the entry its signed checkpoint recorded (the log "
                    "was rewritten from here or before)",
                )
            )
    return breaks


def _head_breaks(last_seq: int, last_hash: str, count: int, keys: AuditKeys) -> list[Break]:
    head = AuditHead.objects.filter(id=1).first()
    if head is None:
        if count:
            return [Break(last_seq, "the log head record was deleted")]
        return []
    if head.seq and not head_seal_valid(head.seq, head.hash, head.signature, keys):
        return [
            Break(
                head.seq,
                "the log head was changed outside the audit service (its seal does not match)",
            )
        ]
    if head.seq > last_seq:
        return [_cut(last_seq, head.seq, "the sealed head")]
    if head.seq == last_seq and last_seq and head.hash != last_hash:
        return [Break(last_seq, "the last entry is not the one the log head recorded")]
    if head.seq < last_seq:
        return [
            Break(
                head.seq + 1, "entries after the recorded head were added outside the audit service"
            )
        ]
    return []


def _expect_breaks(
    expect: Checkpoint, found: str | None, last_seq: int, keys: AuditKeys
) -> list[Break]:
    breaks = []
    if expect.signature and not signature_valid(
        expect.seq, expect.hash, expect.signature, keys.public
    ):
        breaks.append(
            Break(
                0,
                f"the expected checkpoint #{expect.seq} is not signed by this "
                "key ring's signing key (forged, or from another data directory)",
            )
        )
    if last_seq < expect.seq:
        breaks.append(_cut(last_seq, expect.seq, "the expected head"))
    elif found is None:
        breaks.append(Break(expect.seq, "the entry of the expected head is missing"))
    elif found != expect.hash:
        breaks.append(
            Break(
                expect.seq,
                "is not the entry of the expected head (the log was rewritten from here or before)",
            )
        )
    return breaks


def records_present() -> str:
    """'3 cases, 120 persons…' for the case-record tables that hold rows, '' when none does."""
    from django.apps import apps

    parts = []
    for label in (
        "cases.case",
        "records.person",
        "records.act",
        "records.testimony",
        "evidence.evidenceitem",
    ):
        model = apps.get_model(label)
        n = model._base_manager.count()
        if n:
            parts.append(f"{n} {model._meta.verbose_name_plural}")
    return ", ".join(parts)


def verify(batch_size: int = 5000) -> list[Break]:
    """Every break in the chain (empty when it is intact); see `check`."""
    return check(batch_size).breaks


def entry_count() -> int:
    return AuditEntry.objects.count()
