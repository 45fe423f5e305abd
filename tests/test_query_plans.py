"""Every query the engine runs per batch, and the recipients list, uses an index on PostgreSQL.

The test seeds a finished run of 20,000 recipients and a running run of
50,000 in every engine state, with their actions and events, runs ANALYZE,
then calls the real query functions while capturing their SQL, and runs
EXPLAIN on each statement with its parameters. A sequential scan of recipients, actions, events, callbacks or
simulated_messages fails the test with the plan.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, text

from conftest import _create_postgres_database, _drop_postgres_database, _postgres_reachable, make_run
from journeys.engine import callbacks as callback_duty
from journeys.storage import actions as action_queries
from journeys.storage import events as event_queries
from journeys.storage import recipients as recipient_queries
from journeys.storage import runs as run_queries
from journeys.storage import simulator as simulator_records
from journeys.storage.db import connect
from journeys.storage.dialect import insert_rows
from journeys.storage.schema import actions, callbacks, events, recipients, runs, simulated_messages

RECIPIENTS = 50_000
OTHER_RUN_RECIPIENTS = 20_000
NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
LARGE_TABLES = ("recipients", "actions", "events", "callbacks", "simulated_messages")
DOCUMENT: dict[str, Any] = {
    "name": "Plans",
    "fields": [],
    "nodes": [
        {"id": "start", "type": "start", "next": "call_1"},
        {"id": "call_1", "type": "call", "from_number": "+12025550100", "agent": "collections", "next": "done"},
        {"id": "done", "type": "end", "result": "contacted"},
    ],
}
# How the recipients are spread over the engine's states, by the last digit of their index:
# most are finished, some due now, some delayed, some waiting on a call.
STATES = {
    0: "active", 1: "delayed", 2: "waiting", 3: "waiting",
    4: "completed", 5: "completed", 6: "completed", 7: "completed", 8: "completed", 9: "failed",
}


@pytest.fixture(scope="module")
def seeded() -> Iterator[tuple[Engine, int]]:
    """Yield an engine on a PostgreSQL database with one large running run, and the run's id."""
    if not _postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required in CI but unreachable")
        pytest.skip("PostgreSQL not reachable; query plans are checked on PostgreSQL only")
    url = _create_postgres_database()
    engine = connect(url)
    try:
        # A finished run first, so that filters on run_id matter as they do in a database with history.
        finished_id = make_run(engine, DOCUMENT)
        run_id = make_run(engine, DOCUMENT)
        with engine.begin() as conn:
            run_queries.update_run(conn, finished_id, now=NOW, status="completed", started_at=NOW)
            insert_rows(conn, recipients, [
                {**recipient_row(finished_id, index), "status": "completed", "current_node": "done", "next_at": None}
                for index in range(OTHER_RUN_RECIPIENTS)
            ])
            run_queries.update_run(conn, run_id, now=NOW, status="running", started_at=NOW)
            seed(conn, run_id)
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
        yield engine, run_id
    finally:
        engine.dispose()
        _drop_postgres_database(url)


def seed(conn: Connection, run_id: int) -> None:
    """Insert the recipients, one call action each, three events each, callbacks and simulator records."""
    insert_rows(conn, recipients, [recipient_row(run_id, index) for index in range(RECIPIENTS)])
    first_id = conn.execute(text("SELECT min(id) FROM recipients WHERE run_id = :run"), {"run": run_id}).scalar_one()
    ids = range(first_id, first_id + RECIPIENTS)
    insert_rows(conn, actions, [action_row(run_id, recipient_id, index) for index, recipient_id in enumerate(ids)])
    insert_rows(conn, events, [
        {"run_id": run_id, "recipient_id": recipient_id, "at": NOW, "node_id": node, "type": kind, "detail": None}
        for recipient_id in ids
        for node, kind in (("start", "entered"), ("call_1", "entered"), ("call_1", "call_placed"))
    ])
    first_action = conn.execute(text("SELECT min(id) FROM actions")).scalar_one()
    insert_rows(conn, callbacks, [
        {"provider": "simulator", "action_id": action_id, "provider_ref": f"sim-{action_id}", "received_at": NOW,
         "payload": {"status": "answered"}, "applied": True}
        for action_id in range(first_action, first_action + RECIPIENTS)
    ])
    insert_rows(conn, simulated_messages, [
        {"action_id": action_id, "kind": "call", "result": {"status": "answered"}, "report_at": NOW,
         "reported": index % 10 not in (2, 3)}
        for index, action_id in enumerate(range(first_action, first_action + RECIPIENTS))
    ])


def recipient_row(run_id: int, index: int) -> dict[str, Any]:
    status = STATES[index % 10]
    next_at = {"active": NOW - timedelta(seconds=index % 60), "delayed": NOW + timedelta(hours=1 + index % 24)}.get(status)
    return {
        "run_id": run_id, "line": index + 2, "phone_number": f"+1{202 + index // 10_000}555{index % 10_000:04d}",
        "data": {}, "timezones": "America/New_York", "status": status,
        "current_node": "done" if status in ("completed", "failed") else "call_1",
        "phase": "enter", "next_at": next_at, "steps": 2, "outputs": {}, "calls_placed": 1,
        "calls_answered": 0, "sms_sent": 0, "talk_time_seconds": 0, "search_text": f"customer {index}",
        "started_at": NOW, "updated_at": NOW,
    }


def action_row(run_id: int, recipient_id: int, index: int) -> dict[str, Any]:
    status = {"waiting": "in_progress", "active": "queued"}.get(STATES[index % 10], "completed")
    placed = status != "queued"
    return {
        "run_id": run_id, "recipient_id": recipient_id, "node_id": "call_1", "visit": 1, "kind": "call",
        "status": status, "provider": "simulator", "provider_ref": f"sim-{index}" if placed else None,
        "from_number": "+12025550100", "to_number": "+12025550101", "request": {"attempt": 1},
        "result_rank": 3 if status == "completed" else 0, "not_before": NOW - timedelta(minutes=index % 30),
        "deadline_at": NOW + timedelta(minutes=15) if placed else None, "created_at": NOW,
        "dispatched_at": NOW if placed else None, "completed_at": NOW if status == "completed" else None,
    }


def captured_statements(engine: Engine, call: Callable[[Connection], Any]) -> list[tuple[str, dict[str, Any]]]:
    """Run `call` in a transaction that is rolled back; return the single-row statements it executed."""
    statements: list[tuple[str, dict[str, Any]]] = []

    def record(conn: Any, cursor: Any, statement: str, parameters: Any, context: Any, executemany: bool) -> None:
        if not executemany:
            statements.append((statement, dict(parameters or {})))

    with engine.connect() as conn:
        event.listen(conn, "before_cursor_execute", record)
        transaction = conn.begin()
        try:
            call(conn)
        finally:
            transaction.rollback()
            event.remove(conn, "before_cursor_execute", record)
    return statements


def plan(engine: Engine, statement: str, parameters: dict[str, Any]) -> str:
    with engine.connect() as conn:
        rows = conn.exec_driver_sql(f"EXPLAIN {statement}", parameters).scalars()
        return "\n".join(rows)


def queries(run_id: int) -> dict[str, Callable[[Connection], Any]]:
    later = NOW + timedelta(seconds=1)
    return {
        "claim due recipients": lambda conn: recipient_queries.claim_due(
            conn, run_id, now=NOW, owner="plans", lease_until=later, limit=500
        ),
        "due queued actions": lambda conn: action_queries.due_queued(conn, now=NOW, limit=500),
        "in-flight calls": lambda conn: action_queries.in_flight_calls(conn, [run_id]),
        "next recipient due": lambda conn: recipient_queries.next_due_at(conn, [run_id], after=NOW),
        "next queued action": lambda conn: action_queries.next_queued_at(conn, after=NOW),
        "next result deadline": lambda conn: action_queries.next_deadline_at(conn, after=NOW),
        "next stale dispatch": lambda conn: action_queries.next_stale_at(conn, after=NOW),
        "stale dispatches": lambda conn: action_queries.stale_dispatching(conn, now=NOW, limit=100),
        "overdue results": lambda conn: action_queries.claim_overdue(conn, now=NOW, limit=500, until=later),
        "unapplied callbacks": lambda conn: action_queries.unapplied_callbacks(
            conn, received_before=NOW - callback_duty.RETRY_AFTER, limit=500
        ),
        "simulator reports due": lambda conn: simulator_records.claim_due(conn, now=NOW, limit=500, redeliver_at=later),
        "next simulator report": lambda conn: simulator_records.next_report_at(conn, after=NOW),
        "run completion": lambda conn: run_queries.complete_if_finished(conn, run_id, now=NOW),
        "recipients still leased": lambda conn: recipient_queries.still_leased(conn, list(range(1, 501)), "plans"),
        "recipient timeline": lambda conn: event_queries.timeline(conn, OTHER_RUN_RECIPIENTS + 25_000),
        "recipients by status": lambda conn: recipient_queries.list_page(conn, run_id, status="delayed"),
        "recipients by node": lambda conn: recipient_queries.list_page(conn, run_id, node="call_1"),
        "recipients after a cursor": lambda conn: recipient_queries.list_page(
            conn, run_id, after_id=OTHER_RUN_RECIPIENTS + 30_000
        ),
        "recipients by status after a cursor": lambda conn: recipient_queries.list_page(
            conn, run_id, status="completed", after_id=OTHER_RUN_RECIPIENTS + 30_000
        ),
    }


@pytest.mark.slow
@pytest.mark.postgres
@pytest.mark.parametrize("name", list(queries(0)))
def test_query_uses_an_index(seeded: tuple[Engine, int], name: str) -> None:
    engine, run_id = seeded
    statements = captured_statements(engine, queries(run_id)[name])

    assert statements, f"{name} executed no statement"
    for statement, parameters in statements:
        explained = plan(engine, statement, parameters)
        scanned = re.findall(r"Seq Scan on (\w+)", explained)
        assert not set(scanned) & set(LARGE_TABLES), f"{name} scans a large table:\n{statement}\n{explained}"


def test_seed_covers_every_state(seeded: tuple[Engine, int]) -> None:
    engine, run_id = seeded
    with engine.connect() as conn:
        counts = dict(conn.execute(
            text("SELECT status, count(*) FROM recipients WHERE run_id = :run GROUP BY status"), {"run": run_id}
        ).all())
        run_status = conn.execute(runs.select().where(runs.c.id == run_id)).mappings().one()["status"]
    assert counts == {"active": 5_000, "delayed": 5_000, "waiting": 10_000, "completed": 25_000, "failed": 5_000}
    assert run_status == "running"
