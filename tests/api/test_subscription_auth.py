"""Who may open a subscription, for how long, and how many at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from gql.transport.exceptions import TransportQueryError

from tests.api.conftest import LiveServer
from tests.api.live import (
    MOTION_EVENTS,
    close_code,
    raw_socket,
    receive,
    send,
    subscriber,
    take,
)
from viax.api.auth import mint_token
from viax.settings import Settings

pytestmark = pytest.mark.timeout(60)
SUBSCRIBE = {"query": "subscription { motionEvents { sequence } }"}


@pytest.fixture
def strict_gateway(seeded_url: str) -> Iterator[LiveServer]:
    """A gateway with a short init timeout and one subscription a connection."""
    settings = Settings(
        database_url=seeded_url,
        jwt_secret="a-test-secret-of-32-bytes-or-more",
        ws_init_timeout_seconds=0.2,
        ws_max_subscriptions=1,
    )
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": "Basic c2FsZXM6c2FsZXM="},
    ],
    ids=["missing", "garbage", "not-bearer"],
)
async def test_connection_init_without_a_valid_token_closes_with_4403(
    gateway: LiveServer, payload: dict[str, str]
) -> None:
    async with raw_socket(gateway) as socket:
        await send(socket, {"type": "connection_init", "payload": payload})
        code = await close_code(socket)

    assert code == 4403


async def test_token_signed_with_another_secret_closes_with_4403(
    gateway: LiveServer,
) -> None:
    forged = mint_token(
        Settings(jwt_secret="someone-else-entirely-with-a-key-long-enough"),
        roles=["admin"],
        subject="mallory",
    )
    async with raw_socket(gateway) as socket:
        await send(
            socket,
            {
                "type": "connection_init",
                "payload": {"Authorization": f"Bearer {forged}"},
            },
        )
        code = await close_code(socket)

    assert code == 4403


async def test_subscribing_before_connection_init_is_refused(
    gateway: LiveServer,
) -> None:
    async with raw_socket(gateway) as socket:
        await send(socket, {"type": "subscribe", "id": "1", "payload": SUBSCRIBE})
        code = await close_code(socket)

    assert code == 4401


async def test_legacy_graphql_ws_subprotocol_is_refused(gateway: LiveServer) -> None:
    async with raw_socket(gateway, "graphql-ws") as socket:
        assert socket.subprotocol is None
        code = await close_code(socket)

    assert code == 4406


async def test_connection_without_init_is_closed_after_the_timeout(
    strict_gateway: LiveServer,
) -> None:
    async with raw_socket(strict_gateway) as socket:
        code = await close_code(socket)

    assert code == 4408


async def test_subscriptions_beyond_the_limit_of_a_connection_are_refused(
    strict_gateway: LiveServer,
) -> None:
    token = strict_gateway.token("sales")
    async with raw_socket(strict_gateway) as socket:
        init = {"Authorization": f"Bearer {token}"}
        await send(socket, {"type": "connection_init", "payload": init})
        assert (await receive(socket))["type"] == "connection_ack"
        await send(socket, {"type": "subscribe", "id": "1", "payload": SUBSCRIBE})
        await send(socket, {"type": "subscribe", "id": "2", "payload": SUBSCRIBE})
        refusal = await receive(socket)

    assert (refusal["id"], refusal["type"]) == ("2", "error")
    assert "limit" in refusal["payload"][0]["message"].lower()


async def test_a_token_expiring_during_a_subscription_ends_it(
    gateway: LiveServer,
) -> None:
    token = mint_token(
        gateway.settings, roles=["sales"], subject="brief@test", ttl_seconds=2
    )
    async with subscriber(gateway, token) as live:
        with pytest.raises(TransportQueryError) as ended:
            await take(live, MOTION_EVENTS, 1)

    assert ended.value.errors is not None
    assert ended.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
