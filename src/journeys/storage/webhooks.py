"""Queries the webhook provider and its callback routes need: agent endpoints and actions."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Connection, func, select

from journeys.storage.schema import actions, agents, callbacks, runs


def agent_endpoints(conn: Connection, names: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Return the webhook URL and secret of each named agent that exists, by name."""
    if not names:
        return {}
    query = select(agents.c.name, agents.c.webhook_url, agents.c.webhook_secret).where(
        agents.c.name.in_(sorted(set(names)))
    )
    return {row["name"]: dict(row) for row in conn.execute(query).mappings()}


def find_actions(conn: Connection, action_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    """Return the action rows with these ids, each with its run's status as `run_status`, by id."""
    query = (
        select(actions, runs.c.status.label("run_status"))
        .join(runs, runs.c.id == actions.c.run_id)
        .where(actions.c.id.in_(sorted(set(action_ids))))
    )
    return {row["id"]: dict(row) for row in conn.execute(query).mappings()}


def find_action(conn: Connection, action_id: int) -> dict[str, Any] | None:
    """Return one action row with its run's status as `run_status`, or None."""
    query = (
        select(actions, runs.c.status.label("run_status"))
        .join(runs, runs.c.id == actions.c.run_id)
        .where(actions.c.id == action_id)
    )
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def count_logged_callbacks(conn: Connection, run_id: int) -> int:
    """Count the callbacks logged for the actions of a run."""
    query = (
        select(func.count())
        .select_from(callbacks)
        .join(actions, actions.c.id == callbacks.c.action_id)
        .where(actions.c.run_id == run_id)
    )
    return int(conn.execute(query).scalar_one())
