"""Renewals: the lines, prices and approval of renewing an agreement.

A renewal's lines are the parent's active subscription entitlements; each
unit is priced at the parent's unit net raised by the requested uplift, so
no volume, partner or discount step is taken twice. Each line carries the
uplift in its own field and a discount of 0; lines written before that
field existed kept it as a negative discount percent (-3 read "3 % above
the previous net"), and are still read that way.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from viax.motion.amendment import amendments_of, monthly_unit_net, units_in_force
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


def renewable_quantities(
    parent: MotionSnapshot, siblings: Iterable[MotionSnapshot] = ()
) -> dict[int, int]:
    """Subscription units in force on the agreement's last day, by product.

    They are the parent's own and its amendments' (among `siblings`), as
    amended by then; one-time products do not renew.
    """
    agreement = parent.agreement
    if agreement is None:
        return {}
    held = [*parent.entitlements]
    held += [e for amendment in amendments_of(siblings) for e in amendment.entitlements]
    subscriptions = [e for e in held if e.ends_on is not None]
    found = units_in_force(subscriptions, agreement.end_date)
    return {product_id: units for product_id, units in found.items() if units > 0}


def renewal_lines(
    parent: MotionSnapshot, uplift: Decimal, siblings: Iterable[MotionSnapshot] = ()
) -> tuple[Line, ...]:
    """One line per renewable product, in product order, carrying the uplift."""
    quantities = sorted(renewable_quantities(parent, siblings).items())
    return tuple(
        Line(position, product_id, quantity, Decimal(0), uplift)
        for position, (product_id, quantity) in enumerate(quantities, start=1)
    )


def uplift_of(line: Line | QuoteLine) -> Decimal:
    """The uplift percent a renewal line carries, also on an older line."""
    if line.uplift_percent or line.discount_percent >= 0:
        return line.uplift_percent
    return -line.discount_percent


def previous_unit_net(
    parent: MotionSnapshot,
    product_id: int,
    amendments: Sequence[MotionSnapshot] = (),
) -> int:
    """What one unit of the product cost for the parent's term.

    Units an amendment added renew at the parent's unit net when the parent
    ordered the product too; a product only an amendment added renews at
    that amendment's net per unit and month, over the parent's term.
    """
    ordered = [] if parent.order is None else parent.order.lines
    matching = [line for line in ordered if line.product_id == product_id]
    quantity = sum(line.quantity for line in matching if line.quantity > 0)
    if quantity > 0:
        net = Decimal(sum(line.net for line in matching if line.quantity > 0))
        return int((net / quantity).quantize(_WHOLE, ROUND_HALF_EVEN))
    term = None if parent.quote is None else parent.quote.term_months
    for amendment in amendments:
        monthly = monthly_unit_net(amendment, product_id)
        if monthly is not None and term is not None:
            return int((monthly * term).quantize(_WHOLE, ROUND_HALF_EVEN))
    raise ValueError(f"product {product_id} is not on the parent's order")


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
    amendments: Sequence[MotionSnapshot] = (),
) -> PricedLines:
    """Price every renewal line from the parent's nets and total the quote."""
    priced = tuple(
        price_renewal_line(
            line,
            products[line.product_id],
            previous_unit_net(parent, line.product_id, amendments),
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
