"""Cost budgets in the database: one refilling bucket per principal.

Every replica on one PostgreSQL draws on the same row. A draw is a single
upsert: the row is locked while the level is refilled from the stored time
to the database's clock and the cost taken, so replicas neither race nor
depend on their own clocks.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Double, case, extract, func, literal
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.dml import ReturningInsert

from viax.store.tables import cost_budgets


@dataclass(frozen=True, slots=True)
class Draw:
    """Whether the cost was taken, and the level the budget is left at."""

    taken: bool
    level: float


class CostBudgets:
    """The principals' budgets, kept in PostgreSQL."""

    def __init__(self, engine: AsyncEngine) -> None:
        if engine.dialect.name != "postgresql":
            raise ValueError("shared cost budgets need PostgreSQL")
        # One statement is atomic on its own; a transaction around it would
        # only add two round trips to every request.
        self.engine = engine.execution_options(isolation_level="AUTOCOMMIT")

    async def draw(
        self, principal: str, cost: int, budget: int, refill_per_second: float
    ) -> Draw:
        """Refill the principal's budget to now, then take `cost` if it holds."""
        statement = _draw(principal, cost, budget, refill_per_second)
        async with self.engine.connect() as connection:
            row = (await connection.execute(statement)).one()
        return Draw(taken=row.taken, level=row.level)


def _draw(
    principal: str, cost: int, budget: int, refill_per_second: float
) -> ReturningInsert[bool, float]:
    """The upsert: a first draw inserts the row, later ones update it locked."""
    table = cost_budgets
    full, price = literal(float(budget), Double), literal(float(cost), Double)
    elapsed = extract("epoch", func.now() - table.c.refilled_at)
    refill = literal(float(refill_per_second), Double)
    refilled = func.least(full, table.c.level + elapsed * refill)
    first_taken = cost <= budget
    return (
        insert(table)
        .values(
            principal=principal,
            level=float(budget - cost if first_taken else budget),
            refilled_at=func.now(),
            taken=first_taken,
        )
        .on_conflict_do_update(
            index_elements=[table.c.principal],
            set_={
                "level": case((refilled >= price, refilled - price), else_=refilled),
                "refilled_at": func.now(),
                "taken": refilled >= price,
            },
        )
        .returning(table.c.taken, table.c.level)
    )
