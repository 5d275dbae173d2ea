"""WebSocket clients of a live gateway: gql subscriptions and raw frames."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import websockets
from gql import Client, GraphQLRequest
from gql.transport.websockets import WebsocketsTransport

from tests.api.conftest import LiveServer

PROTOCOL = "graphql-transport-ws"
EVENT_FIELDS = "sequence action toState motion { id state version order { status } }"
MOTION_CHANGED = (
    "subscription($id: ID!, $after: Int) { motionChanged(id: $id, "
    f"afterSequence: $after) {{ {EVENT_FIELDS} }} }}"
)
MOTION_EVENTS = (
    "subscription($filter: MotionFilter, $after: Int) { motionEvents("
    f"filter: $filter, afterSequence: $after) {{ {EVENT_FIELDS} }} }}"
)
ORDER_STATUS_CHANGED = (
    "subscription($filter: MotionFilter, $after: Int) { orderStatusChanged("
    f"filter: $filter, afterSequence: $after) {{ {EVENT_FIELDS} }} }}"
)


def ws_url(gateway: LiveServer) -> str:
    return gateway.url.replace("http://", "ws://") + "/graphql"


@asynccontextmanager
async def subscriber(gateway: LiveServer, token: str) -> AsyncIterator[Any]:
    """A gql session over graphql-transport-ws, authenticated in its init."""
    transport = WebsocketsTransport(
        url=ws_url(gateway),
        init_payload={"Authorization": f"Bearer {token}"},
        subprotocols=[WebsocketsTransport.GRAPHQLWS_SUBPROTOCOL],
    )
    async with Client(transport=transport) as session:
        yield session


async def take(
    session: Any, document: str, count: int, **variables: Any
) -> list[dict[str, Any]]:
    """The first `count` events a subscription delivers."""
    events: list[dict[str, Any]] = []
    request = GraphQLRequest(document, variable_values=variables)
    async for result in session.subscribe(request):
        (event,) = result.values()
        events.append(event)
        if len(events) == count:
            break
    return events


async def subscribed(gateway: LiveServer, count: int) -> None:
    """Wait until the gateway's feed has `count` live subscribers."""
    feed = gateway.app.state.runtime.feed
    while feed.subscribers < count:
        await asyncio.sleep(0.01)


@asynccontextmanager
async def raw_socket(
    gateway: LiveServer, subprotocol: str = PROTOCOL
) -> AsyncIterator[Any]:
    """A bare WebSocket to /graphql speaking the given subprotocol."""
    async with websockets.connect(
        ws_url(gateway), subprotocols=[websockets.Subprotocol(subprotocol)]
    ) as socket:
        yield socket


async def send(socket: Any, message: dict[str, Any]) -> None:
    await socket.send(json.dumps(message))


async def receive(socket: Any) -> dict[str, Any]:
    message: dict[str, Any] = json.loads(await socket.recv())
    return message


async def close_code(socket: Any) -> int | None:
    """The code the server closed the socket with, once it has."""
    try:
        while True:
            await socket.recv()
    except websockets.ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
