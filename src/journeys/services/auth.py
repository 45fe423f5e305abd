"""Users, API keys, browser sessions and one-time sign-in links.

Passwords are hashed with argon2. API keys and session tokens are long random
strings, so a SHA-256 digest is enough to keep them safe at rest; the clear
key is shown once, when it is created, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine

from journeys.errors import ConflictError, InvalidInputError, NotFoundError
from journeys.storage import auth as queries

logger = logging.getLogger(__name__)

Role = Literal["viewer", "operator", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "admin")
KEY_PREFIX = "jrn"
SIGN_IN_LINK_LIFETIME = timedelta(hours=24)
MIN_PASSWORD_LENGTH = 12
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

_hasher = PasswordHasher()
# Verifying against this when no user matches takes as long as a real check,
# so response times do not reveal which emails have accounts.
_DUMMY_HASH = _hasher.hash("journeys-dummy-password")


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a signed-in user or an API key, and its role."""

    role: Role
    user_id: int | None = None
    api_key_id: int | None = None
    # The CSRF token of a cookie session; None for API keys, which need none.
    csrf_token: str | None = None

    def allows(self, needed: Role) -> bool:
        """Return whether this principal's role includes `needed`."""
        return ROLES.index(self.role) >= ROLES.index(needed)


def check_role(role: str) -> Role:
    if role not in ROLES:
        raise InvalidInputError(f"unknown role {role!r}; use viewer, operator or admin")
    return role  # type: ignore[return-value]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def create_user(engine: Engine, email: str, *, role: str, password: str | None, now: datetime) -> dict[str, Any]:
    """Create a user; without a password the user can sign in only by a one-time link."""
    email = email.strip()
    if not EMAIL.match(email):
        raise InvalidInputError(f"invalid email address {email!r}; write it as name@example.com")
    role = check_role(role)
    password_hash = _hash_password(password) if password is not None else None
    with engine.begin() as conn:
        if queries.find_user(conn, email):
            raise ConflictError(f"a user with email {email!r} already exists")
        user_id = queries.insert_user(conn, email=email, password_hash=password_hash, role=role, now=now)
        user = queries.get_user(conn, user_id)
    logger.info("Created user %d with role %s.", user_id, role, extra={"action": "user_created", "user_id": user_id})
    return public_user(user)


def _hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def set_password(engine: Engine, user_id: int, password: str) -> None:
    with engine.begin() as conn:
        if not queries.update_user(conn, user_id, password_hash=_hash_password(password)):
            raise NotFoundError(f"user {user_id} not found")


def authenticate_password(engine: Engine, email: str, password: str) -> dict[str, Any] | None:
    """Return the user whose email and password match, else None."""
    with engine.connect() as conn:
        user = queries.find_user(conn, email.strip())
    stored = user["password_hash"] if user and user["password_hash"] else _DUMMY_HASH
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    return user if user and user["password_hash"] else None


def public_user(user: dict[str, Any] | None) -> dict[str, Any]:
    """Return a user without its password hash."""
    if user is None:
        raise NotFoundError("user not found")
    return {key: value for key, value in user.items() if key != "password_hash"}


def create_api_key(
    engine: Engine, *, name: str, role: str, created_by: int | None, now: datetime
) -> tuple[dict[str, Any], str]:
    """Create an API key; return its public record and the clear key, shown only this once."""
    role = check_role(role)
    name = name.strip()
    if not name:
        raise InvalidInputError("an API key needs a name that says who or what uses it")
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    with engine.begin() as conn:
        key_id = queries.insert_api_key(
            conn, name=name, prefix=prefix, key_hash=digest(key), role=role, created_by=created_by, now=now
        )
        record = queries.get_api_key(conn, key_id)
    logger.info("Created API key %d with role %s.", key_id, role, extra={"action": "api_key_created", "api_key_id": key_id})
    return public_api_key(record), key


def public_api_key(record: dict[str, Any] | None) -> dict[str, Any]:
    """Return an API key's record without its hash."""
    if record is None:
        raise NotFoundError("API key not found")
    return {key: value for key, value in record.items() if key != "key_hash"}


def verify_api_key(engine: Engine, key: str, *, now: datetime) -> Principal | None:
    """Return the principal of a valid, unrevoked API key, else None."""
    parts = key.split("_")
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    with engine.connect() as conn:
        record = queries.find_api_key(conn, parts[1])
    if record is None or record["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(record["key_hash"], digest(key)):
        return None
    _touch(engine, record, now)
    return Principal(role=record["role"], api_key_id=record["id"], user_id=record["created_by"])


def _touch(engine: Engine, record: dict[str, Any], now: datetime) -> None:
    # Write last use at most once a minute, so that busy keys do not turn every read into a write.
    last = record["last_used_at"]
    if last is None or now - last > timedelta(minutes=1):
        with engine.begin() as conn:
            queries.touch_api_key(conn, record["id"], now=now)


def revoke_api_key(engine: Engine, key_id: int, *, now: datetime) -> None:
    with engine.begin() as conn:
        record = queries.get_api_key(conn, key_id)
        if record is None:
            raise NotFoundError(f"API key {key_id} not found; `journeys apikey list` shows them")
        if not queries.revoke_api_key(conn, key_id, now=now):
            raise ConflictError(f"API key {key_id} is already revoked")
    logger.info("Revoked API key %d.", key_id, extra={"action": "api_key_revoked", "api_key_id": key_id})


def start_session(engine: Engine, user_id: int, *, now: datetime, days: int) -> tuple[str, str]:
    """Open a browser session; return its token and its CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with engine.begin() as conn:
        queries.insert_session(
            conn, token_hash=digest(token), kind="session", user_id=user_id, csrf_token=csrf,
            now=now, expires_at=now + timedelta(days=days),
        )
    return token, csrf


def session_principal(engine: Engine, token: str, *, now: datetime) -> Principal | None:
    """Return the principal of a live browser session, else None."""
    with engine.connect() as conn:
        session = queries.find_session(conn, digest(token), "session")
        user = queries.get_user(conn, session["user_id"]) if session else None
    if session is None or user is None or session["expires_at"] <= now:
        return None
    return Principal(role=user["role"], user_id=user["id"], csrf_token=session["csrf_token"])


def end_session(engine: Engine, token: str) -> None:
    with engine.begin() as conn:
        queries.delete_session(conn, digest(token))


def create_sign_in_link(engine: Engine, user_id: int, *, now: datetime) -> str:
    """Return a token that signs the user in once, within a day."""
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        queries.insert_session(
            conn, token_hash=digest(token), kind="link", user_id=user_id, csrf_token=None,
            now=now, expires_at=now + SIGN_IN_LINK_LIFETIME,
        )
    return token


def redeem_sign_in_link(engine: Engine, token: str, *, now: datetime) -> dict[str, Any] | None:
    """Use a sign-in link; return its user, or None if it is unknown, expired or used."""
    with engine.begin() as conn:
        link = queries.find_session(conn, digest(token), "link")
        if link is None or link["expires_at"] <= now or not queries.use_session(conn, link["id"], now=now):
            return None
        return queries.get_user(conn, link["user_id"])


def ensure_first_admin(engine: Engine, *, now: datetime) -> str | None:
    """On a database without users, create an admin; return a one-time sign-in token for it.

    Returns None when users exist, so that a restart never opens a new way in.
    """
    with engine.connect() as conn:
        if queries.count_users(conn) > 0:
            return None
    try:
        user = create_user(engine, "admin@localhost", role="admin", password=None, now=now)
    except ConflictError:
        # Another process created it first.
        return None
    return create_sign_in_link(engine, user["id"], now=now)
