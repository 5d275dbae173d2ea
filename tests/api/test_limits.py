"""Oversized, overdeep and overpriced requests are refused before they run."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.api.conftest import LiveServer
from tests.api.test_errors import BrokenContext
from viax.api.limits import _cached_validate
from viax.api.media import GRAPHQL_RESPONSE
from viax.api.schema import build_schema
from viax.settings import Settings


async def _post(
    gateway: LiveServer, payload: Any, role: str = "sales", **ids: int
) -> httpx.Response:
    token = gateway.token(role, f"{role}@limits", **ids)
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        return await client.post(
            "/graphql",
            json=payload,
            headers={"Authorization": f"Bearer {token}"},
        )


async def _refusal(gateway: LiveServer, query: str, **variables: Any) -> str:
    """Run a query that must be refused before any SQL; return its code."""
    counter = gateway.counter
    counter.count, counter.enabled = 0, True
    response = await _post(gateway, {"query": query, "variables": variables})
    counter.enabled = False
    body = response.json()
    assert response.status_code == 200, body
    assert body.get("data") is None, body
    (error,) = body["errors"]
    assert counter.count == 0, "a refused request reached the store"
    code: str = error["extensions"]["code"]
    return code


def _nested_history(levels: int) -> str:
    inner = "id"
    for _ in range(levels):
        inner = f"history {{ edges {{ node {{ motion {{ {inner} }} }} }} }}"
    return f"{{ motions {{ edges {{ node {{ {inner} }} }} }} }}"


async def test_depth_bomb_is_refused(gateway: LiveServer) -> None:
    assert await _refusal(gateway, _nested_history(5)) == "QUERY_TOO_DEEP"


async def test_alias_bomb_is_refused(gateway: LiveServer) -> None:
    fields = " ".join(f"v{i}: viewer {{ id }}" for i in range(101))

    assert await _refusal(gateway, f"{{ {fields} }}") == "TOO_MANY_ALIASES"


async def test_aliases_hidden_in_fragments_are_counted(gateway: LiveServer) -> None:
    fields = " ".join(f"v{i}: viewer {{ id }}" for i in range(60))
    query = f"fragment F on Query {{ {fields} }} {{ ...F a: __typename ...F }}"

    assert await _refusal(gateway, query) == "TOO_MANY_ALIASES"


async def test_token_bomb_is_refused(gateway: LiveServer) -> None:
    query = "{ viewer { " + "id " * 10_000 + "} }"

    assert await _refusal(gateway, query) == "TOO_MANY_TOKENS"


async def test_huge_page_is_refused(gateway: LiveServer) -> None:
    query = "query($n: Int) { motions(first: $n) { edges { node { id } } } }"

    assert await _refusal(gateway, query, n=100_000) == "INVALID_INPUT"
    assert await _refusal(gateway, "{ products(first: 101) { edges { cursor } } }") == (
        "INVALID_INPUT"
    )


async def test_costly_query_is_refused(gateway: LiveServer) -> None:
    pages = "(first: 100)"
    query = (
        f"{{ motions{pages} {{ edges {{ node {{ history{pages} {{ edges {{ node {{ "
        f"motion {{ history{pages} {{ edges {{ node {{ sequence }} }} }} }} "
        "} } } } } } }"
    )

    assert await _refusal(gateway, query) == "QUERY_TOO_COSTLY"


async def test_long_variable_list_is_refused(gateway: LiveServer) -> None:
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"

    code = await _refusal(gateway, query, ids=["x"] * 501)

    assert code == "LIST_TOO_LONG"


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        base64.b64encode(b"product:1").decode(),
        base64.b64encode(b"motion:" + b"9" * 40).decode(),
        base64.b64encode(b"motion:\xd9\xa1").decode(),
    ],
)
async def test_forged_cursor_is_refused_with_a_code(
    gateway: LiveServer, cursor: str
) -> None:
    response = await _post(
        gateway,
        {
            "query": "query($c: String) { motions(after: $c) { edges { cursor } } }",
            "variables": {"c": cursor},
        },
    )

    body = response.json()
    assert body["data"] is None
    assert [e["extensions"]["code"] for e in body["errors"]] == ["INVALID_INPUT"]


async def test_ten_megabyte_body_is_refused(gateway: LiveServer) -> None:
    query = "{ viewer { id } }" + " " * (10 * 1024 * 1024)

    response = await _post(gateway, {"query": query})

    assert response.status_code == 413
    assert response.json()["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


async def test_batched_request_is_refused(gateway: LiveServer) -> None:
    one = {"query": "{ viewer { id } }"}

    response = await _post(gateway, [one, one])

    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "BATCH_NOT_ALLOWED"


async def test_every_response_reports_its_cost(gateway: LiveServer) -> None:
    query = "{ products(first: 5) { edges { node { sku } } } }"

    first = (await _post(gateway, {"query": query})).json()
    second = (await _post(gateway, {"query": query})).json()
    invalid = (await _post(gateway, {"query": "{ nothing }"})).json()

    cost = first["extensions"]["cost"]
    assert cost["requested"] == 1 + 5 * (1 + 1)
    assert cost["remaining"] <= cost["budget"] - cost["requested"]
    assert second["extensions"]["cost"]["requested"] == cost["requested"]
    assert invalid["extensions"]["cost"]["requested"] == 0


@pytest.fixture
def frugal_gateway(seeded_url: str) -> Iterator[LiveServer]:
    """A gateway whose budget holds a few small queries, refilled slowly."""
    settings = Settings(
        database_url=seeded_url,
        jwt_secret="a-test-secret-of-32-bytes-or-more",
        cost_budget=100,
        cost_refill_per_second=0.001,
    )
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


async def test_partner_spending_its_budget_does_not_stop_another(
    frugal_gateway: LiveServer,
) -> None:
    query = {"query": "{ products(first: 20) { edges { node { sku } } } }"}

    async def as_partner(partner_id: int) -> dict[str, Any]:
        response = await _post(frugal_gateway, query, "partner", partner_id=partner_id)
        body: dict[str, Any] = response.json()
        return body

    spent = [await as_partner(1) for _ in range(3)]
    other = await as_partner(2)

    assert [("errors" in body) for body in spent] == [False, False, True]
    (refusal,) = spent[-1]["errors"]
    assert refusal["extensions"]["code"] == "RATE_LIMITED"
    assert refusal["extensions"]["retryAfterSeconds"] > 0
    assert spent[-1]["extensions"]["cost"]["remaining"] < 41
    assert "errors" not in other
    assert len(other["data"]["products"]["edges"]) > 0


@pytest.mark.parametrize(
    "content_type",
    ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data"],
)
async def test_post_that_is_not_json_is_refused(
    gateway: LiveServer, content_type: str
) -> None:
    token = gateway.token("sales")
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        response = await client.post(
            "/graphql",
            content=b'{"query": "mutation { __typename }"}',
            headers={"Authorization": f"Bearer {token}", "Content-Type": content_type},
        )

    assert response.status_code == 415
    assert response.json()["errors"][0]["extensions"]["code"] == (
        "UNSUPPORTED_MEDIA_TYPE"
    )


async def test_mutation_over_get_is_refused_and_query_over_get_runs(
    gateway: LiveServer,
) -> None:
    token = gateway.token("sales")
    headers = {"Authorization": f"Bearer {token}"}
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        mutation = await client.get(
            "/graphql", params={"query": "mutation { __typename }"}, headers=headers
        )
        query = await client.get(
            "/graphql", params={"query": "{ viewer { id } }"}, headers=headers
        )

    assert mutation.status_code == 405
    assert query.json()["data"] == {"viewer": {"id": "sales@test"}}


async def test_spent_budget_is_a_429_with_retry_after_in_the_graphql_response_type(
    frugal_gateway: LiveServer,
) -> None:
    token = frugal_gateway.token("partner", "pat@limits", partner_id=1)
    query = {"query": "{ products(first: 20) { edges { node { sku } } } }"}

    async def ask(accept: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=frugal_gateway.url, timeout=60) as http:
            return await http.post(
                "/graphql",
                json=query,
                headers={"Authorization": f"Bearer {token}", "Accept": accept},
            )

    spending = [await ask(GRAPHQL_RESPONSE) for _ in range(2)]
    spent = await ask(GRAPHQL_RESPONSE)
    legacy = await ask("application/json")

    assert [r.status_code for r in spending] == [200, 200]
    assert "retry-after" not in spending[0].headers
    assert spent.status_code == 429
    assert spent.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    body = spent.json()
    assert "data" not in body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert int(spent.headers["retry-after"]) >= error["extensions"]["retryAfterSeconds"]
    assert body["extensions"]["cost"]["requested"] == 41
    assert legacy.status_code == 200
    assert legacy.json()["data"] is None
    assert int(legacy.headers["retry-after"]) >= 1


async def test_a_hot_document_is_validated_once_across_requests() -> None:
    schema = build_schema()
    before = _cached_validate.cache_info()

    for _ in range(3):
        result = await schema.execute(
            "query HotDocument { __typename }", context_value=BrokenContext()
        )
        assert result.errors is None

    after = _cached_validate.cache_info()
    assert (after.misses - before.misses, after.hits - before.hits) == (1, 2)
