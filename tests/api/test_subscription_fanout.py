"""Subscribers alike share one execution per event; others never share."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError

from tests.api.conftest import LiveServer, Session, applied
from tests.api.live import MOTION_CHANGED, MOTION_EVENTS, subscribed, subscriber, take
from tests.api.test_subscriptions import quoted, started
from viax.api.auth import mint_token
from viax.api.fanout import Fanout
from viax.api.ids import encode_id

pytestmark = pytest.mark.timeout(90)


async def subscribed_at_most(gateway: LiveServer, count: int) -> None:
    """Wait until the gateway's feed has at most `count` live subscribers."""
    while gateway.app.state.runtime.feed.subscribers > count:
        await asyncio.sleep(0.01)


def fanout(gateway: LiveServer) -> Fanout:
    shared: Fanout = gateway.app.state.runtime.fanout
    return shared


@asynccontextmanager
async def sessions(gateway: LiveServer, tokens: list[str]) -> AsyncIterator[list[Any]]:
    """One WebSocket connection per token."""
    async with AsyncExitStack() as stack:
        yield [
            await stack.enter_async_context(subscriber(gateway, token))
            for token in tokens
        ]


async def delivered_once(
    gateway: LiveServer, sales: Session, motion: dict[str, Any], watchers: int
) -> tuple[list[dict[str, Any]], int, int]:
    """Events of one quote to `watchers` alike; executions and SQL it took."""
    tokens = [gateway.token("sales", "watcher@test")] * watchers
    async with sessions(gateway, tokens) as live:
        watching = [
            asyncio.create_task(take(s, MOTION_CHANGED, 1, id=motion["id"]))
            for s in live
        ]
        await subscribed(gateway, watchers)
        executions = fanout(gateway).executions
        gateway.counter.count, gateway.counter.enabled = 0, True
        await quoted(sales, motion)
        received = [
            event for events in await asyncio.gather(*watching) for event in events
        ]
        gateway.counter.enabled = False
    return received, fanout(gateway).executions - executions, gateway.counter.count


async def test_subscribers_alike_share_one_execution_and_its_sql(
    gateway: LiveServer, sales: Session
) -> None:
    alone, alone_executions, alone_sql = await delivered_once(
        gateway, sales, await started(sales), 1
    )
    many, many_executions, many_sql = await delivered_once(
        gateway, sales, await started(sales), 6
    )

    assert len(many) == 6
    assert all(event == many[0] for event in many)
    assert many[0]["motion"]["state"] == alone[0]["motion"]["state"] == "QUOTED"
    assert alone_executions == many_executions == 1
    assert many_sql == alone_sql


async def test_different_viewers_or_variables_do_not_share(
    gateway: LiveServer, sales: Session
) -> None:
    tokens = [
        gateway.token("sales", "ann@test"),
        gateway.token("sales", "ann@test"),
        gateway.token("sales", "bob@test"),
        gateway.token("sales,finance", "ann@test"),
    ]
    async with sessions(gateway, tokens) as live:
        watching = [asyncio.create_task(take(s, MOTION_EVENTS, 1)) for s in live]
        direct = asyncio.create_task(
            take(live[0], MOTION_EVENTS, 1, filter={"channel": "DIRECT"})
        )
        await subscribed(gateway, 5)
        groups = fanout(gateway).groups
        executions = fanout(gateway).executions
        await started(sales)
        received = await asyncio.gather(*watching, direct)

    assert len({event["sequence"] for (event,) in received}) == 1
    assert groups == 4
    # ann twice shares; bob, ann as finance and the filtered one do not
    assert fanout(gateway).executions - executions == 4


async def test_a_partner_sharing_a_group_never_sees_another_partners_event(
    gateway: LiveServer, connect: Any
) -> None:
    silver, gold = encode_id("Partner", 1), encode_id("Partner", 2)
    tokens = [
        gateway.token("partner", "p1@silverline", partner_id=1),
        gateway.token("partner", "p1@silverline", partner_id=1),
        gateway.token("partner", "p2@goldcrest", partner_id=2),
    ]
    async with sessions(gateway, tokens) as live:
        watching = [asyncio.create_task(take(s, MOTION_EVENTS, 1)) for s in live]
        await subscribed(gateway, 3)
        async with connect("partner", "p2@goldcrest", partner_id=2) as p2:
            gold_motion = await started(p2, channel="PARTNER", partnerId=gold)
        async with connect("partner", "p1@silverline", partner_id=1) as p1:
            silver_motion = await started(p1, channel="PARTNER", partnerId=silver)
        (first,), (second,), (other,) = await asyncio.gather(*watching)

    assert first["motion"]["id"] == second["motion"]["id"] == silver_motion["id"]
    assert other["motion"]["id"] == gold_motion["id"]


async def test_a_replaying_subscriber_joins_the_shared_live_stream_exactly(
    gateway: LiveServer, sales: Session
) -> None:
    motion = await started(sales)
    token = gateway.token("sales", "watcher@test")
    async with sessions(gateway, [token, token]) as (live, late):
        current = asyncio.create_task(take(live, MOTION_CHANGED, 1, id=motion["id"]))
        await subscribed(gateway, 1)
        executions = fanout(gateway).executions
        resumed = asyncio.create_task(
            take(late, MOTION_CHANGED, 2, id=motion["id"], after=0)
        )
        await subscribed(gateway, 2)
        await quoted(sales, motion)
        (seen,), replayed = await asyncio.gather(current, resumed)

    assert [e["sequence"] for e in replayed] == [1, seen["sequence"]]
    assert replayed[1] == seen
    # the start replayed for one subscriber, the quote once for both
    assert fanout(gateway).executions - executions == 2


async def test_an_expiring_token_ends_only_its_own_subscription_in_a_group(
    gateway: LiveServer, sales: Session
) -> None:
    motion = await started(sales)
    brief = mint_token(
        gateway.settings, roles=["sales"], subject="watcher@test", ttl_seconds=2
    )
    lasting = gateway.token("sales", "watcher@test")
    async with sessions(gateway, [brief, lasting]) as (short, long):
        ending = asyncio.create_task(take(short, MOTION_CHANGED, 1, id=motion["id"]))
        staying = asyncio.create_task(take(long, MOTION_CHANGED, 1, id=motion["id"]))
        await subscribed(gateway, 2)
        with pytest.raises(TransportQueryError) as ended:
            await ending
        await quoted(sales, motion)
        (event,) = await staying

    assert ended.value.errors is not None
    assert ended.value.errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
    assert event["action"] == "ISSUE_QUOTE"


async def test_one_subscriber_completing_leaves_the_group_to_the_others(
    gateway: LiveServer, sales: Session
) -> None:
    motion = await started(sales)
    token = gateway.token("sales", "watcher@test")
    async with sessions(gateway, [token, token]) as (brief, lasting):
        once = asyncio.create_task(take(brief, MOTION_CHANGED, 1, id=motion["id"]))
        twice = asyncio.create_task(take(lasting, MOTION_CHANGED, 2, id=motion["id"]))
        await subscribed(gateway, 2)
        motion = await quoted(sales, motion)
        (first,) = await once
        await subscribed_at_most(gateway, 1)
        executions = fanout(gateway).executions
        cancelled = await applied(
            sales,
            "CancelMotion",
            motionId=motion["id"],
            expectedVersion=motion["version"],
            reason="no budget",
        )
        both = await twice

    assert both[0] == first
    assert (both[1]["action"], both[1]["motion"]["state"]) == (
        "CANCEL",
        cancelled["state"],
    )
    assert fanout(gateway).executions - executions == 1


async def test_replayed_events_show_the_motion_as_each_left_it(
    gateway: LiveServer, sales: Session
) -> None:
    motion = await started(sales)
    await quoted(sales, motion)
    async with subscriber(gateway, gateway.token("sales")) as live:
        events = await take(live, MOTION_CHANGED, 2, id=motion["id"], after=0)

    assert [(e["action"], e["toState"]) for e in events] == [
        ("START", "DRAFT"),
        ("ISSUE_QUOTE", "QUOTED"),
    ]
    assert [(e["motion"]["state"], e["motion"]["version"]) for e in events] == [
        ("DRAFT", 1),
        ("QUOTED", 2),
    ]
