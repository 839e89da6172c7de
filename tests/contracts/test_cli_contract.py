"""Every `expediente` subcommand resolves to a click command and is documented."""

from __future__ import annotations

from pathlib import Path

import click
import pytest

from expediente.cli import COMMANDS, SHORT_HELP, main

DOCS = Path(__file__).resolve().parents[2] / "docs" / "reference" / "cli.md"


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_loads(name):
    command = main.get_command(click.Context(main), name)
    assert isinstance(command, click.Command)
    assert name in SHORT_HELP


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_is_documented(name):
    assert f"expediente {name}" in DOCS.read_text(encoding="utf-8")
