"""Queries on the outbox of calls and SMS, and on the provider callback log."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, bindparam, func, insert, or_, select, update

from journeys.storage.dialect import execute_many, insert_rows, lock_rows, lock_skip_locked
from journeys.storage.schema import actions, callbacks, recipients, runs, sender_numbers

IN_FLIGHT = ("dispatching", "in_progress", "unknown")


def insert_many(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Queue actions; the unique (recipient, node, visit) key rejects a second one with IntegrityError."""
    insert_rows(conn, actions, rows)


def due_queued(conn: Connection, *, now: datetime, limit: int) -> list[dict[str, Any]]:
    """Return queued actions of running runs whose time has come, oldest first, locked."""
    query = (
        select(actions, recipients.c.timezones)
        .join(runs, runs.c.id == actions.c.run_id)
        .join(recipients, recipients.c.id == actions.c.recipient_id)
        .where(actions.c.status == "queued", actions.c.not_before <= now, runs.c.status == "running")
        .order_by(actions.c.not_before, actions.c.id)
        .limit(limit)
    )
    query = lock_skip_locked(query, conn, of=actions)
    return [dict(row) for row in conn.execute(query).mappings()]


def in_flight_calls(conn: Connection, run_ids: Sequence[int]) -> dict[int, int]:
    """Count the calls of each run that a provider is handling now."""
    query = (
        select(actions.c.run_id, func.count())
        .where(actions.c.run_id.in_(run_ids), actions.c.kind == "call", actions.c.status.in_(IN_FLIGHT))
        .group_by(actions.c.run_id)
    )
    return {run_id: int(total) for run_id, total in conn.execute(query)}


def reserve_slots(
    conn: Connection, number: str, *, wanted: int, now: datetime
) -> tuple[int, datetime] | None:
    """Reserve send slots on a sender number for the next second, at its per-second rate.

    Returns how many of `wanted` may go now and when the next slot is free, or
    None when the number is not registered. The row lock makes the reservation
    safe with several workers.
    """
    query = lock_rows(select(sender_numbers).where(sender_numbers.c.number == number), conn)
    row = conn.execute(query).mappings().first()
    if row is None:
        return None

    interval = timedelta(seconds=1.0 / float(row["calls_per_second"]))
    start = max(row["next_slot_at"] or now, now)
    horizon = now + timedelta(seconds=1)
    granted = 0
    while granted < wanted and start + interval * granted < horizon:
        granted += 1
    next_free = start + interval * granted
    conn.execute(update(sender_numbers).where(sender_numbers.c.id == row["id"]).values(next_slot_at=next_free))
    return granted, next_free


def set_status(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Update several actions; each row has `b_id` and the columns to set."""
    if rows:
        _update_each(conn, rows)


def _update_each(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    # Rows may set different columns (a result with or without provider_ref), and
    # one executemany needs one set of columns.
    groups: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(tuple(row), []).append(row)
    for group in groups.values():
        execute_many(conn, update(actions).where(actions.c.id == bindparam("b_id")), group)


def mark_placed(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Record provider receipts; each row has `b_id`, provider_ref, dispatched_at and deadline_at.

    The status becomes `in_progress` only where no result has completed the
    action already: a fast provider can report before its receipt is recorded.
    """
    if not rows:
        return
    _update_each(conn, rows)
    conn.execute(
        update(actions)
        .where(actions.c.id.in_([row["b_id"] for row in rows]), actions.c.status.in_(("dispatching", "unknown")))
        .values(status="in_progress")
    )


def lock_without_receipt(conn: Connection, ids: Sequence[int]) -> set[int]:
    """Lock these actions in id order; return those with no provider receipt recorded yet."""
    query = select(actions.c.id, actions.c.dispatched_at).where(actions.c.id.in_(ids)).order_by(actions.c.id)
    return {row.id for row in conn.execute(lock_rows(query, conn)) if row.dispatched_at is None}


def mark_dispatching(
    conn: Connection, ids: Sequence[int], *, owner: str, lease_until: datetime
) -> None:
    """Claim queued actions for dispatch; committed before the provider is called."""
    conn.execute(
        update(actions)
        .where(actions.c.id.in_(ids), actions.c.status == "queued")
        .values(status="dispatching", lease_owner=owner, lease_expires_at=lease_until)
    )


# Actions whose dispatch has not ended: it may still be running, or it was
# interrupted. A completed action without a receipt counts, because a result can
# arrive while its dispatch is in flight.
_UNSETTLED_DISPATCH = or_(
    actions.c.status.in_(("dispatching", "unknown")),
    and_(actions.c.status == "completed", actions.c.dispatched_at.is_(None)),
)


def stale_dispatching(conn: Connection, *, now: datetime, limit: int) -> list[dict[str, Any]]:
    """Return actions whose dispatch was interrupted: the worker's lease ran out."""
    query = (
        select(actions)
        .where(_UNSETTLED_DISPATCH, actions.c.lease_expires_at <= now)
        .order_by(actions.c.id)
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(lock_skip_locked(query, conn)).mappings()]


def next_stale_at(conn: Connection, *, after: datetime) -> datetime | None:
    """Return the earliest dispatch lease expiry later than `after`, when the reconciler has work."""
    query = select(func.min(actions.c.lease_expires_at)).where(
        _UNSETTLED_DISPATCH, actions.c.lease_expires_at > after
    )
    return conn.execute(query).scalar_one_or_none()


def get_many(conn: Connection, ids: Sequence[int], *, for_update: bool = False) -> list[dict[str, Any]]:
    query = select(actions).where(actions.c.id.in_(ids)).order_by(actions.c.id)
    if for_update:
        query = lock_rows(query, conn)
    return [dict(row) for row in conn.execute(query).mappings()]


def drop_queued(conn: Connection, run_id: int, *, now: datetime) -> int:
    """Drop the queued actions of a run; they will never be sent."""
    result = conn.execute(
        update(actions)
        .where(actions.c.run_id == run_id, actions.c.status == "queued")
        .values(status="dropped", completed_at=now)
    )
    return int(result.rowcount or 0)


def in_flight_ids(conn: Connection, run_id: int) -> list[int]:
    query = select(actions.c.id).where(
        actions.c.run_id == run_id, actions.c.status.in_(IN_FLIGHT)
    )
    return list(conn.execute(query).scalars())


def next_queued_at(conn: Connection, *, after: datetime) -> datetime | None:
    """Return the earliest `not_before` later than `after` of queued actions of running runs."""
    query = (
        select(func.min(actions.c.not_before))
        .join(runs, runs.c.id == actions.c.run_id)
        .where(actions.c.status == "queued", runs.c.status == "running", actions.c.not_before > after)
    )
    return conn.execute(query).scalar_one_or_none()


def insert_callbacks(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Append provider reports to the callback log, as received."""
    insert_rows(conn, callbacks, rows)


def log_callback(conn: Connection, row: dict[str, Any]) -> int:
    """Append one received callback to the log, not yet applied; return its id."""
    return conn.execute(insert(callbacks).values(**row).returning(callbacks.c.id)).scalar_one()


def mark_callbacks_applied(conn: Connection, ids: Sequence[int]) -> None:
    if ids:
        conn.execute(update(callbacks).where(callbacks.c.id.in_(list(ids))).values(applied=True))


def unapplied_callbacks(conn: Connection, *, received_before: datetime, limit: int) -> list[dict[str, Any]]:
    """Return logged callbacks that were never applied, oldest first, locked for this worker."""
    query = (
        select(callbacks)
        .where(callbacks.c.applied.is_(False), callbacks.c.received_at <= received_before)
        .order_by(callbacks.c.received_at)
        .limit(limit)
    )
    return [dict(row) for row in conn.execute(lock_skip_locked(query, conn)).mappings()]


def claim_overdue(conn: Connection, *, now: datetime, limit: int, until: datetime) -> list[dict[str, Any]]:
    """Return in-progress actions whose result deadline has passed, and move their deadline to `until`.

    Moving the deadline claims them: other workers skip them until then, and
    if this worker dies before settling them they fall due again.
    """
    query = (
        select(actions)
        .where(actions.c.status == "in_progress", actions.c.deadline_at <= now)
        .order_by(actions.c.deadline_at)
        .limit(limit)
    )
    rows = [dict(row) for row in conn.execute(lock_skip_locked(query, conn)).mappings()]
    if rows:
        conn.execute(
            update(actions).where(actions.c.id.in_([row["id"] for row in rows])).values(deadline_at=until)
        )
    return rows


def next_deadline_at(conn: Connection, *, after: datetime) -> datetime | None:
    """Return the earliest result deadline later than `after` of in-progress actions."""
    query = select(func.min(actions.c.deadline_at)).where(
        actions.c.status == "in_progress", actions.c.deadline_at > after
    )
    return conn.execute(query).scalar_one_or_none()
