"""Queries on journeys and their immutable versions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from journeys.errors import NotFoundError
from journeys.storage.schema import journey_versions, journeys


def insert_journey(conn: Connection, *, name: str, document: dict[str, Any], now: datetime) -> int:
    """Insert a journey with its first version and return the journey id."""
    journey_id = conn.execute(
        insert(journeys).values(name=name, current_version=1, created_at=now, updated_at=now)
    ).inserted_primary_key[0]
    conn.execute(
        insert(journey_versions).values(
            journey_id=journey_id, version=1, document=document, created_at=now
        )
    )
    return int(journey_id)


def insert_version(
    conn: Connection, journey_id: int, *, name: str, document: dict[str, Any], now: datetime
) -> int:
    """Append a version to a journey, make it current and return its number."""
    latest = conn.execute(
        select(func.max(journey_versions.c.version)).where(
            journey_versions.c.journey_id == journey_id
        )
    ).scalar_one()
    version = int(latest or 0) + 1
    conn.execute(
        insert(journey_versions).values(
            journey_id=journey_id, version=version, document=document, created_at=now
        )
    )
    conn.execute(
        update(journeys)
        .where(journeys.c.id == journey_id)
        .values(name=name, current_version=version, updated_at=now)
    )
    return version


def get_journey(conn: Connection, journey_id: int) -> dict[str, Any]:
    """Return the journey row, or raise NotFoundError."""
    row = conn.execute(select(journeys).where(journeys.c.id == journey_id)).mappings().first()
    if row is None:
        raise NotFoundError(
            f"journey {journey_id} not found; `journeys journey list` shows the existing ones"
        )
    return dict(row)


def lock_journey(conn: Connection, journey_id: int) -> dict[str, Any]:
    """Return the journey row locked until the transaction ends, or raise NotFoundError.

    PostgreSQL takes a row lock, so concurrent saves of one journey run one at a
    time. SQLite has no row locks, but its transactions take the write lock at
    their start, which serialises the saves already.
    """
    row = conn.execute(
        select(journeys).where(journeys.c.id == journey_id).with_for_update()
    ).mappings().first()
    if row is None:
        raise NotFoundError(
            f"journey {journey_id} not found; `journeys journey list` shows the existing ones"
        )
    return dict(row)


def get_document(conn: Connection, journey_id: int, version: int | None = None) -> dict[str, Any]:
    """Return a version's document as stored; the current version by default."""
    if version is None:
        version = get_journey(conn, journey_id)["current_version"]
    document = conn.execute(
        select(journey_versions.c.document).where(
            journey_versions.c.journey_id == journey_id, journey_versions.c.version == version
        )
    ).scalar_one_or_none()
    if document is None:
        raise NotFoundError(f"journey {journey_id} has no version {version}")
    return dict(document)


def list_journeys(conn: Connection) -> list[dict[str, Any]]:
    """Return every journey, newest first."""
    rows = conn.execute(select(journeys).order_by(journeys.c.id.desc())).mappings()
    return [dict(row) for row in rows]


def list_versions(conn: Connection, journey_id: int) -> list[dict[str, Any]]:
    """Return a journey's versions, without their documents, newest first."""
    rows = conn.execute(
        select(journey_versions.c.version, journey_versions.c.created_at)
        .where(journey_versions.c.journey_id == journey_id)
        .order_by(journey_versions.c.version.desc())
    ).mappings()
    return [dict(row) for row in rows]


def delete_journey(conn: Connection, journey_id: int) -> None:
    """Delete a journey; its versions, runs, recipients, actions and events go with it."""
    conn.execute(delete(journeys).where(journeys.c.id == journey_id))
