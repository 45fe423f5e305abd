"""Twilio call and message statuses, read as the engine's ranked statuses and results."""

from __future__ import annotations

import pytest

from journeys.engine.ranking import FINAL_RANK, is_final, rank
from journeys.providers.twilio_client import JourneysHttpClient
from journeys.providers.twilio_status import answered_by, call_report, message_report, with_request_fields


@pytest.mark.parametrize(
    ("status", "verdict", "duration", "outcome", "who", "talk_time"),
    [
        ("completed", "human", 42, "answered", "human", 42),
        ("completed", "machine_start", 20, "voicemail", "machine", 0),
        ("completed", "machine_end_beep", 31, "voicemail", "machine", 0),
        ("completed", "machine_end_silence", 25, "voicemail", "machine", 0),
        ("completed", "machine_end_other", 28, "voicemail", "machine", 0),
        ("completed", "fax", 4, "failed", "machine", 0),
        ("completed", "unknown", 12, "answered", "unknown", 12),
        ("completed", None, 9, "answered", "unknown", 9),
        ("completed", "unknown", 0, "no_answer", "unknown", 0),
        ("no-answer", None, 0, "no_answer", "unknown", 0),
        ("busy", None, 0, "busy", "unknown", 0),
        ("failed", None, 0, "failed", "unknown", 0),
        ("canceled", None, 0, "cancelled", "unknown", 0),
    ],
)
def test_final_call_statuses(
    status: str, verdict: str | None, duration: int, outcome: str, who: str, talk_time: int
) -> None:
    mapped, result = call_report(status, verdict, duration)

    assert mapped == outcome
    assert is_final("call", mapped)
    assert result["status"] == outcome
    assert result["answered_by"] == who
    assert result["talk_time_seconds"] == talk_time
    assert result["duration_seconds"] == duration
    assert result["twilio_status"] == status


@pytest.mark.parametrize(
    ("status", "mapped"),
    [("queued", "queued"), ("initiated", "initiated"), ("ringing", "ringing"), ("in-progress", "in_progress")],
)
def test_progress_call_statuses_rank_in_order(status: str, mapped: str) -> None:
    outcome, result = call_report(status, None, None)

    assert outcome == mapped
    assert 0 < rank("call", outcome) < FINAL_RANK
    assert result == {"answered_by": "unknown"}


def test_progress_ranks_follow_twilio_order() -> None:
    order = [call_report(status, None, None)[0] for status in ("queued", "initiated", "ringing", "in-progress")]

    ranks = [rank("call", status) for status in order]

    assert ranks == sorted(ranks)
    assert len(set(ranks)) == 4


def test_unknown_call_status_ranks_zero() -> None:
    outcome, _ = call_report("teleported", None, 5)

    assert rank("call", outcome) == 0


def test_sip_code_in_ended_reason() -> None:
    _, result = call_report("failed", None, 0, sip_code="503")

    assert result["ended_reason"] == "call failed (SIP 503)"


def test_fax_ended_reason() -> None:
    _, result = call_report("completed", "fax", 3)

    assert result["ended_reason"] == "answered by a fax machine"


@pytest.mark.parametrize(
    ("status", "mapped", "final"),
    [
        ("queued", "queued", False),
        ("accepted", "accepted", False),
        ("scheduled", "accepted", False),
        ("sending", "sending", False),
        ("sent", "sent", False),
        ("delivered", "delivered", True),
        ("read", "delivered", True),
        ("undelivered", "undelivered", True),
        ("failed", "failed", True),
        ("canceled", "failed", True),
    ],
)
def test_message_statuses(status: str, mapped: str, final: bool) -> None:
    outcome, result = message_report(status)

    assert outcome == mapped
    assert is_final("sms", outcome) is final
    assert result["status"] == mapped


def test_message_ranks_follow_twilio_order() -> None:
    order = ["queued", "accepted", "sending", "sent", "delivered"]

    ranks = [rank("sms", message_report(status)[0]) for status in order]

    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(order)


def test_message_error_code_kept() -> None:
    _, result = message_report("undelivered", 30003)

    assert result["error_code"] == "30003"


@pytest.mark.parametrize(
    ("verdict", "who"),
    [("human", "human"), ("machine_start", "machine"), ("fax", "machine"), ("unknown", "unknown"), (None, "unknown")],
)
def test_answered_by(verdict: str | None, who: str) -> None:
    assert answered_by(verdict) == who


def test_request_fields_added() -> None:
    call = with_request_fields("call", {"status": "answered"}, {"attempt": 2})
    sms = with_request_fields("sms", {"status": "delivered"}, {"segments": 2, "encoding": "UCS-2"})

    assert call["attempt"] == 2
    assert call["data"] == {}
    assert sms["segments"] == 2
    assert sms["encoding"] == "UCS-2"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json", "http://127.0.0.1:9/base/2010-04-01/Accounts/AC1/Calls.json"),
        ("https://messaging.twilio.com/v1/Services", "http://127.0.0.1:9/base/v1/Services"),
        ("https://api.example.com/2010-04-01/Calls.json", "https://api.example.com/2010-04-01/Calls.json"),
        ("https://twilio.com.example.net/x", "https://twilio.com.example.net/x"),
    ],
)
def test_api_base_moves_only_twilio_hosts(url: str, expected: str) -> None:
    client = JourneysHttpClient("http://127.0.0.1:9/base")

    assert client._rebase(url) == expected


def test_no_api_base_keeps_url() -> None:
    url = "https://api.twilio.com/2010-04-01/Accounts/AC1/Calls.json"

    assert JourneysHttpClient(None)._rebase(url) == url
