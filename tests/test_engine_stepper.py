"""The stepper without a database: each node type through `advance()` and `apply_result()`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from engine_helpers import (
    AGENT,
    NOW,
    SENDER,
    call,
    compiled,
    delay,
    end,
    journey,
    outcome_is,
    settings,
    sms,
    start,
)
from journeys.engine.state import Move, RecipientState
from journeys.engine.stepper import advance, apply_result

PHONE = "+12025550101"


def recipient(node: str = "start", **changes: Any) -> RecipientState:
    """Return a recipient due to enter `node`, as the run's start leaves it."""
    values: dict[str, Any] = {
        "id": 7,
        "run_id": 3,
        "phone_number": PHONE,
        "phone_extension": None,
        "data": {},
        "timezones": ["America/New_York"],
        "status": "active",
        "current_node": node,
        "phase": "enter",
        "next_at": NOW,
        "steps": 0,
        "outputs": {},
        "started_at": NOW,
    }
    values.update(changes)
    return RecipientState(**values)


def event_types(move: Move) -> list[str]:
    return [event.type for event in move.events]


def branch_journey() -> dict[str, Any]:
    # Both cases match an answered call, so only case order decides.
    return journey(
        start("outcome"),
        {
            "id": "outcome",
            "type": "branch",
            "cases": [
                {"label": "Big", "when": {"subject": "balance", "op": "greater_than", "value": 100}, "next": "big"},
                {"label": "Any", "when": {"subject": "balance", "op": "greater_than", "value": 0}, "next": "any"},
            ],
            "default": "other",
        },
        end("big", "big"),
        end("any", "any"),
        end("other", "other"),
        fields=[{"name": "balance", "type": "number"}],
    )


def wait_until_journey(**wait: Any) -> dict[str, Any]:
    node = {"id": "wait", "type": "wait_until", "next": "done", **wait}
    return journey(
        start("wait"), node, end(), fields=[{"name": "due_date", "type": "datetime"}]
    )


# --- start, end, branch -------------------------------------------------------------


def test_start_to_end_completes_with_result() -> None:
    state = recipient()

    move = advance(state, compiled(journey(start("done"), end(result="reached"))), settings(), NOW)

    assert state.status == "completed"
    assert state.result == "reached"
    assert state.finished_at == NOW
    assert state.steps == 2
    assert event_types(move) == ["entered", "entered", "completed"]
    assert move.events[-1].detail == "reached"
    assert move.actions == []


def test_node_without_next_completes_without_result() -> None:
    document = journey(start("text"), sms("text", None))
    state = recipient("text", status="waiting", phase="resume", steps=2)

    apply_result(state, compiled(document), settings(), NOW, "delivered", {"segments": 1, "encoding": "GSM-7"})

    assert state.status == "completed"
    assert state.result is None


@pytest.mark.parametrize(
    ("balance", "label", "target"),
    [(500, "Big", "big"), (50, "Any", "any"), (-5, "default", "other"), (None, "default", "other")],
)
def test_branch_takes_first_matching_case(balance: float | None, label: str, target: str) -> None:
    state = recipient(data={"balance": balance})

    move = advance(state, compiled(branch_journey()), settings(), NOW)

    assert state.result == target
    assert state.outputs["outcome"] == {"taken": label}
    branch_events = [event for event in move.events if event.type == "branch_taken"]
    assert [(event.node_id, event.detail) for event in branch_events] == [("outcome", label)]


# --- time_delay ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("amount", "unit", "expected"),
    [(90, "minutes", timedelta(minutes=90)), (2, "hours", timedelta(hours=2)), (1.5, "days", timedelta(hours=36))],
)
def test_time_delay_parks_until_later(amount: float, unit: str, expected: timedelta) -> None:
    document = journey(start("wait"), delay("wait", "done", amount, unit), end())
    state = recipient()

    move = advance(state, compiled(document), settings(), NOW)

    assert state.status == "delayed"
    assert state.current_node == "wait"
    assert state.phase == "resume"
    assert state.next_at == NOW + expected
    assert move.events[-1].type == "delayed"
    assert move.events[-1].detail.startswith(f"until {(NOW + expected).isoformat()}: time delay of")


def test_time_delay_resume_moves_to_next() -> None:
    document = journey(start("wait"), delay("wait", "done", 2), end())
    state = recipient()
    advance(state, compiled(document), settings(), NOW)

    later = NOW + timedelta(hours=2)
    move = advance(state, compiled(document), settings(), later)

    assert state.status == "completed"
    # The resume re-enters nothing: only `done` is entered on this advance.
    assert [(event.type, event.node_id) for event in move.events] == [("entered", "done"), ("completed", "done")]
    assert state.steps == 3


# --- wait_until ---------------------------------------------------------------------


def test_wait_until_parks_until_future_time() -> None:
    target = NOW + timedelta(days=2)
    state = recipient()

    move = advance(state, compiled(wait_until_journey(at=target.isoformat())), settings(), NOW)

    assert state.status == "delayed"
    assert state.phase == "resume"
    assert state.next_at == target
    assert move.events[-1].type == "delayed"


def test_wait_until_continues_when_time_passed() -> None:
    state = recipient()

    move = advance(state, compiled(wait_until_journey(at=(NOW - timedelta(days=1)).isoformat())), settings(), NOW)

    assert state.status == "completed"
    assert "delayed" not in event_types(move)


@pytest.mark.parametrize(
    ("wait", "data", "reason_part"),
    [
        ({"at": "2026-03-01T09:00:00+00:00", "if_past": "fail"}, {}, "is in the past"),
        ({"field": "due_date"}, {}, "due_date"),
    ],
    ids=["past_with_if_past_fail", "missing_date"],
)
def test_wait_until_fails_with_reason(wait: dict[str, Any], data: dict[str, Any], reason_part: str) -> None:
    state = recipient(data=data)

    move = advance(state, compiled(wait_until_journey(**wait)), settings(), NOW)

    assert state.status == "failed"
    assert reason_part in (state.failure_reason or "")
    assert move.events[-1].type == "failed"
    assert move.events[-1].detail == state.failure_reason


# --- call ------------------------------------------------------------------------------


def test_call_queues_one_action_for_visit() -> None:
    document = journey(start("call_1"), call("call_1", "done", ring_timeout_seconds=20), end())
    state = recipient(calls_placed=2)

    move = advance(state, compiled(document), settings(), NOW)

    assert state.status == "waiting"
    assert state.phase == "resume"
    assert len(move.actions) == 1
    action = move.actions[0]
    assert action.node_id == "call_1"
    assert action.visit == state.steps == 2
    assert action.kind == "call"
    assert action.from_number == SENDER
    assert action.to_number == PHONE
    assert action.request["attempt"] == 3
    assert action.request["agent"] == AGENT
    assert action.request["ring_timeout_seconds"] == 20
    assert action.not_before == NOW


def test_call_outside_window_parks_then_queues_same_visit() -> None:
    document = journey(start("call_1"), call("call_1", "done"), end())
    # 15:00 UTC is 10:00 in New York, so a 14:00-16:00 window opens at 19:00 UTC.
    windowed = settings(calling_window="daily 14:00-16:00")
    state = recipient()

    parked = advance(state, compiled(document), windowed, NOW)
    opens = NOW + timedelta(hours=4)
    queued = advance(state, compiled(document), windowed, opens)

    assert parked.actions == []
    assert parked.events[-1].type == "delayed"
    assert [action.visit for action in queued.actions] == [2]
    assert state.status == "waiting"


@pytest.mark.parametrize(
    ("outcome", "result", "answered", "talk_time"),
    [
        ("answered", {"answered_by": "human", "talk_time_seconds": 61.5, "duration_seconds": 70, "attempt": 1}, 1, 61.5),
        ("voicemail", {"answered_by": "machine", "talk_time_seconds": 0, "duration_seconds": 30, "attempt": 1}, 0, 0.0),
        ("no_answer", {"answered_by": "unknown", "duration_seconds": 30, "attempt": 1}, 0, 0.0),
    ],
)
def test_call_result_sets_outputs_and_counters(
    outcome: str, result: dict[str, Any], answered: int, talk_time: float
) -> None:
    document = journey(start("call_1"), call("call_1", "check"), {
        "id": "check", "type": "branch",
        "cases": [{"label": "Yes", "when": outcome_is("call_1", "answered"), "next": "done"}],
        "default": "done",
    }, end())
    state = recipient("call_1", status="waiting", phase="resume", steps=2, calls_placed=1)

    move = apply_result(state, compiled(document), settings(), NOW, outcome, {**result, "ended_reason": "hangup"})

    outputs = state.outputs["call_1"]
    assert outputs["outcome"] == outcome
    assert outputs["answered_by"] == result["answered_by"]
    assert outputs["talk_time_seconds"] == talk_time
    assert outputs["duration_seconds"] == float(result["duration_seconds"])
    assert outputs["ended_reason"] == "hangup"
    assert outputs["attempt"] == 1
    assert outputs["data"] == {}
    assert state.calls_answered == answered
    assert state.talk_time_seconds == talk_time
    assert state.last_call_outcome == outcome
    # The result makes the recipient due at the next node; the worker advances it there.
    assert state.status == "active"
    assert state.current_node == "check"
    assert state.phase == "enter"
    assert state.next_at == NOW
    assert move.events == []


def test_call_result_keeps_agent_data() -> None:
    document = journey(start("call_1"), call("call_1", "done"), end())
    state = recipient("call_1", status="waiting", phase="resume", steps=2)

    apply_result(state, compiled(document), settings(), NOW, "answered", {"data": {"promise_to_pay": True}})

    assert state.outputs["call_1"]["data"] == {"promise_to_pay": True}


def test_sms_result_sets_outputs() -> None:
    document = journey(start("text"), sms("text", "done"), end())
    state = recipient("text", status="waiting", phase="resume", steps=2)

    apply_result(state, compiled(document), settings(), NOW, "delivered", {"segments": 2, "encoding": "UCS-2"})

    assert state.outputs["text"] == {"status": "delivered", "segments": 2, "encoding": "UCS-2"}
    assert state.current_node == "done"


# --- failures ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "node",
    [
        sms("text", "done", message="Hi {{ customer_name }}"),
        call("text", "done", variables={"greeting": "Hi {{ customer_name }}"}),
    ],
    ids=["sms_message", "call_variable"],
)
def test_missing_template_value_fails(node: dict[str, Any]) -> None:
    document = journey(start("text"), node, end(), fields=[{"name": "customer_name", "type": "string"}])
    state = recipient(data={"customer_name": None})

    move = advance(state, compiled(document), settings(), NOW)

    assert state.status == "failed"
    assert state.failure_reason == "missing value for customer_name"
    assert move.actions == []


def test_removed_node_fails_on_advance() -> None:
    state = recipient("old_call", phase="resume", status="delayed")

    move = advance(state, compiled(journey(start("done"), end())), settings(), NOW)

    assert state.status == "failed"
    assert state.failure_reason == "node 'old_call' is no longer in the journey"
    assert [(event.type, event.node_id) for event in move.events] == [("failed", "old_call")]


def test_removed_node_fails_on_result() -> None:
    state = recipient("old_call", phase="resume", status="waiting", steps=2)

    move = apply_result(state, compiled(journey(start("done"), end())), settings(), NOW, "answered", {})

    assert state.status == "failed"
    assert state.failure_reason == "node 'old_call' is no longer in the journey"
    assert state.outputs == {}
    assert move.events[-1].detail == state.failure_reason


def test_step_limit_fails_loop() -> None:
    loop = {
        "id": "again", "type": "branch",
        "cases": [{"label": "Loop", "when": {"subject": "recipient.calls_placed", "op": "equals", "value": 0}, "next": "again"}],
        "default": "done",
    }
    document = journey(start("again"), loop, end(), max_steps=5)
    state = recipient()

    move = advance(state, compiled(document), settings(), NOW)

    assert state.status == "failed"
    assert state.steps == 5
    assert "limit of 5 steps" in (state.failure_reason or "")
    assert event_types(move).count("entered") == 5
