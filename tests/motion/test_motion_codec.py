"""Every effect and every input survives a trip through JSON unchanged."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from typing import get_args

import orjson
import pytest
from motion_samples import NOW, SELLER

from viax.motion.codec import CodecError, decode, decode_effects, decode_input, encode
from viax.motion.decision import (
    AgreementSigned,
    ApprovalDecided,
    ApprovalRequested,
    ApprovalVoided,
    Effect,
    EntitlementRevocation,
    EntitlementsEnded,
    EntitlementsGranted,
    EntitlementsRevoked,
    FulfilmentRecorded,
    InvoiceRecorded,
    LinesReplaced,
    ModelMigrated,
    MotionStarted,
    OrderPlaced,
    OrderStatusChanged,
    PaymentRecorded,
    QuoteIssued,
    QuoteStatusChanged,
    UnitsReturned,
)
from viax.motion.inputs import (
    INPUT_TYPES,
    CancelInput,
    ChangeInput,
    ConfigureInput,
    DecisionInput,
    FulfilInput,
    FulfilmentLineInput,
    InvoiceInput,
    IssueQuoteInput,
    LineInput,
    MigrateInput,
    NoInput,
    PaymentInput,
    ReturnLineInput,
    SignAgreementInput,
    StartInput,
    TransitionInput,
)
from viax.motion.snapshot import (
    Action,
    Agreement,
    Approval,
    ApprovalDecision,
    ApprovalStatus,
    Channel,
    Entitlement,
    EntitlementStatus,
    Fulfilment,
    FulfilmentLine,
    Invoice,
    Line,
    MotionKind,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PriceStep,
    Principal,
    Quote,
    QuoteLine,
    QuoteStatus,
    ReturnedLine,
)

STEPS = (PriceStep("LIST", 1000, 1000), PriceStep("NET", 1000, 1000))
QUOTE = Quote(
    revision=2,
    number="Q-000042-2",
    status=QuoteStatus.ACTIVE,
    issued_at=NOW,
    expires_at=NOW + timedelta(days=30),
    term_months=12,
    currency="EUR",
    lines=(QuoteLine(1, 11, "SEATS", 1, Decimal("12.50"), 1000, STEPS, 1000, 1000),),
    list_total=1000,
    total=1000,
    price_hash="ab" * 32,
)
DECISION = ApprovalDecision(1, "deal_desk", "dana", "APPROVED", None, NOW)
PARTNER = Principal("pat", frozenset({"partner", "sales"}), partner_id=7)

EFFECTS: tuple[Effect, ...] = (
    MotionStarted(1, 7, Channel.PARTNER, "EUR", PARTNER, "new-business", 1),
    MotionStarted(1, None, Channel.DIRECT, "EUR", SELLER, "x", 2, MotionKind.RENEWAL),
    MotionStarted(
        1,
        None,
        Channel.DIRECT,
        "EUR",
        SELLER,
        "amendment",
        1,
        MotionKind.AMENDMENT,
        parent_id=9,
        effective_date=date(2025, 6, 1),
    ),
    LinesReplaced((Line(1, 11, 3, Decimal("7.5")), Line(2, 12, 1))),
    QuoteIssued(QUOTE),
    QuoteStatusChanged(2, QuoteStatus.VOID),
    QuoteStatusChanged(2, QuoteStatus.ACCEPTED, "cyd", NOW),
    ApprovalRequested(Approval(2, ApprovalStatus.PENDING, ("deal_desk", "finance"), 1)),
    ApprovalDecided(2, DECISION, ApprovalStatus.PENDING, 2),
    ApprovalVoided(2),
    AgreementSigned(
        Agreement(
            "A-1", date(2025, 4, 1), date(2026, 3, 31), "Cyd", NOW, 30, Decimal(7)
        )
    ),
    OrderPlaced(
        Order(
            "O-1",
            OrderStatus.OPEN,
            NOW,
            1000,
            "ab" * 32,
            (OrderLine(1, 11, 1, 0, 1000, 1000),),
        )
    ),
    OrderStatusChanged(OrderStatus.PARTIALLY_FULFILLED),
    FulfilmentRecorded(Fulfilment(1, NOW, "otto", (FulfilmentLine(1, 1),))),
    EntitlementsGranted(
        (
            Entitlement(1, 11, 1, date(2025, 3, 3), date(2026, 3, 31)),
            Entitlement(2, 12, 1, date(2025, 3, 3), None, EntitlementStatus.REVOKED),
        )
    ),
    EntitlementsRevoked(
        (
            EntitlementRevocation(1, 1),
            EntitlementRevocation(
                3,
                2,
                Entitlement(
                    4, 11, 2, date(2025, 3, 3), None, EntitlementStatus.REVOKED
                ),
            ),
        )
    ),
    EntitlementsEnded((1, 3), date(2025, 5, 31)),
    UnitsReturned((ReturnedLine(1, 2), ReturnedLine(3, 1))),
    InvoiceRecorded(Invoice("INV-1", 1000, date(2025, 3, 4))),
    PaymentRecorded(Payment("PAY-1", 1000, date(2025, 3, 5))),
    ModelMigrated("new-business", 1, 2),
)

INPUTS: tuple[tuple[Action, TransitionInput], ...] = (
    (
        Action.START,
        StartInput(1, Channel.PARTNER, 7, (LineInput(11, 2, Decimal("5")),)),
    ),
    (
        Action.START,
        StartInput(
            1,
            Channel.DIRECT,
            lines=(LineInput(11, -2),),
            kind=MotionKind.AMENDMENT,
            parent_motion_id=9,
            effective_date=date(2025, 6, 1),
        ),
    ),
    (
        Action.CONFIGURE,
        ConfigureInput((LineInput(11, 2), LineInput(12, 1, Decimal("0.25")))),
    ),
    (Action.ISSUE_QUOTE, IssueQuoteInput(24)),
    (Action.ISSUE_QUOTE, IssueQuoteInput()),
    (Action.APPROVE, DecisionInput("fine")),
    (Action.REJECT, DecisionInput(None)),
    (Action.ACCEPT_QUOTE, NoInput()),
    (Action.SIGN_AGREEMENT, SignAgreementInput(date(2025, 4, 1), "Cyd")),
    (Action.FULFIL, FulfilInput((FulfilmentLineInput(1, 3),))),
    (Action.RECORD_INVOICE, InvoiceInput("INV-1", 1000)),
    (Action.RECORD_PAYMENT, PaymentInput("PAY-1", 1000)),
    (Action.CANCEL, CancelInput("no budget")),
    (Action.MIGRATE, MigrateInput(2)),
    (Action.APPLY_CHANGE, ChangeInput(43, 812)),
    (
        Action.START,
        StartInput(
            1,
            Channel.DIRECT,
            kind=MotionKind.RETURN,
            parent_motion_id=42,
            return_lines=(ReturnLineInput(1, 3), ReturnLineInput(2, 1)),
        ),
    ),
)


def _through_json(value: object) -> object:
    return orjson.loads(orjson.dumps(encode(value)))


def test_the_samples_cover_every_effect_type() -> None:
    assert {type(effect) for effect in EFFECTS} == set(get_args(Effect))


def test_the_samples_cover_every_input_type() -> None:
    assert {type(given) for _, given in INPUTS} == set(INPUT_TYPES.values())


@pytest.mark.parametrize("effect", EFFECTS, ids=lambda e: type(e).__name__)
def test_effect_round_trips_exactly(effect: Effect) -> None:
    stored = _through_json([effect])

    assert decode_effects(stored) == (effect,)


@pytest.mark.parametrize(("action", "given"), INPUTS, ids=lambda v: str(v)[:30])
def test_input_round_trips_exactly(action: Action, given: TransitionInput) -> None:
    assert decode_input(action, _through_json(given)) == given


def test_decimals_keep_their_exponent() -> None:
    stored = _through_json(Line(1, 11, 1, Decimal("12.50")))

    decoded = decode(stored, Line)

    assert decoded.discount_percent.as_tuple() == Decimal("12.50").as_tuple()


def test_encoding_is_tagged_and_plain() -> None:
    encoded = encode(QuoteStatusChanged(2, QuoteStatus.ACCEPTED, "cyd", NOW))

    assert encoded == {
        "_type": "QuoteStatusChanged",
        "revision": 2,
        "status": "ACCEPTED",
        "accepted_by": "cyd",
        "accepted_at": "2025-03-03T09:00:00+00:00",
    }


def test_sets_are_sorted_lists() -> None:
    encoded = encode(PARTNER)

    assert isinstance(encoded, dict)
    assert encoded["roles"] == ["partner", "sales"]


def test_datetimes_keep_their_zone() -> None:
    moment = datetime(2025, 3, 3, 10, 0, tzinfo=timezone(timedelta(hours=1)))
    decision = ApprovalDecision(1, "deal_desk", "dana", "APPROVED", None, moment)

    decoded = decode(_through_json(decision), ApprovalDecision)

    assert decoded.at.utcoffset() == timedelta(hours=1)
    assert decoded.at == datetime(2025, 3, 3, 9, 0, tzinfo=UTC)


def test_a_naive_datetime_cannot_be_encoded() -> None:
    with pytest.raises(CodecError):
        encode(
            ApprovalDecision(
                1, "deal_desk", "dana", "APPROVED", None, datetime(2025, 1, 1)
            )
        )


def test_an_unknown_effect_tag_is_refused() -> None:
    with pytest.raises(CodecError, match="not a known effect"):
        decode_effects([{"_type": "MotionVanished"}])


def test_an_input_of_another_type_is_refused() -> None:
    with pytest.raises(CodecError, match="expected a CancelInput"):
        decode_input(Action.CANCEL, {"_type": "NoInput"})


def test_a_field_of_the_wrong_type_is_refused() -> None:
    with pytest.raises(CodecError):
        decode_input(Action.RECORD_INVOICE, {"invoice_number": "I", "amount": "12"})


def test_a_missing_field_is_refused() -> None:
    with pytest.raises(CodecError, match="has no reason"):
        decode_input(Action.CANCEL, {})


def test_an_unknown_field_is_refused() -> None:
    with pytest.raises(CodecError, match="has no field colour"):
        decode_input(Action.CANCEL, {"reason": "r", "colour": "red"})


def test_lines_stored_before_the_uplift_field_decode_with_none() -> None:
    stored = {
        "_type": "LinesReplaced",
        "lines": [
            {
                "_type": "Line",
                "position": 1,
                "product_id": 11,
                "quantity": 2,
                "discount_percent": "-5",
            },
        ],
    }

    (decoded,) = decode_effects([stored])

    assert decoded == LinesReplaced((Line(1, 11, 2, Decimal("-5"), Decimal(0)),))
