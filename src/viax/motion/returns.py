"""Returns: which units may come back, when, for how much, and what follows.

A return's lines are units of the parent's order lines; each return line
takes the position of the order line it returns, so the return's quote and
order lines name that line too. Units come back newest first: the units a
return takes are the most recently fulfilled ones that no earlier return
took, and the return window is counted from their fulfilment. The refund
of units is the part of their line's net they carry, so a line's refunds
add up to its net exactly and nothing is priced again.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from viax.motion.amendment import units_in_force
from viax.motion.decision import Effect, OrderStatusChanged, UnitsReturned
from viax.motion.inputs import ReturnLineInput
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
    MotionKind,
    MotionSnapshot,
    MotionState,
    OrderLine,
    OrderStatus,
    PriceStep,
    Product,
    QuoteLine,
    ReturnedLine,
)

if TYPE_CHECKING:
    from viax.motion.model import ApprovalRules, MotionModel

WINDOW_DAYS = 30
"""How long after fulfilment units come back without tier 2."""

# A return in one of these states still holds the units it asks for.
IN_FLIGHT = frozenset(
    {
        MotionState.DRAFT,
        MotionState.PENDING_APPROVAL,
        MotionState.QUOTED,
        MotionState.ACCEPTED,
        MotionState.ORDERED,
        MotionState.FULFILLING,
    }
)

_WHOLE = Decimal(1)


def return_lines(
    parent: MotionSnapshot, asked: Iterable[ReturnLineInput]
) -> tuple[Line, ...]:
    """One line per order line asked for, at its position, in order."""
    products = {} if parent.order is None else order_products(parent)
    wanted: Counter[int] = Counter()
    for line in asked:
        wanted[line.order_line] += line.quantity
    return tuple(
        Line(position, products[position], quantity)
        for position, quantity in sorted(wanted.items())
        if position in products
    )


def order_products(parent: MotionSnapshot) -> dict[int, int]:
    """The product of each of the parent's order lines, by position."""
    lines = () if parent.order is None else parent.order.lines
    return {line.position: line.product_id for line in lines}


def held_by_others(
    siblings: Iterable[MotionSnapshot], current: int | None, *, earlier: bool
) -> Counter[int]:
    """Units by order line that other returns in flight hold.

    With `earlier`, only those started before the current return count (all
    of them when it has not started).
    """
    held: Counter[int] = Counter()
    for sibling in siblings:
        if sibling.kind is not MotionKind.RETURN or sibling.state not in IN_FLIGHT:
            continue
        if sibling.id == current or (
            earlier and current is not None and sibling.id > current
        ):
            continue
        for line in sibling.lines:
            held[line.position] += line.quantity
    return held


@dataclass(frozen=True, slots=True)
class Returnable:
    """What an order line still holds to return, and what took the rest."""

    fulfilled: int
    returned: int
    removed: int  # by fulfilled amendments of the agreement
    returning: int  # held by other returns under way

    @property
    def left(self) -> int:
        """The units that may still come back."""
        return self.fulfilled - self.returned - self.removed - self.returning


def removed_by_amendments(parent: MotionSnapshot) -> Counter[int]:
    """Units of each product that amendments took off the parent, by product.

    What was fulfilled and not returned, less what the parent holds from its
    last change on. They count once the amendment is fulfilled, whenever it
    takes effect: it credited them, so they are no longer the customer's to
    return.
    """
    kept: Counter[int] = Counter()
    for line in () if parent.order is None else parent.order.lines:
        kept[line.product_id] += line.fulfilled_quantity - line.returned_quantity
    held = units_held(parent)
    return Counter({p: units - held[p] for p, units in kept.items() if units > held[p]})


def returnable_lines(
    parent: MotionSnapshot, siblings: Iterable[MotionSnapshot], current: int | None
) -> dict[int, Returnable]:
    """What each order line holds to return, by position.

    Units amendments removed are taken from the product's order lines, the
    last line first, after what came back or other returns hold.
    """
    siblings = tuple(siblings)
    lines = () if parent.order is None else parent.order.lines
    held = held_by_others(siblings, current, earlier=False)
    removed = removed_by_amendments(parent)
    found: dict[int, Returnable] = {}
    for line in sorted(lines, key=lambda o: o.position, reverse=True):
        before = Returnable(
            line.fulfilled_quantity, line.returned_quantity, 0, held[line.position]
        )
        taken = max(0, min(before.left, removed[line.product_id]))
        removed[line.product_id] -= taken
        found[line.position] = replace(before, removed=taken)
    return dict(sorted(found.items()))


def returnable(
    parent: MotionSnapshot, siblings: Iterable[MotionSnapshot], current: int | None
) -> dict[int, int]:
    """Units of each order line that may still be returned."""
    found = returnable_lines(parent, siblings, current)
    return {position: line.left for position, line in found.items()}


def taken_before(
    parent: MotionSnapshot, siblings: Iterable[MotionSnapshot], current: int | None
) -> Counter[int]:
    """Units of each order line that came back or earlier returns hold."""
    taken = held_by_others(siblings, current, earlier=True)
    for line in () if parent.order is None else parent.order.lines:
        taken[line.position] += line.returned_quantity
    return taken


def fulfilled_at(
    parent: MotionSnapshot, order_line: int, *, skip: int, take: int
) -> datetime | None:
    """When the oldest of the units a return takes was fulfilled.

    Units are taken newest first, after the `skip` newest ones.
    """
    deliveries = [
        (fulfilment.at, line.quantity)
        for fulfilment in parent.fulfilments
        for line in fulfilment.lines
        if line.order_line == order_line
    ]
    found = None
    for at, quantity in sorted(deliveries, key=lambda d: d[0], reverse=True):
        if take <= 0:
            break
        used = max(0, min(quantity - skip, take))
        skip = max(0, skip - quantity)
        if used:
            found, take = at, take - used
    return found


def late_lines(
    parent: MotionSnapshot,
    lines: Iterable[Line],
    siblings: Iterable[MotionSnapshot],
    current: int | None,
    now: datetime,
) -> tuple[int, ...]:
    """Positions of the lines whose units were fulfilled before the window."""
    before = taken_before(parent, siblings, current)
    opened = now - timedelta(days=WINDOW_DAYS)
    late = []
    for line in lines:
        at = fulfilled_at(
            parent, line.position, skip=before[line.position], take=line.quantity
        )
        if at is None or at < opened:
            late.append(line.position)
    return tuple(late)


def refund(ordered: OrderLine, before: int, quantity: int) -> int:
    """The part of the line's net carried by `quantity` units after `before`."""

    def share(units: int) -> int:
        exact = Decimal(ordered.net) * units / ordered.quantity
        return int(exact.quantize(_WHOLE, ROUND_HALF_EVEN))

    return share(before + quantity) - share(before)


def price_return_line(
    line: Line, product: Product, ordered: OrderLine, before: int
) -> QuoteLine:
    """The original net of the units as LIST and as NET: nothing between."""
    amount = refund(ordered, before, line.quantity)
    steps = (PriceStep(LIST, amount, amount), PriceStep(NET, amount, amount))
    unit = int((Decimal(amount) / line.quantity).quantize(_WHOLE, ROUND_HALF_EVEN))
    return QuoteLine(
        position=line.position,
        product_id=product.id,
        sku=product.sku,
        quantity=line.quantity,
        discount_percent=Decimal(0),
        unit_list=ordered.unit_net,
        steps=steps,
        unit_net=unit,
        net=amount,
    )


def price_return(
    lines: Sequence[Line],
    products: Mapping[int, Product],
    parent: MotionSnapshot,
    before: Mapping[int, int],
    *,
    currency: str,
    term_months: int,
    model: MotionModel,
) -> PricedLines:
    """Price every return line from the parent's order and total the refund."""
    ordered = (
        {} if parent.order is None else {o.position: o for o in parent.order.lines}
    )
    priced = tuple(
        price_return_line(
            line,
            products[line.product_id],
            ordered[line.position],
            before.get(line.position, 0),
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
    total = sum(line.net for line in priced)
    return PricedLines(lines=priced, list_total=total, total=total, price_hash=digest)


def return_approvals(
    lines: Sequence[QuoteLine],
    channel: Channel,
    total: int,
    rules: ApprovalRules,
    *,
    late: bool,
) -> ApprovalRequirement:
    """The policy's approvals, plus tier 2 for units past the window."""
    need = required_approvals(lines, channel, total, rules)
    if not late or rules.large_deal_role in need.roles:
        return need
    return ApprovalRequirement(
        (*need.roles, rules.large_deal_role),
        need.within_ceiling,
        need.highest_discount,
        need.ceiling,
    )


def order_status(lines: Sequence[OrderLine]) -> OrderStatus:
    """An order's status from its lines: returns first, then fulfilment."""
    ordered = sum(line.quantity for line in lines)
    returned = sum(line.returned_quantity for line in lines)
    if returned and returned >= ordered:
        return OrderStatus.RETURNED
    if returned:
        return OrderStatus.PARTIALLY_RETURNED
    # An amendment's reduction line counts down to its negative quantity.
    if all(abs(line.fulfilled_quantity) >= abs(line.quantity) for line in lines):
        return OrderStatus.FULFILLED
    return OrderStatus.PARTIALLY_FULFILLED


def units_held(parent: MotionSnapshot) -> Counter[int]:
    """Active units of the parent by product, from their last change on.

    An amendment's reduction ends entitlements the day before it takes
    effect and keeps the rest from that day, so the active units in force on
    the latest start of the product (revoked ones too mark a start) are the
    ones still held.
    """
    held: Counter[int] = Counter()
    for product_id in {e.product_id for e in parent.entitlements}:
        same = [e for e in parent.entitlements if e.product_id == product_id]
        latest = max(e.starts_on for e in same)
        held[product_id] = units_in_force(same, latest).get(product_id, 0)
    return held


def received_back(
    parent: MotionSnapshot, received: Sequence[OrderLine]
) -> tuple[Effect, ...]:
    """What the return's order lines coming back change on the parent's order."""
    order = parent.order
    if order is None:
        return ()
    back = {line.position: line.quantity for line in received}
    lines = [
        ReturnedLine(position, quantity) for position, quantity in sorted(back.items())
    ]
    after = [
        OrderLine(
            o.position,
            o.product_id,
            o.quantity,
            o.fulfilled_quantity,
            o.unit_net,
            o.net,
            o.returned_quantity + back.get(o.position, 0),
        )
        for o in order.lines
    ]
    effects: list[Effect] = [UnitsReturned(tuple(lines))]
    status = order_status(after)
    if status is not order.status:
        effects.append(OrderStatusChanged(status))
    return tuple(effects)
