"""The `expediente` command.

Subcommands that work on files (estimate, link on files, demo-data) need no database. Subcommands
that work on a case set up Django when they run; they live in `expediente_web.cli` and are found
here by dotted path only, so that `import expediente` never imports Django.

Exit codes: 0 success; 1 a check found a problem (audit chain broken, evidence file changed);
2 bad usage or bad input (a file that failed validation, an unknown case); 3 not permitted.
"""

from __future__ import annotations

import importlib

import click

from expediente import __version__
from expediente.cli.language import LANGUAGES, set_language

# name → "module:attribute" of a click command; imported only when the command is used.
COMMANDS: dict[str, str] = {
    "init": "expediente_web.cli.init:command",
    "serve": "expediente_web.cli.serve:command",
    "demo": "expediente_web.cli.demo:command",
    "demo-data": "expediente.cli.demo_data:command",
    "import": "expediente_web.cli.import_:command",
    "export": "expediente_web.cli.export:command",
    "report": "expediente_web.cli.report:command",
    "audit": "expediente_web.cli.audit:command",
    "keys": "expediente_web.cli.keys:command",
    "check": "expediente_web.cli.check:command",
    "user": "expediente_web.cli.user:command",
    "api-token": "expediente_web.cli.api_tokens:command",
    "case": "expediente_web.cli.case:command",
    "assessment": "expediente_web.cli.assessment:command",
    "examination": "expediente_web.cli.examination:command",
    "panel": "expediente_web.cli.panel:command",
    "worker": "expediente_web.cli.jobs:worker_command",
    "jobs": "expediente_web.cli.jobs:command",
    "link": "expediente.cli.link:command",
    "estimate": "expediente.cli.estimate:command",
    "patterns": "expediente.cli.patterns:command",
    "verify-release": "expediente.cli.verify_release:command",
    "backup": "expediente_web.cli.backup:backup_command",
    "restore": "expediente_web.cli.backup:restore_command",
}

SHORT_HELP: dict[str, str] = {
    "init": "Create the data directory, key ring and database.",
    "serve": "Start the web application.",
    "demo": "Set up a demo data directory with the synthetic case and serve it.",
    "demo-data": "Generate the synthetic demo case as files (with its ground truth).",
    "import": "Import a file (or a whole case directory) into a case.",
    "export": "Export a whole case as CSV, JSON or Parquet.",
    "report": "Make a signed edition of a case's report (HTML, PDF or a static site).",
    "audit": "Verify the hash-chained audit log.",
    "keys": "Manage the key ring of protected fields (rotate).",
    "check": "Re-hash every stored evidence file and report any mismatch.",
    "user": "Create users and give them roles in cases.",
    "api-token": "Make, list and revoke the tokens of the REST API.",
    "case": "Create and list cases and sources.",
    "assessment": "The element matrix of a case: status, evidence and warnings per element.",
    "examination": "The preliminary examination: acts outside temporal jurisdiction.",
    "panel": "The independent panel review: freeze a version, who submitted, the consolidation.",
    "worker": "Run the background jobs the web pages queue.",
    "jobs": "List a case's background jobs and follow one to its end.",
    "link": "Resolve person records across sources into persons.",
    "estimate": "Estimate totals with multiple-systems estimation.",
    "patterns": "Counts over time, place, unit and method; indicators of scale and system.",
    "verify-release": "Check a published edition against its signed manifest (offline).",
    "backup": "Write one encrypted archive of the database, evidence and key ring.",
    "restore": "Restore a backup into an empty data directory (and database).",
}


class LazyGroup(click.Group):
    """A group whose subcommands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attr = target.partition(":")
        module = importlib.import_module(module_name)
        command: click.Command = getattr(module, attr)
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        # List commands from the table above so that `--help` imports nothing heavy.
        rows = [(name, SHORT_HELP.get(name, "")) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="expediente")
@click.option("--lang", type=click.Choice(LANGUAGES), default=None,
              help="Language of reports and vocabulary labels (default: EXPEDIENTE_LANG, "
                   "then the locale).")
def main(lang: str | None) -> None:
    """Expediente: turn testimonies into a case that holds up.

    Documentation, person linkage, multiple-systems estimation and legal assessment on one
    trustworthy record. Run `expediente COMMAND --help` for each command.
    """
    set_language(lang)
