"""The simulator's own records of what it placed, like a remote platform's database."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from journeys.storage.dialect import lock_rows
from journeys.storage.schema import simulated_messages


def find(conn: Connection, action_id: int) -> dict[str, Any] | None:
    query = select(simulated_messages).where(simulated_messages.c.action_id == action_id)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def insert_message(
    conn: Connection, *, action_id: int, kind: str, result: dict[str, Any], report_at: datetime
) -> None:
    conn.execute(
        insert(simulated_messages).values(
            action_id=action_id, kind=kind, result=result, report_at=report_at, reported=False
        )
    )


def due(conn: Connection, *, now: datetime, limit: int) -> list[dict[str, Any]]:
    query = (
        select(simulated_messages)
        .where(simulated_messages.c.reported.is_(False), simulated_messages.c.report_at <= now)
        .order_by(simulated_messages.c.report_at, simulated_messages.c.id)
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(query).mappings()]


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
