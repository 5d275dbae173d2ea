"""The cost of an operation and the budget it is charged to."""

from __future__ import annotations

from graphql import parse

from viax.api.budget import CostLedger
from viax.api.cost import DEFAULT_PAGE, LIST_WEIGHT, operation_cost
from viax.api.schema import build_schema

SCHEMA = build_schema()._schema


class Clock:
    """A clock the test moves by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def cost(query: str, **variables: object) -> int:
    return operation_cost(SCHEMA, parse(query), None, variables, 100)


def test_scalars_are_free_and_objects_cost_one() -> None:
    assert cost("{ viewer { id roles } }") == 1


def test_connections_are_weighted_by_their_page_size() -> None:
    query = "query($n: Int) { products(first: $n) { edges { node { sku } } } }"

    assert cost(query, n=10) == 1 + 10 * (1 + 1)
    assert cost(query) == 1 + DEFAULT_PAGE * (1 + 1)


def test_plain_lists_count_a_typical_length() -> None:
    query = '{ motion(id: "x") { lines { product { sku } } } }'

    assert cost(query) == 1 + LIST_WEIGHT * (1 + 1)


def test_nodes_are_weighted_by_the_ids_asked_for() -> None:
    query = "query($ids: [ID!]!) { nodes(ids: $ids) { id } }"

    assert cost(query, ids=["a", "b", "c"]) == 3


def test_budget_refuses_past_its_level_and_refills_with_time() -> None:
    clock = Clock()
    ledger = CostLedger(100, refill_per_second=10, clock=clock)

    assert ledger.charge("ann", 80).allowed
    refused = ledger.charge("ann", 30)
    clock.now = 1.0
    refilled = ledger.charge("ann", 30)

    assert not refused.allowed and refused.retry_after == 1.0
    assert refilled.allowed and refilled.remaining == 0


def test_one_principal_spending_leaves_another_whole() -> None:
    ledger = CostLedger(100, refill_per_second=1, clock=Clock())
    ledger.charge("ann", 100)

    assert ledger.remaining("ann") == 0
    assert ledger.remaining("bob") == 100
