"""Two gateway processes on one PostgreSQL: events cross between them."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import httpx
import pytest
from gql import Client
from gql.transport.httpx import HTTPXAsyncTransport

from tests.api.conftest import LiveServer, Session, serving
from tests.api.live import MOTION_CHANGED, MOTION_EVENTS, subscriber, take
from tests.api.test_subscriptions import quoted, started
from tests.conftest import POSTGRES_URL

pytestmark = [
    pytest.mark.timeout(60),
    pytest.mark.parametrize("backend", ["postgresql"], indirect=True),
]


@pytest.fixture
def replicas(seeded_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two gateways serving the same database."""
    for first in serving(seeded_url):
        for second in serving(seeded_url):
            yield first, second


@pytest.fixture
async def sales_on_first(
    replicas: tuple[LiveServer, LiveServer],
) -> AsyncIterator[Session]:
    first = replicas[0]
    transport = HTTPXAsyncTransport(
        url=f"{first.url}/graphql",
        headers={"Authorization": f"Bearer {first.token('sales')}"},
        timeout=60,
    )
    client = Client(transport=transport)
    yield Session(client, await client.connect_async())
    await client.close_async()


async def events_mode(gateway: LiveServer) -> str:
    async with httpx.AsyncClient(base_url=gateway.url) as client:
        ready = (await client.get("/readyz")).json()
    mode: str = ready["events"]
    return mode


async def until_mode(gateway: LiveServer, mode: str) -> None:
    while await events_mode(gateway) != mode:
        await asyncio.sleep(0.05)


async def watch_one(gateway: LiveServer, document: str, **variables: Any) -> Any:
    """Subscribe on the gateway; the first event, once there is one."""
    async with subscriber(gateway, gateway.token("sales")) as live:
        (event,) = await take(live, document, 1, **variables)
    return event


async def live_on(gateway: LiveServer, document: str, **variables: Any) -> Any:
    """A task holding a live subscription already registered at the gateway."""
    watching = asyncio.create_task(watch_one(gateway, document, **variables))
    while gateway.app.state.runtime.feed.subscribers < 1:
        await asyncio.sleep(0.01)
    return watching


async def test_a_transition_through_one_replica_reaches_the_others_subscriber(
    replicas: tuple[LiveServer, LiveServer], sales_on_first: Session
) -> None:
    second = replicas[1]
    await until_mode(second, "listening")
    motion = await started(sales_on_first)
    watching = await live_on(second, MOTION_CHANGED, id=motion["id"])
    after = await quoted(sales_on_first, motion)
    event = await watching

    assert (event["action"], event["motion"]["version"]) == (
        "ISSUE_QUOTE",
        after["version"],
    )


async def test_a_replica_that_lost_its_listener_polls_and_still_delivers(
    replicas: tuple[LiveServer, LiveServer], sales_on_first: Session
) -> None:
    second = replicas[1]
    await until_mode(second, "listening")
    wakeups = second.app.state.runtime.wakeups
    wakeups.retry_seconds = 30  # stay deaf for the rest of the test
    killer = await asyncpg.connect(POSTGRES_URL)
    try:
        await killer.execute("SELECT pg_terminate_backend($1)", wakeups.backend_pid)
    finally:
        await killer.close()
    await until_mode(second, "polling")

    watching = await live_on(second, MOTION_EVENTS)
    motion = await started(sales_on_first)
    event = await watching
    assert event["motion"]["id"] == motion["id"]
    assert await events_mode(second) == "polling"
