"""Alembic's entry point: runs the revisions on one connection.

`viax.store.schema.migrate` hands over a connection it already holds;
Alembic's own command line gets an engine built from the URL instead.
"""

from __future__ import annotations

import asyncio
import os

from alembic import context
from sqlalchemy.engine import Connection

from viax.store.database import create_engine, writer
from viax.store.tables import metadata


def run_on(connection: Connection) -> None:
    """Run the pending revisions inside the connection's transaction."""
    context.configure(
        connection=connection,
        target_metadata=metadata,
        # SQLite alters tables only by copying them; batch mode does that.
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_with_own_engine(url: str) -> None:
    """Open an engine for the URL and migrate through it."""
    engine = create_engine(url)
    try:
        async with writer(engine).begin() as connection:
            await connection.run_sync(run_on)
    finally:
        await engine.dispose()


def run_offline(url: str) -> None:
    """Print the SQL instead of running it."""
    context.configure(url=url, target_metadata=metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def main() -> None:
    """Pick the way to run from how Alembic was invoked."""
    config = context.config
    url = os.environ.get("VIAX_DATABASE_URL") or config.get_main_option(
        "sqlalchemy.url", "sqlite:///viax.db"
    )
    connection = config.attributes.get("connection")
    if context.is_offline_mode():
        run_offline(url)
    elif connection is not None:
        run_on(connection)
    else:
        asyncio.run(run_with_own_engine(url))


main()
