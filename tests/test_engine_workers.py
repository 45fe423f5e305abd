"""Workers on wall time sharing one run, their heartbeats and leases, stopping on SIGTERM,
outliving database errors, and duties that several workers run at once."""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select
from sqlalchemy.exc import OperationalError

from engine_helpers import (
    NOW,
    action_rows,
    call_journey,
    event_rows,
    new_run,
    outcomes_of,
    recipient_rows,
    register,
    retry_journey,
    run_row,
    settings,
    simulated_rows,
    started_run,
    worker,
)
from journeys.clock import SystemClock, VirtualClock
from journeys.engine import duties
from journeys.engine.advance import advance_batch, save_moves
from journeys.engine.catalog import Catalog
from journeys.engine.state import Move, RecipientState
from journeys.engine.worker import Worker, WorkerSettings
from journeys.providers.registry import Providers
from journeys.storage import actions as action_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries
from journeys.storage import workers as worker_queries
from journeys.storage.db import connect
from journeys.storage.schema import actions, recipients, workers
from private_postgres import PrivatePostgres, private_postgres  # noqa: F401 - the fixture

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


# --- Heartbeats, leases and stopping -----------------------------------------------------------


def worker_row(engine: Engine, worker_id: str) -> dict[str, Any] | None:
    with engine.connect() as conn:
        return worker_queries.get_worker(conn, worker_id)


def leases(engine: Engine, table: Any) -> list[tuple[Any, ...]]:
    query = select(table.c.id, table.c.lease_owner, table.c.lease_expires_at).order_by(table.c.id)
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def test_worker_beats_and_records_stop(engine: Engine) -> None:
    work = Worker(engine, SystemClock(), settings=WorkerSettings(heartbeat_seconds=0.05, idle_sleep_seconds=0.01))
    stop = threading.Event()
    thread = threading.Thread(target=work.run_forever, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        first = None
        while time.monotonic() < deadline:
            row = worker_row(engine, work.worker_id)
            if row is not None and first is None:
                first = row["heartbeat_at"]
            if row is not None and first is not None and row["heartbeat_at"] > first:
                break
            time.sleep(0.05)
    finally:
        stop.set()
        thread.join(timeout=30)

    row = worker_row(engine, work.worker_id)
    assert not thread.is_alive()
    assert row is not None
    assert first is not None and row["heartbeat_at"] > first
    assert row["started_at"] <= first
    assert row["stopped_at"] is not None
    assert row["pid"] == os.getpid()


def test_stop_releases_only_own_leases(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 4, run_settings=settings(latency_seconds=0))
    mine = Worker(engine, VirtualClock(NOW), worker_id="mine")
    lease_until = NOW + timedelta(minutes=1)
    with engine.begin() as conn:
        claimed = recipient_queries.claim_due(conn, run_id, now=NOW, owner="mine", lease_until=lease_until, limit=2)
        recipient_queries.claim_due(conn, run_id, now=NOW, owner="other", lease_until=lease_until, limit=2)

    # A stop requested before the first tick makes run_forever shut down at once, as after SIGTERM.
    stopped = threading.Event()
    stopped.set()
    mine.run_forever(stopped)

    held = {recipient_id: owner for recipient_id, owner, _ in leases(engine, recipients)}
    assert sorted(row["id"] for row in claimed) == sorted(rid for rid, owner in held.items() if owner is None)
    assert list(held.values()).count("other") == 2


def test_dead_worker_lease_taken_over(engine: Engine, tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 3, run_settings=settings(latency_seconds=0))
    lease = timedelta(seconds=30)
    with engine.connect() as conn:
        view = Catalog().view(conn, run_queries.get_run(conn, run_id))
    with engine.begin() as conn:
        claimed = recipient_queries.claim_due(conn, run_id, now=NOW, owner="dead", lease_until=NOW + lease, limit=10)

    # While the lease runs, nobody else may take the recipients.
    assert advance_batch(engine, view, now=NOW + lease - timedelta(seconds=1), owner="alive", lease=lease, limit=10) == 0
    # Once it has run out, another worker takes them and moves them.
    assert advance_batch(engine, view, now=NOW + lease + timedelta(seconds=1), owner="alive", lease=lease, limit=10) == 3

    # The dead worker's late save is discarded, because its lease is gone.
    stale = [Move(state=RecipientState.from_row(row)) for row in claimed]
    save_moves(engine, stale, owner="dead", provider="simulator", now=NOW + lease * 2)
    rows = recipient_rows(engine, run_id)
    assert [row["status"] for row in rows] == ["waiting"] * 3
    assert len(action_rows(engine, run_id)) == 3
    assert any(getattr(record, "action", None) == "lease_lost" for record in caplog.records)


def queue_actions(engine: Engine, run_id: int) -> list[int]:
    """Advance the run's recipients into their call node without dispatching; return the action ids."""
    with engine.connect() as conn:
        view = Catalog().view(conn, run_queries.get_run(conn, run_id))
    advance_batch(engine, view, now=NOW, owner="setup", lease=timedelta(minutes=1), limit=100)
    return [row["id"] for row in action_rows(engine, run_id)]


def test_stop_hands_dispatching_actions_to_reconciler(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 2, run_settings=settings(latency_seconds=0))
    clock = VirtualClock(NOW)
    ids = queue_actions(engine, run_id)
    with engine.begin() as conn:
        action_queries.set_status(conn, [
            {"b_id": ids[0], "status": "dispatching", "lease_owner": "mine", "lease_expires_at": NOW + timedelta(minutes=1)},
            {"b_id": ids[1], "status": "dispatching", "lease_owner": "other", "lease_expires_at": NOW + timedelta(minutes=1)},
        ])

    stopped = threading.Event()
    stopped.set()
    Worker(engine, clock, worker_id="mine").run_forever(stopped)

    rows = {row["id"]: row for row in action_rows(engine, run_id)}
    assert rows[ids[0]]["status"] == "dispatching"
    assert rows[ids[0]]["lease_owner"] is None
    assert rows[ids[0]]["lease_expires_at"] == NOW
    assert rows[ids[1]]["lease_owner"] == "other"
    reconciled = duties.reconcile_interrupted(engine, Providers(engine), now=NOW, owner="third", lease=timedelta(minutes=1))
    assert reconciled == 1


def test_sigterm_stops_worker_loops_cleanly(database_url: str, tmp_path: Path) -> None:
    engine = connect(database_url)
    try:
        register(engine, now=datetime.now(UTC))
        # Many recipients and small batches, so that SIGTERM arrives while the worker has work.
        run_id = started_run(
            engine, tmp_path, retry_journey(), 300, now=datetime.now(UTC),
            run_settings=settings(latency_seconds=0, max_concurrent_calls=1000),
        )
        log = tmp_path / "worker.log"
        command = [sys.executable, "-m", "journeys.cli.main", "worker", "--concurrency", "2", "--batch-size", "20", "--verbose"]
        with log.open("wb") as output:
            process = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, cwd=tmp_path,
                env={**os.environ, "JOURNEYS_DATABASE_URL": database_url},
            )
        try:
            deadline = time.monotonic() + 60
            while not event_rows(engine, run_id, "call_placed") and time.monotonic() < deadline:
                time.sleep(0.05)
            process.send_signal(signal.SIGTERM)
            code = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
        output_text = log.read_text(encoding="utf-8")

        with engine.connect() as conn:
            rows = [dict(row) for row in conn.execute(select(workers)).mappings()]
        assert code == 0, output_text
        assert output_text.count("stopped.") == 2
        assert len(rows) == 2
        assert all(row["stopped_at"] is not None for row in rows)
        assert [owner for _, owner, _ in leases(engine, recipients) if owner is not None] == []
        assert [owner for _, owner, _ in leases(engine, actions) if owner is not None] == []
    finally:
        engine.dispose()


def test_worker_recovers_from_database_outage(
    private_postgres: PrivatePostgres, tmp_path: Path, caplog: pytest.LogCaptureFixture  # noqa: F811 - the fixture
) -> None:
    caplog.set_level(logging.INFO, logger="journeys")
    engine = connect(private_postgres.url())
    register(engine, now=datetime.now(UTC))
    run_id = started_run(
        engine, tmp_path, call_journey(), 50, now=datetime.now(UTC),
        run_settings=settings(latency_seconds=2, max_concurrent_calls=100),
    )
    work = Worker(engine, SystemClock(), settings=WorkerSettings(
        batch_size=10, idle_sleep_seconds=0.05, retry_initial_seconds=0.1, retry_max_seconds=0.4,
    ))
    stop = threading.Event()
    thread = threading.Thread(target=work.run_forever, args=(stop,), daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 60
        while not event_rows(engine, run_id, "call_placed") and time.monotonic() < deadline:
            time.sleep(0.05)
        private_postgres.pause()
        # Down long enough for several retries: 0.1 + 0.2 + 0.4 + 0.4 ... seconds.
        time.sleep(2.0)
        private_postgres.resume()
        status = None
        while time.monotonic() < deadline:
            try:
                status = run_row(engine, run_id)["status"]
            except OperationalError:
                status = None
            if status == "completed":
                break
            time.sleep(0.1)
    finally:
        stop.set()
        thread.join(timeout=30)
        engine.dispose()

    failures = [record for record in caplog.records if getattr(record, "action", None) == "tick_failed"]
    recoveries = [record for record in caplog.records if getattr(record, "action", None) == "worker_recovered"]
    assert status == "completed"
    assert not thread.is_alive()
    assert len(failures) == 1
    assert failures[0].levelno == logging.WARNING
    assert "on the database" in failures[0].getMessage()
    assert len(recoveries) == 1
    assert work._streak.failures == 0


# --- Duties with several workers at once --------------------------------------------------------


def at_once(count: int, call: Any) -> list[Any]:
    """Run `call()` in `count` threads released together; return their results."""
    barrier = threading.Barrier(count)
    results: list[Any] = [None] * count
    errors: list[BaseException] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = call()
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def test_scheduled_run_starts_once(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = new_run(engine, tmp_path, call_journey(), 3)
    with engine.begin() as conn:
        run_queries.update_run(conn, run_id, now=NOW, status="scheduled", scheduled_at=NOW)

    started = at_once(4, lambda: duties.start_scheduled(engine, now=NOW + timedelta(seconds=1)))

    assert sum(started) == 1
    assert run_row(engine, run_id)["status"] == "running"


def test_finished_run_completes_once(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 3, run_settings=settings(latency_seconds=0))
    with engine.begin() as conn:
        conn.execute(recipients.update().where(recipients.c.run_id == run_id).values(status="completed"))

    completed = at_once(4, lambda: duties.complete_finished(engine, [run_id], now=NOW))

    assert sorted(completed, key=len) == [[], [], [], [run_id]]


def test_interrupted_dispatch_reconciled_once(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 6, run_settings=settings(latency_seconds=0))
    ids = queue_actions(engine, run_id)
    with engine.begin() as conn:
        action_queries.set_status(conn, [
            {"b_id": action_id, "status": "dispatching", "lease_owner": "dead", "lease_expires_at": NOW}
            for action_id in ids
        ])

    later = NOW + timedelta(seconds=1)
    handled = at_once(3, lambda: duties.reconcile_interrupted(
        engine, Providers(engine), now=later, owner=threading.current_thread().name, lease=timedelta(minutes=1)
    ))

    # The simulator has no record of these actions, so each is queued again, once.
    assert sum(handled) == 6
    assert [row["status"] for row in action_rows(engine, run_id)] == ["queued"] * 6


def test_overdue_action_settled_once(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 5, run_settings=settings(latency_seconds=3600))
    worker(engine, VirtualClock(NOW)).tick()
    ids = [row["id"] for row in action_rows(engine, run_id)]
    with engine.begin() as conn:
        action_queries.set_status(conn, [{"b_id": action_id, "deadline_at": NOW} for action_id in ids])

    later = NOW + timedelta(seconds=1)
    reports = at_once(3, lambda: duties.overdue_reports(engine, Providers(engine), now=later))

    settled = [report.action_id for batch in reports for _, report in batch]
    assert sorted(settled) == ids
