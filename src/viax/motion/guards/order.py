"""Guards from agreement to cash: signing, the order, fulfilment, billing."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from datetime import date

from viax.motion.guards.call import (
    GuardCall,
    GuardCode,
    Problem,
    guard,
    missing_input,
    money,
)
from viax.motion.inputs import (
    FulfilInput,
    InvoiceInput,
    PaymentInput,
    SignAgreementInput,
)
from viax.motion.pricing import order_lines, order_price_hash
from viax.motion.snapshot import Order, Quote, QuoteStatus


def accepted_quote(call: GuardCall) -> Quote | None:
    """The motion's quote once it is accepted."""
    snapshot = call.snapshot
    quote = None if snapshot is None else snapshot.quote
    return quote if quote is not None and quote.status is QuoteStatus.ACCEPTED else None


def _order(call: GuardCall) -> Order | None:
    return None if call.snapshot is None else call.snapshot.order


@guard(
    "start_date_given",
    GuardCode.INVALID_INPUT,
    "a start date and a signer are given",
    needs_input=True,
)
def start_date_given(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(SignAgreementInput)
    if asked is None:
        yield missing_input(call)
        return
    if not isinstance(asked.start_date, date):
        yield "give the agreement's start date"
    if not isinstance(asked.signed_by, str) or not asked.signed_by.strip():
        yield "give the name of the signer"


@guard("term_as_quoted", GuardCode.NOT_ALLOWED_IN_STATE, "the term is the quoted one")
def term_as_quoted(call: GuardCall) -> Iterator[Problem]:
    quote = accepted_quote(call)
    if quote is None:
        yield "the motion has no accepted quote to take the term from"
    elif quote.term_months < 1:
        yield (GuardCode.INVALID_INPUT, f"the quoted term {quote.term_months} is void")


@guard(
    "price_identity",
    GuardCode.PRICE_MISMATCH,
    "the order carries the accepted quote's price hash",
)
def price_identity(call: GuardCall) -> Iterator[Problem]:
    quote = accepted_quote(call)
    if quote is None:
        yield (GuardCode.NOT_ALLOWED_IN_STATE, "the motion has no accepted quote")
        return
    ordered = order_price_hash(
        order_lines(quote),
        quote,
        model_name=call.model.name,
        model_version=call.model.version,
    )
    if ordered != quote.price_hash:
        yield (
            f"the order's price hash {ordered[:12]} differs from the quote's "
            f"{quote.price_hash[:12]}; configure and issue a new quote"
        )


@guard(
    "fulfilment_lines",
    GuardCode.INVALID_INPUT,
    "every fulfilment line names an order line and a quantity",
    needs_input=True,
)
def fulfilment_lines(call: GuardCall) -> Iterator[Problem]:
    asked, order = call.input_as(FulfilInput), _order(call)
    if asked is None:
        yield missing_input(call)
        return
    if order is None:
        yield (GuardCode.NOT_ALLOWED_IN_STATE, "the motion has no order")
        return
    if not asked.lines:
        yield "fulfil at least one line"
    positions = {line.position: line for line in order.lines}
    for line in asked.lines:
        ordered = positions.get(line.order_line)
        if ordered is None:
            yield f"the order has no line {line.order_line}"
        elif ordered.product_id not in call.context.products:
            yield f"the product of order line {line.order_line} is unknown"
        if line.quantity < 1:
            yield f"quantity {line.quantity} on line {line.order_line} is below 1"


@guard(
    "fulfilment_remaining",
    GuardCode.QUANTITY_EXCEEDS_REMAINING,
    "no line is fulfilled beyond what remains",
    needs_input=True,
)
def fulfilment_remaining(call: GuardCall) -> Iterator[Problem]:
    asked, order = call.input_as(FulfilInput), _order(call)
    if asked is None or order is None:
        return  # fulfilment_lines reports both
    wanted: Counter[int] = Counter()
    for line in asked.lines:
        wanted[line.order_line] += line.quantity
    for ordered in order.lines:
        # An amendment's reduction line counts down; its units are the same.
        remaining = abs(ordered.quantity - ordered.fulfilled_quantity)
        if wanted[ordered.position] > remaining:
            yield (
                f"quantity {wanted[ordered.position]} exceeds the {remaining} "
                f"that remain on line {ordered.position}"
            )


@guard(
    "invoice_number_unique",
    GuardCode.INVALID_INPUT,
    "the invoice number is given and not used before",
    needs_input=True,
)
def invoice_number_unique(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(InvoiceInput)
    if asked is None:
        yield missing_input(call)
    elif not asked.invoice_number.strip():
        yield "give the invoice number"
    elif call.context.invoice_number_taken:
        yield f"invoice number {asked.invoice_number} is already recorded"


@guard(
    "invoice_amount",
    GuardCode.AMOUNT_MISMATCH,
    "the invoice amount equals the order total",
    needs_input=True,
)
def invoice_amount(call: GuardCall) -> Iterator[Problem]:
    asked, order = call.input_as(InvoiceInput), _order(call)
    if asked is None:
        yield missing_input(call)
    elif order is None:
        yield (GuardCode.NOT_ALLOWED_IN_STATE, "the motion has no order to invoice")
    elif asked.amount is None:
        yield "the amount is not a whole number of cents"
    elif asked.amount != order.total:
        currency = call.currency
        yield (
            f"amount {money(asked.amount, currency)} differs from the order "
            f"total {money(order.total, currency)}"
        )


@guard(
    "payment_reference_given",
    GuardCode.INVALID_INPUT,
    "a payment reference is given",
    needs_input=True,
)
def payment_reference_given(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(PaymentInput)
    if asked is None:
        yield missing_input(call)
    elif not asked.payment_reference.strip():
        yield "give the payment reference"


@guard(
    "payment_amount",
    GuardCode.AMOUNT_MISMATCH,
    "the payment amount equals the invoice amount",
    needs_input=True,
)
def payment_amount(call: GuardCall) -> Iterator[Problem]:
    asked = call.input_as(PaymentInput)
    invoice = None if call.snapshot is None else call.snapshot.invoice
    if asked is None:
        yield missing_input(call)
    elif invoice is None:
        yield (GuardCode.NOT_ALLOWED_IN_STATE, "the motion has no invoice to pay")
    elif asked.amount is None:
        yield "the amount is not a whole number of cents"
    elif asked.amount != invoice.amount:
        currency = call.currency
        yield (
            f"amount {money(asked.amount, currency)} differs from invoice "
            f"{invoice.number} of {money(invoice.amount, currency)}"
        )


@guard(
    "nothing_fulfilled",
    GuardCode.NOT_ALLOWED_IN_STATE,
    "nothing is fulfilled yet",
)
def nothing_fulfilled(call: GuardCall) -> Iterator[Problem]:
    order = _order(call)
    if order is not None and any(line.fulfilled_quantity for line in order.lines):
        yield f"order {order.number} is partly fulfilled and cannot be cancelled"
