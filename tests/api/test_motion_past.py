"""A motion as it was at an instant, rebuilt from its events."""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.conftest import (
    Session,
    SetClock,
    applied,
    operations,
)
from tests.api.test_renewal import CRM_PRO, UMBRELLA, step

MOTIONS = operations("motions")


pytestmark = pytest.mark.usefixtures("clock")


async def as_of(session: Session, motion: dict[str, Any], at: str) -> Any:
    data = await session.run(MOTIONS, "MotionAsOf", id=motion["id"], asOf=at)
    return data["motion"]


async def three_days_of_a_deal(connect: Any, sales: Session, clock: SetClock) -> Any:
    """Started on 2 January, quoted and accepted on the 5th, fulfilled on the 10th."""
    motion = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[{"productId": CRM_PRO, "quantity": 4}],
    )
    clock.set(2027, 1, 5)
    motion = await step(sales, "IssueQuote", motion)
    motion = await step(sales, "AcceptQuote", motion)
    clock.set(2027, 1, 10)
    motion = await step(
        sales, "SignAgreement", motion, startDate="2027-02-01", signedBy="Al Buyer"
    )
    motion = await step(sales, "PlaceOrder", motion)
    (line,) = motion["order"]["lines"]
    async with connect("fulfilment", "ops@house") as ops:
        return await step(
            ops,
            "RecordFulfilment",
            motion,
            lines=[{"orderLineId": line["id"], "quantity": 4}],
        )


async def test_as_of_shows_the_motion_at_three_instants(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    # given a deal that moved on three different days
    motion = await three_days_of_a_deal(connect, sales, clock)

    # when it is read as of each of those days
    drafted = await as_of(sales, motion, "2027-01-03T00:00:00+00:00")
    accepted = await as_of(sales, motion, "2027-01-06T00:00:00+00:00")
    fulfilled = await as_of(sales, motion, "2027-01-11T00:00:00+00:00")

    # then each shows what was true then
    assert (drafted["state"], drafted["version"], drafted["quote"]) == (
        "DRAFT",
        1,
        None,
    )
    assert [line["quantity"] for line in drafted["lines"]] == [4]
    assert accepted["state"] == "ACCEPTED"
    assert accepted["quote"]["status"] == "ACCEPTED"
    assert (accepted["agreement"], accepted["order"]) == (None, None)
    assert fulfilled["state"] == "FULFILLED"
    assert fulfilled["agreement"]["startDate"] == "2027-02-01"
    assert fulfilled["order"]["status"] == "FULFILLED"
    assert [e["quantity"] for e in fulfilled["entitlements"]] == [4]
    assert fulfilled == await as_of(sales, motion, "2027-06-01T00:00:00+00:00")


async def test_as_of_before_the_start_is_null(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    motion = await three_days_of_a_deal(connect, sales, clock)

    assert await as_of(sales, motion, "2027-01-01T00:00:00+00:00") is None


async def test_as_of_without_a_time_zone_is_refused(
    connect: Any, sales: Session, clock: SetClock
) -> None:
    motion = await three_days_of_a_deal(connect, sales, clock)

    with pytest.raises(Exception, match="time zone"):
        await as_of(sales, motion, "2027-01-03T00:00:00")


async def test_as_of_judges_available_actions_at_that_instant(
    sales: Session, clock: SetClock
) -> None:
    # given a quote issued on 5 January, valid 30 days, read on 10 February
    motion = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[{"productId": CRM_PRO, "quantity": 4}],
    )
    clock.set(2027, 1, 5)
    motion = await step(sales, "IssueQuote", motion)
    clock.set(2027, 2, 10)

    # when its actions are read now and as of 6 January
    now = await sales.run(MOTIONS, "Motion", id=motion["id"])
    then = await as_of(sales, motion, "2027-01-06T00:00:00+00:00")

    # then the quote had not expired then, and has now
    def accept(found: Any) -> Any:
        (action,) = [
            a for a in found["availableActions"] if a["action"] == "ACCEPT_QUOTE"
        ]
        return action

    assert [v["code"] for v in accept(now["motion"])["blockedBy"]] == ["QUOTE_EXPIRED"]
    assert (accept(then)["allowed"], accept(then)["blockedBy"]) == (True, [])


HISTORY = """
query History($id: ID!) {
  motion(id: $id) {
    history(first: 10) {
      edges { node { action motion { state availableActions {
        action allowed blockedBy { code }
      } } } }
    }
  }
}
"""


async def test_an_event_moved_on_judges_its_actions_at_the_event(
    sales: Session, clock: SetClock
) -> None:
    # given a quote issued and accepted on 5 January, read on 10 February
    motion = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[{"productId": CRM_PRO, "quantity": 4}],
    )
    clock.set(2027, 1, 5)
    motion = await step(sales, "IssueQuote", motion)
    await step(sales, "AcceptQuote", motion)
    clock.set(2027, 2, 10)

    # when the history shows the motion as the quote left it
    data = await sales.run(HISTORY, "History", id=motion["id"])
    (quoted,) = [
        edge["node"]["motion"]
        for edge in data["motion"]["history"]["edges"]
        if edge["node"]["action"] == "ISSUE_QUOTE"
    ]

    # then acceptance is judged as it stood then, before the quote expired
    (accept,) = [a for a in quoted["availableActions"] if a["action"] == "ACCEPT_QUOTE"]
    assert quoted["state"] == "QUOTED"
    assert (accept["allowed"], accept["blockedBy"]) == (True, [])
