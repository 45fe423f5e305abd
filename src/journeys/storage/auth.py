"""Queries on users, API keys, browser sessions and one-time sign-in links."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from journeys.storage.schema import api_keys, sessions, users


def insert_user(conn: Connection, *, email: str, password_hash: str | None, role: str, now: datetime) -> int:
    statement = insert(users).values(email=email, password_hash=password_hash, role=role, created_at=now)
    return int(conn.execute(statement).inserted_primary_key[0])


def get_user(conn: Connection, user_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(users.c.id == user_id)).mappings().first()
    return dict(row) if row else None


def find_user(conn: Connection, email: str) -> dict[str, Any] | None:
    row = conn.execute(select(users).where(func.lower(users.c.email) == email.lower())).mappings().first()
    return dict(row) if row else None


def list_users(conn: Connection) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(select(users).order_by(users.c.id)).mappings()]


def count_users(conn: Connection, *, role: str | None = None) -> int:
    query = select(func.count()).select_from(users)
    if role is not None:
        query = query.where(users.c.role == role)
    return int(conn.execute(query).scalar_one())


def update_user(conn: Connection, user_id: int, **values: Any) -> bool:
    return bool(conn.execute(update(users).where(users.c.id == user_id).values(**values)).rowcount)


def delete_user(conn: Connection, user_id: int) -> bool:
    return bool(conn.execute(delete(users).where(users.c.id == user_id)).rowcount)


def lock_admin_ids(conn: Connection) -> list[int]:
    """Return the ids of every admin, locking their rows until the transaction ends.

    The lock keeps two transactions on PostgreSQL from each removing one of the
    last two admins. SQLite needs none, because its transactions take the
    write lock when they begin.
    """
    query = select(users.c.id).where(users.c.role == "admin").order_by(users.c.id).with_for_update()
    return [int(user_id) for user_id in conn.execute(query).scalars()]


def insert_api_key(
    conn: Connection, *, name: str, prefix: str, key_hash: str, role: str, created_by: int | None, now: datetime
) -> int:
    statement = insert(api_keys).values(
        name=name, prefix=prefix, key_hash=key_hash, role=role, created_by=created_by, created_at=now
    )
    return int(conn.execute(statement).inserted_primary_key[0])


def find_api_key(conn: Connection, prefix: str) -> dict[str, Any] | None:
    row = conn.execute(select(api_keys).where(api_keys.c.prefix == prefix)).mappings().first()
    return dict(row) if row else None


def get_api_key(conn: Connection, key_id: int) -> dict[str, Any] | None:
    row = conn.execute(select(api_keys).where(api_keys.c.id == key_id)).mappings().first()
    return dict(row) if row else None


def list_api_keys(conn: Connection) -> list[dict[str, Any]]:
    return [dict(row) for row in conn.execute(select(api_keys).order_by(api_keys.c.id)).mappings()]


def revoke_api_key(conn: Connection, key_id: int, *, now: datetime) -> bool:
    statement = update(api_keys).where(api_keys.c.id == key_id, api_keys.c.revoked_at.is_(None)).values(revoked_at=now)
    return bool(conn.execute(statement).rowcount)


def touch_api_key(conn: Connection, key_id: int, *, now: datetime) -> None:
    conn.execute(update(api_keys).where(api_keys.c.id == key_id).values(last_used_at=now))


def insert_session(
    conn: Connection, *, token_hash: str, kind: str, user_id: int, csrf_token: str | None, now: datetime, expires_at: datetime
) -> int:
    statement = insert(sessions).values(
        token_hash=token_hash, kind=kind, user_id=user_id, csrf_token=csrf_token, created_at=now, expires_at=expires_at
    )
    return int(conn.execute(statement).inserted_primary_key[0])


def find_session(conn: Connection, token_hash: str, kind: str) -> dict[str, Any] | None:
    query = select(sessions).where(sessions.c.token_hash == token_hash, sessions.c.kind == kind)
    row = conn.execute(query).mappings().first()
    return dict(row) if row else None


def use_session(conn: Connection, session_id: int, *, now: datetime) -> bool:
    """Mark a one-time token used; False if another request used it first."""
    statement = update(sessions).where(sessions.c.id == session_id, sessions.c.used_at.is_(None)).values(used_at=now)
    return bool(conn.execute(statement).rowcount)


def delete_session(conn: Connection, token_hash: str) -> bool:
    return bool(conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash)).rowcount)


def delete_user_sessions(conn: Connection, user_id: int, *, kind: str, keep_hash: str | None = None) -> int:
    """Delete a user's sessions or sign-in links of one kind, except the one whose token hash is `keep_hash`."""
    statement = delete(sessions).where(sessions.c.user_id == user_id, sessions.c.kind == kind)
    if keep_hash is not None:
        statement = statement.where(sessions.c.token_hash != keep_hash)
    return int(conn.execute(statement).rowcount)


def delete_expired_sessions(conn: Connection, *, now: datetime) -> int:
    return int(conn.execute(delete(sessions).where(sessions.c.expires_at <= now)).rowcount)
