"""Running an import from the command line: options, a progress bar and the printed report."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeRemainingColumn
from sqlalchemy import Engine

from journeys.cli.output import say, table
from journeys.errors import InvalidInputError
from journeys.importer.service import ImportOptions, import_recipients

# Files smaller than this import too fast for a progress bar to help.
PROGRESS_MIN_BYTES = 5_000_000
ROWS_SHOWN = 50


def import_options(
    file: Path,
    mappings: list[str] | None,
    default_region: str | None,
    encoding: str | None,
    delimiter: str | None,
    decimal_comma: bool,
    date_format: str | None,
    datetime_format: str | None = None,
) -> ImportOptions:
    """Build import options from command-line values, rejecting malformed ones."""
    mapping: dict[str, str] = {}
    for entry in mappings or []:
        column, separator, field = entry.partition("=")
        if not separator or not column.strip() or not field.strip():
            raise InvalidInputError(
                f"invalid --map {entry!r}: write COLUMN=field, e.g. --map 'Mobile=phone_number', "
                "or COLUMN=- to ignore a column"
            )
        mapping[column.strip()] = field.strip()
    return ImportOptions(
        mapping=mapping,
        default_region=default_region,
        encoding=encoding,
        delimiter=delimiter,
        decimal="," if decimal_comma else ".",
        date_format=date_format,
        datetime_format=datetime_format,
        filename=file.name,
    )


def run_import(
    engine: Engine, run_id: int, file: Path, options: ImportOptions, *,
    rejected: Path | None, dry_run: bool, quiet: bool, now: datetime,
) -> Any:
    """Import with a progress bar for large files, unless `quiet`."""
    if not file.is_file():
        raise InvalidInputError(f"recipient file {file} not found; check its name and path, or give the full path")
    if quiet or file.stat().st_size < PROGRESS_MIN_BYTES:
        return import_recipients(engine, run_id, file, options=options, now=now, rejected_path=rejected, dry_run=dry_run)

    columns = (TextColumn("Importing {task.fields[name]}"), BarColumn(), DownloadColumn(), TimeRemainingColumn())
    with Progress(*columns, transient=True) as progress:
        task = progress.add_task("import", total=file.stat().st_size, name=file.name)

        def advance(done: int, total: int) -> None:
            progress.update(task, completed=done, total=total)

        return import_recipients(
            engine, run_id, file, options=options, now=now, rejected_path=rejected, dry_run=dry_run, progress=advance
        )


def print_import_report(report: Any, *, dry_run: bool, rejected: Path | None) -> None:
    """Print an import report for people."""
    data = report.to_dict()
    verb = "Would import" if dry_run else "Imported"
    say(
        f"{verb} {_count(data['accepted'], 'recipient')} from {_count(data['rows'], 'row')}; "
        f"rejected {_count(data['rejected_rows'], 'row')} with errors and "
        f"{_count(data['duplicate_count'], 'duplicate')}; skipped {_count(data['blank_rows'], 'blank row')}."
    )
    fallback = " (not UTF-8: read as the fallback encoding)" if data.get("encoding_fallback") else ""
    delimiter = "tab" if data["delimiter"] == "\t" else repr(data["delimiter"])
    say(f"Encoding: {data['encoding']}{fallback}; delimiter: {delimiter}.")
    if data.get("mapping"):
        say("Columns: " + ", ".join(f"{column} -> {field}" for column, field in data["mapping"].items()))
    if data.get("unmapped_columns"):
        say("Columns not mapped to any field (ignored): " + ", ".join(data["unmapped_columns"]))
    _print_row_errors(data)
    _print_duplicates(data)
    if rejected and data["rejected_rows"]:
        say(f"Rejected rows written to {rejected}; fix them there and import that file again.")


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"


def _print_row_errors(data: dict[str, Any]) -> None:
    errors = data.get("row_errors") or []
    if not errors:
        return
    shown = errors[:ROWS_SHOWN]
    table("Rejected rows", ["line", "column", "value", "reason"],
          [[e["line"], e["column"], e.get("value"), e.get("message") or e["reason"]] for e in shown])
    if data["row_error_count"] > len(shown):
        say(f"... and {data['row_error_count'] - len(shown)} more; use --rejected FILE or --json to see all.")


def _print_duplicates(data: dict[str, Any]) -> None:
    duplicates = data.get("duplicates") or []
    if not duplicates:
        return
    shown = duplicates[:ROWS_SHOWN]
    table("Duplicate phone numbers (the first row was kept)", ["line", "phone", "duplicate of"],
          [[d["line"], d["phone_number"], d["duplicate_of"]] for d in shown])
    if data["duplicate_count"] > len(shown):
        say(f"... and {data['duplicate_count'] - len(shown)} more duplicates.")
