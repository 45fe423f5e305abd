"""Sender numbers and agents over HTTP: roles, endpoint checks and the write-only webhook secret."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from api_helpers import client_as, make_app
from conftest import load_fixture_json
from journeys.services import journeys as journey_service
from journeys.storage import registry as registry_queries

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)
SECRET = "s3cret-webhook-signing-key"
SHORT_SECRET = "tiny-secret-xyz"
NUMBER = "+12025550100"


def add_agent(client, **fields: Any):  # type: ignore[no-untyped-def]
    return client.post("/api/agents", json={"name": "sales", **fields})


# --- numbers -----------------------------------------------------------------------------


def test_numbers_lifecycle(app: FastAPI) -> None:
    with client_as(app, "admin") as admin:
        created = admin.post("/api/numbers", json={"number": "+1 (202) 555-0100", "label": "Desk", "calls_per_second": 2})
        assert created.status_code == 201
        assert created.json()["number"] == NUMBER
        assert created.json()["calls_per_second"] == 2

        with client_as(app, "viewer") as viewer:
            listed = viewer.get("/api/numbers")
        assert [row["number"] for row in listed.json()] == [NUMBER]

        assert admin.delete("/api/numbers/+12025550100").status_code == 204
        assert admin.get("/api/numbers").json() == []
        assert admin.delete("/api/numbers/%2B12025550100").status_code == 404


def test_number_errors(app: FastAPI) -> None:
    with client_as(app, "admin") as admin:
        invalid = admin.post("/api/numbers", json={"number": "12345"})
        admin.post("/api/numbers", json={"number": NUMBER})
        duplicate = admin.post("/api/numbers", json={"number": NUMBER})
        rate = admin.post("/api/numbers", json={"number": "+12025550101", "calls_per_second": 0})

    assert invalid.status_code == 422
    assert "12345" in invalid.json()["message"]
    assert duplicate.status_code == 409
    assert rate.status_code == 422


@pytest.mark.parametrize("role", ["viewer", "operator"])
def test_numbers_change_needs_admin(app: FastAPI, role: str) -> None:
    with client_as(app, role) as client:
        assert client.get("/api/numbers").status_code == 200
        assert client.post("/api/numbers", json={"number": NUMBER}).status_code == 403
        assert client.delete(f"/api/numbers/{NUMBER}").status_code == 403
        assert client.get("/api/agents").status_code == 200
        assert add_agent(client).status_code == 403
        assert client.patch("/api/agents/sales", json={"description": "x"}).status_code == 403
        assert client.delete("/api/agents/sales").status_code == 403


def test_registry_needs_credentials(app: FastAPI) -> None:
    with client_as(app, None) as client:
        assert client.get("/api/numbers").status_code == 401
        assert client.get("/api/agents").status_code == 401


def test_used_number_and_agent_kept(engine: Engine, app: FastAPI) -> None:
    with client_as(app, "admin") as admin:
        admin.post("/api/numbers", json={"number": NUMBER})
        admin.post("/api/agents", json={"name": "collections"})
        journey_service.create_journey(engine, load_fixture_json("journey-reminder.json"), now=NOW)

        number = admin.delete(f"/api/numbers/{NUMBER}")
        agent = admin.delete("/api/agents/collections")

    assert number.status_code == 409
    assert "journey 1" in number.json()["message"]
    assert agent.status_code == 409


# --- agents --------------------------------------------------------------------------------


def test_agent_with_every_endpoint(app: FastAPI) -> None:
    fields = {
        "description": "Outbound sales",
        "stream_url": "wss://agents.example.com/media",
        "sip_uri": "sip:sales@sip.example.com",
        "webhook_url": "https://agents.example.com/calls",
        "webhook_secret": SECRET,
    }
    with client_as(app, "admin") as admin:
        created = add_agent(admin, **fields)

    assert created.status_code == 201
    body = created.json()
    assert body["stream_url"] == fields["stream_url"]
    assert body["sip_uri"] == fields["sip_uri"]
    assert body["webhook_url"] == fields["webhook_url"]
    assert body["has_webhook_secret"] is True
    assert "webhook_secret" not in body


def test_webhook_secret_never_returned(engine: Engine, app: FastAPI) -> None:
    with client_as(app, "admin") as admin:
        bodies = [
            add_agent(admin, webhook_url="https://agents.example.com/calls", webhook_secret=SECRET).text,
            admin.get("/api/agents").text,
            admin.patch("/api/agents/sales", json={"description": "changed"}).text,
            admin.patch("/api/agents/sales", json={"webhook_secret": SECRET + "-2"}).text,
            admin.patch("/api/agents/sales", json={"webhook_secret": SHORT_SECRET}).text,
            add_agent(admin, webhook_url="https://agents.example.com/calls", webhook_secret=SECRET).text,
            admin.get("/openapi.json").text,
        ]
    with engine.connect() as conn:
        stored = registry_queries.find_agent(conn, "sales")

    assert stored is not None
    assert stored["webhook_secret"] == SECRET + "-2"
    for body in bodies:
        assert SECRET not in body
        assert SHORT_SECRET not in body


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://169.254.169.254/latest/meta-data/", "link-local"),
        ("http://metadata.google.internal/computeMetadata/v1/", "local address"),
        ("http://10.0.0.5/calls", "not a public address"),
        ("https://192.168.1.20/calls", "not a public address"),
        ("http://127.0.0.1:9000/calls", "not a public address"),
        ("http://localhost:9000/calls", "local address"),
        ("http://[::1]/calls", "not a public address"),
        ("ftp://agents.example.com/calls", "http:// or https://"),
    ],
)
def test_webhook_url_rejected(app: FastAPI, url: str, reason: str) -> None:
    with client_as(app, "admin") as admin:
        response = add_agent(admin, webhook_url=url, webhook_secret=SECRET)
        listed = admin.get("/api/agents").json()

    assert response.status_code == 422
    assert reason in response.json()["message"]
    assert "agent 'sales' webhook URL" in response.json()["message"]
    assert listed == []


def test_allowlisted_loopback_accepted(engine: Engine) -> None:
    app = make_app(engine, webhook_allowed_hosts=["127.0.0.1"])

    with client_as(app, "admin") as admin:
        loopback = add_agent(admin, webhook_url="http://127.0.0.1:9000/calls", webhook_secret=SECRET)
        elsewhere = admin.post(
            "/api/agents",
            json={"name": "other", "webhook_url": "https://agents.example.com/calls", "webhook_secret": SECRET},
        )
        metadata = admin.post(
            "/api/agents",
            json={"name": "meta", "webhook_url": "http://169.254.169.254/", "webhook_secret": SECRET},
        )

    assert loopback.status_code == 201
    assert loopback.json()["webhook_url"] == "http://127.0.0.1:9000/calls"
    assert elsewhere.status_code == 422
    assert "JOURNEYS_WEBHOOK_ALLOWED_HOSTS" in elsewhere.json()["message"]
    assert metadata.status_code == 422
    assert "link-local" in metadata.json()["message"]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"webhook_url": "https://agents.example.com/calls"}, "missing webhook secret"),
        ({"webhook_url": "https://agents.example.com/calls", "webhook_secret": "fifteen-chars-x"}, "15 characters"),
        ({"webhook_secret": SECRET}, "no webhook URL"),
        ({"stream_url": "ws://agents.example.com/media"}, "stream URL"),
        ({"stream_url": "https://agents.example.com/media"}, "stream URL"),
        ({"stream_url": "wss:///media"}, "stream URL"),
        ({"sip_uri": "agent@sip.example.com"}, "SIP URI"),
        ({"sip_uri": "sip:"}, "SIP URI"),
        ({"sip_uri": "sip:agent @example.com"}, "SIP URI"),
        ({"stream_url": "wss://agents.example.com/" + "m" * 2000}, "maximum 2000"),
    ],
)
def test_agent_endpoint_errors(app: FastAPI, fields: dict[str, str], message: str) -> None:
    with client_as(app, "admin") as admin:
        response = add_agent(admin, **fields)

    assert response.status_code == 422
    assert message in response.json()["message"]


def test_loopback_stream_url_accepted(app: FastAPI) -> None:
    with client_as(app, "admin") as admin:
        response = add_agent(admin, stream_url="ws://127.0.0.1:8765/media")

    assert response.status_code == 201


def test_agent_patch_keeps_other_fields(app: FastAPI) -> None:
    with client_as(app, "admin") as admin:
        add_agent(admin, description="Sales", stream_url="wss://agents.example.com/media",
                  webhook_url="https://agents.example.com/calls", webhook_secret=SECRET)

        described = admin.patch("/api/agents/sales", json={"description": "Renewals"})
        cleared = admin.patch("/api/agents/sales", json={"webhook_url": None, "stream_url": ""})

    assert described.status_code == 200
    assert described.json()["stream_url"] == "wss://agents.example.com/media"
    assert described.json()["has_webhook_secret"] is True
    assert cleared.status_code == 200
    assert cleared.json()["description"] == "Renewals"
    assert cleared.json()["webhook_url"] is None
    assert cleared.json()["stream_url"] is None
    assert cleared.json()["has_webhook_secret"] is False


def test_agent_patch_checks_changes(app: FastAPI) -> None:
    with client_as(app, "admin") as admin:
        add_agent(admin)

        private = admin.patch(
            "/api/agents/sales", json={"webhook_url": "http://10.1.2.3/calls", "webhook_secret": SECRET}
        )
        unknown = admin.patch("/api/agents/nobody", json={"description": "x"})
        after = admin.get("/api/agents").json()

    assert private.status_code == 422
    assert unknown.status_code == 404
    assert after[0]["webhook_url"] is None


def test_agent_errors(app: FastAPI) -> None:
    with client_as(app, "admin") as admin:
        add_agent(admin)

        duplicate = add_agent(admin)
        bad_name = admin.post("/api/agents", json={"name": "has space"})
        missing = admin.delete("/api/agents/nobody")
        removed = admin.delete("/api/agents/sales")

    assert duplicate.status_code == 409
    assert bad_name.status_code == 422
    assert missing.status_code == 404
    assert removed.status_code == 204


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("POST", "/api/numbers", {"number": NUMBER, "label": "Desk\x00"}),
        ("POST", "/api/agents", {"name": "sales", "description": "Sales\x00"}),
        ("POST", "/api/agents", {"name": "sales", "stream_url": "wss://agents.example.com/\x00"}),
        ("POST", "/api/agents", {"name": "sales", "sip_uri": "sip:sales\x00@example.com"}),
        ("POST", "/api/agents", {"name": "sales", "webhook_url": "https://agents.example.com/\x00", "webhook_secret": SECRET}),
        ("POST", "/api/agents", {"name": "sales", "webhook_url": "https://agents.example.com/", "webhook_secret": SECRET + "\x00"}),
        ("PATCH", "/api/agents/sales", {"description": "a\x00b"}),
    ],
)
def test_control_characters_rejected(app: FastAPI, method: str, path: str, body: dict[str, str]) -> None:
    # PostgreSQL cannot store NUL in text, so these must be rejected before any query.
    with client_as(app, "admin") as admin:
        if method == "PATCH":
            admin.post("/api/agents", json={"name": "sales"})
        response = admin.request(method, path, json=body)

    assert response.status_code == 422
    assert "control character U+0000" in response.json()["message"]
    assert SECRET not in response.text


def test_unstorable_names_not_found(app: FastAPI) -> None:
    with client_as(app, "admin") as admin:
        agent = admin.delete("/api/agents/sales%00")
        changed = admin.patch("/api/agents/sales%00", json={"description": "x"})
        number = admin.delete("/api/numbers/%2B1202555%00")

    assert agent.status_code == 404
    assert changed.status_code == 404
    assert number.status_code == 404
