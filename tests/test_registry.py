"""Sender numbers and agents: registration rules and their use in validation."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine

from journeys.errors import ConflictError, InvalidInputError, JourneyInvalidError, NotFoundError
from journeys.services import journeys as journey_service
from journeys.services import registry

NOW = datetime(2026, 12, 4, 12, 0, tzinfo=UTC)


def test_number_stored_in_e164(engine: Engine) -> None:
    row = registry.add_number(engine, "+1 (202) 555-0100", label="Desk", calls_per_second=2, now=NOW)

    assert row["number"] == "+12025550100"
    assert row["calls_per_second"] == 2


def test_number_default_rate_is_one(engine: Engine) -> None:
    row = registry.add_number(engine, "+12025550100", label=None, calls_per_second=1.0, now=NOW)

    assert row["calls_per_second"] == 1.0


@pytest.mark.parametrize("number", ["12345", "not a number", "+1 202 555 0100 x5", ""])
def test_invalid_number_rejected(engine: Engine, number: str) -> None:
    with pytest.raises(InvalidInputError, match="sender number"):
        registry.add_number(engine, number, label=None, calls_per_second=1, now=NOW)


@pytest.mark.parametrize("rate", [0, -1, 1000])
def test_invalid_rate_rejected(engine: Engine, rate: float) -> None:
    with pytest.raises(InvalidInputError, match="calls per second"):
        registry.add_number(engine, "+12025550100", label=None, calls_per_second=rate, now=NOW)


def test_duplicate_number_rejected(engine: Engine) -> None:
    registry.add_number(engine, "+12025550100", label=None, calls_per_second=1, now=NOW)

    with pytest.raises(ConflictError, match="already registered"):
        registry.add_number(engine, "+1 202 555 0100", label=None, calls_per_second=1, now=NOW)


def test_removing_unknown_number_fails(engine: Engine) -> None:
    with pytest.raises(NotFoundError, match=r"\+12025550199"):
        registry.remove_number(engine, "+12025550199")


@pytest.mark.parametrize("name", ["", "has space", "-dash-first", "x" * 101])
def test_invalid_agent_name_rejected(engine: Engine, name: str) -> None:
    with pytest.raises(InvalidInputError, match="agent name"):
        registry.add_agent(engine, name, description=None, now=NOW)


def test_journey_with_unregistered_names_fails(engine: Engine, reminder: dict) -> None:
    with pytest.raises(JourneyInvalidError) as caught:
        journey_service.create_journey(engine, reminder, now=NOW)

    messages = [str(problem) for problem in caught.value.problems]
    assert any("+12025550100" in message and "journeys number add" in message for message in messages)
    assert any("collections" in message and "journeys agent add" in message for message in messages)


def test_journey_with_registered_names_saves(engine: Engine, reminder: dict) -> None:
    registry.add_number(engine, "+12025550100", label=None, calls_per_second=1, now=NOW)
    registry.add_agent(engine, "collections", description=None, now=NOW)

    assert journey_service.create_journey(engine, reminder, now=NOW) == 1


def test_agent_in_use_cannot_be_removed(engine: Engine, reminder: dict) -> None:
    registry.add_number(engine, "+12025550100", label=None, calls_per_second=1, now=NOW)
    registry.add_agent(engine, "collections", description=None, now=NOW)
    journey_service.create_journey(engine, reminder, now=NOW)

    with pytest.raises(ConflictError, match="journey 1"):
        registry.remove_agent(engine, "collections")


def test_number_in_use_cannot_be_removed(engine: Engine, reminder: dict) -> None:
    registry.add_number(engine, "+12025550100", label=None, calls_per_second=1, now=NOW)
    registry.add_agent(engine, "collections", description=None, now=NOW)
    journey_service.create_journey(engine, reminder, now=NOW)

    with pytest.raises(ConflictError, match=r"\+12025550100"):
        registry.remove_number(engine, "+12025550100")


def test_unused_number_can_be_removed(engine: Engine) -> None:
    registry.add_number(engine, "+12025550199", label=None, calls_per_second=1, now=NOW)

    registry.remove_number(engine, "+12025550199")

    with pytest.raises(NotFoundError):
        registry.remove_number(engine, "+12025550199")


@pytest.fixture
def reminder() -> dict:
    from conftest import load_fixture_json

    return load_fixture_json("journey-reminder.json")
