"""Guards one by one, and refusals that name every failing guard."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal

import pytest
from motion_samples import (
    ACME,
    ADMIN,
    AMER_ONLY,
    ANALYTICS,
    CUSTOMER,
    ENTERPRISE_ONLY,
    ERP,
    GLOBEX,
    INITECH,
    OPS,
    PARTNER_USER,
    PLATINUM_ONLY,
    RETIRED,
    SEATS,
    SELLER,
    SETUP,
    SMALLCO,
    START_DATE,
    STRANGER,
    Deal,
    deal_in,
    started,
)

from viax.motion.decision import Decision
from viax.motion.inputs import (
    CancelInput,
    ConfigureInput,
    FulfilInput,
    FulfilmentLineInput,
    InvoiceInput,
    LineInput,
    NoInput,
    PaymentInput,
    SignAgreementInput,
    StartInput,
)
from viax.motion.snapshot import Action, Channel, MotionState


def _codes(decision: Decision) -> list[str]:
    return [v.code for v in decision.failures]


def test_a_refusal_lists_every_failing_guard() -> None:
    deal = deal_in(MotionState.DRAFT)
    lines = (
        LineInput(SEATS.id, 0),
        LineInput(RETIRED.id, 1),
        LineInput(ANALYTICS.id, 1, Decimal(5)),
    )
    configure = ConfigureInput(lines)

    decision = deal.ask(Action.CONFIGURE, configure, CUSTOMER)

    assert sorted(set(_codes(decision))) == [
        "FORBIDDEN_ROLE",
        "INVALID_INPUT",
        "PRODUCT_NOT_ELIGIBLE",
    ]
    assert {v.guard for v in decision.failures} == {
        "role",
        "quantity_range",
        "products_active",
    }


def test_a_refusal_also_reports_the_guards_that_passed() -> None:
    deal = deal_in(MotionState.DRAFT)

    decision = deal.ask(Action.CONFIGURE, ConfigureInput((LineInput(0, 1),)), SELLER)

    passed = {v.guard for v in decision.verdicts if v.passed}
    assert {"state", "role", "input", "quantity_range"} <= passed
    assert not decision.allowed


def test_three_failing_guards_give_three_codes() -> None:
    deal = deal_in(MotionState.DRAFT)
    deal.entitled_skus = frozenset()
    configure = ConfigureInput(
        (LineInput(ANALYTICS.id, 1, Decimal(101)), LineInput(AMER_ONLY.id, 1))
    )

    decision = deal.ask(Action.CONFIGURE, configure, SELLER)

    assert sorted(_codes(decision)) == [
        "INVALID_INPUT",
        "PREREQUISITE_MISSING",
        "PRODUCT_NOT_ELIGIBLE",
    ]


def test_a_wrong_kind_of_input_is_a_verdict() -> None:
    deal = deal_in(MotionState.DRAFT)

    decision = deal.ask(Action.CONFIGURE, NoInput(), SELLER)

    assert _codes(decision) == ["INVALID_INPUT"]
    assert decision.failures[0].guard == "input"


def test_a_field_of_the_wrong_type_is_a_verdict() -> None:
    deal = deal_in(MotionState.DRAFT)
    bad = ConfigureInput((LineInput(SEATS.id, "3"),))  # type: ignore[arg-type]

    decision = deal.ask(Action.CONFIGURE, bad, SELLER)

    assert _codes(decision) == ["INVALID_INPUT"]
    assert "quantity" in decision.failures[0].message


def test_configure_with_no_lines_is_refused() -> None:
    deal = deal_in(MotionState.DRAFT)

    decision = deal.ask(Action.CONFIGURE, ConfigureInput(()), SELLER)

    assert _codes(decision) == ["INVALID_INPUT"]
    assert decision.failures[0].guard == "line_count"


def test_configure_with_more_than_two_hundred_lines_is_refused() -> None:
    deal = deal_in(MotionState.DRAFT)
    lines = tuple(LineInput(SETUP.id, 1) for _ in range(201))

    decision = deal.ask(Action.CONFIGURE, ConfigureInput(lines), SELLER)

    assert _codes(decision) == ["INVALID_INPUT"]


def test_configure_voids_the_quote_and_its_approval() -> None:
    deal = deal_in(MotionState.PENDING_APPROVAL)

    deal.take(Action.CONFIGURE, ConfigureInput((LineInput(SEATS.id, 3),)), SELLER)

    assert deal.motion.quote is None
    assert deal.motion.approval is None
    assert deal.motion.lines[0].quantity == 3


@pytest.mark.parametrize(
    ("quantity", "allowed"), [(1, True), (100_000, True), (100_001, False)]
)
def test_quantity_limits(quantity: int, allowed: bool) -> None:
    deal = deal_in(MotionState.DRAFT)
    configure = ConfigureInput((LineInput(SETUP.id, quantity),))

    assert deal.ask(Action.CONFIGURE, configure, SELLER).allowed is allowed


def test_a_product_not_sold_in_the_region_is_not_eligible() -> None:
    deal = deal_in(MotionState.DRAFT)

    decision = deal.ask(
        Action.CONFIGURE, ConfigureInput((LineInput(AMER_ONLY.id, 1),)), SELLER
    )

    assert _codes(decision) == ["PRODUCT_NOT_ELIGIBLE"]
    assert "region emea" in decision.failures[0].message


def test_a_product_for_another_segment_is_not_eligible() -> None:
    deal = started((), account=SMALLCO)

    decision = deal.ask(
        Action.CONFIGURE, ConfigureInput((LineInput(ENTERPRISE_ONLY.id, 1),)), SELLER
    )

    assert _codes(decision) == ["PRODUCT_NOT_ELIGIBLE"]


def test_a_product_for_other_partner_tiers_is_not_eligible_for_this_partner() -> None:
    deal = started((), channel=Channel.PARTNER, partner=GLOBEX)

    decision = deal.ask(
        Action.CONFIGURE, ConfigureInput((LineInput(PLATINUM_ONLY.id, 1),)), SELLER
    )

    assert _codes(decision) == ["PRODUCT_NOT_ELIGIBLE"]
    assert "gold" in decision.failures[0].message


def test_partner_tiers_do_not_restrict_direct_sales() -> None:
    deal = deal_in(MotionState.DRAFT)
    configure = ConfigureInput((LineInput(PLATINUM_ONLY.id, 1),))

    assert deal.ask(Action.CONFIGURE, configure, SELLER).allowed


def test_an_add_on_with_its_base_in_the_same_motion_is_allowed() -> None:
    deal = deal_in(MotionState.DRAFT)
    lines = (LineInput(SEATS.id, 5), LineInput(ANALYTICS.id, 5))

    assert deal.ask(Action.CONFIGURE, ConfigureInput(lines), SELLER).allowed


def test_an_add_on_with_its_base_entitled_is_allowed() -> None:
    deal = deal_in(MotionState.DRAFT)
    deal.entitled_skus = frozenset({"SEATS"})
    configure = ConfigureInput((LineInput(ANALYTICS.id, 5),))

    assert deal.ask(Action.CONFIGURE, configure, SELLER).allowed


def test_an_add_on_without_its_base_is_missing_a_prerequisite() -> None:
    deal = deal_in(MotionState.DRAFT)

    decision = deal.ask(
        Action.CONFIGURE, ConfigureInput((LineInput(ANALYTICS.id, 5),)), SELLER
    )

    assert _codes(decision) == ["PREREQUISITE_MISSING"]
    assert "SEATS" in decision.failures[0].message


def test_start_with_lines_runs_the_line_guards() -> None:
    start = StartInput(ACME.id, Channel.DIRECT, lines=(LineInput(RETIRED.id, 1),))

    decision = Deal().ask(Action.START, start, SELLER)

    assert _codes(decision) == ["PRODUCT_NOT_ELIGIBLE"]


def test_start_for_an_unknown_account_is_refused() -> None:
    deal = Deal(account=SMALLCO)

    decision = deal.ask(Action.START, StartInput(999, Channel.DIRECT), SELLER)

    assert "INVALID_INPUT" in _codes(decision)
    assert decision.failures[0].guard == "account_exists"


def test_partner_user_starts_for_its_own_partner() -> None:
    start = StartInput(ACME.id, Channel.PARTNER, GLOBEX.id)

    decision = Deal(partner=GLOBEX).ask(Action.START, start, PARTNER_USER)

    assert decision.allowed
    assert decision.after is not None
    assert decision.after.partner_id == GLOBEX.id


def test_partner_user_cannot_start_for_another_partner() -> None:
    start = StartInput(ACME.id, Channel.PARTNER, INITECH.id)

    decision = Deal(partner=INITECH).ask(Action.START, start, PARTNER_USER)

    assert "FORBIDDEN_ROLE" in _codes(decision)


def test_partner_user_cannot_start_a_direct_motion() -> None:
    decision = Deal().ask(
        Action.START, StartInput(ACME.id, Channel.DIRECT), PARTNER_USER
    )

    assert _codes(decision) == ["FORBIDDEN_ROLE"]


def test_partner_channel_needs_a_partner() -> None:
    decision = Deal().ask(Action.START, StartInput(ACME.id, Channel.PARTNER), SELLER)

    assert _codes(decision) == ["INVALID_INPUT"]


def test_a_partner_is_refused_outside_the_partner_channel() -> None:
    start = StartInput(ACME.id, Channel.DIRECT, GLOBEX.id)

    decision = Deal(partner=GLOBEX).ask(Action.START, start, SELLER)

    assert _codes(decision) == ["INVALID_INPUT"]


def test_a_partner_sells_only_in_its_regions() -> None:
    start = StartInput(ACME.id, Channel.PARTNER, INITECH.id)

    decision = Deal(partner=INITECH).ask(Action.START, start, SELLER)

    assert _codes(decision) == ["INVALID_INPUT"]
    assert decision.failures[0].guard == "partner_region"


def test_partner_user_drives_only_its_own_partner_motions() -> None:
    deal = started((LineInput(SEATS.id, 5),), channel=Channel.PARTNER, partner=GLOBEX)
    outsider = replace(PARTNER_USER, partner_id=INITECH.id)
    configure = ConfigureInput((LineInput(SEATS.id, 6),))

    assert deal.ask(Action.CONFIGURE, configure, PARTNER_USER).allowed
    assert _codes(deal.ask(Action.CONFIGURE, configure, outsider)) == ["FORBIDDEN_ROLE"]


def test_customer_of_another_account_cannot_accept() -> None:
    deal = deal_in(MotionState.QUOTED)

    decision = deal.ask(Action.ACCEPT_QUOTE, NoInput(), STRANGER)

    assert _codes(decision) == ["FORBIDDEN_ROLE"]


def test_any_seller_may_configure_and_cancel() -> None:
    deal = deal_in(MotionState.DRAFT)
    other = replace(SELLER, subject="sue")
    configure = ConfigureInput((LineInput(SEATS.id, 6),))

    assert deal.ask(Action.CONFIGURE, configure, other).allowed
    assert deal.ask(Action.CANCEL, CancelInput("no budget"), other).allowed


def test_cancel_without_a_reason_is_refused() -> None:
    deal = deal_in(MotionState.AGREED)

    decision = deal.ask(Action.CANCEL, CancelInput(""), SELLER)

    assert _codes(decision) == ["REASON_REQUIRED"]


def test_cancel_of_an_order_cancels_the_order() -> None:
    deal = deal_in(MotionState.ORDERED)

    deal.take(Action.CANCEL, CancelInput("no budget"), SELLER)

    assert deal.motion.order is not None
    assert deal.motion.order.status == "CANCELLED"


def test_cancel_after_a_fulfilment_is_refused() -> None:
    deal = deal_in(MotionState.FULFILLING)
    forced = replace(deal.motion, state=MotionState.ORDERED)
    deal.snapshot = forced

    decision = deal.ask(Action.CANCEL, CancelInput("no budget"), ADMIN)

    assert _codes(decision) == ["NOT_ALLOWED_IN_STATE"]
    assert decision.failures[0].guard == "nothing_fulfilled"


def test_sign_without_a_signer_is_refused() -> None:
    deal = deal_in(MotionState.ACCEPTED)
    given = SignAgreementInput(START_DATE, " ")

    assert _codes(deal.ask(Action.SIGN_AGREEMENT, given, CUSTOMER)) == ["INVALID_INPUT"]


def test_place_order_against_a_tampered_quote_is_a_price_mismatch() -> None:
    deal = deal_in(MotionState.AGREED)
    quote = deal.motion.quote
    assert quote is not None
    deal.snapshot = replace(deal.motion, quote=replace(quote, price_hash="0" * 64))

    decision = deal.ask(Action.PLACE_ORDER, NoInput(), SELLER)

    assert _codes(decision) == ["PRICE_MISMATCH"]


def test_fulfil_beyond_what_remains_says_how_much_remains() -> None:
    deal = deal_in(MotionState.FULFILLING)
    given = FulfilInput((FulfilmentLineInput(1, 7), FulfilmentLineInput(1, 4)))

    decision = deal.ask(Action.FULFIL, given, OPS)

    assert _codes(decision) == ["QUANTITY_EXCEEDS_REMAINING"]
    assert decision.failures[0].message == (
        "quantity 11 exceeds the 10 that remain on line 1"
    )


def test_fulfil_of_an_unknown_line_or_nothing_is_refused() -> None:
    deal = deal_in(MotionState.ORDERED)

    unknown = deal.ask(Action.FULFIL, FulfilInput((FulfilmentLineInput(9, 1),)), OPS)
    empty = deal.ask(Action.FULFIL, FulfilInput(()), OPS)
    zero = deal.ask(Action.FULFIL, FulfilInput((FulfilmentLineInput(1, 0),)), OPS)

    assert _codes(unknown) == ["INVALID_INPUT"]
    assert _codes(empty) == ["INVALID_INPUT"]
    assert _codes(zero) == ["INVALID_INPUT"]


def test_invoice_number_already_taken_is_refused() -> None:
    deal = deal_in(MotionState.FULFILLED)
    deal.invoice_number_taken = True
    assert deal.motion.order is not None

    decision = deal.ask(
        Action.RECORD_INVOICE, InvoiceInput("INV-1", deal.motion.order.total), ERP
    )

    assert _codes(decision) == ["INVALID_INPUT"]


def test_invoice_for_another_amount_is_a_mismatch() -> None:
    deal = deal_in(MotionState.FULFILLED)

    decision = deal.ask(Action.RECORD_INVOICE, InvoiceInput("INV-1", 100), ERP)

    assert _codes(decision) == ["AMOUNT_MISMATCH"]
    assert decision.failures[0].message == (
        "amount 1.00 EUR differs from the order total 2438.00 EUR"
    )


def test_payment_for_another_amount_is_a_mismatch() -> None:
    deal = deal_in(MotionState.INVOICED)

    decision = deal.ask(Action.RECORD_PAYMENT, PaymentInput("PAY-1", 243799), ERP)

    assert _codes(decision) == ["AMOUNT_MISMATCH"]
