"""Picks the provider for each run, from the run's settings."""

from __future__ import annotations

from sqlalchemy import Engine

from journeys.config import Settings, load_settings
from journeys.domain.settings import RunSettings
from journeys.providers.base import Provider
from journeys.providers.simulator import SimulatorProvider


class Providers:
    """The providers one process uses: a simulator per run, one of each remote kind."""

    def __init__(self, engine: Engine, config: Settings | None = None) -> None:
        self._engine = engine
        self._config = config
        self._by_run: dict[int, Provider] = {}
        self._simulator = SimulatorProvider(engine)
        self._remote: dict[str, Provider] = {}

    def for_run(self, run_id: int, settings: RunSettings) -> Provider:
        """Return the provider that places this run's calls and SMS."""
        if settings.provider != "simulator":
            return self.by_name(settings.provider)
        if run_id not in self._by_run:
            self._by_run[run_id] = SimulatorProvider(self._engine, settings.simulator)
        return self._by_run[run_id]

    def by_name(self, name: str) -> Provider:
        """Return a provider for look-ups and hang-ups of actions it placed earlier."""
        if name == "simulator":
            return self._simulator
        if name not in self._remote:
            self._remote[name] = self._build(name)
        return self._remote[name]

    def pollers(self) -> list[Provider]:
        """Return the providers whose reports the worker collects itself."""
        return [self._simulator]

    def _build(self, name: str) -> Provider:
        # Imported here so that a process that never uses a remote provider
        # does not load its SDK.
        config = self._config or load_settings()
        if name == "twilio":
            from journeys.providers.twilio import TwilioProvider

            return TwilioProvider(self._engine, config)
        if name == "webhook":
            from journeys.providers.webhook import WebhookProvider

            return WebhookProvider(self._engine, config)
        raise ValueError(f"unknown provider {name!r}")
