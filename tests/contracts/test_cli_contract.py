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


def test_case_commands_do_not_import_the_core_commands_back():
    """The case side of a command (`expediente_web.cli`) may use the core's shared CLI pieces
    (language, progress, the patterns report), never a core command module: those find the
    case side by name, and an import back would tie the two into a cycle."""
    import ast

    root = Path(__file__).resolve().parents[2] / "src"
    commands = {
        p.stem for p in (root / "expediente" / "cli").glob("*.py")
        if "@click.command" in p.read_text(encoding="utf-8")
        or "@click.group" in p.read_text(encoding="utf-8")
    }
    assert {"link", "patterns", "estimate"} <= commands
    for path in (root / "expediente_web" / "cli").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module:
                parts = node.module.split(".")
                if parts[:2] == ["expediente", "cli"] and len(parts) > 2:
                    assert parts[2] not in commands, f"{path.name} imports {node.module}"
