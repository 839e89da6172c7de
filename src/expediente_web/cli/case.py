"""`expediente case`: create and list cases, list a case's sources."""

from __future__ import annotations

import click

from expediente_web.cli.failures import user_errors
from expediente_web.cli.opening import acting_user, find_case, open_database
from expediente_web.cli.setup import actor_option, data_dir_option


@click.group(name="case")
def command() -> None:
    """Cases and their sources."""


@command.command(name="create")
@data_dir_option
@actor_option
@click.argument("code")
@click.option("--title", required=True, help="Title of the case.")
@click.option("--country", default="", help="Country (free text).")
@click.option("--period", default="", help="Period, a partial date or range: 2014/2019.")
@click.option("--description", default="")
def create(code: str, title: str, country: str, period: str, description: str,
           username: str | None) -> None:
    """Create case CODE (the acting --user becomes its owner)."""
    with user_errors():
        open_database()
        from expediente_web.cases.actions import do_create_case

        actor = acting_user(username)
        case = do_create_case(actor, code, title, country=country, period=period,
                              description=description)
    owner = f"; owner {username}" if username else ""
    click.echo(f"Created case {case.code} — {case.title}{owner}")


@command.command(name="list")
@data_dir_option
def list_cases() -> None:
    """List every case with its counts of sources, persons and acts."""
    with user_errors():
        open_database()
        from django.db.models import Count, Q

        from expediente_web.cases.models import Case
        from expediente_web.records.models import Act, Person

        cases = Case.objects.order_by("code").annotate(
            n_sources=Count("sources", filter=Q(sources__deleted_at__isnull=True)))
        rows = list(cases)
        if not rows:
            click.echo("No cases yet: create one with `expediente case create CODE --title …`")
            return
        click.echo("code\ttitle\tcountry\tsources\tpersons\tacts")
        for case in rows:
            persons = Person.objects.live().filter(case=case).count()
            acts = Act.objects.live().filter(case=case).count()
            click.echo(f"{case.code}\t{case.title}\t{case.country or '-'}\t{case.n_sources}\t"
                       f"{persons}\t{acts}")


@command.command(name="sources")
@data_dir_option
@click.argument("code")
def sources(code: str) -> None:
    """List the sources of case CODE with their kind, reliability and record counts."""
    with user_errors():
        open_database()
        from django.db.models import Count

        from expediente_web.records.models import Act, Person, Testimony

        case = find_case(code)

        def counts(model: type) -> dict[int, int]:
            rows = (model.objects.live().filter(case=case).values("source_id")
                    .annotate(n=Count("id")).values_list("source_id", "n"))
            return dict(rows)

        persons, acts, testimonies = counts(Person), counts(Act), counts(Testimony)
        listed = list(case.sources.live().order_by("code"))
        if not listed:
            click.echo(f"Case {code} has no sources yet.")
            return
        click.echo("code\tkind\treliability\tpersons\tacts\ttestimonies\tname")
        for s in listed:
            click.echo(f"{s.code}\t{s.kind}\t{s.reliability}\t{persons.get(s.pk, 0)}\t"
                       f"{acts.get(s.pk, 0)}\t{testimonies.get(s.pk, 0)}\t{s.name}")
