"""The few statements that differ between SQLite and PostgreSQL."""

from __future__ import annotations

from sqlalchemy import Connection, Select


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
