"""Audit verification benchmark: `expediente audit verify` over N sealed entries, against a bare
read of the same rows, one run.

    nice -n 10 .venv/bin/python -u bench/audit/run.py [--entries 1000000]
                                                      [--databases sqlcipher,plain] [--tamper]

For each database (`sqlcipher`: the default, encrypted as a whole with the key ring's database
key, as `expediente init` makes it; `plain`: a key ring without a database key) it

1. makes a fresh data directory with `expediente init` (sealed key ring, migrated database);
2. fills it with N audit entries sealed exactly as `chain.append` seals them (the same
   `_message`, HMAC-SHA256 under the ring's audit key, the previous entry's seal, a signed
   checkpoint every `CHECKPOINT_EVERY` entries with `sign_head`, the sealed head in
   `AuditHead`), written with one `executemany` per 20,000 entries instead of one ORM append
   each. The payloads are shaped like those the services write through `record_write`
   (changed fields, protected fields by name only, the per-table row summary), with synthetic
   values;
3. times the real command, `expediente audit verify --data-dir DIR`, in a child process: wall
   time and the child's CPU time (`getrusage(RUSAGE_CHILDREN)`), and checks that it reports
   the chain intact with N entries;
4. in another child process (key ring unlocked and database opened before the clock starts),
   times `chain.check()` alone and a bare read of the same rows: `SELECT` of every column in
   sequence order through the driver (`sqlcipher3`, or `sqlite3` for a plain file) into Python
   tuples, 5,000 rows per `fetchmany`. Their ratio is what the checking itself costs;
5. with `--tamper`, changes one entry's payload with plain SQL (as someone with only the
   database could) and checks that `audit verify` exits 1 naming that entry.

The per-row digests (`RowDigest`) that `audit verify --records` compares are not written: the
walk of the chain does not read them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import re
import resource
import shutil
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SRC = ROOT / "src"  # --src: measure the code of another checkout (e.g. `git archive` of a commit)
PASSPHRASE = "synthetic passphrase of the benchmark"  # noqa: S105 (a synthetic benchmark ring)
BATCH = 20_000
SEED = 1201

ENTRY_SQL = (
    'INSERT INTO "audit_auditentry" ("seq", "at", "actor", "action", "case_code", "object_type", '
    '"object_id", "payload", "rows", "prev_hash", "hash") '
    "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
)
CHECKPOINT_SQL = (
    'INSERT INTO "audit_auditcheckpoint" ("seq", "hash", "at", "signature") VALUES (%s, %s, %s, %s)'
)
READ_SQL = (
    'SELECT "seq", "at", "actor", "action", "case_code", "object_type", "object_id", "payload", '
    '"rows", "prev_hash", "hash" FROM "audit_auditentry" ORDER BY "seq"'
)


# -- environment and data directory ------------------------------------------------------------
def _environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["EXPEDIENTE_DATA_DIR"] = str(data_dir)
    for name in ("DATABASE_URL", "EXPEDIENTE_KEYS", "EXPEDIENTE_KEY_FILE"):
        env.pop(name, None)
    env["PYTHONPATH"] = str(SRC)
    env["DJANGO_SETTINGS_MODULE"] = "expediente_web.settings"
    env["EXPEDIENTE_LANG"] = "en"
    env.setdefault("EXPEDIENTE_KEY_PASSPHRASE", PASSPHRASE)
    return env


def _cli(*args: str) -> list[str]:
    return [sys.executable, "-c", "from expediente.cli import main; main()", *args]


def make_data_dir(data: Path, database: str) -> None:
    """A fresh data directory as `expediente init` makes it (plain: a ring without a db key)."""
    shutil.rmtree(data, ignore_errors=True)
    data.mkdir(parents=True)
    if database == "plain":
        sys.path.insert(0, str(SRC))
        from expediente_web.protection.keyring import new_keyring, new_seal, save_keyring

        passphrase = _environment(data)["EXPEDIENTE_KEY_PASSPHRASE"]
        save_keyring(new_keyring(database_key=False), data / "keys.json", seal=new_seal(passphrase))
    subprocess.run(  # noqa: S603 (a fixed argv of our own, no shell)
        _cli("init", "--data-dir", str(data)),
        env=_environment(data),
        check=True,
        capture_output=True,
    )


def _child(kind: str, data: Path, *extra: str) -> dict:
    result = subprocess.run(  # noqa: S603 (a fixed argv of our own, no shell)
        [sys.executable, "-u", __file__, "--child", kind, str(data), *extra],
        env=_environment(data),
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


# -- synthetic entries like the services write -------------------------------------------------
ACT_TYPES = (
    "act.detention.arrest",
    "act.torture",
    "act.disappearance.whereabouts_unknown",
    "act.threat",
    "act.killing.extrajudicial",
)
METHODS = ("beating", "electric_shock", "asphyxiation", "stress_position", "sexual_violence")
ACTORS = (*(f"analyst{i:02d}" for i in range(1, 13)), "operator")
PROTECTED = ("first_surname", "full_name", "given_names", "id_number")


class Entries:
    """Entry fields (everything but the seals) in the shapes `record_write` gives them."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (synthetic data, not a secret)
        self.cases = [f"CASE-{i:02d}" for i in range(1, 9)]

    def _uid(self) -> str:
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def _digest(self) -> str:
        return hashlib.sha256(self.rng.getrandbits(64).to_bytes(8, "big")).hexdigest()

    def _rows(self, *tables: tuple[str, int]) -> dict:
        return {t: {"rows": n, "digest": self._digest()} for t, n in sorted(tables) if n}

    def next(self) -> tuple[str, str, str, str, str, dict, dict]:
        """(actor, action, case_code, object_type, object_id, payload, rows)."""
        rng = self.rng
        actor = rng.choice(ACTORS)
        case = rng.choice(self.cases)
        source = f"SRC-{rng.randint(1, 12):02d}"
        kind = rng.random()
        uid = self._uid()
        if kind < 0.40:
            n_inv = rng.randint(0, 3)
            n_facts = rng.randint(0, 2)
            payload = {
                "fields": {
                    "act_type": rng.choice(ACT_TYPES),
                    "date_precision": rng.choice(("day", "month", "year")),
                    "date_text": f"{rng.randint(2014, 2019)}-{rng.randint(1, 12):02d}",
                    "event": None,
                    "location": self._uid() if rng.random() < 0.7 else None,
                    "methods": sorted(rng.sample(METHODS, rng.randint(0, 2))),
                    "outcome": rng.choice(("", "released", "unknown")),
                    "source": source,
                    "source_record_id": f"{source}-{rng.randint(1, 99999):05d}",
                    "victim": self._uid(),
                },
                "involvements": [
                    {
                        "degree": rng.choice(("direct", "command")),
                        "person": None,
                        "unit": self._uid(),
                    }
                    for _ in range(n_inv)
                ],
                "measurements": [
                    {"quantity": "days_held", "value": rng.randint(1, 400)} for _ in range(n_facts)
                ],
            }
            rows = self._rows(
                ("records_act", 1),
                ("records_involvement", n_inv),
                ("records_measuredfact", n_facts),
            )
            return actor, "create_act", case, "act", uid, payload, rows
        if kind < 0.65:
            payload = {
                "fields": {
                    "age": rng.randint(14, 80),
                    "occupation": rng.choice(("", "student", "teacher", "driver", "nurse")),
                    "sex": rng.choice(("female", "male", "")),
                    "source": source,
                    "source_record_id": f"{source}-{rng.randint(1, 99999):05d}",
                    "state": rng.choice(("Lara", "Zulia", "Miranda", "Carabobo")),
                },
                "protected_changed": sorted(rng.sample(PROTECTED, rng.randint(1, 4))),
            }
            return (
                actor,
                "create_person",
                case,
                "person",
                uid,
                payload,
                self._rows(("records_person", 1)),
            )
        if kind < 0.75:
            payload = {
                "fields": {"notes": f"revisado en la fuente {source}"},
                "before": {"notes": ""},
                "protected_changed": ["full_name"],
            }
            return (
                actor,
                "update_person",
                case,
                "person",
                uid,
                payload,
                self._rows(("records_person", 1)),
            )
        if kind < 0.85:
            payload = {
                "fields": {
                    "language": "es",
                    "source": source,
                    "taken_on": f"{rng.randint(2015, 2020)}-{rng.randint(1, 12):02d}-"
                    f"{rng.randint(1, 28):02d}",
                },
                "protected_changed": ["narrative"],
            }
            return (
                actor,
                "create_testimony",
                case,
                "testimony",
                uid,
                payload,
                self._rows(("records_testimony", 1)),
            )
        if kind < 0.92:
            payload = {
                "degree": rng.choice(("direct", "command", "aiding")),
                "person": self._uid(),
                "unit": None,
            }
            return (
                actor,
                "add_involvement",
                case,
                "act",
                uid,
                payload,
                self._rows(("records_act", 1), ("records_involvement", rng.randint(1, 4))),
            )
        if kind < 0.97:
            payload = {"on": f"act:{self._uid()}", "length": rng.randint(20, 900)}
            return (
                actor,
                "add_comment",
                case,
                "comment",
                str(rng.randint(1, 10**6)),
                payload,
                (self._rows(("records_comment", 1))),
            )
        payload = {
            "fields": {
                "kind": rng.choice(("detention_centre", "street", "home")),
                "name": f"Lugar {rng.randint(1, 5000)}",
                "parent": None,
            }
        }
        return (
            actor,
            "create_location",
            case,
            "location",
            uid,
            payload,
            self._rows(("records_location", 1)),
        )


def fill(n: int) -> dict:
    """Write `n` entries sealed as `chain.append` seals them; run in a child with Django set up."""

    from django.db import connection, transaction

    from expediente_web.audit import chain
    from expediente_web.protection.cipher import current_keyring

    current_keyring()
    keys = chain.audit_keys()
    mac_key = keys.mac_key
    ops = connection.ops
    encoder = chain.AuditEntry._meta.get_field("payload").encoder
    entries = Entries(SEED)
    start = datetime(2026, 1, 5, 8, 0, 0, 123457, tzinfo=UTC)
    prev = chain.GENESIS
    batch: list[tuple] = []
    checkpoints: list[tuple] = []
    t0, c0 = time.perf_counter(), time.process_time()

    def flush() -> None:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(ENTRY_SQL, batch)
            if checkpoints:
                cursor.executemany(CHECKPOINT_SQL, checkpoints)
        batch.clear()
        checkpoints.clear()

    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size = -262144")  # 256 MiB while the indexes grow
    for seq in range(1, n + 1):
        actor, action, case_code, object_type, object_id, payload, rows = entries.next()
        at = start + timedelta(seconds=seq * 7, microseconds=(seq * 7919) % 1_000_000)
        stored = json.loads(chain._canonical(payload))  # as append stores it
        digest = chain.entry_hash(
            seq=seq,
            at=at,
            actor=actor,
            action=action,
            case_code=case_code,
            object_type=object_type,
            object_id=object_id,
            payload=stored,
            prev_hash=prev,
            rows=rows,
            key=mac_key,
        )
        batch.append(
            (
                seq,
                ops.adapt_datetimefield_value(at),
                actor,
                action,
                case_code,
                object_type,
                object_id,
                ops.adapt_json_value(stored, encoder),  # as the model's field writes it
                ops.adapt_json_value(rows, encoder),
                prev,
                digest,
            )
        )
        if seq % chain.CHECKPOINT_EVERY == 0:
            checkpoints.append(
                (seq, digest, ops.adapt_datetimefield_value(at), chain.sign_head(seq, digest, keys))
            )
        prev = digest
        if len(batch) == BATCH:
            flush()
            if seq % 200_000 == 0:
                print(f"  {seq:,} entries written", file=sys.stderr, flush=True)
    if batch:
        flush()
    from expediente_web.audit.models import AuditHead

    AuditHead.objects.update_or_create(
        id=1, defaults={"seq": n, "hash": prev, "signature": chain.seal_head(n, prev, keys)}
    )
    return {
        "entries": n,
        "wall_s": round(time.perf_counter() - t0, 2),
        "cpu_s": round(time.process_time() - c0, 2),
        "head": f"{n}:{prev}",
    }


def reads(data: Path) -> dict:
    """`chain.check()` in-process and a bare driver read of the same rows, both timed."""
    from django.db import connection

    from expediente_web.audit import chain
    from expediente_web.protection.cipher import current_keyring
    from expediente_web.protection.keyring import load_keyring
    from expediente_web.protection.sqlcipher_backend.keyed import connect

    current_keyring()
    connection.ensure_connection()
    ring = load_keyring(data / "keys.json")
    raw, key = connect(str(data / "expediente.sqlite3"), lambda: ring)
    out: dict = {"encrypted": key is not None}
    for name in ("bare", "check", "bare2"):  # the bare read on both sides of the check
        t0, c0 = time.perf_counter(), time.process_time()
        if name.startswith("bare"):
            rows = 0
            cursor = raw.execute(READ_SQL)
            while chunk := cursor.fetchmany(5000):
                rows += len(chunk)
        else:
            verdict = chain.check()
            rows = verdict.entries
            out["intact"] = verdict.intact
        out[name] = {
            "rows": rows,
            "wall_s": round(time.perf_counter() - t0, 3),
            "cpu_s": round(time.process_time() - c0, 3),
        }
    raw.close()
    return out


def tamper(data: Path, seq: int, restore: str | None = None) -> dict:
    """Change entry `seq`'s payload with plain SQL, as someone holding only the database could
    (or put back the stored text `restore`); returns the text it replaced."""
    from expediente_web.protection.keyring import load_keyring
    from expediente_web.protection.sqlcipher_backend.keyed import connect

    ring = load_keyring(data / "keys.json")
    raw, _ = connect(str(data / "expediente.sqlite3"), lambda: ring, isolation_level=None)
    (payload,) = raw.execute(
        'SELECT "payload" FROM "audit_auditentry" WHERE "seq" = ?', (seq,)
    ).fetchone()
    if restore is None:
        changed = json.loads(payload)
        changed["tampered"] = True
        restore = json.dumps(changed)
    raw.execute('UPDATE "audit_auditentry" SET "payload" = ? WHERE "seq" = ?', (restore, seq))
    raw.close()
    return {"seq": seq, "replaced": payload}


def child(kind: str, data: Path, extra: list[str]) -> None:
    import django  # from $PYTHONPATH, set by `_environment`

    django.setup()
    if kind == "fill":
        result = fill(int(extra[0]))
    elif kind == "reads":
        result = reads(data)
    else:
        result = tamper(data, int(extra[0]), extra[1] if len(extra) > 1 else None)
    print(json.dumps(result), flush=True)


# -- the timed command -------------------------------------------------------------------------
def timed_verify(data: Path) -> dict:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    result = subprocess.run(  # noqa: S603 (a fixed argv of our own, no shell)
        _cli("audit", "verify", "--data-dir", str(data)),
        env=_environment(data),
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "rc": result.returncode,
        "stdout": result.stdout,
        "stderr": result.stderr,
        "wall_s": wall,
        "cpu_s": cpu,
    }


def run_one(database: str, n: int, work: Path, do_tamper: bool, reuse: bool) -> dict:
    data = work / f"data-{database}"
    marker = data / "bench-filled.json"
    filled = json.loads(marker.read_text()) if reuse and marker.exists() else None
    if filled is not None and filled["entries"] == n:
        print(f"[{database}] reusing {data} ({n:,} entries)", flush=True)
    else:
        print(f"[{database}] init {data}", flush=True)
        make_data_dir(data, database)
        empty = timed_verify(data)  # the command's fixed cost: start-up, key ring, checks
        if empty["rc"] != 0 or "chain intact, 0 entries" not in empty["stdout"]:
            sys.exit(f"[{database}] audit verify on the new data directory: {empty}")
        print(f"[{database}] filling {n:,} entries", flush=True)
        filled = _child("fill", data, str(n))
        filled["empty_verify"] = {"wall_s": empty["wall_s"], "cpu_s": empty["cpu_s"]}
        marker.write_text(json.dumps(filled) + "\n")
    db_mb = sum(p.stat().st_size for p in data.glob("expediente.sqlite3*")) / 2**20
    print(
        f"[{database}] filled in {filled['wall_s']:.1f} s ({filled['cpu_s']:.1f} s CPU), "
        f"database {db_mb:.0f} MB",
        flush=True,
    )
    print(f"[{database}] expediente audit verify", flush=True)
    verify = timed_verify(data)
    expected = f"chain intact, {n} entries, head {filled['head']}"
    if verify["rc"] != 0 or expected not in verify["stdout"]:
        sys.exit(
            f"[{database}] audit verify did not report the filled chain intact "
            f"(exit {verify['rc']}):\n{verify['stdout']}{verify['stderr'][-3000:]}"
        )
    print(
        f"[{database}] verify: {verify['wall_s']:.2f} s wall, {verify['cpu_s']:.2f} s CPU — "
        f"{verify['stdout'].strip()[:60]}…",
        flush=True,
    )
    read = _child("reads", data)
    if not read["intact"] or read["check"]["rows"] != n or read["bare"]["rows"] != n:
        sys.exit(f"[{database}] the in-process check disagrees: {read}")
    result = {
        "database": database,
        "entries": n,
        "db_mb": db_mb,
        "fill": filled,
        "verify": verify,
        "reads": read,
    }
    if do_tamper:
        seq = n // 2 + 1
        original = _child("tamper", data, str(seq))["replaced"]
        broken = timed_verify(data)
        _child("tamper", data, str(seq), original)  # put it back, for --keep and --reuse
        named = re.search(rf"entry #{seq}: its content was changed", broken["stderr"])
        if broken["rc"] != 1 or not named:
            sys.exit(
                f"[{database}] audit verify missed the changed entry #{seq} (exit "
                f"{broken['rc']}):\n{broken['stdout']}{broken['stderr'][-3000:]}"
            )
        print(
            f"[{database}] tampered #{seq}: verify exit 1 naming it, {broken['wall_s']:.2f} s; "
            f"{broken['stderr'].strip().splitlines()[0]}",
            flush=True,
        )
        result["tampered"] = {"seq": seq, "wall_s": broken["wall_s"], "cpu_s": broken["cpu_s"]}
    return result


def _goal(entries: int, wall_s: float) -> str:
    """The goal is set for a million entries; another N says nothing about it."""
    if entries != 1_000_000:
        return "n/a"
    return "met" if wall_s < 30 else "MISSED"


def table(results: list[dict]) -> None:
    print()
    print(
        f"{'database':9} {'entries':>10} {'db size':>8} {'fill':>7} {'empty log':>9} "
        f"{'verify wall':>11} "
        f"{'verify cpu':>10} {'entries/s':>10} {'check()':>8} {'bare read':>9} "
        f"{'check/bare':>10} {'goal 30 s':>9}"
    )
    for r in results:
        v, rd = r["verify"], r["reads"]
        bare = min(rd["bare"]["cpu_s"], rd["bare2"]["cpu_s"])
        empty = r["fill"].get("empty_verify")
        empty_text = f"{empty['wall_s']:>8.2f}s" if empty else f"{'':>9}"
        print(
            f"{r['database']:9} {r['entries']:>10,} {r['db_mb']:>6.0f}MB "
            f"{r['fill']['wall_s']:>6.0f}s {empty_text} {v['wall_s']:>10.2f}s {v['cpu_s']:>9.2f}s "
            f"{r['entries'] / v['wall_s']:>10,.0f} {rd['check']['cpu_s']:>7.2f}s "
            f"{bare:>8.2f}s {rd['check']['cpu_s'] / bare:>9.2f}× "
            f"{_goal(r['entries'], v['wall_s']):>9}",
            flush=True,
        )
    print(
        "verify wall/cpu: the whole command (start-up, key ring unlock, walk); empty log: the "
        "same command on the new data directory; check() and bare read: CPU in one process, "
        "after start-up; bare read: the faster of its two passes.",
        flush=True,
    )


def main() -> None:
    global SRC  # read by `_environment` for every child it starts
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument(
        "--databases", default="sqlcipher", help="sqlcipher, plain, or both (comma-separated)"
    )
    parser.add_argument("--work", type=Path, default=Path("/tmp/expediente-bench-audit"))  # noqa: S108 (the benchmark's scratch directory, named in its README)
    parser.add_argument(
        "--tamper", action="store_true", help="also change one entry and check verify names it"
    )
    parser.add_argument("--keep", action="store_true", help="keep the data directories")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="reuse a data directory kept (--keep) by an earlier run with as many entries",
    )
    parser.add_argument(
        "--src", type=Path, default=SRC, help="source tree to measure (default: this checkout's)"
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--child", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], Path(args.child[1]), args.child[2:])
        return
    SRC = args.src.resolve()
    if args.entries < 1:
        parser.error("--entries must be at least 1")
    databases = args.databases.split(",")
    unknown = set(databases) - {"sqlcipher", "plain"}
    if unknown:
        parser.error(f"--databases: unknown {', '.join(sorted(unknown))} (sqlcipher, plain)")
    args.work.mkdir(parents=True, exist_ok=True)
    results = [run_one(db, args.entries, args.work, args.tamper, args.reuse) for db in databases]
    table(results)
    if args.json:
        for r in results:
            for key in ("stdout", "stderr"):
                r["verify"].pop(key, None)
        args.json.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    if not args.keep:
        for db in databases:
            shutil.rmtree(args.work / f"data-{db}", ignore_errors=True)


if __name__ == "__main__":
    main()
