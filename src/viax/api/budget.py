"""Per-principal cost budgets that refill over time, and their enforcement."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import AsyncIterator, Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from graphql import GraphQLError
from sqlalchemy.ext.asyncio import AsyncEngine
from strawberry.extensions import SchemaExtension

from viax.api.cost import operation_cost
from viax.api.limits import Limits, refusal
from viax.motion.snapshot import Principal
from viax.store.budgets import CostBudgets

RATE_LIMITED = "RATE_LIMITED"
# Buckets of principals idle long enough to be full again are forgotten
# first; this many are kept at most, so memory stays bounded.
MAX_PRINCIPALS = 10_000


@dataclass(slots=True)
class _Bucket:
    level: float
    at: float


@dataclass(frozen=True, slots=True)
class Charge:
    """The outcome of charging one request to a principal's budget."""

    allowed: bool
    remaining: int
    retry_after: float

    @classmethod
    def of(cls, allowed: bool, level: float, cost: int, refill: float) -> Charge:
        """The charge, from the level the budget is at after it."""
        if allowed:
            return cls(True, math.floor(level), 0.0)
        wait = (cost - level) / refill
        return cls(False, math.floor(level), math.ceil(wait * 10) / 10)


class Ledger(Protocol):
    """Where the principals' budgets are kept: in the process, or shared."""

    @property
    def budget(self) -> int:
        """What a principal may spend at most."""

    @property
    def refill_per_second(self) -> float:
        """How fast a spent budget fills again."""

    async def spend(self, key: str, cost: int) -> Charge:
        """Refill the principal's budget to now, then take `cost` if it holds."""


class CostLedger:
    """A token bucket per principal in this process, refilled continuously."""

    def __init__(
        self,
        budget: int,
        refill_per_second: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.budget = budget
        self.refill_per_second = refill_per_second
        self.clock = clock
        self._buckets: OrderedDict[str, _Bucket] = OrderedDict()

    def _bucket(self, key: str) -> _Bucket:
        now = self.clock()
        bucket = self._buckets.pop(key, None) or _Bucket(self.budget, now)
        refilled = bucket.level + (now - bucket.at) * self.refill_per_second
        bucket.level, bucket.at = min(self.budget, refilled), now
        self._buckets[key] = bucket
        while len(self._buckets) > MAX_PRINCIPALS:
            self._buckets.popitem(last=False)
        return bucket

    def remaining(self, key: str) -> int:
        """What the principal may still spend now."""
        return math.floor(self._bucket(key).level)

    def charge(self, key: str, cost: int) -> Charge:
        """Spend `cost` if the budget holds it; otherwise say when it will."""
        bucket = self._bucket(key)
        allowed = cost <= bucket.level
        if allowed:
            bucket.level -= cost
        return Charge.of(allowed, bucket.level, cost, self.refill_per_second)

    async def spend(self, key: str, cost: int) -> Charge:
        """As `charge`; the ledger protocol is asynchronous for shared ones."""
        return self.charge(key, cost)


class SharedLedger:
    """Budgets kept in the database, drawn on by every replica alike."""

    def __init__(
        self, budgets: CostBudgets, budget: int, refill_per_second: float
    ) -> None:
        self.budgets = budgets
        self.budget = budget
        self.refill_per_second = refill_per_second

    async def spend(self, key: str, cost: int) -> Charge:
        """One statement: the refill, the check and the charge at once."""
        draw = await self.budgets.draw(key, cost, self.budget, self.refill_per_second)
        return Charge.of(draw.taken, draw.level, cost, self.refill_per_second)


def ledger_for(engine: AsyncEngine, limits: Limits) -> Ledger:
    """Shared budgets on PostgreSQL (replicas); this process's on SQLite."""
    budget, refill = limits.cost_budget, limits.cost_refill_per_second
    if engine.dialect.name == "postgresql":
        return SharedLedger(CostBudgets(engine), budget, refill)
    return CostLedger(budget, refill)


def principal_key(principal: Principal) -> str:
    """Whose budget a request spends: one per token subject and party."""
    return f"{principal.subject}|{principal.partner_id}|{principal.account_id}"


class CostLimit(SchemaExtension):
    """Prices each valid operation and charges it before anything runs.

    It runs in the validation phase, so a refusal is a request error on
    every transport: over HTTP no resolver runs, over a WebSocket the
    `subscribe` message is answered with an `error` message. A request
    refused before it is priced is not charged and reports no `remaining`.
    """

    def __init__(self, limits: Limits, ledger: Ledger) -> None:
        self.limits = limits
        self.ledger = ledger
        self.report: dict[str, Any] | None = None

    async def on_validate(self) -> AsyncIterator[None]:
        context = self.execution_context
        if not context.pre_execution_errors:
            try:
                await self._admit()
            except GraphQLError as error:
                context.pre_execution_errors = [error]
        yield

    async def _admit(self) -> None:
        context = self.execution_context
        _check_lists(context.variables or {}, self.limits.max_list_items)
        assert context.graphql_document is not None
        cost = operation_cost(
            context.schema._schema,
            context.graphql_document,
            context.operation_name,
            context.variables,
            self.limits.max_page_size,
        )
        maximum = self.limits.max_query_cost
        if cost > maximum:
            self.report = self._reported(cost, None)
            raise refusal(
                f"the operation costs {cost}; at most {maximum}",
                "QUERY_TOO_COSTLY",
                cost=cost,
                limit=maximum,
            )
        principal = self.execution_context.context.principal
        charge = await self._ledger().spend(principal_key(principal), cost)
        self.report = self._reported(cost, charge.remaining)
        if not charge.allowed:
            raise refusal(
                f"the cost budget is spent; retry in {charge.retry_after} seconds",
                RATE_LIMITED,
                retryAfterSeconds=charge.retry_after,
            )

    def _ledger(self) -> Ledger:
        # The application brings the ledger it chose for its store; a bare
        # schema (a test, the command line) keeps one of its own.
        shared: Ledger | None = getattr(self.execution_context.context, "ledger", None)
        return self.ledger if shared is None else shared

    def _reported(self, cost: int, remaining: int | None) -> dict[str, Any]:
        ledger = self._ledger()
        return {
            "requested": cost,
            "maximum": self.limits.max_query_cost,
            "remaining": remaining,
            "budget": ledger.budget,
            "refillPerSecond": ledger.refill_per_second,
        }

    def get_results(self) -> dict[str, Any]:
        return {"cost": self.report or self._reported(0, None)}


def _check_lists(value: object, maximum: int) -> None:
    if isinstance(value, list):
        if len(value) > maximum:
            raise refusal(
                f"a list of {len(value)} items was sent; at most {maximum}",
                "LIST_TOO_LONG",
                limit=maximum,
            )
        items: Iterator[object] = iter(value)
    elif isinstance(value, Mapping):
        items = iter(value.values())
    else:
        return
    for item in items:
        _check_lists(item, maximum)
