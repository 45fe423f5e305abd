"""Duties beside moving recipients: start scheduled runs, settle interrupted
dispatches and silent providers, and complete finished runs.

Each duty changes a row only from the state it read (compare and set), so any
number of workers can run them at once without doing one twice.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine

from journeys.engine.dispatcher import DEFAULT_RESULT_MARGIN, record_placed
from journeys.providers.base import ProviderError, ProviderReport
from journeys.providers.registry import Providers
from journeys.services.runs import activate
from journeys.storage import actions as action_queries
from journeys.storage import runs as run_queries

logger = logging.getLogger(__name__)

NO_RESULT_REASON = "no result from provider"


def start_scheduled(engine: Engine, *, now: datetime) -> int:
    """Start every scheduled run whose time has come; return how many started."""
    started = 0
    with engine.begin() as conn:
        for run in run_queries.due_scheduled(conn, now=now):
            activate(conn, run, now=now)
            started += 1
    return started


def complete_finished(engine: Engine, run_ids: list[int], *, now: datetime) -> list[int]:
    """Complete the running runs among these whose recipients have all finished."""
    completed = []
    with engine.begin() as conn:
        for run_id in run_ids:
            if run_queries.complete_if_finished(conn, run_id, now=now):
                completed.append(run_id)
                logger.info(
                    "Run %d completed.", run_id, extra={"action": "run_completed", "run_id": run_id}
                )
    return completed


def reconcile_interrupted(
    engine: Engine, providers: Providers, *, now: datetime, owner: str, lease: timedelta,
    result_margin: timedelta = DEFAULT_RESULT_MARGIN,
) -> int:
    """Settle actions whose dispatch was interrupted, by asking their provider.

    A provider that has a record of the action placed it, so the action is in progress.
    One that has no record never placed it, so the action is queued again. One
    that cannot be reached leaves it `unknown`, to be queried again later. An action
    that a result completed before its receipt was recorded keeps its status:
    it only gets the receipt, event and counter that the interruption lost.
    """
    with engine.begin() as conn:
        stale = action_queries.stale_dispatching(conn, now=now, limit=100)
        if not stale:
            return 0
        action_queries.set_status(
            conn, [{"b_id": a["id"], "status": _unless_completed(a, "unknown"), "lease_owner": owner, "lease_expires_at": now + lease} for a in stale]
        )

    requeued, placed = [], []
    for action in stale:
        outcome = _reconcile_one(providers, action)
        if outcome == "requeue":
            requeued.append({"b_id": action["id"], "status": _unless_completed(action, "queued"), "lease_owner": None, "lease_expires_at": None})
        elif outcome is not None:
            placed.append((action, outcome))
    with engine.begin() as conn:
        action_queries.set_status(conn, requeued)
    record_placed(engine, placed, now, result_margin=result_margin)
    return len(requeued) + len(placed)


def _unless_completed(action, status: str) -> str:  # type: ignore[no-untyped-def]
    return "completed" if action["status"] == "completed" else status


def _reconcile_one(providers: Providers, action):  # type: ignore[no-untyped-def]
    ids = {"run_id": action["run_id"], "recipient_id": action["recipient_id"], "node_id": action["node_id"], "action_id": action["id"]}
    try:
        found = providers.by_name(action["provider"]).lookup(action["id"])
    except Exception:  # noqa: BLE001 - leave it unknown and ask again after the lease
        logger.exception("Could not look up action %d with its provider.", action["id"], extra={"action": "reconcile_failed", **ids})
        return None
    if found is None:
        logger.info("Provider has no record of action %d, so it was never placed.", action["id"], extra={"action": "reconcile_requeue", **ids})
        return "requeue"
    logger.info("Action %d was placed before the interruption.", action["id"], extra={"action": "reconcile_placed", **ids})
    return found


def overdue_reports(
    engine: Engine, providers: Providers, *, now: datetime, lease: timedelta = timedelta(minutes=5)
) -> list[tuple[str, ProviderReport]]:
    """Claim in-progress actions past their result deadline and return a report for each.

    The provider is asked first; an action it cannot account for fails. The
    claim moves the deadline `lease` ahead, so one worker settles each action.
    """
    with engine.begin() as conn:
        late = action_queries.claim_overdue(conn, now=now, limit=500, until=now + lease)
    return [(action["provider"], _settle_overdue(providers, action)) for action in late]


def _settle_overdue(providers: Providers, action) -> ProviderReport:  # type: ignore[no-untyped-def]
    ids = {"run_id": action["run_id"], "recipient_id": action["recipient_id"], "action_id": action["id"]}
    try:
        found = providers.by_name(action["provider"]).fetch_result(action["id"], action["provider_ref"])
    except ProviderError as exc:
        logger.warning("Could not look up overdue action %d: %s", action["id"], exc, extra={"action": "result_lookup_failed", **ids})
        found = None
    if found is not None:
        logger.info("Fetched the missing result of action %d: %s.", action["id"], found.status, extra={"action": "result_fetched", **ids})
        return found

    logger.warning("No result for action %d by its deadline; failing it.", action["id"], extra={"action": "result_overdue", **ids})
    result = {"status": "failed", "answered_by": "unknown", "ended_reason": NO_RESULT_REASON}
    return ProviderReport(action_id=action["id"], status="failed", result=result, payload={"error": NO_RESULT_REASON})
