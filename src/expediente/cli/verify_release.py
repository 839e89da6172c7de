"""``expediente verify-release DIR``: check a published edition against its signed manifest.

Works offline, on the folder alone. Exit 0: every file is as signed and the signature is
good; 1: something changed, was added or removed, the signature is bad, or the key is not
the pinned one; 2: the folder or its manifest cannot be read.
"""

from __future__ import annotations

from pathlib import Path

import click

from expediente.legal.manifest import ManifestError, load_public_key, verify_release


@click.command(name="verify-release")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--public-key",
    "public_key",
    type=click.Path(path_type=Path),
    default=None,
    help="The publisher's Ed25519 public key (PEM or raw base64); without it, compare the "
    "printed fingerprint with the one the publisher gave you.",
)
def command(directory: Path, public_key: Path | None) -> None:
    """Verify that DIRECTORY holds exactly the files its signed MANIFEST.json lists."""
    try:
        expected = load_public_key(public_key) if public_key is not None else None
        result = verify_release(directory, expected)
    except ManifestError as exc:
        click.echo(f"error: {exc}", err=True)
        raise SystemExit(2) from None
    for rel in result.changed:
        click.echo(f"CHANGED  {rel}")
    for rel in result.added:
        click.echo(f"ADDED    {rel}")
    for rel in result.removed:
        click.echo(f"REMOVED  {rel}")
    for what in result.unsafe:
        click.echo(f"UNSAFE   {what}")
    if not result.signature_ok:
        click.echo("BAD SIGNATURE  the manifest was altered or not signed with its key")
    if not result.key_ok:
        click.echo(f"WRONG KEY  signed with {result.fingerprint}, not with the key given")
    if result.ok:
        pinned = " (the key given)" if expected is not None else ""
        click.echo(
            f"OK: {result.files} files match the manifest, signed with {result.fingerprint}{pinned}"
        )
        if expected is None:
            click.echo("Compare this fingerprint with the one the publisher gave you.")
        return
    problems = len(result.changed) + len(result.added) + len(result.removed) + len(result.unsafe)
    problems += (not result.signature_ok) + (not result.key_ok)
    click.echo(
        f"FAILED: {problems} problem(s); this folder is not the release as signed.", err=True
    )
    raise SystemExit(1)
