"""Amendments: changes in units to an agreement in force, co-termed to its end.

An amendment's lines are changes in units per product, negative to reduce.
Both run over the whole months that remain from the effective date to the
amended agreement's last day. Added units run down the new-business
waterfall, at the volume tier of the agreement's new total of the product.
Removed units are a credit at what the customer paid for them (price
identity): the net per unit and month of the order that bought them (the
parent's or an earlier amendment's, newest first) times the months left, with
no tier, partner rate or discount taken again. Nothing already held is
priced again.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from viax.motion.pricing import LIST, NET, PricedLines, price_hash, price_line
from viax.motion.snapshot import (
    Entitlement,
    EntitlementStatus,
    FulfilmentLine,
    Line,
    MotionKind,
    MotionSnapshot,
    MotionState,
    Order,
    PriceStep,
    Product,
    QuoteLine,
)
from viax.motion.terms import whole_months

if TYPE_CHECKING:
    from viax.motion.model import MotionModel

AMENDABLE = frozenset({MotionKind.NEW_BUSINESS, MotionKind.RENEWAL})
"""The kinds of motion that carry an agreement of their own to amend."""

HOLDING = frozenset(
    {
        MotionState.FULFILLING,
        MotionState.FULFILLED,
        MotionState.INVOICED,
        MotionState.CLOSED,
    }
)
"""A motion holds what it bought only once something was fulfilled."""

_WHOLE = Decimal(1)


def in_force(held: Entitlement, on: date) -> bool:
    """Whether an entitlement is active and covers the day `on`."""
    ends = held.ends_on is None or on <= held.ends_on
    return held.status is EntitlementStatus.ACTIVE and held.starts_on <= on and ends


def units_in_force(entitlements: Iterable[Entitlement], on: date) -> dict[int, int]:
    """Units of each product that the entitlements cover on the day `on`."""
    units: dict[int, int] = {}
    for held in entitlements:
        if in_force(held, on):
            units[held.product_id] = units.get(held.product_id, 0) + held.quantity
    return units


def amendments_of(siblings: Iterable[MotionSnapshot]) -> tuple[MotionSnapshot, ...]:
    """The amendment motions among a parent's change motions."""
    return tuple(s for s in siblings if s.kind is MotionKind.AMENDMENT)


def agreement_units(
    parent: MotionSnapshot,
    siblings: Iterable[MotionSnapshot],
    on: date,
    *,
    excluding: int | None = None,
) -> dict[int, int]:
    """Units the agreement holds on a day: the parent's and its amendments'."""
    held = [*parent.entitlements]
    for amendment in amendments_of(siblings):
        if amendment.id != excluding:
            held.extend(amendment.entitlements)
    return units_in_force(held, on)


def months_left(parent: MotionSnapshot, effective: date) -> int:
    """Whole months from the effective date to the agreement's last day."""
    if parent.agreement is None:
        return 0
    return whole_months(effective, parent.agreement.end_date)


def tier_quantity(held: int, change: int) -> int:
    """The units whose volume tier prices a change: the larger total."""
    return max(held, held + change)


def monthly_unit_net(motion: MotionSnapshot, product_id: int) -> Decimal | None:
    """What one unit of the product added by the motion's order cost a month.

    The net of the order's lines that add the product over their units and
    the quote's months; None when the motion did not order it.
    """
    order, quote = motion.order, motion.quote
    if order is None or quote is None or quote.term_months < 1:
        return None
    added = [o for o in order.lines if o.product_id == product_id and o.quantity > 0]
    units = sum(line.quantity for line in added)
    if units == 0:
        return None
    return Decimal(sum(line.net for line in added)) / (units * quote.term_months)


def price_credit_line(
    line: Line, product: Product, monthly: Decimal, months: int
) -> QuoteLine:
    """Removed units at the net paid for them over the months left.

    `monthly` is what all the removed units cost a month. LIST is that
    previous net for the months left and NET the same credit: nothing is
    deducted again, so the customer is credited exactly what was paid.
    """
    credit = -int((monthly * months).quantize(_WHOLE, ROUND_HALF_EVEN))
    steps = (PriceStep(LIST, credit, credit), PriceStep(NET, credit, credit))
    unit_net = int((Decimal(credit) / line.quantity).quantize(_WHOLE, ROUND_HALF_EVEN))
    unit_list = monthly / -line.quantity
    return QuoteLine(
        position=line.position,
        product_id=product.id,
        sku=product.sku,
        quantity=line.quantity,
        discount_percent=Decimal(0),
        unit_list=int(unit_list.quantize(_WHOLE, ROUND_HALF_EVEN)),
        steps=steps,
        unit_net=unit_net,
        net=credit,
    )


def credit_rate(
    holders: Sequence[MotionSnapshot], product_id: int, units: int, effective: date
) -> Decimal:
    """What the units a reduction removes cost a month, at the nets paid.

    The units come from the holders as `agreement_cuts` takes them, each at
    the net per unit and month of the motion that bought them.
    """
    monthly = Decimal(0)
    for cut in agreement_cuts(holders, {product_id: units}, effective):
        rate = monthly_unit_net(cut.holder, product_id)
        if rate is None:
            raise ValueError(f"motion {cut.holder.id} did not order {product_id}")
        monthly += rate * cut.taken[product_id]
    return monthly


def price_amendment(
    lines: Sequence[Line],
    products: Mapping[int, Product],
    holders: Sequence[MotionSnapshot],
    held: Mapping[int, int],
    *,
    effective: date,
    currency: str,
    months: int,
    partner_rate: Decimal | None,
    model: MotionModel,
) -> PricedLines:
    """Price every change over the months left and total the quote."""
    priced = tuple(
        price_line(
            line,
            products[line.product_id],
            currency=currency,
            term_months=months,
            partner_rate=partner_rate,
            model=model,
            tier_quantity=tier_quantity(held.get(line.product_id, 0), line.quantity),
        )
        if line.quantity > 0
        else price_credit_line(
            line,
            products[line.product_id],
            credit_rate(holders, line.product_id, -line.quantity, effective),
            months,
        )
        for line in lines
    )
    digest = price_hash(
        priced,
        currency=currency,
        term_months=months,
        model_name=model.name,
        model_version=model.version,
    )
    return PricedLines(
        lines=priced,
        list_total=sum(line.steps[0].amount for line in priced),
        total=sum(line.net for line in priced),
        price_hash=digest,
    )


def signed_fulfilment(
    lines: Iterable[FulfilmentLine], order: Order
) -> tuple[FulfilmentLine, ...]:
    """Fulfilled units carry the sign of their order line: removals count down."""
    reducing = {o.position for o in order.lines if o.quantity < 0}
    return tuple(
        replace(line, quantity=-line.quantity) if line.order_line in reducing else line
        for line in lines
    )


@dataclass(frozen=True, slots=True)
class Cut:
    """What one motion holding the agreement's units gives up from a day.

    `ended` are the positions of its entitlements that end on `ends_on`, the
    day before, `kept` what each keeps from that day on as a new
    entitlement, and `taken` the units given up by product.
    """

    holder: MotionSnapshot
    ended: tuple[int, ...]
    ends_on: date
    kept: tuple[Entitlement, ...]
    taken: Mapping[int, int]


def agreement_holders(
    parent: MotionSnapshot, siblings: Iterable[MotionSnapshot], excluding: int | None
) -> tuple[MotionSnapshot, ...]:
    """The motions whose units the agreement holds, newest first.

    The parent's amendments that hold units, the latest first, then the
    parent: a reduction takes the units added last before the older ones.
    """
    amendments = [
        amendment
        for amendment in amendments_of(siblings)
        if amendment.id != excluding and amendment.entitlements
    ]
    amendments.sort(key=lambda amendment: amendment.id, reverse=True)
    return (*amendments, parent)


def agreement_cuts(
    holders: Iterable[MotionSnapshot], cuts: Mapping[int, int], effective: date
) -> tuple[Cut, ...]:
    """How the holders give up the units of `cuts` (by product), in their order."""
    left = dict(cuts)
    found: list[Cut] = []
    for holder in holders:
        before = dict(left)
        ended, kept = _cut(holder, left, effective)
        if ended:
            taken = {p: n - left[p] for p, n in before.items() if left[p] < n}
            found.append(Cut(holder, ended, day_before(effective), kept, taken))
    return tuple(found)


def _cut(
    holder: MotionSnapshot, left: dict[int, int], effective: date
) -> tuple[tuple[int, ...], tuple[Entitlement, ...]]:
    # Takes what it can from `left`, which keeps what is still to be cut; the
    # guards make sure every entitlement cut started before the day.
    ended: list[int] = []
    kept: list[Entitlement] = []
    position = max((held.position for held in holder.entitlements), default=0)
    for held in holder.entitlements:
        wanted = left.get(held.product_id, 0)
        if wanted == 0 or not in_force(held, effective):
            continue
        taken = min(held.quantity, wanted)
        left[held.product_id] = wanted - taken
        ended.append(held.position)
        if held.quantity > taken:
            position += 1
            remainder = held.quantity - taken
            kept.append(
                replace(
                    held, position=position, quantity=remainder, starts_on=effective
                )
            )
    return tuple(ended), tuple(kept)


def latest_start_from(
    held: Iterable[Entitlement], product_id: int, effective: date
) -> date | None:
    """When units of a product last start, on or after `effective`."""
    starts = [
        entitlement.starts_on
        for entitlement in held
        if entitlement.product_id == product_id
        and entitlement.status is EntitlementStatus.ACTIVE
        and entitlement.starts_on >= effective
    ]
    return max(starts, default=None)


def day_before(effective: date) -> date:
    """The last day an entitlement cut from `effective` still runs."""
    return effective - timedelta(days=1)
