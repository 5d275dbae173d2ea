"""What the actions from agreement to cash change: order, fulfilment, billing."""

from __future__ import annotations

import calendar
from dataclasses import replace
from datetime import date, timedelta

from viax.motion.decision import (
    AgreementSigned,
    CancelInput,
    Effect,
    EntitlementsGranted,
    FulfilInput,
    FulfilmentRecorded,
    InvoiceInput,
    InvoiceRecorded,
    OrderPlaced,
    OrderStatusChanged,
    PaymentInput,
    PaymentRecorded,
    SignAgreementInput,
)
from viax.motion.guards import GuardCall
from viax.motion.outcome import Outcome, input_of, motion_of, need
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


def agreement_end(start: date, term_months: int) -> date:
    """The last day of a term: the same day `term_months` later, less one.

    A day the later month lacks is clamped to its last day, so a term that
    starts on 31 January ends on the day before the last day of the month.
    """
    index = start.month - 1 + term_months
    year, month = start.year + index // 12, index % 12 + 1
    day = min(start.day, calendar.monthrange(year, month)[1])
    return date(year, month, day) - timedelta(days=1)


def sign_agreement(call: GuardCall) -> Outcome:
    """The agreement on the accepted quote's term, from the start date."""
    motion = motion_of(call)
    asked = input_of(call, SignAgreementInput)
    quote = need(motion.quote, "quote")
    terms = call.model.agreement
    agreement = Agreement(
        number=f"A-{motion.id:06d}",
        start_date=asked.start_date,
        end_date=agreement_end(asked.start_date, quote.term_months),
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
    lines = _fulfilment_lines(input_of(call, FulfilInput))
    now = call.context.now
    fulfilment = Fulfilment(len(motion.fulfilments) + 1, now, call.actor.subject, lines)
    done = {line.order_line: line.quantity for line in lines}
    after = [
        replace(o, fulfilled_quantity=o.fulfilled_quantity + done.get(o.position, 0))
        for o in order.lines
    ]
    complete = all(o.fulfilled_quantity >= o.quantity for o in after)
    effects: list[Effect] = [FulfilmentRecorded(fulfilment)]
    # Units received back grant nothing; their parent loses them instead.
    if motion.kind is not MotionKind.RETURN:
        granted = tuple(
            _entitlement(call, motion, line, len(motion.entitlements) + index)
            for index, line in enumerate(lines, start=1)
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
    if product.kind is ProductKind.SUBSCRIPTION:
        ends_on = need(motion.agreement, "agreement").end_date
    starts_on = call.context.now.date()
    if motion.kind is MotionKind.RENEWAL:
        # Renewed units run on from the day the renewed agreement ends.
        starts_on = max(starts_on, need(motion.agreement, "agreement").start_date)
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
    invoice = Invoice(asked.invoice_number, asked.amount, call.context.now.date())
    return Outcome((InvoiceRecorded(invoice),), MotionState.INVOICED)


def record_payment(call: GuardCall) -> Outcome:
    """The payment, which closes the motion."""
    asked = input_of(call, PaymentInput)
    payment = Payment(asked.payment_reference, asked.amount, call.context.now.date())
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
