"""GET /metrics: Prometheus text with database counts, worker heartbeats and callback latency."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from api_helpers import client_as, make_app
from engine_helpers import NOW, call, end, journey, new_run, register, start, worker
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import Engine, insert

from journeys.api.metrics import CALLBACK_LATENCY
from journeys.clock import VirtualClock
from journeys.services import runs as run_service
from journeys.storage.schema import workers


def scrape(engine: Engine) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Return every sample of /metrics by (name, sorted labels)."""
    with client_as(make_app(engine, clock=VirtualClock(NOW)), None) as client:
        response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    samples = {}
    for family in text_string_to_metric_families(response.text):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return samples


@pytest.fixture
def live_run(engine: Engine, tmp_path: Path) -> int:
    register(engine)
    run_id = new_run(engine, tmp_path, journey(start("call_1"), call("call_1", "done"), end()), 4)
    run_service.start_run(engine, run_id, now=NOW)
    worker(engine, VirtualClock(NOW)).tick()
    return run_id


def test_metrics_need_no_credentials(engine: Engine) -> None:
    samples = scrape(engine)

    assert samples[("journeys_workers_alive", ())] == 0


def test_metrics_count_runs_recipients_and_actions(engine: Engine, live_run: int) -> None:
    samples = scrape(engine)

    assert samples[("journeys_runs", (("status", "running"),))] == 1
    assert samples[("journeys_recipients_open", (("status", "waiting"),))] == 4
    open_calls = sum(
        value for (name, labels), value in samples.items()
        if name == "journeys_actions_open" and ("kind", "call") in labels
    )
    assert open_calls == 4


def test_metrics_count_outcomes_of_live_runs(engine: Engine, live_run: int) -> None:
    clock = VirtualClock(NOW)
    engine_worker = worker(engine, clock)
    engine_worker.tick()
    clock.advance_to(NOW + timedelta(minutes=30))
    run_service.pause_run(engine, live_run, now=clock.now())
    engine_worker.tick()

    samples = scrape(engine)

    completed = {
        dict(labels)["outcome"]: value for (name, labels), value in samples.items()
        if name == "journeys_actions_completed" and dict(labels)["kind"] == "call"
    }
    assert sum(completed.values()) == 4
    assert set(completed) <= {"answered", "voicemail", "no_answer", "busy", "failed"}


def test_metrics_show_worker_heartbeats(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(workers), [
            {"id": "alive", "host": "h", "pid": 1, "started_at": NOW, "heartbeat_at": NOW - timedelta(seconds=10), "stopped_at": None},
            {"id": "silent", "host": "h", "pid": 2, "started_at": NOW, "heartbeat_at": NOW - timedelta(minutes=10), "stopped_at": None},
            {"id": "gone", "host": "h", "pid": 3, "started_at": NOW, "heartbeat_at": NOW, "stopped_at": NOW},
            {"id": "ancient", "host": "h", "pid": 4, "started_at": NOW, "heartbeat_at": NOW - timedelta(days=2), "stopped_at": None},
        ])

    samples = scrape(engine)

    heartbeats = {
        dict(labels)["worker"]: value for (name, labels), value in samples.items()
        if name == "journeys_worker_heartbeat_timestamp_seconds"
    }
    assert heartbeats == {
        "alive": (NOW - timedelta(seconds=10)).timestamp(),
        "silent": (NOW - timedelta(minutes=10)).timestamp(),
    }
    assert samples[("journeys_workers_alive", ())] == 1


def test_metrics_include_callback_latency(engine: Engine) -> None:
    before = CALLBACK_LATENCY.labels(provider="test")._sum.get()  # type: ignore[attr-defined]
    CALLBACK_LATENCY.labels(provider="test").observe(0.2)

    samples = scrape(engine)

    assert samples[("journeys_callback_latency_seconds_sum", (("provider", "test"),))] == pytest.approx(before + 0.2)
    assert samples[("journeys_callback_latency_seconds_bucket", (("le", "0.25"), ("provider", "test")))] >= 1
