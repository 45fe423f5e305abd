"""The database schema, as SQLAlchemy Core tables.

Alembic migrations build this same schema; `tests/test_migrations.py` compares
the two. Times are stored as timezone-aware UTC datetimes.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.types import TypeDecorator

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
    }
)

# SQLite only gives 64-bit autoincrement to INTEGER PRIMARY KEY columns. Tables
# with such ids are created with AUTOINCREMENT, so that SQLite never reuses the id
# of a deleted row: ids appear in callback URLs and idempotency keys that
# providers keep, as PostgreSQL's sequences never repeat either.
Id = BigInteger().with_variant(Integer(), "sqlite")


class UtcDateTime(TypeDecorator[datetime]):
    """A datetime stored in UTC and always read back timezone-aware.

    SQLite keeps no offset, so values are converted to UTC before they are
    written and marked UTC when read; PostgreSQL stores `timestamptz`.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError(f"naive datetime {value!r} written to the database; use UTC-aware times")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


UtcTime = UtcDateTime()

journeys = Table(
    "journeys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("current_version", Integer, nullable=False),
    Column("created_at", UtcTime, nullable=False),
    Column("updated_at", UtcTime, nullable=False),
    sqlite_autoincrement=True,
)

journey_versions = Table(
    "journey_versions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("journey_id", Id, ForeignKey("journeys.id", ondelete="CASCADE"), nullable=False),
    Column("version", Integer, nullable=False),
    Column("document", JSON, nullable=False),
    Column("created_at", UtcTime, nullable=False),
    UniqueConstraint("journey_id", "version"),
    sqlite_autoincrement=True,
)

sender_numbers = Table(
    "sender_numbers",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("number", String(20), nullable=False, unique=True),
    Column("label", String(200)),
    Column("calls_per_second", Float, nullable=False, default=1.0),
    # The earliest time the next call from this number may be dispatched.
    Column("next_slot_at", UtcTime),
    Column("created_at", UtcTime, nullable=False),
    sqlite_autoincrement=True,
)

agents = Table(
    "agents",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(100), nullable=False, unique=True),
    Column("description", Text),
    # Where the agent is reached. Twilio connects a call to stream_url (a
    # media stream) or sip_uri; the webhook provider POSTs call requests to
    # webhook_url, signed with webhook_secret.
    Column("stream_url", String(2000)),
    Column("sip_uri", String(2000)),
    Column("webhook_url", String(2000)),
    # NOTE: kept in clear text, because signing needs the secret itself; the
    # API and the command line never return it.
    Column("webhook_secret", String(200)),
    Column("created_at", UtcTime, nullable=False),
    sqlite_autoincrement=True,
)

runs = Table(
    "runs",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("journey_id", Id, ForeignKey("journeys.id", ondelete="CASCADE"), nullable=False),
    Column("name", String(200), nullable=False),
    Column("status", String(20), nullable=False),
    Column("settings", JSON, nullable=False),
    Column("scheduled_at", UtcTime),
    Column("schedule_local", String(60)),
    Column("started_at", UtcTime),
    Column("finished_at", UtcTime),
    Column("failure_reason", Text),
    Column("created_at", UtcTime, nullable=False),
    Column("updated_at", UtcTime, nullable=False),
    Index(None, "status", "scheduled_at"),
    Index(None, "journey_id"),
    sqlite_autoincrement=True,
)

recipients = Table(
    "recipients",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", Id, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("line", Integer),
    Column("phone_number", String(20), nullable=False),
    Column("phone_extension", String(20)),
    Column("data", JSON, nullable=False),
    # Space-separated IANA zones: the timezone field, else every zone of the number.
    Column("timezones", String(400)),
    Column("status", String(12), nullable=False),
    Column("current_node", String(100)),
    # 'enter' wakes the recipient into current_node; 'resume' continues a node
    # that parked it (a delay, or a call held back by the calling window).
    Column("phase", String(8), nullable=False, default="enter"),
    Column("next_at", UtcTime),
    Column("steps", Integer, nullable=False, default=0),
    Column("outputs", JSON, nullable=False),
    Column("result", String(200)),
    Column("failure_reason", Text),
    Column("calls_placed", Integer, nullable=False, default=0),
    Column("calls_answered", Integer, nullable=False, default=0),
    Column("sms_sent", Integer, nullable=False, default=0),
    Column("last_call_outcome", String(20)),
    Column("talk_time_seconds", Float, nullable=False, default=0),
    Column("search_text", String(400)),
    Column("started_at", UtcTime),
    Column("finished_at", UtcTime),
    Column("updated_at", UtcTime),
    Column("lease_owner", String(64)),
    Column("lease_expires_at", UtcTime),
    # The caller's idempotency key for recipients added over the API.
    Column("client_key", String(200)),
    UniqueConstraint("run_id", "phone_number"),
    UniqueConstraint("run_id", "client_key"),
    # The worker's claim reads due recipients of one run in (next_at, id)
    # order, so that a batch reads about as many index entries as it claims.
    Index(
        "ix_recipients_due", "run_id", "next_at", "id",
        postgresql_where=text("status IN ('active', 'delayed')"),
        sqlite_where=text("status IN ('active', 'delayed')"),
    ),
    # Whether a run has unfinished recipients, checked by every worker tick.
    Index(
        "ix_recipients_open", "run_id", "status",
        postgresql_where=text("status IN ('pending', 'active', 'waiting', 'delayed')"),
        sqlite_where=text("status IN ('pending', 'active', 'waiting', 'delayed')"),
    ),
    # Listing a run's recipients by status or node, a page after a cursor id.
    Index(None, "run_id", "status", "id"),
    Index(None, "run_id", "current_node", "id"),
    Index(None, "run_id", "id"),
    sqlite_autoincrement=True,
)

actions = Table(
    "actions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", Id, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("recipient_id", Id, ForeignKey("recipients.id", ondelete="CASCADE"), nullable=False),
    Column("node_id", String(100), nullable=False),
    # The recipient's step count when it entered the node: one visit, one action.
    Column("visit", Integer, nullable=False),
    Column("kind", String(8), nullable=False),
    Column("status", String(12), nullable=False),
    Column("provider", String(20), nullable=False),
    Column("provider_ref", String(100)),
    Column("from_number", String(20), nullable=False),
    Column("to_number", String(20), nullable=False),
    Column("request", JSON, nullable=False),
    Column("outcome", String(20)),
    Column("result", JSON),
    Column("result_rank", Integer, nullable=False, default=0),
    Column("not_before", UtcTime, nullable=False),
    Column("deadline_at", UtcTime),
    Column("created_at", UtcTime, nullable=False),
    Column("dispatched_at", UtcTime),
    Column("completed_at", UtcTime),
    Column("lease_owner", String(64)),
    Column("lease_expires_at", UtcTime),
    UniqueConstraint("recipient_id", "node_id", "visit"),
    Index(None, "status", "not_before"),
    Index(None, "run_id", "kind", "status"),
    Index(None, "provider", "provider_ref"),
    # The reconciler's expired dispatch leases and the overdue-result duty.
    Index(None, "status", "lease_expires_at"),
    Index(None, "status", "deadline_at"),
    sqlite_autoincrement=True,
)

events = Table(
    "events",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", Id, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("recipient_id", Id, ForeignKey("recipients.id", ondelete="CASCADE"), nullable=False),
    Column("at", UtcTime, nullable=False),
    Column("node_id", String(100)),
    Column("type", String(20), nullable=False),
    Column("detail", Text),
    Index(None, "recipient_id", "id"),
    Index(None, "run_id", "id"),
    sqlite_autoincrement=True,
)

# Every provider report, kept as received before it is applied.
callbacks = Table(
    "callbacks",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("provider", String(20), nullable=False),
    Column("action_id", Id),
    Column("provider_ref", String(100)),
    Column("received_at", UtcTime, nullable=False),
    Column("payload", JSON, nullable=False),
    Column("applied", Boolean, nullable=False, default=False),
    Index(None, "action_id"),
    # Callbacks stored but not yet applied, for the duty that retries them.
    Index(None, "applied", "received_at"),
    sqlite_autoincrement=True,
)

# The simulator's record of each call and SMS it placed, as a remote platform keeps one.
simulated_messages = Table(
    "simulated_messages",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("action_id", Id, nullable=False, unique=True),
    Column("kind", String(8), nullable=False),
    Column("result", JSON, nullable=False),
    Column("report_at", UtcTime, nullable=False),
    Column("reported", Boolean, nullable=False, default=False),
    Index(None, "reported", "report_at"),
    sqlite_autoincrement=True,
)

imports = Table(
    "imports",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("run_id", Id, ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
    Column("filename", String(400)),
    Column("report", JSON, nullable=False),
    Column("created_at", UtcTime, nullable=False),
    sqlite_autoincrement=True,
)

# One row per duty that only one worker may do at a time (starting scheduled
# runs, completing runs, reconciling actions): a lease, not a lock.
duties = Table(
    "duties",
    metadata,
    Column("name", String(50), primary_key=True),
    Column("owner", String(64)),
    Column("expires_at", UtcTime),
)

users = Table(
    "users",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("email", String(320), nullable=False, unique=True),
    # An argon2 hash; None for an account that can only sign in by a one-time link.
    Column("password_hash", String(200)),
    Column("role", String(10), nullable=False),
    Column("created_at", UtcTime, nullable=False),
    sqlite_autoincrement=True,
)

# API keys are long random strings, so a SHA-256 digest is a safe hash; the
# prefix finds the row without revealing the key.
api_keys = Table(
    "api_keys",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("name", String(200), nullable=False),
    Column("prefix", String(16), nullable=False, unique=True),
    Column("key_hash", String(64), nullable=False),
    Column("role", String(10), nullable=False),
    Column("created_by", Id, ForeignKey("users.id", ondelete="SET NULL")),
    Column("created_at", UtcTime, nullable=False),
    Column("last_used_at", UtcTime),
    Column("revoked_at", UtcTime),
    sqlite_autoincrement=True,
)

# Browser sessions and one-time sign-in links; only digests of tokens are kept.
sessions = Table(
    "sessions",
    metadata,
    Column("id", Id, primary_key=True, autoincrement=True),
    Column("token_hash", String(64), nullable=False, unique=True),
    Column("kind", String(10), nullable=False),
    Column("user_id", Id, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("csrf_token", String(64)),
    Column("created_at", UtcTime, nullable=False),
    Column("expires_at", UtcTime, nullable=False),
    Column("used_at", UtcTime),
    sqlite_autoincrement=True,
)

# One row per worker process, refreshed every tick: who is alive, and since when.
workers = Table(
    "workers",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("host", String(200), nullable=False),
    Column("pid", Integer, nullable=False),
    Column("started_at", UtcTime, nullable=False),
    Column("heartbeat_at", UtcTime, nullable=False),
    Column("stopped_at", UtcTime),
)
