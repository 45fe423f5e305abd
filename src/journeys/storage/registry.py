"""Queries on the registry of sender numbers and voice agents."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from journeys.storage.schema import agents, sender_numbers


def insert_number(
    conn: Connection, *, number: str, label: str | None, calls_per_second: float, now: datetime
) -> int:
    return int(
        conn.execute(
            insert(sender_numbers).values(
                number=number, label=label, calls_per_second=calls_per_second, created_at=now
            )
        ).inserted_primary_key[0]
    )


def find_number(conn: Connection, number: str) -> dict[str, Any] | None:
    row = conn.execute(select(sender_numbers).where(sender_numbers.c.number == number)).mappings().first()
    return dict(row) if row else None


def list_numbers(conn: Connection) -> list[dict[str, Any]]:
    rows = conn.execute(select(sender_numbers).order_by(sender_numbers.c.number)).mappings()
    return [dict(row) for row in rows]


def delete_number(conn: Connection, number: str) -> bool:
    return bool(conn.execute(delete(sender_numbers).where(sender_numbers.c.number == number)).rowcount)


def insert_agent(conn: Connection, *, name: str, description: str | None, now: datetime, **endpoints: str | None) -> int:
    """Insert an agent; `endpoints` are its stream_url, sip_uri, webhook_url and webhook_secret columns."""
    return int(
        conn.execute(
            insert(agents).values(name=name, description=description, created_at=now, **endpoints)
        ).inserted_primary_key[0]
    )


def update_agent(conn: Connection, name: str, **values: str | None) -> bool:
    return bool(conn.execute(update(agents).where(agents.c.name == name).values(**values)).rowcount)


def find_agent(conn: Connection, name: str) -> dict[str, Any] | None:
    row = conn.execute(select(agents).where(agents.c.name == name)).mappings().first()
    return dict(row) if row else None


def list_agents(conn: Connection) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(select(agents).order_by(agents.c.name)).mappings()]


def delete_agent(conn: Connection, name: str) -> bool:
    return bool(conn.execute(delete(agents).where(agents.c.name == name)).rowcount)
