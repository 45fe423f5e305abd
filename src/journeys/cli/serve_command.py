"""`journeys serve`: the HTTP API and an engine worker in one process."""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from enum import Enum
from types import FrameType
from typing import Annotated

import typer
import uvicorn

from journeys import logs
from journeys.api.access_log import install_access_log_filter
from journeys.api.app import create_app
from journeys.cli.output import say
from journeys.clock import SystemClock
from journeys.config import Settings, load_settings
from journeys.engine.worker import Worker, WorkerSettings
from journeys.providers.registry import Providers
from journeys.public_url import PUBLIC_URL_ENV, is_wildcard, public_url_is_set, served_url
from journeys.services.auth import ensure_first_admin
from journeys.storage.db import connect

logger = logging.getLogger(__name__)

# How long shutdown waits for the worker to finish its current tick.
WORKER_STOP_SECONDS = 30.0
SERVER_LOGGERS = ("uvicorn", "uvicorn.error", "uvicorn.access")


class LogFormatOption(str, Enum):
    text = "text"
    json = "json"


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on; 0.0.0.0 listens on every interface.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port to listen on.", min=1, max=65535)] = 8000,
    no_worker: Annotated[bool, typer.Option("--no-worker", help="Serve the API only; run `journeys worker` separately.")] = False,
    log_format: Annotated[
        LogFormatOption | None, typer.Option("--log-format", help="text, or json for one object per line. Default: JOURNEYS_LOG_FORMAT, else text.")
    ] = None,
) -> None:
    """Run the HTTP API with an engine worker in one process, until Ctrl-C or SIGTERM.

    On a database without users it creates an admin and prints a one-time sign-in link.
    Example: journeys serve --host 0.0.0.0 --port 8000
    """
    configured = _settings(log_format)
    logs.configure(logging.INFO, log_format=configured.log_format)
    for name in SERVER_LOGGERS:
        logging.getLogger(name).setLevel(logging.INFO)
    install_access_log_filter()
    config = _with_public_url(configured, host, port)

    engine = connect(config.database_url)
    clock = SystemClock()
    token = ensure_first_admin(engine, now=clock.now())
    if token is not None:
        say(f"Sign in as admin: {config.public_url}/auth/link/{token}")
        if is_wildcard(host) and not public_url_is_set(configured):
            say(f"This link works on this machine only; set {PUBLIC_URL_ENV} to this server's address to sign in from elsewhere.")

    app = create_app(config, engine=engine, clock=clock)
    stop = threading.Event()
    worker_thread = None if no_worker else _start_worker(
        Worker(engine, clock, providers=Providers(engine, config), settings=WorkerSettings(result_margin=timedelta(seconds=config.result_margin_seconds))),
        stop,
    )
    try:
        # log_config=None leaves logging as configured above, so that the
        # server's lines come out in the same format as everything else.
        _Server(uvicorn.Config(app, host=host, port=port, log_config=None)).run()
    finally:
        stop.set()
        if worker_thread is not None:
            worker_thread.join(WORKER_STOP_SECONDS)
            if worker_thread.is_alive():
                logger.warning(
                    "The worker did not stop within %.0f seconds; its leases expire and another worker takes its work over.",
                    WORKER_STOP_SECONDS, extra={"action": "worker_stop_timeout"},
                )
        engine.dispose()


def _settings(log_format: LogFormatOption | None) -> Settings:
    overrides: dict[str, object] = {}
    if log_format is not None:
        overrides["log_format"] = log_format.value
    return load_settings(**overrides)


def _with_public_url(config: Settings, host: str, port: int) -> Settings:
    """Return the settings with public_url set: as configured, else the address served here."""
    if public_url_is_set(config):
        return config
    url = served_url(host, port)
    if is_wildcard(host):
        logger.warning(
            "%s is not set, so links and callbacks use %s, which only this machine reaches; "
            "set %s to this server's address for remote access, the same value for every worker.",
            PUBLIC_URL_ENV, url, PUBLIC_URL_ENV, extra={"action": "public_url_unset"},
        )
    else:
        logger.info(
            "%s is not set, so links and callbacks use %s, the address served here; "
            "a separate `journeys worker` needs %s set to the same value.",
            PUBLIC_URL_ENV, url, PUBLIC_URL_ENV, extra={"action": "public_url_unset"},
        )
    return config.model_copy(update={"public_url": url})


class _Server(uvicorn.Server):
    """A uvicorn server that returns after a graceful shutdown on SIGINT or SIGTERM.

    uvicorn's own handlers raise the signal again once the server has stopped,
    which would end the process before the worker is stopped; these do not.
    A second SIGINT still forces the exit, as in uvicorn.
    """

    @contextmanager
    def capture_signals(self) -> Iterator[None]:
        if threading.current_thread() is not threading.main_thread():
            yield
            return
        previous = {signum: signal.signal(signum, self._on_signal) for signum in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield
        finally:
            for signum, handler in previous.items():
                signal.signal(signum, handler)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        if self.should_exit and signum == signal.SIGINT:
            self.force_exit = True
        else:
            self.should_exit = True


def _start_worker(worker: Worker, stop: threading.Event) -> threading.Thread:
    thread = threading.Thread(target=worker.run_forever, args=(stop,), name="journeys-worker", daemon=True)
    thread.start()
    return thread
