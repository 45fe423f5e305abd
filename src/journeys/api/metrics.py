"""Prometheus metrics: figures read from the database at each scrape, and this process's own.

The database figures come from `storage.metrics`, whose queries are bounded
by live work, so every process that shares the database reports the same
values. CALLBACK_LATENCY is this process's histogram of callback handling
times; the webhook routes observe it.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from prometheus_client import REGISTRY, CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine

from journeys.storage import metrics as queries

# Seconds from receiving a provider callback to answering it, by provider
# ("twilio", "webhook"). Use: `with CALLBACK_LATENCY.labels(provider="twilio").time(): ...`
CALLBACK_LATENCY = Histogram(
    "journeys_callback_latency_seconds",
    "Seconds spent handling one provider callback request, from receipt to response.",
    ["provider"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0),
)

# A worker whose last heartbeat is older than this is reported as not alive.
WORKER_ALIVE_WITHIN = timedelta(minutes=2)
# Workers silent for longer are left out, so crashed ones do not pile up as series.
WORKER_SHOWN_WITHIN = timedelta(hours=1)


class DatabaseCollector(Collector):
    """Reads runs, recipients, actions and worker heartbeats from the database at each scrape."""

    def __init__(self, engine: Engine, now: datetime) -> None:
        self._engine = engine
        self._now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        with self._engine.connect() as conn:
            runs = queries.count_runs_by_status(conn)
            recipients = queries.count_open_recipients(conn)
            open_actions = queries.count_open_actions(conn)
            outcomes = queries.count_live_outcomes(conn)
            heartbeats = queries.worker_heartbeats(conn, since=self._now - WORKER_SHOWN_WITHIN)

        yield _gauge("journeys_runs", "Runs by status.", ["status"], {(k,): v for k, v in runs.items()})
        yield _gauge(
            "journeys_recipients_open", "Unfinished recipients of scheduled, running and paused runs, by status.",
            ["status"], {(k,): v for k, v in recipients.items()},
        )
        yield _gauge(
            "journeys_actions_open", "Calls and SMS without a final outcome yet, by kind and status.",
            ["kind", "status"], open_actions,
        )
        yield _gauge(
            "journeys_actions_completed", "Completed calls and SMS of scheduled, running and paused runs, by kind and outcome.",
            ["kind", "outcome"], outcomes,
        )
        yield _gauge(
            "journeys_worker_heartbeat_timestamp_seconds", "Unix time of each running worker's last heartbeat.",
            ["worker"], {(worker,): at.timestamp() for worker, at in heartbeats.items()},
        )
        alive = sum(1 for at in heartbeats.values() if at >= self._now - WORKER_ALIVE_WITHIN)
        yield _gauge("journeys_workers_alive", "Workers with a heartbeat in the last two minutes.", [], {(): alive})


def render(engine: Engine, now: datetime) -> bytes:
    """Return the exposition text: this process's metrics, then the database's."""
    database = CollectorRegistry(auto_describe=False)
    database.register(DatabaseCollector(engine, now))
    return generate_latest(REGISTRY) + generate_latest(database)


def _gauge(name: str, documentation: str, labels: list[str], values: dict) -> GaugeMetricFamily:  # type: ignore[type-arg]
    family = GaugeMetricFamily(name, documentation, labels=labels)
    for label_values, value in sorted(values.items()):
        family.add_metric(list(label_values), value)
    return family
