"""On SQLite, the worker's claim reads due recipients from the partial index, in order.

With the due statuses bound as parameters, SQLite's planner chose another index
and sorted every due recipient of the run on each claim, so a claim cost grew
with the run.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event

from journeys.storage import recipients as recipient_queries
from journeys.storage.db import connect

NOW = datetime(2026, 3, 2, 15, 0, tzinfo=UTC)


def plans(engine: Engine, call: Any) -> list[tuple[str, str]]:
    """Run `call(conn)` and return each SELECT or UPDATE it sent, with SQLite's plan for it."""
    sent: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, _many: bool) -> None:
        if statement.startswith(("SELECT", "UPDATE")):
            sent.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        with engine.begin() as conn:
            call(conn)
    finally:
        event.remove(engine, "before_cursor_execute", capture)

    with engine.connect() as conn:
        raw = conn.connection.driver_connection
        return [
            (statement, " / ".join(row[3] for row in raw.execute(f"EXPLAIN QUERY PLAN {statement}", parameters)))
            for statement, parameters in sent
        ]


def test_claim_uses_the_due_index(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'journeys.db'}")
    claim = plans(engine, lambda conn: recipient_queries.claim_due(
        conn, 1, now=NOW, owner="worker", lease_until=NOW, limit=100,
    ))
    engine.dispose()

    assert len(claim) == 1
    statement, plan = claim[0]
    assert "USING INDEX ix_recipients_due" in plan, statement
    assert "TEMP B-TREE" not in plan, plan


def test_next_due_time_uses_the_due_index(tmp_path: Path) -> None:
    engine = connect(f"sqlite:///{tmp_path / 'journeys.db'}")
    found = plans(engine, lambda conn: recipient_queries.next_due_at(conn, [1, 2], after=NOW))
    engine.dispose()

    assert len(found) == 1
    assert "USING INDEX ix_recipients_due" in found[0][1], found[0][0]
