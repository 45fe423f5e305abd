"""Sender numbers and voice agents that call and SMS nodes refer to."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from journeys.domain.phones import normalize_phone
from journeys.errors import ConflictError, InvalidInputError, NotFoundError
from journeys.storage import registry as queries

AGENT_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}$")
MAX_CALLS_PER_SECOND = 100.0


def add_number(
    engine: Engine, number: str, *, label: str | None, calls_per_second: float, now: datetime
) -> dict[str, Any]:
    """Register a sender number in E.164, with its calls-per-second limit."""
    if not 0 < calls_per_second <= MAX_CALLS_PER_SECOND:
        raise InvalidInputError(
            f"invalid calls per second {calls_per_second:g} for {number}: "
            f"use a number above 0 and at most {MAX_CALLS_PER_SECOND:g}"
        )
    try:
        e164, extension = normalize_phone(number, None)
    except ValueError as exc:
        raise InvalidInputError(
            f"invalid sender number {number!r}: {exc}; write it in E.164, such as +12025550100"
        ) from exc
    if extension:
        raise InvalidInputError(f"invalid sender number {number!r}: a sender number has no extension")

    with engine.begin() as conn:
        if queries.find_number(conn, e164):
            raise ConflictError(f"sender number {e164} is already registered")
        queries.insert_number(conn, number=e164, label=label, calls_per_second=calls_per_second, now=now)
        return dict(queries.find_number(conn, e164) or {})


def remove_number(engine: Engine, number: str) -> None:
    """Remove a sender number that no journey uses."""
    with engine.begin() as conn:
        _check_unused(conn, "from_number", number, "sender number")
        if not queries.delete_number(conn, number):
            raise NotFoundError(f"sender number {number} not found; `journeys number list` shows them")


def add_agent(engine: Engine, name: str, *, description: str | None, now: datetime) -> dict[str, Any]:
    """Register a voice agent by name."""
    if not AGENT_NAME.match(name):
        raise InvalidInputError(
            f"invalid agent name {name!r}: use letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    with engine.begin() as conn:
        if queries.find_agent(conn, name):
            raise ConflictError(f"agent {name!r} is already registered")
        queries.insert_agent(conn, name=name, description=description, now=now)
        return dict(queries.find_agent(conn, name) or {})


def remove_agent(engine: Engine, name: str) -> None:
    """Remove a voice agent that no journey uses."""
    with engine.begin() as conn:
        _check_unused(conn, "agent", name, "agent")
        if not queries.delete_agent(conn, name):
            raise NotFoundError(f"agent {name!r} not found; `journeys agent list` shows them")


def _check_unused(conn: Connection, setting: str, value: str, kind: str) -> None:
    """Raise ConflictError when the current version of a journey names `value`."""
    from journeys.storage import journeys as journey_queries

    users = [
        f"{journey['id']} ({journey['name']})"
        for journey in journey_queries.list_journeys(conn)
        if any(node.get(setting) == value for node in journey_queries.get_document(conn, journey["id"]).get("nodes", []))
    ]
    if users:
        raise ConflictError(
            f"cannot remove {kind} {value}: journey {', '.join(users)} uses it; "
            "change those journeys first with `journeys journey update`"
        )


def known_names(conn: Connection) -> tuple[set[str], set[str]]:
    """Return the registered sender numbers and agent names, for journey validation."""
    numbers = {row["number"] for row in queries.list_numbers(conn)}
    agents = {row["name"] for row in queries.list_agents(conn)}
    return numbers, agents
