"""The price waterfall, the price hash and the approval policy.

Money is integer minor units; rates are exact decimals. Each deduction is
rounded half to even to the minor unit on its own, so every step of the
waterfall is a whole amount that a person can add up.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from typing import TYPE_CHECKING

from viax.motion.snapshot import (
    Channel,
    Line,
    OrderLine,
    Partner,
    PriceStep,
    Product,
    ProductKind,
    Quote,
    QuoteLine,
)

if TYPE_CHECKING:
    from viax.motion.model import ApprovalRules, MotionModel

LIST, VOLUME, PARTNER, DISCOUNT, NET = "LIST", "VOLUME", "PARTNER", "DISCOUNT", "NET"

_WHOLE = Decimal(1)
_HUNDRED = Decimal(100)


@dataclass(frozen=True, slots=True)
class PricedLines:
    """Lines priced for a quote, with their totals and price hash."""

    lines: tuple[QuoteLine, ...]
    list_total: int
    total: int
    price_hash: str


@dataclass(frozen=True, slots=True)
class ApprovalRequirement:
    """What the approval policy asks of a set of priced lines."""

    roles: tuple[str, ...]  # the approver role of each tier, in order
    within_ceiling: bool
    highest_discount: Decimal
    ceiling: Decimal


def _deduct(subtotal: int, rate: Decimal) -> int:
    return int((Decimal(subtotal) * rate).quantize(_WHOLE, ROUND_HALF_EVEN))


def price_line(
    line: Line,
    product: Product,
    *,
    currency: str,
    term_months: int,
    partner_rate: Decimal | None,
    model: MotionModel,
    tier_quantity: int | None = None,
) -> QuoteLine:
    """Run one configured line down the waterfall.

    The volume tier is that of the line's quantity unless `tier_quantity`
    names the units that decide it (an amendment's total, say).
    """
    unit_list = product.list_prices[currency]
    months = term_months if product.kind is ProductKind.SUBSCRIPTION else 1
    listed = unit_list * line.quantity * months
    steps = [PriceStep(LIST, listed, listed)]

    tiered = line.quantity if tier_quantity is None else tier_quantity
    rates = [(VOLUME, model.pricing.volume_rate(tiered))]
    if partner_rate is not None:
        rates.append((PARTNER, partner_rate))
    rates.append((DISCOUNT, line.discount_percent / _HUNDRED))
    subtotal = listed
    for step, rate in rates:
        deduction = _deduct(subtotal, rate)
        subtotal -= deduction
        steps.append(PriceStep(step, -deduction, subtotal))
    steps.append(PriceStep(NET, subtotal, subtotal))

    unit_net = int(
        (Decimal(subtotal) / line.quantity).quantize(_WHOLE, ROUND_HALF_EVEN)
    )
    return QuoteLine(
        position=line.position,
        product_id=product.id,
        sku=product.sku,
        quantity=line.quantity,
        discount_percent=line.discount_percent,
        unit_list=unit_list,
        steps=tuple(steps),
        unit_net=unit_net,
        net=subtotal,
    )


def partner_rate(
    model: MotionModel, channel: Channel, partner: Partner | None
) -> Decimal | None:
    """The partner tier rate in the PARTNER channel; None elsewhere."""
    if channel is not Channel.PARTNER or partner is None:
        return None
    return model.pricing.partner_rates.get(partner.tier, Decimal(0))


def price_lines(
    lines: Sequence[Line],
    products: Mapping[int, Product],
    *,
    currency: str,
    term_months: int,
    partner_rate: Decimal | None,
    model: MotionModel,
) -> PricedLines:
    """Price every line and total the quote."""
    priced = tuple(
        price_line(
            line,
            products[line.product_id],
            currency=currency,
            term_months=term_months,
            partner_rate=partner_rate,
            model=model,
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


def _discount_text(discount: Decimal) -> str:
    # 10, 10.0 and 10.00 are the same discount and must hash the same.
    return format(discount.normalize(), "f")


def _canonical_line(
    position: int,
    sku: str,
    quantity: int,
    discount: Decimal,
    steps: Sequence[PriceStep],
    uplift: Decimal = Decimal(0),
) -> dict[str, object]:
    canonical: dict[str, object] = {
        "position": position,
        "sku": sku,
        "quantity": quantity,
        "discount": _discount_text(discount),
        "steps": [
            {"step": s.step, "amount": s.amount, "subtotal": s.subtotal} for s in steps
        ],
    }
    # Named only when there is one, so that every hash made before lines had
    # an uplift of their own still matches.
    if uplift:
        canonical["uplift"] = _discount_text(uplift)
    return canonical


def _digest(
    lines: list[dict[str, object]],
    *,
    currency: str,
    term_months: int,
    model_name: str,
    model_version: int,
) -> str:
    document = {
        "currency": currency,
        "lines": lines,
        "model": model_name,
        "model_version": model_version,
        "term_months": term_months,
    }
    text = json.dumps(document, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def price_hash(
    lines: Sequence[QuoteLine],
    *,
    currency: str,
    term_months: int,
    model_name: str,
    model_version: int,
) -> str:
    """The sha256 of the priced lines, currency, term and model version."""
    canonical = [
        _canonical_line(
            q.position, q.sku, q.quantity, q.discount_percent, q.steps, q.uplift_percent
        )
        for q in lines
    ]
    return _digest(
        canonical,
        currency=currency,
        term_months=term_months,
        model_name=model_name,
        model_version=model_version,
    )


def order_lines(quote: Quote) -> tuple[OrderLine, ...]:
    """The order lines of an accepted quote, at its unit nets and nets."""
    return tuple(
        OrderLine(
            position=line.position,
            product_id=line.product_id,
            quantity=line.quantity,
            fulfilled_quantity=0,
            unit_net=line.unit_net,
            net=line.net,
        )
        for line in quote.lines
    )


def order_price_hash(
    lines: Sequence[OrderLine], quote: Quote, *, model_name: str, model_version: int
) -> str:
    """The price hash the order lines carry, read against the quote's waterfall.

    Each order line is matched to the quote line of its position; its own
    quantity and net take the place of the quote's, so any difference in
    what is ordered or at what price changes the hash.
    """
    quoted = {line.position: line for line in quote.lines}
    canonical = []
    for line in lines:
        source = quoted.get(line.position)
        if source is None or source.product_id != line.product_id:
            canonical.append(
                _canonical_line(line.position, "", line.quantity, Decimal(0), ())
            )
            continue
        steps = [s for s in source.steps if s.step != NET]
        steps.append(PriceStep(NET, line.net, line.net))
        canonical.append(
            _canonical_line(
                line.position,
                source.sku,
                line.quantity,
                source.discount_percent,
                steps,
                source.uplift_percent,
            )
        )
    return _digest(
        canonical,
        currency=quote.currency,
        term_months=quote.term_months,
        model_name=model_name,
        model_version=model_version,
    )


def discount_ceiling(channel: Channel, rules: ApprovalRules) -> Decimal:
    """The highest line discount percent quoting allows in a channel."""
    return rules.ceilings[channel.value]


def required_approvals(
    lines: Sequence[QuoteLine], channel: Channel, total: int, rules: ApprovalRules
) -> ApprovalRequirement:
    """The approver roles the policy asks for, in tier order."""
    highest = max((line.discount_percent for line in lines), default=Decimal(0))
    ceiling = discount_ceiling(channel, rules)
    roles: tuple[str, ...] = ()
    for band in rules.bands:
        if highest <= band.up_to:
            roles = band.roles
            break
    if total > rules.large_deal_above and rules.large_deal_role not in roles:
        roles = (*roles, rules.large_deal_role)
    return ApprovalRequirement(roles, highest <= ceiling, highest, ceiling)
