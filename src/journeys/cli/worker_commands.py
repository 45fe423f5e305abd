"""`journeys worker` and `journeys db upgrade`."""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from datetime import timedelta
from typing import Annotated

import typer
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from journeys import logs, public_url
from journeys.cli.context import clock, database
from journeys.cli.output import say
from journeys.config import load_settings
from journeys.engine.retry import FailureStreak
from journeys.engine.worker import Worker, WorkerSettings
from journeys.storage.db import connect, current_revision, upgrade

# Each loop uses one pooled connection at a time, and the pool has 15
# (SQLAlchemy's default 5 plus 10 overflow). More CPU needs more processes anyway.
MAX_CONCURRENCY = 10

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)
logger = logging.getLogger(__name__)


def worker(
    concurrency: Annotated[int, typer.Option(envvar="JOURNEYS_WORKER_CONCURRENCY", help="Worker loops in this process, each a thread with its own worker id and database connection.", min=1, max=MAX_CONCURRENCY)] = 1,
    batch_size: Annotated[int, typer.Option(envvar="JOURNEYS_WORKER_BATCH_SIZE", help="Recipients, actions or reports handled per batch.", min=1, max=10_000)] = 500,
    lease_seconds: Annotated[int, typer.Option("--lease", "--lease-seconds", envvar="JOURNEYS_WORKER_LEASE_SECONDS", help="Seconds a claim lasts before another worker may take it over.", min=5)] = 60,
    drain: Annotated[bool, typer.Option("--drain", help="Exit once nothing is due now, instead of waiting for more work.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every start, stop and retry.")] = False,
) -> None:
    """Run an engine worker: it moves recipients of running runs and dispatches calls and SMS.

    Any number of workers may share one PostgreSQL database. On SIGTERM or
    Ctrl-C each worker loop finishes its current batch, releases its leases
    and exits with status 0.
    Example: journeys worker --concurrency 4 --batch-size 1000 --lease 60
    """
    if verbose:
        logs.configure(logging.INFO)
    config = load_settings()
    # A worker builds the callback URLs of webhook and Twilio requests from its own settings.
    public_url.warn_if_public_url_unset(config, logger)
    settings = WorkerSettings(
        batch_size=batch_size, lease=timedelta(seconds=lease_seconds),
        result_margin=timedelta(seconds=config.result_margin_seconds),
    )
    if drain:
        _drain(Worker(database(), clock, settings=settings))
        return

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    engine = _open_database(stop)
    if engine is None:
        return
    workers = [Worker(engine, clock, settings=settings) for _ in range(concurrency)]
    threads = [
        threading.Thread(target=loop.run_forever, args=(stop,), name=f"journeys-worker-{index}")
        for index, loop in enumerate(workers, start=1)
    ]
    for thread in threads:
        thread.start()
    ids = ", ".join(loop.worker_id for loop in workers)
    say(f"{'Worker' if concurrency == 1 else 'Workers'} {ids} running; press Ctrl-C to stop.")

    # The main thread waits on the event, so that signal handlers run promptly.
    while not stop.wait(1.0):
        if not any(thread.is_alive() for thread in threads):
            break
    for thread in threads:
        thread.join()
    say("Stopped.")


def _open_database(stop: threading.Event) -> Engine | None:
    """Open and migrate the database; return None if `stop` is set first.

    A PostgreSQL server that is unreachable is retried with backoff, so that a
    worker started while the database restarts waits for it instead of
    exiting. A SQLite file is local, so an error there is final.
    """
    engine = connect(migrate=False)
    if engine.dialect.name == "sqlite":
        engine.dispose()
        return database()

    streak = FailureStreak(f"{socket.gethostname()}:{os.getpid()}")
    while not stop.is_set():
        try:
            upgrade(engine)
        except OperationalError as exc:
            stop.wait(streak.failed(exc))
            continue
        streak.succeeded()
        return engine
    return None


def _drain(engine_worker: Worker) -> None:
    ticks = engine_worker.drain()
    wake = engine_worker.next_wake()
    later = f"; more work falls due at {wake:%Y-%m-%d %H:%M:%S} UTC" if wake else ""
    say(
        f"Nothing more is due now (after {ticks} {'tick' if ticks == 1 else 'ticks'}){later}. "
        "Calls in progress, sends paced by the number's rate and waits finish later: "
        "run the worker again, or without --drain."
    )


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply pending database migrations (also done on first use).

    Example: JOURNEYS_DATABASE_URL=postgresql+psycopg://journeys@db/journeys journeys db upgrade
    """
    engine = connect(migrate=False)
    before = current_revision(engine)
    upgrade(engine, force=True)
    after = current_revision(engine)
    if before == after:
        say(f"The database schema is up to date (revision {after}).")
    else:
        say(f"Migrated the database schema from revision {before or 'none'} to {after}.")
