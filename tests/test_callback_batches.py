"""Callbacks applied in batches: each is logged and gets its result, and one that fails to apply fails alone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from engine_helpers import action_rows, call_journey, callback_rows
from fastapi.testclient import TestClient
from webhook_helpers import WebhookBench, bench  # noqa: F401 - bench is a fixture

from journeys.engine import callbacks
from journeys.engine.catalog import Catalog
from journeys.providers.base import ProviderReport
from journeys.providers.webhook_reports import report_for_action

ANSWERED = {"status": "completed", "outcome": "answered", "talk_time_seconds": 30}


def reader(action: dict[str, Any]) -> Any:
    return lambda _reads: report_for_action(action, {**ANSWERED, "call_id": action["provider_ref"]})


@pytest.fixture
def batcher(bench: WebhookBench) -> Iterator[callbacks.CallbackBatcher]:  # noqa: F811
    created = callbacks.CallbackBatcher(bench.engine, Catalog(), lambda _conn, ids: ids)
    yield created
    created.close()


def batcher_threads() -> list[threading.Thread]:
    return [thread for thread in threading.enumerate() if thread.name == "callback-batcher"]


def test_batch_failure_fails_alone(
    bench: WebhookBench, batcher: callbacks.CallbackBatcher, monkeypatch: pytest.MonkeyPatch  # noqa: F811
) -> None:
    run_id, actions = bench.dispatch(call_journey(), 3)
    broken = actions[0]["id"]
    real_apply = callbacks.apply_reports_in

    def apply_or_fail(conn: Any, catalog: Any, provider: str, reports: list[ProviderReport], *, now: Any) -> list[bool]:
        if any(report.action_id == broken for report in reports):
            raise RuntimeError("a bug while applying")
        return real_apply(conn, catalog, provider, reports, now=now)

    monkeypatch.setattr(callbacks, "apply_reports_in", apply_or_fail)
    futures = {action["id"]: batcher.submit("webhook", action["id"], reader(action), now=bench.clock.now()) for action in actions}

    with pytest.raises(RuntimeError, match="a bug while applying"):
        futures[broken].result(timeout=30)
    others = [futures[action["id"]].result(timeout=30) for action in actions[1:]]
    statuses = {row["id"]: row["status"] for row in action_rows(bench.engine, run_id)}
    logged = {action["id"]: [row["applied"] for row in callback_rows(bench.engine, action["id"])] for action in actions}

    assert others == [True, True]
    assert statuses[broken] == "in_progress"
    assert [statuses[action["id"]] for action in actions[1:]] == ["completed", "completed"]
    assert logged[broken] == [False]
    assert [logged[action["id"]] for action in actions[1:]] == [[True], [True]]


def test_batch_rejection_logs_nothing(bench: WebhookBench, batcher: callbacks.CallbackBatcher) -> None:  # noqa: F811
    _run_id, (action,) = bench.dispatch(call_journey())

    def reject(_reads: Any) -> ProviderReport:
        raise PermissionError("wrong signature")

    future = batcher.submit("webhook", action["id"], reject, now=bench.clock.now())

    with pytest.raises(PermissionError, match="wrong signature"):
        future.result(timeout=30)
    assert callback_rows(bench.engine, action["id"]) == []


def test_close_applies_queued_callbacks_then_stops(bench: WebhookBench) -> None:  # noqa: F811
    run_id, actions = bench.dispatch(call_journey(), 3)
    batcher = callbacks.CallbackBatcher(bench.engine, Catalog(), lambda _conn, ids: ids)
    before = set(batcher_threads())
    futures = [batcher.submit("webhook", action["id"], reader(action), now=bench.clock.now()) for action in actions]
    (thread,) = set(batcher_threads()) - before

    batcher.close()

    assert [future.result(timeout=0) for future in futures] == [True, True, True]
    assert [row["status"] for row in action_rows(bench.engine, run_id)] == ["completed"] * 3
    assert not thread.is_alive()


def test_app_shutdown_stops_its_batcher(bench: WebhookBench) -> None:  # noqa: F811
    _run_id, (action,) = bench.dispatch(call_journey())
    before = set(batcher_threads())
    response = bench.post(action, {**ANSWERED, "call_id": action["provider_ref"]})
    assert response.status_code == 200, response.text
    (thread,) = set(batcher_threads()) - before

    # Entering and leaving a test client runs the app's startup and shutdown.
    with TestClient(bench.app):
        pass

    assert not thread.is_alive()
