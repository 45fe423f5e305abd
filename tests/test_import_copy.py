"""The import stores the same rows through COPY on PostgreSQL as through executemany on SQLite."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, event, select

from conftest import _create_postgres_database, _drop_postgres_database, _postgres_reachable, make_run
from journeys.importer import service as service_module
from journeys.importer.options import ImportOptions
from journeys.importer.service import import_recipients
from journeys.storage.db import connect
from journeys.storage.schema import recipients

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

DOCUMENT: dict[str, Any] = {
    "name": "Every field type",
    "fields": [
        {"name": "customer_name", "type": "string", "required": True},
        {"name": "balance", "type": "number"},
        {"name": "visits", "type": "integer"},
        {"name": "autopay", "type": "boolean"},
        {"name": "due_date", "type": "date"},
        {"name": "plan", "type": "enum", "choices": ["basic", "plus"]},
    ],
    "nodes": [
        {"id": "start", "type": "start", "next": "done"},
        {"id": "done", "type": "end", "result": "contacted"},
    ],
}

# Values that COPY's text format must escape: tabs, backslashes, quotes,
# line breaks, non-ASCII letters and text that looks like \N (NULL).
CSV_BODY = (
    "phone_number,customer_name,balance,visits,autopay,due_date,plan,timezone\n"
    "+12025550101,Ana,12.5,3,yes,2026-04-01,basic,\n"
    '+12025550102,"Tab\there, back\\slash","1e3",0,no,,plus,America/Chicago\n'
    '+12025550103,"Line\nbreak and ""quotes""",,,,,,\n'
    "+12025550104,\\N,-4,7,true,2026-12-31,basic,Europe/Berlin\n"
    "+33 1 42 68 53 00,Zoë Ångström 日本,0.1,1,n,2026-01-02,plus,\n"
    "+12025550101,Duplicate of line 2,1,1,yes,,basic,\n"
    "not a phone,Rejected,1,1,yes,,basic,\n"
    "+1 (202) 555-0105 ext. 12,With extension,,,,,,\n"
)

COMPARED = [column.name for column in recipients.columns if column.name not in ("id", "run_id")]


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """Yield a migrated engine on a new database of the shared PostgreSQL server."""
    if not _postgres_reachable():
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL is required in CI but unreachable")
        pytest.skip("PostgreSQL not reachable; the COPY path cannot be compared")
    url = _create_postgres_database()
    engine = connect(url)
    try:
        yield engine
    finally:
        engine.dispose()
        _drop_postgres_database(url)


def import_into_new_run(engine: Engine, path: Path) -> list[dict[str, Any]]:
    run_id = make_run(engine, DOCUMENT)
    options = ImportOptions(default_region="US")
    import_recipients(engine, run_id, path, options=options, now=NOW)
    query = select(recipients).where(recipients.c.run_id == run_id).order_by(recipients.c.line)
    with engine.connect() as conn:
        return [{name: row[name] for name in COMPARED} for row in conn.execute(query).mappings()]


def recipient_inserts(engine: Engine) -> tuple[list[str], Any]:
    statements: list[str] = []

    def record(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.lstrip().upper().startswith("INSERT INTO RECIPIENTS"):
            statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    return statements, record


def test_copy_stores_same_rows_as_executemany(postgres_engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "recipients.csv"
    path.write_text(CSV_BODY, encoding="utf-8")
    sqlite_engine = connect(f"sqlite:///{tmp_path / 'journeys.db'}")
    try:
        sqlite_rows = import_into_new_run(sqlite_engine, path)
    finally:
        sqlite_engine.dispose()

    statements, listener = recipient_inserts(postgres_engine)
    try:
        postgres_rows = import_into_new_run(postgres_engine, path)
    finally:
        event.remove(postgres_engine, "before_cursor_execute", listener)

    assert len(sqlite_rows) == 6
    assert postgres_rows == sqlite_rows
    assert statements == []
    assert postgres_rows[1]["data"]["customer_name"] == "Tab\there, back\\slash"
    assert postgres_rows[3]["data"]["customer_name"] == "\\N"
    assert all(row["client_key"] is None and row["lease_owner"] is None for row in postgres_rows)


def test_copy_failure_stores_nothing(postgres_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Batches of two: the first COPY succeeds, then a later step fails, and
    # the rollback must remove the copied rows too.
    monkeypatch.setattr(service_module, "BATCH_SIZE", 2)
    path = tmp_path / "recipients.csv"
    path.write_text(CSV_BODY, encoding="utf-8")
    run_id = make_run(postgres_engine, DOCUMENT)
    calls: list[int] = []

    def fail_on_second_batch(done: int, total: int) -> None:
        calls.append(done)
        if len(calls) == 2:
            raise RuntimeError("disk on fire")

    with pytest.raises(RuntimeError, match="disk on fire"):
        import_recipients(postgres_engine, run_id, path, options=ImportOptions(default_region="US"), now=NOW, progress=fail_on_second_batch)

    with postgres_engine.connect() as conn:
        stored = conn.execute(select(recipients.c.id).where(recipients.c.run_id == run_id)).all()
    assert stored == []
