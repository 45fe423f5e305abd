"""Calls over time: a journey's call outcomes per minute, hour or day, for the Overview chart.

The series covers [since, until) when both are given; an open end stops at
the first or last call placed. Buckets start at `since` when it is given, so
a range that starts at local midnight gets days that start at local
midnight. Without `since`, buckets start at whole minutes, hours or days of
UTC. Every bucket in the range is listed, empty ones included.

NOTE: a day bucket is always 86,400 seconds, so across a daylight saving
change the days after it start an hour off local midnight.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from journeys.errors import InvalidInputError
from journeys.stats import make_scope
from journeys.storage import call_series as queries
from journeys.storage.call_series import CHART_OUTCOMES
from journeys.storage.stats import StatsScope

BUCKET_SECONDS = {"minute": 60, "hour": 3600, "day": 86400}

# The maximum number of buckets in one response. A chart a screen wide has
# room for a few hundred bars, and the response stays a few tens of kilobytes.
MAX_BUCKETS = 500

# Without a requested bucket, the finest one that splits the range into at
# most this many buckets is chosen (minutes up to 3 hours, hours up to 7.5
# days), and days beyond.
AUTOMATIC_MAX_BUCKETS = 180


@dataclass(frozen=True)
class CallSeries:
    """Call outcomes per bucket, with the range that the buckets cover."""

    journey_id: int
    run_id: int | None
    bucket: str
    since: datetime | None
    until: datetime | None
    # True when an automatic choice of days still made too many buckets, so
    # that only the last MAX_BUCKETS days of the range are listed.
    clipped: bool = False
    series: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class _Grid:
    origin: int
    width: int
    count: int


def calls_over_time(
    conn: Connection,
    journey_id: int,
    *,
    run_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    bucket: str | None = None,
) -> CallSeries:
    """Count a journey's calls (or one run's) per bucket and outcome.

    Raises NotFoundError for an unknown journey or a run of another journey,
    and InvalidInputError for an unknown bucket, a time without a UTC offset,
    a reversed range, or a requested bucket that splits the range into more
    than MAX_BUCKETS buckets.
    """
    if bucket is not None and bucket not in BUCKET_SECONDS:
        raise InvalidInputError(f"bucket {bucket!r} is unknown; use minute, hour or day, or leave it out")
    scope = make_scope(conn, journey_id, run_id, since, until)

    first, last = queries.dispatch_time_range(conn, scope)
    start = scope.since or first
    end = scope.until or last
    chosen = bucket or _automatic_bucket(start, end)
    empty = CallSeries(journey_id=journey_id, run_id=run_id, bucket=chosen, since=scope.since, until=scope.until)
    if start is None or end is None:
        return empty

    grid, clipped = _grid(
        start, end, chosen,
        from_since=scope.since is not None, to_until=scope.until is not None, requested=bucket is not None,
    )
    if grid.count == 0:
        return empty
    counts = queries.count_outcomes_per_bucket(
        conn, _clip_scope(scope, grid, clipped), origin_seconds=grid.origin, width_seconds=grid.width
    )
    return CallSeries(
        journey_id=journey_id,
        run_id=run_id,
        bucket=chosen,
        since=_utc(grid.origin),
        until=_utc(grid.origin + grid.count * grid.width),
        clipped=clipped,
        series=_series(grid, counts),
    )


def _automatic_bucket(start: datetime | None, end: datetime | None) -> str:
    if start is None or end is None:
        return "hour"
    span = max((end - start).total_seconds(), 0)
    for name in ("minute", "hour"):
        if span <= AUTOMATIC_MAX_BUCKETS * BUCKET_SECONDS[name]:
            return name
    return "day"


def _grid(start: datetime, end: datetime, bucket: str, *, from_since: bool, to_until: bool, requested: bool) -> tuple[_Grid, bool]:
    width = BUCKET_SECONDS[bucket]

    # A given `since` starts the first bucket. Otherwise the first call's
    # bucket starts at a multiple of the width, as a UTC clock shows it.
    # Whole seconds, rounded down, keep every charted call at or after the origin.
    origin = math.floor(start.timestamp())
    if not from_since:
        origin -= origin % width

    if to_until:
        # [since, until): a bucket that `until` cuts short is still listed.
        count = math.ceil((end.timestamp() - origin) / width)
    else:
        # The bucket of the last call is included.
        count = (math.floor(end.timestamp()) - origin) // width + 1
    count = max(count, 0)

    if count <= MAX_BUCKETS:
        return _Grid(origin, width, count), False
    if requested:
        raise InvalidInputError(
            f"the range from {_utc(origin).isoformat()} to {end.isoformat()} contains {count} {bucket} buckets, "
            f"more than the maximum of {MAX_BUCKETS} per response; choose a larger bucket or a shorter range"
        )
    return _Grid(origin + (count - MAX_BUCKETS) * width, width, MAX_BUCKETS), True


def _clip_scope(scope: StatsScope, grid: _Grid, clipped: bool) -> StatsScope:
    # Clipping drops the range's first buckets, so their calls must not be
    # counted either: they would get negative bucket indexes.
    if not clipped:
        return scope
    return replace(scope, since=_utc(grid.origin))


def _series(grid: _Grid, counts: list[queries.BucketCount]) -> list[dict[str, Any]]:
    series: list[dict[str, Any]] = [
        {"start": _utc(grid.origin + index * grid.width), **dict.fromkeys(CHART_OUTCOMES, 0)}
        for index in range(grid.count)
    ]
    for row in counts:
        # A call placed after the first query read the last call's time falls
        # past the grid; the next request shows it.
        if 0 <= row.index < grid.count:
            series[row.index][row.outcome] += row.calls
    return series


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
