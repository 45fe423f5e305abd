"""The Twilio provider against a fake Twilio API: placing calls and SMS, errors, hang-ups, look-ups."""

from __future__ import annotations

import base64
import logging
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from engine_helpers import (
    NOW, SENDER, action_rows, call, end, event_rows, journey, new_run, phones, recipient_rows, register, sms, start,
)
from fakes.twilio_api import Rejection
from journeys.config import Settings
from journeys.engine.worker import Worker
from journeys.errors import InvalidInputError
from journeys.providers.registry import Providers
from journeys.providers.twilio import TwilioProvider
from journeys.providers.twilio_settings import TwilioNotConfiguredError
from journeys.services import runs as run_service
from twilio_helpers import ACCOUNT_SID, AUTH_TOKEN, PUBLIC_URL, STREAM_URL, TWILIO_RUN, TwilioBench, bench, set_agent  # noqa: F401

CALLS = r"/Calls\.json$"
FIELDS = [{"name": "customer_name", "type": "string"}]


def greeting_journey(**call_settings: Any) -> dict[str, Any]:
    """Return start, one call that passes the customer's name to the agent, and an end."""
    node = call("call_1", "done", variables={"customer_name": "{{ customer_name }}"}, **call_settings)
    return journey(start("call_1"), node, end(), fields=FIELDS)


def rows(count: int = 1) -> list[dict[str, Any]]:
    return [{"phone_number": phone, "customer_name": f"Ana & Bo {index}"} for index, phone in enumerate(phones(count))]


def test_call_placed_with_stream_twiml(bench: TwilioBench) -> None:
    run_id = bench.start(greeting_journey(ring_timeout_seconds=25, max_duration_seconds=300), rows())

    [action] = bench.dispatch(run_id)

    [created] = bench.fake.requests_to("POST", CALLS)
    assert created.authorized
    assert created.value("To") == phones(1)[0]
    assert created.value("From") == SENDER
    assert created.value("StatusCallback") == f"{PUBLIC_URL}/webhooks/twilio/calls/{action['id']}"
    assert created.form["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
    assert created.value("MachineDetection") == "Enable"
    assert created.value("AsyncAmd") == "true"
    assert created.value("AsyncAmdStatusCallback") == f"{PUBLIC_URL}/webhooks/twilio/calls/{action['id']}/amd"
    assert created.value("Timeout") == "25"
    assert created.value("TimeLimit") == "300"
    twiml = created.value("Twiml") or ""
    assert f'<Connect><Stream url="{STREAM_URL}">' in twiml
    assert '<Parameter name="customer_name" value="Ana &amp; Bo 0" />' in twiml
    assert f'<Parameter name="journeys_action_id" value="{action["id"]}" />' in twiml
    assert action["status"] == "in_progress"
    assert action["provider_ref"] in bench.fake.calls


def test_sip_agent_dialled_with_headers(bench: TwilioBench) -> None:
    set_agent(bench.engine, stream_url=None, sip_uri="sip:agent@voice.example.test")
    run_id = bench.start(greeting_journey(), rows())

    [action] = bench.dispatch(run_id)

    twiml = bench.fake.requests_to("POST", CALLS)[0].value("Twiml") or ""
    assert "<Dial><Sip>sip:agent@voice.example.test?" in twiml
    assert "X-customer_name=Ana%20%26amp%3B%20Bo%200" not in twiml
    assert "X-customer_name=Ana%20%26%20Bo%200" in twiml.replace("&amp;", "&")
    assert f"X-journeys_action_id={action['id']}" in twiml.replace("&amp;", "&")


def test_voicemail_message_detects_message_end(bench: TwilioBench) -> None:
    run_id = bench.start(
        greeting_journey(voicemail="leave_message", voicemail_message="Hello {{ customer_name }}, call us back."),
        rows(),
    )

    bench.dispatch(run_id)

    created = bench.fake.requests_to("POST", CALLS)[0]
    assert created.value("MachineDetection") == "DetectMessageEnd"
    assert created.value("AsyncAmd") == "true"


def test_extension_sends_digits_without_detection(bench: TwilioBench) -> None:
    run_id = bench.start(greeting_journey(), [{"phone_number": "+1 202 555 0142 ext. 204", "customer_name": "Ana"}])

    bench.dispatch(run_id)

    created = bench.fake.requests_to("POST", CALLS)[0]
    assert created.value("To") == "+12025550142"
    assert created.value("SendDigits") == "wwww204"
    assert created.value("MachineDetection") is None
    assert created.value("AsyncAmd") is None


def test_sms_sent_with_callback(bench: TwilioBench) -> None:
    run_id = bench.start(journey(start("text"), sms("text", "done", "Hi {{ customer_name }}!"), end(), fields=FIELDS), rows())

    [action] = bench.dispatch(run_id)

    [created] = bench.fake.requests_to("POST", r"/Messages\.json$")
    assert created.value("Body") == "Hi Ana & Bo 0!"
    assert created.value("StatusCallback") == f"{PUBLIC_URL}/webhooks/twilio/sms/{action['id']}"
    assert action["provider_ref"] in bench.fake.messages
    assert [event["detail"] for event in event_rows(bench.engine, run_id, "sms_sent")] == ["Hi Ana & Bo 0!"]


def test_rest_error_fails_action(bench: TwilioBench) -> None:
    bench.fake.rejections.append(Rejection(400, 21215, "Account not authorized to call +12025550100."))
    run_id = bench.start(greeting_journey(), rows())

    [action] = bench.dispatch(run_id)

    reason = action["result"]["ended_reason"]
    assert action["status"] == "completed"
    assert action["outcome"] == "failed"
    assert "Account not authorized to call +12025550100." in reason
    assert "Twilio error 21215, HTTP 400" in reason
    assert AUTH_TOKEN not in reason
    assert ACCOUNT_SID not in reason
    [recipient] = recipient_rows(bench.engine, run_id)
    assert recipient["status"] == "completed"
    assert recipient["outputs"]["call_1"]["outcome"] == "failed"


def test_agent_without_endpoint_fails_call(bench: TwilioBench) -> None:
    set_agent(bench.engine, stream_url=None, sip_uri=None)
    run_id = bench.start(greeting_journey(), rows())

    [action] = bench.dispatch(run_id)

    assert action["outcome"] == "failed"
    assert "has no stream URL or SIP URI" in action["result"]["ended_reason"]
    assert bench.fake.requests_to("POST", CALLS) == []


def test_cancel_hangs_up_call(bench: TwilioBench) -> None:
    run_id = bench.start(greeting_journey(), rows())
    [action] = bench.dispatch(run_id)
    sid = action["provider_ref"]
    bench.fake.post_call_status(bench.client, sid, "in-progress")

    run_service.cancel_run(bench.engine, run_id, now=bench.clock.now(), providers=bench.providers)

    [hang_up] = bench.fake.requests_to("POST", rf"/Calls/{sid}\.json$")
    assert hang_up.value("Status") == "completed"
    assert bench.fake.calls[sid]["status"] == "completed"
    late = bench.fake.post_call_status(bench.client, sid, "completed", AnsweredBy="human", CallDuration="12")
    assert late.status_code == 204
    [recipient] = recipient_rows(bench.engine, run_id)
    assert recipient["status"] == "cancelled"
    assert recipient["calls_answered"] == 0
    assert action_rows(bench.engine, run_id)[0]["outcome"] == "answered"


def test_hang_up_ended_call_returns_false(bench: TwilioBench) -> None:
    run_id = bench.start(greeting_journey(), rows())
    [action] = bench.dispatch(run_id)
    bench.fake.set_call(action["provider_ref"], status="completed")

    assert bench.provider.hang_up(action["id"], bench.clock.now()) is False


def test_overdue_call_result_fetched(bench: TwilioBench) -> None:
    run_id = bench.start(greeting_journey(), rows())
    [action] = bench.dispatch(run_id)
    bench.fake.set_call(action["provider_ref"], status="completed", answered_by="human", duration="47")

    bench.clock.advance(timedelta(minutes=16))
    bench.dispatch(run_id)

    [fetched] = bench.fake.requests_to("GET", rf"/Calls/{action['provider_ref']}\.json$")
    assert fetched.authorized
    [action] = action_rows(bench.engine, run_id)
    assert action["outcome"] == "answered"
    assert action["result"]["talk_time_seconds"] == 47
    [recipient] = recipient_rows(bench.engine, run_id)
    assert recipient["status"] == "completed"
    assert recipient["talk_time_seconds"] == 47


def test_overdue_call_still_ringing_fails(bench: TwilioBench) -> None:
    run_id = bench.start(greeting_journey(), rows())
    [action] = bench.dispatch(run_id)
    bench.fake.set_call(action["provider_ref"], status="ringing")

    bench.clock.advance(timedelta(minutes=16))
    bench.dispatch(run_id)

    [action] = action_rows(bench.engine, run_id)
    assert action["outcome"] == "failed"
    assert action["result"]["ended_reason"] == "no result from provider"


def test_overdue_sms_result_fetched(bench: TwilioBench) -> None:
    run_id = bench.start(journey(start("text"), sms("text", "done"), end()), rows())
    [action] = bench.dispatch(run_id)
    bench.fake.set_message(action["provider_ref"], status="undelivered", error_code=30003, num_segments="1")

    bench.clock.advance(timedelta(hours=2))
    bench.dispatch(run_id)

    [action] = action_rows(bench.engine, run_id)
    assert action["outcome"] == "undelivered"
    assert action["result"]["error_code"] == "30003"
    assert action["result"]["encoding"] == "GSM-7"
    assert recipient_rows(bench.engine, run_id)[0]["outputs"]["text"]["segments"] == 1


def test_lookup_finds_interrupted_call(bench: TwilioBench) -> None:
    outside = bench.fake.add_call(phones(1)[0], SENDER)
    bench.fake.set_call(outside, date_created=format_datetime(NOW - timedelta(hours=1)))
    bench.fake.drop_responses = 1
    run_id = bench.start(greeting_journey(), rows())

    [action] = bench.dispatch(run_id)
    assert action["status"] == "dispatching"
    assert action["provider_ref"] is None

    bench.clock.advance(timedelta(seconds=61))
    [action] = bench.dispatch(run_id)

    [placed] = [sid for sid in bench.fake.calls if sid != outside]
    assert action["status"] == "in_progress"
    assert action["provider_ref"] == placed
    assert len(bench.fake.requests_to("POST", CALLS)) == 1
    assert len(bench.fake.requests_to("GET", CALLS)) == 1
    assert recipient_rows(bench.engine, run_id)[0]["calls_placed"] == 1


def test_lookup_skips_call_of_other_action(bench: TwilioBench) -> None:
    document = journey(start("call_1"), call("call_1", "call_2"), call("call_2", "done"), end())
    run_id = bench.start(document, 1)
    [first] = bench.dispatch(run_id)
    bench.fake.post_call_status(bench.client, first["provider_ref"], "no-answer")
    bench.fake.drop_responses = 1

    # A second later, so that the sender number's rate lets the second call go.
    bench.clock.advance(timedelta(seconds=1))
    first, second = bench.dispatch(run_id)
    assert second["status"] == "dispatching"
    bench.clock.advance(timedelta(seconds=61))
    first, second = bench.dispatch(run_id)

    assert second["status"] == "in_progress"
    assert second["provider_ref"] not in (None, first["provider_ref"])
    assert len(bench.fake.calls) == 2


def test_lookup_requeues_call_never_created(bench: TwilioBench) -> None:
    bench.fake.drop_requests = 1
    run_id = bench.start(greeting_journey(), rows())

    [action] = bench.dispatch(run_id)
    assert action["status"] == "dispatching"
    assert bench.fake.calls == {}

    bench.clock.advance(timedelta(seconds=61))
    [action] = bench.dispatch(run_id)

    assert action["status"] == "in_progress"
    assert list(bench.fake.calls) == [action["provider_ref"]]


def test_start_without_credentials_rejected(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    set_agent(engine, stream_url=STREAM_URL)
    run_id = new_run(engine, tmp_path, greeting_journey(), rows(), run_settings=TWILIO_RUN)
    config = Settings(database_url="sqlite://", public_url=PUBLIC_URL, twilio_account_sid=ACCOUNT_SID)

    with pytest.raises(TwilioNotConfiguredError) as raised:
        run_service.start_run(engine, run_id, now=NOW, config=config)

    assert "JOURNEYS_TWILIO_AUTH_TOKEN" in str(raised.value)
    assert "JOURNEYS_TWILIO_ACCOUNT_SID" not in str(raised.value)
    with pytest.raises(TwilioNotConfiguredError, match="JOURNEYS_PUBLIC_URL"):
        local = Settings(database_url="sqlite://", twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN)
        run_service.schedule_run(engine, run_id, local_time="2026-03-03 09:00", timezone="UTC", now=NOW, config=local)
    complete = Settings(database_url="sqlite://", public_url=PUBLIC_URL, twilio_account_sid=ACCOUNT_SID, twilio_auth_token=AUTH_TOKEN)
    assert run_service.start_run(engine, run_id, now=NOW, config=complete)["status"] == "running"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "JOURNEYS_TWILIO_ACCOUNT_SID and JOURNEYS_TWILIO_AUTH_TOKEN"),
        ({"twilio_account_sid": ACCOUNT_SID}, "needs JOURNEYS_TWILIO_AUTH_TOKEN;"),
        ({"twilio_account_sid": "SK0123", "twilio_auth_token": AUTH_TOKEN}, "invalid JOURNEYS_TWILIO_ACCOUNT_SID 'SK0123'"),
    ],
)
def test_provider_needs_credentials(engine: Engine, settings: dict[str, str], expected: str) -> None:
    config = Settings(database_url="sqlite://", public_url=PUBLIC_URL, **settings)

    with pytest.raises(TwilioNotConfiguredError) as raised:
        TwilioProvider(engine, config)

    assert expected in str(raised.value)
    assert AUTH_TOKEN not in str(raised.value)
    assert isinstance(raised.value, InvalidInputError)


def test_credentials_never_logged(bench: TwilioBench, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    bench.fake.rejections.append(Rejection(401, 20003, "Authenticate"))
    run_id = bench.start(greeting_journey(), rows(2))

    actions = bench.dispatch(run_id)
    sid = next(action["provider_ref"] for action in actions if action["provider_ref"])
    bench.fake.post_call_status(bench.client, sid, "completed", AnsweredBy="human", CallDuration="5")
    forged = bench.client.post(f"{PUBLIC_URL}/webhooks/twilio/calls/{actions[0]['id']}", data={"CallStatus": "busy"})

    basic = base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
    assert AUTH_TOKEN not in caplog.text
    assert basic not in caplog.text
    assert AUTH_TOKEN not in forged.text
    ours = [record for record in caplog.records if record.name.startswith(("journeys", "twilio"))]
    assert ours
    assert not [record.getMessage() for record in ours if ACCOUNT_SID in record.getMessage()]
    assert repr(bench.config).count(AUTH_TOKEN) == 0


def test_cancel_without_credentials_still_cancels(bench: TwilioBench, caplog: pytest.LogCaptureFixture) -> None:
    run_id = bench.start(greeting_journey(), rows())
    bench.dispatch(run_id)
    unconfigured = Providers(bench.engine, Settings(database_url="sqlite://", public_url=PUBLIC_URL))

    run = run_service.cancel_run(bench.engine, run_id, now=bench.clock.now(), providers=unconfigured)

    assert run["status"] == "cancelled"
    assert bench.fake.requests_to("POST", r"/Calls/CA") == []
    assert "(1 in progress)" in caplog.text
    assert "JOURNEYS_TWILIO_ACCOUNT_SID" in caplog.text


def test_worker_without_credentials_dials_once(bench: TwilioBench) -> None:
    run_id = bench.start(greeting_journey(), rows())
    unconfigured = Providers(bench.engine, Settings(database_url="sqlite://", public_url=PUBLIC_URL))

    with pytest.raises(TwilioNotConfiguredError):
        Worker(bench.engine, bench.clock, providers=unconfigured).tick()
    [action] = action_rows(bench.engine, run_id)
    assert action["status"] == "dispatching"

    bench.clock.advance(timedelta(seconds=61))
    [action] = bench.dispatch(run_id)

    assert action["status"] == "in_progress"
    assert len(bench.fake.requests_to("POST", CALLS)) == 1


def test_lookup_finds_interrupted_sms(bench: TwilioBench) -> None:
    bench.fake.drop_responses = 1
    run_id = bench.start(journey(start("text"), sms("text", "done"), end()), rows())

    [action] = bench.dispatch(run_id)
    assert action["status"] == "dispatching"

    bench.clock.advance(timedelta(seconds=61))
    [action] = bench.dispatch(run_id)

    assert action["status"] == "in_progress"
    assert list(bench.fake.messages) == [action["provider_ref"]]
    assert len(bench.fake.requests_to("GET", r"/Messages\.json$")) == 1
    assert recipient_rows(bench.engine, run_id)[0]["sms_sent"] == 1
