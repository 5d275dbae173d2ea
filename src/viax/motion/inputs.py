"""What each action of a transition takes as its input."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from viax.motion.snapshot import Action, Channel, MotionKind


@dataclass(frozen=True, slots=True)
class LineInput:
    product_id: int
    quantity: int
    discount_percent: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class ReturnLineInput:
    """Units of one of the parent's order lines to return."""

    order_line: int  # position of the parent's order line
    quantity: int


@dataclass(frozen=True, slots=True)
class StartInput:
    """Start a motion; a change motion names the motion it changes."""

    account_id: int
    channel: Channel
    partner_id: int | None = None
    lines: tuple[LineInput, ...] = ()
    kind: MotionKind = MotionKind.NEW_BUSINESS
    parent_motion_id: int | None = None
    uplift_percent: Decimal = Decimal(0)
    effective_date: date | None = None  # an amendment's; the start day if None
    return_lines: tuple[ReturnLineInput, ...] = ()


@dataclass(frozen=True, slots=True)
class ConfigureInput:
    lines: tuple[LineInput, ...]


@dataclass(frozen=True, slots=True)
class IssueQuoteInput:
    term_months: int | None = None  # the model's default term when None


@dataclass(frozen=True, slots=True)
class DecisionInput:
    comment: str | None = None


@dataclass(frozen=True, slots=True)
class SignAgreementInput:
    start_date: date
    signed_by: str


@dataclass(frozen=True, slots=True)
class FulfilmentLineInput:
    order_line: int  # position of the order line
    quantity: int


@dataclass(frozen=True, slots=True)
class FulfilInput:
    lines: tuple[FulfilmentLineInput, ...]


@dataclass(frozen=True, slots=True)
class InvoiceInput:
    invoice_number: str
    amount: int | None  # None when not a whole number of minor units


@dataclass(frozen=True, slots=True)
class PaymentInput:
    payment_reference: str
    amount: int | None  # None when not a whole number of minor units


@dataclass(frozen=True, slots=True)
class CancelInput:
    reason: str


@dataclass(frozen=True, slots=True)
class MigrateInput:
    """Move the motion to a later version of the model it runs under."""

    to_version: int


@dataclass(frozen=True, slots=True)
class NoInput:
    """For actions that take nothing beyond the motion and its version."""


@dataclass(frozen=True, slots=True)
class ChangeInput:
    """What a parent's `applyChange` event applied: which change, which event."""

    motion_id: int  # the change motion
    sequence: int  # its event whose transition completed the change


TransitionInput = (
    StartInput
    | ConfigureInput
    | IssueQuoteInput
    | DecisionInput
    | SignAgreementInput
    | FulfilInput
    | InvoiceInput
    | PaymentInput
    | CancelInput
    | MigrateInput
    | NoInput
    | ChangeInput
)


INPUT_TYPES: dict[Action, type[TransitionInput]] = {
    Action.START: StartInput,
    Action.CONFIGURE: ConfigureInput,
    Action.ISSUE_QUOTE: IssueQuoteInput,
    Action.APPROVE: DecisionInput,
    Action.REJECT: DecisionInput,
    Action.ACCEPT_QUOTE: NoInput,
    Action.SIGN_AGREEMENT: SignAgreementInput,
    Action.PLACE_ORDER: NoInput,
    Action.FULFIL: FulfilInput,
    Action.RECORD_INVOICE: InvoiceInput,
    Action.RECORD_PAYMENT: PaymentInput,
    Action.CANCEL: CancelInput,
    Action.EXPIRE: NoInput,
    Action.MIGRATE: MigrateInput,
    Action.APPLY_CHANGE: ChangeInput,
}
"""The input dataclass each action takes."""
