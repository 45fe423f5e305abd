"""Request input the database cannot store: NUL, NaN and Infinity, deep nesting and unknown fields get 422.

Each case runs on SQLite and PostgreSQL, because PostgreSQL rejects NUL in
text where SQLite stores it, and SQLite keeps Infinity where PostgreSQL fails.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from api_helpers import client_as
from engine_helpers import end, journey, register, sms, start
from fastapi import FastAPI
from fastapi.testclient import TestClient
from httpx import Response

DEEP = "[" * 200_000 + "]" * 200_000
JSON_HEADERS = {"Content-Type": "application/json"}


def document(message: str = "Hello {{ customer_name }}", **extra: Any) -> dict[str, Any]:
    fields = [{"name": "customer_name", "type": "string", "required": True}]
    return journey(start("text"), sms("text", "done", message=message), end(), fields=fields, **extra)


@pytest.fixture
def api(app: FastAPI) -> FastAPI:
    register(app.state.engine)
    return app


def assert_invalid(response: Response, path: str, fragment: str) -> None:
    """Check a 422 invalid_request response whose first error is at `path` and says `fragment`."""
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["errors"][0]["path"] == path
    assert fragment in body["errors"][0]["message"]
    assert path in body["message"]


def journey_count(client: TestClient) -> int:
    return len(client.get("/api/journeys").json())


def new_run(client: TestClient) -> int:
    created = client.post("/api/journeys", json=document())
    assert created.status_code == 201, created.text
    run = client.post(f"/api/journeys/{created.json()['id']}/runs", json={"name": "Input checks"})
    assert run.status_code == 201, run.text
    return int(run.json()["id"])


# --- NUL characters ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"name": "Pay\x00ment"}, "body.name"),
        ({"description": "\x00"}, "body.description"),
        ({"nodes": [start("text"), sms("text", "done", message="Hi\x00"), end()]}, "body.nodes.1.message"),
        ({"fields": [{"name": "customer_name", "type": "string", "label": "x\x00"}]}, "body.fields.0.label"),
    ],
    ids=["name", "description", "sms message", "field label"],
)
def test_nul_in_journey_rejected(api: FastAPI, change: dict[str, Any], path: str) -> None:
    bad = {**document(), **change}

    with client_as(api, "operator") as client:
        created = client.post("/api/journeys", json=bad)
        validated = client.post("/api/journeys/validate", json=bad)
        existing = client.post("/api/journeys", json=document()).json()["id"]
        updated = client.put(f"/api/journeys/{existing}", json=bad)
        versions = client.get(f"/api/journeys/{existing}/versions").json()
        count = journey_count(client)

    assert_invalid(created, path, "control character U+0000")
    assert_invalid(validated, path, "control character U+0000")
    assert_invalid(updated, path, "control character U+0000")
    assert len(versions) == 1
    assert count == 1


def test_nul_in_key_rejected(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        response = client.post("/api/journeys", json={**document(), "na\x00me": "x"})

    assert_invalid(response, "body.na\\u0000me", "the key it contains the control character U+0000")


def test_nul_in_run_name_rejected(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        response = client.post(f"/api/journeys/{journey_id}/runs", json={"name": "Morning\x00wave"})
        runs = client.get(f"/api/journeys/{journey_id}/runs").json()

    assert_invalid(response, "body.name", "control character U+0000 at position 8")
    assert runs == []


@pytest.mark.parametrize(
    ("query", "path"),
    [("q=a%00b", "query.q"), ("node=%00", "query.node"), ("status=%00", "query.status"), ("x%00=1", "query.x\\u0000")],
    ids=["q", "node", "status", "name"],
)
def test_nul_in_query_rejected(api: FastAPI, query: str, path: str) -> None:
    with client_as(api, "operator") as client:
        run_id = new_run(client)
        response = client.get(f"/api/runs/{run_id}/recipients?{query}")

    assert_invalid(response, path, "U+0000")


def test_nul_in_recipient_data_rejected(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        run_id = new_run(client)
        response = client.post(
            f"/api/runs/{run_id}/recipients", json={"phone_number": "+12025550111", "data": {"customer_name": "A\x00"}}
        )
        listed = client.get(f"/api/runs/{run_id}/recipients").json()["items"]

    assert_invalid(response, "body.data.customer_name", "U+0000")
    assert listed == []


# --- NaN, Infinity and numbers that overflow -------------------------------------------------


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_number_rejected(api: FastAPI, number: str) -> None:
    body = f'{{"number": "+12025550111", "calls_per_second": {number}}}'

    with client_as(api, "admin") as admin:
        response = admin.post("/api/numbers", content=body, headers=JSON_HEADERS)
        numbers = [row["number"] for row in admin.get("/api/numbers").json()]

    assert_invalid(response, "body.calls_per_second", "not finite")
    assert "+12025550111" not in numbers


def test_non_finite_in_journey_rejected(api: FastAPI) -> None:
    bad = document()
    bad["nodes"][1]["position"] = {"x": 1, "y": 0}
    text = json.dumps(bad).replace('"x": 1', '"x": 1e999')

    with client_as(api, "operator") as client:
        response = client.post("/api/journeys", content=text, headers=JSON_HEADERS)
        count = journey_count(client)

    assert_invalid(response, "body.nodes.1.position.x", "not finite")
    assert count == 0


def test_non_finite_in_run_settings_rejected(api: FastAPI) -> None:
    body = '{"name": "Odds", "settings": {"simulator": {"outcomes": {"answered": Infinity}}}}'

    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        response = client.post(f"/api/journeys/{journey_id}/runs", content=body, headers=JSON_HEADERS)
        runs = client.get(f"/api/journeys/{journey_id}/runs").json()

    assert_invalid(response, "body.settings.simulator.outcomes.answered", "not finite")
    assert runs == []


def test_huge_integer_literal_rejected(api: FastAPI) -> None:
    body = '{"number": "+12025550111", "calls_per_second": ' + "9" * 5000 + "}"

    with client_as(api, "admin") as admin:
        response = admin.post("/api/numbers", content=body, headers=JSON_HEADERS)

    assert_invalid(response, "body", "more than 4,300 digits")


def test_body_not_utf8_rejected(api: FastAPI) -> None:
    with client_as(api, "admin") as admin:
        response = admin.post("/api/numbers", content=b'{"number": "\xff"}', headers=JSON_HEADERS)

    assert_invalid(response, "body", "not UTF-8")


def test_syntax_error_names_place(api: FastAPI) -> None:
    with client_as(api, "admin") as admin:
        response = admin.post("/api/numbers", content=b'{"number": ', headers=JSON_HEADERS)

    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == "the request body is not valid JSON: Expecting value at line 1 column 12"


# --- deep nesting ------------------------------------------------------------------------------


@pytest.mark.parametrize("body", [DEEP, '{"name": ' + DEEP + "}"], ids=["array", "in a key"])
def test_deep_journey_rejected(api: FastAPI, body: str) -> None:
    with client_as(api, "operator") as client:
        validated = client.post("/api/journeys/validate", content=body, headers=JSON_HEADERS)
        created = client.post("/api/journeys", content=body, headers=JSON_HEADERS)
        existing = client.post("/api/journeys", json=document()).json()["id"]
        updated = client.put(f"/api/journeys/{existing}", content=body, headers=JSON_HEADERS)

    for response in (validated, created, updated):
        assert_invalid(response, "body", "nested more than 64 levels")


def nested_condition(levels: int) -> dict[str, Any]:
    condition: dict[str, Any] = {"subject": "customer_name", "op": "is_empty"}
    for _ in range(levels):
        condition = {"not": condition}
    return condition


def test_deep_condition_reported_by_path(api: FastAPI) -> None:
    bad = document()
    bad["nodes"].insert(1, {"id": "check", "type": "branch", "cases": [{"label": "Deep", "when": nested_condition(70), "next": "text"}]})

    with client_as(api, "operator") as client:
        response = client.post("/api/journeys/validate", json=bad)

    assert_invalid(response, "body.nodes.1.cases.0.when" + ".not" * 59, "nested more than 64 levels")


def test_condition_within_depth_limit_valid(api: FastAPI) -> None:
    good = document()
    good["nodes"][0]["next"] = "check"
    good["nodes"].insert(1, {
        "id": "check", "type": "branch", "default": "text",
        "cases": [{"label": "Deep", "when": nested_condition(50), "next": "text"}],
    })

    with client_as(api, "operator") as client:
        response = client.post("/api/journeys/validate", json=good)

    assert response.status_code == 200
    assert response.json()["valid"] is True, response.text


# --- unknown fields ---------------------------------------------------------------------------


def test_unknown_number_field_rejected(api: FastAPI) -> None:
    with client_as(api, "admin") as admin:
        response = admin.post("/api/numbers", json={"number": "+12025550111", "cps": 5})
        numbers = [row["number"] for row in admin.get("/api/numbers").json()]

    assert_invalid(response, "body.cps", "Extra inputs are not permitted")
    assert "+12025550111" not in numbers


def test_unknown_user_field_changes_nothing(api: FastAPI) -> None:
    with client_as(api, "admin") as admin:
        user = admin.post("/api/users", json={"email": "ana@example.com", "role": "viewer", "password": "a" * 16}).json()
        response = admin.patch(f"/api/users/{user['id']}", json={"rol": "admin"})
        after = admin.get(f"/api/users/{user['id']}").json()

    assert_invalid(response, "body.rol", "Extra inputs are not permitted")
    assert after["role"] == "viewer"


def test_unknown_agent_field_changes_nothing(api: FastAPI) -> None:
    with client_as(api, "admin") as admin:
        response = admin.patch("/api/agents/collections", json={"webhok_url": "https://agents.example.com/hook"})
        agent = next(row for row in admin.get("/api/agents").json() if row["name"] == "collections")

    assert_invalid(response, "body.webhok_url", "Extra inputs are not permitted")
    assert agent["webhook_url"] is None


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "/api/agents", {"name": "sales", "descripton": "typo"}, "descripton"),
        ("POST", "/api/apikeys", {"name": "ci", "role": "viewer", "expires": "never"}, "expires"),
        ("POST", "/api/users", {"email": "bo@example.com", "role": "viewer", "pasword": "x"}, "pasword"),
        ("POST", "/api/session", {"email": "bo@example.com", "password": "x", "remember": True}, "remember"),
    ],
    ids=["agent", "api key", "user", "session"],
)
def test_unknown_field_rejected(api: FastAPI, method: str, path: str, body: dict[str, Any], field: str) -> None:
    with client_as(api, "admin") as admin:
        response = admin.request(method, path, json=body)

    assert_invalid(response, f"body.{field}", "Extra inputs are not permitted")


def test_unknown_schedule_field_rejected(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        run_id = new_run(client)
        response = client.post(
            f"/api/runs/{run_id}/schedule", json={"at": "2030-01-02 09:00", "timezone": "UTC", "tz": "UTC"}
        )
        run = client.get(f"/api/runs/{run_id}").json()

    assert_invalid(response, "body.tz", "Extra inputs are not permitted")
    assert run["status"] == "draft"


# --- SMS length ---------------------------------------------------------------------------------


def test_sms_longer_than_limit_rejected(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        response = client.post("/api/journeys", json=document(message="x" * 1_000_000))
        count = journey_count(client)

    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "journey_invalid"
    (problem,) = body["errors"]
    assert problem["node_id"] == "text"
    assert problem["path"] == "nodes[1].message"
    assert "1,000,000 characters" in problem["message"]
    assert "at most 1,600" in problem["message"]
    assert count == 0


def test_sms_at_limit_accepted(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        response = client.post("/api/journeys", json=document(message="x" * 1_600))

    assert response.status_code == 201, response.text


# --- run names ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["", "   ", "Morning\twave", "x" * 201])
def test_bad_run_name_rejected(api: FastAPI, name: str) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        response = client.post(f"/api/journeys/{journey_id}/runs", json={"name": name})
        runs = client.get(f"/api/journeys/{journey_id}/runs").json()

    assert response.status_code == 422, response.text
    assert runs == []


def test_run_name_stored_stripped(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        journey_id = client.post("/api/journeys", json=document()).json()["id"]
        response = client.post(f"/api/journeys/{journey_id}/runs", json={"name": "  Morning wave  "})

    assert response.status_code == 201
    assert response.json()["name"] == "Morning wave"


# --- import form ----------------------------------------------------------------------------------


CSV = b"phone_number,customer_name\n+12025550111,Ada\n"


def test_nul_in_import_field_rejected(api: FastAPI) -> None:
    with client_as(api, "operator") as client:
        run_id = new_run(client)
        response = client.post(
            f"/api/runs/{run_id}/imports", files={"file": ("r.csv", CSV, "text/csv")}, data={"date_format": "%d\x00"}
        )
        listed = client.get(f"/api/runs/{run_id}/recipients").json()["items"]

    assert_invalid(response, "body.date_format", "U+0000 at position 3")
    assert listed == []


def test_nul_in_import_file_name_rejected(api: FastAPI) -> None:
    # Written by hand, because httpx percent-encodes a NUL in a file name.
    body = (
        b"--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"r\x00.csv\"\r\n"
        b"Content-Type: text/csv\r\n\r\n" + CSV + b"\r\n--b--\r\n"
    )

    with client_as(api, "operator") as client:
        run_id = new_run(client)
        response = client.post(
            f"/api/runs/{run_id}/imports", content=body, headers={"Content-Type": "multipart/form-data; boundary=b"}
        )
        listed = client.get(f"/api/runs/{run_id}/recipients").json()["items"]

    assert_invalid(response, "body.file", "the file name it contains the control character U+0000")
    assert listed == []
