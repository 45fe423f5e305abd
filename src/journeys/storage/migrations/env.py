"""Alembic environment: migrations run on the engine that `journeys.storage.db` passes in."""

from alembic import context

from journeys.storage.schema import metadata

engine = context.config.attributes.get("engine")
if engine is None:
    from journeys.storage.db import connect

    engine = connect(migrate=False)

with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
