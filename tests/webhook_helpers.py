"""A webhook test bench: the fake agent platform, the API served over real HTTP, and a worker.

Outbound requests are signed with wall time, which the fake platform checks.
The app, the worker and the callbacks the platform signs share one virtual
clock, so that a result applied at that clock's time is due for the worker.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from sqlalchemy import Engine

from api_helpers import make_app
from engine_helpers import AGENT, NOW, action_rows, new_run, register
from fakes.agent_platform import FakeAgentPlatform, signed_headers
from journeys.clock import VirtualClock
from journeys.config import Settings
from journeys.domain.settings import RunSettings
from journeys.engine.worker import Worker
from journeys.providers.registry import Providers
from journeys.providers.webhook import WebhookProvider
from journeys.services import runs as run_service
from journeys.storage import registry as registry_queries
from live_server import LiveServer

AGENT_SECRET = "agent-secret-8d1f0c2b7e94a6"
SMS_SECRET = "sms-secret-3a5c7e9b1d2f4a"
AGENT_PATH = f"/agents/{AGENT}"
SMS_PATH = "/sms"
WEBHOOK_RUN = RunSettings(provider="webhook", calling_window=None)


@dataclass
class WebhookBench:
    """Everything a webhook test drives: the database, the platform, the served app and a worker."""

    engine: Engine
    platform: FakeAgentPlatform
    app: FastAPI
    url: str
    clock: VirtualClock
    providers: Providers
    worker: Worker
    tmp_path: Path

    @property
    def config(self) -> Settings:
        return self.app.state.config

    @property
    def provider(self) -> WebhookProvider:
        return self.providers.by_name("webhook")  # type: ignore[return-value]

    def set_agent(self, url: str | None, secret: str | None = AGENT_SECRET) -> None:
        with self.engine.begin() as conn:
            registry_queries.update_agent(conn, AGENT, webhook_url=url, webhook_secret=secret)

    def start(self, document: dict[str, Any], rows: list[dict[str, Any]] | int = 1) -> int:
        """Create, import and start a webhook run with this server's settings; return its id."""
        run_id = new_run(self.engine, self.tmp_path, document, rows, run_settings=WEBHOOK_RUN)
        run_service.start_run(self.engine, run_id, now=self.clock.now(), config=self.config)
        return run_id

    def dispatch(self, document: dict[str, Any], rows: list[dict[str, Any]] | int = 1) -> tuple[int, list[dict[str, Any]]]:
        """Start a run and tick once, which places its first actions; return the run id and its actions."""
        run_id = self.start(document, rows)
        self.worker.tick()
        return run_id, action_rows(self.engine, run_id)

    def post(self, action: dict[str, Any], body: dict[str, Any], **keywords: Any) -> httpx.Response:
        """POST a result for an action to the callback URL it was sent with, signed as the platform signs."""
        kind = "calls" if action["kind"] == "call" else "sms"
        secret = AGENT_SECRET if action["kind"] == "call" else SMS_SECRET
        return self.platform.post_result(
            f"{self.url}/webhooks/agent/{kind}/{action['id']}", body, secret=secret, now=self.clock.now, **keywords
        )

    def post_raw(self, action_id: int, content: bytes, headers: dict[str, str], kind: str = "calls") -> httpx.Response:
        return httpx.post(
            f"{self.url}/webhooks/agent/{kind}/{action_id}", content=content,
            headers={"Content-Type": "application/json", **headers}, timeout=30, trust_env=False,
        )

    def signed(self, body: bytes, *, secret: str = AGENT_SECRET, age_seconds: int = 0) -> dict[str, str]:
        return signed_headers(secret, body, int(self.clock.now().timestamp()) - age_seconds)


@pytest.fixture
def bench(engine: Engine, tmp_path: Path) -> Iterator[WebhookBench]:
    """Yield a bench on each database: agent `collections` and the SMS webhook point at the fake platform."""
    register(engine)
    clock = VirtualClock(NOW)
    live = LiveServer()
    with FakeAgentPlatform({AGENT_PATH: AGENT_SECRET, SMS_PATH: SMS_SECRET}) as platform:
        app = make_app(
            engine, clock=clock, public_url=live.url, webhook_allowed_hosts=["127.0.0.1"],
            webhook_sms_url=platform.url(SMS_PATH), webhook_sms_secret=SMS_SECRET, webhook_timeout_seconds=2.0,
        )
        providers = Providers(engine, app.state.config)
        bench = WebhookBench(
            engine=engine, platform=platform, app=app, url=live.url, clock=clock, providers=providers,
            worker=Worker(engine, clock, providers=providers), tmp_path=tmp_path,
        )
        bench.set_agent(platform.url(AGENT_PATH))
        try:
            with live.serving(app):
                yield bench
        finally:
            bench.provider.close()
