"""`expediente backup` and `expediente restore`: one encrypted archive of the whole installation.

The archive is sealed with age to a passphrase (`--passphrase-file FILE`, or
$EXPEDIENTE_BACKUP_PASSPHRASE, or asked for at a terminal) or to age recipients (`--recipient
age1…`, repeatable; restore with `--identity FILE`). See docs/concepts/backup.md.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.setup import data_dir_option

PASSPHRASE_ENV = "EXPEDIENTE_BACKUP_PASSPHRASE"  # noqa: S105 (the name of a setting, not a password)


def _read_secret_file(path: str, what: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise Refused(f"Cannot read the {what} file {path}: {exc}") from None


def _passphrase(passphrase_file: str | None, confirm: bool) -> str:
    if passphrase_file:
        value = _read_secret_file(passphrase_file, "passphrase")
    elif os.environ.get(PASSPHRASE_ENV):
        value = os.environ[PASSPHRASE_ENV]
    elif sys.stdin.isatty():
        value = click.prompt("Backup passphrase", hide_input=True, confirmation_prompt=confirm)
    else:
        raise Refused(
            f"No passphrase for the backup: give --passphrase-file FILE or set {PASSPHRASE_ENV}"
            + (" (or --recipient age1…)" if confirm else " (or --identity FILE)")
        )
    if not value:
        raise Refused("The backup passphrase is empty")
    return value


def _identities(path: str) -> list[str]:
    text = _read_secret_file(path, "identity")
    found = [line.strip() for line in text.splitlines() if line.startswith("AGE-SECRET-KEY-")]
    if not found:
        raise Refused(f"{path} holds no age identity (a line AGE-SECRET-KEY-…)")
    return found


@click.command(name="backup")
@data_dir_option
@click.option(
    "--out",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="The archive to write (must not exist).",
)
@click.option(
    "--recipient",
    "recipients",
    multiple=True,
    metavar="AGE1…",
    help="Encrypt to this age public key instead of a passphrase (repeatable).",
)
@click.option(
    "--passphrase-file",
    type=click.Path(dir_okay=False),
    help=f"Read the passphrase from this file (else ${PASSPHRASE_ENV}, else a prompt).",
)
def backup_command(out: Path, recipients: tuple[str, ...], passphrase_file: str | None) -> None:
    """Write one encrypted archive of the database, the evidence files, the key ring and the
    secret key, with a manifest of their SHA-256. Never overwrites a file.
    """
    from expediente_web.backup.archive import BackupError, Seal

    if out.exists():
        raise Refused(f"{out} exists: a backup never overwrites a file")
    seal = (
        Seal(recipients=recipients)
        if recipients
        else Seal(passphrase=_passphrase(passphrase_file, confirm=True))
    )
    with user_errors():
        from expediente_web.cli.opening import open_database

        open_database()
        from django.db import DatabaseError

        from expediente_web.backup.make import make_backup

        try:
            made = make_backup(out, seal, progress=lambda s: click.echo(f"backup: {s}", err=True))
        except BackupError as exc:
            raise Refused(str(exc)) from None
        except DatabaseError as exc:
            raise Refused(f"Cannot read the database: {exc}") from None
    click.echo(
        f"backup written: {made.path} ({made.size} bytes; {made.vendor} database, "
        f"{made.rows} rows, {made.files} files)"
    )
    if not made.key_ring_included:
        click.echo(
            "WARNING: the key ring is not a file here (EXPEDIENTE_KEYS): it is NOT in this "
            "backup. Keep it apart; without it the protected values cannot be read.",
            err=True,
        )


@click.command(name="restore")
@click.argument("archive", type=click.Path(dir_okay=False, path_type=Path))
@click.option(
    "--data-dir",
    "data_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="The empty (or new) data directory to restore into.",
)
@click.option(
    "--identity",
    "identity_file",
    type=click.Path(dir_okay=False),
    help="An age identity file, for a backup sealed to a recipient key.",
)
@click.option(
    "--passphrase-file",
    type=click.Path(dir_okay=False),
    help=f"Read the passphrase from this file (else ${PASSPHRASE_ENV}, else a prompt).",
)
def restore_command(
    archive: Path, data_dir: Path, identity_file: str | None, passphrase_file: str | None
) -> None:
    """Restore a backup into an empty data directory; with DATABASE_URL set, into that (empty)
    database — a SQLite backup restores into PostgreSQL.
    """
    from django.db import DatabaseError

    from expediente_web.backup.archive import BackupError, Seal
    from expediente_web.backup.restore import (
        check_target,
        open_archive,
        restore_database,
        write_files,
    )

    root = data_dir.expanduser().absolute()
    try:
        check_target(root)
        seal = (
            Seal(identities=_identities(identity_file))
            if identity_file
            else Seal(passphrase=_passphrase(passphrase_file, confirm=False))
        )
        manifest, members = open_archive(archive, seal)
        click.echo(
            f"backup of {manifest.get('created_at')} ({manifest.get('vendor')} database, "
            f"{len(members)} members) verified against its manifest",
            err=True,
        )
        os.environ["EXPEDIENTE_DATA_DIR"] = str(root)
        files = write_files(root, members)
        with user_errors():
            from expediente_web.cli.setup import setup_django

            setup_django()
            from django.db import connection

            loaded = restore_database(root, members)
            vendor = connection.vendor
    except BackupError as exc:
        raise Refused(str(exc)) from None
    except DatabaseError as exc:
        raise Refused(f"Cannot write the database: {exc}") from None
    rows = sum(loaded.values()) if "(SQLite file)" not in loaded else None
    click.echo(
        f"restored into {root}: {files} files, {vendor} database"
        + (f" ({rows} rows)" if rows is not None else " (the SQLite file as it was)")
    )
    ring = manifest.get("key_ring_file")
    if ring and ring != "keys.json":
        click.echo(f"the key ring is {root / str(ring)}: set EXPEDIENTE_KEY_FILE to it", err=True)
    if not ring:
        click.echo("the backup holds no key ring file: set EXPEDIENTE_KEYS as before", err=True)
    click.echo("next: `expediente audit verify --records` against the restored data")
