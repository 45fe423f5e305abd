"""Provider reports: idempotent, ranked, kept in the callback log, and moving no one after a cancel."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from engine_helpers import (
    NOW,
    action_rows,
    call_journey,
    callback_rows,
    end,
    event_rows,
    journey,
    recipient_rows,
    register,
    settings,
    simulated_rows,
    sms,
    start,
    started_run,
    worker,
)
from journeys.clock import VirtualClock
from journeys.engine.catalog import Catalog
from journeys.engine.results import apply_reports
from journeys.providers.base import ProviderReport
from journeys.providers.registry import Providers
from journeys.providers.simulator import SimulatorProvider
from journeys.services import runs as run_service
from journeys.storage import events as event_queries

# Simulated results take an hour, so that each test decides which report comes first.
SLOW = settings(latency_seconds=3600)
ANSWERED = {"answered_by": "human", "talk_time_seconds": 42.0, "duration_seconds": 50.0, "attempt": 1}


def sms_journey() -> dict[str, Any]:
    return journey(start("text"), sms("text", "done"), end())


def dispatched_action(engine: Engine, tmp_path: Path, document: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    """Start a one-recipient run and dispatch its first action; return the run id and the action."""
    register(engine)
    run_id = started_run(engine, tmp_path, document, 1, run_settings=SLOW)
    worker(engine, VirtualClock(NOW)).tick()
    (action,) = action_rows(engine, run_id)
    assert action["status"] == "in_progress"
    return run_id, action


def report(action: dict[str, Any], status: str, **result: Any) -> ProviderReport:
    return ProviderReport(
        action_id=action["id"], status=status, provider_ref=action["provider_ref"],
        result={"status": status, **result}, payload={"status": status, **result},
    )


def apply(engine: Engine, *reports: ProviderReport, at: datetime = NOW + timedelta(minutes=1)) -> int:
    return apply_reports(engine, Catalog(), "simulator", list(reports), now=at)


def test_same_report_twice_changes_nothing(engine: Engine, tmp_path: Path) -> None:
    run_id, action = dispatched_action(engine, tmp_path, call_journey())
    answered = report(action, "answered", **ANSWERED)

    first = apply(engine, answered)
    after_first = (recipient_rows(engine, run_id), action_rows(engine, run_id), event_rows(engine, run_id))
    second = apply(engine, answered, at=NOW + timedelta(minutes=2))

    assert first == 1
    assert second == 0
    assert recipient_rows(engine, run_id) == after_first[0]
    assert action_rows(engine, run_id) == after_first[1]
    assert event_rows(engine, run_id) == after_first[2]
    assert len(callback_rows(engine, action["id"])) == 2


def test_duplicate_in_one_batch_applied_once(engine: Engine, tmp_path: Path) -> None:
    run_id, action = dispatched_action(engine, tmp_path, call_journey())
    answered = report(action, "answered", **ANSWERED)

    changed = apply(engine, answered, answered)

    assert changed == 1
    assert len(event_rows(engine, run_id, "call_result")) == 1
    assert recipient_rows(engine, run_id)[0]["calls_answered"] == 1
    assert len(callback_rows(engine, action["id"])) == 2


@pytest.mark.parametrize(
    ("document", "final", "late", "result"),
    [
        (sms_journey(), "delivered", "sent", {"segments": 1, "encoding": "GSM-7"}),
        (call_journey(), "answered", "ringing", ANSWERED),
        (call_journey(), "no_answer", "in_progress", {"answered_by": "unknown"}),
    ],
    ids=["sms_delivered_then_sent", "call_answered_then_ringing", "call_no_answer_then_in_progress"],
)
def test_late_lower_status_keeps_final(
    engine: Engine, tmp_path: Path, document: dict[str, Any], final: str, late: str, result: dict[str, Any]
) -> None:
    run_id, action = dispatched_action(engine, tmp_path, document)
    node = action["node_id"]

    apply(engine, report(action, final, **result))
    changed = apply(engine, report(action, late), at=NOW + timedelta(minutes=2))

    (stored,) = action_rows(engine, run_id)
    assert changed == 0
    assert stored["outcome"] == final
    assert stored["status"] == "completed"
    recipient = recipient_rows(engine, run_id)[0]
    assert recipient["current_node"] == "done"
    output_name = "status" if action["kind"] == "sms" else "outcome"
    assert recipient["outputs"][node][output_name] == final
    assert len(event_rows(engine, run_id, f"{action['kind']}_result")) == 1
    assert len(callback_rows(engine, action["id"])) == 2


def test_interim_status_then_final_moves_once(engine: Engine, tmp_path: Path) -> None:
    run_id, action = dispatched_action(engine, tmp_path, sms_journey())

    apply(engine, report(action, "sent"))
    interim = action_rows(engine, run_id)[0]
    waiting = recipient_rows(engine, run_id)[0]
    apply(engine, report(action, "delivered", segments=1, encoding="GSM-7"), at=NOW + timedelta(minutes=2))

    assert interim["outcome"] == "sent"
    assert interim["status"] == "in_progress"
    assert waiting["status"] == "waiting"
    assert action_rows(engine, run_id)[0]["outcome"] == "delivered"
    assert recipient_rows(engine, run_id)[0]["current_node"] == "done"
    assert len(event_rows(engine, run_id, "sms_result")) == 1


@pytest.mark.parametrize("hang_up_allowed", [True, False], ids=["hung_up", "not_hung_up"])
def test_result_after_cancel_moves_no_one(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, hang_up_allowed: bool
) -> None:
    run_id, action = dispatched_action(engine, tmp_path, call_journey())
    if not hang_up_allowed:
        monkeypatch.setattr(SimulatorProvider, "hang_up", lambda self, action_id, now: False)
    cancelled_at = NOW + timedelta(minutes=1)
    run_service.cancel_run(engine, run_id, now=cancelled_at, providers=Providers(engine))

    clock = VirtualClock(cancelled_at)
    work = worker(engine, clock)
    work.tick()
    clock.advance(timedelta(hours=2))
    work.tick()

    (stored,) = action_rows(engine, run_id)
    expected = "cancelled" if hang_up_allowed else simulated_rows(engine)[0]["result"]["status"]
    assert stored["status"] == "completed"
    assert stored["outcome"] == expected
    results = event_rows(engine, run_id, "call_result")
    assert len(results) == 1
    assert results[0]["detail"].startswith(expected)
    recipient = recipient_rows(engine, run_id)[0]
    assert recipient["status"] == "cancelled"
    assert recipient["current_node"] == "call_1"
    assert recipient["outputs"] == {}
    assert [event["type"] for event in event_rows(engine, run_id) if event["at"] > NOW] == ["cancelled", "call_result"]
    assert len(callback_rows(engine, action["id"])) == 1


def test_report_for_unknown_action_is_kept(engine: Engine, tmp_path: Path) -> None:
    run_id, action = dispatched_action(engine, tmp_path, call_journey())
    stray = ProviderReport(action_id=action["id"] + 1000, status="answered", result=dict(ANSWERED))

    changed = apply(engine, stray)

    assert changed == 0
    assert [row["action_id"] for row in callback_rows(engine)] == [action["id"] + 1000]
    assert action_rows(engine, run_id)[0]["status"] == "in_progress"


def test_every_simulated_report_is_logged(engine: Engine, tmp_path: Path) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 12)

    worker(engine, VirtualClock(NOW)).run_until_finished(run_id)

    logged = callback_rows(engine)
    assert sorted(row["action_id"] for row in logged) == sorted(row["id"] for row in action_rows(engine, run_id))
    for row in logged:
        assert row["payload"]["raw"]["simulated"] is True
        assert row["payload"]["status"] == next(
            action["outcome"] for action in action_rows(engine, run_id) if action["id"] == row["action_id"]
        )


def test_failed_result_save_keeps_report_pending(
    engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    register(engine)
    run_id = started_run(engine, tmp_path, call_journey(), 1, run_settings=settings(latency_seconds=30))
    clock = VirtualClock(NOW)
    work = worker(engine, clock)
    work.tick()
    clock.advance(timedelta(seconds=30))
    before = (recipient_rows(engine, run_id), action_rows(engine, run_id))

    def broken_insert(conn, rows):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full while saving events")

    with monkeypatch.context() as patch:
        patch.setattr(event_queries, "insert_many", broken_insert)
        with pytest.raises(RuntimeError):
            work.tick()

    assert recipient_rows(engine, run_id) == before[0]
    assert action_rows(engine, run_id) == before[1]
    assert callback_rows(engine) == []
    assert simulated_rows(engine)[0]["reported"] is False

    work.run_until_finished(run_id)
    assert recipient_rows(engine, run_id)[0]["status"] == "completed"
    assert len(callback_rows(engine)) == 1
