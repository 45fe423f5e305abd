"""Alembic environment: migrations run on the engine that `journeys.storage.db` passes in."""

from alembic import context

from journeys.storage.schema import UtcDateTime, metadata


def render_item(type_, obj, autogen_context):  # type: ignore[no-untyped-def]
    """Render the UTC datetime type as a plain timestamp with time zone in migrations."""
    if type_ == "type" and isinstance(obj, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


engine = context.config.attributes.get("engine")
if engine is None:
    from journeys.storage.db import connect

    engine = connect(migrate=False)

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch migrations recreate tables on SQLite. With foreign keys on,
        # dropping the old table would cascade-delete every row that refers
        # to it, so they are off until the migration is done and checked.
        # The PRAGMA must run outside a transaction, so it goes to the driver directly.
        connection.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=sqlite,
        render_item=render_item,
    )
    try:
        with context.begin_transaction():
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                if broken:
                    raise RuntimeError(f"the migration left rows whose foreign keys point nowhere: {broken[:5]}")
        connection.commit()
    finally:
        if sqlite:
            connection.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
