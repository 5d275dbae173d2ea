"""Live motion events over graphql-transport-ws through gql's client."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from gql.transport.exceptions import TransportQueryError

from tests.api.conftest import LiveServer, Session, applied
from tests.api.live import (
    MOTION_CHANGED,
    MOTION_EVENTS,
    ORDER_STATUS_CHANGED,
    subscribed,
    subscriber,
    take,
)
from tests.api.test_motion_flow import CRM_PRO, UMBRELLA, line
from viax.api.ids import encode_id

pytestmark = pytest.mark.timeout(60)


async def started(session: Session, **extra: Any) -> dict[str, Any]:
    fields = {"accountId": UMBRELLA, "channel": "DIRECT", **extra}
    return await applied(session, "StartMotion", lines=[line(CRM_PRO, 2)], **fields)


async def quoted(session: Session, motion: dict[str, Any]) -> dict[str, Any]:
    return await applied(
        session, "IssueQuote", motionId=motion["id"], expectedVersion=motion["version"]
    )


async def ordered(connect: Any, sales: Session) -> dict[str, Any]:
    """A motion whose order was just placed, OPEN."""
    motion = await quoted(sales, await started(sales))
    async with connect("customer", "buyer@umbrella", account_id=5) as customer:
        motion = await applied(
            customer,
            "AcceptQuote",
            motionId=motion["id"],
            expectedVersion=motion["version"],
        )
    motion = await applied(
        sales,
        "SignAgreement",
        motionId=motion["id"],
        expectedVersion=motion["version"],
        startDate="2027-01-01",
        signedBy="Alice Buyer",
    )
    return await applied(
        sales, "PlaceOrder", motionId=motion["id"], expectedVersion=motion["version"]
    )


async def test_motion_changed_delivers_a_transition_made_after_subscribing(
    gateway: LiveServer, sales: Session
) -> None:
    motion = await started(sales)
    async with subscriber(gateway, gateway.token("sales")) as live:
        watching = asyncio.create_task(take(live, MOTION_CHANGED, 1, id=motion["id"]))
        await subscribed(gateway, 1)
        after = await quoted(sales, motion)
        (event,) = await watching

    assert event["action"] == "ISSUE_QUOTE"
    assert event["motion"] == {
        "id": motion["id"],
        "state": after["state"],
        "version": after["version"],
        "order": None,
    }


async def test_order_status_is_seen_moving_from_open_to_fulfilled(
    gateway: LiveServer, connect: Any, sales: Session
) -> None:
    motion = await ordered(connect, sales)
    lines = motion["order"]["lines"]
    async with subscriber(gateway, gateway.token("partner", partner_id=1)) as other:
        # A partner watching every order sees nothing of this direct deal.
        unseen = asyncio.create_task(take(other, ORDER_STATUS_CHANGED, 1, after=0))
        async with subscriber(gateway, gateway.token("sales")) as live:
            events = take(live, ORDER_STATUS_CHANGED, 2, after=0)
            watching = asyncio.create_task(events)
            await subscribed(gateway, 2)
            async with connect("fulfilment", "ops@house") as ops:
                await applied(
                    ops,
                    "RecordFulfilment",
                    motionId=motion["id"],
                    expectedVersion=motion["version"],
                    lines=[
                        {"orderLineId": x["id"], "quantity": x["quantity"]}
                        for x in lines
                    ],
                )
            placed, fulfilled = await watching
        assert not unseen.done()
        unseen.cancel()

    assert (placed["action"], fulfilled["action"]) == ("PLACE_ORDER", "FULFIL")
    assert fulfilled["motion"]["order"]["status"] == "FULFILLED"
    assert fulfilled["toState"] == "FULFILLED"


async def test_resuming_after_a_dropped_connection_misses_and_repeats_nothing(
    gateway: LiveServer, sales: Session
) -> None:
    first = await started(sales)
    async with subscriber(gateway, gateway.token("sales")) as live:
        before_drop = await take(live, MOTION_EVENTS, 1, after=0)
    # while the client is away
    second = await started(sales)
    await quoted(sales, first)
    async with subscriber(gateway, gateway.token("sales")) as live:
        last_seen = before_drop[-1]["sequence"]
        watching = asyncio.create_task(take(live, MOTION_EVENTS, 3, after=last_seen))
        await subscribed(gateway, 1)
        await quoted(sales, second)
        after_resume = await watching

    sequences = [e["sequence"] for e in before_drop + after_resume]
    assert sequences == [1, 2, 3, 4]
    assert [e["motion"]["id"] for e in after_resume] == [
        second["id"],
        first["id"],
        second["id"],
    ]


async def test_a_partner_never_receives_another_partners_motion(
    gateway: LiveServer, connect: Any, sales: Session
) -> None:
    gold_id = encode_id("Partner", 2)
    silver_id = encode_id("Partner", 1)
    async with connect("partner", "p2@goldcrest", partner_id=2) as gold:
        await started(gold, channel="PARTNER", partnerId=gold_id)
    await started(sales)
    async with connect("partner", "p1@silverline", partner_id=1) as silver:
        own = await started(silver, channel="PARTNER", partnerId=silver_id)
    token = gateway.token("partner", "p1@silverline", partner_id=1)
    async with subscriber(gateway, token) as live:
        asking_for_gold = asyncio.create_task(
            take(live, MOTION_EVENTS, 1, after=0, filter={"partnerId": gold_id})
        )
        everything = asyncio.create_task(take(live, MOTION_EVENTS, 2, after=0))
        await subscribed(gateway, 2)
        async with connect("partner", "p2@goldcrest", partner_id=2) as gold:
            await started(gold, channel="PARTNER", partnerId=gold_id)
        async with connect("partner", "p1@silverline", partner_id=1) as silver:
            own_quote = await quoted(silver, own)
        received = await everything
        assert not asking_for_gold.done()
        asking_for_gold.cancel()

    assert [(e["motion"]["id"], e["action"]) for e in received] == [
        (own["id"], "START"),
        (own_quote["id"], "ISSUE_QUOTE"),
    ]


async def test_motion_changed_on_a_motion_the_viewer_may_not_see_is_not_found(
    gateway: LiveServer, sales: Session
) -> None:
    motion = await started(sales)
    token = gateway.token("partner", "p1@silverline", partner_id=1)
    async with subscriber(gateway, token) as live:
        with pytest.raises(TransportQueryError) as refused:
            await take(live, MOTION_CHANGED, 1, id=motion["id"])

    assert refused.value.errors is not None
    assert refused.value.errors[0]["extensions"]["code"] == "NOT_FOUND"


async def test_subscribers_of_a_parent_see_a_return_change_its_order_status(
    gateway: LiveServer, connect: Any, sales: Session
) -> None:
    # given a fulfilled deal and a quoted return of all of it
    motion = await ordered(connect, sales)
    lines = [
        {"orderLineId": x["id"], "quantity": x["quantity"]}
        for x in motion["order"]["lines"]
    ]
    async with connect("fulfilment", "ops@house") as ops:
        motion = await applied(
            ops,
            "RecordFulfilment",
            motionId=motion["id"],
            expectedVersion=motion["version"],
            lines=lines,
        )
    back = await applied(sales, "RequestReturn", motionId=motion["id"], lines=lines)
    for operation in ("IssueQuote", "AcceptQuote", "PlaceOrder"):
        back = await applied(
            sales, operation, motionId=back["id"], expectedVersion=back["version"]
        )
    received = [
        {"orderLineId": x["id"], "quantity": x["quantity"]}
        for x in back["order"]["lines"]
    ]

    # when every unit is received back while new business is watched
    async with subscriber(gateway, gateway.token("sales")) as live:
        new_business = {"kind": "NEW_BUSINESS"}
        watching = asyncio.create_task(
            take(live, ORDER_STATUS_CHANGED, 1, filter=new_business)
        )
        await subscribed(gateway, 1)
        async with connect("fulfilment", "ops@house") as ops:
            await applied(
                ops,
                "RecordFulfilment",
                motionId=back["id"],
                expectedVersion=back["version"],
                lines=received,
            )
        (seen,) = await watching

    # then the parent's own event says its order is returned
    assert (seen["action"], seen["toState"]) == ("APPLY_CHANGE", "FULFILLED")
    assert seen["motion"]["id"] == motion["id"]
    assert seen["motion"]["order"]["status"] == "RETURNED"
