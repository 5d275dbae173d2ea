"""The federation `_entities` field as a router calls it."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import LiveServer
from viax.api.entities import MAX_REPRESENTATIONS
from viax.api.ids import encode_id

ENTITIES = """
query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on Account { id name }
    ... on Product { id name }
    ... on Motion { id state }
  }
}
"""


async def entities(
    gateway: LiveServer, token: str, representations: list[Any]
) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=30) as client:
        response = await client.post(
            "/graphql",
            json={"query": ENTITIES, "variables": {"representations": representations}},
            headers={"Authorization": f"Bearer {token}"},
        )
    body: dict[str, Any] = response.json()
    return body


def account(key: int) -> dict[str, str]:
    return {"__typename": "Account", "id": encode_id("Account", key)}


async def test_entities_come_back_in_the_order_asked(gateway: LiveServer) -> None:
    product = {"__typename": "Product", "id": encode_id("Product", 1)}
    body = await entities(
        gateway, gateway.token("sales"), [account(2), product, account(1)]
    )

    assert "errors" not in body
    found = body["data"]["_entities"]
    assert [e["__typename"] for e in found] == ["Account", "Product", "Account"]
    assert [e["id"] for e in found] == [
        encode_id("Account", 2),
        encode_id("Product", 1),
        encode_id("Account", 1),
    ]


async def test_unknown_and_unauthorized_representations_are_null(
    gateway: LiveServer,
) -> None:
    customer = gateway.token("customer", account_id=1)
    representations = [
        account(1),
        account(2),
        account(999_999),
        {"__typename": "Nonexistent", "id": "x"},
        {"__typename": "Partner", "id": encode_id("Partner", 1)},
        {"__typename": "Account", "uuid": "1"},
        {"__typename": "Motion", "id": "not-a-global-id"},
    ]
    body = await entities(gateway, customer, representations)

    assert "errors" not in body
    found = body["data"]["_entities"]
    assert found[0]["id"] == encode_id("Account", 1)
    assert found[1:] == [None] * 6


async def test_too_many_representations_are_refused(gateway: LiveServer) -> None:
    many = [account(1)] * (MAX_REPRESENTATIONS + 1)
    body = await entities(gateway, gateway.token("sales"), many)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "TOO_MANY_REPRESENTATIONS"
