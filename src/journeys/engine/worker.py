"""The worker: repeats a tick of duties, results, moves and dispatch.

The same worker runs on wall time (`journeys worker`) and
on virtual time (`journeys simulate`, `journeys demo`): only the clock differs.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from journeys.clock import Clock, VirtualClock
from journeys.engine import callbacks, duties
from journeys.engine.advance import advance_batch
from journeys.engine.catalog import Catalog, RunView
from journeys.engine.dispatcher import DEFAULT_RESULT_MARGIN, dispatch_due
from journeys.engine.results import apply_reports
from journeys.engine.retry import FailureStreak
from journeys.errors import JourneysError
from journeys.providers.registry import Providers
from journeys.storage import actions as action_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries
from journeys.storage import workers as worker_queries

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
    # The minimum time between two heartbeat writes to the workers table.
    heartbeat_seconds: float = 5.0
    # The wait after a failed tick doubles from the first value up to the second.
    retry_initial_seconds: float = 0.5
    retry_max_seconds: float = 30.0
    # How long after a call's ring and talk time the worker waits for its result
    # before it asks the provider, and then fails the action.
    result_margin: timedelta = DEFAULT_RESULT_MARGIN


class StalledError(JourneysError):
    """A simulated run has unfinished recipients but nothing left that could move them."""

    code = "stalled"


def new_worker_id() -> str:
    """Return a worker id that is unique across hosts and processes: host, pid and a random part."""
    # The id must fit the workers table's and the lease columns' 64 characters.
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


class Worker:
    """Moves recipients of every running run, on the given clock."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        *,
        providers: Providers | None = None,
        settings: WorkerSettings | None = None,
        worker_id: str | None = None,
    ) -> None:
        self.engine = engine
        self.clock = clock
        self.providers = providers or Providers(engine)
        self.settings = settings or WorkerSettings()
        self.worker_id = worker_id or new_worker_id()
        self.catalog = Catalog()
        # Set by run_forever's caller to ask the worker to stop after its current batch.
        self._stop = threading.Event()
        self._registered = False
        self._last_heartbeat: float | None = None
        self._streak = FailureStreak(
            self.worker_id, self.settings.retry_initial_seconds, self.settings.retry_max_seconds
        )

    def tick(self) -> int:
        """Do one round of every duty; return how many items were handled.

        When a stop is requested, the tick returns after the batch in hand.
        """
        now = self.clock.now()
        lease = self.settings.lease
        handled = duties.start_scheduled(self.engine, now=now)
        handled += duties.reconcile_interrupted(
            self.engine, self.providers, now=now, owner=self.worker_id, lease=lease,
            result_margin=self.settings.result_margin,
        )
        handled += self._collect_reports(now)

        runs = self._running_runs()
        for run in runs.values():
            handled += self._advance_run(run)
            if self._stop.is_set():
                return handled

        # The clock is read again for each batch: a long tick on wall time would
        # otherwise grant leases that are already running out when claimed.
        now = self.clock.now()
        dispatched, failures = dispatch_due(
            self.engine, runs, self.providers, now=now, owner=self.worker_id, lease=lease,
            limit=self.settings.batch_size, result_margin=self.settings.result_margin,
        )
        handled += dispatched + self._apply(failures, now)
        # More recipients may arrive over the API at any time, so a run with an `api`
        # trigger stays running when it has none left. Cancelling ends it.
        finishable = sorted(run_id for run_id, run in runs.items() if run.journey.document.start_node().trigger != "api")
        handled += len(duties.complete_finished(self.engine, finishable, now=now))
        return handled

    def _advance_run(self, run: RunView) -> int:
        moved_total = 0
        for _ in range(self.settings.batches_per_tick):
            moved = advance_batch(
                self.engine, run, now=self.clock.now(), owner=self.worker_id, lease=self.settings.lease,
                limit=self.settings.batch_size,
            )
            moved_total += moved
            if moved < self.settings.batch_size or self._stop.is_set():
                break
        return moved_total

    def run_forever(self, stop: threading.Event) -> None:
        """Tick until `stop` is set, then release this worker's leases and record that it stopped.

        A failed tick is retried with exponential backoff, logged once per
        streak of failures, so that the worker outlives a database restart.
        """
        self._stop = stop
        logger.info("Worker %s started.", self.worker_id, extra={"action": "worker_started", "worker": self.worker_id})
        while not stop.is_set():
            try:
                handled = self._step()
            except Exception as exc:  # noqa: BLE001 - a long-running worker logs, waits and tries again
                stop.wait(self._streak.failed(exc))
                continue
            self._streak.succeeded()
            if handled == 0:
                stop.wait(self.settings.idle_sleep_seconds)
        self._shut_down()

    def drain(self) -> int:
        """Tick until nothing is due now, then stop as run_forever does; return the number of ticks."""
        self._keep_alive()
        ticks = 0
        while self.tick():
            ticks += 1
        self._shut_down()
        return ticks

    def _step(self) -> int:
        if self._streak.failures:
            # Work that the failed ticks claimed is lost with them, so other
            # workers may take it now instead of when the leases expire.
            self._release_leases()
        self._keep_alive()
        return self.tick()

    def _keep_alive(self) -> None:
        """Insert this worker's row on first use, then refresh its heartbeat every few seconds."""
        now = time.monotonic()
        if self._last_heartbeat is not None and now - self._last_heartbeat < self.settings.heartbeat_seconds:
            return
        # Heartbeats are wall time even for a worker on a virtual clock, because they record when the process was alive.
        wall = datetime.now(UTC)
        with self.engine.begin() as conn:
            if self._registered:
                worker_queries.beat(conn, self.worker_id, now=wall)
            else:
                worker_queries.register(conn, self.worker_id, host=socket.gethostname(), pid=os.getpid(), now=wall)
        self._registered = True
        self._last_heartbeat = now

    def _release_leases(self) -> tuple[int, int]:
        with self.engine.begin() as conn:
            released = worker_queries.release_leases(conn, self.worker_id, now=self.clock.now())
        if any(released):
            logger.info(
                "Worker %s released the leases of %d recipients and %d actions.", self.worker_id, *released,
                extra={"action": "leases_released", "worker": self.worker_id},
            )
        return released

    def _shut_down(self) -> None:
        extra = {"action": "worker_stopped", "worker": self.worker_id}
        try:
            self._release_leases()
            with self.engine.begin() as conn:
                worker_queries.mark_stopped(conn, self.worker_id, now=datetime.now(UTC))
        except DBAPIError as exc:
            logger.warning(
                "Worker %s stopped without releasing its leases, because the database failed: %s. "
                "Other workers take its work over when the leases expire, within %d s.",
                self.worker_id, str(exc.orig or exc).strip().splitlines()[0],
                self.settings.lease.total_seconds(), extra=extra,
            )
            return
        logger.info("Worker %s stopped.", self.worker_id, extra=extra)

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
        overdue = duties.overdue_reports(self.engine, self.providers, now=now, lease=self.settings.lease)
        return handled + self._apply(overdue, now)

    def _apply(self, reports, now: datetime) -> int:  # type: ignore[no-untyped-def]
        by_provider: dict[str, list] = {}  # type: ignore[type-arg]
        for provider, report in reports:
            by_provider.setdefault(provider, []).append(report)
        return sum(
            apply_reports(self.engine, self.catalog, name, items, now=now)
            for name, items in by_provider.items()
        )
