"""Signed agent-platform callbacks whose values the database cannot store: 422, nothing logged, and the next valid one applies.

A 5xx would make a platform retry the same callback for ever, so a NUL
character, NaN, Infinity or a number that overflows gets 422 instead, on
SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import httpx
import pytest

from engine_helpers import action_rows, call, callback_rows, end, journey, recipient_rows, sms, start
from journeys.stats import journey_stats
from journeys.storage import runs as run_queries
from webhook_helpers import SMS_SECRET, WebhookBench, bench  # noqa: F401 - a fixture

ANSWERED = {"status": "completed", "outcome": "answered", "talk_time_seconds": 42.5}
# Past the default ring timeout and maximum call duration plus the result margin.
RESULT_DEADLINE = timedelta(seconds=30 + 600 + 300 + 1)


def call_journey() -> dict[str, Any]:
    return journey(start("call_1"), call("call_1", "done"), end())


def assert_rejected(response: httpx.Response, path: str, fragment: str) -> None:
    assert response.status_code == 422, response.text
    body = response.json()
    assert body["code"] == "invalid_request"
    assert body["errors"][0]["path"] == path
    assert fragment in body["errors"][0]["message"]


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ({"ended_reason": "customer hung up\x00"}, "body.ended_reason"),
        ({"call_id": "call-\x00"}, "body.call_id"),
        ({"data": {"note": "a\x00b"}}, "body.data.note"),
        ({"data": {"no\x00te": "ok"}}, "body.data.no\\u0000te"),
        ({"data": {"list": ["ok", {"deep": "\x00"}]}}, "body.data.list.1.deep"),
    ],
    ids=["ended_reason", "call_id", "data value", "data key", "nested data"],
)
def test_nul_in_call_result_rejected(bench: WebhookBench, change: dict[str, Any], path: str) -> None:
    run_id, (action,) = bench.dispatch(call_journey())

    rejected = bench.post(action, {**ANSWERED, **change})
    logged = callback_rows(bench.engine, action["id"])
    accepted = bench.post(action, ANSWERED)
    bench.worker.tick()

    assert_rejected(rejected, path, "control character U+0000")
    assert logged == []
    assert accepted.status_code == 200
    assert accepted.json() == {"applied": True}
    (recipient,) = recipient_rows(bench.engine, run_id)
    assert recipient["status"] == "completed"


@pytest.mark.parametrize("number", ["1e999", "-1e999", "NaN", "Infinity"])
def test_non_finite_talk_time_rejected(bench: WebhookBench, number: str) -> None:
    run_id, (action,) = bench.dispatch(call_journey())
    content = f'{{"status": "completed", "outcome": "answered", "talk_time_seconds": {number}}}'.encode()

    rejected = bench.post_raw(action["id"], content, bench.signed(content))
    logged = callback_rows(bench.engine, action["id"])
    (pending,) = action_rows(bench.engine, run_id)
    accepted = bench.post(action, ANSWERED)
    bench.worker.tick()
    with bench.engine.connect() as conn:
        journey_id = run_queries.get_run(conn, run_id)["journey_id"]
        figures = journey_stats(conn, journey_id, run_id=run_id).to_dict()

    assert_rejected(rejected, "body.talk_time_seconds", "not finite")
    assert logged == []
    assert pending["outcome"] is None
    assert accepted.status_code == 200
    assert figures["calls_answered"] == 1
    assert figures["average_talk_time_seconds"] == 42.5


def test_deep_callback_rejected(bench: WebhookBench) -> None:
    _, (action,) = bench.dispatch(call_journey())
    # Under the 256 KiB callback limit, so the nesting check is what rejects it.
    content = b'{"status": "completed", "outcome": "answered", "data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"

    response = bench.post_raw(action["id"], content, bench.signed(content))

    assert_rejected(response, "body", "nested more than 64 levels")
    assert callback_rows(bench.engine, action["id"]) == []


def test_unsigned_bad_callback_gets_403(bench: WebhookBench) -> None:
    # The signature is checked before the body is read, so an unsigned body never gets as far as 422.
    _, (action,) = bench.dispatch(call_journey())
    content = b'{"status": "completed", "outcome": "answered", "talk_time_seconds": NaN}'

    response = bench.post_raw(action["id"], content, {})

    assert response.status_code == 403


def test_nul_in_sms_status_rejected(bench: WebhookBench) -> None:
    run_id, (action,) = bench.dispatch(journey(start("text"), sms("text", "done"), end()))
    content = json.dumps({"status": "failed", "error": "carrier\x00"}).encode()

    response = bench.post_raw(action["id"], content, bench.signed(content, secret=SMS_SECRET), kind="sms")

    assert_rejected(response, "body.error", "control character U+0000")
    assert callback_rows(bench.engine, action["id"]) == []
    (recipient,) = recipient_rows(bench.engine, run_id)
    assert recipient["status"] != "failed"


@pytest.mark.parametrize(
    "change",
    [{"talk_time_seconds": float("inf")}, {"ended_reason": "agent hung up\x00"}],
    ids=["infinity", "nul"],
)
def test_unstorable_status_response_fails_action(bench: WebhookBench, caplog: pytest.LogCaptureFixture, change: dict[str, Any]) -> None:
    # The fake platform writes float("inf") as the JSON token Infinity, as Python's json module does.
    run_id, (action,) = bench.dispatch(call_journey())
    bench.platform.behaviour.statuses[action["provider_ref"]] = {**ANSWERED, "call_id": action["provider_ref"], **change}

    bench.clock.advance_to(bench.clock.now() + RESULT_DEADLINE)
    bench.worker.tick()

    (settled,) = action_rows(bench.engine, run_id)
    assert len(bench.platform.requests_of("call.status")) == 1
    assert settled["outcome"] == "failed"
    assert settled["result"]["ended_reason"] == "no result from provider"
    assert "returned JSON that cannot be stored" in caplog.text
