"""Runs under the worker: pause and resume, completion, scheduled starts and determinism."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from engine_helpers import (
    NOW,
    action_rows,
    call,
    delay,
    drive,
    end,
    event_rows,
    journey,
    new_run,
    outcome_is,
    outcomes_of,
    phones,
    recipient_rows,
    register,
    retry_journey,
    run_row,
    settings,
    simulated_rows,
    start,
    started_run,
    worker,
)
from journeys.clock import VirtualClock
from journeys.services import runs as run_service


def call_wait_call_journey() -> dict[str, Any]:
    """Return call, then on no answer a 30-minute wait and a second call."""
    return journey(
        start("call_1"),
        call("call_1", "outcome"),
        {
            "id": "outcome",
            "type": "branch",
            "cases": [{"label": "Answered", "when": outcome_is("call_1", "answered"), "next": "done"}],
            "default": "wait",
        },
        delay("wait", "call_2", 30, "minutes"),
        call("call_2", "done"),
        end(),
    )


# --- Pause and resume ----------------------------------------------------------------


def test_pause_holds_run_and_resume_finishes(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    numbers = phones(9)
    script = {number: ["no_answer", "answered"] for number in numbers}
    run_id = started_run(
        engine, tmp_path, call_wait_call_journey(), 9,
        run_settings=settings(max_concurrent_calls=3, latency_seconds=60, script=script),
    )
    clock = VirtualClock(NOW)
    work = worker(engine, clock)

    # Calls take a minute and three run at once, so at the pause three recipients
    # wait out their delay, three calls are in flight and three are queued.
    drive(work, until=NOW + timedelta(seconds=90))
    paused_at = clock.now()
    run_service.pause_run(engine, run_id, now=paused_at)
    statuses_at_pause = Counter(row["status"] for row in recipient_rows(engine, run_id))
    queued_at_pause = [row for row in action_rows(engine, run_id) if row["status"] == "queued"]
    drive(work, until=NOW + timedelta(hours=3))

    assert statuses_at_pause == {"delayed": 3, "waiting": 6}
    assert len(queued_at_pause) == 3
    events_in_pause = [event for event in event_rows(engine, run_id) if event["at"] > paused_at]
    assert [event["type"] for event in events_in_pause] == ["call_result"] * 3
    actions = action_rows(engine, run_id)
    assert all(row["created_at"] <= paused_at for row in actions)
    assert all(row["dispatched_at"] is None or row["dispatched_at"] <= paused_at for row in actions)
    assert [row for row in actions if row["status"] == "queued"] == queued_at_pause
    states = Counter((row["status"], row["current_node"]) for row in recipient_rows(engine, run_id))
    assert states == {("delayed", "wait"): 3, ("active", "outcome"): 3, ("waiting", "call_1"): 3}

    resumed_at = clock.now()
    run_service.resume_run(engine, run_id, now=resumed_at)
    work.run_until_finished(run_id)

    assert run_row(engine, run_id)["status"] == "completed"
    actions = action_rows(engine, run_id)
    assert Counter(row["node_id"] for row in actions) == {"call_1": 9, "call_2": 9}
    assert sorted(row["action_id"] for row in simulated_rows(engine)) == [row["id"] for row in actions]
    assert len(event_rows(engine, run_id, "call_placed")) == 18
    for row in recipient_rows(engine, run_id):
        assert (row["status"], row["calls_placed"], row["last_call_outcome"]) == ("completed", 2, "answered")
    second_calls = [row["dispatched_at"] for row in actions if row["node_id"] == "call_2"]
    assert min(second_calls) >= resumed_at


def test_paused_run_gets_no_new_dispatch(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, retry_journey(), 3)
    run_service.pause_run(engine, run_id, now=NOW)
    clock = VirtualClock(NOW)

    drive(worker(engine, clock), until=NOW + timedelta(days=2))

    assert [row["status"] for row in recipient_rows(engine, run_id)] == ["active"] * 3
    assert action_rows(engine, run_id) == []
    assert event_rows(engine, run_id) == []


# --- Completion and scheduled starts --------------------------------------------------------


def test_run_completes_after_last_recipient(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    document = journey(
        start("speed"),
        {
            "id": "speed", "type": "branch",
            "cases": [{"label": "Slow", "when": {"subject": "slow", "op": "is_true"}, "next": "wait"}],
            "default": "done",
        },
        delay("wait", "done", 1, "days"),
        end(),
        fields=[{"name": "slow", "type": "boolean"}],
    )
    rows = [{"phone_number": phone, "slow": slow} for phone, slow in zip(phones(4), ["yes", "no", "no", "yes"])]
    run_id = started_run(engine, tmp_path, document, rows)
    clock = VirtualClock(NOW)
    work = worker(engine, clock)

    work.tick()
    statuses = Counter(row["status"] for row in recipient_rows(engine, run_id))
    status_after_first_tick = run_row(engine, run_id)["status"]
    work.run_until_finished(run_id)

    assert statuses == {"completed": 2, "delayed": 2}
    assert status_after_first_tick == "running"
    run = run_row(engine, run_id)
    assert run["status"] == "completed"
    assert run["finished_at"] == NOW + timedelta(days=1)
    assert run["finished_at"] == max(row["finished_at"] for row in recipient_rows(engine, run_id))


def test_scheduled_run_starts_at_its_time(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = new_run(engine, tmp_path, retry_journey(), 3)
    run_service.schedule_run(engine, run_id, local_time="2026-03-03 09:30", timezone="America/New_York", now=NOW)
    starts_at = datetime(2026, 3, 3, 14, 30, tzinfo=UTC)
    clock = VirtualClock(NOW)
    work = worker(engine, clock)

    work.tick()
    before = (run_row(engine, run_id)["status"], {row["status"] for row in recipient_rows(engine, run_id)})
    work.run_until_finished(run_id)

    assert before == ("scheduled", {"pending"})
    run = run_row(engine, run_id)
    assert run["status"] == "completed"
    assert run["started_at"] == starts_at
    assert {row["started_at"] for row in recipient_rows(engine, run_id)} == {starts_at}
    assert min(event["at"] for event in event_rows(engine, run_id)) == starts_at


# --- Determinism --------------------------------------------------------------------------


def finished_run(engine: Engine, tmp_path: Path, clock: VirtualClock, *, seed: int, batch_size: int) -> int:
    run_id = started_run(
        engine, tmp_path, retry_journey(), 40, now=clock.now(),
        run_settings=settings(seed=seed), name=f"seed {seed}, batch {batch_size}",
    )
    worker(engine, clock, batch_size=batch_size).run_until_finished(run_id)
    return run_id


def test_same_seed_same_outcomes_any_batch_size(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    clock = VirtualClock(NOW)

    one_by_one = finished_run(engine, tmp_path, clock, seed=7, batch_size=1)
    in_bulk = finished_run(engine, tmp_path, clock, seed=7, batch_size=500)
    other_seed = finished_run(engine, tmp_path, clock, seed=8, batch_size=500)

    expected = outcomes_of(engine, one_by_one)
    assert outcomes_of(engine, in_bulk) == expected
    assert outcomes_of(engine, other_seed) != expected
    # The journey's paths all occur, so equal outcomes are not a coincidence.
    assert {path[3] for path in expected.values()} == {1, 2}
    assert {path[5] for path in expected.values()} == {0, 1}
