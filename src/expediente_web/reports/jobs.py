"""A report made as a background job: the kind `report_edition` of the jobs app, registered
when the app is ready (`apps.py`), so that the web page can start a report and follow it.

The job writes the signed edition into a folder of the data directory, packs the folder into a
zip in memory, and keeps only that zip, **sealed**: AES-256-GCM under the key ring's active data
key, bound to the case and the report's id (`reports/<case>/<id>.sealed`), since an edition
(the confidential one above all) holds the case's words and the data directory holds nothing
of the case in clear. The folder is removed as soon as the zip is sealed. The download unseals
it in memory. A report sealed under a key that a rotation has since retired can no longer be
downloaded (make it again). The job's result names the report's id, never its content.
"""

from __future__ import annotations

import io
import os
import secrets
import shutil
import uuid
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.reports.editions import EDITIONS, FORMATS, LANGUAGES

__all__ = ["KIND", "clean", "register", "sealed_path", "unsealed_zip"]

KIND = "report_edition"
PARAMS = ("edition", "format", "lang")
MAGIC = b"EXPRPT1\n"
_NONCE = 12


def reports_root(case: Case) -> Path:
    return Path(settings.DATA_DIR) / "reports" / case.code


def sealed_path(case: Case, report_id: str) -> Path:
    return reports_root(case) / f"{uuid.UUID(report_id)}.sealed"


def _aad(case: Case, report_id: str, key_id: bytes) -> bytes:
    return MAGIC + key_id + b"\x00" + f"{case.code}/{uuid.UUID(report_id)}".encode()


def seal(case: Case, report_id: str, data: bytes) -> Path:
    """Write `data` sealed under the ring's active data key (atomically)."""
    from expediente_web.protection.cipher import current_keyring

    ring = current_keyring()
    key_id = ring.active.encode()
    nonce = secrets.token_bytes(_NONCE)
    body = AESGCM(ring.keys[ring.active]).encrypt(nonce, data, _aad(case, report_id, key_id))
    target = sealed_path(case, report_id)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".partial")
    partial.write_bytes(MAGIC + bytes([len(key_id)]) + key_id + nonce + body)
    os.replace(partial, target)
    return target


def unsealed_zip(case: Case, report_id: str) -> bytes | None:
    """The report's zip, or None when it is not there or cannot be unsealed with this ring."""
    from expediente_web.protection.cipher import current_keyring

    path = sealed_path(case, report_id)
    if not path.is_file():
        return None
    blob = path.read_bytes()
    if not blob.startswith(MAGIC) or len(blob) < len(MAGIC) + 1:
        return None
    size = blob[len(MAGIC)]
    start = len(MAGIC) + 1
    key_id = blob[start : start + size]
    nonce = blob[start + size : start + size + _NONCE]
    key = current_keyring().keys.get(key_id.decode("ascii", "replace"))
    if key is None:
        return None
    try:
        return AESGCM(key).decrypt(
            nonce, blob[start + size + _NONCE :], _aad(case, report_id, key_id)
        )
    except InvalidTag:
        return None


def clean(params: Mapping[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(params) - set(PARAMS))
    if unknown:
        raise InvalidInput(
            "params", _("unknown report parameter(s): %(names)s") % {"names": ", ".join(unknown)}
        )
    cleaned = {
        "edition": str(params.get("edition", "")),
        "format": str(params.get("format", "")),
        "lang": str(params.get("lang", "") or "es"),
    }
    for name, known in (("edition", EDITIONS), ("format", FORMATS), ("lang", LANGUAGES)):
        if cleaned[name] not in known:
            raise InvalidInput(
                name,
                _("%(value)s is not a valid %(name)s (one of: %(known)s)")
                % {"value": repr(cleaned[name]), "name": name, "known": ", ".join(known)},
            )
    return cleaned


def _check(actor: Any, case: Case) -> None:
    from expediente_web.reports.access import require_report_role

    require_report_role(actor, case)


def _run(actor: Any, case: Case, params: Mapping[str, Any], progress: Any) -> dict[str, Any]:
    from expediente_web.reports.access import EditionRefused
    from expediente_web.reports.actions import do_make_report
    from expediente_web.reports.signing import NoSigningKey

    report_id = str(uuid.uuid4())
    out = reports_root(case) / f".{report_id}"
    try:
        try:
            result = do_make_report(
                actor,
                case,
                params["edition"],
                params["format"],
                out,
                language=params["lang"],
                stage=progress.stage,
            )
        except (EditionRefused, NoSigningKey) as exc:
            raise InvalidInput("edition", str(exc)) from None
        progress.stage(gettext_noop("packing the download"))
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w", zipfile.ZIP_DEFLATED) as archive:
            for name in result.files:
                archive.write(out / name, f"{case.code}-{params['edition']}/{name}")
        seal(case, report_id, packed.getvalue())
    finally:
        shutil.rmtree(out, ignore_errors=True)
    return {
        "report": report_id,
        "edition": params["edition"],
        "format": params["format"],
        "lang": params["lang"],
        "files": len(result.files),
        "key": result.fingerprint,
    }


def register() -> None:
    """Add the kind to the jobs app's registry (once)."""
    from expediente_web.jobs.kinds import KINDS, Kind

    KINDS.setdefault(KIND, Kind(KIND, gettext_noop("report edition"), _check, clean, _run))
