"""A `subscribe` message meets the same limits and budget as a query."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from gql.transport.exceptions import TransportQueryError
from graphql import parse

from tests.api.conftest import SEED_TIME, LiveServer
from tests.api.live import subscribed, subscriber, take
from tests.api.test_audience import PARTNER, approved_partner_motion
from viax.api.cost import operation_cost
from viax.api.schema import build_schema
from viax.seed import seed
from viax.settings import Settings
from viax.store.transitions import Store

pytestmark = pytest.mark.timeout(60)

HISTORY = "history(first: 100) { edges { node { motion { history(first: 100) "
HISTORY += "{ edges { node { sequence } } } } } } }"


def _nested(levels: int) -> str:
    inner = "sequence"
    for _ in range(levels):
        inner = f"motion {{ history {{ edges {{ node {{ {inner} }} }} }} }}"
    return f"subscription {{ motionEvents {{ {inner} }} }}"


def _aliased(count: int, field: str) -> str:
    fields = " ".join(f"a{i}: {field}" for i in range(count))
    return f"subscription {{ motionEvents {{ {fields} }} }}"


REFUSED = {
    "depth": (_nested(3), {}, "QUERY_TOO_DEEP"),
    "aliases": (_aliased(101, "sequence"), {}, "TOO_MANY_ALIASES"),
    "tokens": (_aliased(1, "sequence " * 5_000), {}, "TOO_MANY_TOKENS"),
    "page size": (
        "subscription { motionEvents { motion { history(first: 101) "
        "{ edges { cursor } } } } }",
        {},
        "INVALID_INPUT",
    ),
    "cost": (
        "subscription { motionEvents { motion { "
        + " ".join(f"h{i}: {HISTORY}" for i in range(5))
        + " } } }",
        {},
        "QUERY_TOO_COSTLY",
    ),
    "list items": (
        "query($ids: [ID!]!) { nodes(ids: $ids) { id } }",
        {"ids": ["x"] * 501},
        "LIST_TOO_LONG",
    ),
    "validation": ("subscription { motionEvents { nothing } }", {}, "BAD_REQUEST"),
}


@pytest.mark.parametrize("case", list(REFUSED))
async def test_a_subscription_past_a_limit_is_refused_before_it_runs(
    gateway: LiveServer, case: str
) -> None:
    document, variables, code = REFUSED[case]
    counter = gateway.counter
    async with subscriber(gateway, gateway.token("partner", partner_id=1)) as live:
        counter.count, counter.enabled = 0, True
        with pytest.raises(TransportQueryError) as refused:
            await take(live, document, 1, **variables)
        counter.enabled = False

    assert refused.value.errors is not None
    (error,) = refused.value.errors
    assert error["extensions"]["code"] == code
    assert counter.count == 0, "a refused subscription reached the store"
    assert gateway.app.state.runtime.feed.subscribers == 0


# Every event delivers one motion with its lines and its quote's lines.
PRICED = (
    "subscription($after: Int) { motionEvents(afterSequence: $after) { sequence "
    "motion { lines { product { sku } } quote { lines { product { sku } } } } } }"
)
PRICED_COST = operation_cost(build_schema()._schema, parse(PRICED), None, {}, 100)
BUDGET = 60


@pytest.fixture
async def priced_url(store: Store, store_url: str) -> str:
    """The demo data and one partner motion: three events to replay."""
    await seed(store, motions=0, now=SEED_TIME)
    await approved_partner_motion(store)
    return store_url


@pytest.fixture
def frugal_gateway(priced_url: str) -> Iterator[LiveServer]:
    """A budget that holds one priced subscription, refilled very slowly."""
    assert PRICED_COST <= BUDGET < 2 * PRICED_COST
    settings = Settings(
        database_url=priced_url,
        jwt_secret="a-test-secret-of-32-bytes-or-more",
        cost_budget=BUDGET,
        cost_refill_per_second=0.001,
    )
    server = LiveServer(settings)
    server.start()
    yield server
    server.stop()


async def _remaining(gateway: LiveServer, token: str) -> int:
    async with httpx.AsyncClient(base_url=gateway.url, timeout=60) as client:
        response = await client.post(
            "/graphql",
            json={"query": "{ viewer { id } }"},
            headers={"Authorization": f"Bearer {token}"},
        )
    remaining: int = response.json()["extensions"]["cost"]["remaining"]
    return remaining


async def test_a_subscription_is_charged_once_at_subscribe_not_per_event(
    frugal_gateway: LiveServer,
) -> None:
    gateway = frugal_gateway
    mine = gateway.token("partner", "ann@partner", partner_id=PARTNER)
    async with subscriber(gateway, mine) as live:
        events = await take(live, PRICED, 3, after=0)
    remaining = await _remaining(gateway, mine)
    async with subscriber(gateway, mine) as live:
        with pytest.raises(TransportQueryError) as refused:
            await take(live, PRICED, 1, after=0)

    assert [e["sequence"] for e in events] == [1, 2, 3]
    assert remaining == BUDGET - PRICED_COST - 1
    assert refused.value.errors is not None
    (error,) = refused.value.errors
    assert error["extensions"]["code"] == "RATE_LIMITED"
    assert error["extensions"]["retryAfterSeconds"] > 0


async def test_a_spent_partner_does_not_stop_another_partners_subscription(
    frugal_gateway: LiveServer,
) -> None:
    gateway = frugal_gateway
    spent = gateway.token("partner", "ann@partner", partner_id=PARTNER)
    other = gateway.token("partner", "bob@other", partner_id=2)
    async with subscriber(gateway, spent) as live:
        await take(live, PRICED, 1, after=0)
        with pytest.raises(TransportQueryError):
            await take(live, PRICED, 1, after=0)
    async with subscriber(gateway, other) as live:
        # The other partner sees none of these events: it waits, subscribed.
        waiting: asyncio.Task[Any] = asyncio.create_task(take(live, PRICED, 1, after=0))
        await subscribed(gateway, 1)
        assert not waiting.done()
        waiting.cancel()
