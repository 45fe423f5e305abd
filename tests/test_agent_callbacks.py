"""Signed callbacks from agent platforms over real HTTP: verified, logged, ranked and applied once."""

from __future__ import annotations

import json
import logging
import threading
from datetime import timedelta
from typing import Any

import httpx
import pytest
from prometheus_client import REGISTRY

from engine_helpers import (
    NOW,
    action_rows,
    call,
    call_journey,
    callback_rows,
    end,
    event_rows,
    journey,
    recipient_rows,
    sms,
    start,
)
from journeys.api.rejections import RejectionLog
from journeys.services import runs as run_service
from webhook_helpers import AGENT_SECRET, SMS_SECRET, WebhookBench, bench  # noqa: F401 - bench is a fixture

ANSWERED = {
    "status": "completed", "outcome": "answered", "talk_time_seconds": 42.5, "duration_seconds": 51,
    "ended_reason": "customer hung up", "data": {"confirmed": True, "callback_day": "friday"},
}
ROUTE_LOGGER = "journeys.api.routes.agent_webhooks"


def test_result_moves_recipient(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())

    response = bench.post(action, {**ANSWERED, "call_id": action["provider_ref"]})
    bench.worker.tick()

    (recipient,) = recipient_rows(bench.engine, run_id)
    (settled,) = action_rows(bench.engine, run_id)
    (logged,) = callback_rows(bench.engine, action["id"])
    assert response.status_code == 200
    assert response.json() == {"applied": True}
    assert settled["outcome"] == "answered"
    assert recipient["status"] == "completed"
    assert recipient["calls_answered"] == 1
    assert recipient["talk_time_seconds"] == 42.5
    assert recipient["outputs"]["call_1"] == {
        "outcome": "answered", "answered_by": "human", "talk_time_seconds": 42.5, "duration_seconds": 51.0,
        "ended_reason": "customer hung up", "attempt": 1, "data": {"confirmed": True, "callback_day": "friday"},
    }
    assert logged["provider"] == "webhook"
    assert logged["applied"] is True
    assert logged["payload"]["raw"] == {**ANSWERED, "call_id": action["provider_ref"]}
    assert [event["detail"] for event in event_rows(bench.engine, run_id, "call_result")] == [
        "answered; answered by human; talk time 42.5 s; customer hung up"
    ]


def confirmation_journey() -> dict[str, Any]:
    confirmed = {"subject": "nodes.call_1.data.confirmed", "op": "is_true"}
    return journey(
        start("call_1"),
        call("call_1", "check"),
        {"id": "check", "type": "branch", "cases": [{"label": "Confirmed", "when": confirmed, "next": "yes"}], "default": "no"},
        end("yes", "confirmed"),
        end("no", "not_confirmed"),
    )


def test_gathered_data_choose_branch(bench: WebhookBench) -> None:
    run_id, actions = bench.dispatch(confirmation_journey(), 2)
    first, second = actions

    bench.post(first, {**ANSWERED, "data": {"confirmed": True}})
    bench.post(second, {**ANSWERED, "data": {"confirmed": False}})
    bench.worker.tick()

    recipients = {row["id"]: row for row in recipient_rows(bench.engine, run_id)}
    assert recipients[first["recipient_id"]]["result"] == "confirmed"
    assert recipients[second["recipient_id"]]["result"] == "not_confirmed"
    assert recipients[first["recipient_id"]]["outputs"]["call_1"]["data"] == {"confirmed": True}
    assert recipients[first["recipient_id"]]["outputs"]["check"] == {"taken": "Confirmed"}


def test_duplicate_result_applies_once(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())

    first = bench.post(action, ANSWERED)
    bench.worker.tick()
    second = bench.post(action, ANSWERED)
    bench.worker.tick()

    assert first.json() == {"applied": True}
    assert second.status_code == 200
    assert second.json() == {"applied": False}
    assert len(event_rows(bench.engine, run_id, "call_result")) == 1
    assert len(event_rows(bench.engine, run_id, "completed")) == 1
    assert len(callback_rows(bench.engine, action["id"])) == 2


def test_late_status_keeps_result(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())

    answers = [bench.post(action, body).json() for body in (ANSWERED, {"status": "in_progress"}, {"status": "ringing"})]

    (settled,) = action_rows(bench.engine, run_id)
    assert answers == [{"applied": True}, {"applied": False}, {"applied": False}]
    assert settled["status"] == "completed"
    assert settled["outcome"] == "answered"
    assert len(callback_rows(bench.engine, action["id"])) == 3


def test_progress_then_result_both_apply(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())

    progress = bench.post(action, {"status": "in_progress", "call_id": action["provider_ref"]})
    (in_call,) = action_rows(bench.engine, run_id)
    result = bench.post(action, ANSWERED)

    assert progress.json() == {"applied": True}
    assert in_call["status"] == "in_progress"
    assert in_call["outcome"] == "in_progress"
    assert result.json() == {"applied": True}
    # A final result moves the recipient on in its own transaction: here, to the end.
    assert recipient_rows(bench.engine, run_id)[0]["status"] == "completed"
    assert len(event_rows(bench.engine, run_id, "completed")) == 1


def test_concurrent_duplicates_advance_once(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())
    content = json.dumps(ANSWERED).encode()
    headers = bench.signed(content)
    barrier = threading.Barrier(2)
    answers: list[httpx.Response] = []

    def post() -> None:
        barrier.wait()
        answers.append(bench.post_raw(action["id"], content, headers))

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    bench.worker.tick()

    (recipient,) = recipient_rows(bench.engine, run_id)
    logged = callback_rows(bench.engine, action["id"])
    assert sorted(answer.status_code for answer in answers) == [200, 200]
    assert sorted(answer.json()["applied"] for answer in answers) == [False, True]
    assert len(event_rows(bench.engine, run_id, "call_result")) == 1
    assert len(event_rows(bench.engine, run_id, "completed")) == 1
    assert recipient["status"] == "completed"
    assert recipient["calls_answered"] == 1
    assert len(logged) == 2
    assert all(row["applied"] for row in logged)


def test_result_after_cancel_moves_no_one(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())
    run_service.cancel_run(bench.engine, run_id, now=NOW, providers=bench.providers)

    response = bench.post(action, ANSWERED)
    bench.worker.tick()

    (recipient,) = recipient_rows(bench.engine, run_id)
    (settled,) = action_rows(bench.engine, run_id)
    assert response.status_code == 200
    assert settled["outcome"] == "answered"
    assert recipient["status"] == "cancelled"
    assert "call_1" not in recipient["outputs"]
    assert len(event_rows(bench.engine, run_id, "call_result")) == 1
    assert event_rows(bench.engine, run_id, "completed") == []
    assert len(callback_rows(bench.engine, action["id"])) == 1


BODY = json.dumps(ANSWERED).encode()


@pytest.mark.parametrize(
    ("make_headers", "content", "expected"),
    [
        (lambda bench: {}, BODY, "missing X-Journeys-Timestamp"),
        (lambda bench: bench.signed(BODY, secret="not-the-agent-secret-123"), BODY, "wrong signature"),
        (lambda bench: bench.signed(BODY), BODY.replace(b"answered", b"voicemail"), "wrong signature"),
        (lambda bench: bench.signed(BODY, age_seconds=301), BODY, "expired signature"),
        (lambda bench: {**bench.signed(BODY), "X-Journeys-Signature": "sha256=abc"}, BODY, "malformed X-Journeys-Signature"),
    ],
    ids=["unsigned", "wrong-secret", "changed-body", "expired", "malformed"],
)
def test_bad_signature_rejected_and_logged(
    bench: WebhookBench, caplog: pytest.LogCaptureFixture, make_headers: Any, content: bytes, expected: str
) -> None:
    run_id, (action,) = bench.dispatch(call_journey())
    caplog.set_level(logging.WARNING, logger=ROUTE_LOGGER)

    response = bench.post_raw(action["id"], content, make_headers(bench))

    rejected = [record for record in caplog.records if getattr(record, "action", None) == "callback_rejected"]
    assert response.status_code == 403
    assert response.json()["code"] == "invalid_signature"
    assert expected in response.json()["message"]
    assert AGENT_SECRET not in response.text
    assert len(rejected) == 1
    assert rejected[0].action_id == action["id"]
    assert rejected[0].run_id == run_id
    assert expected in rejected[0].getMessage()
    assert callback_rows(bench.engine, action["id"]) == []
    assert action_rows(bench.engine, run_id)[0]["status"] == "in_progress"


def test_signature_inside_window_accepted(bench: WebhookBench) -> None:
    _, (action,) = bench.dispatch(call_journey())

    response = bench.post_raw(action["id"], BODY, bench.signed(BODY, age_seconds=299))

    assert response.status_code == 200
    assert response.json() == {"applied": True}


def test_agent_without_secret_rejects_callbacks(bench: WebhookBench) -> None:
    _, (action,) = bench.dispatch(call_journey())
    bench.set_agent(None, secret=None)

    response = bench.post(action, ANSWERED)

    assert response.status_code == 403
    assert response.json()["code"] == "invalid_signature"
    assert "agent 'collections' has no webhook secret" in response.json()["message"]


@pytest.mark.parametrize(
    ("body", "path", "message"),
    [
        ({"status": "completed"}, "body", "a completed call needs an outcome"),
        ({"status": "completed", "outcome": "hung_up"}, "body.outcome", "Input should be"),
        ({"status": "in_progress", "outcome": "answered"}, "body", "outcome is only allowed with status 'completed'"),
        ({"status": "completed", "outcome": "answered", "talk_time_seconds": -1}, "body.talk_time_seconds", "greater than or equal to 0"),
        ({"status": "completed", "outcome": "answered", "data": ["confirmed"]}, "body.data", "valid dictionary"),
        (["completed"], "body", "the body must be a JSON object"),
    ],
    ids=["no-outcome", "unknown-outcome", "early-outcome", "negative-talk-time", "data-not-object", "not-object"],
)
def test_invalid_body_returns_422(bench: WebhookBench, body: Any, path: str, message: str) -> None:
    _, (action,) = bench.dispatch(call_journey())

    response = bench.post(action, body)

    errors = response.json()["errors"]
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_request"
    assert errors[0]["path"] == path
    assert message in errors[0]["message"]
    assert callback_rows(bench.engine, action["id"]) == []


def test_body_not_json_returns_422(bench: WebhookBench) -> None:
    _, (action,) = bench.dispatch(call_journey())
    content = b"status=completed"

    response = bench.post_raw(action["id"], content, bench.signed(content))

    assert response.status_code == 422
    assert "the body is not valid JSON" in response.json()["errors"][0]["message"]


def test_unknown_action_returns_404(bench: WebhookBench) -> None:
    response = bench.post_raw(999_999, BODY, bench.signed(BODY))

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_action"
    assert "action 999999 not found" in response.json()["message"]


@pytest.mark.parametrize("action_id", ["0", str(2**63), "abc"])
def test_impossible_action_id_returns_422(bench: WebhookBench, action_id: str) -> None:
    response = httpx.post(
        f"{bench.url}/webhooks/agent/calls/{action_id}", content=BODY, headers=bench.signed(BODY), trust_env=False,
    )

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "path.action_id"


def test_call_action_on_sms_route_returns_404(bench: WebhookBench) -> None:
    _, (action,) = bench.dispatch(call_journey())
    content = json.dumps({"status": "delivered"}).encode()

    response = bench.post_raw(action["id"], content, bench.signed(content, secret=SMS_SECRET), kind="sms")

    assert response.status_code == 404
    assert response.json()["code"] == "unknown_action"
    assert f"post it to /webhooks/agent/calls/{action['id']}" in response.json()["message"]


def test_sms_statuses_ranked(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(journey(start("text"), sms("text", "done"), end()))

    answers = [
        bench.post(action, {"status": status, "message_id": action["provider_ref"]}).json()["applied"]
        for status in ("sent", "delivered", "sent")
    ]
    bench.worker.tick()

    (recipient,) = recipient_rows(bench.engine, run_id)
    assert answers == [True, True, False]
    assert recipient["status"] == "completed"
    assert recipient["outputs"]["text"] == {"status": "delivered", "segments": 1, "encoding": "GSM-7"}
    assert [event["detail"] for event in event_rows(bench.engine, run_id, "sms_result")] == ["delivered"]


def test_sms_callback_needs_sms_secret(bench: WebhookBench) -> None:
    _, (action,) = bench.dispatch(journey(start("text"), sms("text", "done"), end()))
    content = json.dumps({"status": "delivered"}).encode()

    response = bench.post_raw(action["id"], content, bench.signed(content, secret=AGENT_SECRET), kind="sms")

    assert response.status_code == 403
    assert "wrong signature" in response.json()["message"]


def test_platform_posts_result_back(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(call_journey())
    started = bench.platform.started_for(action["id"])

    response = bench.platform.post_result(
        started.request["callback_url"], {**ANSWERED, "call_id": started.id}, secret=AGENT_SECRET, now=bench.clock.now,
    )
    bench.clock.advance_to(NOW + timedelta(seconds=1))
    bench.worker.tick()

    assert response.json() == {"applied": True}
    assert recipient_rows(bench.engine, run_id)[0]["status"] == "completed"


def test_rejection_log_limits_lines(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=ROUTE_LOGGER)
    seconds = [0.0]
    limited = RejectionLog(burst=2, per_second=1.0, monotonic=lambda: seconds[0])
    ids = {"run_id": 1, "recipient_id": 1, "action_id": 7}
    logger = logging.getLogger(ROUTE_LOGGER)

    for _ in range(5):
        limited.warn(logger, "Rejected a %s callback for action %d: %s", "call", 7, ValueError("wrong signature"), extra=ids)
    seconds[0] = 1.0
    limited.warn(logger, "Rejected a %s callback for action %d: %s", "call", 7, ValueError("wrong signature"), extra=ids)

    messages = [record.getMessage() for record in caplog.records]
    assert len(messages) == 3
    assert messages[0] == "Rejected a call callback for action 7: wrong signature (0 earlier rejections not logged)."
    assert messages[2] == "Rejected a call callback for action 7: wrong signature (3 earlier rejections not logged)."
    assert all(record.action_id == 7 for record in caplog.records)


def test_callbacks_observe_latency(bench: WebhookBench) -> None:
    _, (action,) = bench.dispatch(call_journey())
    count_before, sum_before = latency_sample("count"), latency_sample("sum")

    bench.post(action, ANSWERED)
    bench.post_raw(action["id"], BODY, {})

    assert latency_sample("count") == count_before + 2
    assert latency_sample("sum") > sum_before


def latency_sample(suffix: str) -> float:
    """Return this process's webhook callback latency `count` or `sum`, as /metrics shows it."""
    value = REGISTRY.get_sample_value(f"journeys_callback_latency_seconds_{suffix}", {"provider": "webhook"})
    return value or 0.0
