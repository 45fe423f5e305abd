"""Queries on the events of recipients' histories."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, select

from journeys.storage.dialect import insert_rows
from journeys.storage.schema import events


def insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert events, in order; each row has run_id, recipient_id, at, node_id, type and detail."""
    insert_rows(conn, events, rows)


def timeline(conn: Connection, recipient_id: int) -> list[dict[str, Any]]:
    """Return a recipient's events in the order they happened."""
    query = select(events).where(events.c.recipient_id == recipient_id).order_by(events.c.id)
    return [dict(row) for row in conn.execute(query).mappings()]


def entered_span(conn: Connection, run_id: int) -> tuple[datetime, datetime] | None:
    """Return the times of a run's first and last `entered` event, or None when it has none."""
    query = select(func.min(events.c.at), func.max(events.c.at)).where(
        events.c.run_id == run_id, events.c.type == "entered"
    )
    first, last = conn.execute(query).one()
    return None if first is None else (first, last)
