"""Provider callbacks that arrive over HTTP: logged and applied in one transaction.

Every accepted callback is written to the append-only log in the transaction
that applies it, and the provider gets its 2xx response only after the
commit, so a crash before then loses nothing that the provider will not send
again. Applying runs in a savepoint. When it fails, the log row is still
committed, marked unapplied, and the worker applies it later. Applying takes
the action's row lock and ranks the status, so two copies posted at once move
the recipient once.

Webhook callbacks go through CallbackBatcher, which does this for every
callback waiting at once. Each transaction costs a BEGIN and a COMMIT, and on
SQLite the write lock, so fewer transactions give more callbacks per second.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import DBAPIError

from journeys.engine.catalog import Catalog
from journeys.engine.results import (
    apply_reports,
    apply_reports_in,
    callback_row,
    report_from_log,
)
from journeys.providers.base import ProviderReport
from journeys.storage import actions as action_queries

logger = logging.getLogger(__name__)

# A callback this old and still unapplied was left behind by a crash, not
# one that a request is applying right now.
RETRY_AFTER = timedelta(seconds=30)


def receive(engine: Engine, catalog: Catalog, provider: str, report: ProviderReport, *, now: datetime) -> bool:
    """Log a provider's report and apply it; return whether it changed its action."""
    return receive_checked(engine, catalog, provider, lambda _conn: report, now=now)


def receive_checked(
    engine: Engine,
    catalog: Catalog,
    provider: str,
    read_report: Callable[[Connection], ProviderReport],
    *,
    now: datetime,
) -> bool:
    """Read a report with `read_report`, then log and apply it, all in one transaction.

    `read_report` looks the action up, checks the signature and parses the
    body on the transaction's connection; an exception from it rolls back and
    logs nothing. An exception while applying is raised after the callback
    is committed as unapplied. Returns whether the report changed its action.
    """
    failure: Exception | None = None
    changed = False
    with engine.begin() as conn:
        report = read_report(conn)
        try:
            with conn.begin_nested():
                changed = apply_reports_in(conn, catalog, provider, [report], now=now)[0]
        except Exception as exc:  # noqa: BLE001 - logged unapplied, then raised below
            failure = exc
        callback_id = action_queries.log_callback(conn, callback_row(provider, report, now, applied=failure is None))
    logger.info(
        "Received a %s callback for action %d: %s.", provider, report.action_id, report.status,
        extra={"action": "callback_received", "action_id": report.action_id, "callback_id": callback_id},
    )
    if failure is not None:
        raise failure
    return changed


def retry_unapplied(engine: Engine, catalog: Catalog, *, now: datetime, limit: int = 500) -> int:
    """Apply logged callbacks that a crash left unapplied; return how many."""
    with engine.begin() as conn:
        rows = action_queries.unapplied_callbacks(conn, received_before=now - RETRY_AFTER, limit=limit)
    for row in rows:
        apply_reports(engine, catalog, row["provider"], [report_from_log(row)], now=now, logged=[row["id"]])
    return len(rows)


@dataclass(eq=False)
class _Pending:
    provider: str
    action_id: int
    read_report: Callable[[Any], ProviderReport]
    now: datetime
    future: Future[bool] = field(default_factory=Future)


# Queued by close(): the thread applies what came before it and returns.
_STOP: Any = object()


class CallbackBatcher:
    """Applies callbacks that arrive together in one transaction, from one thread.

    Each request's callback waits in a queue; the thread takes every callback
    waiting (up to MAX_BATCH), reads and checks each on one connection, applies
    the accepted ones together, logs them all, commits, and only then responds to
    each request. A batch costs about as many statements as one callback, so a
    server under load spends far less per callback; an idle server responds to
    a lone callback at once. A report that fails to apply is retried alone, in
    its own savepoint, so that it does not fail the others.
    """

    MAX_BATCH = 256

    def __init__(self, engine: Engine, catalog: Catalog, reads: Callable[[Connection, list[int]], Any]) -> None:
        """`reads(conn, action_ids)` returns what each callback's `read_report` reads from, for a whole batch."""
        self.engine = engine
        self.catalog = catalog
        self._reads = reads
        self._queue: queue.SimpleQueue[_Pending] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(
        self, provider: str, action_id: int, read_report: Callable[[Any], ProviderReport], *, now: datetime
    ) -> Future[bool]:
        """Queue a callback for an action; the future returns whether it changed the action.

        `read_report` gets the batch's reads and returns the checked report, or
        raises to reject the callback; the future raises what it or applying raised.
        """
        pending = _Pending(provider, action_id, read_report, now)
        self._queue.put(pending)
        self._start()
        return pending.future

    def close(self, timeout: float = 10.0) -> None:
        """Apply the callbacks already queued, then stop the thread."""
        with self._lock:
            thread, self._thread = self._thread, None
        if thread is None:
            return
        self._queue.put(_STOP)
        thread.join(timeout)

    def _start(self) -> None:
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="callback-batcher", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        stopping = False
        while not stopping:
            batch = [self._queue.get()]
            while len(batch) < self.MAX_BATCH:
                try:
                    batch.append(self._queue.get_nowait())
                except queue.Empty:
                    break
            stopping = any(item is _STOP for item in batch)
            batch = [item for item in batch if item is not _STOP]
            for provider in dict.fromkeys(item.provider for item in batch):
                self._apply_batch([item for item in batch if item.provider == provider])

    def _apply_batch(self, batch: list[_Pending]) -> None:
        try:
            outcomes = self._apply_in_transaction(batch)
        except Exception as exc:  # noqa: BLE001 - the requests get it; nothing was committed
            logger.warning(
                "Failed to store a batch of %d callbacks: %s", len(batch), exc,
                extra={"action": "callback_batch_failed"},
            )
            for item in batch:
                if not item.future.done():
                    item.future.set_exception(exc)
            return

        # One INFO line per batch, and one DEBUG line per callback: under load a
        # line per callback cost about a tenth of the server's time.
        stored = [report for report, _outcome in outcomes.values() if report is not None]
        if stored:
            logger.info(
                "Received %d %s callbacks for actions %s.", len(stored), batch[0].provider,
                _id_list([report.action_id for report in stored]),
                extra={"action": "callbacks_received", "count": len(stored)},
            )
        for item, (report, outcome) in outcomes.items():
            if report is not None:
                logger.debug(
                    "Received a %s callback for action %d: %s.", item.provider, report.action_id, report.status,
                    extra={"action": "callback_received", "action_id": report.action_id},
                )
            if isinstance(outcome, BaseException):
                item.future.set_exception(outcome)
            else:
                item.future.set_result(outcome)

    def _apply_in_transaction(
        self, batch: list[_Pending]
    ) -> dict[_Pending, tuple[ProviderReport | None, bool | BaseException]]:
        outcomes: dict[_Pending, tuple[ProviderReport | None, bool | BaseException]] = {}
        provider = batch[0].provider
        now = max(item.now for item in batch)
        with self.engine.begin() as conn:
            reads = self._reads(conn, [item.action_id for item in batch])
            accepted: list[tuple[_Pending, ProviderReport]] = []
            for item in batch:
                try:
                    accepted.append((item, item.read_report(reads)))
                except DBAPIError:
                    raise
                except Exception as exc:  # noqa: BLE001 - a rejected callback: unknown action, bad signature or body
                    outcomes[item] = (None, exc)

            results = self._apply_reports(conn, provider, accepted, now)
            action_queries.insert_callbacks(conn, [
                callback_row(provider, report, item.now, applied=not isinstance(results[index], BaseException))
                for index, (item, report) in enumerate(accepted)
            ])
        for index, (item, report) in enumerate(accepted):
            outcomes[item] = (report, results[index])
        return outcomes

    def _apply_reports(
        self, conn: Connection, provider: str, accepted: list[tuple[_Pending, ProviderReport]], now: datetime
    ) -> list[bool | BaseException]:
        reports = [report for _, report in accepted]
        if not reports:
            return []
        try:
            with conn.begin_nested():
                return list(apply_reports_in(conn, self.catalog, provider, reports, now=now))
        except Exception:  # noqa: BLE001 - retried one by one below, so one bad report fails alone
            logger.exception("Failed to apply a batch of %d callbacks; applying them one by one.", len(reports))

        results: list[bool | BaseException] = []
        for report in reports:
            try:
                with conn.begin_nested():
                    results.append(apply_reports_in(conn, self.catalog, provider, [report], now=now)[0])
            except Exception as exc:  # noqa: BLE001 - logged unapplied, and the request gets the error
                results.append(exc)
        return results


def _id_list(ids: list[int], shown: int = 10) -> str:
    listed = ", ".join(str(action_id) for action_id in ids[:shown])
    return listed if len(ids) <= shown else f"{listed} and {len(ids) - shown} more"
