"""Run every benchmark figure on each database and write the benchmarks page.

    python -m benchmarks [--size tiny|small|full] [--databases sqlite,postgresql]
                         [--repeats N] [--only FIGURE,...] [--note TEXT]
                         [--output docs/benchmarks.md]

A figure that raises is recorded on the page with its error, the others still run,
and the command exits with status 1 at the end.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import pkgutil
import sys
import tempfile
import traceback
from pathlib import Path
from types import ModuleType

from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

import benchmarks.figures
from benchmarks.common import SIZES, Context, postgres_unreachable_reason
from benchmarks.report import FigureResult, console_table, markdown_page

DATABASES = ("sqlite", "postgresql")


def parse_arguments(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=sorted(SIZES), default="small", help="row counts to measure at (default: small)")
    parser.add_argument("--databases", default=",".join(DATABASES), help="comma-separated: sqlite, postgresql (default: both)")
    parser.add_argument("--repeats", type=int, default=None, help="samples per figure (default: 1 for tiny, else 3)")
    parser.add_argument("--only", default="", help="comma-separated figure names or module names to run (default: all)")
    parser.add_argument(
        "--note", action="append", default=[],
        help="a line for the page's header, such as other load on the machine (repeatable)",
    )
    parser.add_argument("--output", type=Path, default=Path("docs/benchmarks.md"), help="Markdown page to write")
    arguments = parser.parse_args(argv)

    arguments.databases = [name.strip() for name in arguments.databases.split(",") if name.strip()]
    unknown = sorted(set(arguments.databases) - set(DATABASES))
    if unknown or not arguments.databases:
        parser.error(f"invalid --databases {','.join(unknown) or '(empty)'}: use sqlite, postgresql or both")
    if arguments.repeats is None:
        arguments.repeats = 1 if arguments.size == "tiny" else 3
    if arguments.repeats < 1:
        parser.error(f"invalid --repeats {arguments.repeats}: use 1 or more")
    return arguments


def discover_figures() -> list[ModuleType]:
    """Import every module of benchmarks/figures, in name order."""
    names = sorted(info.name for info in pkgutil.iter_modules(benchmarks.figures.__path__) if not info.name.startswith("_"))
    return [importlib.import_module(f"benchmarks.figures.{name}") for name in names]


def select_figures(modules: list[ModuleType], only: str) -> list[ModuleType]:
    requested = {name.strip() for name in only.split(",") if name.strip()}
    if not requested:
        return modules
    chosen = [m for m in modules if getattr(m, "FIGURE", None) in requested or m.__name__.rsplit(".", 1)[-1] in requested]
    known = {getattr(m, "FIGURE", "") for m in modules} | {m.__name__.rsplit(".", 1)[-1] for m in modules}
    missing = sorted(requested - known)
    if missing:
        raise SystemExit(f"unknown figure {', '.join(missing)}; figures are: {', '.join(sorted(known - {''}))}")
    return chosen


def run_session(figures: list[ModuleType], ctx: Context, databases: list[str], console: Console) -> list[FigureResult]:
    """Measure every figure on every database; an error is recorded and the session goes on."""
    results = [FigureResult(module) for module in figures]
    unreachable = postgres_unreachable_reason() if "postgresql" in databases else None

    columns = (TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"), TimeElapsedColumn())
    with Progress(*columns, console=console, transient=False) as progress:
        task = progress.add_task("benchmarks", total=len(figures) * len(databases))
        for result in results:
            for database in databases:
                progress.update(task, description=f"{result.name} on {database}")
                if database == "postgresql" and unreachable is not None:
                    result.errors.append((database, f"PostgreSQL is unreachable: {unreachable}"))
                else:
                    _measure(result, ctx, database)
                progress.advance(task)
    return results


def _measure(result: FigureResult, ctx: Context, database: str) -> None:
    try:
        result.measurements += result.module.measure(ctx, database)
    except Exception as exc:  # noqa: BLE001 - one figure's failure must not stop the others
        trace = traceback.format_exception(exc)
        result.errors.append((database, f"{type(exc).__name__}: {exc}\n" + "".join(trace[-6:])))


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    arguments = parse_arguments(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    console = Console(stderr=True)
    figures = select_figures(discover_figures(), arguments.only)

    with tempfile.TemporaryDirectory(prefix="journeys-bench-") as folder:
        ctx = Context(size=arguments.size, repeats=arguments.repeats, work_dir=Path(folder))
        results = run_session(figures, ctx, arguments.databases, console)

    console.print(console_table(results))
    arguments.output.parent.mkdir(parents=True, exist_ok=True)
    arguments.output.write_text(markdown_page(results, ctx, arguments.databases, argv, arguments.note), encoding="utf-8")
    console.print(f"Wrote {arguments.output}.")

    failed = [f"{result.name} on {database}" for result in results for database, _ in result.errors]
    if failed:
        console.print(f"[red]{len(failed)} figure runs failed: {', '.join(failed)}.[/red]")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
