"""Printing results: JSON for scripts, Rich tables and lines for people."""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

from journeys.errors import InvalidInputError

# The file name that output options read as standard output, as most command-line tools do.
STANDARD_STREAM = "-"

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


def check_output_file(path: Path | None, option: str, *, inputs: Sequence[Path] = ()) -> None:
    """Reject an output path that cannot be written, or that is one of the command's `inputs`, before any work is done.

    An input counts as the same file when both paths resolve to one path, or
    name one file through a hard link.
    """
    if path is None:
        return
    if path.is_dir():
        raise InvalidInputError(f"{option} {path} is a folder; give a file name, such as {path / 'results.csv'}")
    if not path.parent.is_dir():
        raise InvalidInputError(f"{option} {path}: the folder {path.parent} does not exist; create it first")
    for source in inputs:
        if _same_file(path, source):
            raise InvalidInputError(
                f"{option} {path} is the input file {source}, which the output would overwrite; "
                f"give another file name, such as {path.with_name(path.stem + '-out' + path.suffix)}"
            )


def is_standard_output(path: Path | None) -> bool:
    """Return whether an output option is `-`, which means standard output."""
    return path is not None and str(path) == STANDARD_STREAM


def _same_file(first: Path, second: Path) -> bool:
    if first.resolve() == second.resolve():
        return True
    try:
        return os.path.samefile(first, second)
    except OSError:
        # One of them does not exist yet, so they cannot be one file.
        return False


def say(message: str) -> None:
    console.print(message, markup=False)
