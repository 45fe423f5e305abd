"""The per-recipient counters that dispatching adds to: calls placed and SMS sent."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine, select

from conftest import make_run
from journeys.storage import recipients as recipient_queries
from journeys.storage.dialect import insert_rows
from journeys.storage.schema import recipients

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)
DOCUMENT: dict[str, Any] = {
    "name": "Counters",
    "fields": [],
    "nodes": [
        {"id": "start", "type": "start", "next": "done"},
        {"id": "done", "type": "end", "result": "contacted"},
    ],
}


def seed(engine: Engine, count: int) -> list[int]:
    run_id = make_run(engine, DOCUMENT)
    rows = [
        {
            "run_id": run_id, "line": index + 2, "phone_number": f"+120255501{index:02d}", "data": {},
            "timezones": "America/New_York", "status": "active", "current_node": "start", "phase": "enter",
            "next_at": NOW, "steps": 0, "outputs": {}, "calls_placed": 0, "calls_answered": 0, "sms_sent": 0,
            "talk_time_seconds": 0, "search_text": "", "started_at": NOW, "updated_at": NOW,
        }
        for index in range(count)
    ]
    with engine.begin() as conn:
        insert_rows(conn, recipients, rows)
        return [row.id for row in conn.execute(select(recipients.c.id).order_by(recipients.c.id))]


def counters(engine: Engine) -> list[tuple[int, int]]:
    query = select(recipients.c.calls_placed, recipients.c.sms_sent).order_by(recipients.c.id)
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query)]


def test_counters_add_each_increment(engine: Engine) -> None:
    first, second, third = seed(engine, 3)

    with engine.begin() as conn:
        recipient_queries.add_counters(conn, [
            (first, "calls_placed"), (second, "calls_placed"), (second, "sms_sent"),
            (first, "calls_placed"), (third, "sms_sent"), (first, "sms_sent"),
        ])

    assert counters(engine) == [(2, 1), (1, 1), (0, 1)]


def test_counters_without_increments_change_nothing(engine: Engine) -> None:
    seed(engine, 2)

    with engine.begin() as conn:
        recipient_queries.add_counters(conn, [])

    assert counters(engine) == [(0, 0), (0, 0)]
