"""Statistics of journeys and runs, on rows inserted directly into each database."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from conftest import load_fixture_json, make_run
from sqlalchemy import Engine, event, insert

from journeys.errors import InvalidInputError, NotFoundError
from journeys.stats import RECIPIENT_STATUSES, journey_stats, run_stats
from journeys.storage import runs as run_queries
from journeys.storage.schema import actions, events, recipients

T0 = datetime(2026, 12, 4, 19, 20, tzinfo=UTC)
_visits = itertools.count(1)
_phones = itertools.count(100)


def add_recipient(conn: Any, run_id: int, **columns: Any) -> int:
    """Insert a recipient with a new phone number. Keyword `columns` override the defaults."""
    values: dict[str, Any] = {
        "run_id": run_id,
        "phone_number": f"+1202555{next(_phones):04d}",
        "data": {},
        "outputs": {},
        "status": "pending",
    }
    values.update(columns)
    return int(conn.execute(insert(recipients).values(**values)).inserted_primary_key[0])


def add_action(
    conn: Any,
    run_id: int,
    recipient_id: int,
    *,
    kind: str = "call",
    node_id: str = "call_1",
    outcome: str | None = None,
    result: dict[str, Any] | None = None,
    dispatched_at: datetime | None = T0,
    status: str | None = None,
) -> int:
    """Insert a call or SMS action, handed to the provider at T0 unless `dispatched_at` is None."""
    if status is None and outcome is not None:
        status = "completed"
    elif status is None:
        status = "in_progress" if dispatched_at else "queued"
    values = {
        "run_id": run_id,
        "recipient_id": recipient_id,
        "node_id": node_id,
        "visit": next(_visits),
        "kind": kind,
        "status": status,
        "provider": "simulator",
        "from_number": "+12025550100",
        "to_number": "+12025550199",
        "request": {},
        "outcome": outcome,
        "result": result,
        "not_before": T0,
        "created_at": T0,
        "dispatched_at": dispatched_at,
        "completed_at": dispatched_at if outcome else None,
    }
    return int(conn.execute(insert(actions).values(**values)).inserted_primary_key[0])


def add_event(
    conn: Any, run_id: int, recipient_id: int, type_: str, node_id: str | None, at: datetime = T0
) -> None:
    conn.execute(
        insert(events).values(
            run_id=run_id, recipient_id=recipient_id, type=type_, node_id=node_id, at=at
        )
    )


def journey_of(engine: Engine, run_id: int) -> int:
    with engine.connect() as conn:
        return int(run_queries.get_run(conn, run_id)["journey_id"])


def second_run(engine: Engine, journey_id: int) -> int:
    with engine.begin() as conn:
        return run_queries.insert_run(
            conn, journey_id=journey_id, name="second wave", settings={}, now=T0
        )


@pytest.fixture
def run_id(engine: Engine) -> int:
    return make_run(engine, load_fixture_json("journey-reminder.json"))


def stats_of(engine: Engine, run_id: int) -> Any:
    with engine.connect() as conn:
        return run_stats(conn, run_id)


def journey_stats_of(engine: Engine, journey_run_id: int, **options: Any) -> Any:
    """Compute the stats of the journey of `journey_run_id`.

    The journey is looked up first, because SQLite allows only one open transaction at a time.
    """
    journey_id = journey_of(engine, journey_run_id)
    with engine.connect() as conn:
        return journey_stats(conn, journey_id, **options)


# --- Recipients -----------------------------------------------------------------


def test_stats_counts_recipients_by_status(engine: Engine, run_id: int) -> None:
    statuses = ["completed", "completed", "waiting", "failed", "pending"]
    with engine.begin() as conn:
        for status in statuses:
            add_recipient(conn, run_id, status=status)

    stats = stats_of(engine, run_id)

    assert stats.recipients == 5
    assert stats.by_status["completed"] == 2
    assert stats.by_status["waiting"] == 1
    assert stats.by_status["failed"] == 1
    assert stats.by_status["pending"] == 1


def test_stats_lists_every_status_with_zeros(engine: Engine, run_id: int) -> None:
    stats = stats_of(engine, run_id)

    assert list(stats.by_status) == list(RECIPIENT_STATUSES)
    assert set(stats.by_status.values()) == {0}
    assert stats.recipients == 0


# --- Calls ----------------------------------------------------------------------

# (outcome, answered_by, talk time, answered by a person)
CALLS = [
    ("answered", "human", 30, True),
    ("answered", "unknown", 50, True),
    ("answered", None, None, True),
    ("answered", "machine", 10, False),
    ("voicemail", "machine", 0, False),
    ("no_answer", None, None, False),
    ("no_answer", None, None, False),
    ("busy", None, None, False),
    ("failed", None, None, False),
    ("cancelled", None, None, False),
]


def seed_calls(engine: Engine, run_id: int) -> None:
    with engine.begin() as conn:
        recipient_id = add_recipient(conn, run_id, status="waiting")
        for outcome, answered_by, talk_time, _ in CALLS:
            result: dict[str, Any] = {"attempt": 1}
            if answered_by is not None:
                result["answered_by"] = answered_by
            if talk_time is not None:
                result["talk_time_seconds"] = talk_time
            add_action(conn, run_id, recipient_id, outcome=outcome, result=result)

        # Placed but with no outcome yet, and queued but never handed over.
        add_action(conn, run_id, recipient_id)
        add_action(conn, run_id, recipient_id, dispatched_at=None)
        add_action(
            conn, run_id, recipient_id, dispatched_at=None, outcome="cancelled", status="dropped"
        )


def test_stats_calls_placed_needs_dispatch(engine: Engine, run_id: int) -> None:
    seed_calls(engine, run_id)

    stats = stats_of(engine, run_id)

    assert stats.calls_placed == len(CALLS) + 1


def test_stats_final_outcomes_exclude_calls_in_progress(engine: Engine, run_id: int) -> None:
    seed_calls(engine, run_id)

    stats = stats_of(engine, run_id)

    assert stats.calls_with_final_outcome == len(CALLS)


def test_stats_answered_counts_human_and_unknown(engine: Engine, run_id: int) -> None:
    seed_calls(engine, run_id)

    stats = stats_of(engine, run_id)

    assert stats.calls_answered == sum(1 for *_, by_person in CALLS if by_person)


def test_stats_answer_rate_over_final_outcomes(engine: Engine, run_id: int) -> None:
    seed_calls(engine, run_id)

    stats = stats_of(engine, run_id)

    # Ten calls have a final outcome; the one hung up by a cancel is left out.
    assert stats.answer_rate == pytest.approx(3 / 9)


def test_stats_average_talk_time_of_answered(engine: Engine, run_id: int) -> None:
    seed_calls(engine, run_id)

    stats = stats_of(engine, run_id)

    # The machine's 10 seconds and the call without talk time are left out.
    assert stats.average_talk_time_seconds == pytest.approx((30 + 50) / 2)


@pytest.mark.parametrize(
    ("figure", "expected"),
    [("voicemail", 1), ("no_answer", 2), ("busy", 1), ("calls_failed", 1), ("calls_cancelled", 1)],
)
def test_stats_call_outcome_counts(engine: Engine, run_id: int, figure: str, expected: int) -> None:
    seed_calls(engine, run_id)

    stats = stats_of(engine, run_id)

    assert getattr(stats, figure) == expected


def test_stats_answer_rate_none_without_outcomes(engine: Engine, run_id: int) -> None:
    with engine.begin() as conn:
        recipient_id = add_recipient(conn, run_id, status="waiting")
        add_action(conn, run_id, recipient_id)
        add_action(conn, run_id, recipient_id, node_id="call_2")

    stats = stats_of(engine, run_id)

    assert stats.calls_placed == 2
    assert stats.calls_with_final_outcome == 0
    assert stats.answer_rate is None


def test_stats_empty_run_has_no_rates(engine: Engine, run_id: int) -> None:
    stats = stats_of(engine, run_id)

    assert stats.calls_placed == 0
    assert stats.answer_rate is None
    assert stats.average_talk_time_seconds is None


def test_stats_answer_rate_zero_when_none_answered(engine: Engine, run_id: int) -> None:
    with engine.begin() as conn:
        recipient_id = add_recipient(conn, run_id, status="waiting")
        add_action(conn, run_id, recipient_id, outcome="no_answer", result={})

    stats = stats_of(engine, run_id)

    assert stats.answer_rate == 0
    assert stats.average_talk_time_seconds is None


# --- SMS ------------------------------------------------------------------------


def test_stats_counts_sms(engine: Engine, run_id: int) -> None:
    outcomes = [None, "sent", "delivered", "delivered", "undelivered", "failed"]
    with engine.begin() as conn:
        recipient_id = add_recipient(conn, run_id, status="waiting")
        for outcome in outcomes:
            add_action(conn, run_id, recipient_id, kind="sms", node_id="text", outcome=outcome)
        add_action(conn, run_id, recipient_id, kind="sms", node_id="text", dispatched_at=None)

    stats = stats_of(engine, run_id)

    assert stats.sms_sent == len(outcomes)
    assert stats.sms_delivered == 2
    assert stats.sms_failed == 2


def test_stats_keeps_sms_out_of_calls(engine: Engine, run_id: int) -> None:
    with engine.begin() as conn:
        recipient_id = add_recipient(conn, run_id, status="waiting")
        add_action(conn, run_id, recipient_id, kind="sms", node_id="text", outcome="failed")

    stats = stats_of(engine, run_id)

    assert stats.calls_placed == 0
    assert stats.calls_failed == 0


# --- Nodes ----------------------------------------------------------------------


def seed_nodes(engine: Engine, run_id: int) -> None:
    with engine.begin() as conn:
        on_wait = add_recipient(conn, run_id, status="delayed", current_node="wait")
        on_call = add_recipient(conn, run_id, status="waiting", current_node="call_2")
        finished = add_recipient(conn, run_id, status="completed", current_node="done")
        failed = add_recipient(conn, run_id, status="failed", current_node="call_2")
        # An active recipient on a node without a recorded `entered` event, so on_now > entered.
        add_recipient(conn, run_id, status="active", current_node="text")

        for recipient_id in (on_wait, on_call, finished, failed):
            add_event(conn, run_id, recipient_id, "entered", "start")
            add_event(conn, run_id, recipient_id, "entered", "call_1")
        for recipient_id in (on_wait, on_call, failed):
            add_event(conn, run_id, recipient_id, "entered", "wait")
        for recipient_id in (on_call, failed):
            add_event(conn, run_id, recipient_id, "entered", "call_2")
        add_event(conn, run_id, finished, "entered", "done")
        add_event(conn, run_id, finished, "completed", "done")


def node_figures(stats: Any) -> dict[str, tuple[int, int, int]]:
    return {node.node_id: (node.entered, node.on_now, node.left) for node in stats.nodes}


@pytest.mark.parametrize(
    ("node_id", "entered", "on_now", "left"),
    [
        ("start", 4, 0, 4),
        ("call_1", 4, 0, 4),
        ("outcome", 0, 0, 0),
        ("wait", 3, 1, 2),
        ("call_2", 2, 1, 1),
        ("text", 0, 1, 0),
        ("done", 1, 0, 1),
    ],
)
def test_stats_per_node_counts(
    engine: Engine, run_id: int, node_id: str, entered: int, on_now: int, left: int
) -> None:
    seed_nodes(engine, run_id)

    stats = stats_of(engine, run_id)

    assert node_figures(stats)[node_id] == (entered, on_now, left)


def test_stats_nodes_in_document_order(engine: Engine, run_id: int) -> None:
    document = load_fixture_json("journey-reminder.json")
    with engine.begin() as conn:
        recipient_id = add_recipient(conn, run_id, status="waiting", current_node="removed")
        add_event(conn, run_id, recipient_id, "entered", "removed")

    stats = stats_of(engine, run_id)

    expected = [node["id"] for node in document["nodes"]] + ["removed"]
    assert [node.node_id for node in stats.nodes] == expected


# --- Scope: journey, run and time range ----------------------------------------------


def seed_two_runs(engine: Engine, run_id: int) -> int:
    other_run = second_run(engine, journey_of(engine, run_id))
    with engine.begin() as conn:
        first = add_recipient(conn, run_id, status="completed", current_node="done")
        add_action(conn, run_id, first, outcome="answered", result={"answered_by": "human"})
        add_event(conn, run_id, first, "entered", "call_1")

        for _ in range(2):
            second = add_recipient(conn, other_run, status="waiting", current_node="call_1")
            add_action(conn, other_run, second, outcome="no_answer", result={})
            add_event(conn, other_run, second, "entered", "call_1")
    return other_run


def test_journey_stats_adds_up_runs(engine: Engine, run_id: int) -> None:
    seed_two_runs(engine, run_id)

    stats = journey_stats_of(engine, run_id)

    assert stats.recipients == 3
    assert stats.calls_placed == 3
    assert stats.answer_rate == pytest.approx(1 / 3)
    assert node_figures(stats)["call_1"] == (3, 2, 1)


def test_journey_stats_filters_by_run(engine: Engine, run_id: int) -> None:
    other_run = seed_two_runs(engine, run_id)

    stats = journey_stats_of(engine, run_id, run_id=other_run)

    assert stats.run_id == other_run
    assert stats.recipients == 2
    assert stats.calls_placed == 2
    assert stats.calls_answered == 0
    assert node_figures(stats)["call_1"] == (2, 2, 0)


def test_journey_stats_ignores_other_journeys(engine: Engine, run_id: int) -> None:
    other_journey_run = make_run(engine, load_fixture_json("journey-reminder.json"))
    with engine.begin() as conn:
        add_recipient(conn, other_journey_run, status="completed")

    stats = journey_stats_of(engine, run_id)

    assert stats.recipients == 0


def test_journey_stats_rejects_foreign_run(engine: Engine, run_id: int) -> None:
    other_journey_run = make_run(engine, load_fixture_json("journey-reminder.json"))

    with pytest.raises(NotFoundError, match="not a run of journey") as raised:
        journey_stats_of(engine, run_id, run_id=other_journey_run)

    assert "it belongs to journey" in str(raised.value)
    assert "journeys run list" not in str(raised.value)


def test_journey_stats_unknown_journey(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(NotFoundError, match="journey 999 not found"):
        journey_stats(conn, 999)


def test_run_stats_unknown_run(engine: Engine) -> None:
    with engine.connect() as conn, pytest.raises(NotFoundError, match="run 999 not found"):
        run_stats(conn, 999)


def seed_two_days(engine: Engine, run_id: int) -> None:
    day_two = T0 + timedelta(days=1)
    with engine.begin() as conn:
        for moment in (T0, day_two, day_two):
            recipient_id = add_recipient(
                conn, run_id, status="waiting", current_node="call_1", started_at=moment
            )
            add_action(
                conn, run_id, recipient_id, outcome="answered",
                result={"answered_by": "human", "talk_time_seconds": 60}, dispatched_at=moment,
            )
            add_action(conn, run_id, recipient_id, kind="sms", node_id="text", dispatched_at=moment)
            add_event(conn, run_id, recipient_id, "entered", "call_1", at=moment)
        add_recipient(conn, run_id, status="pending")


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        (None, None, 3),
        (T0, T0 + timedelta(days=1), 1),
        (T0 + timedelta(days=1), None, 2),
        (None, T0, 0),
        (T0 + timedelta(days=2), None, 0),
    ],
)
def test_stats_time_range(
    engine: Engine, run_id: int, since: datetime | None, until: datetime | None, expected: int
) -> None:
    seed_two_days(engine, run_id)

    stats = journey_stats_of(engine, run_id, since=since, until=until)

    assert stats.calls_placed == expected
    assert stats.sms_sent == expected
    assert node_figures(stats)["call_1"][0] == expected
    assert stats.by_status["waiting"] == expected


def test_stats_time_range_leaves_out_unstarted(engine: Engine, run_id: int) -> None:
    seed_two_days(engine, run_id)

    everything = journey_stats_of(engine, run_id)
    ranged = journey_stats_of(engine, run_id, since=T0)

    assert everything.by_status["pending"] == 1
    assert ranged.by_status["pending"] == 0


def test_stats_time_range_converts_offsets(engine: Engine, run_id: int) -> None:
    seed_two_days(engine, run_id)
    plus_one = timezone(timedelta(hours=1))
    # 20:20 at UTC+01:00 is T0, 19:20 UTC.
    since = datetime(2026, 12, 4, 20, 20, tzinfo=plus_one)
    until = datetime(2026, 12, 5, 20, 20, tzinfo=plus_one)

    stats = journey_stats_of(engine, run_id, since=since, until=until)

    assert stats.calls_placed == 1
    assert stats.since == T0


@pytest.mark.parametrize(
    ("since", "until", "message"),
    [
        (datetime(2026, 12, 4, 9, 0), None, "'since' 2026-12-04T09:00:00 has no UTC offset"),
        (None, datetime(2026, 12, 4, 9, 0), "'until' 2026-12-04T09:00:00 has no UTC offset"),
        (T0, T0 - timedelta(seconds=1), "ends .* before it starts"),
    ],
)
def test_stats_rejects_bad_time_range(
    engine: Engine, run_id: int, since: datetime | None, until: datetime | None, message: str
) -> None:
    with pytest.raises(InvalidInputError, match=message):
        journey_stats_of(engine, run_id, since=since, until=until)


# --- Output and cost --------------------------------------------------------------


def test_stats_to_dict_is_json(engine: Engine, run_id: int) -> None:
    seed_calls(engine, run_id)
    stats = journey_stats_of(engine, run_id, since=T0)

    values = json.loads(json.dumps(stats.to_dict()))

    assert values["since"] == "2026-12-04T19:20:00+00:00"
    assert values["calls_placed"] == stats.calls_placed
    assert values["nodes"][0] == {"node_id": "start", "entered": 0, "on_now": 0, "left": 0}


def count_statements(engine: Engine, run_id: int) -> int:
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        stats_of(engine, run_id)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return len(statements)


def test_stats_query_count_ignores_run_size(engine: Engine, run_id: int) -> None:
    with engine.begin() as conn:
        add_recipient(conn, run_id, status="waiting", current_node="call_1")
    small = count_statements(engine, run_id)

    with engine.begin() as conn:
        for _ in range(20):
            recipient_id = add_recipient(conn, run_id, status="waiting", current_node="call_1")
            add_action(conn, run_id, recipient_id, outcome="busy", result={})
            add_event(conn, run_id, recipient_id, "entered", "call_1")
    large = count_statements(engine, run_id)

    assert large == small
