"""Twilio's signed status callbacks: order, duplicates, concurrency, outcomes, SMS and signatures."""

from __future__ import annotations

import logging
import threading
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client import REGISTRY

from api_helpers import make_app
from engine_helpers import action_rows, call, callback_rows, end, event_rows, journey, recipient_rows, sms, start
from twilio_helpers import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, TwilioBench, bench  # noqa: F401
from journeys.api.rejections import RejectionLog

FINAL_HUMAN = {"AnsweredBy": "human", "CallDuration": "42"}


def one_call(bench: TwilioBench, **call_settings: Any) -> tuple[int, dict[str, Any]]:
    """Start a run of one call to one recipient and dispatch it; return the run id and the action."""
    run_id = bench.start(journey(start("call_1"), call("call_1", "done", **call_settings), end()), 1)
    [action] = bench.dispatch(run_id)
    return run_id, action


def test_callbacks_in_order_complete_call(bench: TwilioBench) -> None:
    run_id, action = one_call(bench)
    sid = action["provider_ref"]

    answers = [
        bench.fake.post_call_status(bench.client, sid, status)
        for status in ("initiated", "ringing", "in-progress")
    ]
    [progress] = action_rows(bench.engine, run_id)
    answers.append(bench.fake.post_call_status(bench.client, sid, "completed", **FINAL_HUMAN))
    bench.dispatch(run_id)

    assert [answer.status_code for answer in answers] == [204, 204, 204, 204]
    assert progress["outcome"] == "in_progress"
    assert progress["status"] == "in_progress"
    [action] = action_rows(bench.engine, run_id)
    assert action["outcome"] == "answered"
    assert action["result"]["talk_time_seconds"] == 42
    assert action["result"]["attempt"] == 1
    [recipient] = recipient_rows(bench.engine, run_id)
    assert recipient["status"] == "completed"
    assert recipient["calls_answered"] == 1
    assert recipient["outputs"]["call_1"]["outcome"] == "answered"
    assert recipient["outputs"]["call_1"]["answered_by"] == "human"
    assert len(callback_rows(bench.engine, action["id"])) == 4


def test_callbacks_out_of_order_and_twice(bench: TwilioBench) -> None:
    run_id, action = one_call(bench)
    sid = action["provider_ref"]

    bench.fake.post_call_status(bench.client, sid, "completed", **FINAL_HUMAN)
    bench.fake.post_call_status(bench.client, sid, "ringing")
    bench.fake.post_call_status(bench.client, sid, "in-progress")
    bench.fake.post_call_status(bench.client, sid, "completed", **FINAL_HUMAN)

    [action] = action_rows(bench.engine, run_id)
    assert action["outcome"] == "answered"
    assert len(event_rows(bench.engine, run_id, "call_result")) == 1
    assert recipient_rows(bench.engine, run_id)[0]["calls_answered"] == 1
    assert len(callback_rows(bench.engine, action["id"])) == 4


@pytest.mark.parametrize("repeat", range(3))
def test_concurrent_duplicates_advance_once(bench: TwilioBench, repeat: int) -> None:
    run_id, action = one_call(bench)
    params = bench.fake.call_params(action["provider_ref"], "completed", **FINAL_HUMAN)
    url = f"{PUBLIC_URL}/webhooks/twilio/calls/{action['id']}"
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def post() -> None:
        with TestClient(bench.app) as client:
            barrier.wait()
            statuses.append(bench.fake.post_signed(client, url, params).status_code)

    threads = [threading.Thread(target=post) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    bench.dispatch(run_id)

    assert statuses == [204, 204]
    assert len(callback_rows(bench.engine, action["id"])) == 2
    assert len(event_rows(bench.engine, run_id, "call_result")) == 1
    assert len(event_rows(bench.engine, run_id, "completed")) == 1
    [recipient] = recipient_rows(bench.engine, run_id)
    assert recipient["calls_answered"] == 1
    assert recipient["talk_time_seconds"] == 42


@pytest.mark.parametrize(
    ("final", "outcome", "answered_by"),
    [
        ({"CallStatus": "completed", "AnsweredBy": "human", "CallDuration": "42"}, "answered", "human"),
        ({"CallStatus": "completed", "AnsweredBy": "machine_end_beep", "CallDuration": "31"}, "voicemail", "machine"),
        ({"CallStatus": "completed", "AnsweredBy": "fax", "CallDuration": "3"}, "failed", "machine"),
        ({"CallStatus": "completed", "AnsweredBy": "unknown", "CallDuration": "12"}, "answered", "unknown"),
        ({"CallStatus": "completed", "CallDuration": "0"}, "no_answer", "unknown"),
        ({"CallStatus": "no-answer"}, "no_answer", "unknown"),
        ({"CallStatus": "busy", "SipResponseCode": "486"}, "busy", "unknown"),
        ({"CallStatus": "failed", "SipResponseCode": "503"}, "failed", "unknown"),
        ({"CallStatus": "canceled"}, "cancelled", "unknown"),
    ],
)
def test_final_status_sets_outputs(bench: TwilioBench, final: dict[str, str], outcome: str, answered_by: str) -> None:
    run_id, action = one_call(bench)
    fields = dict(final)
    status = fields.pop("CallStatus")

    bench.fake.post_call_status(bench.client, action["provider_ref"], status, **fields)
    bench.dispatch(run_id)

    [recipient] = recipient_rows(bench.engine, run_id)
    outputs = recipient["outputs"]["call_1"]
    assert recipient["status"] == "completed"
    assert outputs["outcome"] == outcome
    assert outputs["answered_by"] == answered_by
    assert recipient["last_call_outcome"] == outcome
    assert recipient["calls_answered"] == (1 if outcome == "answered" else 0)


def test_verdict_fills_final_without_answered_by(bench: TwilioBench) -> None:
    run_id, action = one_call(bench)
    sid = action["provider_ref"]

    bench.fake.post_call_status(bench.client, sid, "in-progress")
    bench.fake.post_amd(bench.client, sid, "machine_start")
    bench.fake.post_call_status(bench.client, sid, "completed", CallDuration="6")

    outputs = recipient_rows(bench.engine, run_id)[0]["outputs"]["call_1"]
    assert outputs["outcome"] == "voicemail"
    assert outputs["answered_by"] == "machine"


def test_machine_hung_up_without_message(bench: TwilioBench) -> None:
    run_id, action = one_call(bench)
    sid = action["provider_ref"]
    bench.fake.post_call_status(bench.client, sid, "in-progress")

    answer = bench.fake.post_amd(bench.client, sid, "machine_start")
    bench.fake.post_amd(bench.client, sid, "machine_start")

    assert answer.status_code == 204
    [hang_up] = bench.fake.requests_to("POST", rf"/Calls/{sid}\.json$")
    assert hang_up.value("Status") == "completed"
    assert bench.fake.calls[sid]["status"] == "completed"
    verdicts = [row["payload"]["raw"]["form"]["AnsweredBy"] for row in callback_rows(bench.engine, action["id"])[1:]]
    assert verdicts == ["machine_start", "machine_start"]


def test_machine_gets_voicemail_message(bench: TwilioBench) -> None:
    run_id, action = one_call(bench, voicemail="leave_message", voicemail_message="Please call us back & soon.")
    sid = action["provider_ref"]
    bench.fake.post_call_status(bench.client, sid, "in-progress")

    bench.fake.post_amd(bench.client, sid, "machine_end_beep")
    bench.fake.post_amd(bench.client, sid, "machine_end_beep")

    [update] = bench.fake.requests_to("POST", rf"/Calls/{sid}\.json$")
    assert update.value("Twiml") == (
        '<?xml version="1.0" encoding="UTF-8"?>'
        "<Response><Say>Please call us back &amp; soon.</Say><Hangup /></Response>"
    )
    assert update.value("Status") is None


def test_human_verdict_changes_nothing(bench: TwilioBench) -> None:
    _, action = one_call(bench, voicemail="leave_message", voicemail_message="Call us back.")
    sid = action["provider_ref"]
    bench.fake.post_call_status(bench.client, sid, "in-progress")

    answer = bench.fake.post_amd(bench.client, sid, "human")

    assert answer.status_code == 204
    assert bench.fake.requests_to("POST", rf"/Calls/{sid}\.json$") == []


def test_sms_statuses_ranked(bench: TwilioBench) -> None:
    run_id = bench.start(journey(start("text"), sms("text", "done", "Héllo"), end()), 1)
    [action] = bench.dispatch(run_id)
    sid = action["provider_ref"]

    for status in ("queued", "sent"):
        bench.fake.post_sms_status(bench.client, sid, status)
    assert recipient_rows(bench.engine, run_id)[0]["status"] == "waiting"
    bench.fake.post_sms_status(bench.client, sid, "delivered")
    late = bench.fake.post_sms_status(bench.client, sid, "sent")
    bench.dispatch(run_id)

    assert late.status_code == 204
    [action] = action_rows(bench.engine, run_id)
    assert action["outcome"] == "delivered"
    [recipient] = recipient_rows(bench.engine, run_id)
    assert recipient["status"] == "completed"
    assert recipient["outputs"]["text"] == {"status": "delivered", "segments": 1, "encoding": "GSM-7"}
    assert [event["detail"] for event in event_rows(bench.engine, run_id, "sms_result")] == ["delivered"]
    assert len(callback_rows(bench.engine, action["id"])) == 4


def test_sms_undelivered_keeps_error_code(bench: TwilioBench) -> None:
    run_id = bench.start(journey(start("text"), sms("text", "done"), end()), 1)
    [action] = bench.dispatch(run_id)

    bench.fake.post_sms_status(bench.client, action["provider_ref"], "undelivered", error_code="30003")

    [action] = action_rows(bench.engine, run_id)
    assert action["outcome"] == "undelivered"
    assert action["result"]["error_code"] == "30003"
    assert recipient_rows(bench.engine, run_id)[0]["outputs"]["text"]["status"] == "undelivered"


def test_callback_log_leaves_out_account(bench: TwilioBench) -> None:
    _, action = one_call(bench)

    bench.fake.post_call_status(bench.client, action["provider_ref"], "ringing")

    [logged] = callback_rows(bench.engine, action["id"])
    form = logged["payload"]["raw"]["form"]
    assert form["CallStatus"] == "ringing"
    assert "AccountSid" not in form
    assert ACCOUNT_SID not in str(logged["payload"])


def test_unknown_action_logged_and_accepted(bench: TwilioBench, caplog: pytest.LogCaptureFixture) -> None:
    params = {"CallSid": "CA" + "0" * 32, "CallStatus": "completed", "CallDuration": "3"}

    answer = bench.fake.post_signed(bench.client, f"{PUBLIC_URL}/webhooks/twilio/calls/987654", params)

    assert answer.status_code == 204
    assert [row["action_id"] for row in callback_rows(bench.engine)] == [987654]
    assert any(getattr(record, "action_id", None) == 987654 for record in caplog.records if record.levelno == logging.WARNING)


def test_call_callback_for_sms_ignored(bench: TwilioBench) -> None:
    run_id = bench.start(journey(start("text"), sms("text", "done"), end()), 1)
    [action] = bench.dispatch(run_id)
    params = {"CallSid": "CA" + "0" * 32, "CallStatus": "failed"}

    answer = bench.fake.post_signed(bench.client, f"{PUBLIC_URL}/webhooks/twilio/calls/{action['id']}", params)

    assert answer.status_code == 204
    assert action_rows(bench.engine, run_id)[0]["status"] == "in_progress"
    assert callback_rows(bench.engine, action["id"]) == []


def test_signature_through_proxy(bench: TwilioBench) -> None:
    run_id, action = one_call(bench)
    params = bench.fake.call_params(action["provider_ref"], "completed", **FINAL_HUMAN)
    path = f"/webhooks/twilio/calls/{action['id']}"

    answer = bench.fake.post_signed(bench.client, f"{PUBLIC_URL}{path}", params, post_to=f"http://10.0.0.7:8000{path}")
    bench.dispatch(run_id)

    assert answer.status_code == 204
    assert answer.content == b""
    assert recipient_rows(bench.engine, run_id)[0]["status"] == "completed"


def test_signature_covers_query(bench: TwilioBench) -> None:
    _, action = one_call(bench)
    params = bench.fake.call_params(action["provider_ref"], "ringing")
    url = f"{PUBLIC_URL}/webhooks/twilio/calls/{action['id']}"
    headers = {"X-Twilio-Signature": bench.fake.signature(url, params)}

    answer = bench.client.post(f"{url}?retry=1", data=params, headers=headers)
    signed = bench.fake.post_signed(bench.client, f"{url}?retry=1", params)

    assert answer.status_code == 403
    assert signed.status_code == 204


def forged(bench: TwilioBench, url: str, params: dict[str, str]) -> dict[str, dict[str, Any]]:
    """Return requests that must be rejected, by what is wrong with them."""
    signature = bench.fake.signature(url, params)
    return {
        "missing": {"data": params, "headers": {}},
        "garbage": {"data": params, "headers": {"X-Twilio-Signature": "bm90IGEgc2lnbmF0dXJl"}},
        "other token": {
            "data": params,
            "headers": {"X-Twilio-Signature": bench.fake.signature(url, params).swapcase()},
        },
        "changed form": {"data": {**params, "CallStatus": "busy"}, "headers": {"X-Twilio-Signature": signature}},
        "other URL": {
            "data": params,
            "headers": {"X-Twilio-Signature": bench.fake.signature(url.replace("journeys.", "evil."), params)},
        },
    }


def test_bad_signatures_rejected(bench: TwilioBench, caplog: pytest.LogCaptureFixture) -> None:
    run_id, action = one_call(bench)
    url = f"{PUBLIC_URL}/webhooks/twilio/calls/{action['id']}"
    params = bench.fake.call_params(action["provider_ref"], "completed", **FINAL_HUMAN)
    caplog.set_level(logging.WARNING)

    answers = {name: bench.client.post(url, **request) for name, request in forged(bench, url, params).items()}

    for name, answer in answers.items():
        assert answer.status_code == 403, name
        assert answer.json()["code"] == "invalid_signature", name
        assert AUTH_TOKEN not in answer.text, name
    assert callback_rows(bench.engine, action["id"]) == []
    assert recipient_rows(bench.engine, run_id)[0]["status"] == "waiting"
    warnings = [record for record in caplog.records if record.name.endswith("twilio_webhooks")]
    assert len(warnings) == len(answers)
    assert all(record.levelno == logging.WARNING for record in warnings)
    assert all(record.action_id == str(action["id"]) for record in warnings)
    assert "header is missing" in warnings[0].getMessage()
    assert AUTH_TOKEN not in caplog.text


def test_rejections_counted_between_warnings(bench: TwilioBench, caplog: pytest.LogCaptureFixture) -> None:
    url = f"{PUBLIC_URL}/webhooks/twilio/sms/1"
    caplog.set_level(logging.WARNING)

    seconds = [0.0]
    bench.app.state.rejections = RejectionLog(burst=1, per_second=1.0, monotonic=lambda: seconds[0])

    for _ in range(3):
        bench.client.post(url, data={"MessageStatus": "delivered"})
    seconds[0] = 1.0
    bench.client.post(url, data={"MessageStatus": "delivered"})

    messages = [record.getMessage() for record in caplog.records if record.name.endswith("twilio_webhooks")]
    assert len(messages) == 2
    assert "(0 earlier rejections not logged)" in messages[0]
    assert "(2 earlier rejections not logged)" in messages[1]


def test_unconfigured_token_rejects(engine: Any, caplog: pytest.LogCaptureFixture) -> None:
    app = make_app(engine, public_url=PUBLIC_URL)
    url = f"{PUBLIC_URL}/webhooks/twilio/sms/5"
    caplog.set_level(logging.WARNING)

    with TestClient(app) as client:
        answer = client.post(url, data={"MessageStatus": "delivered"}, headers={"X-Twilio-Signature": "abc="})

    assert answer.status_code == 403
    assert answer.json()["code"] == "invalid_signature"
    assert "JOURNEYS_TWILIO_AUTH_TOKEN is not set" in caplog.text
    assert callback_rows(engine) == []



def test_callback_latency_observed(bench: TwilioBench) -> None:
    _, action = one_call(bench)
    before = _latency_count()

    bench.fake.post_call_status(bench.client, action["provider_ref"], "ringing")
    bench.client.post(f"{PUBLIC_URL}/webhooks/twilio/calls/{action['id']}", data={"CallStatus": "busy"})

    assert _latency_count() == before + 2


def _latency_count() -> float:
    return REGISTRY.get_sample_value("journeys_callback_latency_seconds_count", {"provider": "twilio"}) or 0.0


def test_action_id_past_64_bits_rejected(bench: TwilioBench) -> None:
    url = f"{PUBLIC_URL}/webhooks/twilio/calls/{2**63}"

    answer = bench.fake.post_signed(bench.client, url, {"CallSid": "CA" + "0" * 32, "CallStatus": "completed"})

    assert answer.status_code == 422
    assert callback_rows(bench.engine) == []


def test_nul_in_form_rejected(bench: TwilioBench) -> None:
    # The callback log cannot store NUL on PostgreSQL, so the callback gets 422 before it is logged.
    run_id, action = one_call(bench)
    sid = action["provider_ref"]

    rejected = bench.fake.post_call_status(bench.client, sid, "completed", AnsweredBy="human", CallerName="A\x00")
    logged = callback_rows(bench.engine, action["id"])
    accepted = bench.fake.post_call_status(bench.client, sid, "completed", **FINAL_HUMAN)

    assert rejected.status_code == 422
    assert rejected.json()["code"] == "invalid_request"
    assert rejected.json()["errors"][0]["path"] == "body.CallerName"
    assert "control character U+0000" in rejected.json()["errors"][0]["message"]
    assert logged == []
    assert accepted.status_code == 204
    [settled] = action_rows(bench.engine, run_id)
    assert settled["outcome"] == "answered"
