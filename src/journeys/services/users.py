"""Managing user accounts: listing, finding, changing roles and deleting, never losing the last admin."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import Connection, Engine

from journeys.errors import ConflictError, NotFoundError
from journeys.services.auth import check_role, normalize_email, public_user
from journeys.storage import auth as queries

logger = logging.getLogger(__name__)


def list_users(engine: Engine) -> list[dict[str, Any]]:
    """Return every user, without password hashes, oldest first."""
    with engine.connect() as conn:
        return [public_user(user) for user in queries.list_users(conn)]


def get_user(engine: Engine, user_id: int) -> dict[str, Any]:
    """Return one user by id, without its password hash."""
    with engine.connect() as conn:
        user = queries.get_user(conn, user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} not found; `journeys user list` and GET /api/users list them")
    return public_user(user)


def find_user(engine: Engine, email: str) -> dict[str, Any]:
    """Return one user by email, in any capitals, without its password hash."""
    email = normalize_email(email)
    with engine.connect() as conn:
        user = queries.find_user(conn, email)
    if user is None:
        raise NotFoundError(f"no user has the email {email!r}; `journeys user list` shows them")
    return public_user(user)


def change_role(engine: Engine, user_id: int, role: str) -> dict[str, Any]:
    """Give a user another role; the last admin keeps the admin role."""
    role = check_role(role)
    with engine.begin() as conn:
        user = _existing(conn, user_id)
        if user["role"] == "admin" and role != "admin":
            _check_other_admin(conn, user, "change the role of")
        queries.update_user(conn, user_id, role=role)
        changed = queries.get_user(conn, user_id)
    logger.info("Changed user %d to role %s.", user_id, role, extra={"action": "user_role_changed", "user_id": user_id})
    return public_user(changed)


def delete_user(engine: Engine, user_id: int) -> None:
    """Delete a user with their sessions and links; the last admin cannot be deleted.

    API keys the user created stay valid, since scripts may depend on them;
    an admin revokes them separately.
    """
    with engine.begin() as conn:
        user = _existing(conn, user_id)
        if user["role"] == "admin":
            _check_other_admin(conn, user, "delete")
        queries.delete_user(conn, user_id)
    logger.info("Deleted user %d.", user_id, extra={"action": "user_deleted", "user_id": user_id})


def _existing(conn: Connection, user_id: int) -> dict[str, Any]:
    user = queries.get_user(conn, user_id)
    if user is None:
        raise NotFoundError(f"user {user_id} not found; `journeys user list` and GET /api/users list them")
    return user


def _check_other_admin(conn: Connection, user: dict[str, Any], verb: str) -> None:
    if [admin for admin in queries.lock_admin_ids(conn) if admin != user["id"]]:
        return
    raise ConflictError(
        f"cannot {verb} {user['email']}: it is the last admin, and without one nobody can manage "
        "users, keys, numbers or agents; make another user an admin first"
    )
