"""`expediente assessment show --case C`: a case's element matrix at the console.

Each element with its rung on the ladder, its supporting and contradicting evidence, the number
of independent sources and the warnings, group by group (the contextual elements, then each
selected crime). Labels are in the command's language (`--lang`, else `expediente --lang`,
`EXPEDIENTE_LANG`, the locale); `--json` writes the same rows as data, with term ids and labels.
"""

from __future__ import annotations

import json

import click

from expediente.cli.language import LANGUAGES, cli_language, set_language, term_label
from expediente_web.cli.failures import user_errors
from expediente_web.cli.opening import open_case, open_database
from expediente_web.cli.setup import actor_option, data_dir_option

__all__ = ["command"]


@click.group(name="assessment")
def command() -> None:
    """The element matrix of a case."""


def _group_label(group_id: str, lang: str) -> str:
    if group_id == "art7.contextual":
        return "Elementos contextuales" if lang == "es" else "Contextual elements"
    return term_label(group_id, lang)


@command.command(name="show")
@data_dir_option
@actor_option
@click.option("--case", "case_code", required=True, help="The case's code.")
@click.option("--json", "as_json", is_flag=True, help="Write the matrix as JSON.")
@click.option(
    "--lang",
    type=click.Choice(LANGUAGES),
    default=None,
    help="Language of the labels (default: the command's language).",
)
def show(case_code: str, as_json: bool, lang: str | None, username: str | None) -> None:
    """Print the element matrix of a case: status, evidence counts and warnings."""
    if lang:
        set_language(lang)
    with user_errors():
        open_database()
        from expediente_web.assessment.loading import load_matrix

        case, actor = open_case(case_code, username)
        loaded = load_matrix(actor, case)
    lang = cli_language()
    groups = [
        {
            "id": group.id,
            "label": _group_label(group.id, lang),
            "status": group.status.term_id if group.status is not None else None,
            "status_label": group.status.label(lang) if group.status is not None else None,
            "rows": [
                {
                    "element": row.spec.id,
                    "label": row.spec.label(lang),
                    "status": row.status.term_id,
                    "status_label": row.status.label(lang),
                    "supporting": row.supporting,
                    "contradicting": row.contradicting,
                    "independent_sources": row.independent,
                    "flags": [flag.value for flag in row.flags],
                    "flag_labels": [term_label(flag.value, lang) for flag in row.flags],
                }
                for row in group.rows
            ],
        }
        for group in loaded.groups
    ]
    if as_json:
        click.echo(
            json.dumps(
                {"case": case.code, "language": lang, "groups": groups},
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    es = lang == "es"
    header = (
        "elemento\testado\ta favor\ten contra\tfuentes indep.\tadvertencias"
        if es
        else "element\tstatus\tsupporting\tcontradicting\tindependent\twarnings"
    )
    click.echo(f"{'caso' if es else 'case'} {case.code}")
    for group in groups:
        click.echo("")
        click.echo(f"{group['label']} — {group['status_label']}")
        click.echo(header)
        for row in group["rows"]:
            flags = "; ".join(row["flag_labels"]) or "-"
            click.echo(
                f"{row['element']}\t{row['status_label']}\t{row['supporting']}\t"
                f"{row['contradicting']}\t{row['independent_sources']}\t{flags}"
            )
