"""POST /api/journeys/{id}/impact: the live runs a save affects and the removed nodes that block it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import client_as, make_app
from engine_helpers import NOW, call, end, journey, new_run, register, start, worker
from fastapi import FastAPI
from sqlalchemy import Engine

from journeys.clock import VirtualClock
from journeys.services import runs as run_service
from journeys.storage import runs as run_queries

FIELDS = [{"name": "customer_name", "type": "string", "required": True}]
ROWS = [
    {"phone_number": "+12025550101", "customer_name": "Ada"},
    {"phone_number": "+12025550102", "customer_name": "Bo"},
]


def document() -> dict[str, Any]:
    return journey(start("call_1"), call("call_1", "done"), end(), fields=FIELDS)


def without_call() -> dict[str, Any]:
    return journey(start("done"), end(), fields=FIELDS)


@pytest.fixture
def api(engine: Engine) -> FastAPI:
    register(engine)
    return make_app(engine, clock=VirtualClock(NOW))


def journey_of_run(engine: Engine, run_id: int) -> int:
    with engine.connect() as conn:
        return int(run_queries.get_run(conn, run_id)["journey_id"])


def running_run_at_call(engine: Engine, tmp_path: Path, name: str = "engine test") -> int:
    """Return a started run whose recipients all wait on `call_1` for their call's result."""
    run_id = new_run(engine, tmp_path, document(), ROWS, name=name)
    run_service.start_run(engine, run_id, now=NOW)
    worker(engine, VirtualClock(NOW)).tick()
    return run_id


def test_impact_lists_live_runs_only(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    running = running_run_at_call(engine, tmp_path, name="Monday calls")
    journey_id = journey_of_run(engine, running)
    with client_as(api, "operator") as client:
        draft = client.post(f"/api/journeys/{journey_id}/runs", json={"name": "Later"}).json()["id"]
        response = client.post(f"/api/journeys/{journey_id}/impact", json=document())

    assert response.status_code == 200
    body = response.json()
    assert body["runs"] == [{"id": running, "name": "Monday calls", "status": "running"}]
    assert draft not in {run["id"] for run in body["runs"]}
    assert body["blocked"] == []
    assert body["problems"] == []


def test_impact_blocks_removed_occupied_node(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    run_id = running_run_at_call(engine, tmp_path, name="Monday calls")
    journey_id = journey_of_run(engine, run_id)

    with client_as(api, "operator") as client:
        impact = client.post(f"/api/journeys/{journey_id}/impact", json=without_call())
        saved = client.put(f"/api/journeys/{journey_id}", json=without_call())

    assert impact.status_code == 200
    assert impact.json()["blocked"] == [
        {"node_id": "call_1", "run_id": run_id, "run_name": "Monday calls", "recipients": 2}
    ]
    assert saved.status_code == 409
    assert "node 'call_1' has 2 recipients" in saved.json()["message"]


def test_impact_of_invalid_document(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    run_id = running_run_at_call(engine, tmp_path)
    journey_id = journey_of_run(engine, run_id)
    invalid = without_call()
    invalid["nodes"][0]["next"] = "nowhere"

    with client_as(api, "operator") as client:
        response = client.post(f"/api/journeys/{journey_id}/impact", json=invalid)

    body = response.json()
    assert response.status_code == 200
    assert [row["node_id"] for row in body["blocked"]] == ["call_1"]
    assert any(problem["node_id"] == "start" and "nowhere" in problem["message"] for problem in body["problems"])


def test_impact_saves_nothing(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        response = client.post(f"/api/journeys/{journey_id}/impact", json=without_call())
        current = client.get(f"/api/journeys/{journey_id}").json()

    assert response.status_code == 200
    assert response.json() == {"runs": [], "blocked": [], "problems": []}
    assert current["current_version"] == 1
    assert [node["id"] for node in current["document"]["nodes"]] == ["start", "call_1", "done"]


def test_impact_of_unknown_journey_is_404(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        response = client.post("/api/journeys/999/impact", json=document())

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_impact_needs_operator(api: FastAPI) -> None:
    with client_as(api, "viewer") as client:
        response = client.post("/api/journeys/1/impact", json=document())

    assert response.status_code == 403
