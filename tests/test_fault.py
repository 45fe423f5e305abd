"""Three worker processes finish a 10,000-recipient run while one is killed every few seconds
and PostgreSQL restarts once, and the run ends exactly as a single worker's run does.

The test runs on a private PostgreSQL server (see private_postgres.py), never
on the shared one, because it restarts the server. Run it alone with
`pytest -m fault`.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import DBAPIError

from engine_helpers import action_rows, event_rows, outcomes_of, recipient_rows, run_row, simulated_rows, write_csv
from journeys.clock import VirtualClock
from journeys.domain.settings import RunSettings, SimulatorSettings
from journeys.engine.worker import Worker
from journeys.importer.options import ImportOptions
from journeys.importer.service import import_recipients
from journeys.services import journeys as journey_service
from journeys.services import registry as registry_service
from journeys.services import runs as run_service
from journeys.stats import run_stats
from journeys.storage.db import connect
from journeys.storage.schema import actions, recipients, workers
from private_postgres import PrivatePostgres, private_postgres  # noqa: F401 - the fixture

pytestmark = [pytest.mark.fault, pytest.mark.slow]

RECIPIENTS = 10_000
SEED = 20_261_204
# Sender numbers are capped at 100 calls per second, so recipients are spread
# over eight numbers (one lane each) to keep the engine, not the rate, the limit.
LANES = 8
WORKERS = 3
LEASE_SECONDS = 10
# A worker is killed after a random pause in this range, in seconds.
KILL_EVERY = (2.0, 4.0)
# The faulted run must finish within this many seconds of the workers starting.
RUN_DEADLINE_SECONDS = 180.0
AREA_CODES = (202, 312, 415, 617, 212, 305, 404, 503, 602, 713)


def fault_journey() -> dict[str, Any]:
    """Return call, branch on the outcome, SMS unless answered, a 3-second delay, end; per lane."""
    nodes: list[dict[str, Any]] = [
        {"id": "start", "type": "start", "next": "lane"},
        {
            "id": "lane",
            "type": "branch",
            "cases": [
                {"label": f"Lane {lane}", "when": {"subject": "data.lane", "op": "equals", "value": lane}, "next": f"call_{lane}"}
                for lane in range(1, LANES)
            ],
            "default": "call_0",
        },
    ]
    for lane, number in enumerate(sender_numbers()):
        nodes += [
            {"id": f"call_{lane}", "type": "call", "from_number": number, "agent": "collections", "next": f"outcome_{lane}"},
            {
                "id": f"outcome_{lane}",
                "type": "branch",
                "cases": [
                    {"label": "Answered", "when": {"subject": f"nodes.call_{lane}.outcome", "op": "equals", "value": "answered"}, "next": "done"}
                ],
                "default": f"text_{lane}",
            },
            {"id": f"text_{lane}", "type": "sms", "from_number": number, "message": "Sorry we missed you.", "next": "pause"},
        ]
    nodes += [
        {"id": "pause", "type": "time_delay", "amount": 0.05, "unit": "minutes", "next": "done"},
        {"id": "done", "type": "end", "result": "contacted"},
    ]
    return {"name": "Fault test", "fields": [{"name": "lane", "type": "integer", "required": True}], "nodes": nodes}


def sender_numbers() -> list[str]:
    return [f"+1202555{100 + lane:04d}" for lane in range(LANES)]


def recipient_csv(tmp_path: Path) -> Path:
    rows = [
        {"phone_number": f"+1{AREA_CODES[index // 10_000]}555{index % 10_000:04d}", "lane": index % LANES}
        for index in range(RECIPIENTS)
    ]
    return write_csv(tmp_path, rows, name="fault.csv")


def run_settings() -> RunSettings:
    return RunSettings(
        calling_window=None,
        max_concurrent_calls=10_000,
        simulator=SimulatorSettings(seed=SEED, latency_seconds=0),
    )


def create_run(engine: Engine, journey_id: int, csv_path: Path, name: str) -> int:
    now = datetime.now(UTC)
    run_id = run_service.create_run(engine, journey_id, name=name, settings=run_settings(), now=now)
    report = import_recipients(engine, run_id, csv_path, options=ImportOptions(), now=now)
    assert report.accepted == RECIPIENTS, report.row_errors
    return run_id


def set_up(engine: Engine, tmp_path: Path) -> tuple[int, Path]:
    now = datetime.now(UTC)
    for number in sender_numbers():
        registry_service.add_number(engine, number, label=None, calls_per_second=100, now=now)
    registry_service.add_agent(engine, "collections", description=None, now=now)
    journey_id = journey_service.create_journey(engine, fault_journey(), now=now)
    return journey_id, recipient_csv(tmp_path)


# --- Worker processes ------------------------------------------------------------------------


@dataclass
class WorkerProcesses:
    """The `journeys worker` processes of the test, their logs, and every kill."""

    url: str
    folder: Path
    processes: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: list[Path] = field(default_factory=list)
    kills: int = 0
    started: int = 0

    def start(self, slot: int | None = None) -> None:
        log = self.folder / f"worker-{self.started}.log"
        self.started += 1
        command = [sys.executable, "-m", "journeys.cli.main", "worker", "--lease", str(LEASE_SECONDS), "--verbose"]
        env = {**os.environ, "JOURNEYS_DATABASE_URL": self.url}
        with log.open("wb") as output:
            process = subprocess.Popen(command, stdout=output, stderr=subprocess.STDOUT, env=env, cwd=self.folder)
        if slot is None:
            self.processes.append(process)
            self.logs.append(log)
        else:
            self.processes[slot] = process
            self.logs[slot] = log

    def kill_and_restart(self, slot: int) -> None:
        process = self.processes[slot]
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)
        self.kills += 1
        self.start(slot)

    def exited_on_their_own(self) -> list[tuple[Path, int]]:
        return [(log, process.returncode) for process, log in zip(self.processes, self.logs, strict=True) if process.poll() is not None]

    def wait_until_running(self, timeout: float = 60.0) -> None:
        """Wait until every process has logged its start, so that it handles SIGTERM.

        A signal that arrives while Python is still importing ends the process
        with the default action, before the worker could install its handler.
        """
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all("started." in log.read_text(encoding="utf-8", errors="replace") for log in self.logs):
                return
            time.sleep(0.1)
        pytest.fail(f"worker processes did not start within {timeout:.0f} s\n{self.log_tails()}")

    def terminate(self) -> list[int | None]:
        """Send SIGTERM to every process and return their exit codes."""
        self.wait_until_running()
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        codes = []
        for process in self.processes:
            try:
                codes.append(process.wait(timeout=60))
            except subprocess.TimeoutExpired:
                process.kill()
                codes.append(None)
        return codes

    def kill_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                process.kill()
                process.wait(timeout=30)

    def lines_with(self, text: str) -> list[str]:
        """Return every line of every worker log, killed workers' too, that contains `text`."""
        found = []
        for log in self.folder.glob("worker-*.log"):
            found += [line for line in log.read_text(encoding="utf-8", errors="replace").splitlines() if text in line]
        return found

    def log_tails(self, lines: int = 15) -> str:
        parts = []
        for log in sorted(self.folder.glob("worker-*.log"), key=lambda path: int(path.stem.split("-")[1])):
            text = log.read_text(encoding="utf-8", errors="replace").splitlines()
            parts.append(f"--- {log.name}\n" + "\n".join(text[-lines:]))
        return "\n".join(parts[-6:])


def finished(engine: Engine, run_id: int) -> int | None:
    """Return how many recipients have finished, or None while the database is unreachable."""
    query = select(func.count()).select_from(recipients).where(
        recipients.c.run_id == run_id, recipients.c.status.in_(("completed", "failed", "cancelled"))
    )
    try:
        with engine.connect() as conn:
            return int(conn.execute(query).scalar_one())
    except DBAPIError:
        return None


def diagnosis(engine: Engine, run_id: int, processes: WorkerProcesses, server: PrivatePostgres) -> str:
    with engine.connect() as conn:
        by_status = dict(Counter(row.status for row in conn.execute(select(recipients.c.status).where(recipients.c.run_id == run_id))))
        action_statuses = dict(Counter((row.kind, row.status) for row in conn.execute(select(actions.c.kind, actions.c.status).where(actions.c.run_id == run_id))))
        leased = conn.execute(select(func.count()).select_from(recipients).where(recipients.c.lease_owner.is_not(None))).scalar_one()
        worker_rows = [dict(row) for row in conn.execute(select(workers)).mappings()]
    return (
        f"recipients by status: {by_status}\nactions by (kind, status): {action_statuses}\n"
        f"recipients leased now: {leased}\nworkers: {worker_rows}\nkills: {processes.kills}\n"
        f"worker logs:\n{processes.log_tails()}\nserver log:\n{server.log_tail()}"
    )


# --- The test ----------------------------------------------------------------------------


def test_workers_survive_kills_and_restart(private_postgres: PrivatePostgres, tmp_path: Path) -> None:  # noqa: F811 - the fixture
    began = time.monotonic()
    server = private_postgres
    url = server.url()
    engine = connect(url)
    journey_id, csv_path = set_up(engine, tmp_path)
    run_id = create_run(engine, journey_id, csv_path, "faulted")
    run_service.start_run(engine, run_id, now=datetime.now(UTC))

    processes = WorkerProcesses(url, tmp_path)
    try:
        for _ in range(WORKERS):
            processes.start()
        restarted_at = drive_with_faults(engine, run_id, processes, server)
        exit_codes = processes.terminate()
    finally:
        processes.kill_all()
        engine.dispose()
    faulted_seconds = time.monotonic() - began

    assert restarted_at is not None, "PostgreSQL was never restarted: the run finished before a third of it was done"
    assert processes.kills >= 5, f"only {processes.kills} workers were killed; the run was too short to test takeovers"
    assert exit_codes == [0] * WORKERS, processes.log_tails()
    # The simulator keeps one record per action and warns when asked to place one again:
    # a second dispatch would be a second call with a provider that has no idempotency keys.
    assert processes.lines_with("action=placed_again") == []
    check_workers_stopped(engine, run_id)
    check_every_recipient_finished(engine, run_id)
    check_one_placement_per_visit(engine, run_id)
    check_events_match_actions(engine, run_id)

    # The reference run is on SQLite, in virtual time, because it is about half
    # the CPU time of the same run on PostgreSQL; outcomes depend on neither.
    reference = connect(f"sqlite:///{tmp_path / 'reference.db'}")
    try:
        reference_journey_id, _ = set_up(reference, tmp_path)
        reference_id = create_run(reference, reference_journey_id, csv_path, "one worker")
        run_service.start_run(reference, reference_id, now=datetime.now(UTC))
        Worker(reference, VirtualClock(datetime.now(UTC))).run_until_finished(reference_id)
        check_same_as_one_worker(engine, run_id, reference, reference_id)
    finally:
        reference.dispose()
        engine.dispose()

    print(
        f"\nfault test: faulted run and checks {faulted_seconds:.0f} s, whole test {time.monotonic() - began:.0f} s, "
        f"{processes.kills} kills, PostgreSQL restarted {restarted_at:.0f} s in"
    )


def drive_with_faults(engine: Engine, run_id: int, processes: WorkerProcesses, server: PrivatePostgres) -> float | None:
    """Kill a random worker every few seconds and restart PostgreSQL once, until the run completes.

    Returns how many seconds after the start PostgreSQL was restarted.
    """
    chaos = random.Random(SEED)
    start = time.monotonic()
    deadline = start + RUN_DEADLINE_SECONDS
    next_kill = start + chaos.uniform(*KILL_EVERY)
    restarted_at = None
    while True:
        done = finished(engine, run_id)
        if done == RECIPIENTS and run_status(engine, run_id) == "completed":
            return restarted_at
        if time.monotonic() > deadline:
            pytest.fail(
                f"the run did not complete within {RUN_DEADLINE_SECONDS:.0f} s of the workers starting "
                f"({done} of {RECIPIENTS} recipients finished)\n{diagnosis(engine, run_id, processes, server)}"
            )
        exited = processes.exited_on_their_own()
        assert not exited, f"worker processes exited on their own: {exited}\n{processes.log_tails()}"

        if restarted_at is None and done is not None and done >= RECIPIENTS // 3:
            server.restart()
            restarted_at = time.monotonic() - start
        if time.monotonic() >= next_kill:
            processes.kill_and_restart(chaos.randrange(WORKERS))
            next_kill = time.monotonic() + chaos.uniform(*KILL_EVERY)
        time.sleep(0.2)


def run_status(engine: Engine, run_id: int) -> str | None:
    try:
        return str(run_row(engine, run_id)["status"])
    except DBAPIError:
        return None


# --- Checks ----------------------------------------------------------------------------------


def check_workers_stopped(engine: Engine, run_id: int) -> None:
    """Check that the workers stopped by SIGTERM recorded it and left no lease behind."""
    with engine.connect() as conn:
        rows = [dict(row) for row in conn.execute(select(workers)).mappings()]
        leased_recipients = conn.execute(
            select(func.count()).select_from(recipients).where(recipients.c.lease_owner.is_not(None))
        ).scalar_one()
        leased_actions = conn.execute(
            select(func.count()).select_from(actions).where(actions.c.lease_owner.is_not(None))
        ).scalar_one()
    stopped = [row for row in rows if row["stopped_at"] is not None]
    assert len(stopped) >= WORKERS
    assert all(row["heartbeat_at"] >= row["started_at"] for row in rows)
    assert leased_recipients == 0
    assert leased_actions == 0


def check_every_recipient_finished(engine: Engine, run_id: int) -> None:
    rows = recipient_rows(engine, run_id)
    assert len(rows) == RECIPIENTS
    assert Counter(row["status"] for row in rows) == {"completed": RECIPIENTS}
    assert Counter(row["current_node"] for row in rows) == {"done": RECIPIENTS}


def check_one_placement_per_visit(engine: Engine, run_id: int) -> None:
    """Check that no node visit queued two actions and the simulator placed each action once."""
    rows = action_rows(engine, run_id)
    visits = Counter((row["recipient_id"], row["node_id"], row["visit"]) for row in rows)
    assert max(visits.values()) == 1
    assert Counter(row["kind"] for row in rows)["call"] == RECIPIENTS
    assert all(row["status"] == "completed" for row in rows)
    assert all(row["dispatched_at"] is not None for row in rows)

    placed = [row["action_id"] for row in simulated_rows(engine)]
    action_ids = {row["id"] for row in rows}
    assert len(placed) == len(set(placed))
    assert set(placed) == action_ids


def check_events_match_actions(engine: Engine, run_id: int) -> None:
    """Check one placed and one result event per call and SMS, and the recipients' counters."""
    rows = action_rows(engine, run_id)
    people = recipient_rows(engine, run_id)
    for kind, placed_type, result_type, counter in (
        ("call", "call_placed", "call_result", "calls_placed"),
        ("sms", "sms_sent", "sms_result", "sms_sent"),
    ):
        expected = Counter((row["recipient_id"], row["node_id"]) for row in rows if row["kind"] == kind)
        placed = Counter((event["recipient_id"], event["node_id"]) for event in event_rows(engine, run_id, placed_type))
        results = Counter((event["recipient_id"], event["node_id"]) for event in event_rows(engine, run_id, result_type))
        assert placed == expected, f"{placed_type} events differ from {kind} actions"
        assert results == expected, f"{result_type} events differ from {kind} actions"
        assert sum(person[counter] for person in people) == sum(expected.values())


def check_same_as_one_worker(engine: Engine, run_id: int, reference: Engine, reference_id: int) -> None:
    with engine.connect() as conn:
        faulted = run_stats(conn, run_id).to_dict()
    with reference.connect() as conn:
        alone = run_stats(conn, reference_id).to_dict()
    for values in (faulted, alone):
        del values["run_id"], values["journey_id"]
    assert faulted == alone
    assert outcomes_of(engine, run_id) == outcomes_of(reference, reference_id)
