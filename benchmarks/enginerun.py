"""The engine benchmark's journey and run: set up, moved by workers, and counted.

The journey is call → branch on the outcome → time delay → SMS → end, so every
recipient makes six node visits (start, call, branch, delay, SMS, end). A
"recipient step" is one node visit, counted as one `entered` event in the database.
"""

from __future__ import annotations

import cProfile
import csv
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine

from benchmarks.common import Context, database, profile_table
from journeys.clock import VirtualClock
from journeys.domain.settings import RunSettings, SimulatorSettings
from journeys.engine.worker import Worker
from journeys.importer.service import ImportOptions, import_recipients
from journeys.providers.registry import Providers
from journeys.services import journeys as journey_service
from journeys.services import registry as registry_service
from journeys.services import runs as run_service
from journeys.storage import events as event_queries
from journeys.storage import registry as registry_queries
from journeys.storage import runs as run_queries
from journeys.storage.db import connect
from journeys.storage.stats import (
    StatsScope,
    count_node_entries,
    count_recipients_by_status,
)

CALLER = "+12025550100"
TEXTER = "+12025550199"
# The product caps a number's rate at 100 per second. 100,000 calls at that rate take
# 1,000 s of virtual time, so pacing, not the engine, would set the pace. The
# benchmark registers its numbers through the storage layer at a rate that never binds.
# The rate check still runs for every batch.
SENDER_RATE_PER_SECOND = 1_000_000.0
# Whole-day window: every call and SMS still goes through the window check.
CALLING_WINDOW = "daily 00:00-23:59"
START = datetime(2026, 3, 2, 0, 0, tzinfo=UTC)
AREA_CODES = ("202", "212", "213", "305", "312", "404", "415", "512", "617", "206", "303", "702")
NODE_VISITS_PER_RECIPIENT = 6

def journey(delay_minutes: float) -> dict[str, Any]:
    """Return the benchmark journey, with time delays of `delay_minutes`."""
    return {
        "name": "Engine benchmark",
        "fields": [{"name": "customer_name", "type": "string", "required": True}],
        "nodes": [
            {"id": "start", "type": "start", "next": "call"},
            {"id": "call", "type": "call", "from_number": CALLER, "agent": "bench", "next": "outcome"},
            {"id": "outcome", "type": "branch",
             "cases": [{"label": "Answered", "when": {"subject": "nodes.call.outcome", "op": "equals", "value": "answered"},
                        "next": "wait_answered"}],
             "default": "wait_missed"},
            {"id": "wait_answered", "type": "time_delay", "amount": delay_minutes, "unit": "minutes", "next": "thanks"},
            {"id": "wait_missed", "type": "time_delay", "amount": delay_minutes, "unit": "minutes", "next": "missed"},
            {"id": "thanks", "type": "sms", "from_number": TEXTER,
             "message": "Thank you for your time, {{ customer_name }}.", "next": "contacted"},
            {"id": "missed", "type": "sms", "from_number": TEXTER,
             "message": "Hi {{ customer_name }}, we tried to call you. Reply to this text to talk.", "next": "unreached"},
            {"id": "contacted", "type": "end", "result": "contacted"},
            {"id": "unreached", "type": "end", "result": "unreached"},
        ],
    }


@dataclass(frozen=True)
class RunCounts:
    """The counts read back after a run: node visits and recipients by status."""

    steps: int
    by_status: dict[str, int]


def write_recipients_csv(path: Path, count: int) -> None:
    """Write `count` recipients with distinct valid US numbers, each in one time zone."""
    if count > len(AREA_CODES) * 10_000:
        raise ValueError(f"at most {len(AREA_CODES) * 10_000} recipients, not {count}")
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["phone_number", "customer_name"])
        for index in range(count):
            area, line = AREA_CODES[index // 10_000], index % 10_000
            writer.writerow([f"+1{area}555{line:04d}", f"Customer {index}"])


def prepare_run(
    engine: Engine, recipients: int, work_dir: Path, *, now: datetime = START, delay_minutes: float = 60, seed: int = 1
) -> int:
    """Create the benchmark's numbers, agent, journey and a run of `recipients` started at `now`; return its id."""
    with engine.begin() as conn:
        for number in (CALLER, TEXTER):
            registry_queries.insert_number(
                conn, number=number, label=None, calls_per_second=SENDER_RATE_PER_SECOND, now=now
            )
    registry_service.add_agent(engine, "bench", description=None, now=now)
    journey_id = journey_service.create_journey(engine, journey(delay_minutes), now=now)
    settings = RunSettings(
        calling_window=CALLING_WINDOW,
        max_concurrent_calls=10_000,
        simulator=SimulatorSettings(seed=seed, latency_seconds=0),
    )
    run_id = run_service.create_run(engine, journey_id, name="engine benchmark", settings=settings, now=now)

    source = work_dir / f"engine_recipients_{recipients}.csv"
    if not source.exists():
        write_recipients_csv(source, recipients)
    import_recipients(engine, run_id, source, options=ImportOptions(), now=now)
    run_service.start_run(engine, run_id, now=now)
    return run_id


def count_run(engine: Engine, run_id: int, journey_id: int = 1) -> RunCounts:
    """Count the run's node visits (`entered` events) and its recipients by status."""
    scope = StatsScope(journey_id=journey_id, run_id=run_id)
    with engine.connect() as conn:
        steps = sum(count_node_entries(conn, scope).values())
        by_status = count_recipients_by_status(conn, scope)
    return RunCounts(steps=steps, by_status=by_status)


def check_finished(counts: RunCounts, recipients: int) -> None:
    """Raise unless every recipient completed after exactly six node visits."""
    expected = recipients * NODE_VISITS_PER_RECIPIENT
    if counts.by_status != {"completed": recipients} or counts.steps != expected:
        raise RuntimeError(
            f"the engine run did not finish as expected: {counts.by_status} and {counts.steps} node visits, "
            f"expected {recipients} completed recipients and {expected} visits"
        )


def run_on_virtual_clock(engine: Engine, run_id: int) -> float:
    """Move the run to its end with one worker loop on a virtual clock; return the wall seconds."""
    worker = Worker(engine, VirtualClock(START), providers=Providers(engine))
    started = time.perf_counter()
    worker.run_until_finished(run_id)
    return time.perf_counter() - started


def run_with_worker_processes(url: str, run_id: int, workers: int, *, timeout: float = 1800) -> float:
    """Move a started run with `workers` `journeys worker` processes on wall time; return the steady-state seconds.

    The seconds run from the run's first `entered` event to its last, so they leave
    out the processes' start-up (about a second each on this machine) and the
    idle poll after the run ends, but include the journey's time delay.
    """
    executable = Path(sys.executable).with_name("journeys")
    environment = {**os.environ, "JOURNEYS_DATABASE_URL": url}
    engine = connect(url, migrate=False)
    started = time.perf_counter()
    processes = [
        subprocess.Popen([str(executable), "worker"], env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        for _ in range(workers)
    ]
    try:
        while time.perf_counter() - started < timeout:
            with engine.connect() as conn:
                if run_queries.get_run(conn, run_id)["status"] == "completed":
                    return _entered_seconds(conn, run_id)
            if any(process.poll() is not None for process in processes):
                raise RuntimeError(f"a journeys worker exited early: {_first_error(processes)}")
            time.sleep(0.05)
        raise TimeoutError(f"run {run_id} did not complete within {timeout:.0f} s with {workers} workers")
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            process.wait(timeout=60)
        engine.dispose()


def _entered_seconds(conn: Connection, run_id: int) -> float:
    span = event_queries.entered_span(conn, run_id)
    if span is None:
        raise RuntimeError(f"run {run_id} completed without any `entered` event")
    first, last = span
    return max((last - first).total_seconds(), 1e-6)


def _first_error(processes: list[subprocess.Popen[bytes]]) -> str:
    for process in processes:
        if process.poll() is not None and process.stderr is not None:
            return process.stderr.read().decode(errors="replace").strip()[-2000:]
    return "no output"


def profile_engine(ctx: Context, kind: str, recipients: int) -> str:
    """Profile one run of `recipients` on one worker loop with cProfile; return where its time went."""
    with database(kind, ctx.work_dir) as url:
        engine = connect(url)
        try:
            run_id = prepare_run(engine, recipients, ctx.work_dir)
            profiler = cProfile.Profile()
            profiler.runcall(run_on_virtual_clock, engine, run_id)
        finally:
            engine.dispose()
    return f"Where the time goes, by cProfile over {recipients:,} recipients:\n" + profile_table(profiler)
