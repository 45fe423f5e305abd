"""Figure: CSV import throughput and peak memory, through the path `journeys run import` takes.

Each sample imports a generated file (`benchmarks.datasets`) into a new draft
run of a journey with the fields name (string), number (number), date (date),
boolean (boolean) and text (string), with default region US and full
validation. The import runs in a child process, so that its peak memory is its
own: the largest sum of the proportional set sizes (PSS, which splits each
shared page among the processes that map it) of the importing process and its
worker processes, sampled from /proc/PID/smaps_rollup every 0.1 s (Linux).
"""

from __future__ import annotations

import cProfile
import json
import os
import resource
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks import common
from benchmarks.common import Context, Measurement, machine
from benchmarks.datasets import write_recipients_csv
from journeys.importer.parallel import WORKERS_ENV

FIGURE = "import_csv"
TARGET = ">= 100,000 rows/s with full validation; peak memory < 300 MB, flat as rows grow"
ROWS_TARGET = 100_000
MEMORY_TARGET_MB = 300
# Shares of the full row count at which peak memory is measured, to show it is flat.
MEMORY_SHARES = (10, 3, 1)
# Rows of the file that a missed target's profile imports.
PROFILED_ROWS = 100_000

JOURNEY = {
    "name": "Import benchmark",
    "fields": [
        {"name": "name", "type": "string"},
        {"name": "number", "type": "number"},
        {"name": "date", "type": "date"},
        {"name": "boolean", "type": "boolean"},
        {"name": "text", "type": "string"},
    ],
    "nodes": [
        {"id": "start", "type": "start", "next": "done"},
        {"id": "done", "type": "end", "result": "imported"},
    ],
}


def measure(ctx: Context, database: str) -> list[Measurement]:
    """Import the generated file `ctx.repeats` times; return rows/s and peak memory."""
    database_kind = database
    rows = ctx.rows("import_rows")
    path = _dataset(ctx.work_dir, rows)
    command = common.reproduce_command(ctx, FIGURE, database_kind)

    runs = [_import_in_child(ctx.work_dir, database_kind, path) for _ in range(ctx.repeats)]
    speeds = [run["rows"] / run["seconds"] for run in runs]
    memory = {rows: max(run["peak_mb"] for run in runs)}
    for share in MEMORY_SHARES[:-1]:
        smaller = rows // share
        memory[smaller] = _import_in_child(ctx.work_dir, database_kind, _dataset(ctx.work_dir, smaller))["peak_mb"]

    speed = Measurement(
        figure=FIGURE,
        database=database_kind,
        unit="rows/s",
        samples=speeds,
        target=f">= {ROWS_TARGET:,} rows/s",
        command=command,
    )
    speed.met = speed.median >= ROWS_TARGET
    speed.notes = _speed_notes(runs, rows)
    if not speed.met and ctx.size != "tiny":
        speed.notes.append(
            f"Short of the target by {ROWS_TARGET / speed.median:.1f}x ({speed.median:,.0f} of {ROWS_TARGET:,} rows/s). "
            + _profile(ctx, database_kind)
        )

    peak = Measurement(
        figure=f"{FIGURE}_peak_memory",
        database=database_kind,
        unit="MB",
        samples=[run["peak_mb"] for run in runs],
        target=f"< {MEMORY_TARGET_MB} MB, flat as rows grow",
        command=command,
    )
    peak.met = max(memory.values()) < MEMORY_TARGET_MB
    peak.notes = [
        "peak by rows: " + ", ".join(f"{count:,} rows {memory[count]:.0f} MB" for count in sorted(memory)),
        "peak of the importing process alone (ru_maxrss): " + ", ".join(f"{run['main_mb']:.0f} MB" for run in runs),
    ]
    return [speed, peak]


def _speed_notes(runs: list[dict[str, float]], rows: int) -> list[str]:
    first = runs[0]
    notes = [
        f"{rows:,} rows: {first['accepted']:,.0f} accepted, {first['rejected']:,.0f} rejected, "
        f"{first['duplicates']:,.0f} duplicates; {first['workers']:.0f} worker processes",
        "seconds per run: " + ", ".join(f"{run['seconds']:.1f}" for run in runs),
        "CPU per row, importing process + workers: " + ", ".join(
            f"{run['main_cpu'] / rows * 1e6:.1f} + {run['worker_cpu'] / rows * 1e6:.1f} us" for run in runs
        ),
        f"load average before the first run: {first['load']:.1f} on {os.cpu_count()} cores ({machine()})",
    ]
    return notes


def _profile(ctx: Context, database_kind: str) -> str:
    """Profile a one-process import of a smaller file in a child process; return where its time went."""
    rows = min(PROFILED_ROWS, ctx.rows("import_rows"))
    path = _dataset(ctx.work_dir, rows)
    with common.database(database_kind, ctx.work_dir) as url:
        completed = subprocess.run(
            [sys.executable, "-m", "benchmarks.figures.import_csv", url, str(path), "--profile"],
            capture_output=True, text=True, timeout=1800, check=False,
            env={**os.environ, WORKERS_ENV: "0"},
        )
    if completed.returncode != 0:
        raise RuntimeError(f"the profiled import failed with exit code {completed.returncode}:\n{completed.stderr}")
    table = json.loads(completed.stdout.strip().splitlines()[-1])["profile"]
    return (
        f"Where the time goes, by cProfile of a one-process import of {rows:,} rows "
        "(the measured imports split row conversion over worker processes):\n" + table
    )


def _dataset(work_dir: Path, rows: int) -> Path:
    """Return a generated file of `rows` rows, written once per work folder."""
    path = work_dir / f"import_{rows}.csv"
    if not path.exists():
        partial = path.with_suffix(".partial")
        write_recipients_csv(partial, rows, seed=1)
        partial.replace(path)
    return path


def _import_in_child(work_dir: Path, database_kind: str, path: Path) -> dict[str, float]:
    """Import `path` into a new database in a child process and return what it measured.

    Memory and the workers' CPU time are sampled from here, so that the child
    has one thread, as the command line has, and forks its workers the same way.
    """
    with common.database(database_kind, work_dir) as url:
        load = os.getloadavg()[0]
        child = subprocess.Popen(
            [sys.executable, "-m", "benchmarks.figures.import_csv", url, str(path)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        peak_mb = 0.0
        descendant_ticks: dict[int, int] = {}
        while child.poll() is None:
            memory, ticks = _tree_usage(child.pid)
            peak_mb = max(peak_mb, memory)
            descendant_ticks.update(ticks)
            time.sleep(0.1)
        stdout, stderr = child.communicate()
    if child.returncode != 0:
        raise RuntimeError(f"the import child failed with exit code {child.returncode}:\n{stderr}")

    result: dict[str, float] = json.loads(stdout.strip().splitlines()[-1])
    result["load"] = load
    result["peak_mb"] = max(peak_mb, result["main_mb"])
    # The last sample misses up to 0.1 s of each worker, so this is a slight underestimate.
    result["worker_cpu"] = sum(descendant_ticks.values()) / os.sysconf("SC_CLK_TCK")
    return result


def _child(url: str, csv_path: str, profile: bool = False) -> None:
    """Import one file through the service the CLI and the API call, and print the figures as JSON.

    With `profile`, the import runs under cProfile and the JSON contains its table.
    """
    from journeys.domain.settings import RunSettings
    from journeys.importer import parallel
    from journeys.importer.options import ImportOptions
    from journeys.importer.service import import_recipients
    from journeys.services.journeys import create_journey
    from journeys.services.runs import create_run
    from journeys.storage.db import connect

    now = datetime.now(UTC)
    engine = connect(url)
    journey_id = create_journey(engine, JOURNEY, now=now)
    run_id = create_run(engine, journey_id, name="import benchmark", settings=RunSettings(), now=now)
    path = Path(csv_path)
    workers = parallel.worker_count(path.stat().st_size)

    if profile:
        profiler = cProfile.Profile()
        profiler.runcall(import_recipients, engine, run_id, path, options=ImportOptions(default_region="US"), now=now)
        engine.dispose()
        print(json.dumps({"profile": common.profile_table(profiler)}))
        return

    started = time.perf_counter()
    cpu_started = time.process_time()
    report = import_recipients(engine, run_id, path, options=ImportOptions(default_region="US"), now=now)
    seconds = time.perf_counter() - started
    main_cpu = time.process_time() - cpu_started
    engine.dispose()

    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps({
        "rows": report.rows,
        "accepted": report.accepted,
        "rejected": report.rejected_rows,
        "duplicates": report.duplicate_count,
        "seconds": seconds,
        "main_cpu": main_cpu,
        "workers": workers,
        "main_mb": own,
    }))


def _tree_usage(root: int) -> tuple[float, dict[int, int]]:
    """Return the summed PSS in MB of `root` and its descendants, and each descendant's CPU ticks."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            # The parent id is the fourth field after the parenthesised command name.
            parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry.name))

    total_kb = 0
    ticks: dict[int, int] = {}
    pending = [root]
    while pending:
        pid = pending.pop()
        pending.extend(children.get(pid, []))
        if pid != root:
            ticks[pid] = _cpu_ticks(pid)
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total_kb += int(line.split()[1])
    return total_kb / 1024, ticks


def _cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0
    # utime and stime, fields 14 and 15 of stat, are the 12th and 13th after the name.
    return int(fields[11]) + int(fields[12])


if __name__ == "__main__":
    _child(sys.argv[1], sys.argv[2], profile="--profile" in sys.argv[3:])
