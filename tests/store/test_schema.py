"""Migrations, the schema check at start-up, and what the engine sets up."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

from viax.errors import SchemaBehindError
from viax.store.database import create_engine
from viax.store.schema import ensure_migrated, head_revision, migrate, schema_status
from viax.store.tables import metadata


async def test_a_blank_database_is_refused_with_the_command_to_run(
    blank_database_url: str,
) -> None:
    engine = create_engine(blank_database_url)
    try:
        with pytest.raises(SchemaBehindError) as refused:
            await ensure_migrated(engine)
    finally:
        await engine.dispose()

    assert str(refused.value) == (
        f"database is at revision none, head is {head_revision()}: run `viax migrate`"
    )


async def test_migrate_brings_a_blank_database_to_head(
    blank_database_url: str,
) -> None:
    await migrate(blank_database_url)

    engine = create_engine(blank_database_url)
    try:
        assert await schema_status(engine) == (head_revision(), head_revision())
        await ensure_migrated(engine)
    finally:
        await engine.dispose()


async def test_migrating_twice_changes_nothing(blank_database_url: str) -> None:
    await migrate(blank_database_url)
    await migrate(blank_database_url)

    engine = create_engine(blank_database_url)
    try:
        current, head = await schema_status(engine)
    finally:
        await engine.dispose()
    assert current == head


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_the_migrated_schema_is_exactly_the_tables_module(
    store_engine: AsyncEngine,
) -> None:
    async with store_engine.connect() as connection:
        differences = await connection.run_sync(_differences)

    assert differences == []


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sqlite_runs_in_wal_mode_with_foreign_keys(
    store_engine: AsyncEngine,
) -> None:
    async with store_engine.connect() as connection:
        journal = await connection.scalar(text("PRAGMA journal_mode"))
        foreign_keys = await connection.scalar(text("PRAGMA foreign_keys"))

    assert (journal, foreign_keys) == ("wal", 1)
