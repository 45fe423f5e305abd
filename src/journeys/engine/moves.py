"""Writes recipients' moves: new states, events and queued actions, in the caller's transaction."""

from __future__ import annotations

from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection

from journeys.engine.state import Move, NewAction, NewEvent, RecipientState
from journeys.storage import actions as action_queries
from journeys.storage import events as event_queries
from journeys.storage import recipients as recipient_queries


def write_moves(conn: Connection, moves: list[Move], *, now: datetime, provider: str) -> None:
    """Write every move's state, events and actions; record-only moves write events alone."""
    states = [_state_row(move.state) for move in moves if not move.record_only]
    recipient_queries.save_states(conn, states, now=now)
    event_queries.insert_many(conn, [_shallow_dict(event) for move in moves for event in move.events])
    action_queries.insert_many(
        conn,
        [_action_row(action, now, provider) for move in moves for action in move.actions],
    )


def _state_row(state: RecipientState) -> dict[str, Any]:
    return {name: getattr(state, name) for name in ("id", *recipient_queries.MOVE_COLUMNS)}


def _action_row(action: NewAction, now: datetime, provider: str) -> dict[str, Any]:
    row = _shallow_dict(action)
    row.update(status="queued", provider=provider, created_at=now, result_rank=0)
    return row


_FIELD_NAMES = {kind: tuple(field.name for field in fields(kind)) for kind in (NewEvent, NewAction)}


def _shallow_dict(item: NewEvent | NewAction) -> dict[str, Any]:
    # dataclasses.asdict deep-copies every nested value, which cost a quarter of
    # the engine's time in a profile of 10,000 recipients; the rows are only read.
    return {name: getattr(item, name) for name in _FIELD_NAMES[type(item)]}
