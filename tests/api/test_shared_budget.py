"""Two gateways on one PostgreSQL draw on one cost budget per principal."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.api.conftest import LiveServer
from viax.api.media import GRAPHQL_RESPONSE
from viax.settings import Settings

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
BUDGET = 100
# Each costs 1 + 20 products x (edge + node) = 41: two fit the budget, not three.
PRODUCTS = {"query": "{ products(first: 20) { edges { node { sku } } } }"}


@pytest.fixture
def replicas(seeded_url: str) -> Iterator[tuple[LiveServer, LiveServer]]:
    """Two gateways on one database, with a budget refilled very slowly."""
    settings = Settings(
        database_url=seeded_url,
        jwt_secret="a-test-secret-of-32-bytes-or-more",
        cost_budget=BUDGET,
        cost_refill_per_second=0.001,
    )
    servers = (LiveServer(settings), LiveServer(settings))
    for server in servers:
        server.start()
    yield servers
    for server in servers:
        server.stop()


async def _ask(gateway: LiveServer, partner_id: int) -> dict[str, Any]:
    token = gateway.token(
        "partner", f"user@partner-{partner_id}", partner_id=partner_id
    )
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        response = await client.post(
            "/graphql", json=PRODUCTS, headers={"Authorization": f"Bearer {token}"}
        )
    body: dict[str, Any] = response.json()
    return body


def _code(body: dict[str, Any]) -> str | None:
    errors = body.get("errors") or [{}]
    code: str | None = errors[0].get("extensions", {}).get("code")
    return code


async def test_two_replicas_drain_one_partners_budget_together(
    replicas: tuple[LiveServer, LiveServer],
) -> None:
    first, second = replicas

    answers = [
        await _ask(first, 1),
        await _ask(second, 1),
        await _ask(first, 1),
        await _ask(second, 1),
    ]
    other = await _ask(second, 2)

    assert [_code(a) for a in answers] == [None, None, "RATE_LIMITED", "RATE_LIMITED"]
    assert [a["extensions"]["cost"]["remaining"] for a in answers] == [59, 18, 18, 18]
    assert _code(other) is None
    assert other["extensions"]["cost"]["remaining"] == BUDGET - 41


async def test_each_request_draws_on_its_budget_in_one_statement(
    replicas: tuple[LiveServer, LiveServer],
) -> None:
    first, _ = replicas
    statements: list[str] = []

    def record(*args: Any) -> None:
        statements.append(args[2])

    engine = first.app.state.runtime.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        body = await _ask(first, 1)
    finally:
        event.remove(engine, "before_cursor_execute", record)

    budget = [s for s in statements if "cost_budgets" in s]
    assert _code(body) is None
    assert len(budget) == 1
    assert budget[0].startswith("INSERT INTO cost_budgets")
    assert "ON CONFLICT" in budget[0]
    assert all(s.startswith("SELECT") for s in statements if s not in budget)


async def test_a_budget_the_database_cannot_draw_on_is_an_unexpected_error(
    replicas: tuple[LiveServer, LiveServer],
    store_engine: AsyncEngine,
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, _ = replicas
    token = first.token("partner", "user@partner-1", partner_id=1)

    async def ask(accept: str) -> httpx.Response:
        async with httpx.AsyncClient(base_url=first.url, timeout=60) as client:
            return await client.post(
                "/graphql",
                json=PRODUCTS,
                headers={"Authorization": f"Bearer {token}", "Accept": accept},
            )

    async with store_engine.begin() as connection:
        await connection.execute(text("ALTER TABLE cost_budgets RENAME TO away"))
    try:
        current = await ask(GRAPHQL_RESPONSE)
        legacy = await ask("application/json")
    finally:
        async with store_engine.begin() as connection:
            await connection.execute(text("ALTER TABLE away RENAME TO cost_budgets"))

    assert (current.status_code, legacy.status_code) == (500, 200)
    for response in (current, legacy):
        (error,) = response.json()["errors"]
        assert error["message"] == "Unexpected error"
        assert error["extensions"]["code"] == "INTERNAL"
        assert "cost_budgets" not in response.text
    tracebacks = [r for r in caplog.records if r.exc_info]
    assert len(tracebacks) == 2
    assert "cost_budgets" in str(tracebacks[0].exc_info[1])
