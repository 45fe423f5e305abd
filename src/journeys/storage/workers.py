"""Queries on worker heartbeats and on the leases a worker holds."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select, update

from journeys.storage.schema import actions, recipients, workers


def register(conn: Connection, worker_id: str, *, host: str, pid: int, now: datetime) -> None:
    """Insert the row of a starting worker."""
    conn.execute(
        insert(workers).values(id=worker_id, host=host, pid=pid, started_at=now, heartbeat_at=now)
    )


def beat(conn: Connection, worker_id: str, *, now: datetime) -> None:
    """Record that the worker is alive at `now`."""
    conn.execute(update(workers).where(workers.c.id == worker_id).values(heartbeat_at=now))


def mark_stopped(conn: Connection, worker_id: str, *, now: datetime) -> None:
    """Record that the worker stopped cleanly at `now`."""
    conn.execute(
        update(workers).where(workers.c.id == worker_id).values(heartbeat_at=now, stopped_at=now)
    )


def get_worker(conn: Connection, worker_id: str) -> dict[str, Any] | None:
    row = conn.execute(select(workers).where(workers.c.id == worker_id)).mappings().first()
    return dict(row) if row else None


def release_leases(conn: Connection, owner: str, *, now: datetime) -> tuple[int, int]:
    """Release every lease `owner` holds; return how many recipients and actions were released.

    Recipients become claimable at once. Actions keep their status, and their
    lease ends now: an action left `dispatching` or `unknown` goes to the
    reconciler, which asks the provider before anything is sent again.
    """
    # NOTE: no index covers lease_owner, so these updates scan the tables. They
    # run when a worker stops or recovers from a database failure, not per batch.
    released_recipients = conn.execute(
        update(recipients)
        .where(recipients.c.lease_owner == owner)
        .values(lease_owner=None, lease_expires_at=None)
    ).rowcount
    released_actions = conn.execute(
        update(actions).where(actions.c.lease_owner == owner).values(lease_owner=None, lease_expires_at=now)
    ).rowcount
    return int(released_recipients or 0), int(released_actions or 0)
