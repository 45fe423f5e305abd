"""DBOS baseline: the engine benchmark's journey as one durable DBOS workflow per recipient.

Each workflow runs the same six node visits as the Journeys journey: start, a call
step on a zero-latency simulated provider, a branch on its outcome, a durable
`DBOS.sleep(0)` standing for the delay, an SMS step and the end. DBOS keeps its
system database on the same kind of database (a SQLite file, or a PostgreSQL
database). Workflows start with `DBOS.start_workflow` and run on DBOS's thread
pool; the time runs from the first start to the last result. DBOS runs in a child
process, because it is a process-wide singleton, with dbos from the `bench` extra.

DBOS runs fewer recipients than the engine figure (at most 500 on SQLite and 2,000
on PostgreSQL), because it is much slower (about 60 steps/s on SQLite), so this figure also runs the Journeys engine (one worker loop on a
virtual clock, as in the engine figure) on the same number of recipients and the
same database kind, and compares steps per second sample by sample.
"""

from __future__ import annotations

import json
import subprocess
import sys

from benchmarks.common import Context, Measurement, database, reproduce_command
from benchmarks.dbosrun import NODE_VISITS_PER_RECIPIENT
from benchmarks.enginerun import (
    check_finished,
    count_run,
    prepare_run,
    profile_engine,
    run_on_virtual_clock,
)
from journeys.storage.db import connect

FIGURE = "dbos_baseline"
TARGET = "Journeys engine >= 10x DBOS in recipient steps/s, same recipients, same database kind"
# DBOS on SQLite makes about 60 steps/s on a 2-core machine, so 2,000 workflows took
# over three minutes per sample there.
MAX_RECIPIENTS = {"sqlite": 500, "postgresql": 2_000}
RATIO_TARGET = 10.0


def measure(ctx: Context, database_kind: str) -> list[Measurement]:
    recipients = min(MAX_RECIPIENTS[database_kind], ctx.rows("engine_recipients"))
    command = reproduce_command(ctx, FIGURE, database_kind)
    dbos = Measurement(
        figure="DBOS, one workflow per recipient", database=database_kind, unit="steps/s", samples=[],
        target="(baseline)", command=command,
    )
    journeys = Measurement(
        figure="Journeys engine, same recipients", database=database_kind, unit="steps/s", samples=[],
        target="(compared)", command=command,
    )
    for _ in range(ctx.repeats):
        dbos.samples.append(_dbos_steps_per_second(ctx, database_kind, recipients))
        journeys.samples.append(_journeys_steps_per_second(ctx, database_kind, recipients))
    dbos.notes.append(f"{recipients:,} workflows, {recipients * NODE_VISITS_PER_RECIPIENT:,} steps per sample.")

    ratio = Measurement(
        figure="Journeys engine / DBOS", database=database_kind, unit="x",
        samples=[ours / theirs for ours, theirs in zip(journeys.samples, dbos.samples, strict=True)],
        target=">= 10x", command=command,
    )
    ratio.met = None if ctx.size == "tiny" else ratio.median >= RATIO_TARGET
    if ratio.met is False:
        ratio.notes.append(
            f"Short of the target by {RATIO_TARGET / ratio.median:.1f}x ({ratio.median:.1f}x of {RATIO_TARGET:.0f}x). "
            "The Journeys side is the engine figure's worker loop on the same database kind. "
            + profile_engine(ctx, database_kind, recipients)
        )
    return [dbos, journeys, ratio]


def _dbos_steps_per_second(ctx: Context, kind: str, recipients: int) -> float:
    with database(kind, ctx.work_dir) as url:
        # DBOS picks its own PostgreSQL driver from a plain postgresql:// URL.
        system_url = url.replace("postgresql+psycopg://", "postgresql://")
        completed = subprocess.run(
            [sys.executable, "-m", "benchmarks.dbosrun", system_url, str(recipients)],
            capture_output=True, text=True, timeout=1800, check=False,
        )
    if completed.returncode != 0:
        raise RuntimeError(f"the DBOS child process failed with status {completed.returncode}: {completed.stderr[-2000:]}")
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    if result["succeeded"] != recipients:
        raise RuntimeError(f"DBOS finished {result['succeeded']} of {recipients} workflows")
    return result["steps"] / result["seconds"]


def _journeys_steps_per_second(ctx: Context, kind: str, recipients: int) -> float:
    with database(kind, ctx.work_dir) as url:
        engine = connect(url)
        try:
            run_id = prepare_run(engine, recipients, ctx.work_dir)
            seconds = run_on_virtual_clock(engine, run_id)
            counts = count_run(engine, run_id)
        finally:
            engine.dispose()
    check_finished(counts, recipients)
    return counts.steps / seconds
