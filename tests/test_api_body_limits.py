"""Request bodies: size limits answered with 413, and readable messages for bad JSON and bad fields."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from api_helpers import client_as, make_app
from engine_helpers import end, journey, register, sms, start
from fastapi import FastAPI
from sqlalchemy import Engine
from starlette.types import Message

from journeys.api.input_checks import DEFAULT_MAX_JSON_BYTES, MAX_CALLBACK_BYTES, InputCheckMiddleware

JSON_HEADERS = {"Content-Type": "application/json"}
CHUNK = 64 * 1024


@pytest.fixture
def api(app: FastAPI) -> FastAPI:
    register(app.state.engine)
    return app


def _document() -> dict[str, Any]:
    return journey(start("text"), sms("text", "done", message="Hello"), end())


def _padded_body(size: int) -> bytes:
    document = _document()
    document["description"] = "x" * size
    return json.dumps(document).encode()


# --- size limits through the app ---------------------------------------------------------------


def test_json_body_over_limit_gets_413(engine: Engine) -> None:
    app = make_app(engine, max_json_bytes=10_000)
    register(engine)
    with client_as(app, "admin") as admin:
        response = admin.post("/api/journeys/validate", content=_padded_body(20_000), headers=JSON_HEADERS)

    assert response.status_code == 413, response.text
    assert response.json()["code"] == "payload_too_large"
    assert "10,000 bytes" in response.json()["message"]
    assert "JOURNEYS_MAX_JSON_BYTES" in response.json()["message"]


def test_chunked_json_body_over_limit_gets_413(engine: Engine) -> None:
    app = make_app(engine, max_json_bytes=10_000)
    body = _padded_body(20_000)
    with client_as(app, "admin") as admin:
        chunks = (body[i:i + 1000] for i in range(0, len(body), 1000))
        response = admin.post("/api/journeys/validate", content=chunks, headers=JSON_HEADERS)

    assert response.status_code == 413, response.text
    assert response.json()["code"] == "payload_too_large"


def test_json_body_under_limit_accepted(api: FastAPI) -> None:
    with client_as(api, "admin") as admin:
        response = admin.post("/api/journeys/validate", content=_padded_body(1000), headers=JSON_HEADERS)

    assert response.status_code == 200, response.text


def test_unauthenticated_callback_over_limit_gets_413(api: FastAPI) -> None:
    with client_as(api, None) as anonymous:
        response = anonymous.post(
            "/webhooks/agent/calls/1", content=b"{" + b" " * (MAX_CALLBACK_BYTES + 1) + b"}", headers=JSON_HEADERS
        )

    assert response.status_code == 413, response.text
    assert response.json()["code"] == "payload_too_large"


# --- the middleware stops reading at the limit -------------------------------------------------


def _scope(path: str, headers: list[tuple[bytes, bytes]]) -> dict[str, Any]:
    return {"type": "http", "method": "POST", "path": path, "query_string": b"", "headers": headers}


async def _run(scope: dict[str, Any], total: int) -> tuple[int, int]:
    """Send `total` bytes in chunks; return the status answered and the chunks read."""
    reads = 0
    statuses: list[int] = []

    async def receive() -> Message:
        nonlocal reads
        reads += 1
        more = reads * CHUNK < total
        return {"type": "http.request", "body": b" " * CHUNK, "more_body": more}

    async def send(message: Message) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    async def app(scope: Any, receive: Any, send: Any) -> None:
        raise AssertionError("the route must not run")

    await InputCheckMiddleware(app)(scope, receive, send)
    return statuses[0], reads


def test_declared_length_rejected_unread() -> None:
    headers = [(b"content-type", b"application/json"), (b"content-length", b"31457280")]

    status, reads = asyncio.run(_run(_scope("/api/journeys/validate", headers), 30 * 1024 * 1024))

    assert status == 413
    assert reads == 0


@pytest.mark.parametrize(("path", "limit"), [("/api/journeys/validate", DEFAULT_MAX_JSON_BYTES), ("/webhooks/agent/calls/1", MAX_CALLBACK_BYTES)])
def test_streamed_body_stops_at_limit(path: str, limit: int) -> None:
    status, reads = asyncio.run(_run(_scope(path, [(b"content-type", b"application/json")]), 30 * 1024 * 1024))

    assert status == 413
    assert reads == limit // CHUNK + 1


# --- messages ----------------------------------------------------------------------------------


def test_malformed_json_names_line_and_column(api: FastAPI) -> None:
    with client_as(api, "admin") as admin:
        response = admin.post("/api/journeys/validate", content=b'{\n  "name": "x",\n  "nodes": [,]\n}', headers=JSON_HEADERS)

    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["path"] == "body"
    assert error["message"] == "the request body is not valid JSON: Expecting value at line 3 column 13"


def test_calling_window_error_names_each_problem(api: FastAPI) -> None:
    with client_as(api, "admin") as admin:
        created = admin.post("/api/journeys", json=_document())
        assert created.status_code == 201, created.text
        response = admin.post(
            f"/api/journeys/{created.json()['id']}/runs",
            json={"name": "Window", "settings": {"calling_window": "18:00-09:00"}},
        )

    assert response.status_code == 422, response.text
    error = response.json()["errors"][0]
    assert error["path"] == "body.settings.calling_window"
    assert not error["message"].startswith("Value error")
    assert "Value error" not in response.json()["message"]
    assert "no days are given" in error["message"]
    assert "the end 09:00 is not after the start 18:00" in error["message"]
    assert "cannot run past midnight" in error["message"]
