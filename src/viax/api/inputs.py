"""GraphQL inputs of the transition mutations, and their domain form."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation

import strawberry

from viax.api.ids import decode_int, decode_key, int_key
from viax.motion import inputs as domain
from viax.motion.snapshot import Channel, MotionKind, MotionSnapshot

DESCRIPTIONS = {
    "motion_id": "The motion to change.",
    "expected_version": "The version you last read; a stale one conflicts.",
    "idempotency_key": "Repeat a call safely: the same key replays its result.",
    "dry_run": "Evaluate and preview only; nothing is written.",
}


@strawberry.input(description="A line to configure.")
class LineInput:
    product_id: strawberry.ID = strawberry.field(description="Product id.")
    quantity: int = strawberry.field(
        description="Units, 1 to 100,000; on an amendment, the change in units"
        " (negative to reduce)."
    )
    discount_percent: Decimal | None = strawberry.field(
        default=None, description="Requested discount, 0 to 100; default 0."
    )

    def to_domain(self) -> domain.LineInput:
        return domain.LineInput(
            product_id=decode_int(self.product_id, "Product") or 0,
            quantity=self.quantity,
            discount_percent=self.discount_percent or Decimal(0),
        )


@strawberry.input(description="Start a new-business motion.")
class StartMotionInput:
    account_id: strawberry.ID = strawberry.field(description="Customer account.")
    channel: Channel = strawberry.field(description="Selling channel.")
    partner_id: strawberry.ID | None = strawberry.field(
        default=None, description="Selling partner; required in PARTNER."
    )
    lines: list[LineInput] | None = strawberry.field(
        default=None, description="Lines to configure right away."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description=DESCRIPTIONS["idempotency_key"]
    )
    dry_run: bool | None = strawberry.field(
        default=False, description=DESCRIPTIONS["dry_run"]
    )

    def to_domain(self) -> domain.StartInput:
        partner = self.partner_id
        return domain.StartInput(
            account_id=decode_int(self.account_id, "Account") or 0,
            channel=self.channel,
            partner_id=None if partner is None else decode_int(partner, "Partner") or 0,
            lines=tuple(line.to_domain() for line in self.lines or ()),
        )


@strawberry.input(description="Renew the agreement of a motion as a new motion.")
class RenewAgreementInput:
    motion_id: strawberry.ID = strawberry.field(
        description="The motion whose agreement is renewed."
    )
    uplift_percent: Decimal | None = strawberry.field(
        default=None, description="Raise on the previous unit nets; default 0."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description=DESCRIPTIONS["idempotency_key"]
    )
    dry_run: bool | None = strawberry.field(
        default=False, description=DESCRIPTIONS["dry_run"]
    )

    def to_domain(self, parent: MotionSnapshot) -> domain.StartInput:
        return domain.StartInput(
            account_id=parent.account_id,
            channel=parent.channel,
            partner_id=parent.partner_id,
            kind=MotionKind.RENEWAL,
            parent_motion_id=parent.id,
            uplift_percent=self.uplift_percent or Decimal(0),
        )


@strawberry.input(
    description="Change the units of a motion's agreement as a new motion."
)
class AmendAgreementInput:
    motion_id: strawberry.ID = strawberry.field(
        description="The motion whose agreement is amended."
    )
    lines: list[LineInput] = strawberry.field(
        description="One line per product changed; quantity is the change in"
        " units, negative to reduce."
    )
    effective_date: date | None = strawberry.field(
        default=None,
        description="First day the change applies; default today. It is"
        " prorated by the whole months from it to the agreement's end.",
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description=DESCRIPTIONS["idempotency_key"]
    )
    dry_run: bool | None = strawberry.field(
        default=False, description=DESCRIPTIONS["dry_run"]
    )

    def to_domain(self, parent: MotionSnapshot) -> domain.StartInput:
        return domain.StartInput(
            account_id=parent.account_id,
            channel=parent.channel,
            partner_id=parent.partner_id,
            lines=tuple(line.to_domain() for line in self.lines),
            kind=MotionKind.AMENDMENT,
            parent_motion_id=parent.id,
            effective_date=self.effective_date,
        )


@strawberry.input(description="Units of one of the parent's order lines to return.")
class ReturnLineInput:
    order_line_id: strawberry.ID = strawberry.field(
        description="The parent's order line the units were ordered on."
    )
    quantity: int = strawberry.field(
        description="Units to return; at most fulfilled and not yet returned."
    )

    def to_domain(self, parent_id: int) -> domain.ReturnLineInput:
        key = decode_key(self.order_line_id, "OrderLine") or ""
        owner, _, position = key.partition(".")
        line = int_key(position) if owner == str(parent_id) else None
        return domain.ReturnLineInput(
            order_line=0 if line is None else line, quantity=self.quantity
        )


@strawberry.input(description="Return fulfilled units of a motion as a new motion.")
class RequestReturnInput:
    motion_id: strawberry.ID = strawberry.field(
        description="The motion whose units come back."
    )
    lines: list[ReturnLineInput] = strawberry.field(
        description="Order lines of that motion and the units of each."
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description=DESCRIPTIONS["idempotency_key"]
    )
    dry_run: bool | None = strawberry.field(
        default=False, description=DESCRIPTIONS["dry_run"]
    )

    def to_domain(self, parent: MotionSnapshot) -> domain.StartInput:
        return domain.StartInput(
            account_id=parent.account_id,
            channel=parent.channel,
            partner_id=parent.partner_id,
            kind=MotionKind.RETURN,
            parent_motion_id=parent.id,
            return_lines=tuple(line.to_domain(parent.id) for line in self.lines),
        )


@strawberry.input(description="Name the motion and the version you expect.")
class TransitionInput:
    motion_id: strawberry.ID = strawberry.field(description=DESCRIPTIONS["motion_id"])
    expected_version: int = strawberry.field(
        description=DESCRIPTIONS["expected_version"]
    )
    idempotency_key: str | None = strawberry.field(
        default=None, description=DESCRIPTIONS["idempotency_key"]
    )
    dry_run: bool | None = strawberry.field(
        default=False, description=DESCRIPTIONS["dry_run"]
    )

    def to_domain(self) -> domain.TransitionInput:
        return domain.NoInput()


@strawberry.input(description="Replace the lines of a motion.")
class ConfigureMotionInput(TransitionInput):
    lines: list[LineInput] = strawberry.field(description="The new lines, 1 to 200.")

    def to_domain(self) -> domain.ConfigureInput:
        return domain.ConfigureInput(lines=tuple(x.to_domain() for x in self.lines))


@strawberry.input(description="Price the lines and issue a quote.")
class IssueQuoteInput(TransitionInput):
    term_months: int | None = strawberry.field(
        default=None, description="Subscription term; default 12."
    )

    def to_domain(self) -> domain.IssueQuoteInput:
        return domain.IssueQuoteInput(term_months=self.term_months)


@strawberry.input(description="Approve or reject the current approval tier.")
class DecisionInput(TransitionInput):
    comment: str | None = strawberry.field(
        default=None, description="Note; required to reject."
    )

    def to_domain(self) -> domain.DecisionInput:
        return domain.DecisionInput(comment=self.comment)


@strawberry.input(description="Sign the agreement for the accepted quote.")
class SignAgreementInput(TransitionInput):
    start_date: date = strawberry.field(description="First day in force.")
    signed_by: str = strawberry.field(description="Who signs for the customer.")

    def to_domain(self) -> domain.SignAgreementInput:
        return domain.SignAgreementInput(
            start_date=self.start_date, signed_by=self.signed_by
        )


@strawberry.input(description="Units fulfilled on one order line.")
class FulfilmentLineInput:
    order_line_id: strawberry.ID = strawberry.field(description="Order line id.")
    quantity: int = strawberry.field(description="Units fulfilled now.")

    def to_domain(self, motion_id: int | None) -> domain.FulfilmentLineInput:
        key = decode_key(self.order_line_id, "OrderLine") or ""
        owner, _, position = key.partition(".")
        line = int_key(position) if owner == str(motion_id) else None
        return domain.FulfilmentLineInput(
            order_line=0 if line is None else line, quantity=self.quantity
        )


@strawberry.input(description="Record a (partial) fulfilment of the order.")
class FulfilmentInput(TransitionInput):
    lines: list[FulfilmentLineInput] = strawberry.field(description="Lines.")

    def to_domain(self) -> domain.FulfilInput:
        motion_id = decode_int(self.motion_id, "Motion")
        return domain.FulfilInput(
            lines=tuple(line.to_domain(motion_id) for line in self.lines)
        )


@strawberry.input(description="Record the invoice issued by the system of record.")
class InvoiceInput(TransitionInput):
    invoice_number: str = strawberry.field(description="Unique invoice number.")
    amount: Decimal = strawberry.field(description="Must equal the order total.")

    def to_domain(self) -> domain.InvoiceInput:
        return domain.InvoiceInput(
            invoice_number=self.invoice_number, amount=to_minor(self.amount)
        )


@strawberry.input(description="Record the payment of the invoice.")
class PaymentInput(TransitionInput):
    payment_reference: str = strawberry.field(description="Payment reference.")
    amount: Decimal = strawberry.field(description="Must equal the invoice.")

    def to_domain(self) -> domain.PaymentInput:
        return domain.PaymentInput(
            payment_reference=self.payment_reference, amount=to_minor(self.amount)
        )


@strawberry.input(description="Cancel a motion before anything is fulfilled.")
class CancelInput(TransitionInput):
    reason: str = strawberry.field(description="Why; required.")

    def to_domain(self) -> domain.CancelInput:
        return domain.CancelInput(reason=self.reason)


@strawberry.input(description="Move a motion to a later version of its model.")
class MigrateMotionInput(TransitionInput):
    to_version: int = strawberry.field(
        description="The version of the motion's model to run under from now on."
    )

    def to_domain(self) -> domain.MigrateInput:
        return domain.MigrateInput(to_version=self.to_version)


def to_minor(amount: Decimal) -> int | None:
    """Minor units of a decimal amount; None when it is not exact in cents.

    Any whole number of cents can be a total (a credit is negative, an even
    exchange zero), so an inexact amount is None, which the amount guard
    refuses with its own code and message.
    """
    if not amount.is_finite():
        return None
    try:
        cents = amount.scaleb(2)
        if cents != cents.to_integral_value():
            return None
        return int(cents)
    except (InvalidOperation, ValueError):
        return None
