"""Applies provider reports: log each one, rank it, and move recipients on final results.

Reports may arrive late, twice or out of order. Each is appended to the
callback log first. An action takes a report only if it outranks what the
action already has, so a duplicate changes nothing and a late `sent` never
overwrites `delivered`. A recipient moves only if it still waits on that very
action and its run is not cancelled.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, Engine

from journeys.engine.advance import advance_or_fail
from journeys.engine.catalog import Catalog, RunView
from journeys.engine.dispatcher import write_receipts
from journeys.engine.moves import write_moves
from journeys.engine.ranking import is_final, rank
from journeys.engine.state import Move, NewEvent, RecipientState
from journeys.engine.stepper import apply_result
from journeys.providers.base import Placed, ProviderReport
from journeys.storage import actions as action_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries

logger = logging.getLogger(__name__)


def apply_reports(
    engine: Engine,
    catalog: Catalog,
    provider: str,
    reports: list[ProviderReport],
    *,
    now: datetime,
    logged: Sequence[int] = (),
) -> int:
    """Apply reports in one transaction; return how many changed an action.

    `logged` holds the callback-log ids of reports already logged on receipt;
    they are marked applied. Reports without one are logged here.
    """
    if not reports:
        return 0
    with engine.begin() as conn:
        if logged:
            action_queries.mark_callbacks_applied(conn, logged)
        else:
            action_queries.insert_callbacks(conn, [callback_row(provider, report, now, applied=True) for report in reports])
        return sum(apply_reports_in(conn, catalog, provider, reports, now=now))


def apply_reports_in(
    conn: Connection, catalog: Catalog, provider: str, reports: list[ProviderReport], *, now: datetime
) -> list[bool]:
    """Apply reports in the caller's transaction, without logging them; return whether each changed its action."""
    actions = {
        row["id"]: row
        for row in action_queries.get_many(conn, sorted({r.action_id for r in reports}), for_update=True)
    }
    updates, finals, changed = _rank_reports(actions, reports, now)
    action_queries.set_status(conn, updates)
    if finals:
        overtaken = _overtaken_receipts(finals)
        moves = _moves_for_finals(conn, catalog, finals, now, {action["id"] for action, _ in overtaken})
        # The call_placed or sms_sent event precedes the result's events.
        write_receipts(conn, overtaken, now)
        write_moves(conn, moves, now=now, provider=provider)
    return changed


def _overtaken_receipts(finals: list[tuple[dict[str, Any], ProviderReport]]) -> list[tuple[dict[str, Any], Placed]]:
    """Return receipts for final results that arrived before their dispatch was recorded.

    The provider's report proves the action was placed, and the recipient moves
    on now, so its counters must not wait for the dispatching worker. Reports
    without a provider reference are the engine's own failures, for actions
    that a provider rejected or never took.
    """
    return [
        (action, Placed(provider_ref=report.provider_ref))
        for action, report in finals
        if action["dispatched_at"] is None
        and action["status"] in ("dispatching", "unknown")
        and report.provider_ref
    ]


def _rank_reports(
    actions: dict[int, dict[str, Any]], reports: list[ProviderReport], now: datetime
) -> tuple[list[dict[str, Any]], list[tuple[dict[str, Any], ProviderReport]], list[bool]]:
    updates: dict[int, dict[str, Any]] = {}
    finals: list[tuple[dict[str, Any], ProviderReport]] = []
    changed = [False] * len(reports)
    for index, report in enumerate(reports):
        action = actions.get(report.action_id)
        if action is None:
            logger.warning(
                "Ignored a report for unknown action %d.", report.action_id,
                extra={"action": "report_unknown_action", "action_id": report.action_id},
            )
            continue

        report_rank = rank(action["kind"], report.status)
        if report_rank <= action["result_rank"] or action["status"] == "dropped":
            continue
        action["result_rank"] = report_rank
        row = {"b_id": action["id"], "outcome": report.status, "result": report.result, "result_rank": report_rank}
        if report.provider_ref:
            row["provider_ref"] = report.provider_ref
        if is_final(action["kind"], report.status):
            row.update(status="completed", completed_at=now)
            finals.append((action, report))
        updates[action["id"]] = {**updates.get(action["id"], {}), **row}
        changed[index] = True
    return list(updates.values()), finals, changed


def _moves_for_finals(conn, catalog: Catalog, finals, now: datetime, overtaken: set[int]) -> list[Move]:  # type: ignore[no-untyped-def]
    recipients = {
        row["id"]: row
        for row in recipient_queries.get_many(
            conn, [action["recipient_id"] for action, _ in finals], for_update=True, columns=recipient_queries.ENGINE_COLUMNS
        )
    }
    run_rows = {run_id: run_queries.get_run(conn, run_id) for run_id in {a["run_id"] for a, _ in finals}}
    views: dict[int, RunView] = {}
    moves: list[Move] = []
    for action, report in finals:
        row = recipients[action["recipient_id"]]
        state = RecipientState.from_row(row)
        if action["id"] in overtaken:
            # write_receipts adds this action to the stored counters in this
            # transaction; the recipient may queue its next call below, whose
            # attempt number counts it.
            _count_placed(state, action)
        run = run_rows[action["run_id"]]
        event = _result_event(action, report, now)
        waits_on_it = (
            row["status"] == "waiting"
            and row["current_node"] == action["node_id"]
            and row["steps"] == action["visit"]
            and run["status"] != "cancelled"
        )
        if not waits_on_it:
            moves.append(Move(state=state, events=[event], record_only=True))
            continue
        if run["id"] not in views:
            views[run["id"]] = catalog.view(conn, run)
        view = views[run["id"]]
        move = apply_result(state, view.journey, view.settings, now, report.status, report.result)
        move.events.insert(0, event)
        if run["status"] == "running" and state.status == "active":
            _advance_on(move, view, now)
        moves.append(move)
    return moves


def _count_placed(state: RecipientState, action: dict[str, Any]) -> None:
    if action["kind"] == "call":
        state.calls_placed += 1
    else:
        state.sms_sent += 1


def _advance_on(move: Move, view: RunView, now: datetime) -> None:
    """Move a recipient whose result came in through its next nodes, in the same transaction.

    The recipient is due now at its next node, and no worker has leased it, so moving it
    here saves a claim and a save per result. A paused run's recipient stays due
    at the next node instead, as apply_result leaves it.
    """
    onward = advance_or_fail(move.state, view, now)
    move.events.extend(onward.events)
    move.actions.extend(onward.actions)


def _result_event(action: dict[str, Any], report: ProviderReport, now: datetime) -> NewEvent:
    result = report.result
    if action["kind"] == "call":
        detail = f"{report.status}; answered by {result.get('answered_by', 'unknown')}"
        if result.get("talk_time_seconds"):
            detail += f"; talk time {result['talk_time_seconds']} s"
        if result.get("ended_reason"):
            detail += f"; {result['ended_reason']}"
        event_type = "call_result"
    else:
        detail = report.status
        event_type = "sms_result"
    return NewEvent(action["recipient_id"], action["run_id"], now, action["node_id"], event_type, detail)


def callback_row(provider: str, report: ProviderReport, now: datetime, *, applied: bool) -> dict[str, Any]:
    """Return the callback-log row of a report: the provider's payload and what it was read as."""
    return {
        "provider": provider,
        "action_id": report.action_id,
        "provider_ref": report.provider_ref,
        "received_at": now,
        "payload": {"status": report.status, "result": report.result, "raw": report.payload},
        "applied": applied,
    }


def report_from_log(row: dict[str, Any]) -> ProviderReport:
    """Rebuild the report a logged callback was read as, to apply it later."""
    payload = row["payload"]
    return ProviderReport(
        action_id=row["action_id"],
        status=payload["status"],
        provider_ref=row["provider_ref"],
        result=payload.get("result") or {},
        payload=payload.get("raw") or {},
    )
