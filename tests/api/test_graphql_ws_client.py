"""The same subscriptions through the `graphql-ws` npm client, as browsers use."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path
from typing import Any

import pytest

from tests.api.conftest import LiveServer, Session
from tests.api.live import MOTION_CHANGED, MOTION_EVENTS, subscribed, ws_url
from tests.api.test_subscriptions import quoted, started

pytestmark = pytest.mark.timeout(60)
SCRIPT = Path(__file__).parents[2] / "federation" / "subscribe.mjs"


async def node_subscriber(
    gateway: LiveServer, token: str, document: str, count: int, **variables: Any
) -> asyncio.subprocess.Process:
    """The graphql-ws client subscribing in a node process."""
    node = shutil.which("node")
    if node is None:
        pytest.fail("node is not on PATH; install Node 20 or later")
    return await asyncio.create_subprocess_exec(
        node,
        str(SCRIPT),
        ws_url(gateway),
        token,
        document,
        json.dumps(variables),
        str(count),
        stdout=asyncio.subprocess.PIPE,
    )


async def printed(process: asyncio.subprocess.Process) -> list[dict[str, Any]]:
    """Every line the client printed, once it has exited."""
    output, _ = await process.communicate()
    return [json.loads(line) for line in output.decode().splitlines()]


def events(lines: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [next(iter(x["data"].values())) for x in lines if "data" in x]


async def test_browser_client_sees_a_transition_live(
    gateway: LiveServer, sales: Session
) -> None:
    motion = await started(sales)
    client = await node_subscriber(
        gateway, gateway.token("sales"), MOTION_CHANGED, 1, id=motion["id"]
    )
    await subscribed(gateway, 1)
    after = await quoted(sales, motion)
    lines = await printed(client)

    (event,) = events(lines)
    assert event["action"] == "ISSUE_QUOTE"
    assert event["motion"]["version"] == after["version"]
    assert lines[-1] == {"done": 1}


async def test_browser_client_that_was_offline_catches_up_exactly(
    gateway: LiveServer, sales: Session
) -> None:
    first = await started(sales)
    token = gateway.token("sales")
    before = events(
        await printed(await node_subscriber(gateway, token, MOTION_EVENTS, 1, after=0))
    )
    await quoted(sales, first)
    await started(sales)
    after = events(
        await printed(
            await node_subscriber(
                gateway, token, MOTION_EVENTS, 2, after=before[-1]["sequence"]
            )
        )
    )

    assert [e["sequence"] for e in before + after] == [1, 2, 3]
    assert [e["action"] for e in after] == ["ISSUE_QUOTE", "START"]


async def test_browser_client_with_a_bad_token_is_closed_with_4403(
    gateway: LiveServer,
) -> None:
    lines = await printed(
        await node_subscriber(gateway, "not-a-token", MOTION_EVENTS, 1)
    )

    assert lines[-1]["closed"] == 4403
