"""The run routes: read, delete, and the lifecycle commands with their errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from api_helpers import client_as, make_app
from engine_helpers import NOW, call, end, journey, new_run, register, start
from fastapi import FastAPI
from sqlalchemy import Engine

from journeys.clock import VirtualClock


@pytest.fixture
def api(engine: Engine) -> FastAPI:
    register(engine)
    return make_app(engine, clock=VirtualClock(NOW))


@pytest.fixture
def run_id(engine: Engine, tmp_path: Path) -> int:
    return new_run(engine, tmp_path, journey(start("call_1"), call("call_1", "done"), end()), 3)


def test_get_run_counts_recipients(api: FastAPI, run_id: int) -> None:
    with client_as(api, "viewer") as client:
        response = client.get(f"/api/runs/{run_id}")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "draft"
    assert body["recipients"] == {"pending": 3}
    assert body["settings"]["calling_window"] is None


def test_get_unknown_run_is_404(api: FastAPI) -> None:
    with client_as(api, "viewer") as client:
        response = client.get("/api/runs/999")

    assert response.status_code == 404
    assert "run 999 not found" in response.json()["message"]


def test_delete_draft_run(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        deleted = client.delete(f"/api/runs/{run_id}")
        after = client.get(f"/api/runs/{run_id}")

    assert deleted.status_code == 204
    assert after.status_code == 404


def test_delete_running_run_is_409(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        client.post(f"/api/runs/{run_id}/start")
        response = client.delete(f"/api/runs/{run_id}")

    assert response.status_code == 409
    assert response.json()["code"] == "illegal_transition"


def test_lifecycle_start_pause_resume_cancel(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        started = client.post(f"/api/runs/{run_id}/start").json()
        paused = client.post(f"/api/runs/{run_id}/pause").json()
        resumed = client.post(f"/api/runs/{run_id}/resume").json()
        cancelled = client.post(f"/api/runs/{run_id}/cancel").json()
        shown = client.get(f"/api/runs/{run_id}").json()

    assert started["status"] == "running"
    assert started["started_at"] == "2026-03-02T15:00:00Z"
    assert paused["status"] == "paused"
    assert resumed["status"] == "running"
    assert cancelled["status"] == "cancelled"
    assert shown["recipients"] == {"cancelled": 3}


def test_pause_of_draft_is_409(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = client.post(f"/api/runs/{run_id}/pause")

    assert response.status_code == 409
    assert "cannot pause run" in response.json()["message"]


def test_start_without_recipients_is_409(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=journey(start("done"), end())).json()["id"]
        empty = client.post(f"/api/journeys/{journey_id}/runs", json={"name": "Empty"}).json()["id"]
        response = client.post(f"/api/runs/{empty}/start")

    assert response.status_code == 409
    assert "has no recipients" in response.json()["message"]


def test_schedule_and_unschedule(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        scheduled = client.post(
            f"/api/runs/{run_id}/schedule", json={"at": "2026-03-05 09:00", "timezone": "America/New_York"}
        ).json()
        unscheduled = client.post(f"/api/runs/{run_id}/unschedule").json()

    assert scheduled["status"] == "scheduled"
    assert scheduled["scheduled_at"] == "2026-03-05T14:00:00Z"
    assert scheduled["schedule_local"] == "2026-03-05 09:00 America/New_York"
    assert unscheduled["status"] == "draft"
    assert unscheduled["scheduled_at"] is None


def test_schedule_nonexistent_time_suggests_next(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = client.post(
            f"/api/runs/{run_id}/schedule", json={"at": "2026-03-08 02:30", "timezone": "America/New_York"}
        )

    assert response.status_code == 422
    message = response.json()["message"]
    assert "does not exist in America/New_York" in message
    assert "use 2026-03-08 03:00" in message


def test_schedule_in_past_is_409(api: FastAPI, run_id: int) -> None:
    with client_as(api, "operator") as client:
        response = client.post(f"/api/runs/{run_id}/schedule", json={"at": "2026-03-01 09:00", "timezone": "UTC"})

    assert response.status_code == 409
    assert "in the past" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"at": "next tuesday", "timezone": "UTC"}, "body.at"),
        ({"at": "2026-03-05 09:00", "timezone": "Mars/Olympus"}, "body.timezone"),
        ({"at": "2026-03-05 09:00"}, "body.timezone"),
    ],
)
def test_schedule_rejects_bad_fields(api: FastAPI, run_id: int, body: dict[str, str], path: str) -> None:
    with client_as(api, "operator") as client:
        response = client.post(f"/api/runs/{run_id}/schedule", json=body)

    assert response.status_code == 422
    assert [error["path"] for error in response.json()["errors"]] == [path]


def test_commands_on_unknown_run_are_404(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        for command in ("start", "unschedule", "pause", "resume", "cancel"):
            response = client.post(f"/api/runs/999/{command}")
            assert response.status_code == 404, command


def test_id_beyond_64_bits_is_422(api: FastAPI) -> None:
    with client_as(api, "viewer") as client:
        response = client.get(f"/api/runs/{2**64}")

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "path.run_id"


def test_list_runs_counts_recipients(api: FastAPI, engine: Engine, run_id: int, tmp_path: Path) -> None:
    new_run(engine, tmp_path, journey(start("call_1"), call("call_1", "done"), end()), 2, name="other journey")
    with client_as(api, "operator") as client:
        journey_id = client.get(f"/api/runs/{run_id}").json()["journey_id"]
        empty_id = client.post(f"/api/journeys/{journey_id}/runs", json={"name": "Empty"}).json()["id"]
        listed = client.get(f"/api/journeys/{journey_id}/runs")

    assert listed.status_code == 200
    counts = {item["id"]: item["recipient_count"] for item in listed.json()}
    assert counts == {empty_id: 0, run_id: 3}
