"""Queries behind the chart of calls over time: call outcomes counted per time bucket.

A call falls in the bucket of its `dispatched_at`, the time that the
statistics' range filter also uses, so the buckets of a range add up to the
outcome figures of `journeys.stats` for that range. Only calls with an
outcome count. As in the statistics, `answered` means answered by a person,
and a call answered by a machine counts in no bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Connection,
    and_,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from journeys.storage.schema import actions
from journeys.storage.stats import PERSON_ANSWERED_BY, StatsScope

# The outcomes the chart stacks, in stacking order.
CHART_OUTCOMES = ("answered", "voicemail", "no_answer", "busy", "failed", "cancelled")


class epoch_seconds(FunctionElement[int]):  # noqa: N801 - SQL function names are lower case
    """Whole seconds since 1970-01-01 UTC of a UTC time column, rounded down."""

    type = BigInteger()
    inherit_cache = True


@compiles(epoch_seconds, "sqlite")
def _epoch_seconds_sqlite(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # SQLite stores the times as UTC text, which strftime('%s') reads as UTC.
    return f"CAST(strftime('%s', {compiler.process(element.clauses, **kw)}) AS INTEGER)"


@compiles(epoch_seconds, "postgresql")
def _epoch_seconds_postgresql(element: epoch_seconds, compiler: Any, **kw: Any) -> str:
    # A cast from numeric to bigint rounds, so floor() first to round down as SQLite does.
    return f"CAST(floor(extract(epoch FROM {compiler.process(element.clauses, **kw)})) AS BIGINT)"


@dataclass(frozen=True)
class BucketCount:
    """Calls of one outcome in the bucket at `index` (0 is the bucket that starts at the origin)."""

    index: int
    outcome: str
    calls: int


def dispatch_time_range(conn: Connection, scope: StatsScope) -> tuple[datetime | None, datetime | None]:
    """Return the first and last `dispatched_at` of the calls the chart counts, or (None, None)."""
    query = select(func.min(actions.c.dispatched_at), func.max(actions.c.dispatched_at)).where(_charted_calls(scope))
    first, last = conn.execute(query).one()
    return first, last


def count_outcomes_per_bucket(
    conn: Connection, scope: StatsScope, *, origin_seconds: int, width_seconds: int
) -> list[BucketCount]:
    """Count the charted calls per bucket of `width_seconds` from `origin_seconds` (Unix time) and outcome.

    The caller chooses an origin at or before every counted `dispatched_at`,
    so that integer division rounds each index down on both databases.
    """
    # The index and the outcome are computed in a subquery and grouped outside
    # it: PostgreSQL cannot match a GROUP BY expression whose bound parameters
    # are sent apart from the same expression in the SELECT list.
    per_call = (
        select(
            ((epoch_seconds(actions.c.dispatched_at) - literal(origin_seconds, BigInteger)) // width_seconds).label("bucket"),
            actions.c.outcome.label("outcome"),
        )
        .where(_charted_calls(scope))
        .subquery()
    )
    query = select(per_call.c.bucket, per_call.c.outcome, func.count()).group_by(per_call.c.bucket, per_call.c.outcome)
    return [
        BucketCount(index=int(index), outcome=str(outcome), calls=int(calls))
        for index, outcome, calls in conn.execute(query)
    ]


def _charted_calls(scope: StatsScope) -> ColumnElement[bool]:
    # Calls of the scope's runs (an IN on run_id, which the actions index
    # on (run_id, kind, status) serves), placed in the range, with an outcome
    # other than answered by a machine.
    answered_by = actions.c.result["answered_by"].as_string()
    return and_(
        scope.runs_condition(actions.c.run_id),
        actions.c.kind == "call",
        actions.c.outcome.in_(CHART_OUTCOMES),
        or_(actions.c.outcome != "answered", answered_by.is_(None), answered_by.in_(PERSON_ANSWERED_BY)),
        actions.c.dispatched_at.is_not(None),
        scope.time_condition(actions.c.dispatched_at),
    )
