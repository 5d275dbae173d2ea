"""The motion aggregate as plain, immutable values.

Money is always an integer amount of minor units (cents) in the motion's
currency. Facets are keyed by the motion id and a position or revision, so
the engine can name every row it creates without asking the store.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


class MotionKind(enum.StrEnum):
    NEW_BUSINESS = "NEW_BUSINESS"
    AMENDMENT = "AMENDMENT"
    RENEWAL = "RENEWAL"
    RETURN = "RETURN"


class MotionState(enum.StrEnum):
    DRAFT = "DRAFT"
    PENDING_APPROVAL = "PENDING_APPROVAL"
    QUOTED = "QUOTED"
    ACCEPTED = "ACCEPTED"
    AGREED = "AGREED"
    ORDERED = "ORDERED"
    FULFILLING = "FULFILLING"
    FULFILLED = "FULFILLED"
    INVOICED = "INVOICED"
    CLOSED = "CLOSED"
    CANCELLED = "CANCELLED"
    EXPIRED = "EXPIRED"


class Channel(enum.StrEnum):
    DIRECT = "DIRECT"
    PARTNER = "PARTNER"
    COMMERCE = "COMMERCE"


class Action(enum.StrEnum):
    START = "start"
    CONFIGURE = "configure"
    ISSUE_QUOTE = "issueQuote"
    APPROVE = "approve"
    REJECT = "reject"
    ACCEPT_QUOTE = "acceptQuote"
    SIGN_AGREEMENT = "signAgreement"
    PLACE_ORDER = "placeOrder"
    FULFIL = "fulfil"
    RECORD_INVOICE = "recordInvoice"
    RECORD_PAYMENT = "recordPayment"
    CANCEL = "cancel"
    EXPIRE = "expire"
    MIGRATE = "migrate"
    # Written by the store on the motion a change motion changes; no model
    # declares it, so no client can ask for it.
    APPLY_CHANGE = "applyChange"


class ProductKind(enum.StrEnum):
    SUBSCRIPTION = "subscription"
    ONE_TIME = "one_time"


class QuoteStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    ACCEPTED = "ACCEPTED"
    VOID = "VOID"


class ApprovalStatus(enum.StrEnum):
    PENDING = "PENDING"
    APPROVED = "APPROVED"
    REJECTED = "REJECTED"
    VOID = "VOID"


class OrderStatus(enum.StrEnum):
    OPEN = "OPEN"
    PARTIALLY_FULFILLED = "PARTIALLY_FULFILLED"
    FULFILLED = "FULFILLED"
    CANCELLED = "CANCELLED"
    PARTIALLY_RETURNED = "PARTIALLY_RETURNED"
    RETURNED = "RETURNED"


class EntitlementStatus(enum.StrEnum):
    ACTIVE = "ACTIVE"
    REVOKED = "REVOKED"


@dataclass(frozen=True, slots=True)
class Principal:
    """Who acts: a user or a service, with the roles its token grants."""

    subject: str
    roles: frozenset[str]
    partner_id: int | None = None
    account_id: int | None = None

    def has(self, role: str) -> bool:
        return role in self.roles or "admin" in self.roles


SYSTEM = Principal(subject="system", roles=frozenset({"system"}))


@dataclass(frozen=True, slots=True)
class Product:
    id: int
    sku: str
    name: str
    family: str
    kind: ProductKind
    list_prices: dict[str, int]
    unit_cost: int
    active: bool = True
    regions: frozenset[str] = frozenset()
    segments: frozenset[str] = frozenset()
    partner_tiers: frozenset[str] = frozenset()
    prerequisite_sku: str | None = None


@dataclass(frozen=True, slots=True)
class Account:
    id: int
    name: str
    segment: str
    region: str
    currency: str


@dataclass(frozen=True, slots=True)
class Partner:
    id: int
    name: str
    tier: str
    regions: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class Line:
    """A configured line: what the buyer asks for, before pricing."""

    position: int
    product_id: int
    quantity: int
    discount_percent: Decimal = Decimal(0)
    uplift_percent: Decimal = Decimal(0)  # a renewal's raise on the previous net


@dataclass(frozen=True, slots=True)
class PriceStep:
    """One step of the waterfall; `amount` is negative for deductions."""

    step: str
    amount: int
    subtotal: int


@dataclass(frozen=True, slots=True)
class QuoteLine:
    position: int
    product_id: int
    sku: str
    quantity: int
    discount_percent: Decimal
    unit_list: int
    steps: tuple[PriceStep, ...]
    unit_net: int
    net: int
    uplift_percent: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class Quote:
    revision: int
    number: str
    status: QuoteStatus
    issued_at: datetime
    expires_at: datetime
    term_months: int
    currency: str
    lines: tuple[QuoteLine, ...]
    list_total: int
    total: int
    price_hash: str
    accepted_by: str | None = None
    accepted_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class ApprovalDecision:
    tier: int
    role: str
    actor: str
    verdict: str  # "APPROVED" or "REJECTED"
    comment: str | None
    at: datetime


@dataclass(frozen=True, slots=True)
class Approval:
    """The approval a quote needs; `tiers` lists the role of each tier."""

    revision: int  # the quote revision it belongs to
    status: ApprovalStatus
    tiers: tuple[str, ...]
    current_tier: int | None  # 1-based; None once decided
    decisions: tuple[ApprovalDecision, ...] = ()


@dataclass(frozen=True, slots=True)
class Agreement:
    number: str
    start_date: date
    end_date: date
    signed_by: str
    signed_at: datetime
    payment_days: int
    uplift_cap_percent: Decimal


@dataclass(frozen=True, slots=True)
class OrderLine:
    position: int
    product_id: int
    quantity: int
    fulfilled_quantity: int
    unit_net: int
    net: int
    returned_quantity: int = 0  # units that came back through returns


@dataclass(frozen=True, slots=True)
class ReturnedLine:
    """Units of one order line that came back."""

    order_line: int  # position of the order line
    quantity: int


@dataclass(frozen=True, slots=True)
class Order:
    number: str
    status: OrderStatus
    placed_at: datetime
    total: int
    price_hash: str
    lines: tuple[OrderLine, ...]


@dataclass(frozen=True, slots=True)
class FulfilmentLine:
    order_line: int  # position of the order line
    quantity: int


@dataclass(frozen=True, slots=True)
class Fulfilment:
    position: int
    at: datetime
    actor: str
    lines: tuple[FulfilmentLine, ...]


@dataclass(frozen=True, slots=True)
class Entitlement:
    position: int
    product_id: int
    quantity: int
    starts_on: date
    ends_on: date | None
    status: EntitlementStatus = EntitlementStatus.ACTIVE


@dataclass(frozen=True, slots=True)
class Invoice:
    number: str
    amount: int
    issued_on: date


@dataclass(frozen=True, slots=True)
class Payment:
    reference: str
    amount: int
    paid_on: date


@dataclass(frozen=True, slots=True)
class MotionSnapshot:
    """Everything the engine knows of one motion at one version."""

    id: int
    number: str
    kind: MotionKind
    state: MotionState
    version: int
    model_name: str
    model_version: int
    channel: Channel
    currency: str
    account_id: int
    partner_id: int | None
    owner: Principal
    created_at: datetime
    updated_at: datetime
    parent_id: int | None = None
    effective_date: date | None = None  # when an amendment's change applies
    quote_revisions: int = 0
    lines: tuple[Line, ...] = ()
    quote: Quote | None = None  # the latest quote that is not void
    approval: Approval | None = None  # the approval of that quote, if any
    agreement: Agreement | None = None
    order: Order | None = None
    fulfilments: tuple[Fulfilment, ...] = ()
    entitlements: tuple[Entitlement, ...] = ()
    invoice: Invoice | None = None
    payment: Payment | None = None
