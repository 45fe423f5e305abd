"""`journeys worker` and `journeys db upgrade`."""

from __future__ import annotations

import logging
import signal
import threading
from datetime import timedelta
from typing import Annotated

import typer

from journeys import logs
from journeys.cli.context import clock, database
from journeys.cli.output import say
from journeys.engine.worker import Worker, WorkerSettings
from journeys.storage.db import connect, current_revision, upgrade

db_app = typer.Typer(help="Database maintenance.", no_args_is_help=True)


def worker(
    batch_size: Annotated[int, typer.Option(help="Recipients claimed per batch.", min=1, max=10_000)] = 500,
    lease_seconds: Annotated[int, typer.Option(help="Seconds a claim lasts before another worker may take it over.", min=5)] = 60,
    drain: Annotated[bool, typer.Option("--drain", help="Exit once nothing is due now, instead of waiting for more work.")] = False,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log every start, stop and retry.")] = False,
) -> None:
    """Run an engine worker: it moves recipients of running runs and dispatches calls and SMS.

    Stops cleanly on Ctrl-C or SIGTERM after its current batch.
    Example: journeys worker --batch-size 1000
    """
    if verbose:
        logs.configure(logging.INFO)
    settings = WorkerSettings(batch_size=batch_size, lease=timedelta(seconds=lease_seconds))
    engine_worker = Worker(database(), clock, settings=settings)
    if drain:
        ticks = 0
        while engine_worker.tick():
            ticks += 1
        wake = engine_worker.next_wake()
        later = f"; more work falls due at {wake:%Y-%m-%d %H:%M:%S} UTC" if wake else ""
        say(
            f"Nothing more is due now (after {ticks} {'tick' if ticks == 1 else 'ticks'}){later}. "
            "Calls in progress, sends paced by the number's rate and waits finish later: "
            "run the worker again, or without --drain."
        )
        return

    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    say(f"Worker {engine_worker.worker_id} is running; press Ctrl-C to stop.")
    engine_worker.run_forever(stop)


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
