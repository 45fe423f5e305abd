"""Hands queued calls and SMS to providers, within the run's limits.

Each action is committed as `dispatching` before its provider is called, and
as `in_progress` after. A crash in between leaves it `dispatching` with an
expiring lease, and the reconciler then queries the provider instead of dialling again.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from journeys.engine.catalog import RunView
from journeys.engine.window import describe, window_wait
from journeys.providers.base import ActionRequest, Placed, ProviderError, ProviderReport
from journeys.providers.registry import Providers
from journeys.storage import actions as action_queries
from journeys.storage import events as event_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries

logger = logging.getLogger(__name__)

# How long after its last possible end a call without a result is looked up.
# How long after a call's ring and talk time its result may still arrive, unless the worker sets it.
DEFAULT_RESULT_MARGIN = timedelta(minutes=5)
SMS_RESULT_TIMEOUT = timedelta(hours=1)


@dataclass
class DispatchPlan:
    """The decisions of one dispatch pass, made inside its transaction."""

    ready: list[dict[str, Any]]
    deferred: list[dict[str, Any]]
    rejected: list[tuple[dict[str, Any], str]]
    events: list[dict[str, Any]]


def dispatch_due(
    engine: Engine,
    runs: dict[int, RunView],
    providers: Providers,
    *,
    now: datetime,
    owner: str,
    lease: timedelta,
    limit: int,
    result_margin: timedelta = DEFAULT_RESULT_MARGIN,
) -> tuple[int, list[tuple[str, ProviderReport]]]:
    """Dispatch due actions; return how many were handed over and the rejections as reports."""
    with engine.begin() as conn:
        due = action_queries.due_queued(conn, now=now, limit=limit)
        if not due:
            return 0, []
        run_ids = sorted({action["run_id"] for action in due})
        for run_id in run_ids:
            # Serialises dispatch per run, so that workers count in-flight calls consistently.
            run_queries.get_run(conn, run_id, for_update=True)
        plan = _plan(conn, due, runs, now)
        action_queries.mark_dispatching(
            conn, [a["id"] for a in plan.ready], owner=owner, lease_until=now + lease
        )
        action_queries.set_status(conn, plan.deferred)
        event_queries.insert_many(conn, plan.events)

    placed, failures = _hand_over(plan.ready, runs, providers, now)
    record_placed(engine, placed, now, result_margin=result_margin)
    failures += [
        (runs[a["run_id"]].settings.provider, _failure(a, reason)) for a, reason in plan.rejected
    ]
    return len(placed), failures


def _plan(conn, due: list[dict[str, Any]], runs: dict[int, RunView], now: datetime) -> DispatchPlan:  # type: ignore[no-untyped-def]
    plan = DispatchPlan(ready=[], deferred=[], rejected=[], events=[])
    in_flight = action_queries.in_flight_calls(conn, sorted(runs))
    candidates: dict[str, list[dict[str, Any]]] = defaultdict(list)

    for action in due:
        run = runs.get(action["run_id"])
        if run is None:
            continue
        decision = window_wait(run.settings, (action["timezones"] or "").split(), now)
        if decision is not None and decision.at > now:
            plan.deferred.append({"b_id": action["id"], "not_before": decision.at})
            plan.events.append(_event(action, now, "delayed", f"until {decision.at.isoformat()}: {describe(decision)}"))
            continue
        if action["kind"] == "call":
            if in_flight.get(run.id, 0) >= run.settings.max_concurrent_calls:
                continue
            in_flight[run.id] = in_flight.get(run.id, 0) + 1
        candidates[action["from_number"]].append(action)

    for number, actions in candidates.items():
        _pace(conn, number, actions, plan, now)
    return plan


def _pace(conn, number: str, actions: list[dict[str, Any]], plan: DispatchPlan, now: datetime) -> None:  # type: ignore[no-untyped-def]
    """Let through as many actions as the number's rate allows in the next second."""
    # Reserving no slots locks the number and returns its next free slot. While that
    # slot is still ahead, sending now would beat the rate, so everything waits for it.
    reserved = action_queries.reserve_slots(conn, number, wanted=0, now=now)
    if reserved is not None and reserved[1] <= now:
        reserved = action_queries.reserve_slots(conn, number, wanted=len(actions), now=now)
    if reserved is None:
        reason = f"sender number {number} is not registered; add it with `journeys number add {number}`"
        plan.rejected.extend((action, reason) for action in actions)
        return
    granted, next_free = reserved
    plan.ready.extend(actions[:granted])
    plan.deferred.extend({"b_id": action["id"], "not_before": next_free} for action in actions[granted:])


def _hand_over(ready, runs, providers: Providers, now: datetime):  # type: ignore[no-untyped-def]
    """Hand each ready action to its run's provider; return receipts and rejections.

    A provider with `place_many` (the simulator) takes its share of the batch
    in one request; the others take one request per action. An error of our
    own database ends the tick: the reconciler settles the actions left
    `dispatching`.
    """
    placed: list[tuple[dict[str, Any], Placed]] = []
    failures: list[tuple[str, ProviderReport]] = []
    batches: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for action in ready:
        batches[action["run_id"]].append(action)

    for run_id, actions in batches.items():
        run = runs[run_id]
        provider = providers.for_run(run.id, run.settings)
        if hasattr(provider, "place_many"):
            _hand_over_many(provider, run, actions, now, placed, failures)
            continue
        for action in actions:
            _hand_over_one(provider, run, action, now, placed, failures)
    return placed, failures


def _hand_over_many(provider, run: RunView, actions: list[dict[str, Any]], now: datetime, placed, failures) -> None:  # type: ignore[no-untyped-def]
    """Hand a batch over in one request; the provider returns a receipt or a ProviderError per action."""
    try:
        receipts = provider.place_many([_request(action) for action in actions], now)
    except DBAPIError:
        raise
    except Exception:  # noqa: BLE001 - the reconciler settles the batch; never redial blindly
        logger.exception(
            "Dispatch of %d actions of run %d failed; their state is unknown until reconciled.",
            len(actions), run.id, extra={"action": "dispatch_unknown", "run_id": run.id},
        )
        return
    for action, receipt in zip(actions, receipts, strict=True):
        if isinstance(receipt, ProviderError):
            _log_rejection(action, receipt)
            failures.append((run.settings.provider, _failure(action, str(receipt))))
        else:
            placed.append((action, receipt))


def _log_rejection(action: dict[str, Any], error: ProviderError) -> None:
    logger.info(
        "Provider rejected action %d: %s", action["id"], error,
        extra={"action": "dispatch_rejected", **_ids(action)},
    )


def _hand_over_one(provider, run: RunView, action: dict[str, Any], now: datetime, placed, failures) -> None:  # type: ignore[no-untyped-def]
    try:
        send = provider.place_call if action["kind"] == "call" else provider.send_sms
        placed.append((action, send(_request(action), now)))
    except ProviderError as exc:
        _log_rejection(action, exc)
        failures.append((run.settings.provider, _failure(action, str(exc))))
    except DBAPIError:
        # Our own database failed, not the provider: the tick fails and the
        # reconciler settles this action and the rest of the batch.
        raise
    except Exception:  # noqa: BLE001 - the reconciler settles it; never redial blindly
        logger.exception(
            "Dispatch of action %d failed; its state is unknown until reconciled.", action["id"],
            extra={"action": "dispatch_unknown", **_ids(action)},
        )


def _request(action: dict[str, Any]) -> ActionRequest:
    return ActionRequest(
        action_id=action["id"], kind=action["kind"], from_number=action["from_number"],
        to_number=action["to_number"], run_id=action["run_id"],
        recipient_id=action["recipient_id"], node_id=action["node_id"],
        payload=dict(action["request"]),
    )


def record_placed(engine: Engine, placed, now: datetime, *, result_margin: timedelta = DEFAULT_RESULT_MARGIN) -> None:  # type: ignore[no-untyped-def]
    """Record provider receipts, `call_placed`/`sms_sent` events and recipients' counters."""
    if not placed:
        return
    with engine.begin() as conn:
        write_receipts(conn, placed, now, result_margin=result_margin)


def write_receipts(conn, placed, now: datetime, *, result_margin: timedelta = DEFAULT_RESULT_MARGIN) -> None:  # type: ignore[no-untyped-def]
    """Record receipts in the caller's transaction, once per action.

    A provider's result can overtake the receipt of its dispatch, and then
    apply_reports records the receipt. The action's row lock lets only the
    first of the two record it.
    """
    # Actions and then recipients are locked in id order, the order that moves and
    # results use, so that workers do not deadlock on them. The events come last
    # because their foreign keys lock the recipients too.
    pending = action_queries.lock_without_receipt(conn, [action["id"] for action, _ in placed])
    rows, events, counters = [], [], []
    for action, receipt in sorted(placed, key=lambda item: item[0]["id"]):
        if action["id"] not in pending:
            continue
        rows.append({
            "b_id": action["id"], "provider_ref": receipt.provider_ref, "dispatched_at": now,
            "deadline_at": now + _result_timeout(action, result_margin), "lease_owner": None, "lease_expires_at": None,
        })
        events.append(_placed_event(action, now))
        counters.append((action["recipient_id"], "calls_placed" if action["kind"] == "call" else "sms_sent"))

    action_queries.mark_placed(conn, rows)
    recipient_queries.add_counters(conn, counters)
    event_queries.insert_many(conn, events)


def _placed_event(action: dict[str, Any], now: datetime) -> dict[str, Any]:
    request = action["request"]
    if action["kind"] == "sms":
        return _event(action, now, "sms_sent", request["message"])
    detail = f"from {action['from_number']} to agent {request.get('agent')}, attempt {request.get('attempt')}"
    if request.get("window_note"):
        detail += f"; {request['window_note']}"
    return _event(action, now, "call_placed", detail)


def _result_timeout(action: dict[str, Any], margin: timedelta) -> timedelta:
    if action["kind"] == "sms":
        return SMS_RESULT_TIMEOUT
    request = action["request"]
    seconds = int(request.get("ring_timeout_seconds") or 30) + int(request.get("max_duration_seconds") or 600)
    return timedelta(seconds=seconds) + margin


def _failure(action: dict[str, Any], reason: str) -> ProviderReport:
    result = {"status": "failed", "ended_reason": reason, "answered_by": "unknown"}
    return ProviderReport(action_id=action["id"], status="failed", result=result, payload={"error": reason})


def _event(action: dict[str, Any], now: datetime, type_: str, detail: str | None) -> dict[str, Any]:
    return {
        "run_id": action["run_id"], "recipient_id": action["recipient_id"], "at": now,
        "node_id": action["node_id"], "type": type_, "detail": detail,
    }


def _ids(action: dict[str, Any]) -> dict[str, Any]:
    return {"run_id": action["run_id"], "recipient_id": action["recipient_id"],
            "node_id": action["node_id"], "action_id": action["id"]}
