"""Queries of the recipient import: phones already in a run, new recipients, reports."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import psycopg
from sqlalchemy import (
    ARRAY,
    JSON,
    Connection,
    Select,
    String,
    bindparam,
    func,
    insert,
    select,
    true,
)
from sqlalchemy.exc import DBAPIError

from journeys.storage.dialect import insert_rows, is_postgresql
from journeys.storage.jsoncolumns import dump_json
from journeys.storage.schema import imports, recipients

# The `filename` column's width.
MAX_FILENAME_LENGTH = 400

# The columns that each imported row gives, in the order of its tuple; `data`
# is JSON text, written by the JSON columns' serializer.
IMPORTED_COLUMNS = ("line", "phone_number", "phone_extension", "data", "timezones", "search_text")
# SQLite's page cache during an import, in KiB.
IMPORT_CACHE_KIB = 32 * 1024
# Rows per INSERT statement on SQLite: 600 parameters, far below its limit of 32,766.
ROWS_PER_STATEMENT = 100
# The columns whose values all recipients of one import share.
SHARED_COLUMNS = (
    "run_id", "status", "current_node", "phase", "next_at", "started_at", "steps", "outputs",
    "calls_placed", "calls_answered", "sms_sent", "talk_time_seconds", "updated_at",
)


@dataclass(frozen=True)
class ExistingPhone:
    """A recipient of the run that already has a phone number."""

    recipient_id: int
    line: int | None


def last_recipient_id(conn: Connection, run_id: int) -> int:
    """Return the highest recipient id of the run, or 0 when it has none."""
    found = conn.execute(
        select(func.max(recipients.c.id)).where(recipients.c.run_id == run_id)
    ).scalar_one()
    return int(found or 0)


def existing_phones(
    conn: Connection, run_id: int, phones: Collection[str]
) -> dict[str, ExistingPhone]:
    """Return the recipients of the run that have any of these E.164 numbers, by number.

    One query for the whole collection. Callers pass a batch of about 2,000
    numbers, below SQLite's default limit of 32,766 bound parameters.
    """
    if not phones:
        return {}
    if not is_postgresql(conn):
        # Plain placeholders, because compiling an expanding IN of 2,000
        # numbers costs SQLAlchemy more than SQLite takes to run it.
        placeholders = ", ".join("?" for _ in phones)
        statement = (
            f"SELECT phone_number, id, line FROM {recipients.name} "
            f"WHERE run_id = ? AND phone_number IN ({placeholders})"
        )
        rows = conn.exec_driver_sql(statement, (run_id, *phones))
    else:
        rows = conn.execute(_existing_phones_query(run_id), {"phones": list(phones)})
    return {phone: ExistingPhone(int(recipient_id), line) for phone, recipient_id, line in rows}


def _existing_phones_query(run_id: int) -> Select[Any]:
    # PostgreSQL plans `phone_number IN (...)` as a scan of the run's rows,
    # because its statistics miss the rows this import inserted and favour a
    # scan over 2,000 index probes. Each batch would then be slower than the
    # last. PostgreSQL does not flatten a LATERAL subquery with LIMIT, so each
    # number here is one probe of the (run_id, phone_number) unique index.
    # Measured on PostgreSQL 15 with 200,000 rows in the run: 10 ms, against
    # 90 ms for IN.
    numbers = (
        func.unnest(bindparam("phones", type_=ARRAY(String)))
        .table_valued("phone")
        .render_derived(name="numbers")
    )
    match = (
        select(recipients.c.id, recipients.c.line)
        .where(recipients.c.run_id == run_id, recipients.c.phone_number == numbers.c.phone)
        .limit(1)
        .lateral("match")
    )
    return select(numbers.c.phone, match.c.id, match.c.line).join(match, true())


def insert_recipients(conn: Connection, rows: Sequence[dict[str, Any]]) -> None:
    """Insert recipients in the caller's transaction: COPY on PostgreSQL, executemany on SQLite.

    Every row must name the same columns. The columns a row leaves out
    (client_key, lease_owner and the result columns) are stored as NULL on both.
    """
    insert_rows(conn, recipients, rows)


def insert_imported(
    conn: Connection, rows: Sequence[tuple[Any, ...]], shared: dict[str, Any]
) -> None:
    """Insert imported recipients in the caller's transaction.

    Each row is a tuple of the IMPORTED_COLUMNS values; `shared` gives the
    SHARED_COLUMNS values, the same for every row. The other columns are NULL.
    This skips SQLAlchemy's per-row work, which costs more than the insert
    itself at import sizes: one executemany of tuples on SQLite, one COPY on
    PostgreSQL. The stored values equal those of `insert_recipients`, which
    tests/test_import_storage.py checks.
    """
    if not rows:
        return
    columns = IMPORTED_COLUMNS + SHARED_COLUMNS
    if is_postgresql(conn):
        # As insert_rows sends them to COPY: JSON as text, times as aware datetimes.
        copied = tuple(
            dump_json(shared[name]) if isinstance(recipients.c[name].type, JSON) else shared[name]
            for name in SHARED_COLUMNS
        )
        _copy_imported(conn, columns, rows, copied)
        return

    # The shared values are written into the statement, because binding 13
    # more parameters per row doubles the time SQLite takes. Rows go
    # ROWS_PER_STATEMENT to a statement, which saves a third of SQLite's time
    # per row (measured on the benchmark's recipients table).
    values = ["?"] * len(IMPORTED_COLUMNS) + [
        _sqlite_literal(_bound(conn, name, shared[name])) for name in SHARED_COLUMNS
    ]
    row_values = f"({', '.join(values)})"
    full = len(rows) - len(rows) % ROWS_PER_STATEMENT
    if full:
        groups = [
            tuple(itertools.chain.from_iterable(rows[start:start + ROWS_PER_STATEMENT]))
            for start in range(0, full, ROWS_PER_STATEMENT)
        ]
        conn.exec_driver_sql(_sqlite_insert(columns, row_values, ROWS_PER_STATEMENT), groups)
    if full < len(rows):
        rest = rows[full:]
        conn.exec_driver_sql(
            _sqlite_insert(columns, row_values, len(rest)), tuple(itertools.chain.from_iterable(rest))
        )


def _sqlite_insert(columns: tuple[str, ...], row_values: str, count: int) -> str:
    return f"INSERT INTO {recipients.name} ({', '.join(columns)}) VALUES {', '.join([row_values] * count)}"


def _bound(conn: Connection, name: str, value: Any) -> Any:
    """Return a value as SQLAlchemy would send it to SQLite: JSON as text, times as naive UTC text."""
    column_type = recipients.c[name].type.dialect_impl(conn.dialect)
    processor = column_type.bind_processor(conn.dialect)
    return value if processor is None else processor(value)


def _sqlite_literal(value: Any) -> str:
    """Return a bound value as an SQLite literal: NULL, a number, or quoted text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise TypeError(f"no SQLite literal for {type(value).__name__} {value!r}")


def _copy_imported(
    conn: Connection, columns: tuple[str, ...], rows: Sequence[tuple[Any, ...]], shared: tuple[Any, ...]
) -> None:
    statement = f"COPY {recipients.name} ({', '.join(columns)}) FROM STDIN"
    # The driver connection is the one the caller's transaction runs on, so the
    # copied rows commit or roll back with the rest of the transaction.
    driver: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                copy.write_row(row + shared)
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc


@contextmanager
def import_page_cache(conn: Connection) -> Iterator[None]:
    """Give an SQLite connection a page cache of IMPORT_CACHE_KIB while an import writes.

    The unique index on (run_id, phone_number) takes numbers in random order,
    so a million-row import touches far more pages than SQLite's default 2 MiB
    cache holds. 32 MiB saved about 15% of SQLite's time in a test with a
    million generated rows. The previous size is restored after. PostgreSQL is
    left alone.
    """
    if is_postgresql(conn):
        yield
        return
    previous = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size = -{IMPORT_CACHE_KIB}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {previous}")


def insert_import(
    conn: Connection, run_id: int, filename: str | None, report: dict[str, Any], now: datetime
) -> int:
    """Store an import's report and return the import's id."""
    import_id = conn.execute(
        insert(imports).values(
            run_id=run_id,
            filename=filename[:MAX_FILENAME_LENGTH] if filename else None,
            report=report,
            created_at=now,
        )
    ).inserted_primary_key[0]
    return int(import_id)
