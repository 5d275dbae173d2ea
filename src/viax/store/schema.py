"""Migrating the database, and refusing to serve one that is behind."""

from __future__ import annotations

import logging
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from viax.errors import SchemaBehindError
from viax.store.database import create_engine, writer

logger = logging.getLogger(__name__)

MIGRATIONS = Path(__file__).with_name("migrations")
# Any constant will do; it only has to be the same for every replica.
_MIGRATION_LOCK = 7_413_001


def alembic_config() -> Config:
    """Alembic's configuration, pointing at the shipped revisions."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    """The newest revision the code knows."""
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    assert head is not None, "the migrations directory has no revisions"
    return head


async def migrate(url: str) -> None:
    """Upgrade the database at `url` to the head revision."""
    engine = create_engine(url)
    try:
        async with writer(engine).begin() as connection:
            await connection.run_sync(_upgrade)
    finally:
        await engine.dispose()
    logger.info("database migrated to revision %s", head_revision())


async def schema_status(engine: AsyncEngine) -> tuple[str | None, str]:
    """The database's current revision (None when empty) and the head."""
    async with engine.connect() as connection:
        current = await connection.run_sync(_current_revision)
    return current, head_revision()


async def ensure_migrated(engine: AsyncEngine) -> None:
    """Raise `SchemaBehindError` unless the database is at the head."""
    current, head = await schema_status(engine)
    if current != head:
        raise SchemaBehindError(
            f"database is at revision {current or 'none'}, head is {head}: "
            "run `viax migrate`"
        )


def _upgrade(connection: Connection) -> None:
    if connection.dialect.name == "postgresql":
        # Replicas starting together must not run the same revision twice.
        connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK}
        )
    config = alembic_config()
    config.attributes["connection"] = connection
    command.upgrade(config, "head")


def _current_revision(connection: Connection) -> str | None:
    return MigrationContext.configure(connection).get_current_revision()
