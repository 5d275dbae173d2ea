"""How one quote's waterfall differs from another's, product by product.

A renewal or an amendment is priced from its parent; comparing the two
quotes step by step shows where the new price comes from.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from viax.motion.pricing import NET
from viax.motion.snapshot import Quote, QuoteLine

_WHOLE = Decimal(1)


@dataclass(frozen=True, slots=True)
class StepChange:
    """One waterfall step in both quotes; None where a quote has no such step."""

    step: str
    amount: int | None
    against: int | None


@dataclass(frozen=True, slots=True)
class LineChange:
    """One product in both quotes: units, nets and each step side by side."""

    product_id: int
    sku: str
    quantity: int
    against_quantity: int
    net: int
    against_net: int
    steps: tuple[StepChange, ...]

    @property
    def change(self) -> int:
        """What this quote asks more (or less, when negative) for the product."""
        return self.net - self.against_net

    @property
    def unit_net(self) -> int:
        """Net per unit in this quote; 0 when it does not have the product."""
        return _per_unit(self.net, self.quantity)

    @property
    def against_unit_net(self) -> int:
        """Net per unit in the other quote; 0 when it does not have the product."""
        return _per_unit(self.against_net, self.against_quantity)


@dataclass(frozen=True, slots=True)
class _Merged:
    sku: str
    quantity: int
    net: int
    steps: dict[str, int]


def waterfall_diff(quote: Quote, against: Quote) -> tuple[LineChange, ...]:
    """Every product of either quote, in product order, compared step by step."""
    mine, theirs = _by_product(quote.lines), _by_product(against.lines)
    return tuple(
        _change(product_id, mine.get(product_id), theirs.get(product_id))
        for product_id in sorted(mine.keys() | theirs.keys())
    )


def _by_product(lines: Iterable[QuoteLine]) -> dict[int, _Merged]:
    merged: dict[int, _Merged] = {}
    for line in lines:
        held = merged.get(line.product_id) or _Merged(line.sku, 0, 0, {})
        steps = dict(held.steps)
        for step in line.steps:
            steps[step.step] = steps.get(step.step, 0) + step.amount
        merged[line.product_id] = _Merged(
            held.sku, held.quantity + line.quantity, held.net + line.net, steps
        )
    return merged


def _change(
    product_id: int, mine: _Merged | None, theirs: _Merged | None
) -> LineChange:
    empty = _Merged("", 0, 0, {})
    this, other = mine or empty, theirs or empty
    names = [name for name in (*other.steps, *this.steps) if name != NET]
    order = [*dict.fromkeys(names), NET]
    return LineChange(
        product_id=product_id,
        sku=this.sku or other.sku,
        quantity=this.quantity,
        against_quantity=other.quantity,
        net=this.net,
        against_net=other.net,
        steps=tuple(
            StepChange(name, this.steps.get(name), other.steps.get(name))
            for name in order
        ),
    )


def _per_unit(net: int, quantity: int) -> int:
    if quantity == 0:
        return 0
    return int((Decimal(net) / quantity).quantize(_WHOLE, ROUND_HALF_EVEN))
