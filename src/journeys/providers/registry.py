"""Picks the provider for each run, from the run's settings."""

from __future__ import annotations

from sqlalchemy import Engine

from journeys.domain.settings import RunSettings
from journeys.providers.base import Provider
from journeys.providers.simulator import SimulatorProvider


class Providers:
    """The providers one process uses, built once per run's settings."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._by_run: dict[int, Provider] = {}
        self._default = SimulatorProvider(engine)

    def for_run(self, run_id: int, settings: RunSettings) -> Provider:
        """Return the provider that places this run's calls and SMS."""
        if run_id not in self._by_run:
            self._by_run[run_id] = SimulatorProvider(self._engine, settings.simulator)
        return self._by_run[run_id]

    def by_name(self, name: str) -> Provider:
        """Return a provider for look-ups and hang-ups of actions it placed earlier."""
        return self._default

    def pollers(self) -> list[Provider]:
        """Return the providers whose reports the worker collects itself."""
        return [self._default]
