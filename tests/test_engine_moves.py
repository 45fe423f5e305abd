"""Moves on a database: a move commits whole or not at all, and a stale lease saves nothing."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from engine_helpers import (
    NOW,
    call_journey,
    delay,
    end,
    event_rows,
    journey,
    recipient_rows,
    action_rows,
    register,
    started_run,
    start,
    worker,
)
from journeys.clock import VirtualClock
from journeys.engine.advance import save_moves
from journeys.engine.catalog import Catalog
from journeys.engine.state import RecipientState
from journeys.engine.stepper import advance
from journeys.storage import events as event_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries

LEASE = timedelta(seconds=60)


class SaveFailed(RuntimeError):
    """The failure a test injects into the middle of a save."""


def test_failed_event_insert_rolls_back_move(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 3)
    before = recipient_rows(engine, run_id)

    def broken_insert(conn, rows):  # type: ignore[no-untyped-def]
        raise SaveFailed("disk full while saving events")

    monkeypatch.setattr(event_queries, "insert_many", broken_insert)
    with pytest.raises(SaveFailed):
        worker(engine, VirtualClock(NOW)).tick()

    after = recipient_rows(engine, run_id)
    for old, new in zip(before, after, strict=True):
        assert (new["status"], new["current_node"], new["phase"]) == ("active", "start", "enter")
        assert new["steps"] == old["steps"]
        assert new["next_at"] == old["next_at"]
    assert action_rows(engine, run_id) == []
    assert event_rows(engine, run_id) == []


def test_failed_save_is_retried_after_lease(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 2)
    clock = VirtualClock(NOW)

    def broken_insert(conn, rows):  # type: ignore[no-untyped-def]
        raise SaveFailed("connection lost while saving events")

    with monkeypatch.context() as patch:
        patch.setattr(event_queries, "insert_many", broken_insert)
        with pytest.raises(SaveFailed):
            worker(engine, clock).tick()

    # The failed worker's claim holds the recipients until its lease runs out.
    second = worker(engine, clock)
    second.tick()
    assert action_rows(engine, run_id) == []

    clock.advance(LEASE + timedelta(seconds=1))
    second.run_until_finished(run_id)
    assert [row["status"] for row in recipient_rows(engine, run_id)] == ["completed", "completed"]
    assert len(action_rows(engine, run_id)) == 2


def test_expired_lease_does_not_overwrite_new_owner(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    document = journey(start("wait"), delay("wait", "done", 1), end())
    run_id = started_run(engine, tmp_path, document, 1)
    with engine.connect() as conn:
        view = Catalog().view(conn, run_queries.get_run(conn, run_id))

    def claim(owner: str, now):  # type: ignore[no-untyped-def]
        with engine.begin() as conn:
            rows = recipient_queries.claim_due(conn, run_id, now=now, owner=owner, lease_until=now + LEASE, limit=10)
        return [advance(RecipientState.from_row(row), view.journey, view.settings, now) for row in rows]

    # Worker A claims, then stalls past its lease; worker B claims and saves meanwhile.
    stalled = claim("worker-a", NOW)
    later = NOW + LEASE + timedelta(seconds=5)
    taken_over = claim("worker-b", later)
    save_moves(engine, taken_over, owner="worker-b", provider="simulator", now=later)
    save_moves(engine, stalled, owner="worker-a", provider="simulator", now=NOW + LEASE * 2)

    assert len(stalled) == 1
    assert len(taken_over) == 1
    row = recipient_rows(engine, run_id)[0]
    assert row["next_at"] == later + timedelta(hours=1)
    assert row["steps"] == 2
    delayed = event_rows(engine, run_id, "delayed")
    assert [event["at"] for event in delayed] == [later]
    assert len(event_rows(engine, run_id, "entered")) == 2


def test_lease_blocks_second_claim(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 4)

    with engine.begin() as conn:
        first = recipient_queries.claim_due(conn, run_id, now=NOW, owner="a", lease_until=NOW + LEASE, limit=3)
    with engine.begin() as conn:
        second = recipient_queries.claim_due(conn, run_id, now=NOW, owner="b", lease_until=NOW + LEASE * 5, limit=10)
    with engine.begin() as conn:
        expired = recipient_queries.claim_due(
            conn, run_id, now=NOW + LEASE + timedelta(seconds=1), owner="c", lease_until=NOW + LEASE * 3, limit=10
        )

    first_ids = {row["id"] for row in first}
    all_ids = {row["id"] for row in recipient_rows(engine, run_id)}
    assert len(first) == 3
    assert [row["id"] for row in second] == sorted(all_ids - first_ids)
    assert {row["id"] for row in expired} == first_ids
