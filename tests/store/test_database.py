"""Engine creation: URL forms, driver settings and SQLite write locking."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from viax.errors import ConfigurationError
from viax.store.database import async_url, create_engine, writer


@pytest.mark.parametrize(
    ("given", "driver"),
    [
        ("sqlite:///viax.db", "sqlite+aiosqlite"),
        ("sqlite+aiosqlite:///viax.db", "sqlite+aiosqlite"),
        ("postgresql://postgres@127.0.0.1/test", "postgresql+asyncpg"),
        ("postgresql+asyncpg://postgres@127.0.0.1/test", "postgresql+asyncpg"),
        ("postgres://postgres@127.0.0.1/test", "postgresql+asyncpg"),
    ],
)
def test_urls_get_their_async_driver(given: str, driver: str) -> None:
    assert async_url(given).drivername == driver


def test_an_unknown_database_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="mysql"):
        create_engine("mysql://root@localhost/viax")


@pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
async def test_libpq_options_in_the_url_reach_the_server(store_url: str) -> None:
    engine = create_engine(f"{store_url}%20-c%20statement_timeout%3D4321")
    try:
        async with engine.connect() as connection:
            search_path = await connection.scalar(text("SHOW search_path"))
            timeout = await connection.scalar(text("SHOW statement_timeout"))
    finally:
        await engine.dispose()

    assert search_path is not None and search_path in store_url
    assert timeout == "4321ms"


@contextmanager
def begins(engine: AsyncEngine) -> Iterator[list[str]]:
    """The BEGIN statements sent inside the block."""
    seen: list[str] = []

    def _seen(*args: Any) -> None:
        if str(args[2]).startswith("BEGIN"):
            seen.append(args[2])

    event.listen(engine.sync_engine, "before_cursor_execute", _seen)
    try:
        yield seen
    finally:
        event.remove(engine.sync_engine, "before_cursor_execute", _seen)


async def test_sqlite_writers_take_the_lock_at_begin(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'locks.db'}")
    try:
        with begins(engine) as seen:
            async with writer(engine).begin() as connection:
                await connection.execute(text("SELECT 1"))
            async with engine.begin() as connection:
                await connection.execute(text("SELECT 1"))
    finally:
        await engine.dispose()

    assert seen == ["BEGIN IMMEDIATE", "BEGIN"]
