"""Renewals: the lines, prices and approval of renewing an agreement.

A renewal's lines are the parent's active subscription entitlements; each
unit is priced at the parent's unit net raised by the requested uplift, so
no volume, partner or discount step is taken twice. Each line carries the
uplift in its own field and a discount of 0; lines written before that
field existed kept it as a negative discount percent (-3 read "3 % above
the previous net"), and are still read that way.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from viax.motion.pricing import (
    LIST,
    NET,
    ApprovalRequirement,
    PricedLines,
    price_hash,
    required_approvals,
)
from viax.motion.snapshot import (
    Channel,
    EntitlementStatus,
    Line,
    MotionSnapshot,
    PriceStep,
    Product,
    QuoteLine,
)

if TYPE_CHECKING:
    from viax.motion.model import ApprovalRules, MotionModel

UPLIFT = "UPLIFT"
WINDOW_DAYS = 90
"""How long before the agreement's end a renewal may start."""

_WHOLE = Decimal(1)
_HUNDRED = Decimal(100)


def window_opens(end_date: date) -> date:
    """The first day a renewal of an agreement ending on `end_date` may start."""
    return end_date - timedelta(days=WINDOW_DAYS)


def renewable_quantities(parent: MotionSnapshot) -> dict[int, int]:
    """Active subscription units by product; one-time products do not renew."""
    quantities: dict[int, int] = {}
    for held in parent.entitlements:
        if held.status is EntitlementStatus.ACTIVE and held.ends_on is not None:
            quantities[held.product_id] = (
                quantities.get(held.product_id, 0) + held.quantity
            )
    return quantities


def renewal_lines(parent: MotionSnapshot, uplift: Decimal) -> tuple[Line, ...]:
    """One line per renewable product, in product order, carrying the uplift."""
    quantities = sorted(renewable_quantities(parent).items())
    return tuple(
        Line(position, product_id, quantity, Decimal(0), uplift)
        for position, (product_id, quantity) in enumerate(quantities, start=1)
    )


def uplift_of(line: Line | QuoteLine) -> Decimal:
    """The uplift percent a renewal line carries, also on an older line."""
    if line.uplift_percent or line.discount_percent >= 0:
        return line.uplift_percent
    return -line.discount_percent


def previous_unit_net(parent: MotionSnapshot, product_id: int) -> int:
    """What one unit of the product cost on the parent's order."""
    ordered = [] if parent.order is None else parent.order.lines
    matching = [line for line in ordered if line.product_id == product_id]
    quantity = sum(line.quantity for line in matching)
    if quantity == 0:
        raise ValueError(f"product {product_id} is not on the parent's order")
    net = Decimal(sum(line.net for line in matching))
    return int((net / quantity).quantize(_WHOLE, ROUND_HALF_EVEN))


def price_renewal_line(line: Line, product: Product, unit_base: int) -> QuoteLine:
    """The previous net of the units, then the uplift on top of it."""
    listed = unit_base * line.quantity
    raised = int(
        (Decimal(listed) * uplift_of(line) / _HUNDRED).quantize(_WHOLE, ROUND_HALF_EVEN)
    )
    net = listed + raised
    steps = (
        PriceStep(LIST, listed, listed),
        PriceStep(UPLIFT, raised, net),
        PriceStep(NET, net, net),
    )
    unit_net = int((Decimal(net) / line.quantity).quantize(_WHOLE, ROUND_HALF_EVEN))
    return QuoteLine(
        position=line.position,
        product_id=product.id,
        sku=product.sku,
        quantity=line.quantity,
        discount_percent=line.discount_percent,
        unit_list=unit_base,
        steps=steps,
        unit_net=unit_net,
        net=net,
        uplift_percent=uplift_of(line),
    )


def price_renewal(
    lines: Sequence[Line],
    products: Mapping[int, Product],
    parent: MotionSnapshot,
    *,
    currency: str,
    term_months: int,
    model: MotionModel,
) -> PricedLines:
    """Price every renewal line from the parent's nets and total the quote."""
    priced = tuple(
        price_renewal_line(
            line,
            products[line.product_id],
            previous_unit_net(parent, line.product_id),
        )
        for line in lines
    )
    digest = price_hash(
        priced,
        currency=currency,
        term_months=term_months,
        model_name=model.name,
        model_version=model.version,
    )
    return PricedLines(
        lines=priced,
        list_total=sum(line.steps[0].amount for line in priced),
        total=sum(line.net for line in priced),
        price_hash=digest,
    )


def renewal_approvals(
    lines: Sequence[QuoteLine],
    channel: Channel,
    total: int,
    rules: ApprovalRules,
    uplift_cap: Decimal,
) -> ApprovalRequirement:
    """The policy's approvals, plus tier 2 for an uplift above the cap."""
    need = required_approvals(lines, channel, total, rules)
    highest = max((uplift_of(line) for line in lines), default=Decimal(0))
    if highest <= uplift_cap or rules.large_deal_role in need.roles:
        return need
    return ApprovalRequirement(
        (*need.roles, rules.large_deal_role),
        need.within_ceiling,
        need.highest_discount,
        need.ceiling,
    )
