"""Switching webhook endpoints off and on, against receivers on loopback."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from tests.api.conftest import LiveServer
from tests.api.test_subscriptions import ordered
from tests.api.test_webhooks import SECRET, Receiver, connector, fast_settings, fulfil

pytestmark = pytest.mark.timeout(90)

ADMIN = """
mutation Register($url: String!, $secret: String!) {
  registerWebhookEndpoint(url: $url, secret: $secret) { id }
}
mutation Update($id: ID!, $active: Boolean, $url: String) {
  updateWebhookEndpoint(id: $id, active: $active, url: $url) { id url active }
}
query Deliveries { deliveries { id endpointId status attempts } }
mutation Redeliver($id: ID!) { redeliver(deliveryId: $id) { status } }
"""


@pytest.fixture
def receivers() -> Iterator[tuple[Receiver, Receiver]]:
    started = (Receiver(), Receiver())
    for receiver in started:
        receiver.thread.start()
        while not receiver.server.started:
            threading.Event().wait(0.02)
    yield started
    for receiver in started:
        receiver.server.should_exit = True
        receiver.thread.join(timeout=10)


@pytest.fixture
def gateway(seeded_url: str) -> Iterator[LiveServer]:
    """The gateway retrying webhooks quickly."""
    server = LiveServer(fast_settings(seeded_url))
    server.start()
    yield server
    server.stop()


@pytest.fixture
def slow_retries(seeded_url: str) -> Iterator[LiveServer]:
    """A gateway that retries a failed delivery only after an hour."""
    settings = fast_settings(seeded_url).model_copy(
        update={"webhook_backoff_seconds": 3600}
    )
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


async def admin(connect: Any, operation: str, **variables: Any) -> Any:
    async with connect("admin", "root@house") as session:
        return (await session.run(ADMIN, operation, **variables)).popitem()[1]


async def register(connect: Any, receiver: Receiver) -> str:
    endpoint = await admin(connect, "Register", url=receiver.url, secret=SECRET)
    return str(endpoint["id"])


async def deliveries_to(connect: Any, endpoint: str) -> list[dict[str, Any]]:
    found = await admin(connect, "Deliveries")
    return [d for d in found if d["endpointId"] == endpoint]


async def until_attempted(connect: Any, endpoint: str) -> dict[str, Any]:
    while True:
        found = await deliveries_to(connect, endpoint)
        if found and found[0]["attempts"] > 0:
            return found[0]
        await asyncio.sleep(0.05)


async def test_a_switched_off_endpoint_gets_nothing_committed_meanwhile(
    gateway: LiveServer, receivers: tuple[Receiver, Receiver]
) -> None:
    switched, control = receivers
    connect = connector(gateway)
    endpoint = await register(connect, switched)
    await register(connect, control)
    off = await admin(connect, "Update", id=endpoint, active=False)
    async with connect("sales", "sales@test") as sales:
        motion = await ordered(connect, sales)
    await control.until(1)
    assert await deliveries_to(connect, endpoint) == []

    on = await admin(connect, "Update", id=endpoint, active=True)
    await fulfil(connect, motion)
    (body,) = await switched.until(1)

    assert (off["active"], on["active"]) == (False, True)
    assert body["action"] == "FULFIL"
    assert [b["action"] for b in await control.until(2)] == ["PLACE_ORDER", "FULFIL"]


async def test_pending_deliveries_wait_while_switched_off_then_go_out(
    slow_retries: LiveServer, receivers: tuple[Receiver, Receiver]
) -> None:
    switched, control = receivers
    switched.statuses = [500]
    connect = connector(slow_retries)
    endpoint = await register(connect, switched)
    async with connect("sales", "sales@test") as sales:
        motion = await ordered(connect, sales)
    failed = await until_attempted(connect, endpoint)
    await admin(connect, "Update", id=endpoint, active=False)
    # Due again now, but its endpoint is off.
    await admin(connect, "Redeliver", id=failed["id"])
    await register(connect, control)
    await fulfil(connect, motion)
    await control.until(1)
    assert len(switched.received) == 1

    await admin(connect, "Update", id=endpoint, active=True)
    bodies = await switched.until(2)
    (delivered,) = await deliveries_to(connect, endpoint)

    assert [b["action"] for b in bodies] == ["PLACE_ORDER", "PLACE_ORDER"]
    assert delivered["status"] == "DELIVERED"


async def test_an_endpoint_moves_to_another_url(
    gateway: LiveServer, receivers: tuple[Receiver, Receiver]
) -> None:
    old, new = receivers
    connect = connector(gateway)
    endpoint = await register(connect, old)
    moved = await admin(connect, "Update", id=endpoint, url=new.url)
    async with connect("sales", "sales@test") as sales:
        await ordered(connect, sales)
    (body,) = await new.until(1)

    assert moved["url"] == new.url
    assert body["action"] == "PLACE_ORDER"
    assert old.received == []
