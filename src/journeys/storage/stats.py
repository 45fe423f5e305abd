"""Aggregate queries behind the statistics of a journey or a run.

Each function runs one GROUP BY query over the runs in a `StatsScope` and
returns a few rows, however many recipients the runs have. `journeys.stats`
turns these rows into figures.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    Column,
    ColumnElement,
    Connection,
    and_,
    case,
    func,
    or_,
    select,
    true,
)

from journeys.domain.statuses import FINAL_STATUSES
from journeys.storage.schema import actions, events, recipients, runs


# A call answered with answered_by 'unknown' or without answered_by counts as
# answered by a person, because the provider connected it and detected no machine.
PERSON_ANSWERED_BY = ("human", "unknown")


@dataclass(frozen=True)
class StatsScope:
    """The runs and the time range that statistics cover.

    With `run_id` None, every run of the journey is covered. `since` and
    `until` are UTC datetimes bounding a half-open range [since, until); each
    query applies them to the time of the fact it counts.
    """

    journey_id: int
    run_id: int | None = None
    since: datetime | None = None
    until: datetime | None = None

    def runs_condition(self, run_id_column: Column[int]) -> ColumnElement[bool]:
        """Return the condition that restricts `run_id_column` to the covered runs."""
        if self.run_id is not None:
            return run_id_column == self.run_id
        journey_runs = select(runs.c.id).where(runs.c.journey_id == self.journey_id)
        return run_id_column.in_(journey_runs.scalar_subquery())

    def time_condition(self, time_column: Column[datetime]) -> ColumnElement[bool]:
        """Return the condition that `time_column` lies in [since, until)."""
        conditions: list[ColumnElement[bool]] = []
        if self.since is not None:
            conditions.append(time_column >= self.since)
        if self.until is not None:
            conditions.append(time_column < self.until)
        return and_(true(), *conditions)

    @property
    def has_time_range(self) -> bool:
        return self.since is not None or self.until is not None


@dataclass(frozen=True)
class CallOutcomeTotals:
    """Totals over the placed calls that share one outcome (None: no outcome yet)."""

    outcome: str | None
    calls: int
    answered_by_person: int
    talk_time_seconds_sum: float
    talk_time_seconds_count: int


def count_recipients_by_status(conn: Connection, scope: StatsScope) -> dict[str, int]:
    """Count recipients per status.

    With a time range, only recipients whose `started_at` lies in it count,
    so recipients that have not started are left out.
    """
    query = (
        select(recipients.c.status, func.count())
        .where(scope.runs_condition(recipients.c.run_id))
        .group_by(recipients.c.status)
    )
    if scope.has_time_range:
        query = query.where(scope.time_condition(recipients.c.started_at))
    return {status: int(count) for status, count in conn.execute(query)}


def count_recipients_on_nodes(conn: Connection, scope: StatsScope) -> dict[str, int]:
    """Count recipients that are on each node now, in a status that is not final.

    The time range, if any, selects recipients by `started_at` as in
    `count_recipients_by_status`.
    """
    query = (
        select(recipients.c.current_node, func.count())
        .where(
            scope.runs_condition(recipients.c.run_id),
            recipients.c.current_node.is_not(None),
            recipients.c.status.not_in(FINAL_STATUSES),
        )
        .group_by(recipients.c.current_node)
    )
    if scope.has_time_range:
        query = query.where(scope.time_condition(recipients.c.started_at))
    return {node_id: int(count) for node_id, count in conn.execute(query)}


def count_node_entries(conn: Connection, scope: StatsScope) -> dict[str, int]:
    """Count `entered` events per node, within the time range by the event's `at`."""
    query = (
        select(events.c.node_id, func.count())
        .where(
            scope.runs_condition(events.c.run_id),
            events.c.type == "entered",
            events.c.node_id.is_not(None),
            scope.time_condition(events.c.at),
        )
        .group_by(events.c.node_id)
    )
    return {node_id: int(count) for node_id, count in conn.execute(query)}


def total_call_outcomes(conn: Connection, scope: StatsScope) -> list[CallOutcomeTotals]:
    """Total the calls handed to the provider, per outcome.

    A call counts once `dispatched_at` is set, and the time range applies to
    `dispatched_at`. Talk time is read from the result's `talk_time_seconds`
    and summed only over calls answered by a person (see PERSON_ANSWERED_BY).
    """
    answered_by = actions.c.result["answered_by"].as_string()
    talk_time = actions.c.result["talk_time_seconds"].as_float()
    by_person = and_(
        actions.c.outcome == "answered",
        or_(answered_by.is_(None), answered_by.in_(PERSON_ANSWERED_BY)),
    )
    person_talk_time = case((by_person, talk_time), else_=None)

    query = (
        select(
            actions.c.outcome,
            func.count(),
            func.sum(case((by_person, 1), else_=0)),
            func.sum(person_talk_time),
            func.count(person_talk_time),
        )
        .where(
            scope.runs_condition(actions.c.run_id),
            actions.c.kind == "call",
            actions.c.dispatched_at.is_not(None),
            scope.time_condition(actions.c.dispatched_at),
        )
        .group_by(actions.c.outcome)
    )
    return [
        CallOutcomeTotals(
            outcome=outcome,
            calls=int(calls),
            answered_by_person=int(by_person_count or 0),
            talk_time_seconds_sum=float(talk_sum or 0),
            talk_time_seconds_count=int(talk_count or 0),
        )
        for outcome, calls, by_person_count, talk_sum, talk_count in conn.execute(query)
    ]


def count_sms_outcomes(conn: Connection, scope: StatsScope) -> dict[str | None, int]:
    """Count the SMS handed to the provider per outcome (None: no report yet).

    As with calls, an SMS counts once `dispatched_at` is set, and the time
    range applies to `dispatched_at`.
    """
    query = (
        select(actions.c.outcome, func.count())
        .where(
            scope.runs_condition(actions.c.run_id),
            actions.c.kind == "sms",
            actions.c.dispatched_at.is_not(None),
            scope.time_condition(actions.c.dispatched_at),
        )
        .group_by(actions.c.outcome)
    )
    return {outcome: int(count) for outcome, count in conn.execute(query)}
