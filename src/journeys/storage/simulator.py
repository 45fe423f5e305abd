"""The simulator's own records of what it placed, like a remote platform's database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from journeys.storage.dialect import is_postgresql, lock_rows, lock_skip_locked
from journeys.storage.schema import simulated_messages


def find(conn: Connection, action_id: int) -> dict[str, Any] | None:
    query = select(simulated_messages).where(simulated_messages.c.action_id == action_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def insert_messages_once(conn: Connection, messages: Sequence[dict[str, Any]]) -> set[int]:
    """Record placed calls and SMS; return the action ids that were recorded now.

    Each message has action_id, kind, result and report_at. A message for an
    action that has a record already is ignored and left out of the result.
    """
    if not messages:
        return set()
    statement = (postgresql_insert if is_postgresql(conn) else sqlite_insert)(simulated_messages)
    # Only the set of inserted ids matters, not their order. Asking for parameter
    # order made SQLAlchemy run ON CONFLICT DO NOTHING once per row.
    inserted = conn.execute(
        statement.on_conflict_do_nothing(index_elements=["action_id"]).returning(simulated_messages.c.action_id),
        [{**message, "reported": False} for message in messages],
    )
    return {row.action_id for row in inserted}


def claim_due(conn: Connection, *, now: datetime, limit: int, redeliver_at: datetime) -> list[dict[str, Any]]:
    """Return unreported records due by `now` and hide them from other pollers until `redeliver_at`.

    Moving `report_at` forward works as a queue's visibility timeout: several
    workers poll at once without taking the same reports, and a report whose
    poller died before acknowledging it falls due again.
    """
    query = (
        select(simulated_messages)
        .where(simulated_messages.c.reported.is_(False), simulated_messages.c.report_at <= now)
        .order_by(simulated_messages.c.report_at, simulated_messages.c.id)
        .limit(limit)
    )
    rows = [dict(row) for row in conn.execute(lock_skip_locked(query, conn)).mappings()]
    if rows:
        conn.execute(
            update(simulated_messages)
            .where(simulated_messages.c.id.in_([row["id"] for row in rows]))
            .values(report_at=redeliver_at)
        )
    return rows


def mark_reported(conn: Connection, action_ids: Sequence[int]) -> None:
    # Several workers may acknowledge the same reports, so rows are locked in one
    # order first: an UPDATE alone locks them in scan order and can deadlock.
    in_order = (
        select(simulated_messages.c.id)
        .where(simulated_messages.c.action_id.in_(action_ids))
        .order_by(simulated_messages.c.action_id)
    )
    conn.execute(lock_rows(in_order, conn)).all()
    conn.execute(
        update(simulated_messages)
        .where(simulated_messages.c.action_id.in_(action_ids))
        .values(reported=True)
    )


def cut_short(conn: Connection, action_id: int, *, result: dict[str, Any], now: datetime) -> bool:
    """Replace an unreported call's result, as a hang-up does; return whether one was found."""
    updated = conn.execute(
        update(simulated_messages)
        .where(simulated_messages.c.action_id == action_id, simulated_messages.c.reported.is_(False))
        .values(result=result, report_at=now)
    )
    return bool(updated.rowcount)


def next_report_at(conn: Connection, *, after: datetime) -> datetime | None:
    query = select(func.min(simulated_messages.c.report_at)).where(
        simulated_messages.c.reported.is_(False), simulated_messages.c.report_at > after
    )
    return conn.execute(query).scalar_one_or_none()
