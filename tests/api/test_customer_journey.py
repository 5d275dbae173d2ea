"""One customer's agreement over its life, as linked motions of every kind."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import (
    Session,
    SetClock,
    applied,
    operations,
)
from tests.api.test_amendment import SUPPORT, amended, carry_out
from tests.api.test_renewal import CRM_PRO, first_deal, read, renew, step
from tests.api.test_returns import complete

MODELS = operations("models")


pytestmark = pytest.mark.usefixtures("clock")


def trail(motion: dict[str, Any]) -> list[str]:
    return [edge["node"]["action"] for edge in motion["history"]["edges"]]


async def test_first_deal_upsell_partial_return_and_renewal_stay_linked(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given a first deal of 20 CRM-PRO and one onboarding for 2027
    deal = await first_deal(connect, sales)

    # when 5 CRM-PRO and 3 SUPPORT-PREM are added from 1 February
    clock.set(2027, 1, 20)
    upsell = await amended(
        sales,
        deal,
        [
            {"productId": CRM_PRO, "quantity": 5},
            {"productId": SUPPORT, "quantity": 3},
        ],
        "2027-02-01",
    )
    upsell = await step(sales, "IssueQuote", upsell)
    upsell = await carry_out(connect, sales, upsell, "2027-02-01")

    # and 4 of the first 20 CRM-PRO come back within the return window
    clock.set(2027, 1, 25)
    (crm_line, _) = deal["order"]["lines"]
    back = await applied(
        sales,
        "RequestReturn",
        motionId=deal["id"],
        lines=[{"orderLineId": crm_line["id"], "quantity": 4}],
    )
    back = await complete(connect, sales, await step(sales, "IssueQuote", back))

    # and the agreement is renewed in November
    clock.set(2027, 11, 1)
    renewal = await step(sales, "IssueQuote", (await renew(sales, deal, "0"))["motion"])
    renewal = await carry_out(connect, sales, renewal, "2028-01-01")

    # then the deal links all three, each child its parent
    root, upsold, returned, renewed = [
        await read(sales, m) for m in (deal, upsell, back, renewal)
    ]
    assert [
        (e["node"]["kind"], e["node"]["id"]) for e in root["children"]["edges"]
    ] == [
        ("AMENDMENT", upsell["id"]),
        ("RETURN", back["id"]),
        ("RENEWAL", renewal["id"]),
    ]
    assert [m["id"] for m in root["agreement"]["amendments"]] == [upsell["id"]]
    assert [m["id"] for m in root["agreement"]["renewals"]] == [renewal["id"]]
    assert {m["parent"]["id"] for m in (upsold, returned, renewed)} == {deal["id"]}
    assert root["order"]["status"] == "PARTIALLY_RETURNED"

    # and each motion keeps one audit trail of its own; the return's change
    # of the deal is one event on the deal
    path = ["START", "ISSUE_QUOTE", "ACCEPT_QUOTE", "SIGN_AGREEMENT"]
    path += ["PLACE_ORDER", "FULFIL"]
    assert trail(root) == [*path, "APPLY_CHANGE"]
    assert trail(upsold) == path
    assert trail(renewed) == path
    assert trail(returned) == [
        "START",
        "ISSUE_QUOTE",
        "ACCEPT_QUOTE",
        "PLACE_ORDER",
        "FULFIL",
        "RECORD_INVOICE",
        "RECORD_PAYMENT",
    ]
    sequences = [
        edge["node"]["sequence"]
        for motion in (root, upsold, returned, renewed)
        for edge in motion["history"]["edges"]
    ]
    assert len(sequences) == len(set(sequences))

    # and the renewal renews what is held on the last day: 16 + 5 CRM-PRO
    assert [
        (e["product"]["sku"], e["quantity"], e["startsOn"], e["endsOn"])
        for e in renewed["entitlements"]
    ] == [
        ("CRM-PRO", 21, "2028-01-01", "2028-12-31"),
        ("SUPPORT-PREM", 3, "2028-01-01", "2028-12-31"),
    ]


@pytest.mark.parametrize(
    ("kind", "name", "start_guard"),
    [
        ("NEW_BUSINESS", "new-business", "prerequisites"),
        ("AMENDMENT", "amendment", "amendment_parent"),
        ("RENEWAL", "renewal", "renewal_parent"),
        ("RETURN", "return", "return_parent"),
    ],
)
async def test_every_kind_of_motion_has_its_model(
    sales: Session, kind: str, name: str, start_guard: str
) -> None:
    data = await sales.run(MODELS, "MotionModel", kind=kind)

    model = data["motionModel"]
    assert (model["name"], model["kind"], model["version"]) == (name, kind, 1)
    (start,) = [a for a in model["actions"] if a["action"] == "START"]
    assert start_guard in [guard["name"] for guard in start["guards"]]
    assert model["diagram"].startswith("stateDiagram-v2")
