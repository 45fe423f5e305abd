"""Aggregate queries behind /metrics, each bounded by live work rather than by history.

A scrape comes every few seconds, so no query here reads the whole of a
large table: recipients and finished actions are counted only for live runs,
through the (run_id, status, ...) and (run_id, kind, status) indexes, and
unfinished actions through the (status, not_before) index.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, func, select

from journeys.domain.statuses import OPEN_STATUSES
from journeys.storage.runs import LIVE_STATUSES
from journeys.storage.schema import actions, recipients, runs, workers

# Action statuses before a final outcome; `completed` and `dropped` are final.
OPEN_ACTION_STATUSES = ("queued", "dispatching", "in_progress", "unknown")


def _live_run_ids():  # type: ignore[no-untyped-def]
    return select(runs.c.id).where(runs.c.status.in_(LIVE_STATUSES)).scalar_subquery()


def count_runs_by_status(conn: Connection) -> dict[str, int]:
    """Count runs per status; the runs table has one row per run, so it stays small."""
    query = select(runs.c.status, func.count()).group_by(runs.c.status)
    return {status: int(total) for status, total in conn.execute(query)}


def count_open_recipients(conn: Connection) -> dict[str, int]:
    """Count the unfinished recipients of live runs per status."""
    query = (
        select(recipients.c.status, func.count())
        .where(recipients.c.run_id.in_(_live_run_ids()), recipients.c.status.in_(OPEN_STATUSES))
        .group_by(recipients.c.status)
    )
    return {status: int(total) for status, total in conn.execute(query)}


def count_open_actions(conn: Connection) -> dict[tuple[str, str], int]:
    """Count the actions of every run that have no final outcome yet, per (kind, status)."""
    query = (
        select(actions.c.kind, actions.c.status, func.count())
        .where(actions.c.status.in_(OPEN_ACTION_STATUSES))
        .group_by(actions.c.kind, actions.c.status)
    )
    return {(kind, status): int(total) for kind, status, total in conn.execute(query)}


def count_live_outcomes(conn: Connection) -> dict[tuple[str, str], int]:
    """Count the completed actions of live runs per (kind, outcome)."""
    query = (
        select(actions.c.kind, actions.c.outcome, func.count())
        .where(actions.c.run_id.in_(_live_run_ids()), actions.c.status == "completed")
        .group_by(actions.c.kind, actions.c.outcome)
    )
    return {(kind, outcome or "none"): int(total) for kind, outcome, total in conn.execute(query)}


def worker_heartbeats(conn: Connection, *, since: datetime) -> dict[str, datetime]:
    """Return the last heartbeat of each worker that has not stopped and beat after `since`."""
    query = select(workers.c.id, workers.c.heartbeat_at).where(
        workers.c.stopped_at.is_(None), workers.c.heartbeat_at >= since
    )
    return {worker_id: heartbeat for worker_id, heartbeat in conn.execute(query)}
