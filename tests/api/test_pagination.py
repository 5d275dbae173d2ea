"""Relay connections page forward and backward, within bounds."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.conftest import LiveServer

PAGE = """
query($first: Int, $after: String, $last: Int, $before: String) {
  motions(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { number } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}
"""


async def motions(server: LiveServer, **variables: Any) -> dict[str, Any]:
    async with httpx.AsyncClient(base_url=server.url, timeout=60) as client:
        response = await client.post(
            "/graphql",
            json={"query": PAGE, "variables": variables},
            headers={"Authorization": f"Bearer {server.token('sales')}"},
        )
    body: dict[str, Any] = response.json()
    return body


def numbers(body: dict[str, Any]) -> list[str]:
    return [e["node"]["number"] for e in body["data"]["motions"]["edges"]]


async def test_pages_forward_then_back_over_the_same_motions(
    busy_gateway: LiveServer,
) -> None:
    first = await motions(busy_gateway, first=10)
    cursor = first["data"]["motions"]["pageInfo"]["endCursor"]
    second = await motions(busy_gateway, first=10, after=cursor)
    start = second["data"]["motions"]["pageInfo"]["startCursor"]
    back = await motions(busy_gateway, last=4, before=start)

    assert len(set(numbers(first) + numbers(second))) == 20
    assert numbers(first) == sorted(numbers(first), reverse=True)
    assert numbers(back) == numbers(first)[-4:]
    info = back["data"]["motions"]["pageInfo"]
    assert (info["hasPreviousPage"], info["hasNextPage"]) == (True, True)
    assert second["data"]["motions"]["pageInfo"]["hasPreviousPage"] is True


async def test_out_of_bounds_pages_and_forged_cursors_are_refused(
    busy_gateway: LiveServer,
) -> None:
    huge = await motions(busy_gateway, first=100000)
    both = await motions(busy_gateway, first=2, last=2)
    forged = await motions(busy_gateway, first=2, after="bm90LWEtY3Vyc29y")
    foreign = await motions(busy_gateway, first=2, after="cHJvZHVjdDox")

    for body in (huge, both, forged, foreign):
        assert body["data"] is None
        assert body["errors"][0]["extensions"]["code"] == "INVALID_INPUT"
