"""The streamed CSV export: the same bytes as `journeys run export`, for recipients and events."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_helpers import client_as, make_app
from cli_helpers import Cli
from engine_helpers import NOW, call, end, journey, new_run, register, sms, start, worker
from sqlalchemy import Engine

from journeys.clock import VirtualClock
from journeys.services import runs as run_service

BOM = "\ufeff".encode()


@pytest.fixture
def finished_run(engine: Engine, tmp_path: Path) -> int:
    register(engine)
    fields = [{"name": "customer_name", "type": "string", "required": True}]
    document = journey(start("call_1"), call("call_1", "text"), sms("text", "done", "=Hi {{ customer_name }}"), end(), fields=fields)
    rows = [
        {"phone_number": "+12025550101", "customer_name": "=SUM(A1)"},
        {"phone_number": "+12025550102", "customer_name": "Zoë"},
    ]
    run_id = new_run(engine, tmp_path, document, rows)
    run_service.start_run(engine, run_id, now=NOW)
    worker(engine, VirtualClock(NOW)).run_until_finished(run_id)
    return run_id


@pytest.mark.parametrize("events", [False, True])
def test_export_matches_cli(engine: Engine, database_url: str, tmp_path: Path, finished_run: int, events: bool) -> None:
    cli_file = tmp_path / "cli.csv"
    Cli(database_url, tmp_path).run("run", "export", finished_run, "-o", cli_file, *(["--events"] if events else []))

    with client_as(make_app(engine), "viewer") as client:
        response = client.get(f"/api/runs/{finished_run}/export", params={"events": str(events).lower()})

    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    kind = "events" if events else "recipients"
    assert response.headers["content-disposition"] == f'attachment; filename="run-{finished_run}-{kind}.csv"'
    assert response.content == cli_file.read_bytes()
    assert response.content.startswith(BOM)


def test_export_guards_formulas(engine: Engine, finished_run: int) -> None:
    with client_as(make_app(engine), "viewer") as client:
        recipients_csv = client.get(f"/api/runs/{finished_run}/export").content.decode("utf-8-sig")
        events_csv = client.get(f"/api/runs/{finished_run}/export", params={"events": "true"}).content.decode("utf-8-sig")

    assert "'=SUM(A1)" in recipients_csv
    assert "Zoë" in recipients_csv
    assert "'=Hi Zoë" in events_csv


def test_export_of_unknown_run_is_404(engine: Engine) -> None:
    with client_as(make_app(engine), "viewer") as client:
        response = client.get("/api/runs/999/export")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
