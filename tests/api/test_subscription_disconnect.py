"""A subscriber that goes away mid-stream is normal, not an error."""

from __future__ import annotations

import asyncio
import logging

import pytest

from tests.api.conftest import LiveServer
from tests.api.live import MOTION_EVENTS, raw_socket, receive, send

pytestmark = pytest.mark.timeout(60)

CLIENTS = 3


async def drop_mid_replay(gateway: LiveServer) -> None:
    """Subscribe to every event since the first, then vanish after one."""
    token = gateway.token("sales")
    async with raw_socket(gateway) as socket:
        init = {"Authorization": f"Bearer {token}"}
        await send(socket, {"type": "connection_init", "payload": init})
        assert (await receive(socket))["type"] == "connection_ack"
        replay = {"query": MOTION_EVENTS, "variables": {"after": 0}}
        await send(socket, {"id": "1", "type": "subscribe", "payload": replay})
        assert (await receive(socket))["type"] == "next"
        # Gone without a close frame, as a dropped connection goes, while
        # the gateway still has hundreds of events to send.
        socket.transport.abort()
    feed = gateway.app.state.runtime.feed
    while feed.subscribers:
        await asyncio.sleep(0.01)


async def test_clients_gone_mid_replay_are_logged_at_debug_not_as_errors(
    busy_gateway: LiveServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="viax.app")

    for _ in range(CLIENTS):
        await drop_mid_replay(busy_gateway)

    # Whether the gateway was sending or waiting on the store when a client
    # went is up to the network; either way it is no error, and a client
    # caught mid-send is logged once.
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    went_away = [r.levelno for r in caplog.records if "went away" in r.getMessage()]
    assert set(went_away) <= {logging.DEBUG}
    assert len(went_away) <= CLIENTS
