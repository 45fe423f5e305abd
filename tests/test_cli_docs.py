"""Every command documents itself with an example, and the README names every command group."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import typer

from journeys.cli.main import app

README = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")


def leaf_commands() -> list[tuple[str, Any]]:
    root = typer.main.get_command(app)
    found: list[tuple[str, Any]] = []

    def walk(prefix: str, command: Any) -> None:
        if hasattr(command, "commands"):
            for name, child in command.commands.items():
                walk(f"{prefix} {name}".strip(), child)
        else:
            found.append((prefix, command))

    walk("", root)
    return found


@pytest.mark.parametrize(("name", "command"), leaf_commands(), ids=[name for name, _ in leaf_commands()])
def test_command_help_has_example(name: str, command: Any) -> None:
    assert "Example:" in (command.help or ""), f"`journeys {name}` has no example in its help"


@pytest.mark.parametrize("group", sorted({name.split()[0] for name, _ in leaf_commands()}))
def test_readme_mentions_command(group: str) -> None:
    assert f"journeys {group}" in README
