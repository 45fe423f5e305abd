"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from functools import lru_cache
from operator import itemgetter
from typing import Any

import psycopg
from sqlalchemy import JSON, Connection, Insert, Select, Table, Update, insert
from sqlalchemy.exc import DBAPIError

from journeys.storage.jsoncolumns import dump_json
from journeys.storage.schema import UtcDateTime


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
        execute_many(conn, insert(table), rows)


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


def execute_many(conn: Connection, statement: Insert | Update, rows: Sequence[dict[str, Any]]) -> None:
    """Execute an INSERT or UPDATE once per row, converting values here instead of per row in SQLAlchemy.

    SQLAlchemy's executemany builds and processes a parameter dict for each row,
    which took a quarter of the engine's time with 5,000 recipients. Here the
    statement is compiled once and each row becomes a plain tuple (SQLite) or
    dict (PostgreSQL) for the driver. Every bind parameter of the statement must
    be a key of the rows, and every row must have the same keys.
    """
    if not rows:
        return
    keys = list(rows[0])
    compiled = statement.compile(dialect=conn.dialect, column_keys=keys)
    names = list(compiled.positiontup or []) if compiled.positional else list(compiled.binds)
    unknown = sorted(set(names) - set(keys))
    if unknown:
        raise ValueError(f"invalid rows for execute_many: bind parameters {unknown} are missing from them")
    converters = [(index, _converter(compiled.binds[name].type, conn)) for index, name in enumerate(names)]
    converters = [(index, convert) for index, convert in converters if convert is not None]
    take = itemgetter(*names)

    parameters: list[Any] = []
    for row in rows:
        values = list(take(row)) if len(names) > 1 else [row[names[0]]]
        for index, convert in converters:
            values[index] = convert(values[index])
        parameters.append(tuple(values) if compiled.positional else dict(zip(names, values, strict=True)))
    conn.exec_driver_sql(compiled.string, parameters)


def _converter(column_type: Any, conn: Connection):  # type: ignore[no-untyped-def]
    if isinstance(column_type, UtcDateTime):
        return _sqlite_time if conn.dialect.name == "sqlite" else _aware_time
    if isinstance(column_type, JSON):
        return dump_json
    return None


def _aware_time(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} written to the database; use UTC-aware times")
    return value


@lru_cache(maxsize=1024)
def _sqlite_time(value: datetime | None) -> str | None:
    # The text SQLAlchemy's SQLite DateTime writes, so that both paths compare and read alike.
    # A batch repeats a few times (its `now`) in many rows, so the cache saves most conversions.
    if value is None:
        return None
    if value.tzinfo is None:
        raise ValueError(f"naive datetime {value!r} written to the database; use UTC-aware times")
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
