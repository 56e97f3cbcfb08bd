"""Alembic environment: run with a connection handed in by egide.adapters.store.schema."""

from alembic import context

from egide.adapters.store.tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # pragma: no cover - Egide always hands one in
    raise RuntimeError("run migrations through `egide init` or egide.adapters.store.schema")

context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
