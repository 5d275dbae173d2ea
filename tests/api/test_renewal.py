"""Renewing an agreement as a motion of its own, through a real client."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import (
    Session,
    SetClock,
    applied,
    operations,
    transition,
)
from viax.api.ids import encode_id

MOTIONS = operations("motions")
UMBRELLA = encode_id("Account", 5)  # enterprise, emea, EUR
CRM_PRO = encode_id("Product", 1)  # subscription, 49.00 EUR a month
ONBOARD = encode_id("Product", 5)  # one-time, 2,500.00 EUR


pytestmark = pytest.mark.usefixtures("clock")


async def step(
    session: Session, operation: str, motion: dict[str, Any], **input: Any
) -> dict[str, Any]:
    """Apply one transition to the motion at its current version."""
    return await applied(
        session,
        operation,
        motionId=motion["id"],
        expectedVersion=motion["version"],
        **input,
    )


async def run_to_fulfilment(
    connect: Any, sales: Session, motion: dict[str, Any], start_date: str
) -> dict[str, Any]:
    """Quote (from DRAFT), accept, sign, order and fulfil every line."""
    if motion["state"] == "DRAFT":
        motion = await step(sales, "IssueQuote", motion)
    assert motion["state"] == "QUOTED", motion
    motion = await step(sales, "AcceptQuote", motion)
    motion = await step(
        sales, "SignAgreement", motion, startDate=start_date, signedBy="Alice Buyer"
    )
    motion = await step(sales, "PlaceOrder", motion)
    lines = [
        {"orderLineId": line["id"], "quantity": line["quantity"]}
        for line in motion["order"]["lines"]
    ]
    async with connect("fulfilment", "ops@house") as ops:
        return await step(ops, "RecordFulfilment", motion, lines=lines)


async def first_deal(connect: Any, sales: Session) -> dict[str, Any]:
    """20 CRM-PRO for 2027 at 11,172.00 (5 % volume) and one onboarding."""
    started = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[
            {"productId": CRM_PRO, "quantity": 20},
            {"productId": ONBOARD, "quantity": 1},
        ],
    )
    return await run_to_fulfilment(connect, sales, started, "2027-01-01")


async def renew(sales: Session, motion: dict[str, Any], uplift: str) -> dict[str, Any]:
    return await transition(
        sales, "RenewAgreement", motionId=motion["id"], upliftPercent=uplift
    )


async def read(session: Session, motion: dict[str, Any]) -> dict[str, Any]:
    data = await session.run(MOTIONS, "Motion", id=motion["id"])
    found: dict[str, Any] = data["motion"]
    return found


def steps_of(motion: dict[str, Any]) -> list[tuple[str, str]]:
    (line,) = motion["quote"]["lines"]
    return [(s["step"], s["amount"]["amount"]) for s in line["steps"]]


async def test_renewal_within_the_cap_needs_no_approval_and_follows_on(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given a fulfilled first deal and a clock inside the renewal window
    parent = await first_deal(connect, sales)
    clock.set(2027, 10, 15)

    # when it is renewed at 5 % and run to fulfilment
    result = await renew(sales, parent, "5")
    assert result["__typename"] == "TransitionApplied", result
    renewal = await step(sales, "IssueQuote", result["motion"])
    assert renewal["state"] == "QUOTED"
    quoted = await read(sales, renewal)
    renewal = await run_to_fulfilment(connect, sales, renewal, "2028-01-01")

    # then only the subscription renews, at the previous net plus 5 %
    assert quoted["kind"] == "RENEWAL"
    assert quoted["parent"]["id"] == parent["id"]
    assert [line["product"]["sku"] for line in quoted["lines"]] == ["CRM-PRO"]
    (line,), (priced,) = quoted["lines"], quoted["quote"]["lines"]
    assert (line["discountPercent"], line["upliftPercent"]) == ("0", "5")
    assert (priced["discountPercent"], priced["upliftPercent"]) == ("0", "5")
    # 11,172.00 for 20 units is 558.60 each; 5 % of 11,172.00 is 558.60
    assert steps_of(quoted) == [
        ("LIST", "11172.00"),
        ("UPLIFT", "558.60"),
        ("NET", "11730.60"),
    ]
    assert quoted["quote"]["termMonths"] == 12
    done = await read(sales, renewal)
    assert done["agreement"]["startDate"] == "2028-01-01"
    assert done["agreement"]["endDate"] == "2028-12-31"
    assert [(e["quantity"], e["startsOn"]) for e in done["entitlements"]] == [
        (20, "2028-01-01")
    ]
    linked = await read(sales, parent)
    assert [e["node"]["id"] for e in linked["children"]["edges"]] == [renewal["id"]]
    assert [r["id"] for r in linked["agreement"]["renewals"]] == [renewal["id"]]


async def test_uplift_above_the_cap_needs_finance(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 12, 1)

    result = await renew(sales, parent, "10")
    renewal = await step(sales, "IssueQuote", result["motion"])

    assert renewal["state"] == "PENDING_APPROVAL"
    assert renewal["approval"]["requiredRoles"] == ["finance"]
    assert renewal["quote"]["total"]["amount"] == "12289.20"
    async with connect("finance", "fin@finance") as finance:
        renewal = await step(finance, "ApproveMotion", renewal)
    assert renewal["state"] == "QUOTED"


async def test_renewal_before_the_window_is_refused(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 10, 1)

    result = await renew(sales, parent, "0")

    assert result["__typename"] == "TransitionRejected"
    assert result["code"] == "OUTSIDE_RENEWAL_WINDOW"
    (failing,) = [v for v in result["verdicts"] if not v["passed"]]
    assert "renew from 2027-10-02" in failing["message"]


async def test_renewal_starts_only_the_day_after_the_parent_ends(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 11, 1)
    renewal = (await renew(sales, parent, "0"))["motion"]
    renewal = await step(sales, "IssueQuote", renewal)
    renewal = await step(sales, "AcceptQuote", renewal)

    result = await transition(
        sales,
        "SignAgreement",
        motionId=renewal["id"],
        expectedVersion=renewal["version"],
        startDate="2028-02-01",
        signedBy="Alice Buyer",
    )

    assert result["__typename"] == "TransitionRejected"
    assert "starts on 2028-01-01" in result["message"]


async def test_a_renewal_can_be_renewed_at_its_own_nets(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 11, 1)
    first = await run_to_fulfilment(
        connect, sales, (await renew(sales, parent, "5"))["motion"], "2028-01-01"
    )
    clock.set(2028, 11, 1)

    second = (await renew(sales, first, "2"))["motion"]
    second = await step(sales, "IssueQuote", second)

    # 11,730.60 for 20 units is 586.53 each; 2 % of 11,730.60 is 234.61
    assert steps_of(await read(sales, second)) == [
        ("LIST", "11730.60"),
        ("UPLIFT", "234.61"),
        ("NET", "11965.21"),
    ]
    assert (await read(sales, second))["parent"]["id"] == first["id"]


async def test_a_motion_without_an_agreement_is_not_renewable(
    sales: Session,
) -> None:
    draft = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[{"productId": CRM_PRO, "quantity": 3}],
    )

    result = await renew(sales, draft, "0")

    assert result["__typename"] == "TransitionRejected"
    assert result["code"] == "NOT_RENEWABLE"


async def test_a_customer_cannot_renew_another_accounts_motion(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 11, 1)

    async with connect("customer", "other@acme", account_id=1) as stranger:
        result = await renew(stranger, parent, "0")

    assert result["__typename"] == "MotionNotFound"


async def test_waterfall_diff_explains_the_renewal_price_against_its_parent(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 11, 1)
    renewal = await step(
        sales, "IssueQuote", (await renew(sales, parent, "5"))["motion"]
    )

    data = await sales.run(
        MOTIONS, "WaterfallDiff", id=renewal["id"], against=parent["id"]
    )

    crm, onboard = data["motion"]["quote"]["waterfallDiff"]
    assert (crm["product"]["sku"], crm["quantity"], crm["againstQuantity"]) == (
        "CRM-PRO",
        20,
        20,
    )
    assert (crm["unitNet"], crm["againstUnitNet"]) == (
        {"amount": "586.53"},
        {"amount": "558.60"},
    )
    assert crm["change"] == {"amount": "558.60"}
    assert [
        (s["step"], _amount(s["amount"]), _amount(s["against"])) for s in crm["steps"]
    ] == [
        ("LIST", "11172.00", "11760.00"),
        ("VOLUME", None, "-588.00"),
        ("DISCOUNT", None, "0.00"),
        ("UPLIFT", "558.60", None),
        ("NET", "11730.60", "11172.00"),
    ]
    # the one-time onboarding is not renewed
    assert (onboard["quantity"], onboard["againstQuantity"]) == (0, 1)
    assert onboard["change"] == {"amount": "-2500.00"}


async def test_waterfall_diff_against_a_hidden_motion_is_null(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 11, 1)
    renewal = await step(
        sales, "IssueQuote", (await renew(sales, parent, "0"))["motion"]
    )
    other = await applied(
        sales,
        "StartMotion",
        accountId=encode_id("Account", 1),
        channel="DIRECT",
        lines=[{"productId": CRM_PRO, "quantity": 1}],
    )
    other = await step(sales, "IssueQuote", other)

    async with connect("customer", "buyer@umbrella", account_id=5) as customer:
        data = await customer.run(
            MOTIONS, "WaterfallDiff", id=renewal["id"], against=other["id"]
        )

    assert data["motion"]["quote"]["waterfallDiff"] is None


def _amount(money: dict[str, str] | None) -> str | None:
    return None if money is None else money["amount"]


async def test_an_agreement_is_renewed_once_unless_the_renewal_is_cancelled(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 11, 1)
    first = (await renew(sales, parent, "0"))["motion"]

    again = await renew(sales, parent, "0")
    await step(sales, "CancelMotion", first, reason="priced wrong")
    after_cancel = await renew(sales, parent, "1")

    assert again["__typename"] == "TransitionRejected"
    assert again["code"] == "NOT_RENEWABLE"
    assert first["number"] in again["message"]
    assert after_cancel["__typename"] == "TransitionApplied"
