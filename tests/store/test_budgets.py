"""Cost budgets in PostgreSQL: one atomic draw, refilled by the database clock.

Only PostgreSQL keeps budgets in the store; a SQLite gateway is one process
and keeps them in memory (tests/api/test_budget.py).
"""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from viax.store.budgets import CostBudgets

pytestmark = pytest.mark.parametrize("backend", ["postgresql"], indirect=True)
# Slow enough that nothing refills noticeably while a test runs.
STILL = 0.000_001


async def test_concurrent_draws_never_spend_more_than_the_budget(
    store_engine: AsyncEngine,
) -> None:
    budgets = CostBudgets(store_engine)

    draws = await asyncio.gather(
        *(budgets.draw("ann|1|None", 10, 100, STILL) for _ in range(25))
    )

    assert sum(d.taken for d in draws) == 10
    assert min(d.level for d in draws) < 10


async def test_a_budget_refills_from_its_stored_time(
    store_engine: AsyncEngine,
) -> None:
    budgets = CostBudgets(store_engine)
    emptied = await budgets.draw("ann|1|None", 100, 100, 5.0)
    async with store_engine.begin() as connection:
        await connection.execute(
            text("UPDATE cost_budgets SET refilled_at = now() - interval '4 seconds'")
        )

    refilled = await budgets.draw("ann|1|None", 15, 100, 5.0)
    refused = await budgets.draw("ann|1|None", 50, 100, 5.0)

    assert (emptied.taken, emptied.level) == (True, 0.0)
    assert refilled.taken and 5.0 <= refilled.level < 6.0
    assert not refused.taken and 5.0 <= refused.level < 6.0


async def test_one_principals_draws_leave_another_whole(
    store_engine: AsyncEngine,
) -> None:
    budgets = CostBudgets(store_engine)
    await budgets.draw("ann|1|None", 100, 100, STILL)

    other = await budgets.draw("bob|2|None", 60, 100, STILL)

    assert other.taken
    assert other.level == pytest.approx(40.0)


async def test_budgets_are_kept_in_an_unlogged_table(store_engine: AsyncEngine) -> None:
    async with store_engine.connect() as connection:
        persistence = await connection.scalar(
            text(
                "SELECT relpersistence::text FROM pg_class "
                "WHERE oid = to_regclass('cost_budgets')"
            )
        )

    assert persistence == "u"
