"""`expediente examination check --case C`: the acts of a case outside temporal jurisdiction.

Against the day the Statute entered into force for the State (the case's jurisdiction basis,
set on the preliminary-examination pages), each live act is *within*, *outside* (its latest
possible date is before that day), *may be outside* (an imprecise date that spans the day) or
*undated*. The command prints the counts and lists the acts outside and those that may be;
`--json` writes the same as data. Exit code 1 when any act is outside or may be, 0 when none is,
2 when the case has no jurisdiction basis.
"""

from __future__ import annotations

import json

import click

from expediente.cli.language import say
from expediente_web.cli.failures import Refused, user_errors
from expediente_web.cli.opening import open_case, open_database
from expediente_web.cli.setup import actor_option, data_dir_option

__all__ = ["command"]

LISTED = ("outside", "straddling")


@click.group(name="examination")
def command() -> None:
    """The preliminary examination of a case."""


@command.command(name="check")
@data_dir_option
@actor_option
@click.option("--case", "case_code", required=True, help="The case's code.")
@click.option("--json", "as_json", is_flag=True, help="Write the check as JSON.")
def check(case_code: str, as_json: bool, username: str | None) -> None:
    """List the acts of a case outside temporal jurisdiction, and those that may be."""
    with user_errors():
        open_database()
        from expediente_web.examination.access import access_jurisdiction
        from expediente_web.examination.temporal import bucket_filter, temporal_counts
        from expediente_web.records.access import access_records
        from expediente_web.records.models import Act

        case, actor = open_case(case_code, username)
        basis = access_jurisdiction(actor, case)
        if basis is None:
            raise Refused(
                say(
                    f"case {case.code} has no jurisdiction basis: set it on the case's "
                    "preliminary-examination pages",
                    f"el caso {case.code} no tiene fundamento de la competencia: establézcalo "
                    "en las páginas del examen preliminar del caso",
                )
            )
        day = basis.entry_into_force
        # The operator (no --user) holds the data directory and reads every act.
        acts = (
            Act.objects.live().filter(case=case)
            if actor is None
            else access_records(actor, case, Act)
        )
        counts = temporal_counts(acts, day)
        listed = {
            bucket: [
                {
                    "act": str(act.uid),
                    "source": act.source.code if act.source else None,
                    "row": act.source_record_id or None,
                    "act_type": act.act_type,
                    "date": act.date_text,
                }
                for act in acts.filter(bucket_filter(bucket, day))
                .select_related("source")
                .order_by("date_earliest", "id")
            ]
            for bucket in LISTED
        }
    if as_json:
        click.echo(
            json.dumps(
                {
                    "case": case.code,
                    "entry_into_force": day.isoformat(),
                    "bases": basis.bases,
                    "counts": counts,
                    **listed,
                },
                ensure_ascii=False,
                indent=2,
            )
        )
    else:
        click.echo(
            say(
                f"case {case.code}: the Statute entered into force for the State on {day}",
                f"caso {case.code}: el Estatuto entró en vigor para el Estado el {day}",
            )
        )
        click.echo(
            say(
                f"within {counts['within']}, outside {counts['outside']}, may be outside "
                f"{counts['straddling']}, undated {counts['undated']}",
                f"dentro {counts['within']}, fuera {counts['outside']}, pueden quedar fuera "
                f"{counts['straddling']}, sin fecha {counts['undated']}",
            )
        )
        titles = {
            "outside": say("outside", "fuera"),
            "straddling": say("may be outside", "pueden quedar fuera"),
        }
        for bucket in LISTED:
            for row in listed[bucket]:
                where = f"{row['source']} {row['row']}" if row["source"] else row["act"]
                click.echo(f"{titles[bucket]}\t{where}\t{row['act_type']}\t{row['date']}")
    if counts["outside"] or counts["straddling"]:
        raise SystemExit(1)
