"""Guards of an amendment: what may be amended, from when, and by how much."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from datetime import date

from viax.motion.amendment import (
    AMENDABLE,
    HOLDING,
    agreement_holders,
    latest_start_from,
    months_left,
    units_in_force,
)
from viax.motion.guards.call import (
    GuardCall,
    GuardCode,
    Problem,
    guard,
    missing_input,
)
from viax.motion.inputs import (
    FulfilInput,
    IssueQuoteInput,
    SignAgreementInput,
    StartInput,
)
from viax.motion.snapshot import Entitlement, Line, MotionSnapshot, ProductKind


def effective_date(call: GuardCall) -> date | None:
    """The amendment's effective date: its own, or the one a start asks for."""
    if call.snapshot is not None:
        return call.snapshot.effective_date
    asked = call.input_as(StartInput)
    if asked is None:
        return None
    return asked.effective_date or call.context.now.date()


@guard(
    "amendment_parent",
    GuardCode.NOT_AMENDABLE,
    "the parent motion holds a fulfilled agreement of its own",
    needs_input=True,
)
def amendment_parent(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(StartInput)
    if asked is None:
        yield missing_input(call)
        return
    parent = call.context.parent
    if parent is None:
        yield f"there is no motion {asked.parent_motion_id} to amend"
        return
    if parent.kind not in AMENDABLE:
        yield (
            f"motion {parent.number} is a change motion ({parent.kind.value}); "
            "amend the agreement it changes"
        )
    elif parent.agreement is None or parent.state not in HOLDING:
        yield f"motion {parent.number} holds no fulfilled agreement to amend"
    if (parent.account_id, parent.channel, parent.partner_id) != (
        asked.account_id,
        asked.channel,
        asked.partner_id,
    ):
        yield "an amendment is for the parent's account, channel and partner"


@guard(
    "amendment_effective_date",
    GuardCode.INVALID_INPUT,
    "the change takes effect within the agreement, a whole month before its end",
    needs_input=True,
)
def amendment_effective_date(call: GuardCall) -> Iterator[Problem]:
    effective, parent = effective_date(call), call.context.parent
    agreement = None if parent is None else parent.agreement
    if effective is None or parent is None or agreement is None:
        return  # amendment_parent says why
    if effective < call.context.now.date():
        yield f"an amendment takes effect from today on, not from {effective}"
    if effective < agreement.start_date:
        yield f"the agreement starts on {agreement.start_date}; amend it from then"
    elif months_left(parent, effective) < 1:
        yield (
            f"from {effective} no whole month remains before the agreement "
            f"ends on {agreement.end_date}"
        )


@guard(
    "amendment_changes",
    GuardCode.INVALID_INPUT,
    "each line changes one product by a non-zero number of units; a reduction "
    "takes no discount",
    needs_input=True,
)
def amendment_changes(call: GuardCall) -> Iterator[Problem]:
    lines = call.proposed_lines()
    if lines is None:
        yield missing_input(call)
        return
    highest = call.model.limits.max_quantity
    seen: set[int] = set()
    for line in lines:
        change = line.quantity
        whole = isinstance(change, int) and not isinstance(change, bool)
        if not whole or change == 0 or abs(change) > highest:
            yield (
                f"line {line.position}: a change of {change} units is not "
                f"-{highest} to {highest} and non-zero"
            )
        if line.product_id in seen:
            yield f"line {line.position}: the product is changed on another line"
        seen.add(line.product_id)
        if whole and change < 0 and line.discount_percent:
            yield (
                f"line {line.position}: a reduction is credited at the net paid "
                "for its units and takes no discount"
            )


@guard(
    "amendment_not_below_zero",
    GuardCode.QUANTITY_BELOW_ZERO,
    "no change takes more units than the agreement holds",
    needs_input=True,
)
def amendment_not_below_zero(call: GuardCall) -> Iterator[Problem]:
    lines = call.proposed_lines()
    if lines is None:
        yield missing_input(call)
        return
    yield from _reduction_problems(call, lines)


@guard(
    "motion_amendment_not_below_zero",
    GuardCode.QUANTITY_BELOW_ZERO,
    "no change of the motion takes more units than the agreement holds",
)
def motion_amendment_not_below_zero(call: GuardCall) -> Iterator[Problem]:
    lines = () if call.snapshot is None else call.snapshot.lines
    yield from _reduction_problems(call, lines)


@guard(
    "reduction_still_held",
    GuardCode.QUANTITY_BELOW_ZERO,
    "the units removed now are still held by the agreement",
    needs_input=True,
)
def reduction_still_held(call: GuardCall) -> Iterator[Problem]:
    asked, motion = call.input_as(FulfilInput), call.snapshot
    order = None if motion is None else motion.order
    if asked is None or order is None:
        return  # fulfilment_lines reports both
    by_position = {line.position: line for line in order.lines}
    removed = [
        Line(line.order_line, ordered.product_id, -line.quantity)
        for line in asked.lines
        if (ordered := by_position.get(line.order_line)) is not None
        and ordered.quantity < 0
    ]
    yield from _reduction_problems(call, removed)


def _reduction_problems(call: GuardCall, lines: Sequence[Line]) -> Iterator[Problem]:
    effective, parent = effective_date(call), call.context.parent
    if effective is None or parent is None:
        return  # amendment_parent says why
    # Units an earlier amendment added may be reduced as well as the parent's.
    current = None if call.snapshot is None else call.snapshot.id
    holders = agreement_holders(parent, call.context.siblings, current)
    entitlements = [e for holder in holders for e in holder.entitlements]
    held = units_in_force(entitlements, effective)
    for line in lines:
        if line.quantity < 0:
            yield from _reduction_problem(
                call, parent, line, (held, entitlements), effective
            )


def _reduction_problem(
    call: GuardCall,
    parent: MotionSnapshot,
    line: Line,
    agreement: tuple[dict[int, int], list[Entitlement]],
    effective: date,
) -> Iterator[Problem]:
    held, entitlements = agreement
    product = call.context.products.get(line.product_id)
    if product is None:
        return  # products_active says why
    if product.kind is ProductKind.ONE_TIME:
        yield (
            GuardCode.INVALID_INPUT,
            f"line {line.position}: {product.sku} is one-time; it cannot be reduced",
        )
        return
    units = held.get(line.product_id, 0)
    if units + line.quantity < 0:
        yield (
            f"line {line.position}: the agreement of motion {parent.number} "
            f"holds {units} {product.sku} on {effective}; a change of "
            f"{line.quantity} would leave {units + line.quantity}"
        )
    changed = latest_start_from(entitlements, line.product_id, effective)
    if changed is not None:
        yield (
            GuardCode.INVALID_INPUT,
            f"line {line.position}: the units of {product.sku} change on "
            f"{changed}; reduce them from a later day",
        )


@guard(
    "amendment_term",
    GuardCode.INVALID_INPUT,
    "the term is the whole months left of the agreement",
    needs_input=True,
)
def amendment_term(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(IssueQuoteInput)
    if asked is None:
        yield missing_input(call)
        return
    effective, parent = effective_date(call), call.context.parent
    if effective is None or parent is None:
        yield (GuardCode.NOT_AMENDABLE, "the amended agreement is not found")
        return
    months = months_left(parent, effective)
    if asked.term_months is not None and asked.term_months != months:
        yield f"an amendment runs for the {months} whole months left"


@guard(
    "amendment_start_date",
    GuardCode.INVALID_INPUT,
    "the amendment's agreement starts on its effective date",
    needs_input=True,
)
def amendment_start_date(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(SignAgreementInput)
    if asked is None:
        yield missing_input(call)
        return
    effective = effective_date(call)
    if effective is not None and asked.start_date != effective:
        yield f"the amendment takes effect on {effective}; sign it from that day"
