"""The demo's customer journey, read and driven on as the README shows it."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from typing import Any

import pytest

from tests.api.conftest import (
    SEED_TIME,
    LiveServer,
    Session,
    SetClock,
    operations,
    serving,
    transition,
)
from viax.api.ids import encode_id
from viax.seed import seed
from viax.store.transitions import Store

MOTIONS = operations("motions")


@pytest.fixture
async def journey_url(store: Store, store_url: str) -> str:
    await seed(store, motions=0, now=SEED_TIME, journey=True)
    return store_url


@pytest.fixture
def gateway(journey_url: str) -> Iterator[LiveServer]:
    """The gateway on the demo data with its journey, an hour after seeding."""
    yield from serving(journey_url, SetClock(SEED_TIME.replace(hour=10)))


async def journey(session: Session) -> dict[str, Any]:
    data = await session.run(MOTIONS, "Journey", id=encode_id("Motion", 1))
    found: dict[str, Any] = data["motion"]
    return found


async def test_the_journey_query_shows_the_deal_and_its_three_changes(
    sales: Session,
) -> None:
    deal = await journey(sales)

    children = [edge["node"] for edge in deal["children"]["edges"]]
    assert [(c["kind"], c["state"]) for c in children] == [
        ("AMENDMENT", "FULFILLED"),
        ("RETURN", "CLOSED"),
        ("RENEWAL", "QUOTED"),
    ]
    assert {c["parent"]["id"] for c in children} == {deal["id"]}
    upsell, back, renewal = (c["id"] for c in children)
    assert [m["id"] for m in deal["agreement"]["amendments"]] == [upsell]
    assert [m["id"] for m in deal["agreement"]["renewals"]] == [renewal]
    assert [m["id"] for m in deal["order"]["returns"]] == [back]
    assert deal["order"]["status"] == "PARTIALLY_RETURNED"
    assert [line["returnedQuantity"] for line in deal["order"]["lines"]] == [4, 0]


async def test_the_open_renewal_is_accepted_then_signed_in_a_dry_run(
    sales: Session,
) -> None:
    deal = await journey(sales)
    (renewal,) = [
        edge["node"]
        for edge in deal["children"]["edges"]
        if edge["node"]["kind"] == "RENEWAL"
    ]
    end = date.fromisoformat(deal["agreement"]["endDate"])

    accepted = await transition(
        sales,
        "AcceptQuote",
        motionId=renewal["id"],
        expectedVersion=renewal["version"],
    )
    assert accepted["__typename"] == "TransitionApplied", accepted
    signing = {
        "motionId": renewal["id"],
        "expectedVersion": accepted["motion"]["version"],
        "signedBy": "Pat Buyer",
        "dryRun": True,
    }
    early = await transition(sales, "SignAgreement", startDate=str(end), **signing)
    day_after = str(end + timedelta(days=1))
    preview = await transition(sales, "SignAgreement", startDate=day_after, **signing)

    assert early["__typename"] == "TransitionRejected", early
    failed = [v["guard"] for v in early["verdicts"] if not v["passed"]]
    assert failed == ["renewal_start_date"]
    assert preview["__typename"] == "TransitionPreview", preview
    assert (preview["fromState"], preview["toState"]) == ("ACCEPTED", "AGREED")
