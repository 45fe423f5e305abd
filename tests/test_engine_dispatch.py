"""Dispatch: one call per node visit, interrupted dispatches, windows, limits and deadlines."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import Engine, delete
from sqlalchemy.exc import IntegrityError

from engine_helpers import (
    NOW,
    SENDER,
    action_rows,
    call,
    call_journey,
    end,
    journey,
    start,
    event_rows,
    in_flight_calls,
    recipient_rows,
    register,
    run_row,
    settings,
    simulated_rows,
    started_run,
    worker,
    drive,
)
from journeys.clock import VirtualClock
from journeys.engine import duties
from journeys.providers.base import ActionRequest, Placed, ProviderError
from journeys.providers.registry import Providers
from journeys.providers.simulator import SimulatorProvider
from journeys.storage import actions as action_queries
from journeys.storage.schema import sender_numbers

LEASE = timedelta(seconds=60)
NEW_YORK = ZoneInfo("America/New_York")


class DialerCrashed(RuntimeError):
    """A failure that is not a provider's rejection, so the engine cannot know if the call went out."""


def ny(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


def only_action(engine: Engine, run_id: int) -> dict[str, Any]:
    rows = action_rows(engine, run_id)
    assert len(rows) == 1
    return rows[0]


# --- Guarantee 2: at most one call per node visit ---------------------------------------


def test_second_action_for_same_visit_rejected(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1)
    worker(engine, VirtualClock(NOW)).tick()
    first = only_action(engine, run_id)
    duplicate = {
        name: first[name]
        for name in ("run_id", "recipient_id", "node_id", "visit", "kind", "provider", "from_number", "to_number", "request", "not_before", "created_at")
    }
    duplicate.update(status="queued", result_rank=0)

    with pytest.raises(IntegrityError), engine.begin() as conn:
        action_queries.insert_many(conn, [duplicate])
    assert len(action_rows(engine, run_id)) == 1


def patch_placement(monkeypatch: pytest.MonkeyPatch, place: Callable[[SimulatorProvider, ActionRequest, datetime], Placed]) -> None:
    """Make the simulator place each action of a batch through `place`, as a one-at-a-time provider would."""

    def place_many(self: SimulatorProvider, requests: list[ActionRequest], now: datetime) -> list[Placed | ProviderError]:
        answers: list[Placed | ProviderError] = []
        for request in requests:
            try:
                answers.append(place(self, request, now))
            except ProviderError as exc:
                answers.append(exc)
        return answers

    monkeypatch.setattr(SimulatorProvider, "place_many", place_many)


def crash_after_recording(monkeypatch: pytest.MonkeyPatch) -> None:
    original = SimulatorProvider.place_call

    def place_then_crash(self: SimulatorProvider, request: ActionRequest, now: datetime) -> Placed:
        original(self, request, now)
        raise DialerCrashed("connection reset after the request was sent")

    patch_placement(monkeypatch, place_then_crash)


def crash_before_recording(monkeypatch: pytest.MonkeyPatch) -> None:
    def crash(self: SimulatorProvider, request: ActionRequest, now: datetime) -> Placed:
        raise DialerCrashed("connection refused before the request was sent")

    patch_placement(monkeypatch, crash)


def test_crash_after_provider_record_reconciles_in_progress(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(engine)
    # Results take 10 minutes, so the reconciler runs before any result is due.
    run_id = started_run(engine, tmp_path, call_journey(), 1, run_settings=settings(latency_seconds=600))
    clock = VirtualClock(NOW)
    with monkeypatch.context() as patch:
        crash_after_recording(patch)
        worker(engine, clock).tick()

    interrupted = only_action(engine, run_id)
    assert interrupted["status"] == "dispatching"
    assert interrupted["provider_ref"] is None
    assert event_rows(engine, run_id, "call_placed") == []

    clock.advance(LEASE + timedelta(seconds=1))
    reconciled = duties.reconcile_interrupted(engine, Providers(engine), now=clock.now(), owner="other", lease=LEASE)

    action = only_action(engine, run_id)
    assert reconciled == 1
    assert action["status"] == "in_progress"
    assert action["provider_ref"] == f"sim-{action['id']}"
    assert action["lease_owner"] is None
    assert len(event_rows(engine, run_id, "call_placed")) == 1
    assert recipient_rows(engine, run_id)[0]["calls_placed"] == 1

    worker(engine, clock).run_until_finished(run_id)
    assert len(simulated_rows(engine, "call")) == 1
    assert recipient_rows(engine, run_id)[0]["status"] == "completed"
    assert len(event_rows(engine, run_id, "call_placed")) == 1


def test_crash_before_provider_record_requeues(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1)
    clock = VirtualClock(NOW)
    with monkeypatch.context() as patch:
        crash_before_recording(patch)
        worker(engine, clock).tick()
        assert only_action(engine, run_id)["status"] == "dispatching"

        # Before the lease runs out, no worker touches the action or redials it.
        clock.advance(LEASE - timedelta(seconds=1))
        worker(engine, clock).tick()
        assert only_action(engine, run_id)["status"] == "dispatching"

    clock.advance(timedelta(seconds=2))
    reconciled = duties.reconcile_interrupted(engine, Providers(engine), now=clock.now(), owner="other", lease=LEASE)

    action = only_action(engine, run_id)
    assert reconciled == 1
    assert action["status"] == "queued"
    assert action["lease_owner"] is None
    assert simulated_rows(engine) == []

    worker(engine, clock).run_until_finished(run_id)
    assert [row["action_id"] for row in simulated_rows(engine)] == [action["id"]]
    assert recipient_rows(engine, run_id)[0]["calls_placed"] == 1
    assert len(event_rows(engine, run_id, "call_placed")) == 1


def test_crashed_dispatch_wakes_virtual_worker(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Nothing else is due, so only the dispatch lease's expiry can wake the worker.
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1)
    original = SimulatorProvider.place_call
    attempts: list[datetime] = []

    def crash_first(self: SimulatorProvider, request: ActionRequest, now: datetime) -> Placed:
        attempts.append(now)
        if len(attempts) == 1:
            raise DialerCrashed("connection refused before the request was sent")
        return original(self, request, now)

    patch_placement(monkeypatch, crash_first)
    worker(engine, VirtualClock(NOW)).run_until_finished(run_id)

    assert attempts == [NOW, NOW + LEASE]
    assert len(simulated_rows(engine)) == 1
    assert recipient_rows(engine, run_id)[0]["status"] == "completed"


def test_crash_after_record_result_before_lease(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The result falls due before the lease runs out, so it completes the action
    # while the action is still `dispatching`. The call was placed all the same.
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1, run_settings=settings(latency_seconds=5))
    clock = VirtualClock(NOW)
    with monkeypatch.context() as patch:
        crash_after_recording(patch)
        worker(engine, clock).tick()

    worker(engine, clock).run_until_finished(run_id)
    clock.advance(LEASE * 2)
    worker(engine, clock).tick()

    action = only_action(engine, run_id)
    assert action["status"] == "completed"
    assert action["provider_ref"] == f"sim-{action['id']}"
    assert len(simulated_rows(engine, "call")) == 1
    assert len(event_rows(engine, run_id, "call_placed")) == 1
    assert recipient_rows(engine, run_id)[0]["calls_placed"] == 1


def test_result_overtaking_receipt_counts_once(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A second worker applies the result and moves the recipient on to its next
    # call while the first worker has not yet recorded the receipt of the first.
    register(engine)
    document = journey(start("call_1"), call("call_1", "call_2"), call("call_2", "done"), end())
    run_id = started_run(engine, tmp_path, document, 1, run_settings=settings(latency_seconds=0))
    clock = VirtualClock(NOW)
    other = worker(engine, clock)
    original = SimulatorProvider.place_call
    overtaken: list[int] = []

    def place_then_let_other_worker_run(self: SimulatorProvider, request: ActionRequest, now: datetime) -> Placed:
        placed = original(self, request, now)
        if not overtaken:
            overtaken.append(request.action_id)
            other.tick()
        return placed

    patch_placement(monkeypatch, place_then_let_other_worker_run)
    worker(engine, clock).run_until_finished(run_id)

    actions = action_rows(engine, run_id)
    assert overtaken == [actions[0]["id"]]
    assert [row["request"]["attempt"] for row in actions] == [1, 2]
    assert all(row["dispatched_at"] is not None for row in actions)
    assert recipient_rows(engine, run_id)[0]["calls_placed"] == 2
    placed_events = event_rows(engine, run_id, "call_placed")
    assert [event["node_id"] for event in placed_events] == ["call_1", "call_2"]
    first_call_events = [event["type"] for event in event_rows(engine, run_id) if event["node_id"] == "call_1"]
    assert first_call_events == ["entered", "call_placed", "call_result"]


def test_provider_rejection_fails_without_redial(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1)
    clock = VirtualClock(NOW)

    def reject(self: SimulatorProvider, request: ActionRequest, now: datetime) -> Placed:
        raise ProviderError("the destination number is blocked")

    with monkeypatch.context() as patch:
        patch_placement(patch, reject)
        worker(engine, clock).run_until_finished(run_id)

    # After the dispatch lease runs out, the reconciler settles nothing more.
    clock.advance(LEASE * 2)
    worker(engine, clock).tick()

    action = only_action(engine, run_id)
    assert action["status"] == "completed"
    assert action["outcome"] == "failed"
    assert action["result"]["ended_reason"] == "the destination number is blocked"
    assert action["lease_expires_at"] is None
    assert simulated_rows(engine) == []
    assert event_rows(engine, run_id, "call_placed") == []
    assert recipient_rows(engine, run_id)[0]["status"] == "completed"


def test_unanswered_lookup_leaves_action_unknown(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1)
    clock = VirtualClock(NOW)
    with monkeypatch.context() as patch:
        crash_before_recording(patch)
        worker(engine, clock).tick()

    def lookup_fails(self: SimulatorProvider, action_id: int) -> Placed | None:
        raise DialerCrashed("provider API timed out")

    clock.advance(LEASE + timedelta(seconds=1))
    with monkeypatch.context() as patch:
        patch.setattr(SimulatorProvider, "lookup", lookup_fails)
        duties.reconcile_interrupted(engine, Providers(engine), now=clock.now(), owner="other", lease=LEASE)
    assert only_action(engine, run_id)["status"] == "unknown"

    clock.advance(LEASE + timedelta(seconds=1))
    worker(engine, clock).run_until_finished(run_id)
    assert len(simulated_rows(engine, "call")) == 1
    assert recipient_rows(engine, run_id)[0]["status"] == "completed"


# --- Guarantees 4 and 5: calling window and limits ------------------------------------------


def test_window_closing_before_dispatch_defers(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    # One call slot: the second recipient's call waits for the first result,
    # which comes after the window has closed at 20:00 in New York.
    queued_at = ny(2026, 3, 2, 19, 58)
    run_id = started_run(
        engine, tmp_path, call_journey(), 2, now=queued_at,
        run_settings=settings(calling_window="daily 09:00-20:00", max_concurrent_calls=1, latency_seconds=300),
    )
    clock = VirtualClock(queued_at)
    work = worker(engine, clock)
    work.tick()
    first, second = action_rows(engine, run_id)
    assert first["status"] == "in_progress"
    assert second["status"] == "queued"

    drive(work, until=queued_at + timedelta(minutes=10))

    opens = ny(2026, 3, 3, 9)
    deferred = action_rows(engine, run_id)[1]
    assert deferred["status"] == "queued"
    assert deferred["not_before"] == opens
    delayed = [event for event in event_rows(engine, run_id, "delayed") if event["recipient_id"] == second["recipient_id"]]
    assert len(delayed) == 1
    assert delayed[0]["node_id"] == "call_1"
    assert delayed[0]["detail"].startswith(f"until {opens.astimezone(UTC).isoformat()}: outside the calling window")

    work.run_until_finished(run_id)
    assert action_rows(engine, run_id)[1]["dispatched_at"] == opens


def test_concurrent_calls_never_exceed_limit(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    limit = 3
    run_id = started_run(engine, tmp_path, call_journey(), 20, run_settings=settings(max_concurrent_calls=limit))
    work = worker(engine, VirtualClock(NOW))
    seen: list[int] = []

    drive(work, until=NOW + timedelta(days=1), after_tick=lambda: seen.append(in_flight_calls(engine, run_id)))

    assert run_row(engine, run_id)["status"] == "completed"
    assert max(seen) == limit
    assert len(simulated_rows(engine, "call")) == 20


def test_concurrent_limit_counts_each_run(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    runs = [
        started_run(engine, tmp_path, call_journey(), 8, run_settings=settings(max_concurrent_calls=limit), name=f"run {limit}")
        for limit in (2, 5)
    ]
    work = worker(engine, VirtualClock(NOW))
    seen: dict[int, list[int]] = {run_id: [] for run_id in runs}

    def record() -> None:
        for run_id in runs:
            seen[run_id].append(in_flight_calls(engine, run_id))

    drive(work, until=NOW + timedelta(days=1), after_tick=record)

    assert max(seen[runs[0]]) == 2
    assert max(seen[runs[1]]) == 5


def test_sender_calls_per_second_respected(engine: Engine, tmp_path: Path) -> None:
    register(engine, calls_per_second=2)
    run_id = started_run(engine, tmp_path, call_journey(), 9, run_settings=settings(max_concurrent_calls=50))

    worker(engine, VirtualClock(NOW)).run_until_finished(run_id)

    dispatched = sorted(row["dispatched_at"] for row in action_rows(engine, run_id))
    assert len(dispatched) == 9
    for earlier, later in zip(dispatched, dispatched[2:]):
        assert later - earlier >= timedelta(seconds=1)
    per_second = Counter(int((moment - NOW).total_seconds()) for moment in dispatched)
    assert max(per_second.values()) == 2


def test_unregistered_sender_fails_action(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1)
    # The registry rejects removing a number that a journey uses, so the row is
    # deleted directly, as a manual edit of the database would.
    with engine.begin() as conn:
        conn.execute(delete(sender_numbers).where(sender_numbers.c.number == SENDER))

    worker(engine, VirtualClock(NOW)).run_until_finished(run_id)

    action = only_action(engine, run_id)
    assert action["status"] == "completed"
    assert action["outcome"] == "failed"
    assert action["dispatched_at"] is None
    reason = action["result"]["ended_reason"]
    assert f"sender number {SENDER} is not registered" in reason
    assert f"journeys number add {SENDER}" in reason
    assert simulated_rows(engine) == []
    result_events = event_rows(engine, run_id, "call_result")
    assert len(result_events) == 1
    assert reason in result_events[0]["detail"]
    assert recipient_rows(engine, run_id)[0]["calls_placed"] == 0


# --- Deadlines ----------------------------------------------------------------------------


def test_silent_provider_fails_action_at_deadline(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1)
    # The provider took the call but never reports on it.
    monkeypatch.setattr(SimulatorProvider, "poll_reports", lambda self, now, limit: [])
    monkeypatch.setattr(SimulatorProvider, "next_report_at", lambda self, after: None)
    clock = VirtualClock(NOW)
    work = worker(engine, clock)
    work.tick()
    deadline = only_action(engine, run_id)["deadline_at"]
    assert deadline is not None

    work.run_until_finished(run_id)

    action = only_action(engine, run_id)
    assert action["status"] == "completed"
    assert action["outcome"] == "failed"
    assert action["result"]["ended_reason"] == duties.NO_RESULT_REASON
    assert action["completed_at"] >= deadline
    result_events = event_rows(engine, run_id, "call_result")
    assert len(result_events) == 1
    assert duties.NO_RESULT_REASON in result_events[0]["detail"]
    recipient = recipient_rows(engine, run_id)[0]
    assert recipient["status"] == "completed"
    assert recipient["last_call_outcome"] == "failed"


def test_deadline_allows_ring_and_talk_time(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1, run_settings=settings(latency_seconds=3600))
    worker(engine, VirtualClock(NOW)).tick()

    action = only_action(engine, run_id)
    # Defaults: 30 s ring timeout, 600 s maximum duration, and a 5-minute margin.
    assert action["deadline_at"] == NOW + timedelta(seconds=30 + 600 + 300)

