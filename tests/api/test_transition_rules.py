"""Rules every transition keeps: preview, concurrency, idempotency, scope."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import LiveServer, Session, applied, operations, transition
from tests.api.test_motion_flow import CRM_PRO, UMBRELLA, line
from viax.api.ids import encode_id
from viax.store.tables import metadata


async def table_counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return {
            table.name: (
                await conn.execute(select(func.count()).select_from(table))
            ).scalar_one()
            for table in metadata.sorted_tables
        }


async def agreed(connect: Any, sales: Session) -> dict[str, Any]:
    """A motion signed and ready to order (no approval needed)."""
    motion = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[line(CRM_PRO, 3)],
    )
    for operation, extra in (
        ("IssueQuote", {}),
        ("AcceptQuote", {}),
        ("SignAgreement", {"startDate": "2027-02-01", "signedBy": "Alice"}),
    ):
        motion = await applied(
            sales,
            operation,
            motionId=motion["id"],
            expectedVersion=motion["version"],
            **extra,
        )
    return motion


async def test_dry_run_previews_and_writes_nothing(
    sales: Session, store_engine: AsyncEngine
) -> None:
    motion = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[line(CRM_PRO, 20, "30")],
    )
    before = await table_counts(store_engine)

    result = await transition(
        sales,
        "IssueQuote",
        motionId=motion["id"],
        expectedVersion=motion["version"],
        dryRun=True,
    )

    assert result["__typename"] == "TransitionPreview"
    assert (result["fromState"], result["toState"]) == ("DRAFT", "PENDING_APPROVAL")
    assert result["motion"]["quote"]["total"]["amount"] == "7820.40"
    assert result["motion"]["approval"]["requiredRoles"] == ["deal_desk", "finance"]
    assert all(v["passed"] for v in result["verdicts"])
    assert await table_counts(store_engine) == before


async def test_stale_version_is_a_conflict_and_changes_nothing(
    sales: Session, store_engine: AsyncEngine
) -> None:
    motion = await applied(
        sales,
        "StartMotion",
        accountId=UMBRELLA,
        channel="DIRECT",
        lines=[line(CRM_PRO, 2)],
    )
    motion = await applied(
        sales, "IssueQuote", motionId=motion["id"], expectedVersion=motion["version"]
    )
    before = await table_counts(store_engine)

    result = await transition(
        sales,
        "AcceptQuote",
        motionId=motion["id"],
        expectedVersion=motion["version"] - 1,
    )

    assert result == {
        "__typename": "VersionConflict",
        "expectedVersion": motion["version"] - 1,
        "currentVersion": motion["version"],
    }
    assert await table_counts(store_engine) == before


async def test_same_idempotency_key_replays_the_original_result(
    sales: Session, store_engine: AsyncEngine
) -> None:
    start = {
        "accountId": UMBRELLA,
        "channel": "DIRECT",
        "lines": [line(CRM_PRO, 2)],
        "idempotencyKey": "start-1",
    }
    first = await transition(sales, "StartMotion", **start)
    after_first = await table_counts(store_engine)

    again = await transition(sales, "StartMotion", **start)
    other = await transition(
        sales, "StartMotion", **{**start, "lines": [line(CRM_PRO, 3)]}
    )

    assert (first["replayed"], again["replayed"]) == (False, True)
    assert again["motion"]["id"] == first["motion"]["id"]
    assert again["event"] == first["event"]
    assert other["__typename"] == "TransitionRejected"
    assert other["code"] == "IDEMPOTENCY_KEY_REUSED"
    assert await table_counts(store_engine) == after_first


async def test_concurrent_orders_on_one_motion_place_exactly_one(
    connect: Any, sales: Session, store_engine: AsyncEngine
) -> None:
    motion = await agreed(connect, sales)
    before = await table_counts(store_engine)

    results = await asyncio.gather(
        *(
            transition(
                sales,
                "PlaceOrder",
                motionId=motion["id"],
                expectedVersion=motion["version"],
            )
            for _ in range(20)
        )
    )

    kinds = sorted(r["__typename"] for r in results)
    assert kinds == ["TransitionApplied"] + ["VersionConflict"] * 19
    after = await table_counts(store_engine)
    assert after["orders"] == before["orders"] + 1
    assert after["motion_events"] == before["motion_events"] + 1


async def test_partner_sees_nothing_of_another_partners_motion(
    connect: Any,
) -> None:
    async with connect("partner", "p2@goldcrest", partner_id=2) as gold:
        motion = await applied(
            gold,
            "StartMotion",
            accountId=UMBRELLA,
            channel="PARTNER",
            partnerId=encode_id("Partner", 2),
            lines=[line(CRM_PRO, 2)],
        )
    async with connect("partner", "p1@silverline", partner_id=1) as silver:
        seen = await silver.run(
            "query($id: ID!) { motion(id: $id) { id } node(id: $id) { id } "
            "motions(first: 100) { edges { node { id } } } "
            '_entities(representations: [{__typename: "Motion", id: $id}])'
            " { ... on Motion { id } } }",
            None,
            id=motion["id"],
        )
        refused = await transition(
            silver,
            "ConfigureMotion",
            motionId=motion["id"],
            expectedVersion=motion["version"],
            lines=[line(CRM_PRO, 9)],
        )

    assert seen["motion"] is None and seen["node"] is None
    assert seen["_entities"] == [None]
    assert motion["id"] not in {e["node"]["id"] for e in seen["motions"]["edges"]}
    assert refused == {"__typename": "MotionNotFound", "motionId": motion["id"]}


async def test_partner_cannot_start_for_another_partner(connect: Any) -> None:
    async with connect("partner", "p1@silverline", partner_id=1) as silver:
        result = await transition(
            silver,
            "StartMotion",
            accountId=UMBRELLA,
            channel="PARTNER",
            partnerId=encode_id("Partner", 2),
            lines=[line(CRM_PRO, 2)],
        )

    assert result["__typename"] == "TransitionRejected"
    assert "FORBIDDEN_ROLE" in {
        v["code"] for v in result["verdicts"] if not v["passed"]
    }


async def test_listing_costs_the_same_statements_for_5_and_50_motions(
    busy_gateway: LiveServer,
) -> None:
    token = busy_gateway.token("sales")
    document = operations("motions")

    async def statements(first: int) -> int:
        counter = busy_gateway.counter
        counter.count, counter.enabled = 0, True
        async with httpx.AsyncClient(base_url=busy_gateway.url, timeout=60) as client:
            response = await client.post(
                "/graphql",
                json={
                    "query": document,
                    "operationName": "Motions",
                    "variables": {"first": first},
                },
                headers={"Authorization": f"Bearer {token}"},
            )
        counter.enabled = False
        body = response.json()
        assert "errors" not in body, body
        assert len(body["data"]["motions"]["edges"]) == first
        return counter.count

    few, many = await statements(5), await statements(50)
    assert few == many > 0


HISTORY = (
    "query($id: ID!) { motion(id: $id) { history(first: 10) "
    "{ edges { node { actor { id } } } } } }"
)


async def test_partners_see_approvers_only_as_the_house(connect: Any) -> None:
    async with connect("partner", "pat@goldcrest", partner_id=2) as gold:
        motion = await applied(
            gold,
            "StartMotion",
            accountId=UMBRELLA,
            channel="PARTNER",
            partnerId=encode_id("Partner", 2),
            lines=[line(CRM_PRO, 4, "15")],
        )
        motion = await applied(
            gold, "IssueQuote", motionId=motion["id"], expectedVersion=motion["version"]
        )
        async with connect("deal_desk", "dee@desk") as desk:
            await applied(
                desk,
                "ApproveMotion",
                motionId=motion["id"],
                expectedVersion=motion["version"],
            )
        seen_by_partner = await gold.run(HISTORY, None, id=motion["id"])
    async with connect("sales", "sam@house") as sales:
        seen_by_sales = await sales.run(HISTORY, None, id=motion["id"])

    def actors(data: dict[str, Any]) -> list[str]:
        return [e["node"]["actor"]["id"] for e in data["motion"]["history"]["edges"]]

    assert actors(seen_by_partner) == ["pat@goldcrest", "pat@goldcrest", "internal"]
    assert actors(seen_by_sales) == ["pat@goldcrest", "pat@goldcrest", "dee@desk"]
