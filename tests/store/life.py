"""A whole quote-to-cash life of one motion, as the effects the engine emits."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from viax.motion.decision import (
    AgreementSigned,
    ApprovalDecided,
    ApprovalRequested,
    EntitlementsGranted,
    FulfilmentRecorded,
    InvoiceRecorded,
    LinesReplaced,
    MotionStarted,
    OrderPlaced,
    OrderStatusChanged,
    PaymentRecorded,
    QuoteIssued,
    QuoteStatusChanged,
)
from viax.motion.snapshot import (
    Agreement,
    Approval,
    ApprovalDecision,
    ApprovalStatus,
    Channel,
    Entitlement,
    Fulfilment,
    FulfilmentLine,
    Invoice,
    Line,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PriceStep,
    Quote,
    QuoteLine,
    QuoteStatus,
)

from .records import NOW, SALES

LINES = (
    Line(1, 1, 20, Decimal("12.5")),
    Line(2, 5, 1, Decimal("0")),
)

QUOTE_LINES = (
    QuoteLine(
        position=1,
        product_id=1,
        sku="CRM-PRO",
        quantity=20,
        discount_percent=Decimal("12.5"),
        unit_list=4_900,
        steps=(
            PriceStep("LIST", 1_176_000, 1_176_000),
            PriceStep("VOLUME", -58_800, 1_117_200),
            PriceStep("DISCOUNT", -139_650, 977_550),
            PriceStep("NET", 977_550, 977_550),
        ),
        unit_net=48_878,
        net=977_550,
    ),
    QuoteLine(
        position=2,
        product_id=5,
        sku="ONBOARD",
        quantity=1,
        discount_percent=Decimal("0"),
        unit_list=250_000,
        steps=(PriceStep("LIST", 250_000, 250_000), PriceStep("NET", 250_000, 250_000)),
        unit_net=250_000,
        net=250_000,
    ),
)

QUOTE = Quote(
    revision=1,
    number="Q-000001-1",
    status=QuoteStatus.ACTIVE,
    issued_at=NOW,
    expires_at=NOW + timedelta(days=30),
    term_months=12,
    currency="EUR",
    lines=QUOTE_LINES,
    list_total=1_426_000,
    total=1_227_550,
    price_hash="sha256:5f1c",
)

TIER_1 = ApprovalDecision(1, "deal_desk", "desk@demo", "APPROVED", None, NOW)
TIER_2 = ApprovalDecision(2, "finance", "finance@demo", "APPROVED", "fine", NOW)

APPROVAL = Approval(1, ApprovalStatus.PENDING, ("deal_desk", "finance"), 1)

AGREEMENT = Agreement(
    number="A-000001",
    start_date=date(2026, 4, 1),
    end_date=date(2027, 3, 31),
    signed_by="Jo Buyer",
    signed_at=NOW,
    payment_days=30,
    uplift_cap_percent=Decimal("7"),
)

ORDER = Order(
    number="O-000001",
    status=OrderStatus.OPEN,
    placed_at=NOW,
    total=1_227_550,
    price_hash="sha256:5f1c",
    lines=(
        OrderLine(1, 1, 20, 0, 48_878, 977_550),
        OrderLine(2, 5, 1, 0, 250_000, 250_000),
    ),
)

FIRST_FULFILMENT = Fulfilment(1, NOW, "ops@demo", (FulfilmentLine(1, 5),))
SECOND_FULFILMENT = Fulfilment(
    2, NOW, "ops@demo", (FulfilmentLine(1, 15), FulfilmentLine(2, 1))
)

ENTITLEMENTS = (
    Entitlement(1, 1, 5, date(2026, 4, 1), date(2027, 3, 31)),
    Entitlement(2, 1, 15, date(2026, 4, 1), date(2027, 3, 31)),
    Entitlement(3, 5, 1, date(2026, 4, 1), None),
)

INVOICE = Invoice("INV-2026-0001", 1_227_550, date(2026, 4, 2))
PAYMENT = Payment("PAY-77", 1_227_550, date(2026, 4, 20))

LIFE = (
    MotionStarted(1, None, Channel.DIRECT, "EUR", SALES, "new_business", 1),
    LinesReplaced(LINES),
    QuoteIssued(QUOTE),
    ApprovalRequested(APPROVAL),
    ApprovalDecided(1, TIER_1, ApprovalStatus.PENDING, 2),
    ApprovalDecided(1, TIER_2, ApprovalStatus.APPROVED, None),
    QuoteStatusChanged(1, QuoteStatus.ACCEPTED, "Jo Buyer", NOW),
    AgreementSigned(AGREEMENT),
    OrderPlaced(ORDER),
    FulfilmentRecorded(FIRST_FULFILMENT),
    OrderStatusChanged(OrderStatus.PARTIALLY_FULFILLED),
    EntitlementsGranted(ENTITLEMENTS[:1]),
    FulfilmentRecorded(SECOND_FULFILMENT),
    OrderStatusChanged(OrderStatus.FULFILLED),
    EntitlementsGranted(ENTITLEMENTS[1:]),
    InvoiceRecorded(INVOICE),
    PaymentRecorded(PAYMENT),
)
"""Every effect type at least once, in an order the engine could emit."""
