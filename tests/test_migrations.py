"""The schema that the migrations build equals the schema of the model."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from datetime import UTC, datetime

from sqlalchemy import Engine, delete, insert, inspect, text

from journeys.storage.schema import metadata


def test_migrations_match_model(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, metadata)

    assert differences == []


def test_migrations_create_every_table(engine: Engine) -> None:
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())

    assert set(metadata.tables) <= tables
    assert "alembic_version" in tables


def test_head_revision_constant_is_latest() -> None:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from journeys.storage.db import HEAD_REVISION, MIGRATIONS

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))

    assert ScriptDirectory.from_config(config).get_current_head() == HEAD_REVISION


def test_new_database_is_at_head(engine: Engine) -> None:
    from journeys.storage.db import HEAD_REVISION, current_revision

    assert current_revision(engine) == HEAD_REVISION


def test_upgrade_from_first_revision_keeps_rows(database_url: str) -> None:
    from alembic import command
    from alembic.config import Config

    from journeys.storage.db import MIGRATIONS, connect, upgrade

    engine = connect(database_url, migrate=False)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["engine"] = engine
    command.upgrade(config, "0001")
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO journeys (id, name, current_version, created_at, updated_at) VALUES (1, 'j', 1, :at, :at)"), {"at": "2026-01-01"})
        conn.execute(text("INSERT INTO runs (id, journey_id, name, status, settings, created_at, updated_at) VALUES (1, 1, 'r', 'running', '{}', :at, :at)"), {"at": "2026-01-01"})
        conn.execute(text(
            "INSERT INTO recipients (id, run_id, phone_number, data, status, phase, steps, outputs, calls_placed, "
            "calls_answered, sms_sent, talk_time_seconds) VALUES (1, 1, '+12025550101', '{}', 'waiting', 'enter', 0, '{}', 0, 0, 0, 0)"
        ))
        conn.execute(text("INSERT INTO events (run_id, recipient_id, at, type) VALUES (1, 1, :at, 'entered')"), {"at": "2026-01-01"})

    upgrade(engine)

    with engine.connect() as conn:
        # Recreating a table during the upgrade must not cascade to the rows that refer to it.
        assert conn.execute(text("SELECT count(*) FROM recipients")).scalar_one() == 1
        assert conn.execute(text("SELECT count(*) FROM events")).scalar_one() == 1
    engine.dispose()


def test_deleted_ids_are_not_reused(engine: Engine) -> None:
    from journeys.storage.schema import journeys

    now = datetime.now(UTC)
    row = {"name": "j", "current_version": 1, "created_at": now, "updated_at": now}
    with engine.begin() as conn:
        first = conn.execute(insert(journeys).values(**row)).inserted_primary_key[0]
        conn.execute(delete(journeys).where(journeys.c.id == first))
        second = conn.execute(insert(journeys).values(**row)).inserted_primary_key[0]

    assert second > first
