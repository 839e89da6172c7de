"""The key a case signs its report editions with: an Ed25519 key of the case, derived from the
key ring's signing key.

The key ring already holds an Ed25519 seed, `signing_key`, for the audit chain's checkpoints.
A case's release key is derived from it with HKDF-SHA256 (the case's code in the `info`, under a
label of its own), so that each case publishes under a key of its own, the same every time, the
ring's file format does not change, and a signature on an edition can never be taken for an
audit checkpoint or for another case's edition. Whoever holds the key ring can sign; a
recipient checks the fingerprint printed when the edition is made (`expediente report`), or the
public key written beside it, against the one the case's team gave them.
"""

from __future__ import annotations

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from expediente_web.cases.models import Case

__all__ = ["LABEL", "case_release_key", "public_key_pem"]

LABEL = b"expediente release signing key v1\x00"


class NoSigningKey(ValueError):
    """The key ring holds no signing key to derive a case's release key from."""


def case_release_key(case: Case) -> Ed25519PrivateKey:
    """The case's Ed25519 release key.

    Raises:
        NoSigningKey: the key ring has no `signing_key` (`expediente keys upgrade` adds one).
    """
    from expediente_web.protection.cipher import current_keyring

    ring = current_keyring()
    if ring.signing_key is None:
        raise NoSigningKey(
            "The key ring has no signing key, so no edition can be signed: run "
            "`expediente keys upgrade` to add one, then back the key ring up again."
        )
    seed = HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=LABEL + case.code.encode()
    ).derive(ring.signing_key)
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key_pem(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
