"""Engines for the two stores: an embedded SQLite file and PostgreSQL."""

from __future__ import annotations

import shlex
from typing import Any

import orjson
from sqlalchemy import event
from sqlalchemy.engine import URL, Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

from viax.errors import ConfigurationError

# Execution option that makes a SQLite transaction take the write lock at
# BEGIN, so two writers queue for it instead of one failing mid-way.
WRITE_OPTION = "viax_write"
BUSY_TIMEOUT_SECONDS = 30

_DRIVERS = {
    "sqlite": "sqlite+aiosqlite",
    "sqlite+aiosqlite": "sqlite+aiosqlite",
    "postgres": "postgresql+asyncpg",
    "postgresql": "postgresql+asyncpg",
    "postgresql+asyncpg": "postgresql+asyncpg",
}


def async_url(url: str) -> URL:
    """The URL with its async driver: aiosqlite or asyncpg."""
    parsed = make_url(url)
    driver = _DRIVERS.get(parsed.drivername)
    if driver is None:
        raise ConfigurationError(
            f"unsupported database URL scheme {parsed.drivername!r}: "
            "use sqlite:///path.db or postgresql://user@host/database"
        )
    return parsed.set(drivername=driver)


def create_engine(url: str) -> AsyncEngine:
    """An async engine for a sqlite:// or postgresql:// URL."""
    parsed = async_url(url)
    json_options: dict[str, Any] = {
        "json_serializer": lambda value: orjson.dumps(value).decode(),
        "json_deserializer": orjson.loads,
    }
    if parsed.get_backend_name() == "sqlite":
        engine = create_async_engine(
            parsed,
            connect_args={"timeout": BUSY_TIMEOUT_SECONDS},
            **json_options,
        )
        _configure_sqlite(engine)
        return engine
    parsed, connect_args = _postgres_connect_args(parsed)
    return create_async_engine(parsed, connect_args=connect_args, **json_options)


def writer(engine: AsyncEngine) -> AsyncEngine:
    """The same engine, marked so its transactions take the write lock."""
    return engine.execution_options(**{WRITE_OPTION: True})


def _configure_sqlite(engine: AsyncEngine) -> None:
    # pysqlite's own implicit BEGIN cannot be made IMMEDIATE, so the driver
    # runs in autocommit and the BEGIN is emitted here instead.
    @event.listens_for(engine.sync_engine, "connect")
    def _on_connect(dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        for pragma in (
            "PRAGMA journal_mode=WAL",
            "PRAGMA synchronous=NORMAL",
            "PRAGMA foreign_keys=ON",
            f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}",
        ):
            cursor.execute(pragma)
        cursor.close()

    @event.listens_for(engine.sync_engine, "begin")
    def _on_begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(WRITE_OPTION, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


def _postgres_connect_args(url: URL) -> tuple[URL, dict[str, Any]]:
    # asyncpg takes libpq's `options=-c name=value` as server settings and
    # its `sslmode` as `ssl`; anything else in the query is passed through.
    query = dict(url.query)
    connect_args: dict[str, Any] = {}
    options = query.pop("options", None)
    if options is not None:
        connect_args["server_settings"] = _server_settings(str(options))
    sslmode = query.pop("sslmode", None)
    if sslmode is not None:
        connect_args["ssl"] = str(sslmode)
    return url.set(query=query), connect_args


def _server_settings(options: str) -> dict[str, str]:
    words = shlex.split(options)
    settings: dict[str, str] = {}
    for index, word in enumerate(words):
        if word == "-c" and index + 1 < len(words):
            word = "-c" + words[index + 1]
        if word.startswith("-c") and "=" in word:
            name, _, value = word[2:].partition("=")
            settings[name.strip()] = value.strip()
    return settings
