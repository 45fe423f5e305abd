"""Validation of delay lengths and of loops that never pause, and the engine's guard for old journeys."""

from __future__ import annotations

from datetime import UTC, datetime
from types import SimpleNamespace
from typing import Any

import pytest

from journeys.domain.document import JourneyDocument
from journeys.domain.validation import validation_problems
from journeys.engine.handlers.time_delay import TimeDelayHandler
from journeys.engine.steps import Fail, Park


def _journey(*nodes: dict[str, Any]) -> dict[str, Any]:
    fields = [{"name": "due", "type": "date"}]
    return {"name": "Limits", "fields": fields, "nodes": [{"id": "start", "type": "start", "next": nodes[0]["id"]}, *nodes]}


def _delay(amount: Any, unit: str = "days", next_: str = "done") -> dict[str, Any]:
    return {"id": "pause", "type": "time_delay", "amount": amount, "unit": unit, "next": next_}


END = {"id": "done", "type": "end"}


@pytest.mark.parametrize(
    ("amount", "unit"),
    [(1e308, "days"), (3_000_000, "days"), (3651, "days"), (87_601, "hours"), (5_256_001, "minutes")],
)
def test_delay_over_maximum_rejected(amount: float, unit: str) -> None:
    problems = validation_problems(_journey(_delay(amount, unit), END))

    assert len(problems) == 1
    assert problems[0].node_id == "pause"
    assert problems[0].path == "nodes[1].amount"
    assert f"{amount:g} {unit}" in problems[0].message
    assert "maximum is 3,650 days" in problems[0].message


@pytest.mark.parametrize(("amount", "unit"), [(3650, "days"), (87_600, "hours"), (0.5, "minutes")])
def test_delay_up_to_maximum_valid(amount: float, unit: str) -> None:
    assert validation_problems(_journey(_delay(amount, unit), END)) == []


@pytest.mark.parametrize("offset", ["+3651 days", "-600 weeks", "+99999999999999999999999 days"])
def test_wait_offset_over_maximum_rejected(offset: str) -> None:
    wait = {"id": "pause", "type": "wait_until", "field": "due", "offset": offset, "next": "done"}

    problems = validation_problems(_journey(wait, END))

    assert [problem.path for problem in problems] == ["nodes[1].offset"]
    assert problems[0].node_id == "pause"
    assert offset in problems[0].message
    assert "maximum is 3,650 days" in problems[0].message


def test_engine_fails_recipient_on_huge_delay() -> None:
    # A document saved before the maximum: built without validate_journey.
    document = JourneyDocument.model_validate(_journey(_delay(1e308), END))
    node = document.nodes[1]
    context = SimpleNamespace(node=node, now=datetime(2026, 3, 2, 15, 0, tzinfo=UTC))

    step = TimeDelayHandler().enter(context)  # type: ignore[arg-type]

    assert isinstance(step, Fail)
    assert "'pause'" in step.reason
    assert "maximum is 3,650 days" in step.reason


def test_engine_parks_recipient_on_valid_delay() -> None:
    document = JourneyDocument.model_validate(_journey(_delay(2, "hours"), END))
    context = SimpleNamespace(node=document.nodes[1], now=datetime(2026, 3, 2, 15, 0, tzinfo=UTC))

    step = TimeDelayHandler().enter(context)  # type: ignore[arg-type]

    assert isinstance(step, Park)
    assert step.until == datetime(2026, 3, 2, 17, 0, tzinfo=UTC)


def test_start_pointing_to_itself_rejected() -> None:
    problems = validation_problems({"name": "Spin", "nodes": [{"id": "start", "type": "start", "next": "start"}]})

    assert len(problems) == 1
    assert problems[0].node_id == "start"
    assert "nodes start → start form a loop without a Time Delay or Wait Until" in problems[0].message


def test_branch_cycle_without_wait_rejected() -> None:
    again = {"id": "again", "type": "branch", "cases": [
        {"label": "Done", "when": {"subject": "recipient.calls_placed", "op": "equals", "value": 1}, "next": "done"},
    ], "default": "text"}
    text = {"id": "text", "type": "sms", "from_number": "+12025550100", "message": "Hi", "next": "again"}

    problems = validation_problems(_journey(again, text, END))

    assert [problem.message for problem in problems] == [
        "nodes again → text → again form a loop without a Time Delay or Wait Until; add one, "
        "or the recipient would repeat these steps at once until the step limit"
    ]


def test_cycle_through_delay_valid() -> None:
    again = {"id": "again", "type": "branch", "cases": [
        {"label": "Done", "when": {"subject": "recipient.calls_placed", "op": "equals", "value": 1}, "next": "done"},
    ], "default": "pause"}

    assert validation_problems(_journey(again, _delay(1, "hours", next_="again"), END)) == []


def test_long_chain_without_cycle_valid() -> None:
    chain = [
        {"id": f"b{i}", "type": "branch", "cases": [], "default": f"b{i + 1}"} for i in range(3000)
    ]
    chain.append({"id": "b3000", "type": "end"})
    problems = validation_problems(_journey(*chain))

    assert not [problem for problem in problems if "loop" in problem.message]
