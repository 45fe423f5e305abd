"""A Twilio test bench: the fake Twilio API, the app that takes its callbacks, and a worker.

The app, the worker and the fake share one virtual clock, so the dates the
fake gives calls line up with the engine's. The app is driven with a
TestClient; callbacks are posted to the public URL, which the TestClient
routes to the app without any network.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, update

from api_helpers import make_app
from engine_helpers import AGENT, NOW, action_rows, new_run, register
from fakes.twilio_api import FakeTwilio
from journeys.clock import VirtualClock
from journeys.config import Settings
from journeys.domain.settings import RunSettings
from journeys.engine.worker import Worker
from journeys.providers.registry import Providers
from journeys.providers.twilio import TwilioProvider
from journeys.services import runs as run_service
from journeys.storage.schema import agents

ACCOUNT_SID = "AC" + "7c3e" * 8
AUTH_TOKEN = "9f3b7d1e5a2c4f6b8d0e1a3c5b7d9f2e"
PUBLIC_URL = "https://journeys.example.test"
STREAM_URL = "wss://agents.example.test/media"
TWILIO_RUN = RunSettings(provider="twilio", calling_window=None)


@dataclass
class TwilioBench:
    """Everything a Twilio test drives."""

    engine: Engine
    fake: FakeTwilio
    app: FastAPI
    client: TestClient
    clock: VirtualClock
    providers: Providers
    worker: Worker
    tmp_path: Path

    @property
    def config(self) -> Settings:
        return self.app.state.config

    @property
    def provider(self) -> TwilioProvider:
        return self.providers.by_name("twilio")  # type: ignore[return-value]

    def start(self, document: dict[str, Any], rows: list[dict[str, Any]] | int) -> int:
        """Create, import and start a run on the twilio provider; return its id."""
        run_id = new_run(self.engine, self.tmp_path, document, rows, run_settings=TWILIO_RUN)
        run_service.start_run(self.engine, run_id, now=self.clock.now(), config=self.config)
        return run_id

    def dispatch(self, run_id: int) -> list[dict[str, Any]]:
        """Tick the worker until it has nothing left to do now; return the run's actions."""
        while self.worker.tick():
            pass
        return action_rows(self.engine, run_id)


def set_agent(engine: Engine, **endpoints: str | None) -> None:
    """Set where the test agent is reached: its stream_url and sip_uri."""
    with engine.begin() as conn:
        conn.execute(update(agents).where(agents.c.name == AGENT).values(**endpoints))


@pytest.fixture
def bench(engine: Engine, tmp_path: Path) -> Iterator[TwilioBench]:
    clock = VirtualClock(NOW)
    register(engine)
    set_agent(engine, stream_url=STREAM_URL)
    with FakeTwilio(ACCOUNT_SID, AUTH_TOKEN, clock.now) as fake:
        app = make_app(
            engine, clock=clock, public_url=PUBLIC_URL, twilio_account_sid=ACCOUNT_SID,
            twilio_auth_token=AUTH_TOKEN, twilio_api_base=fake.url,
        )
        providers = Providers(engine, app.state.config)
        worker = Worker(engine, clock, providers=providers)
        with TestClient(app) as client:
            yield TwilioBench(engine, fake, app, client, clock, providers, worker, tmp_path)
