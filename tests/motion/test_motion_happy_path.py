"""A whole motion from start to cash, and its rebuild from events."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import orjson
from motion_samples import (
    CUSTOMER,
    DESK,
    ERP,
    FINANCE,
    MOTION_ID,
    NOW,
    OPS,
    SEATS,
    SELLER,
    SETUP,
    START_DATE,
    Deal,
)

from viax.motion.codec import decode_effects, encode
from viax.motion.engine import apply
from viax.motion.inputs import (
    ConfigureInput,
    DecisionInput,
    FulfilInput,
    FulfilmentLineInput,
    InvoiceInput,
    IssueQuoteInput,
    LineInput,
    NoInput,
    PaymentInput,
    SignAgreementInput,
    StartInput,
)
from viax.motion.snapshot import (
    Action,
    ApprovalStatus,
    Channel,
    Entitlement,
    MotionSnapshot,
    MotionState,
    OrderLine,
    OrderStatus,
    QuoteStatus,
)

HOUR = timedelta(hours=1)

# 30 seats at 30 % for 12 months: 360,000 listed, 5 % volume (18,000) leaves
# 342,000, 30 % (102,600) leaves 239,400; the setup stays at 50,000.
SEATS_NET, SETUP_NET = 239400, 50000
TOTAL = SEATS_NET + SETUP_NET


def _drive() -> Deal:
    deal = Deal()
    deal.take(Action.START, StartInput(1, Channel.DIRECT), SELLER, NOW)
    lines = (LineInput(SEATS.id, 30, Decimal(30)), LineInput(SETUP.id, 1))
    deal.take(Action.CONFIGURE, ConfigureInput(lines), SELLER, NOW + HOUR)
    deal.take(Action.ISSUE_QUOTE, IssueQuoteInput(), SELLER, NOW + 2 * HOUR)
    deal.take(Action.APPROVE, DecisionInput("within policy"), DESK, NOW + 3 * HOUR)
    deal.take(Action.APPROVE, DecisionInput(), FINANCE, NOW + 4 * HOUR)
    deal.take(Action.ACCEPT_QUOTE, NoInput(), CUSTOMER, NOW + 5 * HOUR)
    sign = SignAgreementInput(START_DATE, "Cyd Buyer")
    deal.take(Action.SIGN_AGREEMENT, sign, CUSTOMER, NOW + 6 * HOUR)
    deal.take(Action.PLACE_ORDER, NoInput(), SELLER, NOW + 7 * HOUR)
    first = FulfilInput((FulfilmentLineInput(1, 12),))
    deal.take(Action.FULFIL, first, OPS, NOW + timedelta(days=2))
    rest = FulfilInput((FulfilmentLineInput(1, 18), FulfilmentLineInput(2, 1)))
    deal.take(Action.FULFIL, rest, OPS, NOW + timedelta(days=5))
    deal.take(
        Action.RECORD_INVOICE,
        InvoiceInput("INV-7", TOTAL),
        ERP,
        NOW + timedelta(days=6),
    )
    deal.take(
        Action.RECORD_PAYMENT,
        PaymentInput("PAY-7", TOTAL),
        ERP,
        NOW + timedelta(days=20),
    )
    return deal


def test_the_happy_path_closes_the_motion() -> None:
    deal = _drive()

    motion = deal.motion
    assert [d.to_state for d in deal.decisions] == [
        MotionState.DRAFT,
        MotionState.DRAFT,
        MotionState.PENDING_APPROVAL,
        MotionState.PENDING_APPROVAL,
        MotionState.QUOTED,
        MotionState.ACCEPTED,
        MotionState.AGREED,
        MotionState.ORDERED,
        MotionState.FULFILLING,
        MotionState.FULFILLED,
        MotionState.INVOICED,
        MotionState.CLOSED,
    ]
    assert (motion.state, motion.version) == (MotionState.CLOSED, 12)
    assert motion.updated_at == NOW + timedelta(days=20)
    assert motion.created_at == NOW


def test_the_happy_path_keeps_the_quote_and_both_approvals() -> None:
    motion = _drive().motion

    assert motion.quote is not None and motion.approval is not None
    assert motion.quote.number == f"Q-{MOTION_ID:06d}-1"
    assert motion.quote.status is QuoteStatus.ACCEPTED
    assert (motion.quote.accepted_by, motion.quote.accepted_at) == (
        CUSTOMER.subject,
        NOW + 5 * HOUR,
    )
    assert (motion.quote.list_total, motion.quote.total) == (410000, TOTAL)
    assert motion.approval.status is ApprovalStatus.APPROVED
    assert motion.approval.current_tier is None
    assert [(d.role, d.actor, d.comment) for d in motion.approval.decisions] == [
        ("deal_desk", DESK.subject, "within policy"),
        ("finance", FINANCE.subject, None),
    ]


def test_the_happy_path_orders_at_the_quoted_prices() -> None:
    motion = _drive().motion

    assert motion.agreement is not None and motion.order is not None
    assert motion.quote is not None
    assert motion.agreement.number == "A-000042"
    assert (motion.agreement.start_date, motion.agreement.end_date) == (
        date(2025, 4, 1),
        date(2026, 3, 31),
    )
    assert motion.order.status is OrderStatus.FULFILLED
    assert motion.order.total == TOTAL
    assert motion.order.price_hash == motion.quote.price_hash
    assert motion.order.lines == (
        OrderLine(1, SEATS.id, 30, 30, 7980, SEATS_NET),
        OrderLine(2, SETUP.id, 1, 1, 50000, SETUP_NET),
    )


def test_the_happy_path_grants_entitlements_per_fulfilment() -> None:
    motion = _drive().motion

    # Seats delivered in March run from the agreement's start on 1 April;
    # the one-time setup is held from the day it was delivered.
    assert [f.position for f in motion.fulfilments] == [1, 2]
    assert motion.entitlements == (
        Entitlement(1, SEATS.id, 12, date(2025, 4, 1), date(2026, 3, 31)),
        Entitlement(2, SEATS.id, 18, date(2025, 4, 1), date(2026, 3, 31)),
        Entitlement(3, SETUP.id, 1, date(2025, 3, 8), None),
    )
    assert motion.invoice is not None and motion.payment is not None
    assert (motion.invoice.number, motion.invoice.issued_on) == (
        "INV-7",
        date(2025, 3, 9),
    )
    assert (motion.payment.reference, motion.payment.paid_on) == (
        "PAY-7",
        date(2025, 3, 23),
    )


def test_the_motion_rebuilds_from_its_stored_events() -> None:
    deal = _drive()

    rebuilt: MotionSnapshot | None = None
    for decision in deal.decisions:
        stored = orjson.loads(orjson.dumps({"effects": encode(decision.effects)}))
        assert decision.after is not None
        rebuilt = apply(
            rebuilt,
            decode_effects(stored["effects"]),
            state=decision.after.state,
            version=decision.after.version,
            at=decision.after.updated_at,
        )
        if decision.action is Action.START:
            rebuilt = replace(rebuilt, id=MOTION_ID, number=f"M-{MOTION_ID:06d}")

    assert rebuilt == deal.motion
