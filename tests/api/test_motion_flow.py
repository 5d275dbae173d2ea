"""A new-business motion driven from start to cash through a real client."""

from __future__ import annotations

from typing import Any

from tests.api.conftest import Session, applied, operations, transition
from viax.api.ids import encode_id

MOTIONS = operations("motions")
UMBRELLA = encode_id("Account", 5)  # enterprise, emea, EUR
CRM_PRO = encode_id("Product", 1)  # subscription, 49.00 EUR a month
ONBOARD = encode_id("Product", 5)  # one-time, 2,500.00 EUR


def line(product: str, quantity: int, discount: str = "0") -> dict[str, Any]:
    return {"productId": product, "quantity": quantity, "discountPercent": discount}


async def started_and_quoted(sales: Session) -> dict[str, Any]:
    """A motion quoted at 30 % on CRM-PRO: both approval tiers needed."""
    motion = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[line(CRM_PRO, 20, "30"), line(ONBOARD, 1)],
    )
    return await applied(
        sales, "IssueQuote", motionId=motion["id"], expectedVersion=motion["version"]
    )


async def test_motion_runs_from_start_to_payment(connect: Any, sales: Session) -> None:
    # given a quote that needs deal desk and finance
    motion = await started_and_quoted(sales)
    assert motion["state"] == "PENDING_APPROVAL"
    assert motion["approval"]["requiredRoles"] == ["deal_desk", "finance"]
    # 4,900 x 20 x 12 = 1,176,000; -5 % volume = 1,117,200; -30 % = 782,040
    assert motion["quote"]["total"] == {"amount": "10320.40", "currency": "EUR"}

    # when every role plays its part
    async with connect("deal_desk", "dee@desk") as desk:
        motion = await applied(
            desk,
            "ApproveMotion",
            motionId=motion["id"],
            expectedVersion=motion["version"],
        )
    assert (motion["state"], motion["approval"]["currentTier"]) == (
        "PENDING_APPROVAL",
        2,
    )
    async with connect("finance", "fin@finance") as finance:
        motion = await applied(
            finance,
            "ApproveMotion",
            motionId=motion["id"],
            expectedVersion=motion["version"],
            comment="ok",
        )
    assert motion["state"] == "QUOTED"
    async with connect("customer", "buyer@umbrella", account_id=5) as customer:
        motion = await applied(
            customer,
            "AcceptQuote",
            motionId=motion["id"],
            expectedVersion=motion["version"],
        )
    assert motion["state"] == "ACCEPTED"
    motion = await applied(
        sales,
        "SignAgreement",
        motionId=motion["id"],
        expectedVersion=motion["version"],
        startDate="2027-01-01",
        signedBy="Alice Buyer",
    )
    motion = await applied(
        sales, "PlaceOrder", motionId=motion["id"], expectedVersion=motion["version"]
    )
    order = motion["order"]
    assert (motion["state"], order["status"]) == ("ORDERED", "OPEN")
    assert order["total"]["amount"] == "10320.40"
    crm_line, onboard_line = (x["id"] for x in order["lines"])

    async with connect("fulfilment", "ops@house") as ops:
        motion = await applied(
            ops,
            "RecordFulfilment",
            motionId=motion["id"],
            expectedVersion=motion["version"],
            lines=[{"orderLineId": crm_line, "quantity": 10}],
        )
        assert (motion["state"], motion["order"]["status"]) == (
            "FULFILLING",
            "PARTIALLY_FULFILLED",
        )
        motion = await applied(
            ops,
            "RecordFulfilment",
            motionId=motion["id"],
            expectedVersion=motion["version"],
            lines=[
                {"orderLineId": crm_line, "quantity": 10},
                {"orderLineId": onboard_line, "quantity": 1},
            ],
        )
    assert (motion["state"], motion["order"]["status"]) == ("FULFILLED", "FULFILLED")
    async with connect("erp", "erp@house") as erp:
        motion = await applied(
            erp,
            "RecordInvoice",
            motionId=motion["id"],
            expectedVersion=motion["version"],
            invoiceNumber="INV-2027-0001",
            amount="10320.40",
        )
        motion = await applied(
            erp,
            "RecordPayment",
            motionId=motion["id"],
            expectedVersion=motion["version"],
            paymentReference="PAY-1",
            amount="10320.40",
        )

    # then the motion is closed, with every facet and its whole history
    data = await sales.run(MOTIONS, "Motion", id=motion["id"])
    closed = data["motion"]
    assert closed["state"] == "CLOSED"
    assert [e["quantity"] for e in closed["entitlements"]] == [10, 10, 1]
    assert closed["entitlements"][0]["endsOn"] == "2027-12-31"
    assert closed["entitlements"][2]["endsOn"] is None
    assert closed["agreement"]["endDate"] == "2027-12-31"
    assert closed["invoice"]["amount"]["amount"] == "10320.40"
    assert closed["payment"]["reference"] == "PAY-1"
    assert [d["role"] for d in closed["approval"]["decisions"]] == [
        "deal_desk",
        "finance",
    ]
    assert [e["node"]["action"] for e in closed["history"]["edges"]] == [
        "START",
        "ISSUE_QUOTE",
        "APPROVE",
        "APPROVE",
        "ACCEPT_QUOTE",
        "SIGN_AGREEMENT",
        "PLACE_ORDER",
        "FULFIL",
        "FULFIL",
        "RECORD_INVOICE",
        "RECORD_PAYMENT",
    ]
    assert not any(a["allowed"] for a in closed["availableActions"])


async def test_waterfall_steps_are_exact(sales: Session) -> None:
    motion = await started_and_quoted(sales)

    data = await sales.run(MOTIONS, "Motion", id=motion["id"])
    crm = data["motion"]["quote"]["lines"][0]

    assert [
        (s["step"], s["amount"]["amount"], s["subtotal"]["amount"])
        for s in crm["steps"]
    ] == [
        ("LIST", "11760.00", "11760.00"),
        ("VOLUME", "-588.00", "11172.00"),
        ("DISCOUNT", "-3351.60", "7820.40"),
        ("NET", "7820.40", "7820.40"),
    ]
    assert crm["unitNet"]["amount"] == "391.02"


async def test_refusal_lists_every_failing_guard(connect: Any, sales: Session) -> None:
    motion = await started_and_quoted(sales)

    async with connect("fulfilment", "ops@house") as ops:
        result = await transition(
            ops, "PlaceOrder", motionId=motion["id"], expectedVersion=motion["version"]
        )

    assert result["__typename"] == "TransitionRejected"
    failing = {v["code"] for v in result["verdicts"] if not v["passed"]}
    assert {"NOT_ALLOWED_IN_STATE", "FORBIDDEN_ROLE"} <= failing


async def test_owner_cannot_approve_own_motion(connect: Any) -> None:
    async with connect("sales,deal_desk", "both@house") as seller:
        motion = await started_and_quoted(seller)
        result = await transition(
            seller,
            "ApproveMotion",
            motionId=motion["id"],
            expectedVersion=motion["version"],
        )

    assert result["__typename"] == "TransitionRejected"
    assert result["code"] == "SELF_APPROVAL"


async def test_discount_above_the_ceiling_is_refused(sales: Session) -> None:
    motion = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[line(CRM_PRO, 5, "45")],
    )

    result = await transition(
        sales, "IssueQuote", motionId=motion["id"], expectedVersion=motion["version"]
    )

    assert result["__typename"] == "TransitionRejected"
    assert result["code"] == "DISCOUNT_ABOVE_CEILING"
