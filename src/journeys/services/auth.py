"""Users, API keys, browser sessions and one-time sign-in links.

Passwords are hashed with argon2. API keys, session tokens and sign-in link
tokens are 256-bit random strings, so a SHA-256 digest keeps them safe at rest.
The clear value is shown once, when it is created, and never stored.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Any, Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError

from journeys.domain.text import check_text
from journeys.errors import ConflictError, InvalidInputError, NotFoundError, SignInLinkError
from journeys.storage import auth as queries

logger = logging.getLogger(__name__)

Role = Literal["viewer", "operator", "admin"]
ROLES: tuple[Role, ...] = ("viewer", "operator", "admin")
KEY_PREFIX = "jrn"
SIGN_IN_LINK_LIFETIME = timedelta(hours=24)
MIN_PASSWORD_LENGTH = 12
MAX_EMAIL_LENGTH = 320
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+$")

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    # Verifying against this when no user matches takes as long as a real check,
    # so response times do not reveal which emails have accounts. It is made on
    # first use because hashing takes a noticeable fraction of a second.
    return _hasher.hash(secrets.token_urlsafe(16))


@dataclass(frozen=True)
class Principal:
    """The identity a request acts as: a signed-in user or an API key, with its role."""

    role: Role
    # The signed-in user; None for API keys.
    user_id: int | None = None
    api_key_id: int | None = None
    # The CSRF token of a cookie session; None for API keys, which need none.
    csrf_token: str | None = None

    def allows(self, needed: Role) -> bool:
        """Return whether this principal's role includes `needed`."""
        return ROLES.index(self.role) >= ROLES.index(needed)


def check_role(role: str) -> Role:
    """Return `role` if it is a known role; raise InvalidInputError if not."""
    if role not in ROLES:
        raise InvalidInputError(f"unknown role {role!r}; use viewer, operator or admin")
    return role  # type: ignore[return-value]


def normalize_email(email: str) -> str:
    """Return an email address trimmed and in lower case; raise InvalidInputError if it is not one."""
    email = check_text(email.strip().lower(), "email address")
    if len(email) > MAX_EMAIL_LENGTH or not EMAIL.match(email):
        raise InvalidInputError(f"invalid email address {email!r}; write it as name@example.com")
    return email


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


# --- users and passwords -------------------------------------------------------------


def create_user(engine: Engine, email: str, *, role: str, password: str | None, now: datetime) -> dict[str, Any]:
    """Create a user; without a password the user can sign in only by a one-time link.

    Emails are stored in lower case, so that the unique constraint also rejects
    the same address written with other capitals.
    """
    email = normalize_email(email)
    role = check_role(role)
    password_hash = hash_password(password) if password is not None else None
    try:
        with engine.begin() as conn:
            if queries.find_user(conn, email):
                raise ConflictError(f"a user with email {email!r} already exists; `journeys user list` shows them")
            user_id = queries.insert_user(conn, email=email, password_hash=password_hash, role=role, now=now)
            user = queries.get_user(conn, user_id)
    except IntegrityError as exc:
        # Another transaction inserted the same email between the check and the insert.
        raise ConflictError(f"a user with email {email!r} already exists; `journeys user list` shows them") from exc
    logger.info("Created user %d with role %s.", user_id, role, extra={"action": "user_created", "user_id": user_id})
    return public_user(user)


def check_password(password: str) -> None:
    """Raise InvalidInputError if a new password is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters")


def hash_password(password: str) -> str:
    """Return the argon2 hash of a new password; raise InvalidInputError if it is too short."""
    check_password(password)
    return _hasher.hash(password)


def set_password(engine: Engine, user_id: int, password: str, *, keep_session: str | None = None) -> None:
    """Replace a user's password and end the user's other sessions.

    `keep_session` is the token of a session to leave open, such as the one
    of a user who changes their own password.
    """
    password_hash = hash_password(password)
    with engine.begin() as conn:
        if not queries.update_user(conn, user_id, password_hash=password_hash):
            raise NotFoundError(f"user {user_id} not found; `journeys user list` shows them")
        keep_hash = digest(keep_session) if keep_session else None
        queries.delete_user_sessions(conn, user_id, kind="session", keep_hash=keep_hash)
    logger.info("Changed the password of user %d.", user_id, extra={"action": "password_changed", "user_id": user_id})


def authenticate_password(engine: Engine, email: str, password: str) -> dict[str, Any] | None:
    """Return the user whose email and password match, else None."""
    try:
        email = normalize_email(email)
    except InvalidInputError:
        user = None  # No account can have this email, but the dummy check below still runs.
    else:
        with engine.connect() as conn:
            user = queries.find_user(conn, email)
    has_password = bool(user and user["password_hash"])
    stored = user["password_hash"] if user and has_password else _dummy_hash()
    try:
        _hasher.verify(stored, password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or not has_password:
        return None

    if _hasher.check_needs_rehash(stored):
        # Hashes made with older parameters are upgraded while the password is at hand.
        with engine.begin() as conn:
            queries.update_user(conn, user["id"], password_hash=_hasher.hash(password))
    return public_user(user)


def verify_password(engine: Engine, user_id: int, password: str) -> bool:
    """Return whether `password` is the user's current password; False for a user without one."""
    with engine.connect() as conn:
        user = queries.get_user(conn, user_id)
    if user is None or not user["password_hash"]:
        return False
    try:
        return _hasher.verify(user["password_hash"], password)
    except (VerificationError, InvalidHashError):
        return False


def public_user(user: dict[str, Any] | None) -> dict[str, Any]:
    """Return a user without its password hash, saying whether it has a password."""
    if user is None:
        raise NotFoundError("user not found; `journeys user list` shows them")
    public = {key: value for key, value in user.items() if key != "password_hash"}
    public["has_password"] = bool(user.get("password_hash"))
    return public


# --- API keys ----------------------------------------------------------------------------


def create_api_key(
    engine: Engine, *, name: str, role: str, created_by: int | None, now: datetime
) -> tuple[dict[str, Any], str]:
    """Create an API key; return its public record and the clear key, shown only this once.

    The key reads `jrn_<prefix>_<secret>`: the 12 hex digits of the prefix find
    its row, and the random part may itself contain underscores.
    """
    role = check_role(role)
    name = check_text(name.strip(), "API key name")
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
        raise NotFoundError("API key not found; `journeys apikey list` shows them")
    return {key: value for key, value in record.items() if key != "key_hash"}


def list_api_keys(engine: Engine) -> list[dict[str, Any]]:
    """Return every API key, revoked ones included, without hashes."""
    with engine.connect() as conn:
        return [public_api_key(record) for record in queries.list_api_keys(conn)]


def verify_api_key(engine: Engine, key: str, *, now: datetime) -> Principal | None:
    """Return the principal of a valid, unrevoked API key, else None."""
    parts = key.split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    with engine.connect() as conn:
        record = queries.find_api_key(conn, parts[1])
    if record is None or record["revoked_at"] is not None:
        return None
    if not hmac.compare_digest(record["key_hash"], digest(key)):
        return None
    _touch(engine, record, now)
    return Principal(role=record["role"], api_key_id=record["id"])


def _touch(engine: Engine, record: dict[str, Any], now: datetime) -> None:
    # Write last use at most once a minute, so that busy keys do not turn every read into a write.
    last = record["last_used_at"]
    if last is None or now - last > timedelta(minutes=1):
        with engine.begin() as conn:
            queries.touch_api_key(conn, record["id"], now=now)


def revoke_api_key(engine: Engine, key_id: int, *, now: datetime) -> None:
    """Revoke an API key; requests that carry it get 401 from then on."""
    with engine.begin() as conn:
        # Ids past 64 bits would overflow the database driver; no key has one.
        record = queries.get_api_key(conn, key_id) if 0 < key_id < 2**63 else None
        if record is None:
            raise NotFoundError(f"API key {key_id} not found; `journeys apikey list` shows them")
        if not queries.revoke_api_key(conn, key_id, now=now):
            raise ConflictError(f"API key {key_id} is already revoked")
    logger.info("Revoked API key %d.", key_id, extra={"action": "api_key_revoked", "api_key_id": key_id})


# --- sessions and sign-in links ------------------------------------------------------------


def start_session(engine: Engine, user_id: int, *, now: datetime, days: int) -> tuple[str, str]:
    """Open a browser session; return its token and its CSRF token."""
    token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with engine.begin() as conn:
        # Sign-ins are rare, so they are a cheap moment to drop expired rows.
        queries.delete_expired_sessions(conn, now=now)
        queries.insert_session(
            conn, token_hash=digest(token), kind="session", user_id=user_id, csrf_token=csrf,
            now=now, expires_at=now + timedelta(days=days),
        )
    logger.info("Signed in user %d.", user_id, extra={"action": "session_started", "user_id": user_id})
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
    """Delete a browser session; an unknown token is ignored."""
    with engine.begin() as conn:
        queries.delete_session(conn, digest(token))


def create_sign_in_link(engine: Engine, user_id: int, *, now: datetime) -> str:
    """Return a token that signs the user in once, within SIGN_IN_LINK_LIFETIME.

    The user's older unused links stop working, so that only the newest link
    handed out (for a lost password, say) is valid.
    """
    token = secrets.token_urlsafe(32)
    with engine.begin() as conn:
        if queries.get_user(conn, user_id) is None:
            raise NotFoundError(f"user {user_id} not found; `journeys user list` shows them")
        queries.delete_user_sessions(conn, user_id, kind="link")
        queries.insert_session(
            conn, token_hash=digest(token), kind="link", user_id=user_id, csrf_token=None,
            now=now, expires_at=now + SIGN_IN_LINK_LIFETIME,
        )
    logger.info("Created a sign-in link for user %d.", user_id, extra={"action": "sign_in_link_created", "user_id": user_id})
    return token


def redeem_sign_in_link(engine: Engine, token: str, *, now: datetime) -> dict[str, Any]:
    """Use a sign-in link and return its user.

    Raises SignInLinkError when the link is unknown, or with `gone` set when it
    has expired or was used before.
    """
    with engine.begin() as conn:
        link = queries.find_session(conn, digest(token), "link")
        if link is None:
            raise SignInLinkError(
                "this sign-in link is not valid; check that it was copied whole, "
                "or ask an admin for a new one (`journeys user link EMAIL`)",
                gone=False,
            )
        if link["used_at"] is not None or link["expires_at"] <= now:
            raise SignInLinkError(
                "this sign-in link has expired or was already used; ask an admin for a new one "
                "(`journeys user link EMAIL`)",
                gone=True,
            )
        if not queries.use_session(conn, link["id"], now=now):
            raise SignInLinkError("this sign-in link was already used; ask an admin for a new one", gone=True)
        user = queries.get_user(conn, link["user_id"])
    logger.info("User %d used a sign-in link.", link["user_id"], extra={"action": "sign_in_link_used", "user_id": link["user_id"]})
    return public_user(user)


def sign_in_url(public_url: str, token: str) -> str:
    """Return the address at which a browser redeems a sign-in token: `{public_url}/auth/link/{token}`."""
    return f"{public_url.rstrip('/')}/auth/link/{token}"


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
