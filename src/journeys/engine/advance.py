"""Claims due recipients in batches, moves them, and commits each batch at once."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine

from journeys.engine.catalog import RunView
from journeys.engine.moves import write_moves
from journeys.engine.state import Move, RecipientState
from journeys.engine.stepper import advance, fail_move
from journeys.storage import recipients as recipient_queries

logger = logging.getLogger(__name__)


def advance_batch(
    engine: Engine, run: RunView, *, now: datetime, owner: str, lease: timedelta, limit: int
) -> int:
    """Move one batch of a run's due recipients; return how many were claimed."""
    with engine.begin() as conn:
        rows = recipient_queries.claim_due(
            conn, run.id, now=now, owner=owner, lease_until=now + lease, limit=limit
        )
    if not rows:
        return 0

    moves = [advance_or_fail(RecipientState.from_row(row), run, now) for row in rows]
    save_moves(engine, moves, owner=owner, provider=run.settings.provider, now=now)
    return len(rows)


def advance_or_fail(state: RecipientState, run: RunView, now: datetime) -> Move:
    """Advance one recipient; a bug met on its path fails it alone, not the whole batch."""
    try:
        return advance(state, run.journey, run.settings, now)
    except Exception as exc:  # noqa: BLE001 - one recipient's failure must not stop the run
        node_id = state.current_node
        logger.exception(
            "Failed to advance recipient %d at node %s.", state.id, node_id,
            extra={"action": "advance_failed", "run_id": run.id, "recipient_id": state.id, "node_id": node_id},
        )
        reason = f"internal error at node {node_id}: {type(exc).__name__}: {exc}"
        return fail_move(state, node_id, reason, now)


def save_moves(
    engine: Engine, moves: list[Move], *, owner: str, provider: str, now: datetime
) -> None:
    """Commit recipients' new states with their events and queued actions.

    Only recipients whose lease `owner` still holds are written: a worker that
    stalled past its lease must not overwrite the work of the one that took over.
    """
    with engine.begin() as conn:
        kept = recipient_queries.still_leased(conn, [move.state.id for move in moves], owner)
        lost = len(moves) - len(kept)
        if lost:
            logger.warning(
                "Lost %d leases before saving; another worker took those recipients over.",
                lost, extra={"action": "lease_lost", "worker": owner},
            )
        write_moves(conn, [move for move in moves if move.state.id in kept], now=now, provider=provider)
