"""Statistics of a journey or a run: recipients, calls, SMS and node counts.

Definitions of the figures:

- calls placed: call actions handed to the provider (`dispatched_at` set).
  Every other call figure counts only placed calls.
- calls answered: placed calls with outcome `answered` whose `answered_by` is
  `human`, `unknown` or missing. A provider that connected a call without
  detecting a machine is taken to have reached a person. `answered` with
  `answered_by` `machine` counts in no outcome figure but does count as a call
  with a final outcome.
- answer rate: calls answered / placed calls that have an outcome. None when
  no placed call has an outcome yet.
- average talk time: mean `talk_time_seconds` of the answered calls that
  report it. None when there are none.
- SMS sent: SMS actions handed to the provider. `sms_failed` adds the
  outcomes `failed` and `undelivered`, both meaning the text did not arrive.
- per node: `entered` counts `entered` events, `on_now` counts recipients
  whose `current_node` is the node and whose status is not final, and `left`
  is entered minus on_now, never below zero.

A time range [since, until) applies to the time of each fact: recipients by
`started_at`, calls and SMS by `dispatched_at`, node entries by the event's
`at`. Recipients that have not started fall outside every time range.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from journeys.domain.statuses import RECIPIENT_STATUSES
from journeys.errors import InvalidInputError, NotFoundError
from journeys.storage import journeys as journey_queries
from journeys.storage import runs as run_queries
from journeys.storage import stats as stats_queries
from journeys.storage.stats import CallOutcomeTotals, StatsScope


@dataclass(frozen=True)
class NodeStats:
    """Counts of one node: recipients that entered it, are on it now, and left it."""

    node_id: str
    entered: int
    on_now: int
    left: int


@dataclass(frozen=True)
class Stats:
    """The figures of one journey, or of one of its runs, as defined in this module."""

    journey_id: int
    run_id: int | None
    since: datetime | None
    until: datetime | None
    recipients: int
    by_status: dict[str, int]
    calls_placed: int
    calls_answered: int
    calls_with_final_outcome: int
    answer_rate: float | None
    average_talk_time_seconds: float | None
    voicemail: int
    no_answer: int
    busy: int
    calls_failed: int
    calls_cancelled: int
    sms_sent: int
    sms_delivered: int
    sms_failed: int
    nodes: tuple[NodeStats, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the figures as JSON-ready values, with times in ISO 8601."""
        values = asdict(self)
        values["since"] = self.since.isoformat() if self.since else None
        values["until"] = self.until.isoformat() if self.until else None
        values["nodes"] = [asdict(node) for node in self.nodes]
        # Rounded, so that JSON readers see 98.4 rather than 98.35000000000001.
        if self.answer_rate is not None:
            values["answer_rate"] = round(self.answer_rate, 4)
        if self.average_talk_time_seconds is not None:
            values["average_talk_time_seconds"] = round(self.average_talk_time_seconds, 1)
        return values


def run_stats(conn: Connection, run_id: int) -> Stats:
    """Compute the statistics of one run; raise NotFoundError for an unknown run."""
    run = run_queries.get_run(conn, run_id)
    return journey_stats(conn, int(run["journey_id"]), run_id=run_id)


def journey_stats(
    conn: Connection,
    journey_id: int,
    run_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Stats:
    """Compute the statistics of a journey's runs, or of one run of it.

    Raises NotFoundError when the journey does not exist or the run is not
    one of its runs, and InvalidInputError for a time without a UTC offset or
    a range that ends before it starts.
    """
    scope = make_scope(conn, journey_id, run_id, since, until)
    document = journey_queries.get_document(conn, journey_id)

    by_status = stats_queries.count_recipients_by_status(conn, scope)
    calls = _CallFigures.from_totals(stats_queries.total_call_outcomes(conn, scope))
    sms = stats_queries.count_sms_outcomes(conn, scope)
    nodes = _node_stats(
        _document_node_ids(document),
        stats_queries.count_node_entries(conn, scope),
        stats_queries.count_recipients_on_nodes(conn, scope),
    )

    return Stats(
        journey_id=journey_id,
        run_id=run_id,
        since=scope.since,
        until=scope.until,
        recipients=sum(by_status.values()),
        by_status=_all_statuses(by_status),
        calls_placed=calls.placed,
        calls_answered=calls.answered,
        calls_with_final_outcome=calls.with_outcome,
        # Calls hung up by a cancel never had their chance to be answered.
        answer_rate=_ratio(calls.answered, calls.with_outcome - calls.by_outcome.get("cancelled", 0)),
        average_talk_time_seconds=_ratio(calls.talk_time_sum, calls.talk_time_count),
        voicemail=calls.by_outcome.get("voicemail", 0),
        no_answer=calls.by_outcome.get("no_answer", 0),
        busy=calls.by_outcome.get("busy", 0),
        calls_failed=calls.by_outcome.get("failed", 0),
        calls_cancelled=calls.by_outcome.get("cancelled", 0),
        sms_sent=sum(sms.values()),
        sms_delivered=sms.get("delivered", 0),
        sms_failed=sms.get("failed", 0) + sms.get("undelivered", 0),
        nodes=nodes,
    )


@dataclass(frozen=True)
class _CallFigures:
    placed: int
    answered: int
    with_outcome: int
    talk_time_sum: float
    talk_time_count: int
    by_outcome: dict[str, int]

    @classmethod
    def from_totals(cls, totals: list[CallOutcomeTotals]) -> _CallFigures:
        with_outcome = [row for row in totals if row.outcome is not None]
        return cls(
            placed=sum(row.calls for row in totals),
            answered=sum(row.answered_by_person for row in totals),
            with_outcome=sum(row.calls for row in with_outcome),
            talk_time_sum=sum(row.talk_time_seconds_sum for row in totals),
            talk_time_count=sum(row.talk_time_seconds_count for row in totals),
            by_outcome={str(row.outcome): row.calls for row in with_outcome},
        )


def make_scope(
    conn: Connection,
    journey_id: int,
    run_id: int | None,
    since: datetime | None,
    until: datetime | None,
) -> StatsScope:
    """Check the journey, the run and the time range, and return them as a StatsScope in UTC.

    Raises the errors that `journey_stats` documents.
    """
    journey_queries.get_journey(conn, journey_id)
    if run_id is not None:
        run = run_queries.get_run(conn, run_id)
        if int(run["journey_id"]) != journey_id:
            raise NotFoundError(
                f"run {run_id} is not a run of journey {journey_id}: it belongs to journey "
                f"{run['journey_id']}, so ask for that journey's stats"
            )

    since_utc = _to_utc(since, "since")
    until_utc = _to_utc(until, "until")
    if since_utc is not None and until_utc is not None and until_utc < since_utc:
        raise InvalidInputError(
            f"the time range ends ({until_utc.isoformat()}) before it starts "
            f"({since_utc.isoformat()}); swap 'since' and 'until'"
        )
    return StatsScope(journey_id=journey_id, run_id=run_id, since=since_utc, until=until_utc)


def _to_utc(value: datetime | None, name: str) -> datetime | None:
    if value is None:
        return None
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidInputError(
            f"'{name}' {value.isoformat()} has no UTC offset; give it one, "
            f"for example {value.isoformat()}+00:00"
        )
    return value.astimezone(UTC)


def _document_node_ids(document: dict[str, Any]) -> list[str]:
    return [str(node["id"]) for node in document.get("nodes", []) if "id" in node]


def _node_stats(
    document_node_ids: list[str], entered: dict[str, int], on_now: dict[str, int]
) -> tuple[NodeStats, ...]:
    # Nodes of the current version come first, in document order; nodes that
    # only earlier versions had follow, so that no recorded count is hidden.
    extra_ids = sorted((set(entered) | set(on_now)) - set(document_node_ids))
    result = []
    for node_id in [*document_node_ids, *extra_ids]:
        entered_count = entered.get(node_id, 0)
        on_now_count = on_now.get(node_id, 0)
        result.append(
            NodeStats(
                node_id=node_id,
                entered=entered_count,
                on_now=on_now_count,
                left=max(entered_count - on_now_count, 0),
            )
        )
    return tuple(result)


def _all_statuses(counts: dict[str, int]) -> dict[str, int]:
    # Every known status appears, zero included. An unexpected status found
    # in the database is kept, so that the figures still add up to the total.
    complete = {status: counts.get(status, 0) for status in RECIPIENT_STATUSES}
    for status, count in counts.items():
        complete.setdefault(status, count)
    return complete


def _ratio(numerator: float, denominator: float) -> float | None:
    if denominator == 0:
        return None
    return numerator / denominator
