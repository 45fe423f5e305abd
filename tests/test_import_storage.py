"""The import's write path stores the same values as a plain SQLAlchemy insert."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from conftest import load_fixture_json, make_run
from sqlalchemy import Engine, select

from journeys.storage import imports as import_queries
from journeys.storage.jsoncolumns import dump_json
from journeys.storage.schema import recipients

NOW = datetime(2026, 3, 2, 9, 0, 30, 123456, tzinfo=UTC)
DATA = {"customer_name": "O'Brien, \"Ana\"\tTab\\slash", "balance": 12.5, "autopay": True, "notes": "line\nbreak \u00e9"}


def shared(run_id: int, status: str) -> dict[str, Any]:
    active = status == "active"
    return {
        "run_id": run_id, "status": status, "current_node": "start" if active else None, "phase": "enter",
        "next_at": NOW if active else None, "started_at": NOW if active else None, "steps": 0, "outputs": {},
        "calls_placed": 0, "calls_answered": 0, "sms_sent": 0, "talk_time_seconds": 0, "updated_at": NOW,
    }


def stored_rows(engine: Engine, run_id: int) -> list[dict[str, Any]]:
    with engine.connect() as conn:
        rows = conn.execute(select(recipients).where(recipients.c.run_id == run_id).order_by(recipients.c.id))
        return [{key: value for key, value in row._mapping.items() if key != "id"} for row in rows]


def test_imported_rows_equal_plain_insert(engine: Engine) -> None:
    for status in ("pending", "active"):
        plain_run = make_run(engine, load_fixture_json("journey-reminder.json"))
        fast_run = make_run(engine, load_fixture_json("journey-reminder.json"))
        values = [
            (2, "+12025550101", None, DATA, "America/New_York", "+12025550101 o'brien"),
            (3, "+12025550102", "12", {}, None, "+12025550102"),
        ]

        with engine.begin() as conn:
            import_queries.insert_recipients(conn, [
                {"line": line, "phone_number": phone, "phone_extension": extension, "data": data,
                 "timezones": zones, "search_text": search, **shared(plain_run, status)}
                for line, phone, extension, data, zones, search in values
            ])
            import_queries.insert_imported(
                conn,
                [(line, phone, extension, dump_json(data), zones, search) for line, phone, extension, data, zones, search in values],
                shared(fast_run, status),
            )

        plain = stored_rows(engine, plain_run)
        fast = stored_rows(engine, fast_run)
        assert len(fast) == 2
        for row in plain + fast:
            row.pop("run_id")
        assert fast == plain
        assert fast[0]["data"] == DATA
        assert fast[0]["updated_at"] == NOW


def test_imported_rows_keep_order_in_groups(engine: Engine) -> None:
    # More rows than one SQLite statement takes, and a remainder.
    count = import_queries.ROWS_PER_STATEMENT * 2 + 37
    run_id = make_run(engine, load_fixture_json("journey-reminder.json"))
    rows = [(line, f"+1202555{line:04d}", None, dump_json({"n": line}), None, str(line)) for line in range(2, count + 2)]

    with engine.begin() as conn:
        import_queries.insert_imported(conn, rows, shared(run_id, "pending"))

    stored = stored_rows(engine, run_id)
    assert len(stored) == count
    assert [row["line"] for row in stored] == list(range(2, count + 2))
    assert [row["data"] for row in stored] == [{"n": line} for line in range(2, count + 2)]
    assert stored[-1]["phone_number"] == f"+1202555{count + 1:04d}"


def test_imported_rows_of_no_rows(engine: Engine) -> None:
    run_id = make_run(engine, load_fixture_json("journey-reminder.json"))

    with engine.begin() as conn:
        import_queries.insert_imported(conn, [], shared(run_id, "pending"))

    assert stored_rows(engine, run_id) == []
