"""The chart route GET /api/journeys/{id}/calls-over-time, on runs that the engine moved.

Each run calls every recipient, waits two hours and calls again, so the calls
fall into two groups of hours and the range filters have something to split.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from api_helpers import client_as, make_app
from engine_helpers import (
    NOW,
    action_rows,
    call,
    delay,
    end,
    journey,
    phones,
    register,
    settings,
    start,
    worker,
    write_csv,
)
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine

from journeys.clock import VirtualClock
from journeys.importer.options import ImportOptions
from journeys.importer.service import import_recipients
from journeys.services import journeys as journey_service
from journeys.services import runs as run_service
from journeys.services.call_series import MAX_BUCKETS

OUTCOMES = ("answered", "voicemail", "no_answer", "busy", "failed", "cancelled")
# Outcomes of the first and second call of each recipient, by index.
SCRIPTS = [
    ["answered", "answered"],
    ["voicemail", "no_answer"],
    ["no_answer", "busy"],
    ["busy", "failed"],
    ["failed", "voicemail"],
    ["no_answer", "answered"],
]
# Runs start off the hour and off the minute, so that bucket alignment shows.
START = NOW + timedelta(minutes=7, seconds=13)


def two_calls_journey() -> dict[str, Any]:
    return journey(start("call_1"), call("call_1", "wait"), delay("wait", "call_2", 2), call("call_2", "done"), end())


def add_run(engine: Engine, tmp_path: Path, journey_id: int, first_phone: int) -> int:
    """Create, import and start a run of `journey_id` whose recipients follow SCRIPTS."""
    numbers = phones(len(SCRIPTS), first=first_phone)
    run_settings = settings(latency_seconds=30, script=dict(zip(numbers, SCRIPTS, strict=True)))
    run_id = run_service.create_run(engine, journey_id, name=f"wave {first_phone}", settings=run_settings, now=NOW)
    csv_path = write_csv(tmp_path, [{"phone_number": number} for number in numbers], name=f"run-{run_id}.csv")
    import_recipients(engine, run_id, csv_path, options=ImportOptions(), now=NOW)
    run_service.start_run(engine, run_id, now=START)
    return run_id


@pytest.fixture
def finished(engine: Engine, tmp_path: Path) -> dict[str, int]:
    """Return the ids of a journey with two finished runs, moved by a worker on a virtual clock."""
    register(engine)
    journey_id = journey_service.create_journey(engine, two_calls_journey(), now=NOW)
    first = add_run(engine, tmp_path, journey_id, 0)
    second = add_run(engine, tmp_path, journey_id, 50)
    work = worker(engine, VirtualClock(START))
    work.run_until_finished(first)
    work.run_until_finished(second)
    return {"journey": journey_id, "first": first, "second": second}


@pytest.fixture
def api(engine: Engine) -> FastAPI:
    return make_app(engine, clock=VirtualClock(NOW))


def expected_counts(engine: Engine, run_ids: set[int], width: int, origin: datetime) -> dict[datetime, Counter[str]]:
    """Count the runs' calls per bucket and outcome from the action rows themselves."""
    counts: dict[datetime, Counter[str]] = {}
    for row in action_rows(engine):
        if row["run_id"] not in run_ids or row["kind"] != "call" or row["outcome"] is None:
            continue
        index = int((row["dispatched_at"] - origin).total_seconds() // width)
        bucket = origin + timedelta(seconds=index * width)
        counts.setdefault(bucket, Counter())[row["outcome"]] += 1
    return counts


def nonzero(series: list[dict[str, Any]]) -> dict[datetime, Counter[str]]:
    """Return the buckets that have calls, as start -> outcome counts."""
    found = {}
    for point in series:
        counts = Counter({outcome: point[outcome] for outcome in OUTCOMES if point[outcome]})
        if counts:
            found[datetime.fromisoformat(point["start"])] = counts
    return found


def get(client: TestClient, journey_id: int, **params: Any) -> Any:
    return client.get(f"/api/journeys/{journey_id}/calls-over-time", params=params)


def test_hour_buckets_match_actions(api: FastAPI, engine: Engine, finished: dict[str, int]) -> None:
    with client_as(api, "viewer") as client:
        response = get(client, finished["journey"], bucket="hour")

    assert response.status_code == 200
    body = response.json()
    assert body["bucket"] == "hour"
    assert body["run_id"] is None
    origin = datetime.fromisoformat(body["series"][0]["start"])
    assert origin == START.replace(minute=0, second=0)
    expected = expected_counts(engine, {finished["first"], finished["second"]}, 3600, origin)
    assert nonzero(body["series"]) == expected
    assert len(expected) >= 2, "the delay should put the second calls in a later hour"


def test_buckets_are_contiguous(api: FastAPI, finished: dict[str, int]) -> None:
    with client_as(api, "viewer") as client:
        body = get(client, finished["journey"], bucket="minute").json()

    starts = [datetime.fromisoformat(point["start"]) for point in body["series"]]
    assert starts[0] == START.replace(second=0)
    assert all(later - earlier == timedelta(minutes=1) for earlier, later in zip(starts, starts[1:], strict=False))
    assert datetime.fromisoformat(body["since"]) == starts[0]
    assert datetime.fromisoformat(body["until"]) == starts[-1] + timedelta(minutes=1)
    assert body["clipped"] is False


def test_totals_match_stats(api: FastAPI, finished: dict[str, int]) -> None:
    with client_as(api, "viewer") as client:
        series = get(client, finished["journey"]).json()["series"]
        stats = client.get(f"/api/journeys/{finished['journey']}/stats").json()

    totals = {outcome: sum(point[outcome] for point in series) for outcome in OUTCOMES}
    assert totals["answered"] == stats["calls_answered"]
    assert totals["voicemail"] == stats["voicemail"]
    assert totals["no_answer"] == stats["no_answer"]
    assert totals["busy"] == stats["busy"]
    assert totals["failed"] == stats["calls_failed"]
    assert sum(totals.values()) == 2 * 2 * len(SCRIPTS)


def test_run_filter_counts_one_run(api: FastAPI, engine: Engine, finished: dict[str, int]) -> None:
    with client_as(api, "viewer") as client:
        body = get(client, finished["journey"], run=finished["second"], bucket="minute").json()

    origin = datetime.fromisoformat(body["series"][0]["start"])
    assert body["run_id"] == finished["second"]
    assert nonzero(body["series"]) == expected_counts(engine, {finished["second"]}, 60, origin)
    assert sum(point["answered"] for point in body["series"]) == 3


def test_range_starts_first_bucket(api: FastAPI, engine: Engine, finished: dict[str, int]) -> None:
    # New York midnight: the day bucket starts there, not at UTC midnight.
    since = datetime(2026, 3, 2, 0, 0, tzinfo=UTC) + timedelta(hours=5)
    until = since + timedelta(days=3)

    with client_as(api, "viewer") as client:
        body = get(client, finished["journey"], since=since.isoformat(), until=until.isoformat(), bucket="day").json()

    assert [datetime.fromisoformat(point["start"]) for point in body["series"]] == [
        since, since + timedelta(days=1), since + timedelta(days=2)
    ]
    assert body["series"][0]["answered"] + body["series"][0]["no_answer"] > 0
    assert nonzero(body["series"]) == expected_counts(engine, {finished["first"], finished["second"]}, 86400, since)


def test_range_leaves_out_earlier_calls(api: FastAPI, engine: Engine, finished: dict[str, int]) -> None:
    since = NOW + timedelta(hours=1)

    with client_as(api, "viewer") as client:
        body = get(client, finished["journey"], since=since.isoformat()).json()

    second_calls = [row for row in action_rows(engine) if row["node_id"] == "call_2"]
    assert sum(sum(point[outcome] for outcome in OUTCOMES) for point in body["series"]) == len(second_calls)
    assert datetime.fromisoformat(body["series"][0]["start"]) == since


def test_range_without_calls_lists_empty_buckets(api: FastAPI, finished: dict[str, int]) -> None:
    since = NOW + timedelta(days=10)

    with client_as(api, "viewer") as client:
        body = get(client, finished["journey"], since=since.isoformat(), until=(since + timedelta(hours=2)).isoformat()).json()

    assert body["bucket"] == "minute"
    assert len(body["series"]) == 120
    assert nonzero(body["series"]) == {}


def test_automatic_bucket_follows_range(api: FastAPI, finished: dict[str, int]) -> None:
    cases = [(timedelta(hours=2), "minute", 120), (timedelta(days=2), "hour", 48), (timedelta(days=30), "day", 30)]

    with client_as(api, "viewer") as client:
        for span, bucket, count in cases:
            body = get(client, finished["journey"], since=NOW.isoformat(), until=(NOW + span).isoformat()).json()

            assert body["bucket"] == bucket, span
            assert len(body["series"]) == count, span

        # Without a range, the span from the first to the last call (about 2 hours) decides.
        assert get(client, finished["journey"]).json()["bucket"] == "minute"


def test_automatic_days_clip_long_range(api: FastAPI, finished: dict[str, int]) -> None:
    until = NOW + timedelta(days=1)

    with client_as(api, "viewer") as client:
        body = get(client, finished["journey"], since=(NOW - timedelta(days=2000)).isoformat(), until=until.isoformat()).json()

    assert body["bucket"] == "day"
    assert body["clipped"] is True
    assert len(body["series"]) == MAX_BUCKETS
    assert sum(point["answered"] for point in body["series"]) == 6


def test_journey_without_calls_has_empty_series(api: FastAPI, engine: Engine) -> None:
    register(engine)
    journey_id = journey_service.create_journey(engine, two_calls_journey(), now=NOW)

    with client_as(api, "viewer") as client:
        body = get(client, journey_id).json()

    assert body["series"] == []


def test_unknown_journey_is_404(api: FastAPI) -> None:
    with client_as(api, "viewer") as client:
        response = get(client, 999_999)

    assert response.status_code == 404


def test_run_of_other_journey_is_404(api: FastAPI, engine: Engine, finished: dict[str, int]) -> None:
    other = journey_service.create_journey(engine, two_calls_journey(), now=NOW)

    with client_as(api, "viewer") as client:
        response = get(client, other, run=finished["first"])

    assert response.status_code == 404
    assert str(finished["journey"]) in response.json()["message"]


def test_bad_bucket_is_422(api: FastAPI, finished: dict[str, int]) -> None:
    with client_as(api, "viewer") as client:
        response = get(client, finished["journey"], bucket="week")

    assert response.status_code == 422
    assert response.json()["errors"][0]["path"] == "query.bucket"


def test_too_many_buckets_is_422(api: FastAPI, finished: dict[str, int]) -> None:
    since = NOW - timedelta(days=30)

    with client_as(api, "viewer") as client:
        response = get(client, finished["journey"], since=since.isoformat(), bucket="minute")

    assert response.status_code == 422
    assert "larger bucket" in response.json()["message"]


def test_naive_since_is_422(api: FastAPI, finished: dict[str, int]) -> None:
    with client_as(api, "viewer") as client:
        response = get(client, finished["journey"], since="2026-03-02T00:00:00")

    assert response.status_code == 422
    assert "UTC offset" in response.json()["message"]
