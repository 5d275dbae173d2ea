"""Amending an agreement in force as a motion of its own, through a real client."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from tests.api.conftest import (
    Session,
    SetClock,
    applied,
    transition,
)
from tests.api.test_renewal import (
    CRM_PRO,
    MOTIONS,
    ONBOARD,
    UMBRELLA,
    first_deal,
    read,
    renew,
    step,
)
from viax.api.ids import encode_id
from viax.api.inputs import to_minor

CRM_ENT = encode_id("Product", 2)  # subscription, 99.00 EUR a month
SUPPORT = encode_id("Product", 4)  # subscription, 25.00 EUR a month
FORECAST = encode_id("Product", 3)  # add-on of CRM-PRO, 19.00 EUR a month


pytestmark = pytest.mark.usefixtures("clock")


async def amend(
    session: Session,
    motion: dict[str, Any],
    lines: list[dict[str, Any]],
    effective: str | None = "2027-06-01",
) -> dict[str, Any]:
    return await transition(
        session,
        "AmendAgreement",
        motionId=motion["id"],
        lines=lines,
        effectiveDate=effective,
    )


async def amended(
    session: Session,
    motion: dict[str, Any],
    lines: list[dict[str, Any]],
    effective: str | None = "2027-06-01",
) -> dict[str, Any]:
    result = await amend(session, motion, lines, effective)
    assert result["__typename"] == "TransitionApplied", result
    found: dict[str, Any] = result["motion"]
    return found


async def carry_out(
    connect: Any, sales: Session, motion: dict[str, Any], start_date: str
) -> dict[str, Any]:
    """From QUOTED: accept, sign from the date, order and fulfil every unit."""
    motion = await step(sales, "AcceptQuote", motion)
    motion = await step(
        sales, "SignAgreement", motion, startDate=start_date, signedBy="Alice Buyer"
    )
    motion = await step(sales, "PlaceOrder", motion)
    lines = [
        {"orderLineId": line["id"], "quantity": abs(line["quantity"])}
        for line in motion["order"]["lines"]
    ]
    async with connect("fulfilment", "ops@house") as ops:
        return await step(ops, "RecordFulfilment", motion, lines=lines)


async def discounted_deal(connect: Any, sales: Session) -> dict[str, Any]:
    """20 CRM-PRO for 2027 at a 20 % discount, approved and fulfilled."""
    started = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[{"productId": CRM_PRO, "quantity": 20, "discountPercent": "20"}],
    )
    started = await step(sales, "IssueQuote", started)
    async with connect("deal_desk", "desk@house") as desk:
        started = await step(desk, "ApproveMotion", started)
    return await carry_out(connect, sales, started, "2027-01-01")


def waterfall(motion: dict[str, Any]) -> list[list[tuple[str, str]]]:
    return [
        [(s["step"], s["amount"]["amount"]) for s in line["steps"]]
        for line in motion["quote"]["lines"]
    ]


def holding(motion: dict[str, Any]) -> list[tuple[str, int, str, str | None, str]]:
    return [
        (e["product"]["sku"], e["quantity"], e["startsOn"], e["endsOn"], e["status"])
        for e in motion["entitlements"]
    ]


async def test_five_more_seats_for_seven_months_are_prorated_and_granted(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given 20 CRM-PRO for 2027 and a clock in May
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)

    # when 5 more take effect on 1 June and the amendment is carried out
    amendment = await amended(sales, parent, [{"productId": CRM_PRO, "quantity": 5}])
    amendment = await step(sales, "IssueQuote", amendment)
    quoted = await read(sales, amendment)
    amendment = await carry_out(connect, sales, amendment, "2027-06-01")

    # then 49.00 x 5 x 7 months at the 5 % tier of the 25 held afterwards
    assert quoted["kind"] == "AMENDMENT"
    assert quoted["effectiveDate"] == "2027-06-01"
    assert quoted["quote"]["termMonths"] == 7
    assert waterfall(quoted) == [
        [
            ("LIST", "1715.00"),
            ("VOLUME", "-85.75"),
            ("DISCOUNT", "0.00"),
            ("NET", "1629.25"),
        ]
    ]
    assert quoted["quote"]["total"]["amount"] == "1629.25"
    assert quoted["approval"] is None
    done = await read(sales, amendment)
    assert done["state"] == "FULFILLED"
    assert (done["agreement"]["startDate"], done["agreement"]["endDate"]) == (
        "2027-06-01",
        "2027-12-31",
    )
    assert holding(done) == [("CRM-PRO", 5, "2027-06-01", "2027-12-31", "ACTIVE")]
    linked = await read(sales, parent)
    assert [a["id"] for a in linked["agreement"]["amendments"]] == [amendment["id"]]
    assert linked["agreement"]["renewals"] == []
    assert [e["node"]["kind"] for e in linked["children"]["edges"]] == ["AMENDMENT"]


async def test_fewer_seats_are_a_credit_that_is_invoiced_and_paid(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)
    amendment = await amended(sales, parent, [{"productId": CRM_PRO, "quantity": -5}])

    amendment = await step(sales, "IssueQuote", amendment)
    quoted = await read(sales, amendment)
    amendment = await carry_out(connect, sales, amendment, "2027-06-01")
    async with connect("erp", "erp@house") as erp:
        wrong = await transition(
            erp,
            "RecordInvoice",
            motionId=amendment["id"],
            expectedVersion=amendment["version"],
            invoiceNumber="CR-1",
            amount="1629.25",
        )
        inexact = await transition(
            erp,
            "RecordInvoice",
            motionId=amendment["id"],
            expectedVersion=amendment["version"],
            invoiceNumber="CR-1",
            amount="-1629.251",
        )
        amendment = await step(
            erp, "RecordInvoice", amendment, invoiceNumber="CR-1", amount="-1629.25"
        )
        amendment = await step(
            erp,
            "RecordPayment",
            amendment,
            paymentReference="REFUND-1",
            amount="-1629.25",
        )

    # the 5 removed seats are credited at the 46.55 a seat and month paid
    assert waterfall(quoted) == [[("LIST", "-1629.25"), ("NET", "-1629.25")]]
    assert quoted["quote"]["listTotal"]["amount"] == "-1629.25"
    assert quoted["quote"]["lines"][0]["unitNet"]["amount"] == "325.85"
    assert quoted["order"] is None
    assert (wrong["code"], inexact["code"]) == ("AMOUNT_MISMATCH", "AMOUNT_MISMATCH")
    done = await read(sales, amendment)
    assert done["state"] == "CLOSED"
    assert done["order"]["total"]["amount"] == "-1629.25"
    assert done["order"]["priceHash"] == quoted["quote"]["priceHash"]
    assert [
        (line["quantity"], line["fulfilledQuantity"]) for line in done["order"]["lines"]
    ] == [(-5, -5)]
    assert done["invoice"]["amount"]["amount"] == "-1629.25"
    assert done["payment"]["amount"]["amount"] == "-1629.25"
    assert done["entitlements"] == []


async def test_fewer_seats_bought_at_a_discount_are_credited_at_what_was_paid(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given 20 CRM-PRO bought at 5 % volume and 20 % discount: 8,937.60 for
    # the year, 37.24 a seat and month
    parent = await discounted_deal(connect, sales)
    clock.set(2027, 5, 20)

    # when 5 seats go from 1 June, with no discount asked for
    amendment = await amended(sales, parent, [{"productId": CRM_PRO, "quantity": -5}])
    amendment = await step(sales, "IssueQuote", amendment)
    quoted = await read(sales, amendment)
    amendment = await carry_out(connect, sales, amendment, "2027-06-01")

    # then the credit is 37.24 x 5 x 7 months, not the 1,629.25 of the list
    # price less the tier, and no approval is needed for it
    assert quoted["state"] == "QUOTED"
    assert quoted["approval"] is None
    assert waterfall(quoted) == [[("LIST", "-1303.40"), ("NET", "-1303.40")]]
    assert quoted["quote"]["total"]["amount"] == "-1303.40"
    (line,) = quoted["quote"]["lines"]
    assert line["unitNet"]["amount"] == "260.68"
    done = await read(sales, amendment)
    assert done["order"]["total"]["amount"] == "-1303.40"
    assert holding(await read(sales, parent))[-1] == (
        "CRM-PRO",
        15,
        "2027-06-01",
        "2027-12-31",
        "ACTIVE",
    )


async def test_a_discount_on_a_reduction_is_refused(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)

    result = await amend(
        sales,
        parent,
        [
            {"productId": CRM_PRO, "quantity": -5, "discountPercent": "10"},
            {"productId": SUPPORT, "quantity": 2, "discountPercent": "10"},
        ],
    )

    assert result["code"] == "INVALID_INPUT"
    assert "line 1: a reduction is credited at the net paid" in result["message"]
    assert "line 2" not in result["message"]


async def test_fewer_seats_leave_the_parent_from_the_effective_date(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given 20 CRM-PRO held from 2 January and an amendment of -5 from 1 June
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)
    amendment = await amended(sales, parent, [{"productId": CRM_PRO, "quantity": -5}])
    amendment = await step(sales, "IssueQuote", amendment)

    # when it is fulfilled
    amendment = await carry_out(connect, sales, amendment, "2027-06-01")

    # then the parent holds 20 until 31 May and 15 from 1 June, by an event
    # of its own that names the amendment
    after = await read(sales, parent)
    assert holding(after) == [
        ("CRM-PRO", 20, "2027-01-02", "2027-05-31", "ACTIVE"),
        ("ONBOARD", 1, "2027-01-02", None, "ACTIVE"),
        ("CRM-PRO", 15, "2027-06-01", "2027-12-31", "ACTIVE"),
    ]
    events = [e["node"] for e in after["history"]["edges"]]
    assert [e["action"] for e in events][-1] == "APPLY_CHANGE"
    assert events[-1]["version"] == after["version"] == parent["version"] + 1
    assert holding(await read(sales, amendment)) == []
    for motion in (parent, amendment):
        rebuilt = await sales.run(
            MOTIONS, "MotionAsOf", id=motion["id"], asOf=clock.now.isoformat()
        )
        current = await read(sales, motion)
        assert holding(rebuilt["motion"]) == holding(current)
        assert rebuilt["motion"]["effectiveDate"] == current["effectiveDate"]

    # and a second cut from the same day is refused, a later one is not
    again = await amend(sales, parent, [{"productId": CRM_PRO, "quantity": -1}])
    later = await amend(
        sales, parent, [{"productId": CRM_PRO, "quantity": -16}], "2027-07-01"
    )
    assert again["code"] == "INVALID_INPUT"
    assert "change on 2027-06-01" in again["message"]
    assert later["code"] == "QUANTITY_BELOW_ZERO"
    assert "holds 15 CRM-PRO on 2027-07-01" in later["message"]


async def test_a_reduction_fulfilled_after_another_took_the_units_is_refused(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)
    first = await amended(sales, parent, [{"productId": CRM_PRO, "quantity": -15}])
    second = await amended(
        sales, parent, [{"productId": CRM_PRO, "quantity": -10}], "2027-07-01"
    )
    second = await step(sales, "IssueQuote", second)
    first = await step(sales, "IssueQuote", first)
    await carry_out(connect, sales, first, "2027-06-01")

    second = await step(sales, "AcceptQuote", second)
    second = await step(
        sales, "SignAgreement", second, startDate="2027-07-01", signedBy="Alice"
    )
    second = await step(sales, "PlaceOrder", second)
    (line,) = second["order"]["lines"]
    async with connect("fulfilment", "ops@house") as ops:
        result = await transition(
            ops,
            "RecordFulfilment",
            motionId=second["id"],
            expectedVersion=second["version"],
            lines=[{"orderLineId": line["id"], "quantity": 10}],
        )

    assert result["code"] == "QUANTITY_BELOW_ZERO"
    assert "holds 5 CRM-PRO on 2027-07-01" in result["message"]


async def test_units_an_earlier_amendment_added_are_reduced_first(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given 20 CRM-PRO and 5 more from 1 June at 10 % off: 1,466.33 for 35
    # seat months
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)
    added = await amended(
        sales, parent, [{"productId": CRM_PRO, "quantity": 5, "discountPercent": "10"}]
    )
    added = await carry_out(
        connect, sales, await step(sales, "IssueQuote", added), "2027-06-01"
    )

    # when 22 go from 1 July, more than the parent alone holds
    cut = await amended(
        sales, parent, [{"productId": CRM_PRO, "quantity": -22}], "2027-07-01"
    )
    cut = await step(sales, "IssueQuote", cut)
    quoted = await read(sales, cut)
    cut = await carry_out(connect, sales, cut, "2027-07-01")

    # then the 5 added last go first, at their own net, then 17 of the
    # parent's at 46.55: (1,466.33 / 7 + 17 x 46.55) x 6 months
    assert waterfall(quoted) == [[("LIST", "-6004.95"), ("NET", "-6004.95")]]
    assert holding(await read(sales, added)) == [
        ("CRM-PRO", 5, "2027-06-01", "2027-06-30", "ACTIVE")
    ]
    assert holding(await read(sales, parent)) == [
        ("CRM-PRO", 20, "2027-01-02", "2027-06-30", "ACTIVE"),
        ("ONBOARD", 1, "2027-01-02", None, "ACTIVE"),
        ("CRM-PRO", 3, "2027-07-01", "2027-12-31", "ACTIVE"),
    ]
    # and the earlier amendment changed by an event of its own naming the cut
    after = (await sales.run(MOTIONS, "Returns", id=added["id"]))["motion"]
    events = [e["node"] for e in after["history"]["edges"]]
    assert events[-1]["action"] == "APPLY_CHANGE"
    assert events[-1]["change"]["id"] == cut["id"]
    assert after["version"] == added["version"] + 1
    for motion in (parent, added, cut):
        rebuilt = await sales.run(
            MOTIONS, "MotionAsOf", id=motion["id"], asOf=clock.now.isoformat()
        )
        assert holding(rebuilt["motion"]) == holding(await read(sales, motion))
    # and only the 3 the parent still holds may come back
    (line, _) = parent["order"]["lines"]
    returned = await transition(
        sales,
        "RequestReturn",
        motionId=parent["id"],
        lines=[{"orderLineId": line["id"], "quantity": 4}],
    )
    assert returned["code"] == "QUANTITY_EXCEEDS_REMAINING"
    assert "the 3 units of order line 1 still held" in returned["message"]
    assert "17 removed by amendments" in returned["message"]


async def test_taking_more_units_than_the_agreement_holds_is_refused(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)

    result = await amend(sales, parent, [{"productId": CRM_PRO, "quantity": -21}])
    one_time = await amend(sales, parent, [{"productId": ONBOARD, "quantity": -1}])

    assert result["__typename"] == "TransitionRejected"
    assert result["code"] == "QUANTITY_BELOW_ZERO"
    assert "holds 20 CRM-PRO on 2027-06-01" in result["message"]
    assert "would leave -1" in result["message"]
    assert one_time["code"] == "INVALID_INPUT"
    assert "one-time" in one_time["message"]


async def test_a_discount_on_the_change_needs_deal_desk_though_the_parent_had_none(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)
    amendment = await amended(
        sales,
        parent,
        [{"productId": CRM_PRO, "quantity": 5, "discountPercent": "15"}],
    )

    amendment = await step(sales, "IssueQuote", amendment)

    assert amendment["state"] == "PENDING_APPROVAL"
    assert amendment["approval"]["requiredRoles"] == ["deal_desk"]
    # 1,629.25 less 15 % is 1,384.86 (244.3875 rounds to 244.39)
    assert amendment["quote"]["total"]["amount"] == "1384.86"


async def test_the_discount_of_an_untouched_parent_line_does_not_count(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await discounted_deal(connect, sales)
    clock.set(2027, 5, 20)

    amendment = await amended(sales, parent, [{"productId": SUPPORT, "quantity": 3}])
    amendment = await step(sales, "IssueQuote", amendment)

    assert amendment["state"] == "QUOTED"
    assert amendment["approval"] is None
    # 25.00 x 3 x 7 months; 3 units reach no volume tier
    assert amendment["quote"]["total"]["amount"] == "525.00"


async def test_an_add_on_needs_its_base_held_or_in_the_amendment(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    started = await applied(
        sales,
        "StartMotion",
        accountId=encode_id("Account", 1),
        channel="DIRECT",
        lines=[{"productId": SUPPORT, "quantity": 2}],
    )
    parent = await carry_out(
        connect, sales, await step(sales, "IssueQuote", started), "2027-01-01"
    )
    clock.set(2027, 5, 20)

    alone = await amend(sales, parent, [{"productId": FORECAST, "quantity": 2}])
    with_base = await amend(
        sales,
        parent,
        [
            {"productId": FORECAST, "quantity": 2},
            {"productId": CRM_PRO, "quantity": 2},
        ],
    )

    assert alone["code"] == "PREREQUISITE_MISSING"
    assert with_base["__typename"] == "TransitionApplied", with_base


async def test_the_change_takes_effect_within_the_agreement_only(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)
    more = [{"productId": CRM_PRO, "quantity": 1}]

    past = await amend(sales, parent, more, "2027-05-01")
    last_month = await amend(sales, parent, more, "2027-12-05")
    default = await amended(sales, parent, more, None)

    assert (past["code"], last_month["code"]) == ("INVALID_INPUT", "INVALID_INPUT")
    assert "no whole month remains" in last_month["message"]
    assert default["state"] == "DRAFT"
    assert (await read(sales, default))["effectiveDate"] == "2027-05-20"


async def test_the_amendment_is_signed_from_its_effective_date(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)
    amendment = await amended(sales, parent, [{"productId": CRM_PRO, "quantity": 1}])
    amendment = await step(sales, "IssueQuote", amendment)
    amendment = await step(sales, "AcceptQuote", amendment)

    result = await transition(
        sales,
        "SignAgreement",
        motionId=amendment["id"],
        expectedVersion=amendment["version"],
        startDate="2027-07-01",
        signedBy="Alice Buyer",
    )

    assert result["code"] == "INVALID_INPUT"
    assert "takes effect on 2027-06-01" in result["message"]


async def test_a_motion_without_a_fulfilled_agreement_is_not_amendable(
    sales: Session,
) -> None:
    draft = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[{"productId": CRM_PRO, "quantity": 3}],
    )

    result = await amend(sales, draft, [{"productId": CRM_PRO, "quantity": 1}])

    assert result["__typename"] == "TransitionRejected"
    assert result["code"] == "NOT_AMENDABLE"


async def test_an_amendment_is_not_amended_itself(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)
    amendment = await amended(sales, parent, [{"productId": CRM_PRO, "quantity": 2}])
    amendment = await step(sales, "IssueQuote", amendment)
    amendment = await carry_out(connect, sales, amendment, "2027-06-01")

    result = await amend(
        sales, amendment, [{"productId": CRM_PRO, "quantity": -1}], "2027-07-01"
    )

    assert result["code"] == "NOT_AMENDABLE"
    assert "change motion (AMENDMENT)" in result["message"]


async def test_another_partners_motion_is_not_found(
    connect: Any, clock: SetClock
) -> None:
    async with connect("partner", "ann@silver", partner_id=1) as silver:
        started = await applied(
            silver,
            "StartMotion",
            accountId=UMBRELLA,
            channel="PARTNER",
            partnerId=encode_id("Partner", 1),
            lines=[{"productId": CRM_PRO, "quantity": 20}],
        )
        started = await step(silver, "IssueQuote", started)
        async with connect("sales", "sales@test") as sales:
            parent = await carry_out(connect, sales, started, "2027-01-01")
        clock.set(2027, 5, 20)
        own = await amend(silver, parent, [{"productId": CRM_PRO, "quantity": 2}])

    async with connect("partner", "bob@gold", partner_id=2) as gold:
        other = await amend(gold, parent, [{"productId": CRM_PRO, "quantity": 2}])
        unknown = await amend(
            gold,
            {"id": encode_id("Motion", 999_999)},
            [{"productId": CRM_PRO, "quantity": 2}],
        )

    assert own["__typename"] == "TransitionApplied", own
    assert other == {"__typename": "MotionNotFound", "motionId": parent["id"]}
    assert unknown["__typename"] == "MotionNotFound"


async def test_a_renewal_after_amendments_renews_the_amended_units(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 5, 20)
    amendment = await amended(
        sales,
        parent,
        [
            {"productId": CRM_PRO, "quantity": 5},
            {"productId": SUPPORT, "quantity": 3},
        ],
    )
    amendment = await step(sales, "IssueQuote", amendment)
    await carry_out(connect, sales, amendment, "2027-06-01")
    clock.set(2027, 11, 1)

    renewal = (await renew(sales, parent, "0"))["motion"]
    renewal = await step(sales, "IssueQuote", renewal)

    quoted = await read(sales, renewal)
    # CRM-PRO renews 25 units at the parent's 558.60; SUPPORT-PREM, only
    # amended in at 525.00 for 3 units over 7 months, at 25.00 x 12 a unit
    assert [
        (line["product"]["sku"], line["quantity"], line["net"]["amount"])
        for line in quoted["quote"]["lines"]
    ] == [("CRM-PRO", 25, "13965.00"), ("SUPPORT-PREM", 3, "900.00")]


async def test_an_amendment_of_a_renewal_runs_to_the_renewals_end(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    parent = await first_deal(connect, sales)
    clock.set(2027, 11, 1)
    renewal = await step(
        sales, "IssueQuote", (await renew(sales, parent, "0"))["motion"]
    )
    renewal = await carry_out(connect, sales, renewal, "2028-01-01")
    clock.set(2028, 3, 10)

    amendment = await amended(
        sales, renewal, [{"productId": CRM_PRO, "quantity": 2}], None
    )
    amendment = await step(sales, "IssueQuote", amendment)
    amendment = await carry_out(connect, sales, amendment, "2028-03-10")

    done = await read(sales, amendment)
    # 9 whole months from 10 March to 31 December: 49.00 x 2 x 9 less 5 %
    assert done["quote"]["termMonths"] == 9
    assert done["quote"]["total"]["amount"] == "837.90"
    assert done["parent"]["id"] == renewal["id"]
    assert holding(done) == [("CRM-PRO", 2, "2028-03-10", "2028-12-31", "ACTIVE")]
    assert [
        a["id"] for a in (await read(sales, renewal))["agreement"]["amendments"]
    ] == [amendment["id"]]


@pytest.mark.parametrize(
    ("amount", "minor"),
    [("-1629.25", -162925), ("0", 0), ("0.00", 0), ("-0.01", -1), ("12.5", 1250)],
)
def test_amounts_of_credits_and_zero_are_exact_minor_units(
    amount: str, minor: int
) -> None:
    assert to_minor(Decimal(amount)) == minor


@pytest.mark.parametrize("amount", ["0.001", "-1629.251", "NaN", "Infinity"])
def test_an_amount_not_exact_in_cents_has_no_minor_units(amount: str) -> None:
    assert to_minor(Decimal(amount)) is None


async def test_the_net_of_the_change_alone_decides_the_large_deal_rule(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    started = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[{"productId": CRM_ENT, "quantity": 2000}],
    )
    started = await step(sales, "IssueQuote", started)
    async with connect("finance", "fin@house") as finance:
        started = await step(finance, "ApproveMotion", started)
    parent = await carry_out(connect, sales, started, "2027-01-01")
    clock.set(2027, 5, 20)

    small = await amended(sales, parent, [{"productId": CRM_ENT, "quantity": 1}])
    large = await amended(sales, parent, [{"productId": CRM_ENT, "quantity": 1700}])
    small = await step(sales, "IssueQuote", small)
    large = await step(sales, "IssueQuote", large)

    # the parent's 2,019,600.00 does not count; 1,700 more for 7 months do:
    # 99.00 x 1,700 x 7 = 1,178,100.00 less the 15 % tier is 1,001,385.00
    assert (small["state"], small["approval"]) == ("QUOTED", None)
    assert large["quote"]["total"]["amount"] == "1001385.00"
    assert large["approval"]["requiredRoles"] == ["finance"]
