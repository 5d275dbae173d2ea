"""What the actions from agreement to cash change: order, fulfilment, billing."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from viax.motion.amendment import signed_fulfilment
from viax.motion.decision import (
    AgreementSigned,
    Effect,
    EntitlementsGranted,
    FulfilmentRecorded,
    InvoiceRecorded,
    OrderPlaced,
    OrderStatusChanged,
    PaymentRecorded,
)
from viax.motion.guards import GuardCall
from viax.motion.inputs import (
    CancelInput,
    FulfilInput,
    InvoiceInput,
    PaymentInput,
    SignAgreementInput,
)
from viax.motion.outcome import Outcome, input_of, motion_of, need, parent_of
from viax.motion.pricing import order_lines, order_price_hash
from viax.motion.returns import order_status
from viax.motion.snapshot import (
    Agreement,
    Entitlement,
    Fulfilment,
    FulfilmentLine,
    Invoice,
    MotionKind,
    MotionSnapshot,
    MotionState,
    Order,
    OrderStatus,
    Payment,
    ProductKind,
)
from viax.motion.terms import agreement_end


def _agreement_end(call: GuardCall, start: date, term_months: int) -> date:
    if motion_of(call).kind is MotionKind.AMENDMENT:
        # Co-termed: an amendment ends with the agreement it amends.
        return need(parent_of(call).agreement, "parent agreement").end_date
    return agreement_end(start, term_months)


def sign_agreement(call: GuardCall) -> Outcome:
    """The agreement on the accepted quote's term, from the start date."""
    motion = motion_of(call)
    asked = input_of(call, SignAgreementInput)
    quote = need(motion.quote, "quote")
    terms = call.model.agreement
    agreement = Agreement(
        number=f"A-{motion.id:06d}",
        start_date=asked.start_date,
        end_date=_agreement_end(call, asked.start_date, quote.term_months),
        signed_by=asked.signed_by,
        signed_at=call.context.now,
        payment_days=terms.payment_days,
        uplift_cap_percent=terms.uplift_cap_percent,
    )
    return Outcome((AgreementSigned(agreement),), MotionState.AGREED)


def place_order(call: GuardCall) -> Outcome:
    """The order at the accepted quote's unit prices and nets."""
    motion = motion_of(call)
    quote = need(motion.quote, "quote")
    lines = order_lines(quote)
    digest = order_price_hash(
        lines, quote, model_name=call.model.name, model_version=call.model.version
    )
    order = Order(
        number=f"O-{motion.id:06d}",
        status=OrderStatus.OPEN,
        placed_at=call.context.now,
        total=quote.total,
        price_hash=digest,
        lines=lines,
    )
    return Outcome((OrderPlaced(order),), MotionState.ORDERED)


def _fulfilment_lines(given: FulfilInput) -> tuple[FulfilmentLine, ...]:
    # Two entries for one order line count as one fulfilment of their sum.
    merged: dict[int, int] = {}
    for line in given.lines:
        merged[line.order_line] = merged.get(line.order_line, 0) + line.quantity
    return tuple(FulfilmentLine(position, qty) for position, qty in merged.items())


def fulfil(call: GuardCall) -> Outcome:
    """A fulfilment, its entitlements (none for a return) and the status."""
    motion = motion_of(call)
    order = need(motion.order, "order")
    lines = signed_fulfilment(_fulfilment_lines(input_of(call, FulfilInput)), order)
    now = call.context.now
    fulfilment = Fulfilment(len(motion.fulfilments) + 1, now, call.actor.subject, lines)
    done = {line.order_line: line.quantity for line in lines}
    after = [
        replace(o, fulfilled_quantity=o.fulfilled_quantity + done.get(o.position, 0))
        for o in order.lines
    ]
    # An amendment's reduction line counts down to its negative quantity.
    complete = all(abs(o.fulfilled_quantity) >= abs(o.quantity) for o in after)
    effects: list[Effect] = [FulfilmentRecorded(fulfilment)]
    # Units received back grant nothing; their parent loses them instead.
    # Units an amendment removes are given up by its parent, not granted.
    if motion.kind is not MotionKind.RETURN:
        adding = [line for line in lines if line.quantity > 0]
        granted = tuple(
            _entitlement(call, motion, line, len(motion.entitlements) + index)
            for index, line in enumerate(adding, start=1)
        )
        effects.append(EntitlementsGranted(granted))
    effects.append(OrderStatusChanged(order_status(after)))
    state = MotionState.FULFILLED if complete else MotionState.FULFILLING
    return Outcome(tuple(effects), state)


def _entitlement(
    call: GuardCall, motion: MotionSnapshot, line: FulfilmentLine, position: int
) -> Entitlement:
    order = need(motion.order, "order")
    ordered = next(o for o in order.lines if o.position == line.order_line)
    product = need(call.context.products.get(ordered.product_id), "product")
    ends_on = None
    starts_on = call.context.now.date()
    if product.kind is ProductKind.SUBSCRIPTION:
        agreement = need(motion.agreement, "agreement")
        ends_on = agreement.end_date
        # A subscription delivered early runs from its agreement's start, so
        # a renewal's units run on from the day the renewed agreement ends.
        starts_on = max(starts_on, agreement.start_date)
    if motion.kind is MotionKind.AMENDMENT:
        starts_on = need(motion.effective_date, "effective date")
    return Entitlement(
        position=position,
        product_id=ordered.product_id,
        quantity=line.quantity,
        starts_on=starts_on,
        ends_on=ends_on,
    )


def record_invoice(call: GuardCall) -> Outcome:
    """The invoice the system of record issued."""
    asked = input_of(call, InvoiceInput)
    amount = need(asked.amount, "exact amount")
    invoice = Invoice(asked.invoice_number, amount, call.context.now.date())
    return Outcome((InvoiceRecorded(invoice),), MotionState.INVOICED)


def record_payment(call: GuardCall) -> Outcome:
    """The payment, which closes the motion."""
    asked = input_of(call, PaymentInput)
    amount = need(asked.amount, "exact amount")
    payment = Payment(asked.payment_reference, amount, call.context.now.date())
    return Outcome((PaymentRecorded(payment),), MotionState.CLOSED)


def cancel(call: GuardCall) -> Outcome:
    """The motion cancelled, and its order with it."""
    input_of(call, CancelInput)
    order = motion_of(call).order
    effects = () if order is None else (OrderStatusChanged(OrderStatus.CANCELLED),)
    return Outcome(effects, MotionState.CANCELLED)


def expire(call: GuardCall) -> Outcome:
    """The quote lapsed; nothing else changes."""
    motion_of(call)
    return Outcome((), MotionState.EXPIRED)
