"""Callbacks applied in batches: each is logged and gets its result, and one that fails to apply fails alone."""

from __future__ import annotations

from typing import Any

import pytest
from engine_helpers import action_rows, call_journey, callback_rows
from webhook_helpers import WebhookBench, bench  # noqa: F401 - bench is a fixture

from journeys.engine import callbacks
from journeys.engine.catalog import Catalog
from journeys.providers.base import ProviderReport
from journeys.providers.webhook_reports import report_for_action

ANSWERED = {"status": "completed", "outcome": "answered", "talk_time_seconds": 30}


def reader(action: dict[str, Any]) -> Any:
    return lambda _reads: report_for_action(action, {**ANSWERED, "call_id": action["provider_ref"]})


def test_batch_failure_fails_alone(bench: WebhookBench, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    run_id, actions = bench.dispatch(call_journey(), 3)
    broken = actions[0]["id"]
    real_apply = callbacks.apply_reports_in

    def apply_or_fail(conn: Any, catalog: Any, provider: str, reports: list[ProviderReport], *, now: Any) -> list[bool]:
        if any(report.action_id == broken for report in reports):
            raise RuntimeError("a bug while applying")
        return real_apply(conn, catalog, provider, reports, now=now)

    monkeypatch.setattr(callbacks, "apply_reports_in", apply_or_fail)
    batcher = callbacks.CallbackBatcher(bench.engine, Catalog(), lambda _conn, ids: ids)
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


def test_batch_rejection_logs_nothing(bench: WebhookBench) -> None:  # noqa: F811
    _run_id, (action,) = bench.dispatch(call_journey())
    batcher = callbacks.CallbackBatcher(bench.engine, Catalog(), lambda _conn, ids: ids)

    def reject(_reads: Any) -> ProviderReport:
        raise PermissionError("wrong signature")

    future = batcher.submit("webhook", action["id"], reject, now=bench.clock.now())

    with pytest.raises(PermissionError, match="wrong signature"):
        future.result(timeout=30)
    assert callback_rows(bench.engine, action["id"]) == []
