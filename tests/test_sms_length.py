"""The SMS length limit: a longer template is invalid, and a longer rendered text fails its recipient unsent."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import Engine

from engine_helpers import NOW, action_rows, compiled, end, journey, new_run, recipient_rows, register, settings, sms, start, worker
from journeys.clock import VirtualClock
from journeys.domain.sms import MAX_SMS_LENGTH, sms_length_problem
from journeys.domain.validation import validation_problems
from journeys.engine.state import RecipientState
from journeys.engine.stepper import advance
from journeys.services import runs as run_service

FIELDS = [{"name": "customer_name", "type": "string"}]


def text_journey(message: str) -> dict:  # type: ignore[type-arg]
    return journey(start("text"), sms("text", "done", message=message), end(), fields=FIELDS)


def test_limit_is_twilios() -> None:
    assert MAX_SMS_LENGTH == 1_600


def test_length_problem_at_boundary() -> None:
    assert sms_length_problem("x" * 1_600) is None
    assert sms_length_problem("x" * 1_601) == "it has 1,601 characters, and an SMS can have at most 1,600"


def test_long_template_invalid() -> None:
    problems = validation_problems(text_journey("x" * 1_601))

    assert [(problem.node_id, problem.path) for problem in problems] == [("text", "nodes[1].message")]
    assert "1,601 characters" in problems[0].message
    assert "shorten it" in problems[0].message


def test_template_at_limit_valid() -> None:
    assert validation_problems(text_journey("x" * 1_600)) == []


@pytest.mark.parametrize(("name_length", "fails"), [(1_596, False), (1_597, True)])
def test_rendered_length_checked(name_length: int, fails: bool) -> None:
    # "Hi " and "!" add 4 characters to the name, so a name of 1,596 renders to exactly 1,600.
    document = text_journey("Hi {{ customer_name }}!")
    state = RecipientState(
        id=7, run_id=3, phone_number="+12025550101", phone_extension=None,
        data={"customer_name": "x" * name_length}, timezones=["America/New_York"], status="active",
        current_node="start", phase="enter", next_at=NOW, steps=0, outputs={}, started_at=NOW,
    )

    move = advance(state, compiled(document), settings(), NOW)

    if fails:
        assert state.status == "failed"
        assert state.failure_reason is not None
        assert "the SMS was not sent because the rendered message is too long" in state.failure_reason
        assert "1,601 characters" in state.failure_reason
        assert move.actions == []
    else:
        assert state.status != "failed"
        assert len(move.actions) == 1
        assert len(move.actions[0].request["message"]) == MAX_SMS_LENGTH


def test_long_rendered_message_fails_recipient(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = new_run(engine, tmp_path, text_journey("Hi {{ customer_name }}"), [
        {"phone_number": "+12025550101", "customer_name": "Ada"},
        {"phone_number": "+12025550102", "customer_name": "x" * 2_000},
    ])
    clock = VirtualClock(NOW)
    run_service.start_run(engine, run_id, now=NOW)

    worker(engine, clock).tick()

    short, long = recipient_rows(engine, run_id)
    assert long["status"] == "failed"
    assert "rendered message is too long: it has 2,003 characters" in long["failure_reason"]
    assert short["status"] != "failed"
    assert [action["recipient_id"] for action in action_rows(engine, run_id)] == [short["id"]]
