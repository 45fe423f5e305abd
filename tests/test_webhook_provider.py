"""The webhook provider: signed requests to a fake agent platform on 127.0.0.1, and their failures."""

from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from api_helpers import client_as, make_app
from engine_helpers import (
    AGENT,
    NOW,
    SENDER,
    action_rows,
    call_journey,
    end,
    event_rows,
    journey,
    new_run,
    recipient_rows,
    register,
    run_row,
    sms,
    start,
)
from journeys.engine.advance import advance_batch
from journeys.engine.catalog import Catalog
from journeys.errors import ConflictError
from journeys.providers.base import ActionRequest, ProviderError
from journeys.providers.signing import (
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    InvalidSignatureError,
    sign,
    signature,
    verify,
)
from journeys.providers.webhook import WebhookProvider
from journeys.services import runs as run_service
from journeys.storage import actions as action_queries
from journeys.storage import runs as run_queries
from webhook_helpers import AGENT_PATH, AGENT_SECRET, WEBHOOK_RUN, WebhookBench, bench  # noqa: F401 - bench is a fixture

# The worked example of docs/webhook-protocol.md.
EXAMPLE_SECRET = "example-secret-0123456789"
EXAMPLE_TIMESTAMP = 1767225600
EXAMPLE_BODY = b'{"status":"in_progress","call_id":"call-1"}'
EXAMPLE_SIGNATURE = "b69ae2f13d62c152b6ca64bf5ca96d43f487f73c9f77ee2082661e341a299aa0"

SIGNED_AT = datetime.fromtimestamp(EXAMPLE_TIMESTAMP, UTC)
RESULT_DEADLINE = timedelta(seconds=30 + 600) + timedelta(minutes=5)


# --- Signatures ---------------------------------------------------------------------------


def test_signature_matches_worked_example() -> None:
    assert signature(EXAMPLE_SECRET, EXAMPLE_TIMESTAMP, EXAMPLE_BODY) == EXAMPLE_SIGNATURE
    assert sign(EXAMPLE_SECRET, EXAMPLE_BODY, SIGNED_AT) == {
        TIMESTAMP_HEADER: str(EXAMPLE_TIMESTAMP),
        SIGNATURE_HEADER: f"v1={EXAMPLE_SIGNATURE}",
    }


@pytest.mark.parametrize("skew_seconds", [-300, 0, 300])
def test_verify_accepts_signature_inside_window(skew_seconds: int) -> None:
    headers = sign(EXAMPLE_SECRET, EXAMPLE_BODY, SIGNED_AT)
    lowered = {name.lower(): value for name, value in headers.items()}

    verify(EXAMPLE_SECRET, lowered, EXAMPLE_BODY, SIGNED_AT + timedelta(seconds=skew_seconds), 300)


GOOD = {TIMESTAMP_HEADER: str(EXAMPLE_TIMESTAMP), SIGNATURE_HEADER: f"v1={EXAMPLE_SIGNATURE}"}


@pytest.mark.parametrize(
    ("headers", "body", "secret", "now", "expected"),
    [
        ({SIGNATURE_HEADER: GOOD[SIGNATURE_HEADER]}, EXAMPLE_BODY, EXAMPLE_SECRET, SIGNED_AT, "missing X-Journeys-Timestamp"),
        ({TIMESTAMP_HEADER: GOOD[TIMESTAMP_HEADER]}, EXAMPLE_BODY, EXAMPLE_SECRET, SIGNED_AT, "missing X-Journeys-Signature"),
        ({**GOOD, TIMESTAMP_HEADER: "2026-01-01T00:00:00Z"}, EXAMPLE_BODY, EXAMPLE_SECRET, SIGNED_AT, "malformed X-Journeys-Timestamp"),
        ({**GOOD, SIGNATURE_HEADER: EXAMPLE_SIGNATURE}, EXAMPLE_BODY, EXAMPLE_SECRET, SIGNED_AT, "malformed X-Journeys-Signature"),
        ({**GOOD, SIGNATURE_HEADER: "v1=" + EXAMPLE_SIGNATURE.upper()}, EXAMPLE_BODY, EXAMPLE_SECRET, SIGNED_AT, "malformed"),
        (GOOD, EXAMPLE_BODY, "another-secret-0123456789", SIGNED_AT, "wrong signature"),
        (GOOD, EXAMPLE_BODY.replace(b"in_progress", b"completed"), EXAMPLE_SECRET, SIGNED_AT, "wrong signature"),
        (GOOD, EXAMPLE_BODY, EXAMPLE_SECRET, SIGNED_AT + timedelta(seconds=301), "expired signature"),
        (GOOD, EXAMPLE_BODY, EXAMPLE_SECRET, SIGNED_AT - timedelta(seconds=301), "expired signature"),
    ],
    ids=["no-timestamp", "no-signature", "iso-timestamp", "no-version", "uppercase-hex", "wrong-secret",
         "changed-body", "expired", "from-future"],
)
def test_verify_rejects_bad_signature(
    headers: dict[str, str], body: bytes, secret: str, now: datetime, expected: str
) -> None:
    with pytest.raises(InvalidSignatureError) as caught:
        verify(secret, headers, body, now, 300)

    assert caught.value.code == "invalid_signature"
    assert expected in str(caught.value)
    assert secret not in str(caught.value)


# --- Requests --------------------------------------------------------------------------------


def greeting_journey() -> dict[str, Any]:
    call_node = {
        "id": "call_1", "type": "call", "from_number": SENDER, "agent": AGENT, "next": "done",
        "variables": {"name": "{{ customer_name }}"}, "ring_timeout_seconds": 25, "max_duration_seconds": 300,
        "voicemail": "leave_message", "voicemail_message": "Hi {{ customer_name }}, please call us back.",
    }
    return journey(
        start("call_1"), call_node, end(),
        fields=[{"name": "customer_name", "type": "string", "required": True}],
    )


def test_call_start_request_is_signed(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(greeting_journey(), [{"phone_number": "+12025550123", "customer_name": "Ada"}])

    (received,) = bench.platform.requests_of("call.start")
    (recipient,) = recipient_rows(bench.engine, run_id)
    assert received.path == AGENT_PATH
    assert received.signature_ok
    assert received.headers["Content-Type"] == "application/json"
    assert received.json == {
        "type": "call.start",
        "idempotency_key": f"journeys-action-{action['id']}",
        "action_id": action["id"],
        "run_id": run_id,
        "recipient_id": recipient["id"],
        "node_id": "call_1",
        "to": "+12025550123",
        "from": SENDER,
        "extension": None,
        "agent": AGENT,
        "variables": {"name": "Ada"},
        "attempt": 1,
        "max_duration_seconds": 300,
        "ring_timeout_seconds": 25,
        "voicemail": "leave_message",
        "voicemail_message": "Hi Ada, please call us back.",
        "callback_url": f"{bench.url}/webhooks/agent/calls/{action['id']}",
    }
    assert action["status"] == "in_progress"
    assert action["provider"] == "webhook"
    assert action["provider_ref"] == bench.platform.started_for(action["id"]).id
    assert [event["type"] for event in event_rows(bench.engine, run_id, "call_placed")] == ["call_placed"]


def test_sms_send_request_is_signed(bench: WebhookBench) -> None:
    document = journey(start("text"), sms("text", "done", "Hello Zoë, from Journeys."), end())
    run_id, (action,) = bench.dispatch(document, [{"phone_number": "+12025550124"}])

    (received,) = bench.platform.requests_of("sms.send")
    (recipient,) = recipient_rows(bench.engine, run_id)
    assert received.path == "/sms"
    assert received.signature_ok
    assert received.json == {
        "type": "sms.send",
        "idempotency_key": f"journeys-action-{action['id']}",
        "action_id": action["id"],
        "run_id": run_id,
        "recipient_id": recipient["id"],
        "node_id": "text",
        "to": "+12025550124",
        "from": SENDER,
        "message": "Hello Zoë, from Journeys.",
        "segments": 1,
        "encoding": "UCS-2",
        "callback_url": f"{bench.url}/webhooks/agent/sms/{action['id']}",
    }
    assert action["provider_ref"] == bench.platform.started_for(action["id"]).id


def test_lookup_resends_same_key(bench: WebhookBench) -> None:
    _, (action,) = bench.dispatch(call_journey())

    found = bench.provider.lookup(action["id"])

    keys = [item.json["idempotency_key"] for item in bench.platform.requests_of("call.start")]
    assert found is not None
    assert found.provider_ref == action["provider_ref"]
    assert keys == [f"journeys-action-{action['id']}"] * 2
    assert len(bench.platform.started) == 1


def interrupted_dispatch(bench: WebhookBench, *, reached_platform: bool) -> tuple[int, dict[str, Any]]:
    """Queue a call and claim it for dispatch as a worker does, then stop as a crash would.

    With `reached_platform`, the platform received the request before the crash.
    """
    run_id = bench.start(call_journey())
    with bench.engine.connect() as conn:
        view = Catalog().view(conn, run_queries.get_run(conn, run_id))
    advance_batch(bench.engine, view, now=NOW, owner="crashed", lease=timedelta(seconds=60), limit=10)
    with bench.engine.begin() as conn:
        (action,) = action_queries.due_queued(conn, now=NOW, limit=10)
        action_queries.mark_dispatching(conn, [action["id"]], owner="crashed", lease_until=NOW + timedelta(seconds=60))
    if reached_platform:
        request = ActionRequest(
            action_id=action["id"], kind="call", from_number=action["from_number"], to_number=action["to_number"],
            run_id=run_id, recipient_id=action["recipient_id"], node_id=action["node_id"], payload=dict(action["request"]),
        )
        bench.provider.place_call(request, NOW)
    return run_id, action


def test_reconcile_places_no_second_call(bench: WebhookBench) -> None:
    run_id, action = interrupted_dispatch(bench, reached_platform=True)

    bench.clock.advance_to(NOW + timedelta(seconds=61))
    bench.worker.tick()

    (reconciled,) = action_rows(bench.engine, run_id)
    assert reconciled["status"] == "in_progress"
    assert reconciled["provider_ref"] == bench.platform.started_for(action["id"]).id
    assert len(bench.platform.requests_of("call.start")) == 2
    assert len(bench.platform.started) == 1
    assert len(event_rows(bench.engine, run_id, "call_placed")) == 1
    assert recipient_rows(bench.engine, run_id)[0]["calls_placed"] == 1


def test_reconcile_after_cancel_only_asks(bench: WebhookBench) -> None:
    run_id, action = interrupted_dispatch(bench, reached_platform=False)
    run_service.cancel_run(bench.engine, run_id, now=NOW, providers=bench.providers)

    found = bench.provider.lookup(action["id"])

    assert found is None
    assert bench.platform.requests_of("call.start") == []
    assert [item.json["idempotency_key"] for item in bench.platform.requests_of("call.status")] == [
        f"journeys-action-{action['id']}"
    ]


# --- Failures ----------------------------------------------------------------------------


def test_platform_error_fails_action(bench: WebhookBench) -> None:
    bench.platform.behaviour.fail_status = 500

    run_id, (action,) = bench.dispatch(call_journey())

    reason = action["result"]["ended_reason"]
    (recipient,) = recipient_rows(bench.engine, run_id)
    assert action["status"] == "completed"
    assert action["outcome"] == "failed"
    assert "returned HTTP 500 for call.start" in reason
    assert "the platform failed to start the call" in reason
    assert AGENT_SECRET not in reason
    assert recipient["outputs"]["call_1"]["outcome"] == "failed"
    assert recipient["outputs"]["call_1"]["ended_reason"] == reason


def call_request(action_id: int = 999) -> ActionRequest:
    return ActionRequest(
        action_id=action_id, kind="call", from_number=SENDER, to_number="+12025550123", run_id=1,
        recipient_id=1, node_id="call_1", payload={"agent": AGENT, "attempt": 1},
    )


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, "database on fire", "returned HTTP 500 for call.start: {\"error\": \"database on fire\"}"),
        (302, "moved", "returned HTTP 302"),
        (200, "no call id here", "returned no valid 'call_id'"),
    ],
    ids=["server-error", "redirect-not-followed", "no-call-id"],
)
def test_bad_answer_raises_provider_error(bench: WebhookBench, status: int, body: str, expected: str) -> None:
    bench.platform.behaviour.fail_status = status
    bench.platform.behaviour.fail_body = body

    with pytest.raises(ProviderError) as caught:
        bench.provider.place_call(call_request(), NOW)

    assert expected in str(caught.value)
    assert f"agent '{AGENT}' webhook URL (host 127.0.0.1)" in str(caught.value)


def test_wrong_secret_rejected_by_platform(bench: WebhookBench) -> None:
    bench.set_agent(bench.platform.url(AGENT_PATH), secret="not-the-platform-secret-1234")

    with pytest.raises(ProviderError) as caught:
        bench.provider.place_call(call_request(), NOW)

    (received,) = bench.platform.received
    assert not received.signature_ok
    assert "returned HTTP 401" in str(caught.value)
    assert "not-the-platform-secret-1234" not in str(caught.value)


def test_timeout_raises_provider_error(bench: WebhookBench) -> None:
    bench.platform.behaviour.delay_seconds = 1.5
    provider = WebhookProvider(bench.engine, bench.config.model_copy(update={"webhook_timeout_seconds": 0.3}))

    try:
        with pytest.raises(ProviderError) as caught:
            provider.place_call(call_request(), NOW)
    finally:
        provider.close()

    assert "call.start request to agent 'collections' webhook URL (host 127.0.0.1) timed out after 0.3 s" in str(caught.value)


def test_refused_connection_raises_provider_error(bench: WebhookBench) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    bench.set_agent(f"http://127.0.0.1:{closed_port}/agents/{AGENT}")

    with pytest.raises(ProviderError) as caught:
        bench.provider.place_call(call_request(), NOW)

    assert f"could not reach agent '{AGENT}' webhook URL (host 127.0.0.1) for call.start" in str(caught.value)


def test_agent_without_webhook_fails_call(bench: WebhookBench) -> None:
    bench.set_agent(None, secret=None)

    with pytest.raises(ProviderError) as caught:
        bench.provider.place_call(call_request(), NOW)

    assert f"agent '{AGENT}' has no webhook URL or secret" in str(caught.value)
    assert bench.platform.received == []


@pytest.mark.parametrize(
    ("allowed_hosts", "expected"),
    [
        (["hooks.example.com"], "is not in JOURNEYS_WEBHOOK_ALLOWED_HOSTS"),
        ([], "is not a public address"),
    ],
    ids=["other-host-allowed", "no-allowlist"],
)
def test_url_outside_allowlist_never_contacted(bench: WebhookBench, allowed_hosts: list[str], expected: str) -> None:
    config = bench.config.model_copy(update={"webhook_allowed_hosts": allowed_hosts})
    provider = WebhookProvider(bench.engine, config)
    sms_request = ActionRequest(
        action_id=998, kind="sms", from_number=SENDER, to_number="+12025550123", run_id=1,
        recipient_id=1, node_id="text", payload={"message": "Hi", "segments": 1, "encoding": "GSM-7"},
    )

    try:
        with pytest.raises(ProviderError) as call_error:
            provider.place_call(call_request(), NOW)
        with pytest.raises(ProviderError) as sms_error:
            provider.send_sms(sms_request, NOW)
    finally:
        provider.close()

    assert expected in str(call_error.value)
    assert expected in str(sms_error.value)
    assert bench.platform.received == []


def test_start_rejects_url_outside_allowlist(bench: WebhookBench) -> None:
    run_id = new_run(bench.engine, bench.tmp_path, call_journey(), 1, run_settings=WEBHOOK_RUN)
    config = bench.config.model_copy(update={"webhook_allowed_hosts": ["hooks.example.com"]})

    with pytest.raises(ConflictError) as caught:
        run_service.start_run(bench.engine, run_id, now=NOW, config=config)

    assert f"run {run_id} uses the webhook provider" in str(caught.value)
    assert "is not in JOURNEYS_WEBHOOK_ALLOWED_HOSTS" in str(caught.value)
    assert run_row(bench.engine, run_id)["status"] == "draft"


def test_start_needs_sms_webhook(bench: WebhookBench) -> None:
    document = journey(start("call_1"), {**call_journey()["nodes"][1], "next": "text"}, sms("text", "done"), end())
    run_id = new_run(bench.engine, bench.tmp_path, document, 1, run_settings=WEBHOOK_RUN)
    config = bench.config.model_copy(update={"webhook_sms_url": None, "webhook_sms_secret": None})
    bench.set_agent(None, secret=None)

    with pytest.raises(ConflictError) as caught:
        run_service.start_run(bench.engine, run_id, now=NOW, config=config)

    message = str(caught.value)
    assert f"agent '{AGENT}' has no webhook URL or secret" in message
    assert "set JOURNEYS_WEBHOOK_SMS_URL and JOURNEYS_WEBHOOK_SMS_SECRET" in message
    assert run_row(bench.engine, run_id)["status"] == "draft"


def test_schedule_checks_webhook_settings(bench: WebhookBench) -> None:
    document = journey(start("text"), sms("text", "done"), end())
    run_id = new_run(bench.engine, bench.tmp_path, document, 1, run_settings=WEBHOOK_RUN)
    config = bench.config.model_copy(update={"webhook_sms_url": None})

    with pytest.raises(ConflictError, match="no SMS webhook is set"):
        run_service.schedule_run(
            bench.engine, run_id, local_time="2026-03-03 09:00", timezone="UTC", now=NOW, config=config
        )

    assert run_row(bench.engine, run_id)["status"] == "draft"


def test_api_start_uses_server_settings(bench: WebhookBench) -> None:
    ready = new_run(bench.engine, bench.tmp_path, call_journey(), 1, run_settings=WEBHOOK_RUN)
    document = journey(start("text"), sms("text", "done"), end())
    missing_sms = new_run(bench.engine, bench.tmp_path, document, 1, run_settings=WEBHOOK_RUN)
    app = make_app(bench.engine, clock=bench.clock, public_url=bench.url, webhook_allowed_hosts=["127.0.0.1"])

    with client_as(app, "operator") as client:
        started = client.post(f"/api/runs/{ready}/start")
        rejected = client.post(f"/api/runs/{missing_sms}/start")

    assert started.status_code == 200
    assert started.json()["status"] == "running"
    assert rejected.status_code == 409
    assert "no SMS webhook is set" in rejected.json()["message"]


def test_simulator_run_needs_no_webhook(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    document = journey(start("text"), sms("text", "done"), end())
    run_id = new_run(engine, tmp_path, document, 1)

    started = run_service.start_run(engine, run_id, now=NOW)

    assert started["status"] == "running"


# --- Hang-ups and overdue results ----------------------------------------------------------------


def test_cancel_hangs_up_call(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())

    run_service.cancel_run(bench.engine, run_id, now=NOW + timedelta(seconds=5), providers=bench.providers)

    (hang_up,) = bench.platform.requests_of("call.hangup")
    assert hang_up.signature_ok
    assert hang_up.json == {
        "type": "call.hangup",
        "idempotency_key": f"journeys-action-{action['id']}",
        "action_id": action["id"],
        "call_id": action["provider_ref"],
    }
    assert bench.platform.started_for(action["id"]).hung_up


def test_hang_up_unknown_call_returns_false(bench: WebhookBench) -> None:
    _, (action,) = bench.dispatch(call_journey())
    bench.platform.started.clear()

    assert bench.provider.hang_up(action["id"], NOW) is False


def test_overdue_call_fetches_result(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())
    bench.platform.behaviour.statuses[action["provider_ref"]] = {
        "status": "completed", "outcome": "answered", "call_id": action["provider_ref"],
        "talk_time_seconds": 31.5, "ended_reason": "agent hung up", "data": {"confirmed": True},
    }

    bench.clock.advance_to(NOW + RESULT_DEADLINE + timedelta(seconds=1))
    bench.worker.tick()

    (status_request,) = bench.platform.requests_of("call.status")
    (settled,) = action_rows(bench.engine, run_id)
    (recipient,) = recipient_rows(bench.engine, run_id)
    assert status_request.json["call_id"] == action["provider_ref"]
    assert settled["outcome"] == "answered"
    assert recipient["outputs"]["call_1"]["data"] == {"confirmed": True}
    assert recipient["outputs"]["call_1"]["talk_time_seconds"] == 31.5
    assert recipient["calls_answered"] == 1


def test_overdue_call_without_result_fails(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())

    bench.clock.advance_to(NOW + RESULT_DEADLINE + timedelta(seconds=1))
    bench.worker.tick()

    (settled,) = action_rows(bench.engine, run_id)
    (recipient,) = recipient_rows(bench.engine, run_id)
    assert len(bench.platform.requests_of("call.status")) == 1
    assert settled["outcome"] == "failed"
    assert settled["result"]["ended_reason"] == "no result from provider"
    assert recipient["outputs"]["call_1"]["ended_reason"] == "no result from provider"


def test_overdue_sms_fetches_status(bench: WebhookBench) -> None:
    document = journey(start("text"), sms("text", "done"), end())
    run_id, (action,) = bench.dispatch(document)
    bench.platform.behaviour.statuses[action["provider_ref"]] = {"status": "delivered", "message_id": action["provider_ref"]}

    bench.clock.advance_to(NOW + timedelta(hours=1, seconds=1))
    bench.worker.tick()

    (status_request,) = bench.platform.requests_of("sms.status")
    (settled,) = action_rows(bench.engine, run_id)
    assert status_request.path == "/sms"
    assert status_request.json["message_id"] == action["provider_ref"]
    assert settled["outcome"] == "delivered"
    assert recipient_rows(bench.engine, run_id)[0]["outputs"]["text"]["status"] == "delivered"
