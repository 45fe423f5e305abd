"""The recipients page of a large run: `GET /api/runs/{id}/recipients` filtered by status and by node.

The app runs in this process and requests go through its ASGI interface
(Starlette's TestClient), with an API key, so each time includes routing,
authentication, the query and the JSON response, but no network. The run is
spread as a large run is midway (70% completed, 20% delayed, 5% failed, 0.1%
active, the rest waiting, over seven nodes) and analyzed, as autovacuum does
soon after a bulk load. Each filter is read as a client pages through it: the
first pages by following `next_cursor`, then pages that start at cursors
spread over the whole run. Pages hold 50 recipients, the API's default.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from benchmarks.common import Context, Measurement, database, reproduce_command
from benchmarks.seed import seed_run
from journeys.api.app import create_app
from journeys.api.cursor import encode_cursor
from journeys.config import Settings
from journeys.services import auth
from journeys.storage.db import connect

FIGURE = "recipients page"
TARGET = "p99 < 100 ms for a page of a 1,000,000-recipient run filtered by status or node"
P99_TARGET_MS = 100
FILTERS: dict[str, dict[str, str]] = {
    "status completed (70%)": {"status": "completed"},
    "status waiting (5%)": {"status": "waiting"},
    "status active (0.1%)": {"status": "active"},
    "node pause": {"node": "pause"},
    "node call_2 and status delayed": {"node": "call_2", "status": "delayed"},
}
FOLLOWED_PAGES = 20
SPREAD_PAGES = 40


def measure(ctx: Context, database_kind: str) -> list[Measurement]:
    recipients = ctx.rows("page_recipients")
    command = reproduce_command(ctx, FIGURE.replace(" ", "_"), database_kind)
    p50 = Measurement(figure="recipients page p50", database=database_kind, unit="ms", samples=[], target="(no target)", command=command)
    p99 = Measurement(figure="recipients page p99", database=database_kind, unit="ms", samples=[], target="< 100 ms", command=command)
    worst: dict[str, float] = {}
    with database(database_kind, ctx.work_dir) as url:
        engine = connect(url)
        try:
            seeded = seed_run(engine, recipients, events_per_recipient=0)
            _, key = auth.create_api_key(engine, name="benchmark", role="viewer", created_by=None, now=datetime.now(UTC))
            app = create_app(Settings(database_url=url), engine=engine)
            with TestClient(app, headers={"Authorization": f"Bearer {key}"}) as client:
                for _ in range(ctx.repeats):
                    times, by_filter = _sample(client, seeded.run_id, first_id=_first_id(client, seeded.run_id), recipients=recipients)
                    p50.samples.append(_percentile(times, 50))
                    p99.samples.append(_percentile(times, 99))
                    for name, values in by_filter.items():
                        worst[name] = max(worst.get(name, 0.0), _percentile(values, 99))
        finally:
            engine.dispose()

    p99.notes.append(
        f"{recipients:,} recipients in one run; {len(FILTERS) * (FOLLOWED_PAGES + SPREAD_PAGES)} requests per sample, "
        "in process through the ASGI app. p99 by filter (worst sample): "
        + "; ".join(f"{name} {value:.1f} ms" for name, value in worst.items()) + "."
    )
    if ctx.size != "tiny":
        # The median over samples, as every figure reports; the range shows the worst.
        p99.met = p99.median < P99_TARGET_MS
    return [p50, p99]


def _first_id(client: TestClient, run_id: int) -> int:
    page = _get(client, run_id, {"limit": "1"})
    return int(page["items"][0]["id"])


def _sample(client: TestClient, run_id: int, *, first_id: int, recipients: int) -> tuple[list[float], dict[str, list[float]]]:
    """Read every filter's pages; return every request's milliseconds, and them by filter."""
    every: list[float] = []
    by_filter: dict[str, list[float]] = {}
    for name, filters in FILTERS.items():
        times: list[float] = []
        cursor: str | None = None
        for _ in range(FOLLOWED_PAGES):
            started = time.perf_counter()
            page = _get(client, run_id, {**filters, **({"cursor": cursor} if cursor else {})})
            times.append((time.perf_counter() - started) * 1000)
            cursor = page["next_cursor"]
            if cursor is None:
                break
        for index in range(SPREAD_PAGES):
            after = first_id + recipients * index // SPREAD_PAGES
            started = time.perf_counter()
            _get(client, run_id, {**filters, "cursor": encode_cursor(after)})
            times.append((time.perf_counter() - started) * 1000)
        by_filter[name] = times
        every += times
    return every, by_filter


def _get(client: TestClient, run_id: int, params: dict[str, str]) -> dict:  # type: ignore[type-arg]
    response = client.get(f"/api/runs/{run_id}/recipients", params=params)
    if response.status_code != 200:
        raise RuntimeError(f"GET recipients of run {run_id} with {params} returned {response.status_code}: {response.text[:300]}")
    return response.json()


def _percentile(values: list[float], percent: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * percent / 100))]
