"""The patterns report as the command line prints it: the indicators of scale and system with
their meaning, and the main rows of the method and targeting tables, in the command's language.
Printed the same by `expediente patterns` on a file and on a case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import click

from expediente.cli.language import cli_language, say, term_label
from expediente.patterns.report import INDICATORS, PatternReport, format_value, targeting_rows

__all__ = ["print_report"]


def print_report(report: PatternReport, echo: Callable[[str], Any] = click.echo) -> None:
    """Print the indicators, their meaning and the main rows of the method tables, in the
    language of the command (`expediente --lang`)."""
    es = cli_language() == "es"
    for section, title in (
        ("widespread", say("WIDESPREAD: scale, spread, duration",
                           "GENERALIZADO: escala, extensión, duración")),
        ("systematic", say("SYSTEMATIC: organised, following a pattern",
                           "SISTEMÁTICO: organizado, según un patrón")),
    ):
        echo(title)
        for ind in INDICATORS:
            if ind.section != section:
                continue
            name, meaning = (ind.es, ind.meaning_es) if es else (ind.en, ind.meaning_en)
            echo(f"  {name:<36} {format_value(report, ind.key):<28} {meaning}")
            if ind.key == "estimated_victims" and report.scale:
                echo(f"  {'':<36} {say('scale from', 'escala según')} {report.scale}")
        if section == "systematic":
            _print_tables(report, echo)
    for note in report.notes:
        echo(f"{say('note', 'nota')}: {note}")


def _print_tables(report: PatternReport, echo: Callable[[str], Any]) -> None:
    s = report.systematic
    if s.method_recurrence:
        echo(say("  Methods used in most places and units (top 5):",
                 "  Métodos usados en más lugares y unidades (los 5 primeros):"))
        for row in s.method_recurrence[:5]:
            echo(f"    {term_label(row['method']):<34} {row['acts']:>6,} "
                 + say(f"acts, {row['share_of_places']:.0%} of places, "
                       f"{row['share_of_units']:.0%} of units",
                       f"actos, {row['share_of_places']:.0%} de los lugares, "
                       f"{row['share_of_units']:.0%} de las unidades"))
    if s.co_occurrence:
        echo(say("  Methods used together in the same act (top 5; lift > 1 = more than by "
                 "chance):",
                 "  Métodos usados juntos en un mismo acto (los 5 primeros; lift > 1 = más que "
                 "por azar):"))
        for row in s.co_occurrence[:5]:
            echo(f"    {term_label(row['method_a'])} + {term_label(row['method_b'])}: "
                 f"{row['acts']:,} {say('acts', 'actos')}, lift {row['lift']:.2f}")
    rows, known = targeting_rows(report)
    if rows:
        victims = report.widespread.victims
        echo(say(f"  Victims by affiliation ({known:,} of {victims:,} victims have one; shares "
                 "are among them):",
                 f"  Víctimas por afiliación ({known:,} de {victims:,} víctimas tienen una; las "
                 "proporciones son entre ellas):"))
        for row in rows[:8]:
            extra = (say(f", {row['ratio']:.2f}× its share of the population at risk",
                         f", {row['ratio']:.2f}× su proporción en la población en riesgo")
                     if "ratio" in row else "")
            echo(f"    {term_label(row['group']):<34} {row['victims']:>6,} "
                 f"({row['share']:.0%}){extra}")
