"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import psycopg
from sqlalchemy import JSON, Connection, Select, Table, insert
from sqlalchemy.exc import DBAPIError

from journeys.storage.jsoncolumns import dump_json


def is_postgresql(conn: Connection) -> bool:
    return conn.dialect.name == "postgresql"


def lock_skip_locked(query: Select, conn: Connection, *, of=None) -> Select:  # type: ignore[no-untyped-def]
    """Add FOR UPDATE SKIP LOCKED on PostgreSQL, so that workers claim disjoint rows.

    SQLite has one writer at a time (BEGIN IMMEDIATE), which serialises claims
    without row locks, so the query is returned unchanged there.
    """
    if is_postgresql(conn):
        return query.with_for_update(skip_locked=True, of=of)
    return query


def lock_rows(query: Select, conn: Connection, *, of=None) -> Select:  # type: ignore[no-untyped-def]
    """Add FOR UPDATE on PostgreSQL; SQLite's write lock already covers the transaction."""
    if is_postgresql(conn):
        return query.with_for_update(of=of)
    return query


def insert_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert rows in the caller's transaction: one COPY on PostgreSQL, one executemany on SQLite.

    Every row must name the same columns. Columns a row leaves out are NULL,
    because COPY applies no Python-side column defaults. Errors are raised as
    SQLAlchemy's, so a unique violation is an IntegrityError on both.
    """
    if not rows:
        return
    if is_postgresql(conn):
        _copy_rows(conn, table, rows)
    else:
        conn.execute(insert(table), list(rows))


def _copy_rows(conn: Connection, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    # COPY bypasses SQLAlchemy, so values are converted here as its column
    # types would: JSON columns as JSON text (None as JSON null, SQLAlchemy's
    # default), and times as aware datetimes that psycopg sends as timestamptz.
    columns = list(rows[0])
    json_columns = {name for name in columns if isinstance(table.c[name].type, JSON)}
    statement = f"COPY {table.name} ({', '.join(columns)}) FROM STDIN"
    # The driver connection is the one the caller's transaction runs on, so the
    # copied rows commit or roll back with the rest of the transaction.
    driver: psycopg.Connection[Any] = conn.connection.driver_connection  # type: ignore[assignment]
    try:
        with driver.cursor() as cursor, cursor.copy(statement) as copy:
            for row in rows:
                if row.keys() != rows[0].keys():
                    raise ValueError(f"rows for {table.name} name different columns: {sorted(row)} and {sorted(columns)}")
                copy.write_row([dump_json(row[name]) if name in json_columns else row[name] for name in columns])
    except psycopg.Error as exc:
        raise DBAPIError.instance(statement, None, exc, psycopg.Error) from exc
