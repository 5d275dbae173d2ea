"""Guards on the configured lines: limits, catalog, eligibility, ceiling.

The first group reads the lines a start or configure asks for; the second
reads the lines the motion holds, when a quote is issued from them.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal

from viax.motion.guards.call import (
    GuardCall,
    GuardCode,
    Problem,
    guard,
    missing_input,
)
from viax.motion.inputs import IssueQuoteInput
from viax.motion.pricing import discount_ceiling
from viax.motion.snapshot import Action, Line, Product

# --- the lines asked for --------------------------------------------------


@guard(
    "line_count",
    GuardCode.INVALID_INPUT,
    "the number of lines is within the limits",
    needs_input=True,
)
def line_count(call: GuardCall) -> Iterator[Problem]:
    lines = call.proposed_lines()
    if lines is None:
        yield missing_input(call)
        return
    if call.action is Action.START and not lines:
        return  # a motion may start without lines
    limits = call.model.limits
    if not limits.min_lines <= len(lines) <= limits.max_lines:
        yield (
            f"{len(lines)} lines given; a motion holds "
            f"{limits.min_lines} to {limits.max_lines}"
        )


@guard(
    "products_active",
    GuardCode.INVALID_INPUT,
    "every product exists and is active",
    needs_input=True,
)
def products_active(call: GuardCall) -> Iterator[Problem]:
    lines = call.proposed_lines()
    if lines is None:
        yield missing_input(call)
        return
    yield from _catalog_problems(call, lines)


def _catalog_problems(call: GuardCall, lines: Sequence[Line]) -> Iterator[Problem]:
    for line in lines:
        product = call.context.products.get(line.product_id)
        if product is None:
            yield f"line {line.position}: product {line.product_id} does not exist"
        elif not product.active:
            yield (
                GuardCode.PRODUCT_NOT_ELIGIBLE,
                f"line {line.position}: product {product.sku} is not active",
            )


@guard(
    "quantity_range",
    GuardCode.INVALID_INPUT,
    "every quantity is within the limits",
    needs_input=True,
)
def quantity_range(call: GuardCall) -> Iterator[Problem]:
    lines = call.proposed_lines()
    if lines is None:
        yield missing_input(call)
        return
    low, high = call.model.limits.min_quantity, call.model.limits.max_quantity
    for line in lines:
        quantity = line.quantity
        whole = isinstance(quantity, int) and not isinstance(quantity, bool)
        if not whole or not low <= quantity <= high:
            yield f"line {line.position}: quantity {quantity} is not {low} to {high}"


@guard(
    "discount_range",
    GuardCode.INVALID_INPUT,
    "every discount is within the limits",
    needs_input=True,
)
def discount_range(call: GuardCall) -> Iterator[Problem]:
    lines = call.proposed_lines()
    if lines is None:
        yield missing_input(call)
        return
    low, high = call.model.limits.min_discount, call.model.limits.max_discount
    for line in lines:
        discount = line.discount_percent
        exact = isinstance(discount, Decimal) and discount.is_finite()
        if not exact or not low <= discount <= high:
            yield (
                f"line {line.position}: discount {discount} % is not {low} to {high} %"
            )


@guard(
    "lines_eligible",
    GuardCode.PRODUCT_NOT_ELIGIBLE,
    "every product may be sold to this account through this channel",
    needs_input=True,
)
def lines_eligible(call: GuardCall) -> Iterator[Problem]:
    lines = call.proposed_lines()
    if lines is None:
        yield missing_input(call)
        return
    yield from _eligibility_problems(call, lines)


@guard(
    "prerequisites",
    GuardCode.PREREQUISITE_MISSING,
    "every add-on has its base product",
    needs_input=True,
)
def prerequisites(call: GuardCall) -> Iterator[Problem]:
    lines = call.proposed_lines()
    if lines is None:
        yield missing_input(call)
        return
    yield from _prerequisite_problems(call, lines)


# --- the lines the motion holds --------------------------------------------


@guard("has_lines", GuardCode.INVALID_INPUT, "the motion has lines")
def has_lines(call: GuardCall) -> Iterator[Problem]:
    if call.snapshot is None or not call.snapshot.lines:
        yield "the motion has no lines; configure at least one"


@guard(
    "motion_lines_eligible",
    GuardCode.PRODUCT_NOT_ELIGIBLE,
    "every line's product is active and may be sold here",
)
def motion_lines_eligible(call: GuardCall) -> Iterator[Problem]:
    lines = () if call.snapshot is None else call.snapshot.lines
    yield from _catalog_problems(call, lines)
    yield from _eligibility_problems(call, lines)


@guard(
    "motion_prerequisites",
    GuardCode.PREREQUISITE_MISSING,
    "every add-on of the motion has its base product",
)
def motion_prerequisites(call: GuardCall) -> Iterator[Problem]:
    lines = () if call.snapshot is None else call.snapshot.lines
    yield from _prerequisite_problems(call, lines)


@guard(
    "discount_ceiling",
    GuardCode.DISCOUNT_ABOVE_CEILING,
    "no discount is above the channel's ceiling",
)
def discount_ceiling_guard(call: GuardCall) -> Iterator[Problem]:
    channel = call.channel
    if call.snapshot is None or channel is None:
        return
    ceiling = discount_ceiling(channel, call.model.approval)
    for line in call.snapshot.lines:
        if line.discount_percent > ceiling:
            yield (
                f"line {line.position}: discount {line.discount_percent} % is "
                f"above the {ceiling} % ceiling of the {channel.value} channel; "
                f"lower it to {ceiling} % or less"
            )


@guard(
    "term_range",
    GuardCode.INVALID_INPUT,
    "the term is within the limits",
    needs_input=True,
)
def term_range(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(IssueQuoteInput)
    if asked is None:
        yield missing_input(call)
        return
    longest = call.model.terms.max_months
    term = asked.term_months
    if term is not None and not 1 <= term <= longest:
        yield f"a term of {term} months is not 1 to {longest}"


# --- shared checks ---------------------------------------------------------


def _eligibility_problems(call: GuardCall, lines: Sequence[Line]) -> Iterator[Problem]:
    for line in lines:
        product = call.context.products.get(line.product_id)
        if product is not None:
            for reason in _ineligibility(call, product):
                yield f"line {line.position}: product {product.sku} {reason}"


def _ineligibility(call: GuardCall, product: Product) -> Iterator[str]:
    account, partner = call.account, call.partner
    if account is not None:
        if product.regions and account.region not in product.regions:
            yield f"is not sold in region {account.region}"
        if product.segments and account.segment not in product.segments:
            yield f"is not sold to the {account.segment} segment"
    tier = None if partner is None or call.partner_id is None else partner.tier
    if tier is not None and product.partner_tiers and tier not in product.partner_tiers:
        yield f"is not sold by {tier} partners"
    currency = call.currency
    if currency is not None and currency not in product.list_prices:
        yield f"has no list price in {currency}"


def _prerequisite_problems(call: GuardCall, lines: Sequence[Line]) -> Iterator[Problem]:
    products = call.context.products
    present = {
        products[line.product_id].sku for line in lines if line.product_id in products
    }
    held = present | call.context.entitled_skus
    for line in lines:
        product = products.get(line.product_id)
        needed = None if product is None else product.prerequisite_sku
        if product is not None and needed is not None and needed not in held:
            yield (
                f"line {line.position}: {product.sku} needs {needed} in the "
                "motion or as an active entitlement of the account"
            )
