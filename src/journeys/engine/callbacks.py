"""Provider callbacks that arrive over HTTP: log first, then apply.

A callback is committed to the append-only log before anything else, so a
crash between receipt and application loses nothing: the worker applies
logged callbacks that were left unapplied. Applying takes the action's row
lock and ranks the status, so two copies posted at once move the recipient once.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from sqlalchemy import Engine

from journeys.engine.catalog import Catalog
from journeys.engine.results import apply_reports, callback_row, report_from_log
from journeys.providers.base import ProviderReport
from journeys.storage import actions as action_queries

logger = logging.getLogger(__name__)

# A callback this old and still unapplied was left behind by a crash, not
# one that a request is applying right now.
RETRY_AFTER = timedelta(seconds=30)


def receive(engine: Engine, catalog: Catalog, provider: str, report: ProviderReport, *, now: datetime) -> bool:
    """Log a provider's report, then apply it; return whether it changed its action."""
    with engine.begin() as conn:
        callback_id = action_queries.log_callback(conn, callback_row(provider, report, now, applied=False))
    logger.info(
        "Received a %s callback for action %d: %s.", provider, report.action_id, report.status,
        extra={"action": "callback_received", "action_id": report.action_id, "callback_id": callback_id},
    )
    return apply_reports(engine, catalog, provider, [report], now=now, logged=[callback_id]) > 0


def retry_unapplied(engine: Engine, catalog: Catalog, *, now: datetime, limit: int = 500) -> int:
    """Apply logged callbacks that a crash left unapplied; return how many."""
    with engine.begin() as conn:
        rows = action_queries.unapplied_callbacks(conn, received_before=now - RETRY_AFTER, limit=limit)
    for row in rows:
        apply_reports(engine, catalog, row["provider"], [report_from_log(row)], now=now, logged=[row["id"]])
    return len(rows)
