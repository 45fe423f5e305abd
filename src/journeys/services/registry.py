"""Sender numbers and voice agents that call and SMS nodes refer to."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from journeys.domain.phones import InvalidPhoneError, normalize_phone
from journeys.domain.text import check_text
from journeys.errors import ConflictError, InvalidInputError, NotFoundError
from journeys.services.agent_endpoints import check_endpoints
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
    except InvalidPhoneError as exc:
        raise InvalidInputError(_sender_number_problem(number, exc)) from exc
    if extension:
        raise InvalidInputError(f"invalid sender number {number!r}: a sender number has no extension")
    if label is not None:
        check_text(label, f"label of sender number {e164}")

    with engine.begin() as conn:
        if queries.find_number(conn, e164):
            raise ConflictError(f"sender number {e164} is already registered")
        queries.insert_number(conn, number=e164, label=label, calls_per_second=calls_per_second, now=now)
        return dict(queries.find_number(conn, e164) or {})


def remove_number(engine: Engine, number: str) -> None:
    """Remove a sender number that no journey uses; any spelling of the number works."""
    try:
        number, _ = normalize_phone(number, None)
    except InvalidPhoneError as exc:
        raise NotFoundError(f"sender number {number!r} not found: {_sender_number_problem(number, exc)}") from exc
    with engine.begin() as conn:
        _check_unused(conn, "from_number", number, "sender number")
        if not queries.delete_number(conn, number):
            raise NotFoundError(f"sender number {number} not found; `journeys number list` shows them")


def _sender_number_problem(number: str, error: InvalidPhoneError) -> str:
    # The phone parser's own messages suggest a default region, which sender
    # numbers never take, so the registry words its own from the reason.
    reasons = {
        "missing": "it is empty",
        "scientific notation": "it is a number in scientific notation, which has lost its last digits",
    }
    reason = reasons.get(error.reason, "it is not a valid phone number with its country code")
    return f"invalid sender number {number!r}: {reason}; write it in E.164, such as +12025550100"


def add_agent(
    engine: Engine,
    name: str,
    *,
    description: str | None,
    now: datetime,
    endpoints: Mapping[str, str | None] | None = None,
    allowed_hosts: Sequence[str] = (),
) -> dict[str, Any]:
    """Register a voice agent by name, with where it is reached; return it without its secret.

    `endpoints` may set stream_url, sip_uri, webhook_url and webhook_secret;
    `allowed_hosts` is the webhook allowlist (JOURNEYS_WEBHOOK_ALLOWED_HOSTS).
    """
    if not AGENT_NAME.match(name):
        raise InvalidInputError(
            f"invalid agent name {name!r}: use letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    if description is not None:
        check_text(description, f"description of agent {name!r}", multiline=True)
    columns = check_endpoints(name, endpoints or {}, {}, allowed_hosts=allowed_hosts)
    with engine.begin() as conn:
        if queries.find_agent(conn, name):
            raise ConflictError(f"agent {name!r} is already registered; `journeys agent update` changes it")
        queries.insert_agent(conn, name=name, description=description, now=now, **columns)
        return public_agent(queries.find_agent(conn, name))


def update_agent(
    engine: Engine, name: str, changes: Mapping[str, str | None], *, allowed_hosts: Sequence[str] = ()
) -> dict[str, Any]:
    """Change an agent's description or endpoints; keys absent from `changes` keep their values.

    An empty string or None clears a field. Returns the agent without its secret.
    """
    endpoint_changes = {key: value for key, value in changes.items() if key != "description"}
    if changes.get("description"):
        check_text(changes["description"], f"description of agent {name!r}", multiline=True)
    _check_agent_name_known(name)
    with engine.begin() as conn:
        current = queries.find_agent(conn, name)
        if current is None:
            raise NotFoundError(f"agent {name!r} not found; `journeys agent list` shows them")
        values: dict[str, str | None] = check_endpoints(name, endpoint_changes, current, allowed_hosts=allowed_hosts)
        if "description" in changes:
            values["description"] = changes["description"] or None
        queries.update_agent(conn, name, **values)
        return public_agent(queries.find_agent(conn, name))


def public_agent(row: Mapping[str, Any] | None) -> dict[str, Any]:
    """Return an agent as the API and command line show it: the webhook secret only as `has_webhook_secret`."""
    if row is None:
        raise NotFoundError("agent not found; `journeys agent list` shows them")
    return {
        "name": row["name"],
        "description": row["description"],
        "stream_url": row["stream_url"],
        "sip_uri": row["sip_uri"],
        "webhook_url": row["webhook_url"],
        "has_webhook_secret": bool(row["webhook_secret"]),
        "created_at": row["created_at"],
    }


def list_agents(engine: Engine) -> list[dict[str, Any]]:
    """Return every agent by name, without webhook secrets."""
    with engine.connect() as conn:
        return [public_agent(row) for row in queries.list_agents(conn)]


def public_number(row: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "number": row["number"],
        "label": row["label"],
        "calls_per_second": row["calls_per_second"],
        "created_at": row["created_at"],
    }


def list_numbers(engine: Engine) -> list[dict[str, Any]]:
    """Return every sender number in order."""
    with engine.connect() as conn:
        return [public_number(row) for row in queries.list_numbers(conn)]


def remove_agent(engine: Engine, name: str) -> None:
    """Remove a voice agent that no journey uses."""
    _check_agent_name_known(name)
    with engine.begin() as conn:
        _check_unused(conn, "agent", name, "agent")
        if not queries.delete_agent(conn, name):
            raise NotFoundError(f"agent {name!r} not found; `journeys agent list` shows them")


def _check_agent_name_known(name: str) -> None:
    # A name that could never have been registered is not looked up, so that
    # characters the database rejects (NUL on PostgreSQL) end as "not found".
    if not AGENT_NAME.match(name):
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
