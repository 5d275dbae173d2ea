"""A real gateway on loopback, and gql clients that speak to it."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from gql import Client, GraphQLRequest
from gql.transport.httpx import HTTPXAsyncTransport
from sqlalchemy import event

from viax.api.auth import mint_token
from viax.app import Clock, create_app, system_clock
from viax.seed import seed
from viax.settings import Settings
from viax.store.transitions import Store

OPERATIONS = Path(__file__).parents[2] / "schema" / "operations"
SEED_TIME = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def operations(name: str) -> str:
    """The text of one operations file of `schema/operations/`."""
    return (OPERATIONS / f"{name}.graphql").read_text()


@dataclass
class StatementCounter:
    """Counts the SQL statements the gateway sends while enabled."""

    count: int = 0
    enabled: bool = False

    def __call__(self, *args: Any) -> None:
        if self.enabled:
            self.count += 1


class LiveServer:
    """Uvicorn serving the gateway in a thread with its own event loop."""

    def __init__(self, settings: Settings, clock: Clock = system_clock) -> None:
        self.settings = settings
        self.app = create_app(settings, clock=clock)
        config = uvicorn.Config(
            self.app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.counter = StatementCounter()

    def start(self) -> None:
        self.thread.start()
        for _ in range(500):
            if self.server.started or not self.thread.is_alive():
                break
            threading.Event().wait(0.02)
        if not self.server.started:
            raise RuntimeError("the gateway did not start")
        engine = self.app.state.runtime.engine
        event.listen(engine.sync_engine, "before_cursor_execute", self.counter)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def url(self) -> str:
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        return f"http://{host}:{port}"

    def token(self, role: str, subject: str | None = None, **ids: int) -> str:
        return mint_token(
            self.settings,
            roles=role.split(","),
            subject=subject or f"{role}@test",
            **ids,
        )


@dataclass
class SetClock:
    """A gateway clock the test moves between steps."""

    now: datetime

    @classmethod
    def on(cls, year: int, month: int, day: int) -> SetClock:
        return cls(datetime(year, month, day, 9, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def set(self, year: int, month: int, day: int) -> None:
        self.now = datetime(year, month, day, 9, 0, tzinfo=UTC)


class Session:
    """A gql session acting as one principal."""

    def __init__(self, client: Client, session: Any) -> None:
        self.client = client
        self.session = session

    async def run(
        self, document: str, operation: str, **variables: Any
    ) -> dict[str, Any]:
        request = GraphQLRequest(
            document, variable_values=variables or None, operation_name=operation
        )
        result: dict[str, Any] = await self.session.execute(request)
        return result


@pytest.fixture
async def seeded_url(store: Store, store_url: str) -> str:
    await seed(store, motions=0, now=SEED_TIME)
    return store_url


def serving(
    url: str, clock: Clock = system_clock, **options: Any
) -> Iterator[LiveServer]:
    """A started gateway on `url`; `options` are further settings."""
    settings = Settings(
        database_url=url,
        jwt_secret="a-test-secret-of-32-bytes-or-more",
        # The demo data is dated in the past: no sweep may change it mid-test.
        expiry_interval_seconds=3600,
        **options,
    )
    server = LiveServer(settings, clock)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def clock() -> SetClock:
    """A clock the test moves by hand, from 2 January 2027.

    A module marked `pytest.mark.usefixtures("clock")` runs its gateway on
    it, in every test.
    """
    return SetClock.on(2027, 1, 2)


@pytest.fixture
def gateway(seeded_url: str, request: pytest.FixtureRequest) -> Iterator[LiveServer]:
    """The gateway on a database holding the demo catalog and parties.

    On the test's `clock` when it uses one, otherwise on the system clock.
    """
    if "clock" in request.fixturenames:
        yield from serving(seeded_url, request.getfixturevalue("clock"))
    else:
        yield from serving(seeded_url)


@pytest.fixture
async def busy_url(store: Store, store_url: str) -> str:
    await seed(store, motions=60, now=SEED_TIME)
    return store_url


@pytest.fixture
def busy_gateway(busy_url: str) -> Iterator[LiveServer]:
    """The gateway on the demo data with 60 motions in every state."""
    yield from serving(busy_url)


@pytest.fixture
def connect(gateway: LiveServer) -> Any:
    """`async with connect("sales") as sales:` opens a session for a role."""
    opened: list[Client] = []

    class _Connect:
        def __init__(self, role: str, subject: str | None = None, **ids: int):
            token = gateway.token(role, subject, **ids)
            transport = HTTPXAsyncTransport(
                url=f"{gateway.url}/graphql",
                headers={"Authorization": f"Bearer {token}"},
                timeout=60,
            )
            self.client = Client(transport=transport)
            opened.append(self.client)

        async def __aenter__(self) -> Session:
            return Session(self.client, await self.client.connect_async())

        async def __aexit__(self, *exc: object) -> None:
            await self.client.close_async()

    return _Connect


@pytest.fixture
async def sales(connect: Any) -> AsyncIterator[Session]:
    async with connect("sales", "sales@test") as session:
        yield session


TRANSITIONS = operations("transitions")


async def transition(session: Session, operation: str, **input: Any) -> dict[str, Any]:
    """Run a transition mutation and return its TransitionResult."""
    data = await session.run(TRANSITIONS, operation, input=input)
    (result,) = data.values()
    assert isinstance(result, dict)
    return result


async def applied(session: Session, operation: str, **input: Any) -> dict[str, Any]:
    """Run a transition that must apply; return the motion after it."""
    result = await transition(session, operation, **input)
    assert result["__typename"] == "TransitionApplied", result
    motion: dict[str, Any] = result["motion"]
    return motion
