"""Databases for tests: every store test runs on SQLite and on PostgreSQL.

Fixtures:

- `backend`: "sqlite" or "postgresql"; tests that use the fixtures below
  run once for each.
- `blank_database_url`: an empty database (no tables, no revision).
- `store_url`: a migrated, empty database, fresh for each test.
- `store_engine`: an `AsyncEngine` on `store_url`, disposed afterwards.
- `store`: a `viax.store.transitions.Store` on `store_engine` with the
  default model registry.

PostgreSQL comes from `VIAX_TEST_POSTGRES_URL` (default
postgresql://postgres@127.0.0.1:5432/test). Each test session works in a
schema of its own, chosen through `search_path`, so it never touches the
tables of anything else sharing that database. When no server answers the
PostgreSQL cases are skipped, except under `CI=true`, where that fails.
"""

from __future__ import annotations

import os
import secrets
import shutil
from collections.abc import AsyncIterator
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from viax.store.database import create_engine
from viax.store.schema import migrate
from viax.store.tables import metadata

if TYPE_CHECKING:
    from viax.store.transitions import Store

POSTGRES_URL = os.environ.get(
    "VIAX_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ("sqlite", "postgresql")


def in_schema(url: str, schema: str) -> str:
    """The URL with its search path set to one schema."""
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


class PostgresSchemas:
    """Schemas of this test session in the shared PostgreSQL database."""

    def __init__(self) -> None:
        self.prefix = f"viax_test_{os.getpid()}_{secrets.token_hex(3)}"
        self.created: list[str] = []
        self.unavailable: str | None = None

    async def create(self) -> str:
        """A new empty schema; returns a URL that works inside it."""
        name = f"{self.prefix}_{len(self.created)}"
        await self._execute(f'CREATE SCHEMA "{name}"')
        self.created.append(name)
        return in_schema(POSTGRES_URL, name)

    async def drop_all(self) -> None:
        """Drop every schema this session created."""
        for name in self.created:
            await self._execute(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')

    async def check(self) -> None:
        """Skip (or fail under CI) when no server answers."""
        if self.unavailable is None:
            try:
                await self._execute("SELECT 1")
                self.unavailable = ""
            except (OSError, asyncpg.PostgresError) as error:
                self.unavailable = f"no PostgreSQL at {POSTGRES_URL}: {error}"
        if self.unavailable:
            if os.environ.get("CI") == "true":
                pytest.fail(self.unavailable)
            pytest.skip(self.unavailable)

    async def _execute(self, statement: str) -> None:
        connection = await asyncpg.connect(POSTGRES_URL, timeout=5)
        try:
            await connection.execute(statement)
        finally:
            await connection.close()


class MigratedTemplates:
    """One migrated database per backend, cloned or emptied for each test."""

    def __init__(self, schemas: PostgresSchemas, directory: Path) -> None:
        self.schemas = schemas
        self.directory = directory
        self.sqlite_template: Path | None = None
        self.postgres_url: str | None = None

    async def fresh_sqlite(self, path: Path) -> str:
        """A copy of the migrated SQLite template at `path`."""
        if self.sqlite_template is None:
            template = self.directory / "template.db"
            await migrate(f"sqlite:///{template}")
            self.sqlite_template = template
        shutil.copyfile(self.sqlite_template, path)
        return f"sqlite:///{path}"

    async def fresh_postgres(self) -> str:
        """The session's migrated schema, with every table emptied."""
        if self.postgres_url is None:
            url = await self.schemas.create()
            await migrate(url)
            self.postgres_url = url
            return url
        engine = create_engine(self.postgres_url)
        try:
            async with engine.begin() as connection:
                names = ", ".join(table.name for table in metadata.sorted_tables)
                await connection.execute(
                    text(f"TRUNCATE {names} RESTART IDENTITY CASCADE")
                )
        finally:
            await engine.dispose()
        return self.postgres_url


@pytest.fixture(scope="session")
async def postgres_schemas() -> AsyncIterator[PostgresSchemas]:
    schemas = PostgresSchemas()
    yield schemas
    if schemas.created:
        await schemas.drop_all()


@pytest.fixture(scope="session")
def migrated_templates(
    postgres_schemas: PostgresSchemas, tmp_path_factory: pytest.TempPathFactory
) -> MigratedTemplates:
    return MigratedTemplates(postgres_schemas, tmp_path_factory.mktemp("templates"))


@pytest.fixture(params=BACKENDS)
async def backend(
    request: pytest.FixtureRequest, postgres_schemas: PostgresSchemas
) -> str:
    name: str = request.param
    if name == "postgresql":
        await postgres_schemas.check()
    return name


@pytest.fixture
async def blank_database_url(
    backend: str, tmp_path: Path, postgres_schemas: PostgresSchemas
) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tmp_path / 'blank.db'}"
    return await postgres_schemas.create()


@pytest.fixture
async def store_url(
    backend: str, tmp_path: Path, migrated_templates: MigratedTemplates
) -> str:
    if backend == "sqlite":
        return await migrated_templates.fresh_sqlite(tmp_path / "viax.db")
    return await migrated_templates.fresh_postgres()


@pytest.fixture
async def store_engine(store_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(store_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def store(store_engine: AsyncEngine) -> Store:
    from viax.motion.model import default_registry
    from viax.store.transitions import Store

    return Store(store_engine, default_registry())
