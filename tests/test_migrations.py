"""The schema that the migrations build equals the schema of the model."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine, inspect

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
