"""`expediente panel …`: the independent panel review of a case's element matrix at the console.

- `panel freeze --case C --user U [--reviewers a,b,c] [--count N]` freezes the matrix as it
  stands into the case's next version and assigns the reviewers named (three needed by default,
  or `--count`; at least two).
- `panel status --case C [--version N]` says who reviews the version (the latest by default),
  who has submitted and who has signed off — never what anyone found.
- `panel show --case C --version N --user U` prints the consolidated findings (majority, spread,
  each reviewer's rung, the dissents with their reasoning, Krippendorff's alpha), only once every
  reviewer has submitted.

Labels are in the command's language (`--lang`, else `expediente --lang`, `EXPEDIENTE_LANG`,
the locale). Bad input (an unknown case, user or version, a reviewer who may not review) exits
2 with a message; a refused role exits 3; a version that does not match its digest exits 1.
"""

from __future__ import annotations

from typing import Any

import click

from expediente.cli.language import LANGUAGES, cli_language, say, set_language, term_label
from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import acting_user, open_case, open_database
from expediente_web.cli.setup import actor_option, data_dir_option

__all__ = ["command"]

EXIT_ALTERED = 1

lang_option = click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the labels (default: the command's language).",
)


@click.group(name="panel")
def command() -> None:
    """The independent panel review of a case's element matrix."""


def _version(user: Any, case: Any, number: int | None) -> tuple[Any, dict[str, Any]]:
    from expediente_web.panel.access import VersionAltered, access_verified, access_versions

    if number is None:
        latest = access_versions(user, case).first()
        if latest is None:
            raise Refused(
                say(
                    f"Case {case.code} has no frozen version yet: `expediente panel freeze`",
                    f"El caso {case.code} no tiene todavía una versión congelada: "
                    "`expediente panel freeze`",
                )
            )
        number = latest.number
    if number < 1:
        raise Refused(say("--version is a number from 1", "--version es un número desde 1"))
    from django.http import Http404

    try:
        return access_verified(user, case, number)
    except Http404:
        raise Refused(
            say(
                f"No version {number} in case {case.code}",
                f"No hay versión {number} en el caso {case.code}",
            )
        ) from None
    except VersionAltered as exc:
        raise Refused(str(exc), EXIT_ALTERED) from None


def _group_label(group: dict[str, Any], lang: str) -> str:
    if group.get("contextual"):
        return "Elementos contextuales" if lang == "es" else "Contextual elements"
    return term_label(group["id"], lang)


def _rung(value: Any, lang: str) -> str:
    from expediente.legal.ladder import Ladder

    if value is None:
        return "-"
    rung = value if isinstance(value, Ladder) else Ladder.from_term(str(value))
    return rung.label(lang)


def _when(moment: Any) -> str:
    return f"{moment:%Y-%m-%d %H:%M} UTC" if moment else "-"


@command.command(name="freeze")
@data_dir_option
@actor_option
@click.option("--case", "case_code", required=True, help="The case's code.")
@click.option(
    "--reviewers",
    default="",
    help="Usernames of the reviewers, separated by commas (more can be assigned later).",
)
@click.option(
    "--count",
    type=int,
    default=None,
    help="How many reviewers the version needs (default: 3, or as many as --reviewers names "
    "when more).",
)
def freeze(case_code: str, reviewers: str, count: int | None, username: str | None) -> None:
    """Freeze the case's element matrix for the panel's review."""
    names = [n.strip() for n in reviewers.split(",") if n.strip()]
    if len(set(names)) != len(names):
        raise Refused(
            say("--reviewers names someone twice", "--reviewers nombra a alguien dos veces")
        )
    with user_errors():
        open_database()
        from django.db import transaction

        from expediente_web.panel.actions import DEFAULT_REVIEWERS, do_freeze_version

        case, actor = open_case(case_code, username)
        if actor is None:
            raise Refused(
                say(
                    "Freezing a version needs --user: an owner or analyst of the case",
                    "Congelar una versión requiere --user: un propietario o analista del caso",
                )
            )
        users = [acting_user(name) for name in names]
        needed = count if count is not None else max(DEFAULT_REVIEWERS, len(users))
        with transaction.atomic():
            version = do_freeze_version(actor, case, reviewers_required=needed, reviewers=users)
    click.echo(
        say(
            f"Version {version.number} of case {case.code} frozen; digest {version.digest}",
            f"Versión {version.number} del caso {case.code} congelada; resumen {version.digest}",
        )
    )
    click.echo(
        say(
            f"Reviewers: {', '.join(names) or '-'} ({len(names)} of {version.reviewers_required})",
            f"Revisores: {', '.join(names) or '-'} ({len(names)} de {version.reviewers_required})",
        )
    )


@command.command(name="status")
@data_dir_option
@actor_option
@click.option("--case", "case_code", required=True, help="The case's code.")
@click.option("--version", "number", type=int, default=None, help="The version (default: latest).")
@lang_option
def status(case_code: str, number: int | None, lang: str | None, username: str | None) -> None:
    """Who reviews a version, who has submitted and who has signed off (never their findings)."""
    if lang:
        set_language(lang)
    with user_errors():
        open_database()
        from expediente_web.panel.access import access_round

        case, actor = open_case(case_code, username)
        version, _content = _version(actor, case, number)
        state = access_round(actor, version)
    es = cli_language() == "es"
    click.echo(
        f"{'caso' if es else 'case'} {case.code} · {'versión' if es else 'version'} "
        f"{version.number} · {_when(version.frozen_at)} · {version.frozen_by_name}"
    )
    click.echo(
        f"{'resumen' if es else 'digest'} {version.digest} ({'verificado' if es else 'verified'})"
    )
    if state.signed_off:
        line = say(
            f"signed off by every reviewer; closed {_when(state.closed_at)}",
            f"firmado por todos los revisores; cerrado {_when(state.closed_at)}",
        )
    elif state.complete:
        line = say(
            "every reviewer has submitted; awaiting sign-off",
            "todos los revisores entregaron; falta la firma",
        )
    else:
        done, needed = len(state.submitted), version.reviewers_required
        line = say(
            f"{done} of {needed} reviewers have submitted; findings stay unread until all have",
            f"{done} de {needed} revisores entregaron; los hallazgos no se leen hasta que todos "
            "entreguen",
        )
    click.echo(line)
    click.echo(
        "revisor\tasignado\tentregado\tfirmado"
        if es
        else "reviewer\tassigned\tsubmitted\tsigned off"
    )
    for a in state.assignments:
        click.echo(
            f"{a.reviewer_name}\t{_when(a.assigned_at)}\t{_when(a.submitted_at)}\t"
            f"{_when(a.signed_off_at)}"
        )
    missing = version.reviewers_required - len(state.assignments)
    if missing > 0:
        click.echo(
            say(
                f"{missing} reviewer(s) still to assign",
                f"faltan {missing} revisor(es) por asignar",
            )
        )


@command.command(name="show")
@data_dir_option
@actor_option
@click.option("--case", "case_code", required=True, help="The case's code.")
@click.option("--version", "number", type=int, required=True, help="The version.")
@lang_option
def show(case_code: str, number: int, lang: str | None, username: str | None) -> None:
    """The consolidated findings of a version, once every reviewer has submitted."""
    if lang:
        set_language(lang)
    with user_errors():
        open_database()
        from expediente_web.panel.access import access_round
        from expediente_web.panel.consolidation import consolidated
        from expediente_web.workspace.actions import do_record_identity_view

        case, actor = open_case(case_code, username)
        if actor is None:
            raise Refused(
                say(
                    "The consolidated findings are read by a member of the case: --user NAME",
                    "Los hallazgos consolidados los lee un miembro del caso: --user NOMBRE",
                )
            )
        version, content = _version(actor, case, number)
        state = access_round(actor, version)
        if not state.complete:
            raise Refused(
                say(
                    f"The consolidated findings of version {version.number} open once every "
                    f"reviewer has submitted ({len(state.submitted)} of "
                    f"{version.reviewers_required} have)",
                    f"Los hallazgos consolidados de la versión {version.number} se abren cuando "
                    f"todos los revisores entregaron ({len(state.submitted)} de "
                    f"{version.reviewers_required} lo hicieron)",
                )
            )
        result = consolidated(actor, version, content)
        do_record_identity_view(
            actor,
            case,
            [f"panelversion:{version.uid}"],
            page="cli:panel-show",
            fields=["finding_reasoning"],
        )
    _print(case, version, state, result, cli_language())


def _alpha(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _print(case: Any, version: Any, state: Any, result: Any, lang: str) -> None:
    es = lang == "es"
    click.echo(
        f"{'caso' if es else 'case'} {case.code} · {'versión' if es else 'version'} "
        f"{version.number} · {'resumen' if es else 'digest'} {version.digest}"
    )
    click.echo(
        say(
            f"Krippendorff's alpha (ordinal), {result.elements} elements, "
            f"{len(result.reviewers)} reviewers: {_alpha(result.alpha)}",
            f"Alfa de Krippendorff (ordinal), {result.elements} elementos, "
            f"{len(result.reviewers)} revisores: {_alpha(result.alpha)}",
        )
    )
    click.echo(
        say(
            "Alpha: 1 full agreement, 0 no more than chance; over one element it is not "
            "informative (see each element's majority and spread).",
            "Alfa: 1 acuerdo pleno, 0 no más que el azar; sobre un solo elemento no es "
            "informativo (vea la mayoría y la dispersión de cada elemento).",
        )
    )
    header = [
        "elemento" if es else "element",
        "analista" if es else "analyst",
        *result.reviewers,
        "mayoría" if es else "majority",
        "dispersión" if es else "spread",
    ]
    for group in result.groups:
        click.echo("")
        click.echo(f"{_group_label(group.group, lang)} — alpha {_alpha(group.alpha)}")
        click.echo("\t".join(header))
        for row in group.rows:
            rungs = {r: f.rung for r, f in row.findings}
            majority = row.consensus.majority
            click.echo(
                "\t".join(
                    [
                        row.element["id"],
                        _rung(row.element["rung"], lang),
                        *(_rung(rungs.get(r), lang) for r in result.reviewers),
                        _rung(majority, lang)
                        if majority is not None
                        else ("sin mayoría" if es else "no majority"),
                        str(row.consensus.spread),
                    ]
                )
            )
        for row in group.rows:
            for reviewer, finding in row.dissent:
                reasoning = " ".join(finding.reasoning.split())
                click.echo(
                    f"  {'disiente' if es else 'dissent'} {row.element['id']} · {reviewer} · "
                    f"{_rung(finding.rung, lang)}: {reasoning}"
                )
    click.echo("")
    for a in state.assignments:
        signed = (
            _when(a.signed_off_at)
            if a.signed_off_at
            else ("sin firmar" if es else "not signed off")
        )
        click.echo(f"{'firma' if es else 'sign-off'} {a.reviewer_name}: {signed}")
