"""The worker: repeats a tick of duties, results, moves and dispatch.

The same worker runs on wall time (`journeys worker`) and
on virtual time (`journeys simulate`, `journeys demo`): only the clock differs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from journeys.clock import Clock, VirtualClock
from journeys.engine import callbacks, duties
from journeys.engine.advance import advance_batch
from journeys.engine.catalog import Catalog, RunView
from journeys.engine.dispatcher import dispatch_due
from journeys.engine.results import apply_reports
from journeys.errors import JourneysError
from journeys.providers.registry import Providers
from journeys.storage import actions as action_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerSettings:
    """The knobs of a worker; the defaults suit one machine."""

    batch_size: int = 500
    lease: timedelta = timedelta(seconds=60)
    # How long an idle worker on wall time sleeps before it looks again.
    idle_sleep_seconds: float = 0.5
    # Batches per run in one tick, so that one large run cannot starve the others.
    batches_per_tick: int = 20


class StalledError(JourneysError):
    """A simulated run has unfinished recipients but nothing left that could move them."""

    code = "stalled"


class Worker:
    """Moves recipients of every running run, on the given clock."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        providers: Providers | None = None,
        settings: WorkerSettings | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.providers = providers or Providers(engine)
        self.settings = settings or WorkerSettings()
        self.worker_id = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
        self.catalog = Catalog()

    def tick(self) -> int:
        """Do one round of every duty; return how many items were handled."""
        now = self.clock.now()
        lease = self.settings.lease
        handled = duties.start_scheduled(self.engine, now=now)
        handled += duties.reconcile_interrupted(self.engine, self.providers, now=now, owner=self.worker_id, lease=lease)
        handled += self._collect_reports(now)

        runs = self._running_runs()
        for run in runs.values():
            for _ in range(self.settings.batches_per_tick):
                moved = advance_batch(self.engine, run, now=now, owner=self.worker_id, lease=lease, limit=self.settings.batch_size)
                handled += moved
                if moved < self.settings.batch_size:
                    break

        dispatched, failures = dispatch_due(
            self.engine, runs, self.providers, now=now, owner=self.worker_id, lease=lease,
            limit=self.settings.batch_size,
        )
        handled += dispatched + self._apply(failures, now)
        handled += len(duties.complete_finished(self.engine, sorted(runs), now=now))
        return handled

    def run_forever(self, stop: threading.Event) -> None:
        """Tick until `stop` is set, sleeping while there is nothing to do."""
        logger.info("Worker %s started.", self.worker_id, extra={"action": "worker_started", "worker": self.worker_id})
        while not stop.is_set():
            if self._tick_or_log() == 0:
                stop.wait(self.settings.idle_sleep_seconds)
        logger.info("Worker %s stopped.", self.worker_id, extra={"action": "worker_stopped", "worker": self.worker_id})

    def _tick_or_log(self) -> int:
        try:
            return self.tick()
        except OperationalError:
            # A deadlock or a lost connection rolls back only the transaction it hit,
            # and leases hand any half-done work to a later tick, so the worker goes on.
            logger.exception(
                "A tick of worker %s failed on the database; trying again.", self.worker_id,
                extra={"action": "tick_failed", "worker": self.worker_id},
            )
            return 0
        except Exception:  # noqa: BLE001 - a long-running worker logs a bug and keeps serving other runs
            logger.exception(
                "A tick of worker %s failed; trying again.", self.worker_id,
                extra={"action": "tick_failed", "worker": self.worker_id},
            )
            return 0

    def run_until_finished(self, run_id: int, *, max_ticks: int = 10_000_000) -> None:
        """On a virtual clock, tick and jump ahead in time until the run finishes."""
        if not isinstance(self.clock, VirtualClock):
            raise TypeError("run_until_finished needs a VirtualClock")
        for _ in range(max_ticks):
            if self.tick():
                continue
            with self.engine.connect() as conn:
                status = run_queries.get_run(conn, run_id)["status"]
            if status not in ("running", "scheduled", "paused"):
                return
            wake = self.next_wake()
            if wake is None or status == "paused":
                raise StalledError(f"run {run_id} is {status} but nothing is left to move it on")
            self.clock.advance_to(wake)
        raise StalledError(f"run {run_id} did not finish within {max_ticks} ticks")

    def next_wake(self) -> datetime | None:
        """Return the earliest time after now at which a tick could find new work.

        Work already due that a tick left alone waits for something else, such
        as a free call slot, so only later times can wake the worker.
        """
        now = self.clock.now()
        with self.engine.connect() as conn:
            running = [run["id"] for run in run_queries.runs_with_status(conn, ("running",))]
            candidates = [
                recipient_queries.next_due_at(conn, running, after=now),
                action_queries.next_queued_at(conn, after=now),
                run_queries.next_scheduled_at(conn, after=now),
                action_queries.next_deadline_at(conn, after=now),
                action_queries.next_stale_at(conn, after=now),
            ]
        candidates += [provider.next_report_at(now) for provider in self.providers.pollers()]
        found = [when for when in candidates if when is not None]
        return min(found) if found else None

    def _running_runs(self) -> dict[int, RunView]:
        with self.engine.connect() as conn:
            rows = run_queries.runs_with_status(conn, ("running",))
            return {row["id"]: self.catalog.view(conn, row) for row in rows}

    def _collect_reports(self, now: datetime) -> int:
        handled = 0
        for provider in self.providers.pollers():
            reports = provider.poll_reports(now, self.settings.batch_size)
            handled += apply_reports(self.engine, self.catalog, provider.name, reports, now=now)
            provider.acknowledge(reports)
            handled += len(reports)
        handled += callbacks.retry_unapplied(self.engine, self.catalog, now=now)
        return handled + self._apply(duties.overdue_reports(self.engine, self.providers, now=now), now)

    def _apply(self, reports, now: datetime) -> int:  # type: ignore[no-untyped-def]
        by_provider: dict[str, list] = {}  # type: ignore[type-arg]
        for provider, report in reports:
            by_provider.setdefault(provider, []).append(report)
        return sum(
            apply_reports(self.engine, self.catalog, name, items, now=now)
            for name, items in by_provider.items()
        )
