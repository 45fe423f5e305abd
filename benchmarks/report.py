"""The results of one benchmark session, as a Rich table and as the Markdown page."""

from __future__ import annotations

import inspect
import shlex
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import ModuleType

from rich.table import Table

from benchmarks.common import Context, Measurement, machine


@dataclass
class FigureResult:
    """One figure module's measurements and errors over every database of the session."""

    module: ModuleType
    measurements: list[Measurement] = field(default_factory=list)
    # (database, error message and the last lines of its traceback)
    errors: list[tuple[str, str]] = field(default_factory=list)

    @property
    def name(self) -> str:
        return str(getattr(self.module, "FIGURE", self.module.__name__.rsplit(".", 1)[-1]))

    @property
    def target(self) -> str:
        return str(getattr(self.module, "TARGET", ""))

    @property
    def description(self) -> str:
        return inspect.cleandoc(self.module.__doc__ or "")


def format_number(value: float) -> str:
    """Format a measured value with three significant digits, grouping thousands."""
    if value == 0:
        return "0"
    if abs(value) >= 100:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def met_label(met: bool | None) -> str:
    return {True: "yes", False: "no", None: "n/a"}[met]


def console_table(results: list[FigureResult]) -> Table:
    """Return the session's results as one Rich table, a row per measurement or error."""
    table = Table(title="Benchmarks")
    for column in ("figure", "database", "median", "range", "n", "target", "met"):
        table.add_column(column)
    for result in results:
        for m in result.measurements:
            table.add_row(
                m.figure, m.database, f"{format_number(m.median)} {m.unit}",
                f"{format_number(m.low)}–{format_number(m.high)}", str(len(m.samples)), m.target, met_label(m.met),
            )
        for database, error in result.errors:
            table.add_row(result.name, database, "[red]error[/red]", "", "", result.target, error.splitlines()[0])
    return table


def markdown_page(
    results: list[FigureResult], ctx: Context, databases: list[str], argv: list[str], notes: list[str] | None = None
) -> str:
    """Return the whole benchmarks page: how it was made, a summary, then one section per figure.

    `notes` are extra lines for the header, such as the load on the machine.
    """
    date = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    lines = [
        "# Benchmarks",
        "",
        "This page is written by the benchmark suite; do not edit it by hand. Regenerate it with",
        "",
        "```sh",
        f"python -m benchmarks {shlex.join(argv)}".rstrip(),
        "```",
        "",
        f"- Size: `{ctx.size}`; repeats per figure: {ctx.repeats}; databases: {', '.join(databases)}.",
        f"- Machine: {machine()}.",
        f"- Date: {date}.",
        "- Each figure runs on a new, empty database that it fills itself. The median is over",
        "  the samples; the range is their minimum and maximum. \"met\" compares the median",
        "  with the target, and is n/a where the target is stated for another size.",
        *(f"- {note}" for note in notes or []),
        "",
    ]
    lines += _summary(results, databases)
    errored = [result for result in results if result.errors]
    if errored:
        lines += ["**Errors:** " + ", ".join(f"`{result.name}`" for result in errored) + " failed; see their sections.", ""]
    for result in results:
        lines += _figure_section(result, machine(), date)
    return "\n".join(lines).rstrip() + "\n"


def _summary(results: list[FigureResult], databases: list[str]) -> list[str]:
    # One row per measurement name, with each database's median and whether it met its target.
    rows: dict[tuple[str, str], dict[str, Measurement]] = {}
    for result in results:
        for measurement in result.measurements:
            rows.setdefault((result.name, measurement.figure), {})[measurement.database] = measurement
    if not rows:
        return []

    lines = [
        "## Summary",
        "",
        f"| figure | measurement | {' | '.join(databases)} |",
        "|---|---|" + "---|" * len(databases),
    ]
    for (name, figure), by_database in rows.items():
        cells = [_summary_cell(by_database.get(database)) for database in databases]
        lines.append(f"| {name} | {figure} | {' | '.join(cells)} |")
    return [*lines, ""]


def _summary_cell(measurement: Measurement | None) -> str:
    if measurement is None:
        return ""
    median = f"{format_number(measurement.median)} {measurement.unit}"
    if measurement.met is None:
        return median
    return f"{median} (target {measurement.target}: {met_label(measurement.met)})"


def _figure_section(result: FigureResult, machine_text: str, date: str) -> list[str]:
    lines = [f"## {result.name}", ""]
    if result.description:
        lines += [result.description, ""]
    lines += [f"Target: {result.target}", ""]

    if result.measurements:
        lines += [
            "| measurement | database | median | range | samples | target | met | machine | date |",
            "|---|---|---|---|---|---|---|---|---|",
        ]
        for m in result.measurements:
            lines.append(
                f"| {m.figure} | {m.database} | {format_number(m.median)} {m.unit} "
                f"| {format_number(m.low)}–{format_number(m.high)} | {len(m.samples)} | {m.target} "
                f"| {met_label(m.met)} | {machine_text} | {date} |"
            )
        lines.append("")
        commands = sorted({m.command for m in result.measurements if m.command})
        if commands:
            lines += ["Reproduce with:", "", "```sh", *commands, "```", ""]
        notes = [(m, note) for m in result.measurements for note in m.notes]
        if notes:
            lines += ["Notes:", ""]
            for m, note in notes:
                lines += _note_lines(f"{m.figure}, {m.database}", note)
            lines.append("")

    for database, error in result.errors:
        lines += [f"**Error on {database}:**", "", "```text", error.rstrip(), "```", ""]
    return lines


def _note_lines(where: str, note: str) -> list[str]:
    # A multi-line note (a profile table) goes in a code block under its bullet.
    if "\n" not in note:
        return [f"- {where}: {note}"]
    head, _, body = note.partition("\n")
    return [f"- {where}: {head}", "", "  ```text", *[f"  {line}" for line in body.splitlines()], "  ```", ""]
