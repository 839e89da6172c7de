"""`expediente report`: make one edition of a case's report, signed, into a new folder."""

from __future__ import annotations

from pathlib import Path

import click

from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import open_case, open_database
from expediente_web.cli.setup import actor_option, data_dir_option

EDITION_CHOICES = ("public", "otp", "oas", "iachr", "confidential")
FORMAT_CHOICES = ("html", "pdf", "site")


@click.command(name="report")
@data_dir_option
@click.option("--case", "case_code", required=True, help="Code of the case.")
@click.option(
    "--edition",
    type=click.Choice(EDITION_CHOICES),
    required=True,
    help="Whom the edition is for: public (a publication), otp (the ICC Office of the "
    "Prosecutor, an art. 15 communication), oas (the OAS General Secretariat), iachr "
    "(the Inter-American Commission on Human Rights), confidential (the case's team).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(FORMAT_CHOICES),
    default="html",
    show_default=True,
    help="html: one page and its stylesheet; pdf; site: a folder "
    "of pages that works from the disk or any web server.",
)
@click.option(
    "--out",
    "out_dir",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write (new or empty).",
)
@click.option(
    "--lang",
    "language",
    type=click.Choice(["es", "en"]),
    default=None,
    help="Language of the report (default: the command's language).",
)
@actor_option
def command(
    case_code: str,
    edition: str,
    fmt: str,
    out_dir: Path,
    language: str | None,
    username: str | None,
) -> None:
    """Make the EDITION of a case's report: counts with small cells suppressed, the estimate,
    chains of command, the testimonies the witnesses consented to, a methodology annex.

    People appear by pseudonym only; no protected field is ever written. Every file is listed
    in MANIFEST.json, signed with the case's Ed25519 key: `expediente verify-release OUT`
    checks it offline.
    """
    from expediente.cli.language import cli_language

    with user_errors():
        open_database()
        from expediente_web.reports.access import EditionRefused
        from expediente_web.reports.actions import do_make_report
        from expediente_web.reports.signing import NoSigningKey

        case, actor = open_case(case_code, username)
        lang = language or cli_language()
        try:
            result = do_make_report(
                actor,
                case,
                edition,
                fmt,
                out_dir,
                language=lang,
                stage=lambda name: click.echo(f"… {name}", err=True),
            )
        except (EditionRefused, NoSigningKey) as exc:
            raise Refused(str(exc)) from None
    click.echo(
        f"Wrote the {edition} edition of case {case_code} ({fmt}, {lang}) to "
        f"{result.out_dir}: {len(result.files)} files"
    )
    click.echo(
        f"Signed with the case's key {result.fingerprint}; check it with "
        f"`expediente verify-release {result.out_dir}`."
    )
