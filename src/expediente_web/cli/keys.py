"""`expediente keys`: the key ring of protected fields (status, rotate)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from expediente_web.cli.failures import user_errors
from expediente_web.cli.opening import acting_user, open_database
from expediente_web.cli.setup import actor_option, data_dir_option

if TYPE_CHECKING:
    from expediente_web.protection.keyring import KeyRing


@click.group(name="keys")
def command() -> None:
    """The key ring that encrypts protected fields (kept outside the database)."""


@command.command(name="status")
@data_dir_option
def status() -> None:
    """Verify the key ring against this database and show how many values each key encrypts.

    Every key is compared with the check value the database keeps of the key of that id; the
    exit code is 1 when a key differs (a wrong key ring), when stored values need a key that is
    not in the ring, or when the ring lacks the index key the blind indexes use.
    """
    with user_errors():
        open_database()
        from django.conf import settings

        from expediente_web.protection.key_check import key_states, ring_name
        from expediente_web.protection.keyring import load_keyring
        from expediente_web.protection.rotation import key_usage

        ring = load_keyring(Path(settings.EXPEDIENTE_KEY_FILE))  # as given: not verified yet
        states = key_states(ring)
        usage = key_usage()
        sealing = ("sealed with a passphrase" if ring.seal else "in the environment, not sealed"
                   if ring.path is None else
                   "NOT SEALED: seal it with `expediente keys passphrase`")
        click.echo(f"key ring: {ring_name(ring)} ({sealing})")
        problems = 0
        for state in states:
            if state.kind == "data":
                mark = " (active)" if state.key_id == ring.active else ""
                line = f"  {state.key_id}{mark}: {usage.get(state.key_id, 0)} values"
            else:
                mark = " (used by the blind indexes)" if state.in_use else ""
                line = f"  index key {state.key_id}{mark}"
            if state.matches:
                click.echo(f"{line} — verified against the database")
            elif state.matches is False:
                problems += 1
                click.echo(f"{line} — DIFFERS from the key {state.key_id} this database was "
                           "written with: this is not the database's key ring", err=True)
            elif state.in_ring:
                click.echo(f"{line} — not recorded in the database yet")
            elif state.in_use or usage.get(state.key_id):
                problems += 1
                click.echo(f"{line} — NOT IN THE KEY RING, and the database needs it", err=True)
            else:
                click.echo(f"{line} — retired (not in the key ring, no value needs it)")
        in_db = {s.key_id for s in states if s.kind == "data"}
        for key_id in sorted(set(usage) - in_db):
            problems += 1
            click.echo(f"  {key_id}: {usage[key_id]} values — NOT IN THE KEY RING", err=True)
        problems += _database_status(ring)
        if problems:
            raise SystemExit(1)


def _database_status(ring: KeyRing) -> int:
    """Say how the database is stored; the number of problems found (0 or 1)."""
    from expediente_web.protection.database_key import database_state

    state = database_state(ring)
    if not state.embedded:
        click.echo("database: PostgreSQL (its storage is encrypted by the server, if at all)")
        return 0
    if state.opened_with_old_key:
        click.echo("database: encrypted (SQLCipher) under an OLD database key of the ring — a "
                   "rotation stopped before its rekey: run `expediente keys rotate` again",
                   err=True)
        return 1
    if state.encrypted:
        click.echo("database: encrypted (SQLCipher) — opened with the key ring's database key")
        return 0
    if state.ring_has_key:
        click.echo("database: NOT ENCRYPTED, though the key ring has a database key: run "
                   "`expediente keys encrypt-database`", err=True)
        return 1
    click.echo("database: not encrypted (the key ring has no database key; "
               "`expediente keys encrypt-database` encrypts it)")
    return 0


@command.command(name="rotate")
@data_dir_option
@actor_option
@click.option("--retire-old", is_flag=True,
              help="After re-encrypting, remove the old keys from the key ring file.")
def rotate(username: str | None, retire_old: bool) -> None:
    """Add a new active key and re-encrypt every protected value under it (one transaction).

    The key ring file is updated first (old keys kept), so an interrupted rotation loses
    nothing; run it again. Back up the new key ring file.
    """
    with user_errors():
        open_database()
        from expediente_web.protection.rotation import (
            count_values,
            key_file,
            retire_old_keys,
        )
        from expediente_web.protection.rotation import (
            rotate as rotate_keys,
        )

        actor = acting_user(username)
        total = count_values()
        with click.progressbar(length=total, label="Re-encrypting",
                               file=sys.stderr, hidden=not sys.stderr.isatty()) as bar:
            new_key, done = rotate_keys(actor, progress=bar.update)
        click.echo(f"New active key {new_key}; {done} protected values re-encrypted.")
        from expediente_web.protection.database_key import rotate_database_key

        if rotate_database_key(actor):
            click.echo("New database key; the database re-encrypted under it (SQLCipher).")
        if retire_old:
            retired = retire_old_keys(actor)
            if retired:
                click.echo(f"Retired keys: {', '.join(retired)}")
        click.echo(f"Key ring: {key_file()} — back it up again, apart from the database, and "
                   "renew any escrowed copy (`expediente keys escrow --out FILE`).")


@command.command(name="upgrade")
@data_dir_option
def upgrade() -> None:
    """Add the audit log's keys (HMAC and signing key) to a key ring made before they existed.

    The data and index keys are kept as they are. Back up the key ring file again afterwards.
    """
    with user_errors():
        from expediente_web.cli.setup import setup_django

        setup_django()
        from django.conf import settings

        from expediente_web.audit.ring_upgrade import upgrade_keyring

        path = Path(settings.EXPEDIENTE_KEY_FILE)
        added = upgrade_keyring(path)
    if added:
        click.echo(f"Added {' and '.join(added)} to {path} — back it up again, apart from the "
                   "database.")
    else:
        click.echo(f"{path} already holds the audit keys; nothing changed.")


def _new_passphrase(env: str, what: str) -> str:
    """A new passphrase: $`env`, else asked for twice in a terminal."""
    import os

    from expediente_web.protection.keyring import KeyRingError, read_passphrase

    value = os.environ.get(env)
    if value:
        return value
    if not sys.stdin.isatty():
        raise KeyRingError(f"No {what}: set {env}, or run the command in a terminal")
    saved = {k: os.environ.pop(k) for k in ("EXPEDIENTE_KEY_PASSPHRASE",
                                            "EXPEDIENTE_KEY_PASSPHRASE_FILE") if k in os.environ}
    try:
        return read_passphrase(prompt=f"{what.capitalize()}: ", confirm=True)
    finally:
        os.environ.update(saved)


def _verified_ring() -> KeyRing:
    """The key ring as configured, unsealed and verified against this database."""
    open_database()
    from django.conf import settings

    from expediente_web.protection.key_check import verify
    from expediente_web.protection.keyring import load_keyring

    ring = load_keyring(Path(settings.EXPEDIENTE_KEY_FILE))
    verify(ring)  # this database's ring, else refused; the ring is kept as its file holds it
    return ring


@command.command(name="passphrase")
@data_dir_option
def passphrase() -> None:
    """Seal the key ring file with a new passphrase (or seal a plain key file of old).

    The current passphrase comes as for every command ($EXPEDIENTE_KEY_PASSPHRASE, its _FILE, or
    a prompt); the new one from $EXPEDIENTE_NEW_KEY_PASSPHRASE or a prompt (asked twice). The
    keys stay the same: escrowed copies keep their own passphrases.
    """
    import os

    with user_errors():
        from expediente_web.protection.keyring import KeyRingError, new_seal, save_keyring

        if os.environ.get("EXPEDIENTE_KEYS"):
            raise KeyRingError("The key ring comes from $EXPEDIENTE_KEYS, which has no passphrase: "
                               "unset it and set EXPEDIENTE_KEY_FILE to the key file to reseal")
        ring = _verified_ring()
        seal = new_seal(_new_passphrase("EXPEDIENTE_NEW_KEY_PASSPHRASE", "new passphrase"))
        assert ring.path is not None  # not from the environment, refused above  # noqa: S101 (type narrowing for mypy; the invariant is set just above)
        save_keyring(ring, ring.path, seal=seal)
    click.echo(f"{ring.path}: sealed with the new passphrase. Whoever knew the old one and kept "
               "a copy of the old file can still open that copy: the keys are the same "
               "(rotate them with `expediente keys rotate` if that matters).")


@command.command(name="escrow")
@data_dir_option
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False),
              help="Where to write the escrowed copy (never overwritten).")
def escrow(out: str) -> None:
    """Write a second sealed copy of the key ring, with another passphrase, for a trusted person.

    The escrow passphrase comes from $EXPEDIENTE_ESCROW_PASSPHRASE or a prompt (asked twice); it
    must differ from the key ring's. To recover, put the copy in place of the key file and use
    the escrow passphrase (then `expediente keys passphrase`). Make a new copy after every
    rotation: an older copy lacks the new keys.
    """
    import os

    with user_errors():
        from expediente_web.protection.keyring import (
            KeyRingError,
            new_seal,
            read_passphrase,
            sealed_text,
            unseal,
        )

        target = Path(out)
        if target.exists():
            raise KeyRingError(f"{target} exists: an escrowed copy is never overwritten")
        ring = _verified_ring()
        escrow_passphrase = _new_passphrase("EXPEDIENTE_ESCROW_PASSPHRASE", "escrow passphrase")
        if ring.seal is not None and escrow_passphrase == read_passphrase(ring.path):
            raise KeyRingError("The escrow passphrase must differ from the key ring's own")
        text = sealed_text(ring, new_seal(escrow_passphrase))
        unseal(text, target, escrow_passphrase)  # it opens with that passphrase, before writing
        target.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
    click.echo(f"Escrowed copy of the key ring written to {target} (sealed with the escrow "
               "passphrase). Hand the file and the passphrase to the trusted person separately; "
               "make a new copy after every `expediente keys rotate`.")


@command.command(name="encrypt-evidence")
@data_dir_option
def encrypt_evidence() -> None:
    """Encrypt the evidence files an earlier version stored in clear (each one verified against
    its SHA-256 first). Until then those files are refused when read."""
    with user_errors():
        open_database()
        from expediente_web.evidence.store import encrypt_plain_files, key_usage
        from expediente_web.protection.cipher import current_keyring

        current_keyring()  # this database's ring, before any file is touched
        done = encrypt_plain_files()
        usage = key_usage()
    click.echo(f"{done} evidence files encrypted; the store holds "
               + ", ".join(f"{n} under {k}" for k, n in sorted(usage.items())) if usage else
               f"{done} evidence files encrypted; the store is empty.")


@command.command(name="encrypt-database")
@data_dir_option
@actor_option
def encrypt_database(username: str | None) -> None:
    """Encrypt a plain embedded database with SQLCipher, under a database key added to the key
    ring (file) first.

    The encrypted copy is checked (integrity check, the row count of every table) before it
    replaces the plain file. Stop the server and the worker first.
    """
    with user_errors():
        open_database()
        from expediente_web.protection.database_key import encrypt_database as encrypt

        actor = acting_user(username)
        counts = encrypt(actor)
    click.echo(f"Database encrypted (SQLCipher): {len(counts)} tables, {sum(counts.values())} "
               "rows verified in the encrypted copy before it replaced the plain file. The key "
               "ring now holds the database key — back it up again, apart from the database, "
               "and renew any escrowed copy.")
