"""Database connections: the URL, SQLite settings and migrations on first use.

Everything dialect-specific about connecting lives here and in `dialect.py`.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError

from journeys.errors import InvalidInputError
from journeys.storage.jsoncolumns import dump_json

logger = logging.getLogger(__name__)

DEFAULT_URL = "sqlite:///journeys.db"
MIGRATIONS = Path(__file__).parent / "migrations"

# How long SQLite waits for another process's write lock before failing.
SQLITE_BUSY_TIMEOUT_MS = 30_000


def database_url() -> str:
    """Return the database URL from JOURNEYS_DATABASE_URL or the config file, else the default file."""
    from journeys.config import load_settings

    return os.environ.get("JOURNEYS_DATABASE_URL") or load_settings().database_url


def connect(url: str | None = None, *, migrate: bool = True) -> Engine:
    """Open the database at `url` and bring its schema up to date.

    A new SQLite file is created and migrated on first use, so that every
    command works without a separate set-up step.
    """
    url = url or database_url()
    try:
        parsed = make_url(url)
    except ArgumentError as exc:
        raise InvalidInputError(
            f"invalid database URL {url!r}: use sqlite:///FILE or "
            "postgresql+psycopg://USER@HOST:PORT/DATABASE"
        ) from exc

    backend = parsed.get_backend_name()
    if backend not in ("sqlite", "postgresql"):
        raise InvalidInputError(
            f"unsupported database {_shown(parsed)}: Journeys runs on SQLite "
            "(sqlite:///FILE) or PostgreSQL (postgresql+psycopg://USER@HOST:PORT/DATABASE)"
        )
    if backend == "sqlite" and parsed.database in (None, "", ":memory:"):
        raise InvalidInputError(
            f"the database URL {_shown(parsed)} names no file, so nothing would be kept; "
            "use sqlite:///journeys.db or another file path"
        )

    try:
        engine = _create(parsed)
        if migrate:
            upgrade(engine)
    except (DBAPIError, NoSuchModuleError) as exc:
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        raise InvalidInputError(
            f"cannot open the database {_shown(parsed)}: {reason}; check JOURNEYS_DATABASE_URL "
            "and that the server is running and the database exists"
        ) from exc
    return engine


def _shown(url: URL) -> str:
    # The password never reaches a message or a log.
    return repr(url.render_as_string(hide_password=True))


def _create(parsed: URL) -> Engine:
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(
            parsed, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, json_serializer=dump_json
        )
        event.listen(engine, "connect", _configure_sqlite)
        # Let SQLAlchemy's BEGIN be the transaction start: pysqlite's own
        # implicit transactions would defeat BEGIN IMMEDIATE below.
        event.listen(engine, "begin", _begin_immediate)
    else:
        engine = create_engine(parsed, pool_pre_ping=True, json_serializer=dump_json)
    return engine


def _configure_sqlite(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.close()


def _begin_immediate(connection) -> None:  # type: ignore[no-untyped-def]
    # Taking the write lock at BEGIN avoids the deadlock where two readers
    # both try to upgrade to writers; the busy timeout then queues them.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


# The newest migration's revision. A database already at it skips Alembic,
# which saves every command the time to load the migration scripts.
HEAD_REVISION = "0003"


def upgrade(engine: Engine, *, force: bool = False) -> None:
    """Apply every pending Alembic migration to the database."""
    from alembic import command
    from alembic.config import Config

    current = current_revision(engine)
    if current == HEAD_REVISION and not force:
        return
    if current is None:
        logger.info("Creating the database schema.", extra={"action": "db_create"})

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.upgrade(config, "head")


def current_revision(engine: Engine) -> str | None:
    """Return the database's Alembic revision, or None for a database without the schema."""
    with engine.connect() as connection:
        if "alembic_version" not in inspect(connection).get_table_names():
            return None
        return connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
