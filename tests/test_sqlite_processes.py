"""A `journeys worker` process and concurrent command-line writes share one SQLite file without lock errors."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from cli_helpers import AGENT, SENDER_NUMBER, Cli, CliResult
from journeys.storage.db import connect
from journeys.storage.schema import runs

RUNS_PER_WRITER = 2
WRITERS = 2
# Large enough that an import holds the write lock while the worker wants it.
RECIPIENTS_PER_RUN = 500
DEADLINE_SECONDS = 240.0
# SMS go from a second number, because each number sends at most 100 a second.
SMS_NUMBER = "+12025550199"
# Calls and SMS take this long in wall time, so that each run is still running when
# its writer pauses it a command or two after the start.
SIM_LATENCY_SECONDS = "5"

JOURNEY: dict[str, Any] = {
    "name": "SQLite sharing",
    "fields": [{"name": "customer_name", "type": "string", "required": True}],
    "nodes": [
        {"id": "start", "type": "start", "next": "call_1"},
        {"id": "call_1", "type": "call", "from_number": SENDER_NUMBER, "agent": AGENT, "next": "outcome"},
        {
            "id": "outcome",
            "type": "branch",
            "cases": [{"label": "Answered", "when": {"subject": "nodes.call_1.outcome", "op": "equals", "value": "answered"}, "next": "done"}],
            "default": "text",
        },
        {"id": "text", "type": "sms", "from_number": SMS_NUMBER, "message": "Hi {{ customer_name }}.", "next": "done"},
        {"id": "done", "type": "end", "result": "contacted"},
    ],
}


def rows_for(writer: int, run: int) -> list[dict[str, str]]:
    first = (writer * RUNS_PER_WRITER + run) * RECIPIENTS_PER_RUN
    return [
        {"phone_number": f"+1{[202, 312, 415, 617, 212, 305][(first + index) // 10_000]}555{(first + index) % 10_000:04d}",
         "customer_name": f"Customer {first + index}"}
        for index in range(RECIPIENTS_PER_RUN)
    ]


class Writer(threading.Thread):
    """Creates, imports, starts, pauses, resumes and reads runs through the command line."""

    def __init__(self, cli: Cli, journey_id: int, index: int) -> None:
        super().__init__(daemon=True)
        self.cli = cli
        self.journey_id = journey_id
        self.index = index
        self.run_ids: list[int] = []
        self.results: list[CliResult] = []
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            for number in range(RUNS_PER_WRITER):
                self.write_one_run(number)
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.error = exc

    def command(self, *args: str | int | Path) -> CliResult:
        result = self.cli.run(*args, expect_exit=None)
        self.results.append(result)
        return result

    def write_one_run(self, number: int) -> None:
        created = self.command("run", "create", self.journey_id, "--name", f"Writer {self.index} run {number}",
                               "--no-calling-window", "--sim-latency", SIM_LATENCY_SECONDS, "--max-concurrent-calls", "200", "--json")
        if created.exit_code != 0:
            return
        run_id = int(created.json()["id"])
        self.run_ids.append(run_id)
        path = self.cli.folder / f"writer-{self.index}-{number}.csv"
        write_rows(path, rows_for(self.index, number))
        self.command("run", "import", run_id, path)
        self.command("run", "start", run_id)
        self.command("run", "pause", run_id)
        self.command("run", "show", run_id)
        self.command("run", "resume", run_id)
        self.command("run", "recipients", run_id, "--status", "active")


def write_rows(path: Path, rows: list[dict[str, str]]) -> None:
    lines = ["phone_number,customer_name", *(f"{row['phone_number']},{row['customer_name']}" for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.slow
def test_worker_and_commands_share_sqlite(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'journeys.db'}"
    cli = Cli(url, tmp_path)
    cli.run("number", "add", SENDER_NUMBER, "--cps", "100")
    cli.run("number", "add", SMS_NUMBER, "--cps", "100")
    cli.run("agent", "add", AGENT)
    journey_id = cli.create_journey(JOURNEY)

    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        worker = subprocess.Popen(
            [sys.executable, "-m", "journeys.cli.main", "worker", "--verbose"],
            stdout=output, stderr=subprocess.STDOUT, cwd=tmp_path, env={**os.environ, "JOURNEYS_DATABASE_URL": url},
        )
    writers = [Writer(cli, journey_id, index) for index in range(WRITERS)]
    try:
        for writer in writers:
            writer.start()
        for writer in writers:
            writer.join(timeout=DEADLINE_SECONDS)
        statuses = wait_for_runs(url, [run_id for writer in writers for run_id in writer.run_ids])
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker_exit = worker.wait(timeout=60)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker_exit = None
    worker_output = log.read_text(encoding="utf-8")

    failed = [result.describe() for writer in writers for result in writer.results if result.exit_code != 0]
    locked = [result.describe() for writer in writers for result in writer.results if "locked" in result.stdout + result.stderr]
    assert [writer.error for writer in writers] == [None] * WRITERS
    assert failed == []
    assert locked == []
    assert "locked" not in worker_output, worker_output
    assert "failed on the database" not in worker_output, worker_output
    assert worker_exit == 0, worker_output
    assert statuses == {run_id: "completed" for run_id in statuses}
    assert len(statuses) == WRITERS * RUNS_PER_WRITER


def wait_for_runs(url: str, run_ids: list[int]) -> dict[int, str]:
    """Poll the runs' statuses until all completed or the deadline passes; a read takes the lock too."""
    engine = connect(url)
    query = select(runs.c.id, runs.c.status).where(runs.c.id.in_(run_ids))
    deadline = time.monotonic() + DEADLINE_SECONDS
    statuses: dict[int, str] = {}
    try:
        while time.monotonic() < deadline:
            with engine.connect() as conn:
                statuses = {run_id: status for run_id, status in conn.execute(query)}
            if all(status == "completed" for status in statuses.values()):
                break
            time.sleep(0.5)
    finally:
        engine.dispose()
    return statuses
