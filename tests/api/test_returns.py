"""Returning fulfilled units as a motion of its own, through a real client."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.api.conftest import (
    Session,
    SetClock,
    applied,
    operations,
    transition,
)
from tests.api.test_amendment import amended, carry_out
from tests.api.test_renewal import (
    CRM_PRO,
    ONBOARD,
    UMBRELLA,
    read,
    run_to_fulfilment,
    step,
)
from viax.api.ids import encode_id

MOTIONS = operations("motions")
MISSING = encode_id("Motion", 987_654)


pytestmark = pytest.mark.usefixtures("clock")


async def deal(
    connect: Any, sales: Session, crm: int = 20, discount: str = "0"
) -> dict[str, Any]:
    """CRM-PRO units and one onboarding, fulfilled on 2 January 2027."""
    started = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[
            {"productId": CRM_PRO, "quantity": crm, "discountPercent": discount},
            {"productId": ONBOARD, "quantity": 1},
        ],
    )
    return await run_to_fulfilment(connect, sales, started, "2027-01-01")


async def request_return(
    session: Session, parent: dict[str, Any], *units: int
) -> dict[str, Any]:
    """Ask to return units of the parent's order lines, in line order."""
    lines = [
        {"orderLineId": line["id"], "quantity": quantity}
        for line, quantity in zip(parent["order"]["lines"], units, strict=False)
        if quantity
    ]
    return await transition(
        session, "RequestReturn", motionId=parent["id"], lines=lines
    )


async def complete(
    connect: Any, sales: Session, motion: dict[str, Any]
) -> dict[str, Any]:
    """Take a quoted return through its order, receipt, credit and refund."""
    motion = await step(sales, "AcceptQuote", motion)
    motion = await step(sales, "PlaceOrder", motion)
    lines = [
        {"orderLineId": line["id"], "quantity": line["quantity"]}
        for line in motion["order"]["lines"]
    ]
    async with connect("fulfilment", "ops@house") as ops:
        motion = await step(ops, "RecordFulfilment", motion, lines=lines)
    async with connect("erp", "erp@house") as erp:
        credit = motion["order"]["total"]["amount"]
        motion = await step(
            erp,
            "RecordInvoice",
            motion,
            invoiceNumber=f"CN-{motion['number']}",
            amount=credit,
        )
        return await step(
            erp,
            "RecordPayment",
            motion,
            paymentReference=f"REF-{motion['number']}",
            amount=credit,
        )


async def returns_of(session: Session, motion: dict[str, Any]) -> dict[str, Any]:
    data = await session.run(MOTIONS, "Returns", id=motion["id"])
    found: dict[str, Any] = data["motion"]
    return found


def refunds(motion: dict[str, Any]) -> list[tuple[int, str, list[tuple[str, str]]]]:
    return [
        (
            line["quantity"],
            line["net"]["amount"],
            [(s["step"], s["amount"]["amount"]) for s in line["steps"]],
        )
        for line in motion["quote"]["lines"]
    ]


async def test_a_return_within_the_window_needs_no_approval(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given 20 CRM-PRO at 11,172.00 fulfilled on 2 January
    parent = await deal(connect, sales)
    clock.set(2027, 1, 30)

    # when 5 of them are returned 28 days later
    result = await request_return(sales, parent, 5)
    assert result["__typename"] == "TransitionApplied", result
    quoted = await step(sales, "IssueQuote", result["motion"])

    # then the refund is their original net, with no approval
    assert quoted["state"] == "QUOTED"
    assert quoted["approval"] is None
    offered = {
        a["action"]: a["allowed"]
        for a in (await read(sales, quoted))["availableActions"]
    }
    assert offered["ACCEPT_QUOTE"] is True
    assert "SIGN_AGREEMENT" not in offered
    found = await returns_of(sales, parent)
    (back,) = found["order"]["returns"]
    assert back["id"] == quoted["id"]
    assert refunds(back) == [(5, "2793.00", [("LIST", "2793.00"), ("NET", "2793.00")])]
    done = await complete(connect, sales, quoted)
    assert done["state"] == "CLOSED"
    after = await returns_of(sales, parent)
    assert after["order"]["status"] == "PARTIALLY_RETURNED"
    assert [line["returnedQuantity"] for line in after["order"]["lines"]] == [5, 0]
    assert [(e["quantity"], e["status"]) for e in after["entitlements"]] == [
        (15, "ACTIVE"),
        (1, "ACTIVE"),
        (5, "REVOKED"),
    ]


async def test_return_after_window_needs_finance(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await deal(connect, sales)
    clock.set(2027, 2, 15)

    result = await request_return(sales, parent, 5)
    quoted = await step(sales, "IssueQuote", result["motion"])

    assert quoted["state"] == "PENDING_APPROVAL"
    assert quoted["approval"]["requiredRoles"] == ["finance"]
    async with connect("deal_desk", "desk@house") as desk:
        refused = await transition(
            desk,
            "ApproveMotion",
            motionId=quoted["id"],
            expectedVersion=quoted["version"],
        )
    assert refused["code"] == "FORBIDDEN_ROLE"
    async with connect("finance", "fin@house") as finance:
        approved = await step(finance, "ApproveMotion", quoted)
    assert approved["state"] == "QUOTED"


async def test_partial_then_full_return_refunds_the_original_nets_exactly(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given 12 CRM-PRO at 7 % off: 6,233.98 for the line, 519.50 a unit
    parent = await deal(connect, sales, crm=12, discount="7")
    (crm, onboarding) = (await read(sales, parent))["order"]["lines"]
    assert (crm["net"]["amount"], crm["unitNet"]["amount"]) == ("6233.98", "519.50")
    clock.set(2027, 1, 10)

    # when 5 come back, then the other 7 and the onboarding
    first = await step(
        sales, "IssueQuote", (await request_return(sales, parent, 5))["motion"]
    )
    await complete(connect, sales, first)
    middle = await returns_of(sales, parent)
    second = await request_return(sales, parent, 7, 1)
    second = await step(sales, "IssueQuote", second["motion"])
    await complete(connect, sales, second)
    after = await returns_of(sales, parent)

    # then the order is partly, then wholly returned
    assert middle["order"]["status"] == "PARTIALLY_RETURNED"
    assert after["order"]["status"] == "RETURNED"
    # 5/12 of 6,233.98 is 2,597.49; the rest of the line is 3,636.49, so
    # the two refunds add up to the line's net, not to 12 unit nets
    first_back, second_back = after["order"]["returns"]
    assert refunds(first_back) == [
        (5, "2597.49", [("LIST", "2597.49"), ("NET", "2597.49")])
    ]
    assert refunds(second_back) == [
        (7, "3636.49", [("LIST", "3636.49"), ("NET", "3636.49")]),
        (1, "2500.00", [("LIST", "2500.00"), ("NET", "2500.00")]),
    ]
    assert second_back["quote"]["total"]["amount"] == "6136.49"
    assert [line["returnedQuantity"] for line in after["order"]["lines"]] == [12, 1]
    # and every entitlement is revoked, unit for unit
    assert [
        (e["product"]["sku"], e["quantity"], e["status"]) for e in after["entitlements"]
    ] == [
        ("CRM-PRO", 7, "REVOKED"),
        ("ONBOARD", 1, "REVOKED"),
        ("CRM-PRO", 5, "REVOKED"),
    ]
    assert onboarding["quantity"] == 1


async def test_returning_more_than_is_left_is_refused(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await deal(connect, sales)
    clock.set(2027, 1, 10)
    held = (await request_return(sales, parent, 15))["motion"]

    too_many = await request_return(sales, parent, 6)
    await step(sales, "CancelMotion", held, reason="customer keeps them")
    after_cancel = await request_return(sales, parent, 20)

    assert too_many["__typename"] == "TransitionRejected"
    assert too_many["code"] == "QUANTITY_EXCEEDS_REMAINING"
    assert "the 5 units of order line 1" in too_many["message"]
    assert after_cancel["__typename"] == "TransitionApplied"


async def test_units_an_amendment_removed_are_not_returned_again(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given 20 CRM-PRO of which an amendment removed 5 from 1 February
    parent = await deal(connect, sales)
    clock.set(2027, 1, 10)
    amendment = await amended(
        sales, parent, [{"productId": CRM_PRO, "quantity": -5}], "2027-02-01"
    )
    amendment = await step(sales, "IssueQuote", amendment)
    await carry_out(connect, sales, amendment, "2027-02-01")

    # when 16 are asked back, then the 15 still held
    too_many = await request_return(sales, parent, 16)
    held = await request_return(sales, parent, 15)
    back = await complete(
        connect, sales, await step(sales, "IssueQuote", held["motion"])
    )

    # then the 5 credited by the amendment are not refunded a second time
    assert too_many["code"] == "QUANTITY_EXCEEDS_REMAINING"
    assert (
        "the 15 units of order line 1 still held: 20 fulfilled, 0 returned, "
        "5 removed by amendments and 0 being returned"
    ) in too_many["message"]
    # 15/20 of the line's 11,172.00
    assert refunds(await read(sales, back)) == [
        (15, "8379.00", [("LIST", "8379.00"), ("NET", "8379.00")])
    ]
    after = await returns_of(sales, parent)
    assert [line["returnedQuantity"] for line in after["order"]["lines"]] == [15, 0]
    again = await request_return(sales, parent, 1)
    assert again["code"] == "QUANTITY_EXCEEDS_REMAINING"
    assert "the 0 units of order line 1 still held" in again["message"]


async def test_a_return_under_way_cannot_take_units_an_amendment_removed_since(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given a return of 18 of the 20 CRM-PRO, still a draft
    parent = await deal(connect, sales)
    clock.set(2027, 1, 10)
    started = await request_return(sales, parent, 18)
    assert started["__typename"] == "TransitionApplied"

    # when an amendment removes 5 from 1 February before it is quoted
    amendment = await amended(
        sales, parent, [{"productId": CRM_PRO, "quantity": -5}], "2027-02-01"
    )
    amendment = await step(sales, "IssueQuote", amendment)
    await carry_out(connect, sales, amendment, "2027-02-01")
    quoted = await transition(
        sales,
        "IssueQuote",
        motionId=started["motion"]["id"],
        expectedVersion=started["motion"]["version"],
    )

    # then the return is refused: 15 are held from 1 February on
    assert quoted["code"] == "NOT_RETURNABLE"
    assert "holds 15 active units" in quoted["message"]
    assert "fewer than the 18 being returned" in quoted["message"]


async def test_a_draft_motion_is_not_returnable(sales: Session) -> None:
    draft = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[{"productId": CRM_PRO, "quantity": 3}],
    )

    result = await transition(sales, "RequestReturn", motionId=draft["id"], lines=[])

    assert result["__typename"] == "TransitionRejected"
    assert result["code"] == "NOT_RETURNABLE"


async def test_two_returns_racing_for_the_last_units_one_wins(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await deal(connect, sales)
    clock.set(2027, 1, 10)
    await request_return(sales, parent, 10)

    async with connect("sales", "other@house") as other:
        results = await asyncio.gather(
            request_return(sales, parent, 10), request_return(other, parent, 10)
        )

    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["TransitionApplied", "TransitionRejected"]
    (refused,) = [r for r in results if r["__typename"] == "TransitionRejected"]
    assert refused["code"] == "QUANTITY_EXCEEDS_REMAINING"


async def test_the_parents_history_and_past_show_the_return(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given a deal, and a moment before anything came back
    parent = await deal(connect, sales)
    clock.set(2027, 1, 10)
    before = "2027-01-09T00:00:00+00:00"
    back = await step(
        sales, "IssueQuote", (await request_return(sales, parent, 4))["motion"]
    )
    back = await complete(connect, sales, back)

    # when the parent is read now, and as it was before
    now = await returns_of(sales, parent)
    data = await sales.run(MOTIONS, "MotionAsOf", id=parent["id"], asOf=before)
    past = data["motion"]
    data = await sales.run(
        MOTIONS, "MotionAsOf", id=parent["id"], asOf="2027-01-11T00:00:00+00:00"
    )
    later = data["motion"]

    # then its history ends with the change the return applied
    last = now["history"]["edges"][-1]["node"]
    assert (last["action"], last["fromState"], last["toState"]) == (
        "APPLY_CHANGE",
        "FULFILLED",
        "FULFILLED",
    )
    assert last["actor"]["id"] == "ops@house"
    assert last["change"] == {
        "id": back["id"],
        "number": back["number"],
        "kind": "RETURN",
    }
    assert last["version"] == now["version"] == parent["version"] + 1
    # and its past is as it was, before and after
    assert past["order"]["status"] == "FULFILLED"
    assert [line["returnedQuantity"] for line in past["order"]["lines"]] == [0, 0]
    assert [(e["quantity"], e["status"]) for e in past["entitlements"]] == [
        (20, "ACTIVE"),
        (1, "ACTIVE"),
    ]
    assert later["order"]["status"] == "PARTIALLY_RETURNED"
    assert later["version"] == now["version"]
    assert [(e["quantity"], e["status"]) for e in later["entitlements"]] == [
        (16, "ACTIVE"),
        (1, "ACTIVE"),
        (4, "REVOKED"),
    ]
    assert later["history"]["edges"][-1]["node"]["action"] == "APPLY_CHANGE"
    # and no client is offered the change itself
    offered = {a["action"] for a in (await read(sales, parent))["availableActions"]}
    assert "APPLY_CHANGE" not in offered
    assert "RECORD_INVOICE" in offered


async def test_a_partner_cannot_return_another_partners_order(
    connect: Any, clock: SetClock
) -> None:
    # given a deal a partner sold to Northwind, in the PARTNER channel
    async with connect("partner", "ann@one", partner_id=1) as ann:
        started = await applied(
            ann,
            "StartMotion",
            accountId=encode_id("Account", 1),
            channel="PARTNER",
            partnerId=encode_id("Partner", 1),
            lines=[{"productId": CRM_PRO, "quantity": 4}],
        )
        quoted = await step(ann, "IssueQuote", started)
        accepted = await step(ann, "AcceptQuote", quoted)
    async with connect("sales", "sales@test") as sales:
        agreed = await step(
            sales, "SignAgreement", accepted, startDate="2027-01-01", signedBy="Bo"
        )
    async with connect("partner", "ann@one", partner_id=1) as ann:
        ordered = await step(ann, "PlaceOrder", agreed)
    lines = [{"orderLineId": ordered["order"]["lines"][0]["id"], "quantity": 4}]
    async with connect("fulfilment", "ops@house") as ops:
        parent = await step(ops, "RecordFulfilment", ordered, lines=lines)

    # when another partner, and then the selling one, ask to return a unit
    async with connect("partner", "bob@two", partner_id=2) as bob:
        theirs = await request_return(bob, parent, 1)
        missing = await transition(bob, "RequestReturn", motionId=MISSING, lines=[])
    async with connect("partner", "ann@one", partner_id=1) as ann:
        own = await request_return(ann, parent, 1)

    # then the other partner meets it as a motion that does not exist
    assert theirs == {"__typename": "MotionNotFound", "motionId": parent["id"]}
    assert missing == {"__typename": "MotionNotFound", "motionId": MISSING}
    assert own["__typename"] == "TransitionApplied", own
    assert own["motion"]["state"] == "DRAFT"
