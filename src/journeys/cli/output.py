"""Printing results: JSON for scripts, Rich tables and lines for people."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from journeys.errors import InvalidInputError

console = Console(highlight=False, soft_wrap=True)
error_console = Console(stderr=True, highlight=False, soft_wrap=True)


def _default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if hasattr(value, "to_dict"):
        return value.to_dict()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def print_json(value: Any) -> None:
    """Print a value as indented JSON on standard output."""
    print(json.dumps(value, default=_default, indent=2, ensure_ascii=False))


def table(title: str | None, columns: list[str], rows: list[list[Any]]) -> None:
    """Print rows as a table with the given column headers."""
    grid = Table(title=title, title_justify="left")
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*[format_cell(cell) for cell in row])
    console.print(grid)


def format_cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S UTC")
    if isinstance(value, float):
        return f"{value:.2f}"
    return str(value)


def check_output_file(path: Path | None, option: str) -> None:
    """Reject an output path that cannot be written, before any work is done."""
    if path is None:
        return
    if path.is_dir():
        raise InvalidInputError(f"{option} {path} is a folder; give a file name, such as {path / 'results.csv'}")
    if not path.parent.is_dir():
        raise InvalidInputError(f"{option} {path}: the folder {path.parent} does not exist; create it first")


def say(message: str) -> None:
    console.print(message, markup=False)
