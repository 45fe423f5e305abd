"""Queries on runs and their lifecycle columns."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, func, insert, select, update

from journeys.errors import NotFoundError
from journeys.storage.schema import recipients, runs

LIVE_STATUSES = ("scheduled", "running", "paused")


def insert_run(
    conn: Connection, *, journey_id: int, name: str, settings: dict[str, Any], now: datetime
) -> int:
    """Insert a draft run and return its id."""
    run_id = conn.execute(
        insert(runs).values(
            journey_id=journey_id,
            name=name,
            status="draft",
            settings=settings,
            created_at=now,
            updated_at=now,
        )
    ).inserted_primary_key[0]
    return int(run_id)


def get_run(conn: Connection, run_id: int, *, for_update: bool = False) -> dict[str, Any]:
    """Return the run row, or raise NotFoundError; `for_update` locks it until the transaction ends."""
    query = select(runs).where(runs.c.id == run_id)
    if for_update:
        # FOR NO KEY UPDATE on PostgreSQL, because FOR UPDATE would also block every
        # insert of events and actions that references the run.
        query = query.with_for_update(key_share=True)
    row = conn.execute(query).mappings().first()
    if row is None:
        raise NotFoundError(f"run {run_id} not found; `journeys run list` shows the existing ones")
    return dict(row)


def list_runs(conn: Connection, journey_id: int | None = None) -> list[dict[str, Any]]:
    """Return runs, newest first, optionally of one journey."""
    query = select(runs).order_by(runs.c.id.desc())
    if journey_id is not None:
        query = query.where(runs.c.journey_id == journey_id)
    return [dict(row) for row in conn.execute(query).mappings()]


def count_recipients_per_run(conn: Connection, journey_id: int) -> dict[int, int]:
    """Return how many recipients each run of a journey has, by run id; runs without any are left out."""
    # One grouped query for every run, which the (run_id, id) index answers
    # without reading recipient rows.
    journey_runs = select(runs.c.id).where(runs.c.journey_id == journey_id)
    query = (
        select(recipients.c.run_id, func.count())
        .where(recipients.c.run_id.in_(journey_runs))
        .group_by(recipients.c.run_id)
    )
    return {int(run_id): int(count) for run_id, count in conn.execute(query)}


def update_run(conn: Connection, run_id: int, *, now: datetime, **values: Any) -> None:
    """Set columns of one run."""
    conn.execute(update(runs).where(runs.c.id == run_id).values(updated_at=now, **values))


def runs_with_status(conn: Connection, statuses: tuple[str, ...]) -> list[dict[str, Any]]:
    """Return the runs in any of these statuses."""
    rows = conn.execute(select(runs).where(runs.c.status.in_(statuses))).mappings()
    return [dict(row) for row in rows]


def due_scheduled(conn: Connection, *, now: datetime) -> list[dict[str, Any]]:
    """Return scheduled runs whose start time has come, locked against other workers."""
    from journeys.storage.dialect import lock_skip_locked

    query = select(runs).where(runs.c.status == "scheduled", runs.c.scheduled_at <= now)
    return [dict(row) for row in conn.execute(lock_skip_locked(query, conn)).mappings()]


def next_scheduled_at(conn: Connection, *, after: datetime) -> datetime | None:
    """Return the earliest start time later than `after` of scheduled runs."""
    from sqlalchemy import func

    query = select(func.min(runs.c.scheduled_at)).where(
        runs.c.status == "scheduled", runs.c.scheduled_at > after
    )
    return conn.execute(query).scalar_one_or_none()


def complete_if_finished(conn: Connection, run_id: int, *, now: datetime) -> bool:
    """Mark a running run completed if no recipient is unfinished; return whether it was."""
    from journeys.domain.statuses import OPEN_STATUSES
    from journeys.storage.schema import recipients

    # The ORDER BY follows the partial index of unfinished recipients, so the
    # planner reads that index instead of scanning for the first open row,
    # which at the end of a large run may be the last row of the table.
    open_recipient = (
        select(recipients.c.id)
        .where(recipients.c.run_id == run_id, recipients.c.status.in_(OPEN_STATUSES))
        .order_by(recipients.c.run_id, recipients.c.status)
        .limit(1)
        .scalar_subquery()
    )
    result = conn.execute(
        update(runs)
        .where(runs.c.id == run_id, runs.c.status == "running", open_recipient.is_(None))
        .values(status="completed", finished_at=now, updated_at=now)
    )
    return bool(result.rowcount)
