"""Outbound webhooks against a small receiver on loopback."""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import threading
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
import uvicorn
from gql import Client
from gql.transport.exceptions import TransportQueryError
from gql.transport.httpx import HTTPXAsyncTransport
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.api.conftest import LiveServer, Session, applied
from tests.api.test_subscriptions import ordered
from viax.settings import Settings

pytestmark = pytest.mark.timeout(90)
SECRET = "a-receiver-secret-of-some-length"


def fast_settings(url: str) -> Settings:
    return Settings(
        database_url=url,
        jwt_secret="a-test-secret-of-32-bytes-or-more",
        webhook_max_attempts=3,
        webhook_backoff_seconds=0.05,
        events_poll_seconds=0.1,
    )


@pytest.fixture
def gateway(seeded_url: str) -> Iterator[LiveServer]:
    """The gateway retrying webhooks quickly, three attempts at most."""
    server = LiveServer(fast_settings(seeded_url))
    server.start()
    yield server
    server.stop()


class Receiver:
    """Answers POST /hook with the scripted statuses, then 200; keeps all."""

    def __init__(self) -> None:
        self.statuses: list[int] = []
        self.received: list[tuple[dict[str, str], bytes]] = []
        app = Starlette(routes=[Route("/hook", self.hook, methods=["POST"])])
        config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    async def hook(self, request: Request) -> Response:
        self.received.append((dict(request.headers), await request.body()))
        status = self.statuses.pop(0) if self.statuses else 200
        return Response(status_code=status)

    @property
    def url(self) -> str:
        host, port = self.server.servers[0].sockets[0].getsockname()[:2]
        return f"http://{host}:{port}/hook"

    async def until(self, count: int) -> list[dict[str, Any]]:
        """The bodies received, once there are `count`."""
        while len(self.received) < count:
            await asyncio.sleep(0.02)
        return [httpx.Response(200, content=b).json() for _, b in self.received]


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    receiver = Receiver()
    receiver.thread.start()
    while not receiver.server.started:
        threading.Event().wait(0.02)
    yield receiver
    receiver.server.should_exit = True
    receiver.thread.join(timeout=10)


ADMIN = """
mutation Register($url: String!, $secret: String!) {
  registerWebhookEndpoint(url: $url, secret: $secret) { id url active }
}
query Deliveries { deliveries { id sequence status attempts lastError } }
mutation Redeliver($id: ID!) { redeliver(deliveryId: $id) { status attempts } }
"""


async def register(connect: Any, receiver: Receiver) -> None:
    async with connect("admin", "root@house") as admin:
        await admin.run(ADMIN, "Register", url=receiver.url, secret=SECRET)


async def deliveries(connect: Any) -> list[dict[str, Any]]:
    async with connect("admin", "root@house") as admin:
        found: list[dict[str, Any]] = (await admin.run(ADMIN, "Deliveries"))[
            "deliveries"
        ]
    return found


async def settled(connect: Any, status: str) -> list[dict[str, Any]]:
    """The deliveries, once every one of them has the status."""
    while True:
        found = await deliveries(connect)
        if found and all(d["status"] == status for d in found):
            return found
        await asyncio.sleep(0.05)


async def fulfil(connect: Any, motion: dict[str, Any]) -> dict[str, Any]:
    lines = [
        {"orderLineId": x["id"], "quantity": x["quantity"]}
        for x in motion["order"]["lines"]
    ]
    async with connect("fulfilment", "ops@house") as ops:
        return await applied(
            ops,
            "RecordFulfilment",
            motionId=motion["id"],
            expectedVersion=motion["version"],
            lines=lines,
        )


async def test_order_events_arrive_signed_and_in_sequence(
    connect: Any, sales: Session, receiver: Receiver
) -> None:
    await register(connect, receiver)
    motion = await ordered(connect, sales)
    await fulfil(connect, motion)
    bodies = await receiver.until(2)

    assert [b["action"] for b in bodies] == ["PLACE_ORDER", "FULFIL"]
    assert bodies[0]["sequence"] < bodies[1]["sequence"]
    for headers, content in receiver.received:
        signed = headers["x-viax-timestamp"].encode() + b"." + content
        expected = hmac.new(SECRET.encode(), signed, hashlib.sha256).hexdigest()
        assert headers["x-viax-signature"] == f"sha256={expected}"


async def test_a_failing_endpoint_is_retried_until_it_answers(
    connect: Any, sales: Session, receiver: Receiver
) -> None:
    receiver.statuses = [500, 503]
    await register(connect, receiver)
    await ordered(connect, sales)
    (delivery,) = await settled(connect, "DELIVERED")

    assert len(receiver.received) == 3
    assert delivery["attempts"] == 3
    assert delivery["lastError"] is None


async def test_after_the_last_retry_the_delivery_is_dead_until_redelivered(
    connect: Any, sales: Session, receiver: Receiver
) -> None:
    receiver.statuses = [500, 500, 500]
    await register(connect, receiver)
    await ordered(connect, sales)
    (dead,) = await settled(connect, "DEAD")
    assert (dead["attempts"], len(receiver.received)) == (3, 3)
    assert "500" in dead["lastError"]

    async with connect("admin", "root@house") as admin:
        again = await admin.run(ADMIN, "Redeliver", id=dead["id"])
    (delivered,) = await settled(connect, "DELIVERED")

    assert again["redeliver"] == {"status": "PENDING", "attempts": 0}
    assert delivered["id"] == dead["id"]
    assert len(receiver.received) == 4


async def test_only_admins_see_deliveries(connect: Any) -> None:
    async with connect("sales", "s@house") as sales:
        with pytest.raises(TransportQueryError, match="only admins") as refused:
            await sales.run(ADMIN, "Deliveries")

    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "FORBIDDEN_ROLE"


def connector(server: LiveServer) -> Any:
    """Like the `connect` fixture, for a gateway started by the test."""

    @asynccontextmanager
    async def connect(
        role: str, subject: str | None = None, **ids: int
    ) -> AsyncIterator[Session]:
        token = server.token(role, subject, **ids)
        transport = HTTPXAsyncTransport(
            url=f"{server.url}/graphql",
            headers={"Authorization": f"Bearer {token}"},
            timeout=60,
        )
        client = Client(transport=transport)
        yield Session(client, await client.connect_async())
        await client.close_async()

    return connect


async def test_a_success_is_not_sent_again_after_a_gateway_restart(
    seeded_url: str, receiver: Receiver
) -> None:
    first = LiveServer(fast_settings(seeded_url))
    first.start()
    connect = connector(first)
    await register(connect, receiver)
    async with connect("sales", "sales@test") as sales:
        motion = await ordered(connect, sales)
    await settled(connect, "DELIVERED")
    first.stop()

    second = LiveServer(fast_settings(seeded_url))
    second.start()
    try:
        connect = connector(second)
        await fulfil(connect, motion)
        bodies = await receiver.until(2)
        found = await settled(connect, "DELIVERED")
    finally:
        second.stop()

    assert [b["action"] for b in bodies] == ["PLACE_ORDER", "FULFIL"]
    assert len(found) == 2
    assert len(receiver.received) == 2


async def test_a_return_and_the_change_to_its_parent_reach_the_endpoint(
    connect: Any, sales: Session, receiver: Receiver
) -> None:
    # given a fulfilled motion, and an endpoint registered from then on
    parent = await fulfil(connect, await ordered(connect, sales))
    await register(connect, receiver)

    # when one unit of its first line is returned and received back
    crm = parent["order"]["lines"][0]
    started = await applied(
        sales,
        "RequestReturn",
        motionId=parent["id"],
        lines=[{"orderLineId": crm["id"], "quantity": 1}],
    )
    back = started
    for operation in ("IssueQuote", "AcceptQuote", "PlaceOrder"):
        back = await applied(
            sales, operation, motionId=back["id"], expectedVersion=back["version"]
        )
    await fulfil(connect, back)
    # Order holds per motion; across motions deliveries may overtake.
    bodies = sorted(await receiver.until(3), key=lambda b: b["sequence"])

    # then the return's order and receipt, then the parent's change, arrive
    assert [(b["action"], b["motionId"], b["motionKind"]) for b in bodies] == [
        ("PLACE_ORDER", back["id"], "RETURN"),
        ("FULFIL", back["id"], "RETURN"),
        ("APPLY_CHANGE", parent["id"], "NEW_BUSINESS"),
    ]
    assert bodies[0]["parentMotionId"] == parent["id"]
    assert bodies[2]["parentMotionId"] is None
    change = {effect["_type"]: effect for effect in bodies[2]["effects"]}
    assert change["OrderStatusChanged"]["status"] == "PARTIALLY_RETURNED"
    assert change["UnitsReturned"]["lines"] == [
        {"_type": "ReturnedLine", "order_line": 1, "quantity": 1}
    ]
    assert set(change) == {"UnitsReturned", "OrderStatusChanged", "EntitlementsRevoked"}
