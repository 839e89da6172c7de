"""Writes of the reports app: choosing a case's editions, and making one edition.

`do_make_report` assembles the edition (`assembly.py`), writes it in one format
(`rendering.py`) into a staging folder beside the output, signs every file with the case's
release key (`signing.py`, `expediente.legal.manifest`), moves the folder into place and records
one audit entry (edition, format, language, the manifest's SHA-256 and the key's fingerprint).
A refused or failed report leaves no folder behind.
"""

from __future__ import annotations

import hashlib
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from expediente.legal.manifest import MANIFEST_NAME, key_fingerprint, sign_release
from expediente_web.audit import chain
from expediente_web.audit.record import actor_name, record_write
from expediente_web.cases.access import MANAGE_ROLES, require_role
from expediente_web.cases.models import Case
from expediente_web.cases.validation import InvalidInput
from expediente_web.reports.access import EditionRefused, require_report_role
from expediente_web.reports.editions import EDITIONS, FORMATS, LANGUAGES
from expediente_web.reports.models import ReportSettings

__all__ = ["ReportResult", "do_make_report", "do_set_report_editions"]

Stage = Callable[[str], None]


@dataclass(frozen=True)
class ReportResult:
    out_dir: Path
    edition: str
    fmt: str
    language: str
    files: tuple[str, ...]
    fingerprint: str
    manifest_sha256: str


def do_set_report_editions(actor: Any, case: Case, editions: Iterable[str]) -> ReportSettings:
    """Choose the editions the case's reports may be made in (its owner only).

    Raises:
        NotPermitted: the actor is not the case's owner.
        InvalidInput: an unknown edition, or none at all.
    """
    require_role(actor, case, MANAGE_ROLES, gettext_noop("choose the report editions"))
    chosen = list(dict.fromkeys(str(e).strip() for e in editions if str(e).strip()))
    unknown = [e for e in chosen if e not in EDITIONS]
    if unknown:
        raise InvalidInput(
            "editions",
            _("unknown edition(s) %(names)s (one of: %(known)s)")
            % {"names": ", ".join(unknown), "known": ", ".join(EDITIONS)},
        )
    if not chosen:
        raise InvalidInput("editions", _("a case makes at least one edition"))
    ordered = [e for e in EDITIONS if e in chosen]
    with transaction.atomic():
        settings, _created = ReportSettings.objects.get_or_create(case=case)
        settings.editions = ordered
        settings.save()
        record_write(
            actor, "set_report_editions", settings, {"editions": ordered}, case_code=case.code
        )
    return settings


def _prepare(out_dir: Path) -> Path:
    """A staging folder beside `out_dir`, which must be new or empty."""
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise EditionRefused(
            _("%(path)s is not an empty folder: a report is written into a new or empty one")
            % {"path": str(out_dir)}
        )
    parent = out_dir.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.partial-", dir=parent))


def do_make_report(
    actor: Any,
    case: Case,
    edition: str,
    fmt: str,
    out_dir: str | Path,
    *,
    language: str = "en",
    stage: Stage | None = None,
) -> ReportResult:
    """Make the `edition` of the case's report in `fmt` (html, pdf, site) into `out_dir`.

    Raises:
        NotPermitted: the actor may not make the case's reports.
        EditionRefused: an unknown edition or one the case does not make, an output folder
            that is not empty, or victims who cannot be described without singling one out.
        InvalidInput: an unknown format or language.
    """
    from expediente_web.reports.assembly import assemble
    from expediente_web.reports.rendering import RENDERERS
    from expediente_web.reports.signing import case_release_key

    if fmt not in FORMATS:
        raise InvalidInput(
            "format",
            _("unknown format %(value)s (one of: %(known)s)")
            % {"value": repr(fmt), "known": ", ".join(FORMATS)},
        )
    if language not in LANGUAGES:
        raise InvalidInput(
            "lang",
            _("unknown language %(value)s (one of: %(known)s)")
            % {"value": repr(language), "known": ", ".join(LANGUAGES)},
        )
    require_report_role(actor, case)
    say = stage or (lambda _name: None)
    out = Path(out_dir)
    key = case_release_key(case)
    say(gettext_noop("assembling the edition"))
    data = assemble(actor, case, edition, language)
    staging = _prepare(out)
    try:
        say(gettext_noop("writing the files"))
        RENDERERS[fmt](data, staging)
        say(gettext_noop("signing the manifest"))
        sign_release(staging, key)
        manifest = (staging / MANIFEST_NAME).read_bytes()
        files = tuple(
            sorted(p.relative_to(staging).as_posix() for p in staging.rglob("*") if p.is_file())
        )
        if out.exists():
            out.rmdir()
        staging.rename(out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    result = ReportResult(
        out_dir=out,
        edition=edition,
        fmt=fmt,
        language=language,
        files=files,
        fingerprint=key_fingerprint(key.public_key()),
        manifest_sha256=hashlib.sha256(manifest).hexdigest(),
    )
    with transaction.atomic():
        chain.append(
            actor_name(actor),
            "make_report",
            case_code=case.code,
            object_type="case",
            object_id=case.code,
            payload={
                "edition": edition,
                "recipient": data.recipient.id,
                "format": fmt,
                "language": language,
                "files": len(files),
                "out_dir": str(out.absolute()),
                "manifest_sha256": result.manifest_sha256,
                "key": result.fingerprint,
            },
        )
    return result
