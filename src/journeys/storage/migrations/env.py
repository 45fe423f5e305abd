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
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        render_item=render_item,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
