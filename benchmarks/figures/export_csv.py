"""CSV export: recipients and events per second, and the exporting process's peak memory.

Each sample runs `journeys run export` (the command's own code, which the API's
export route shares) in a child process, writing to a file in the work folder.
The time is measured inside the child, around the command, so interpreter
start-up is left out. The peak is the child's maximum resident memory, which
includes the interpreter and the imported packages (about 100 MB for an
export of 20 rows). The same
database holds runs of 1%, 10% and 100% of the size, so the peaks show
whether memory stays flat as rows grow.
"""

from __future__ import annotations

import cProfile
import io
import json
import os
import pstats
import resource
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.common import Context, Measurement, database, reproduce_command
from benchmarks.seed import seed_run
from journeys.export import write_recipients_csv
from journeys.storage.db import connect

FIGURE = "export"
TARGET = ">= 200,000 recipient rows/s at 1,000,000 rows; peak memory < 300 MB and flat as rows grow"
ROWS_PER_SECOND_TARGET = 200_000
PEAK_MB_TARGET = 300
SHARES = (0.01, 0.1, 1.0)


def measure(ctx: Context, database_kind: str) -> list[Measurement]:
    rows = ctx.rows("export_rows")
    command = reproduce_command(ctx, FIGURE, database_kind)
    recipients = Measurement(
        figure="export, recipients CSV", database=database_kind, unit="rows/s", samples=[],
        target=">= 200,000 rows/s", command=command,
    )
    events = Measurement(
        figure="export, events CSV", database=database_kind, unit="rows/s", samples=[],
        target="(no target)", command=command,
    )
    memory = Measurement(
        figure="export, peak memory of the exporting process", database=database_kind, unit="MB", samples=[],
        target="< 300 MB, flat as rows grow", command=command,
    )
    with database(database_kind, ctx.work_dir) as url:
        runs = _seed(url, rows)
        peaks: dict[int, float] = {}
        for size, run_id in runs.items():
            seconds, peak = _export(ctx, url, run_id, events=False)
            peaks[size] = peak
            if size == rows:
                recipients.samples.append(size / seconds)
                memory.samples.append(peak)
        for _ in range(ctx.repeats - 1):
            seconds, peak = _export(ctx, url, runs[rows], events=False)
            recipients.samples.append(rows / seconds)
            memory.samples.append(peak)
        for _ in range(ctx.repeats):
            seconds, _peak = _export(ctx, url, runs[rows], events=True)
            events.samples.append(rows / seconds)
        if ctx.size != "tiny" and recipients.median < ROWS_PER_SECOND_TARGET:
            # The 10% run: long enough to profile, short enough to profile quickly.
            profiled = sorted(runs)[-2] if len(runs) > 1 else rows
            recipients.notes.append(_shortfall(url, runs[profiled], profiled, recipients.median))

    memory.notes.append("Peak by run size: " + ", ".join(f"{size:,} rows {peak:.0f} MB" for size, peak in peaks.items()) + ".")
    growth = max(peaks.values()) - min(peaks.values())
    flat = growth < 50
    memory.notes.append(f"Growth from the smallest to the largest run: {growth:.0f} MB.")
    recipients.notes.append(
        f"{rows:,} recipients with 6 data fields, one run; {rows:,} events in the events export "
        "(one per recipient). Each sample is one `journeys run export` in a child process."
    )
    if ctx.size != "tiny":
        recipients.met = recipients.median >= ROWS_PER_SECOND_TARGET
        memory.met = memory.high < PEAK_MB_TARGET and flat
    return [recipients, events, memory]


def _seed(url: str, rows: int) -> dict[int, int]:
    """Create one run per share of `rows` in the database; return run ids by size."""
    engine = connect(url)
    try:
        sizes = sorted({max(1, int(rows * share)) for share in SHARES})
        return {size: _seed_one(engine, size) for size in sizes}
    finally:
        engine.dispose()


def _seed_one(engine, size: int) -> int:  # type: ignore[no-untyped-def]
    return seed_run(engine, size, events_per_recipient=1).run_id


def _export(ctx: Context, url: str, run_id: int, *, events: bool) -> tuple[float, float]:
    """Run the export in a child process; return its seconds and peak memory in MB."""
    out = ctx.work_dir / f"export-{run_id}-{'events' if events else 'recipients'}.csv"
    arguments = [sys.executable, "-m", "benchmarks.figures.export_csv", url, str(run_id), str(out)]
    if events:
        arguments.append("--events")
    env = {**os.environ, "JOURNEYS_DATABASE_URL": url}
    env["PYTHONPATH"] = os.pathsep.join([str(Path(__file__).resolve().parents[2]), env.get("PYTHONPATH", "")])
    result = subprocess.run(arguments, env=env, capture_output=True, text=True, timeout=1_800, check=False)
    if result.returncode != 0:
        raise RuntimeError(f"the export of run {run_id} failed (exit {result.returncode}): {result.stderr[-2000:]}")
    report = json.loads(result.stdout.strip().splitlines()[-1])
    out.unlink(missing_ok=True)
    return float(report["seconds"]), float(report["peak_mb"])


def _shortfall(url: str, run_id: int, rows: int, median: float) -> str:
    """Profile an export of the run in this process and summarise where its time goes."""
    engine = connect(url)
    profiler = cProfile.Profile()
    try:
        profiler.runcall(write_recipients_csv, engine, run_id, io.BytesIO())
    finally:
        engine.dispose()
    stream = io.StringIO()
    stats = pstats.Stats(profiler, stream=stream).sort_stats("tottime")
    total = sum(entry[2] for entry in stats.stats.values()) or 1.0  # type: ignore[attr-defined]
    top = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:6]  # type: ignore[attr-defined]
    listed = ", ".join(f"{_short_name(function)} {entry[2] / total:.0%}" for function, entry in top)
    return (
        f"Short of the target by {ROWS_PER_SECOND_TARGET / median:.1f}x. cProfile of an export of {rows:,} rows, "
        f"own time of the main thread (the page reads run in a second thread, so waiting for them shows as "
        f"lock acquire): {listed}."
    )


def _short_name(function: tuple[str, int, str]) -> str:
    path, line, name = function
    if path == "~":
        return name
    return f"{path.rsplit('/src/', 1)[-1].rsplit('/python3.11/', 1)[-1]}:{line}({name})"


def _child(url: str, run_id: str, out: str, events: bool) -> None:
    from journeys.cli.main import app

    arguments = ["run", "export", run_id, "-o", out, *(["--events"] if events else [])]
    started = time.perf_counter()
    try:
        app(arguments, standalone_mode=False)
    finally:
        seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({"seconds": seconds, "peak_mb": peak}))


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], sys.argv[3], events="--events" in sys.argv[4:])
