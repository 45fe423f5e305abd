"""Run the `journeys` command line in a subprocess, and read the files it writes.

Tests drive the real entry point (`python -m journeys.cli.main`), so the exit
codes, error lines and JSON output they check are the ones a user gets.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

SCENARIOS = Path(__file__).parent / "fixtures" / "scenarios"
SENDER_NUMBER = "+12025550100"
AGENT = "collections"
FINISHED_RUN_STATUSES = ("completed", "cancelled", "failed")
# A generous bound for one command, so that a hung command fails its test instead of the session.
COMMAND_TIMEOUT_SECONDS = 120


@dataclass(frozen=True)
class CliResult:
    """The outcome of one command: its arguments, exit code and output streams."""

    args: tuple[str, ...]
    exit_code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        """Parse standard output as JSON."""
        return json.loads(self.stdout)

    def describe(self) -> str:
        """Return the command and its output, for assertion messages."""
        return (
            f"journeys {' '.join(self.args)} exited {self.exit_code}\n"
            f"--- stdout\n{self.stdout}\n--- stderr\n{self.stderr}"
        )


@dataclass(frozen=True)
class Simulation:
    """What `journeys simulate` printed and exported."""

    summary: dict[str, Any]
    events: list[dict[str, str]]
    recipients: list[dict[str, str]]


class Cli:
    """The `journeys` command line bound to one database and one working folder."""

    def __init__(self, database_url: str, folder: Path) -> None:
        self.database_url = database_url
        self.folder = folder
        self.env = {**os.environ, "JOURNEYS_DATABASE_URL": database_url, "COLUMNS": "200"}

    def run(self, *args: str | Path | int, expect_exit: int | None = 0) -> CliResult:
        """Run one command; fail the test when its exit code is not `expect_exit`."""
        words = tuple(str(arg) for arg in args)
        completed = subprocess.run(
            [sys.executable, "-m", "journeys.cli.main", *words],
            cwd=self.folder,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
            check=False,
        )
        result = CliResult(words, completed.returncode, completed.stdout, completed.stderr)
        if expect_exit is not None and result.exit_code != expect_exit:
            raise AssertionError(f"expected exit {expect_exit}\n{result.describe()}")
        return result

    def json(self, *args: str | Path | int) -> Any:
        """Run one command with `--json` and return its parsed output."""
        return self.run(*args, "--json").json()

    def fails(self, *args: str | Path | int) -> CliResult:
        """Run one command that must exit 1, as every error a user can fix does."""
        return self.run(*args, expect_exit=1)

    # --- set-up -------------------------------------------------------------------

    def register(self, *, calls_per_second: float = 50.0) -> None:
        """Register the sender number and agent that the scenario journeys name."""
        self.run("number", "add", SENDER_NUMBER, "--cps", f"{calls_per_second:g}")
        self.run("agent", "add", AGENT)

    def create_journey(self, document: dict[str, Any], name: str = "journey.json") -> int:
        """Write a journey document to the working folder and create it; return its id."""
        path = write_json(self.folder / name, document)
        return int(self.json("journey", "create", path)["id"])

    def create_run(self, journey_id: int, *settings: str, name: str = "Scenario run") -> int:
        """Create a draft run with extra `run create` options; return its id."""
        return int(self.json("run", "create", journey_id, "--name", name, *settings)["id"])

    def import_rows(
        self, run_id: int, rows: list[dict[str, str]], *options: str, name: str = "recipients.csv"
    ) -> dict[str, Any]:
        """Write rows to a CSV, import it into a run with `run import` options and return the report."""
        path = write_csv(self.folder / name, rows)
        return self.json("run", "import", run_id, path, *options)

    def start_run(
        self, document: dict[str, Any], rows: list[dict[str, str]], *settings: str
    ) -> tuple[int, int]:
        """Create the journey and a run, import the rows and start it; return (journey id, run id)."""
        journey_id = self.create_journey(document)
        run_id = self.create_run(journey_id, *settings)
        report = self.import_rows(run_id, rows)
        if report["accepted"] != len(rows):
            raise AssertionError(f"import accepted {report['accepted']} of {len(rows)} rows: {report}")
        self.run("run", "start", run_id)
        return journey_id, run_id

    # --- engine -------------------------------------------------------------------

    def drain(self) -> None:
        """Run `journeys worker --drain` once: work until nothing is due now."""
        self.run("worker", "--drain")

    def drain_until_finished(self, run_id: int, *, timeout_seconds: float = 60.0) -> dict[str, Any]:
        """Drain repeatedly until the run is completed, cancelled or failed; return `run show`."""
        deadline = time.monotonic() + timeout_seconds
        while True:
            self.drain()
            run = self.show_run(run_id)
            if run["status"] in FINISHED_RUN_STATUSES:
                return run
            if time.monotonic() > deadline:
                raise AssertionError(f"run {run_id} is still {run['status']} after {timeout_seconds:g} s: {run['stats']}")
            time.sleep(0.2)

    def simulate(self, document: dict[str, Any], rows: list[dict[str, str]], *options: str) -> Simulation:
        """Run `journeys simulate` on a document and rows with extra options, reading both exports.

        `simulate` uses its own throwaway SQLite database, whatever this Cli's database is.
        """
        journey = write_json(self.folder / "simulated-journey.json", document)
        recipients = write_csv(self.folder / "simulated-recipients.csv", rows)
        export = self.folder / "simulated-export.csv"
        events = self.folder / "simulated-events.csv"
        summary = self.json(
            "simulate", journey, recipients, "--export", export, "--events", events, *options
        )
        return Simulation(summary=summary, events=read_csv(events), recipients=read_csv(export))

    # --- reading --------------------------------------------------------------------

    def show_run(self, run_id: int) -> dict[str, Any]:
        return self.json("run", "show", run_id)

    def recipients(self, run_id: int) -> list[dict[str, Any]]:
        return self.json("run", "recipients", run_id, "--limit", "1000")["recipients"]

    def stats(self, journey_id: int, run_id: int) -> dict[str, Any]:
        return self.json("stats", journey_id, "--run", run_id)

    def export_recipients(self, run_id: int) -> list[dict[str, str]]:
        path = self.folder / f"run-{run_id}-recipients.csv"
        self.run("run", "export", run_id, "-o", path)
        return read_csv(path)

    def export_events(self, run_id: int) -> list[dict[str, str]]:
        path = self.folder / f"run-{run_id}-events.csv"
        self.run("run", "export", run_id, "--events", "-o", path)
        return read_csv(path)


# --- files ------------------------------------------------------------------------------


def load_scenario(name: str) -> dict[str, Any]:
    """Return a journey document from tests/fixtures/scenarios/<name>.json."""
    return json.loads((SCENARIOS / f"{name}.json").read_text(encoding="utf-8"))


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, indent=2), encoding="utf-8")
    return path


def write_csv(path: Path, rows: list[dict[str, str]]) -> Path:
    """Write rows as a UTF-8 CSV whose header is the union of the rows' keys, in order."""
    header: list[str] = []
    for row in rows:
        header.extend(key for key in row if key not in header)
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    return path


def read_csv(path: Path) -> list[dict[str, str]]:
    """Read an export CSV, dropping the byte-order mark that exports start with."""
    with path.open(encoding="utf-8-sig", newline="") as source:
        return list(csv.DictReader(source))


# --- events ---------------------------------------------------------------------------------


def parse_utc(text: str) -> datetime:
    """Parse an export time such as 2026-06-10T13:00:00Z into an aware datetime."""
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def delayed_until(event: dict[str, str]) -> datetime:
    """Return the instant a `delayed` event names: its detail starts "until <ISO time>: <reason>"."""
    instant = event["detail"].removeprefix("until ").split(": ", 1)[0]
    return datetime.fromisoformat(instant).astimezone(UTC)


def outcome_of(event: dict[str, str]) -> str:
    """Return the outcome of a `call_result` event: its detail starts "<outcome>; ..."."""
    return event["detail"].split(";", 1)[0]


def events_of(
    events: Iterable[dict[str, str]], phone: str | None = None, type_: str | None = None
) -> list[dict[str, str]]:
    """Return the events of one phone number and/or one type, in export order."""
    return [
        event for event in events
        if (phone is None or event["phone_number"] == phone) and (type_ is None or event["type"] == type_)
    ]


def sends_per_visit(events: Iterable[dict[str, str]]) -> dict[tuple[str, str, int], dict[str, int]]:
    """Count `call_placed` and `sms_sent` events per node visit.

    A visit of a node starts at its `entered` event. The key is (phone number,
    node id, how many times the recipient had entered that node).
    """
    visits: dict[tuple[str, str], int] = {}
    counts: dict[tuple[str, str, int], dict[str, int]] = {}
    for event in events:
        place = (event["phone_number"], event["node_id"])
        if event["type"] == "entered":
            visits[place] = visits.get(place, 0) + 1
            counts[(*place, visits[place])] = {"call_placed": 0, "sms_sent": 0}
        elif event["type"] in ("call_placed", "sms_sent"):
            key = (*place, visits.get(place, 0))
            counts.setdefault(key, {"call_placed": 0, "sms_sent": 0})[event["type"]] += 1
    return counts
