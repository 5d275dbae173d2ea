"""Per-principal cost budgets that refill over time, and their enforcement."""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from graphql import ExecutionResult, GraphQLError
from strawberry.extensions import SchemaExtension

from viax.api.cost import operation_cost
from viax.api.limits import Limits, refusal
from viax.motion.snapshot import Principal

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


class CostLedger:
    """A token bucket per principal: `budget` at most, refilled continuously."""

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
        if cost <= bucket.level:
            bucket.level -= cost
            return Charge(True, math.floor(bucket.level), 0.0)
        wait = (cost - bucket.level) / self.refill_per_second
        return Charge(False, math.floor(bucket.level), math.ceil(wait * 10) / 10)


def principal_key(principal: Principal) -> str:
    """Whose budget a request spends: one per token subject and party."""
    return f"{principal.subject}|{principal.partner_id}|{principal.account_id}"


class CostLimit(SchemaExtension):
    """Prices each operation before it runs, refuses it past the limits."""

    def __init__(self, limits: Limits, ledger: CostLedger) -> None:
        self.limits = limits
        self.ledger = ledger
        self.report: dict[str, Any] | None = None

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.result is not None:
            yield  # refused already by an earlier extension
            return
        try:
            self._admit()
        except GraphQLError as error:
            context.result = ExecutionResult(data=None, errors=[error])
        yield

    def _admit(self) -> None:
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
            self.report = self._reported(cost, self.ledger.remaining(self._key()))
            raise refusal(
                f"the operation costs {cost}; at most {maximum}",
                "QUERY_TOO_COSTLY",
                cost=cost,
                limit=maximum,
            )
        charge = self.ledger.charge(self._key(), cost)
        self.report = self._reported(cost, charge.remaining)
        if not charge.allowed:
            raise refusal(
                f"the cost budget is spent; retry in {charge.retry_after} seconds",
                "RATE_LIMITED",
                retryAfterSeconds=charge.retry_after,
            )

    def _key(self) -> str:
        return principal_key(self.execution_context.context.principal)

    def _reported(self, cost: int, remaining: int) -> dict[str, Any]:
        return {
            "requested": cost,
            "maximum": self.limits.max_query_cost,
            "remaining": remaining,
            "budget": self.ledger.budget,
            "refillPerSecond": self.ledger.refill_per_second,
        }

    def get_results(self) -> dict[str, Any]:
        report = self.report
        if report is None:
            context = self.execution_context.context
            principal = getattr(context, "principal", None)
            remaining = (
                self.ledger.budget
                if principal is None
                else self.ledger.remaining(principal_key(principal))
            )
            report = self._reported(0, remaining)
        return {"cost": report}


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
