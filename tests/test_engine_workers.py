"""Workers on wall time sharing one run, each with its own connection pool, and a worker outliving a database error."""

from __future__ import annotations

import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from engine_helpers import (
    NOW,
    action_rows,
    call_journey,
    event_rows,
    outcomes_of,
    recipient_rows,
    register,
    retry_journey,
    run_row,
    settings,
    simulated_rows,
    started_run,
)
from journeys.clock import SystemClock, VirtualClock
from journeys.engine import duties
from journeys.engine.worker import Worker, WorkerSettings
from journeys.storage.db import connect

RECIPIENTS = 300
TIMEOUT_SECONDS = 180.0


class WorkerThread(threading.Thread):
    """Ticks one worker until stopped, counting what it handled and keeping any error."""

    def __init__(self, worker: Worker, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.worker = worker
        self.stop = stop
        self.handled = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            while not self.stop.is_set():
                handled = self.worker.tick()
                self.handled += handled
                if handled == 0:
                    self.stop.wait(0.02)
        except BaseException as exc:  # noqa: BLE001 - reported by the test, not lost in the thread
            self.error = exc


def wait_for_completion(engine: Engine, run_id: int, threads: list[WorkerThread]) -> str:
    deadline = time.monotonic() + TIMEOUT_SECONDS
    status = run_row(engine, run_id)["status"]
    while status == "running" and time.monotonic() < deadline:
        if any(thread.error is not None for thread in threads):
            break
        time.sleep(0.2)
        status = run_row(engine, run_id)["status"]
    return status


@pytest.mark.slow
def test_two_workers_finish_run_once(database_url: str, tmp_path: Path) -> None:
    setup = connect(database_url)
    engines = [connect(database_url), connect(database_url)]
    now = datetime.now(UTC)
    register(setup, now=now)
    run_id = started_run(
        setup, tmp_path, retry_journey(), RECIPIENTS, now=now,
        run_settings=settings(latency_seconds=0, max_concurrent_calls=40),
    )
    stop = threading.Event()
    # Small batches make the two workers take turns on the same run.
    threads = [
        WorkerThread(Worker(engine, SystemClock(), settings=WorkerSettings(batch_size=20)), stop)
        for engine in engines
    ]
    try:
        for thread in threads:
            thread.start()
        status = wait_for_completion(setup, run_id, threads)
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        for engine in engines:
            engine.dispose()

    try:
        assert [thread.error for thread in threads] == [None, None]
        assert status == "completed"
        assert all(thread.handled > 0 for thread in threads)
        check_counts(setup, run_id)
        check_attempts(setup, run_id)
        check_same_as_one_worker(setup, tmp_path, run_id)
    finally:
        setup.dispose()


def check_counts(engine: Engine, run_id: int) -> None:
    recipients = recipient_rows(engine, run_id)
    actions = action_rows(engine, run_id)
    simulated = simulated_rows(engine)
    assert Counter(row["status"] for row in recipients) == {"completed": RECIPIENTS}

    visits = Counter((row["recipient_id"], row["node_id"], row["visit"]) for row in actions)
    assert max(visits.values()) == 1
    simulated_ids = [row["action_id"] for row in simulated]
    assert len(simulated_ids) == len(set(simulated_ids))
    assert sorted(simulated_ids) == [row["id"] for row in actions]

    for kind, counter, placed_event, result_event in (
        ("call", "calls_placed", "call_placed", "call_result"),
        ("sms", "sms_sent", "sms_sent", "sms_result"),
    ):
        kind_actions = [row for row in actions if row["kind"] == kind]
        placed = sum(row[counter] for row in recipients)
        assert placed == len(event_rows(engine, run_id, placed_event))
        assert placed == len([row for row in simulated if row["kind"] == kind])
        assert placed == len([row for row in kind_actions if row["dispatched_at"] is not None])
        assert placed == len(event_rows(engine, run_id, result_event))
        assert all(row["status"] == "completed" for row in kind_actions)


def test_worker_survives_database_error(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 3, run_settings=settings(latency_seconds=0))
    original = duties.start_scheduled
    failures = iter([OperationalError("SELECT 1", {}, RuntimeError("deadlock detected"))])

    def fails_once(*args, **keywords):  # type: ignore[no-untyped-def]
        error = next(failures, None)
        if error is not None:
            raise error
        return original(*args, **keywords)

    monkeypatch.setattr(duties, "start_scheduled", fails_once)
    stop = threading.Event()
    work = Worker(engine, VirtualClock(NOW), settings=WorkerSettings(idle_sleep_seconds=0.01))
    thread = threading.Thread(target=work.run_forever, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while run_row(engine, run_id)["status"] == "running" and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)

    assert run_row(engine, run_id)["status"] == "completed"
    failed_ticks = [record for record in caplog.records if getattr(record, "action", None) == "tick_failed"]
    assert len(failed_ticks) == 1


def check_attempts(engine: Engine, run_id: int) -> None:
    """Check that each recipient's calls carry attempts 1, 2, ... in the order they were queued."""
    attempts: dict[int, list[int]] = {}
    for row in action_rows(engine, run_id):
        if row["kind"] == "call":
            attempts.setdefault(row["recipient_id"], []).append(row["request"]["attempt"])
    for numbers in attempts.values():
        assert numbers == list(range(1, len(numbers) + 1))


def check_same_as_one_worker(engine: Engine, tmp_path: Path, run_id: int) -> None:
    """Check that one worker on virtual time gives every recipient the same outcomes."""
    clock = VirtualClock(datetime.now(UTC) + timedelta(hours=1))
    alone = started_run(
        engine, tmp_path, retry_journey(), RECIPIENTS, now=clock.now(),
        run_settings=settings(latency_seconds=0, max_concurrent_calls=40), name="one worker",
    )
    Worker(engine, clock).run_until_finished(alone)
    assert outcomes_of(engine, alone) == outcomes_of(engine, run_id)
