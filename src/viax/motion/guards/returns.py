"""Guards of a return: what may come back, how much, and on which terms."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator

from viax.motion.guards.call import (
    GuardCall,
    GuardCode,
    Problem,
    guard,
    missing_input,
)
from viax.motion.inputs import IssueQuoteInput, StartInput
from viax.motion.returns import (
    held_by_others,
    order_products,
    return_lines,
    returnable_lines,
    units_held,
)
from viax.motion.snapshot import Line, MotionKind, MotionSnapshot, MotionState

# Units can come back only once something was fulfilled.
_HOLDING = frozenset(
    {
        MotionState.FULFILLING,
        MotionState.FULFILLED,
        MotionState.INVOICED,
        MotionState.CLOSED,
    }
)


@guard(
    "return_parent",
    GuardCode.NOT_RETURNABLE,
    "the parent motion holds fulfilled units to return",
    needs_input=True,
)
def return_parent(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(StartInput)
    if asked is None:
        yield missing_input(call)
        return
    parent = call.context.parent
    if parent is None:
        yield f"there is no motion {asked.parent_motion_id} to return from"
        return
    if parent.kind is MotionKind.RETURN:
        yield f"motion {parent.number} is a return; a return cannot be returned"
    elif parent.order is None or parent.state not in _HOLDING:
        yield f"motion {parent.number} has no fulfilled order to return from"
    if (parent.account_id, parent.channel, parent.partner_id) != (
        asked.account_id,
        asked.channel,
        asked.partner_id,
    ):
        yield "a return is for the parent's account, channel and partner"


@guard(
    "return_lines",
    GuardCode.INVALID_INPUT,
    "every return line names an order line of the parent and a quantity",
    needs_input=True,
)
def return_lines_given(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(StartInput)
    if asked is None:
        yield missing_input(call)
        return
    if asked.lines:
        yield "a return names order lines of its parent, not products"
    limits = call.model.limits
    if not limits.min_lines <= len(asked.return_lines) <= limits.max_lines:
        yield (
            f"{len(asked.return_lines)} return lines given; a return holds "
            f"{limits.min_lines} to {limits.max_lines}"
        )
    known = {} if call.context.parent is None else order_products(call.context.parent)
    for line in asked.return_lines:
        if line.order_line not in known:
            yield f"the parent's order has no line {line.order_line}"
        if not limits.min_quantity <= line.quantity <= limits.max_quantity:
            yield (
                f"quantity {line.quantity} on order line {line.order_line} is not "
                f"{limits.min_quantity} to {limits.max_quantity}"
            )


@guard(
    "return_remaining",
    GuardCode.QUANTITY_EXCEEDS_REMAINING,
    "no order line returns more than is still held: fulfilled, not returned, "
    "removed by an amendment or being returned",
    needs_input=True,
)
def return_remaining(call: GuardCall) -> Iterator[Problem]:
    asked, parent = call.input_as(StartInput), call.context.parent
    if asked is None or parent is None:
        return  # return_parent and return_lines say why
    left = returnable_lines(parent, call.context.siblings, None)
    for line in return_lines(parent, asked.return_lines):
        held = left.get(line.position)
        if held is not None and line.quantity > held.left:
            yield (
                f"quantity {line.quantity} exceeds the {held.left} units of order "
                f"line {line.position} still held: {held.fulfilled} fulfilled, "
                f"{held.returned} returned, {held.removed} removed by amendments "
                f"and {held.returning} being returned"
            )


@guard(
    "return_units_held",
    GuardCode.NOT_RETURNABLE,
    "the parent still holds the entitlements of the units to return",
)
def return_units_held(call: GuardCall) -> Iterator[Problem]:
    parent = call.context.parent
    if parent is None or parent.order is None:
        return  # return_parent says why
    lines = _lines_of(call, parent)
    if lines is None:
        return
    current = None if call.snapshot is None else call.snapshot.id
    products = order_products(parent)
    others: Counter[int] = Counter()
    for position, quantity in held_by_others(
        call.context.siblings, current, earlier=False
    ).items():
        others[products.get(position, 0)] += quantity
    mine: Counter[int] = Counter()
    for line in lines:
        mine[line.product_id] += line.quantity
    held = units_held(parent)
    for product_id, quantity in sorted(mine.items()):
        wanted = quantity + others[product_id]
        if wanted > held[product_id]:
            yield (
                f"motion {parent.number} holds {held[product_id]} active units of "
                f"product {product_id}, fewer than the {wanted} being returned"
            )


def _lines_of(call: GuardCall, parent: MotionSnapshot) -> tuple[Line, ...] | None:
    if call.snapshot is not None:
        return call.snapshot.lines
    asked = call.input_as(StartInput)
    return None if asked is None else return_lines(parent, asked.return_lines)


@guard(
    "return_term",
    GuardCode.INVALID_INPUT,
    "the term is the returned units' term",
    needs_input=True,
)
def return_term(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(IssueQuoteInput)
    if asked is None:
        yield missing_input(call)
        return
    parent = call.context.parent
    quote = None if parent is None else parent.quote
    term = None if quote is None else quote.term_months
    if asked.term_months is not None and asked.term_months != term:
        yield f"a return refunds units of their term of {term} months"
