"""The journey routes: create, read, publish, delete, validate, versions, stats and new runs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from api_helpers import client_as, make_app
from engine_helpers import NOW, call, end, journey, new_run, register, start, worker
from fastapi import FastAPI
from sqlalchemy import Engine

from journeys.clock import VirtualClock
from journeys.providers.registry import Providers
from journeys.services import runs as run_service
from journeys.storage import runs as run_queries


def document(**extra: Any) -> dict[str, Any]:
    return journey(
        start("call_1"), call("call_1", "done"), end(),
        fields=[{"name": "customer_name", "type": "string", "required": True}], **extra,
    )


@pytest.fixture
def api(engine: Engine) -> FastAPI:
    register(engine)
    return make_app(engine, clock=VirtualClock(NOW))


def test_create_journey_returns_it(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        response = client.post("/api/journeys", json=document())

    assert response.status_code == 201
    body = response.json()
    assert body["name"] == "Engine test"
    assert body["current_version"] == 1
    assert body["version"] == 1
    assert [node["id"] for node in body["document"]["nodes"]] == ["start", "call_1", "done"]


def test_create_invalid_journey_lists_problems(api: FastAPI) -> None:
    bad = journey(start("call_1"), call("call_1", "nowhere"), end())
    bad["nodes"][1]["agent"] = "unknown_agent"

    with client_as(api, "operator") as client:
        response = client.post("/api/journeys", json=bad)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "journey_invalid"
    assert "call_1" in {error["node_id"] for error in body["errors"]}
    messages = " ".join(error["message"] for error in body["errors"])
    assert "nowhere" in messages
    assert "unknown_agent" in messages


def test_create_journey_rejects_non_object(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        response = client.post("/api/journeys", json=["not", "an", "object"])

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body"


def test_list_and_get_journeys(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        first = client.post("/api/journeys", json=document()).json()["id"]
        second = client.post("/api/journeys", json=document(name="Second")).json()["id"]
        listed = client.get("/api/journeys").json()
        shown = client.get(f"/api/journeys/{first}").json()

    assert [item["id"] for item in listed] == [second, first]
    assert "document" not in listed[0]
    assert shown["id"] == first
    assert shown["document"]["name"] == "Engine test"


def test_get_unknown_journey_is_404(api: FastAPI) -> None:
    with client_as(api, "viewer") as client:
        response = client.get("/api/journeys/999")

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"


def test_put_publishes_new_version(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        updated = client.put(f"/api/journeys/{journey_id}", json=document(name="Renamed")).json()
        versions = client.get(f"/api/journeys/{journey_id}/versions").json()
        first = client.get(f"/api/journeys/{journey_id}", params={"version": 1}).json()

    assert updated["current_version"] == 2
    assert updated["name"] == "Renamed"
    assert [item["version"] for item in versions] == [2, 1]
    assert first["version"] == 1
    assert first["document"]["name"] == "Engine test"


def test_put_removing_occupied_node_is_409(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    rows = [{"phone_number": "+12025550101", "customer_name": "Ada"}]
    run_id = new_run(engine, tmp_path, document(), rows)
    run_service.start_run(engine, run_id, now=NOW)
    worker(engine, VirtualClock(NOW)).tick()
    journey_id = journey_of_run(engine, run_id)
    without_call = journey(start("done"), end(), fields=document()["fields"])

    with client_as(api, "operator") as client:
        response = client.put(f"/api/journeys/{journey_id}", json=without_call)

    assert response.status_code == 409
    assert "node 'call_1' has 1 recipient" in response.json()["message"]


def journey_of_run(engine: Engine, run_id: int) -> int:
    from journeys.storage import runs as run_queries

    with engine.connect() as conn:
        return int(run_queries.get_run(conn, run_id)["journey_id"])


def test_delete_journey_removes_it(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        deleted = client.delete(f"/api/journeys/{journey_id}")
        after = client.get(f"/api/journeys/{journey_id}")

    assert deleted.status_code == 204
    assert after.status_code == 404


def test_delete_journey_with_live_run_is_409(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    run_id = new_run(engine, tmp_path, document(), [{"phone_number": "+12025550101", "customer_name": "Ada"}])
    run_service.start_run(engine, run_id, now=NOW)
    journey_id = journey_of_run(engine, run_id)

    with client_as(api, "operator") as client:
        response = client.delete(f"/api/journeys/{journey_id}")
        still_there = client.get(f"/api/journeys/{journey_id}")

    assert response.status_code == 409
    assert f"run {run_id} (running)" in response.json()["message"]
    assert "cancel" in response.json()["message"]
    assert still_there.status_code == 200


def finished_run(engine: Engine, tmp_path: Path, status: str) -> int:
    """Return a run of a new journey in `status`: cancelled through the service, else set directly."""
    run_id = new_run(engine, tmp_path, document(), [{"phone_number": "+12025550101", "customer_name": "Ada"}])
    run_service.start_run(engine, run_id, now=NOW)
    if status == "cancelled":
        run_service.cancel_run(engine, run_id, now=NOW, providers=Providers(engine))
    else:
        with engine.begin() as conn:
            run_queries.update_run(conn, run_id, now=NOW, status=status, finished_at=NOW)
    return run_id


def run_exists(engine: Engine, run_id: int) -> bool:
    with engine.connect() as conn:
        return any(run["id"] == run_id for run in run_queries.list_runs(conn))


@pytest.mark.parametrize("status", ["completed", "cancelled", "failed"])
def test_delete_journey_with_finished_run_is_409(api: FastAPI, engine: Engine, tmp_path: Path, status: str) -> None:
    run_id = finished_run(engine, tmp_path, status)
    journey_id = journey_of_run(engine, run_id)

    with client_as(api, "operator") as operator:
        refused = operator.delete(f"/api/journeys/{journey_id}")
    with client_as(api, "admin") as admin:
        refused_admin = admin.delete(f"/api/journeys/{journey_id}")

    assert refused.status_code == 409
    assert refused.json()["code"] == "conflict"
    assert f"run {run_id} ({status})" in refused.json()["message"]
    assert "force=true" in refused.json()["message"]
    assert refused_admin.status_code == 409
    assert run_exists(engine, run_id)


def test_delete_journey_force_needs_admin(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    run_id = finished_run(engine, tmp_path, "completed")
    journey_id = journey_of_run(engine, run_id)

    with client_as(api, "operator") as operator:
        forbidden = operator.delete(f"/api/journeys/{journey_id}", params={"force": "true"})

    assert forbidden.status_code == 403
    assert "admin role" in forbidden.json()["message"]
    assert run_exists(engine, run_id)


def test_delete_journey_force_by_admin(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    run_id = finished_run(engine, tmp_path, "completed")
    journey_id = journey_of_run(engine, run_id)

    with client_as(api, "admin") as admin:
        deleted = admin.delete(f"/api/journeys/{journey_id}", params={"force": "true"})
        after = admin.get(f"/api/journeys/{journey_id}")
        run_after = admin.get(f"/api/runs/{run_id}")

    assert deleted.status_code == 204
    assert after.status_code == 404
    assert run_after.status_code == 404
    assert not run_exists(engine, run_id)


def test_delete_journey_force_keeps_live_runs(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    run_id = new_run(engine, tmp_path, document(), [{"phone_number": "+12025550101", "customer_name": "Ada"}])
    run_service.start_run(engine, run_id, now=NOW)
    journey_id = journey_of_run(engine, run_id)

    with client_as(api, "admin") as admin:
        response = admin.delete(f"/api/journeys/{journey_id}", params={"force": "true"})

    assert response.status_code == 409
    assert f"run {run_id} (running)" in response.json()["message"]
    assert run_exists(engine, run_id)


def test_delete_journey_with_draft_run(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    run_id = new_run(engine, tmp_path, document(), [{"phone_number": "+12025550101", "customer_name": "Ada"}])
    journey_id = journey_of_run(engine, run_id)

    with client_as(api, "operator") as operator:
        deleted = operator.delete(f"/api/journeys/{journey_id}")

    assert deleted.status_code == 204
    assert not run_exists(engine, run_id)


def test_validate_reports_valid_document(api: FastAPI) -> None:
    with client_as(api, "viewer") as client:
        response = client.post("/api/journeys/validate", json=document())

    assert response.status_code == 200
    assert response.json() == {"valid": True, "problems": [], "name": "Engine test", "nodes": 3}


def test_validate_lists_problems_with_200(api: FastAPI) -> None:
    with client_as(api, "viewer") as client:
        response = client.post("/api/journeys/validate", json=journey(start("missing")))

    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    assert any(problem["node_id"] == "start" and "missing" in problem["message"] for problem in body["problems"])


def test_validate_stores_nothing(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        client.post("/api/journeys/validate", json=document())
        listed = client.get("/api/journeys").json()

    assert listed == []


def test_stats_of_journey_and_run(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    rows = [{"phone_number": "+12025550101", "customer_name": "Ada"}, {"phone_number": "+12025550102", "customer_name": "Bo"}]
    run_id = new_run(engine, tmp_path, document(), rows)
    journey_id = journey_of_run(engine, run_id)

    with client_as(api, "viewer") as client:
        whole = client.get(f"/api/journeys/{journey_id}/stats").json()
        one_run = client.get(f"/api/journeys/{journey_id}/stats", params={"run": run_id}).json()
        other = client.get(f"/api/journeys/{journey_id}/stats", params={"run": run_id + 100})

    assert whole["recipients"] == 2
    assert whole["by_status"]["pending"] == 2
    assert one_run["run_id"] == run_id
    assert [node["node_id"] for node in one_run["nodes"]] == ["start", "call_1", "done"]
    assert other.status_code == 404


def test_stats_rejects_naive_since(api: FastAPI, engine: Engine, tmp_path: Path) -> None:
    run_id = new_run(engine, tmp_path, document(), [{"phone_number": "+12025550101", "customer_name": "Ada"}])
    journey_id = journey_of_run(engine, run_id)

    with client_as(api, "viewer") as client:
        response = client.get(f"/api/journeys/{journey_id}/stats", params={"since": "2026-03-01T00:00:00"})

    assert response.status_code == 422
    assert "UTC offset" in response.json()["message"]


def test_create_run_with_settings(api: FastAPI) -> None:
    settings = {
        "calling_window": "mon-fri 09:00-18:00",
        "default_timezone": "America/Chicago",
        "max_concurrent_calls": 3,
        "simulator": {"seed": 7, "script": {"+1 202-555-0101": ["no_answer", "answered"]}},
    }
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        response = client.post(f"/api/journeys/{journey_id}/runs", json={"name": "Morning wave", "settings": settings})
        listed = client.get(f"/api/journeys/{journey_id}/runs").json()

    assert response.status_code == 201
    run = response.json()
    assert run["status"] == "draft"
    assert run["name"] == "Morning wave"
    assert run["settings"]["calling_window"] == "mon-fri 09:00-18:00"
    assert run["settings"]["max_concurrent_calls"] == 3
    assert run["settings"]["simulator"]["script"] == {"+12025550101": ["no_answer", "answered"]}
    assert [item["id"] for item in listed] == [run["id"]]


def test_create_run_with_defaults(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        run = client.post(f"/api/journeys/{journey_id}/runs", json={"name": "Defaults"}).json()

    assert run["settings"]["calling_window"] == "daily 09:00-20:00"
    assert run["settings"]["provider"] == "simulator"


@pytest.mark.parametrize(
    ("settings", "path"),
    [
        ({"calling_window": "someday 25:00-26:00"}, "body.settings.calling_window"),
        ({"default_timezone": "Mars/Olympus"}, "body.settings.default_timezone"),
        ({"max_concurrent_calls": 0}, "body.settings.max_concurrent_calls"),
        ({"provider": "carrier_pigeon"}, "body.settings.provider"),
        ({"simulator": {"outcomes": {"exploded": 1.0}}}, "body.settings.simulator.outcomes"),
        ({"unknown": 1}, "body.settings.unknown"),
    ],
)
def test_create_run_rejects_bad_settings(api: FastAPI, settings: dict[str, Any], path: str) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        response = client.post(f"/api/journeys/{journey_id}/runs", json={"name": "Bad", "settings": settings})

    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert [error["path"] for error in response.json()["errors"]] == [path]


def test_create_run_rejects_blank_name(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        response = client.post(f"/api/journeys/{journey_id}/runs", json={"name": "   "})

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "body.name"


def test_create_run_of_unknown_journey_is_404(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        response = client.post("/api/journeys/999/runs", json={"name": "Orphan"})

    assert response.status_code == 404
