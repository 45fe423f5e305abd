"""Engine throughput: recipients through call → branch → time delay → SMS → end.

A recipient step is one node visit, counted after the run as one `entered` event in
the database. Each recipient makes six (start, call, branch, delay, SMS, end). The
simulator answers at once (zero latency). One worker loop runs on a virtual clock
that jumps to the next due time, so the one-hour delay costs no wall time; the time
measured runs from the run's start to its completion, without setting up and importing.
Sender numbers are registered at a rate that never binds (the product caps it at
100 per second, which would make 100,000 calls take 1,000 s of virtual time), and the
run's concurrent-call limit is 10,000; the rate, concurrency and calling-window checks
still run for every batch. On PostgreSQL the one-loop figure runs fewer recipients
than on SQLite (10,000 at `--size full`), to keep the full size within about 15 minutes.

On PostgreSQL the figure also runs 1, 2 and 4 `journeys worker` processes on wall
time, on fewer recipients again (3,000 at `--size small` and `full`). Their journey
waits 1.2 s in place of the hour. Their time is the steady state: from the run's
first `entered` event to its last, read from the events' timestamps, so it leaves
out process start-up and the idle poll that notices the end, but includes the delay.
"""

from __future__ import annotations

from datetime import UTC, datetime

from benchmarks.common import Context, Measurement, database, reproduce_command
from benchmarks.enginerun import (
    check_finished,
    count_run,
    prepare_run,
    profile_engine,
    run_on_virtual_clock,
    run_with_worker_processes,
)
from journeys.storage.db import connect

FIGURE = "engine"
TARGET = ">= 20,000 recipient steps/s on SQLite at 100,000 recipients; on PostgreSQL, throughput rising with 1, 2 and 4 workers"
STEPS_PER_SECOND_TARGET = 20_000
WALL_TIME_DELAY_MINUTES = 0.02
WORKER_COUNTS = (1, 2, 4)
PROFILED_RECIPIENTS = 3_000


def measure(ctx: Context, database_kind: str) -> list[Measurement]:
    recipients = ctx.rows("engine_recipients" if database_kind == "sqlite" else "engine_postgresql_recipients")
    command = reproduce_command(ctx, FIGURE, database_kind)
    one_loop = Measurement(
        figure="engine, 1 worker loop, virtual clock", database=database_kind, unit="steps/s", samples=[],
        target=">= 20,000 steps/s" if database_kind == "sqlite" else "(no target; see scaling)", command=command,
    )
    for _ in range(ctx.repeats):
        one_loop.samples.append(_steps_per_second_virtual(ctx, database_kind, recipients))
    one_loop.notes.append(f"{recipients:,} recipients, {recipients * 6:,} steps per sample.")

    if database_kind == "sqlite":
        one_loop.met = None if ctx.size == "tiny" else one_loop.median >= STEPS_PER_SECOND_TARGET
        if one_loop.met is False:
            shortfall = STEPS_PER_SECOND_TARGET / one_loop.median
            one_loop.notes.append(
                f"Short of the target by {shortfall:.1f}x ({one_loop.median:,.0f} of {STEPS_PER_SECOND_TARGET:,} steps/s). "
                + profile_engine(ctx, database_kind, min(PROFILED_RECIPIENTS, recipients))
            )
        return [one_loop]
    return [one_loop, *_scaling(ctx, ctx.rows("engine_scaling_recipients"), command)]


def _steps_per_second_virtual(ctx: Context, kind: str, recipients: int) -> float:
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


def _scaling(ctx: Context, recipients: int, command: str) -> list[Measurement]:
    """Measure 1, 2 and 4 worker processes on PostgreSQL; met when each count beats the one before."""
    measurements = []
    for workers in WORKER_COUNTS:
        samples = [_steps_per_second_processes(ctx, recipients, workers) for _ in range(ctx.repeats)]
        measurements.append(Measurement(
            figure=f"engine, {workers} worker process{'es' if workers > 1 else ''}, wall clock, steady state",
            database="postgresql", unit="steps/s", samples=samples,
            target="rises with workers" if workers > 1 else "(baseline)", command=command,
        ))
    for before, after in zip(measurements, measurements[1:], strict=False):
        after.met = None if ctx.size == "tiny" else after.median > before.median
    measurements[0].notes.append(
        f"{recipients:,} recipients, {recipients * 6:,} steps per sample, timed from the first to the last `entered` event."
    )
    measurements[-1].notes.append(
        "The machine's cores are shared by the workers, the PostgreSQL server and this driver, "
        "so more workers than cores cannot add CPU."
    )
    return measurements


def _steps_per_second_processes(ctx: Context, recipients: int, workers: int) -> float:
    with database("postgresql", ctx.work_dir) as url:
        engine = connect(url)
        try:
            run_id = prepare_run(engine, recipients, ctx.work_dir, now=datetime.now(UTC), delay_minutes=WALL_TIME_DELAY_MINUTES)
            seconds = run_with_worker_processes(url, run_id, workers)
            counts = count_run(engine, run_id)
        finally:
            engine.dispose()
    check_finished(counts, recipients)
    return counts.steps / seconds
