"""`journeys demo`, the README's first command, end to end."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from pathlib import Path


def test_demo_runs_every_recipient_to_the_end(tmp_path: Path) -> None:
    env = {**os.environ, "JOURNEYS_DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}"}
    completed = subprocess.run(
        [sys.executable, "-m", "journeys.cli.main", "demo", "--json", "--output", str(tmp_path / "out")],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300, check=False,
    )

    assert completed.returncode == 0, completed.stderr
    summary = json.loads(completed.stdout)
    assert summary["recipients"] == 240
    assert summary["status"] == "completed"
    assert summary["by_status"]["completed"] + summary["by_status"]["failed"] == 240
    assert summary["calls_placed"] >= 240
    assert 0 < summary["answer_rate"] < 1
    assert summary["sms_sent"] > 0


def test_demo_writes_both_exports(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "journeys.cli.main", "demo", "--output", str(tmp_path / "out")],
        capture_output=True, text=True, cwd=tmp_path, timeout=300, check=True,
    )

    with (tmp_path / "out" / "recipients.csv").open(encoding="utf-8-sig", newline="") as file:
        recipients = list(csv.DictReader(file))
    with (tmp_path / "out" / "events.csv").open(encoding="utf-8-sig", newline="") as file:
        events = list(csv.DictReader(file))
    assert len(recipients) == 240
    assert {row["status"] for row in recipients} <= {"completed", "failed"}
    assert sum(row["type"] == "call_placed" for row in events) >= 240
